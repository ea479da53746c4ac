import { ApiObject, Chart, Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PrivateImageWorkload, PullSecretWiring, WorkloadKind } from '../src';
import { pullSecretsOf, quayChart } from './support/charts';
import { synthError } from './support/synth';

describe('PullSecretWiring.applyTo', () => {
  const RAW_KINDS: Array<[string, string, (pod: any) => any]> = [
    ['Pod', 'v1', (pod) => pod],
    ['Deployment', 'apps/v1', (pod) => ({ selector: {}, template: pod })],
    ['StatefulSet', 'apps/v1', (pod) => ({ selector: {}, serviceName: 's', template: pod })],
    ['DaemonSet', 'apps/v1', (pod) => ({ selector: {}, template: pod })],
    ['ReplicaSet', 'apps/v1', (pod) => ({ selector: {}, template: pod })],
    ['Job', 'batch/v1', (pod) => ({ template: pod })],
    ['CronJob', 'batch/v1', (pod) => ({ schedule: '0 * * * *', jobTemplate: { spec: { template: pod } } })],
  ];

  test.each(RAW_KINDS)('raw %s objects are wired', (kind, apiVersion, wrap) => {
    const { chart } = quayChart();
    PullSecretWiring.applyTo(chart);
    const podSpec = { containers: [{ name: 'app', image: 'quay.io/org/app:1.0' }] };
    new ApiObject(chart, 'raw', { apiVersion, kind, metadata: { name: 'raw' }, spec: kind === 'Pod' ? podSpec : wrap({ spec: podSpec }) });
    expect(pullSecretsOf(Testing.synth(chart), kind, 'raw')).toEqual(['testquay']);
  });

  test('cdk8s-plus workloads of an existing chart, added after the call, keep their own secret first', () => {
    const { chart } = quayChart();
    PullSecretWiring.applyTo(chart);
    const own = new kplus.Secret(chart, 'own', { metadata: { name: 'own-pull' } });
    new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'quay.io/org/web:1' }], dockerRegistryAuth: own });
    new kplus.CronJob(chart, 'nightly', { metadata: { name: 'nightly' }, schedule: Cron.daily(), containers: [{ image: 'quay.io/org/batch:1' }] });
    const manifests = Testing.synth(chart);
    expect(pullSecretsOf(manifests, 'Deployment', 'web')).toEqual(['own-pull', 'testquay']);
    expect(pullSecretsOf(manifests, 'CronJob', 'nightly')).toEqual(['testquay']);
  });

  test('raw objects keep hand-written imagePullSecrets first, without duplicates', () => {
    const { chart } = quayChart();
    PullSecretWiring.applyTo(chart);
    new ApiObject(chart, 'raw', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'raw' },
      spec: { containers: [{ name: 'a', image: 'quay.io/org/app:1' }], imagePullSecrets: [{ name: 'hand-made' }, { name: 'testquay' }] },
    });
    expect(pullSecretsOf(Testing.synth(chart), 'Pod')).toEqual(['hand-made', 'testquay']);
  });

  test('applied to an app, reaches every chart; PrivateImageWorkloads are wired once', () => {
    const { app, chart } = quayChart();
    PullSecretWiring.applyTo(app);
    const other = new Chart(app, 'other', { namespace: 'default' });
    new kplus.Pod(other, 'pod', { metadata: { name: 'plain' }, containers: [{ image: 'quay.io/org/app:1' }] });
    new PrivateImageWorkload(chart, 'own', { name: 'own', kind: WorkloadKind.POD, image: 'quay.io/org/app:1' });
    const manifests = [...Testing.synth(chart), ...Testing.synth(other)];
    expect(pullSecretsOf(manifests, 'Pod', 'plain')).toEqual(['testquay']);
    expect(pullSecretsOf(manifests, 'Pod', 'own')).toEqual(['testquay']);
  });

  test('unmatched images are errors naming the object; allowUnmatchedImages opts out', () => {
    const { app, chart } = quayChart();
    PullSecretWiring.applyTo(chart);
    new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx:1.27' }] });
    expect(synthError(app)).toContain('[chart/web] image "nginx:1.27" of container "main" matches no registry credential');

    const ok = quayChart();
    PullSecretWiring.applyTo(ok.chart, { allowUnmatchedImages: true });
    new kplus.Deployment(ok.chart, 'web', { containers: [{ image: 'nginx:1.27' }] });
    expect(pullSecretsOf(Testing.synth(ok.chart), 'Deployment')).toBeUndefined();
  });

  test('objects that run no pods are left alone', () => {
    const { chart } = quayChart();
    PullSecretWiring.applyTo(chart);
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } });
    expect(Testing.synth(chart).find((o) => o.kind === 'ConfigMap')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data: { a: 'b' } });
  });
});

describe('PullSecretWiring with public images', () => {
  test('public images pass by pattern; a private image with no secret still fails the synth', () => {
    const { app, chart } = quayChart();
    new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx:1.27' }, { image: 'registry.k8s.io/pause:3.9', name: 'pause' }] });
    PullSecretWiring.applyTo(chart, { publicImages: ['docker.io/library', 'registry.k8s.io'] });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toBeUndefined();
    new kplus.Deployment(chart, 'internal', { containers: [{ image: 'registry.acme.internal:5000/team/app:1' }] });
    expect(synthError(app)).toContain('image "registry.acme.internal:5000/team/app:1" of container "main" matches no registry credential');
  });

  test('a bad pattern names the scope it was applied to', () => {
    const { chart } = quayChart();
    expect(() => PullSecretWiring.applyTo(chart, { publicImages: ['docker.io/'] })).toThrow('[chart] publicImages entry "docker.io/" ends with "/"');
  });
});
