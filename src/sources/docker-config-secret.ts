/**
 * The plain `kubernetes.io/dockerconfigjson` Secret, as kubectl makes it,
 * from a payload read at synth.
 */
import { ApiObject } from 'cdk8s';
import { DockerConfigPayload } from './credential-source';
import { EmittedPullSecret, PullSecretTarget } from './pull-secret-target';
import { secretHashSuffix } from '../rules/append-hash';
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE } from '../rules/dockerconfigjson';
import { withoutUndefined } from '../rules/objects';
import { checkKubeName, constructError } from '../wiring/construct-errors';
import { PullSecretOrigin } from '../wiring/pull-secret-source';

/** Emits the Secret holding `payload` for `target`. */
export function emitDockerConfigSecret(target: PullSecretTarget, payload: DockerConfigPayload): EmittedPullSecret {
  const data = { [DOCKER_CONFIG_JSON_KEY]: payload.base64 };
  const apiObject = new ApiObject(target.scope, 'Resource', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: withoutUndefined({
      // An undefined name would override the name cdk8s generates.
      name: target.appendHash ? hashedName(target, (name) => secretHashSuffix({ name, type: DOCKER_CONFIG_JSON_TYPE, data })) : target.name,
      namespace: target.namespace,
      labels: target.labels,
      annotations: target.annotations,
    }),
    type: DOCKER_CONFIG_JSON_TYPE,
    data,
    immutable: target.immutable,
  });
  return { apiObject, servers: payload.servers, origin: PullSecretOrigin.EMITTED };
}

/** `name-<suffix>` for `appendHash`, checked; `suffixOf` gets the name without the suffix. */
export function hashedName(target: PullSecretTarget, suffixOf: (name: string) => string): string {
  if (target.name === undefined) {
    throw constructError(target.scope, 'appendHash needs a name to append the hash to', 'set `name`, e.g. "quay-pull"');
  }
  const hashed = `${target.name}-${suffixOf(target.name)}`;
  checkKubeName(target.scope, 'subdomain', 'secret name with hash', hashed, 'shorten `name`');
  return hashed;
}
