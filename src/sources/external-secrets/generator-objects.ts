/**
 * External Secrets Operator generators (`generators.external-secrets.io`)
 * for short-lived registry tokens, emitted beside the ExternalSecret that
 * references them, and the `auth` blocks the public options build.
 */
import { ApiObject } from 'cdk8s';
import {
  AcrAccessToken, AcrAccessTokenSpecAuth, AcrAccessTokenSpecEnvironmentType, EcrAuthorizationToken, EcrAuthorizationTokenSpecAuth, GcrAccessToken,
  GcrAccessTokenSpecAuth,
} from '../../imports/generators.external-secrets.io';
import { withoutUndefined } from '../../rules/objects';
import { PullSecretTarget } from '../pull-secret-target';

/** The `auth` of an ECRAuthorizationToken; undefined: the controller's own AWS identity. */
export type EcrGeneratorAuth = EcrAuthorizationTokenSpecAuth | undefined;
/** The `auth` of a GCRAccessToken. */
export type GcrGeneratorAuth = GcrAccessTokenSpecAuth;
/** The `auth` of an ACRAccessToken. */
export type AcrGeneratorAuth = AcrAccessTokenSpecAuth;

/** A key of a Secret in the generator's namespace. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** ECR: a token of a Kubernetes service account, exchanged for an IAM role (IRSA). */
export function ecrServiceAccountAuth(serviceAccount: string): EcrGeneratorAuth {
  return { jwt: { serviceAccountRef: { name: serviceAccount } } };
}

/** ECR: access keys (and an optional session token) kept in a Secret. */
export function ecrAccessKeysAuth(accessKeyId: SecretKeyRef, secretAccessKey: SecretKeyRef, sessionToken?: SecretKeyRef): EcrGeneratorAuth {
  return {
    secretRef: withoutUndefined({
      accessKeyIdSecretRef: { ...accessKeyId },
      secretAccessKeySecretRef: { ...secretAccessKey },
      sessionTokenSecretRef: sessionToken && { ...sessionToken },
    }),
  };
}

/** GCR: a Google service account key (JSON) kept in a Secret. */
export function gcrServiceAccountKeyAuth(key: SecretKeyRef): GcrGeneratorAuth {
  return { secretRef: { secretAccessKeySecretRef: { ...key } } };
}

/** GCR: GKE workload identity through a Kubernetes service account. */
export function gcrWorkloadIdentityAuth(
  serviceAccount: string, clusterLocation: string, clusterName: string, clusterProjectId?: string,
): GcrGeneratorAuth {
  return { workloadIdentity: withoutUndefined({ serviceAccountRef: { name: serviceAccount }, clusterLocation, clusterName, clusterProjectId }) };
}

/** ACR: an Azure managed identity (a specific one when several are assigned). */
export function acrManagedIdentityAuth(identityId?: string): AcrGeneratorAuth {
  return { managedIdentity: withoutUndefined({ identityId }) };
}

/** ACR: Azure workload identity through a Kubernetes service account. */
export function acrWorkloadIdentityAuth(serviceAccount: string): AcrGeneratorAuth {
  return { workloadIdentity: { serviceAccountRef: { name: serviceAccount } } };
}

/** ACR: a service principal whose client id and secret are kept in a Secret. */
export function acrServicePrincipalAuth(clientId: SecretKeyRef, clientSecret: SecretKeyRef): AcrGeneratorAuth {
  return { servicePrincipal: { secretRef: { clientId: { ...clientId }, clientSecret: { ...clientSecret } } } };
}

/** Name and namespace of a generator: the secret's own (a generator is another kind, so the names never clash). */
function generatorMetadata(target: PullSecretTarget) {
  // An undefined name would override the name cdk8s generates.
  return withoutUndefined({ name: target.name, namespace: target.namespace });
}

/** The child id of a pull secret's generator. */
export const GENERATOR_ID = 'Generator';

/** Emits the ECRAuthorizationToken generator of `target`; `scope: 'public'` asks ECR Public for the token. */
export function emitEcrGenerator(
  target: PullSecretTarget, spec: { region: string; role?: string; scope?: string; auth: EcrGeneratorAuth },
): ApiObject {
  return new EcrAuthorizationToken(target.scope, GENERATOR_ID, {
    metadata: generatorMetadata(target),
    spec: withoutUndefined({ region: spec.region, role: spec.role, scope: spec.scope, auth: spec.auth }),
  });
}

/** Emits the GCRAccessToken generator of `target`. */
export function emitGcrGenerator(target: PullSecretTarget, spec: { projectId: string; auth: GcrGeneratorAuth }): ApiObject {
  return new GcrAccessToken(target.scope, GENERATOR_ID, {
    metadata: generatorMetadata(target),
    spec: { projectId: spec.projectId, auth: spec.auth },
  });
}

/** Emits the ACRAccessToken generator of `target`. */
export function emitAcrGenerator(
  target: PullSecretTarget, spec: { registry: string; tenantId: string; environmentType?: string; auth: AcrGeneratorAuth },
): ApiObject {
  return new AcrAccessToken(target.scope, GENERATOR_ID, {
    metadata: generatorMetadata(target),
    spec: withoutUndefined({
      registry: spec.registry,
      tenantId: spec.tenantId,
      environmentType: spec.environmentType as AcrAccessTokenSpecEnvironmentType | undefined,
      auth: spec.auth,
    }),
  });
}
