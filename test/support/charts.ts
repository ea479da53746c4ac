import { App, Chart, Testing } from 'cdk8s';
import { creds } from './credentials';
import { RegistrySecret } from '../../src';

/** The password of the workload and wiring suites' credentials. */
export const WORKLOAD_PASSWORD = 'W0rkload-S3cret';

/** The password of the Project and ProjectRegistry suites' credentials. */
export const PROJECT_PASSWORD = 'Pr0ject-S3cret';

/** Where each pod-bearing kind keeps its pod spec. */
export const POD_SPEC: Record<string, (o: any) => any> = {
  Pod: (o) => o.spec,
  Deployment: (o) => o.spec.template.spec,
  StatefulSet: (o) => o.spec.template.spec,
  DaemonSet: (o) => o.spec.template.spec,
  ReplicaSet: (o) => o.spec.template.spec,
  Job: (o) => o.spec.template.spec,
  CronJob: (o) => o.spec.jobTemplate.spec.template.spec,
};

/** The `imagePullSecrets` names of the `kind` object (the one called `name`, if given) in `manifests`. */
export function pullSecretsOf(manifests: any[], kind: string, name?: string): string[] | undefined {
  const object = manifests.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!object) throw new Error(`no ${kind} ${name ?? ''} in output`);
  return POD_SPEC[kind](object).imagePullSecrets?.map((ref: any) => ref.name);
}

/** A chart "chart" in `namespace` holding the RegistrySecret "testquay" for quay.io. */
export function quayChart(namespace = 'default'): { app: App; chart: Chart } {
  const app = Testing.app();
  const chart = new Chart(app, 'chart', { namespace });
  new RegistrySecret(chart, 'testquay', { name: 'testquay', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
  return { app, chart };
}

/** An empty chart "chart", in `chartNamespace` if given. */
export function emptyChart(chartNamespace?: string): { app: App; chart: Chart } {
  const app = Testing.app();
  return { app, chart: new Chart(app, 'chart', { namespace: chartNamespace }) };
}

/** The Secrets in `manifests`. */
export const secretsIn = (manifests: any[]) => manifests.filter((o) => o.kind === 'Secret');

/** The `imagePullSecrets` names of the Deployment in `namespace`. */
export const deploymentPullSecrets = (manifests: any[], namespace: string) =>
  manifests.find((o) => o.kind === 'Deployment' && o.metadata.namespace === namespace).spec.template.spec.imagePullSecrets?.map((r: any) => r.name);
