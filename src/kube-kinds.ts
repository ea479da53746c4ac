/** Kubernetes kinds and keys this library reads and writes. No imports, so the verify CLI can use them without loading cdk8s. */

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
