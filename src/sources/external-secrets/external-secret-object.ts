/**
 * The ExternalSecret (`external-secrets.io/v1`) that makes External Secrets
 * Operator write the pull secret in the cluster: its target is the secret's
 * name, its template renders kubectl's `.dockerconfigjson` from a username
 * and password fetched from a store or made by a generator. Nothing secret
 * is in it.
 */
import { ApiObject, Lazy } from 'cdk8s';
import { dockerConfigJsonTemplate, esoTemplateServerProblem } from './template';
import {
  ExternalSecret, ExternalSecretSpecDataFromSourceRefGeneratorRefKind, ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetTemplateEngineVersion,
} from '../../imports/external-secrets.io';
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE } from '../../rules/dockerconfigjson';
import { withoutUndefined } from '../../rules/objects';
import { displayServer } from '../../rules/registry-server';
import { constructError } from '../../wiring/construct-errors';
import { PullSecretOrigin } from '../../wiring/pull-secret-source';
import { EmittedPullSecret, PullSecretTarget } from '../pull-secret-target';

/** How a name clash names the Secret the operator writes. */
export const EXTERNAL_SECRET_HOLDER = 'target of an ExternalSecret, written by External Secrets Operator';

/** A SecretStore or ClusterSecretStore, by name. */
export interface StoreRef {
  /** `SecretStore` or `ClusterSecretStore`. */
  readonly kind: string;
  readonly name: string;
}

/** One value fetched from the store into the template's data. */
export interface RemoteValue {
  /** The template data key (`username`, `password`, `email`). */
  readonly secretKey: string;
  readonly key: string;
  readonly property: string;
}

/** What the ExternalSecret fetches or generates, and for which server. */
export interface ExternalSecretInput {
  /** The `auths` key, known at synth. */
  readonly server: string;
  /** `spec.refreshInterval`, a Go duration. */
  readonly refreshInterval: string;
  /** Values fetched from `store` (store sources). */
  readonly store?: StoreRef;
  readonly remoteValues?: readonly RemoteValue[];
  /** The generator whose outputs (`username`, `password`) feed the template (generator sources). */
  readonly generator?: ApiObject;
  /** Whether the data holds an `email` key. */
  readonly withEmail?: boolean;
}

/** Throws when `target` cannot be an ExternalSecret's: before anything (a generator) is emitted for it. */
export function checkExternalSecretTarget(target: PullSecretTarget, server: string): void {
  if (target.appendHash) {
    throw constructError(target.scope,
      'appendHash cannot follow the content of a secret that External Secrets Operator fetches in the cluster: the content is not known at synth',
      'remove appendHash: the operator updates the Secret in place under one name, and the kubelet reads pull secrets at every pull, so workloads need no rollout');
  }
  const serverProblem = esoTemplateServerProblem(server);
  if (serverProblem) {
    throw constructError(target.scope, `registry server "${displayServer(server)}" ${serverProblem}`, 'give the server without "{{"');
  }
}

/** Emits the ExternalSecret for `target`; the Secret the operator writes is PRODUCED, under the same name. */
export function emitExternalSecret(target: PullSecretTarget, input: ExternalSecretInput): EmittedPullSecret {
  checkExternalSecretTarget(target, input.server);
  const metadata = target.labels === undefined && target.annotations === undefined
    ? undefined : withoutUndefined({ labels: target.labels, annotations: target.annotations });
  const externalSecret: ApiObject = new ExternalSecret(target.scope, 'Resource', {
    // An undefined name would override the name cdk8s generates.
    metadata: withoutUndefined({ name: target.name, namespace: target.namespace }),
    spec: withoutUndefined({
      refreshInterval: input.refreshInterval,
      secretStoreRef: input.store && { kind: input.store.kind as ExternalSecretSpecSecretStoreRefKind, name: input.store.name },
      data: input.remoteValues?.map(({ secretKey, key, property }) => ({ secretKey, remoteRef: { key, property } })),
      dataFrom: input.generator && [{
        sourceRef: {
          generatorRef: {
            apiVersion: input.generator.apiVersion,
            kind: input.generator.kind as ExternalSecretSpecDataFromSourceRefGeneratorRefKind,
            name: input.generator.name,
          },
        },
      }],
      target: withoutUndefined({
        // The Secret's name is the ExternalSecret's, also when cdk8s generates it.
        name: target.name ?? Lazy.any({ produce: () => externalSecret.name }),
        immutable: target.immutable,
        template: withoutUndefined({
          type: DOCKER_CONFIG_JSON_TYPE,
          engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
          metadata,
          data: { [DOCKER_CONFIG_JSON_KEY]: dockerConfigJsonTemplate(input.server, input.withEmail ?? false) },
        }),
      }),
    }),
  });
  return { apiObject: externalSecret, servers: [input.server], origin: PullSecretOrigin.PRODUCED, holder: EXTERNAL_SECRET_HOLDER };
}
