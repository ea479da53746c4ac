/** Kubernetes kinds and keys this library reads and writes. No cdk8s imports, so the verify CLI can use them without loading cdk8s. */
import { isPlainObject } from './objects';

/** The Secret type of a registry pull secret. */
export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
/** The single data key of a `kubernetes.io/dockerconfigjson` Secret. */
export const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';

/** Where the pod spec sits in each pod-bearing kind (REFERENCE.md §5). */
export const POD_SPEC_PATHS: Readonly<Record<string, string>> = {
  Pod: '/spec',
  Deployment: '/spec/template/spec',
  StatefulSet: '/spec/template/spec',
  DaemonSet: '/spec/template/spec',
  ReplicaSet: '/spec/template/spec',
  Job: '/spec/template/spec',
  CronJob: '/spec/jobTemplate/spec/template/spec',
};

/** Follows a JSON pointer of plain keys (as in {@link POD_SPEC_PATHS}); undefined when a step is missing. */
export function readPointer(document: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), document);
}
