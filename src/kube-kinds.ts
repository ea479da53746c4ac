/**
 * Where the pod spec sits in each pod-bearing kind (REFERENCE.md §5). No
 * imports, so the verify CLI can use it without loading cdk8s.
 */
export const POD_SPEC_PATHS: Readonly<Record<string, string>> = {
  Pod: '/spec',
  Deployment: '/spec/template/spec',
  StatefulSet: '/spec/template/spec',
  DaemonSet: '/spec/template/spec',
  ReplicaSet: '/spec/template/spec',
  Job: '/spec/template/spec',
  CronJob: '/spec/jobTemplate/spec/template/spec',
};
