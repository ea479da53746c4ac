import { ApiObject, App, Chart, Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  PrivateImageWorkload, PullSecretWiring, RegistryCredentials, RegistrySecret, ServiceAccountPullSecrets, WorkloadKind,
} from '../src';
import { synthError } from './support/synth';
import { RegistryScope } from '../src/wiring/registry-scope';

const PASSWORD = 'W0rkload-S3cret';
const creds = () => RegistryCredentials.fromUsernamePassword('robot', PASSWORD);

const POD_SPEC: Record<string, (o: any) => any> = {
  Pod: (o) => o.spec,
  Deployment: (o) => o.spec.template.spec,
  StatefulSet: (o) => o.spec.template.spec,
  DaemonSet: (o) => o.spec.template.spec,
  ReplicaSet: (o) => o.spec.template.spec,
  Job: (o) => o.spec.template.spec,
  CronJob: (o) => o.spec.jobTemplate.spec.template.spec,
};

function pullSecretsOf(manifests: any[], kind: string, name?: string): string[] | undefined {
  const object = manifests.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!object) throw new Error(`no ${kind} ${name ?? ''} in output`);
  return POD_SPEC[kind](object).imagePullSecrets?.map((ref: any) => ref.name);
}


function quayChart(namespace = 'default'): { app: App; chart: Chart } {
  const app = Testing.app();
  const chart = new Chart(app, 'chart', { namespace });
  new RegistrySecret(chart, 'testquay', { name: 'testquay', server: 'quay.io', credentials: creds() });
  return { app, chart };
}

describe('PrivateImageWorkload', () => {
  test('the seed pod.yml comes out of the obvious code', () => {
    const { chart } = quayChart();
    new PrivateImageWorkload(chart, 'private-reg', {
      kind: WorkloadKind.POD,
      name: 'private-reg',
      containerName: 'private-reg-container',
      image: 'quay.io/example/private-app:1.0',
    });
    const manifests = Testing.synth(chart);
    const pod = manifests.find((o) => o.kind === 'Pod');
    expect(pod.metadata.name).toBe('private-reg');
    expect(pod.metadata.namespace).toBe('default');
    expect(pod.spec.containers.map((c: any) => [c.name, c.image])).toEqual([['private-reg-container', 'quay.io/example/private-app:1.0']]);
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'testquay' }]);
    expect(manifests).toMatchSnapshot();
  });

  test.each([
    [WorkloadKind.POD, 'Pod', {}],
    [WorkloadKind.DEPLOYMENT, 'Deployment', { replicas: 3 }],
    [WorkloadKind.STATEFUL_SET, 'StatefulSet', { ports: [{ number: 8080 }] }],
    [WorkloadKind.DAEMON_SET, 'DaemonSet', {}],
    [WorkloadKind.JOB, 'Job', {}],
    [WorkloadKind.CRON_JOB, 'CronJob', { schedule: Cron.daily() }],
  ])('%s is wired', (kind, manifestKind, extra) => {
    const { chart } = quayChart();
    const workload = new PrivateImageWorkload(chart, 'app', { kind, name: 'app', image: 'quay.io/org/app:1.0', ...extra });
    const manifests = Testing.synth(chart);
    expect(pullSecretsOf(manifests, manifestKind, 'app')).toEqual(['testquay']);
    expect(workload.workload.name).toBe('app');
    expect(manifests).toMatchSnapshot();
  });

  test('DEPLOYMENT is the default kind; container options pass through', () => {
    const { chart } = quayChart();
    new PrivateImageWorkload(chart, 'app', {
      image: 'quay.io/org/app:1.0',
      containerName: 'web',
      ports: [{ number: 8080 }],
      args: ['--verbose'],
      envVariables: { MODE: kplus.EnvValue.fromValue('prod') },
      resources: { cpu: { request: kplus.Cpu.millis(100) } },
      readiness: kplus.Probe.fromTcpSocket({ port: 8080 }),
    });
    const deployment = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect(container).toMatchObject({
      name: 'web',
      args: ['--verbose'],
      env: [{ name: 'MODE', value: 'prod' }],
      ports: [{ containerPort: 8080 }],
      resources: { requests: { cpu: '100m' } },
      readinessProbe: { tcpSocket: { port: 8080 } },
      imagePullPolicy: 'IfNotPresent',
    });
  });

  test('pull policy follows the kubelet: Always for :latest and untagged, else IfNotPresent', () => {
    const { chart } = quayChart();
    const policy = (image: string) => new PrivateImageWorkload(chart, image.replace(/[^a-z0-9]/g, '-'), { image }).container.imagePullPolicy;
    expect(policy('quay.io/org/app')).toBe(kplus.ImagePullPolicy.ALWAYS);
    expect(policy('quay.io/org/app:latest')).toBe(kplus.ImagePullPolicy.ALWAYS);
    expect(policy('quay.io/org/app:2.0')).toBe(kplus.ImagePullPolicy.IF_NOT_PRESENT);
    expect(policy(`quay.io/org/app@sha256:${'a'.repeat(64)}`)).toBe(kplus.ImagePullPolicy.IF_NOT_PRESENT);
  });

  test('a sidecar from a second registry and an init container added later are wired too, once each, by name', () => {
    const { chart } = quayChart();
    new RegistrySecret(chart, 'ghcr', { name: 'ghcr-pull', server: 'ghcr.io', credentials: creds() });
    new RegistrySecret(chart, 'unused', { name: 'a-unused', server: 'registry.example.com', credentials: creds() });
    const app = new PrivateImageWorkload(chart, 'app', { name: 'app', image: 'quay.io/org/app:1.0' });
    app.workload.addContainer({ name: 'sidecar', image: 'ghcr.io/org/sidecar:2' });
    app.workload.addInitContainer({ name: 'init', image: 'quay.io/org/migrate:1' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['ghcr-pull', 'testquay']);
  });

  test('every matching secret counts: several keys for one registry', () => {
    const { chart } = quayChart();
    new RegistrySecret(chart, 'team', { name: 'quay-team', server: 'quay.io/org', credentials: creds() });
    new RegistrySecret(chart, 'other-team', { name: 'quay-other', server: 'quay.io/other', credentials: creds() });
    new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1.0' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['quay-team', 'testquay']);
  });

  test('Docker Hub images use a secret for the default server', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'hub', { namespace: 'default' });
    new RegistrySecret(chart, 'hub', { name: 'dockerhub', credentials: creds() });
    new PrivateImageWorkload(chart, 'app', { image: 'myorg/private-app:1.0' });
    new PrivateImageWorkload(chart, 'nginx', { image: 'nginx' });
    const manifests = Testing.synth(chart);
    expect(manifests.filter((o) => o.kind === 'Deployment').map((o) => POD_SPEC.Deployment(o).imagePullSecrets)).toEqual([
      [{ name: 'dockerhub' }], [{ name: 'dockerhub' }],
    ]);
  });

  test('explicit secrets come first, in the order given', () => {
    const { chart } = quayChart();
    const extra = new RegistrySecret(chart, 'extra', { name: 'zz-extra', server: 'quay.io', credentials: creds() });
    const plus = new kplus.Secret(chart, 'plus', { metadata: { name: 'mirror' } });
    new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1.0', extraPullSecrets: [extra, plus] });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['zz-extra', 'mirror', 'testquay']);
  });

  test('dockerRegistryAuth set on the underlying workload is kept first', () => {
    const { chart } = quayChart();
    const imported = RegistrySecret.fromSecretName(chart, 'imported', 'made-by-rancher', { servers: ['ghcr.io'] });
    const app = new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1.0', extraPullSecrets: [imported] });
    app.workload.addContainer({ name: 'side', image: 'ghcr.io/org/side:1' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['made-by-rancher', 'testquay']);
  });

  test('imported secrets are in scope for their namespace', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'apps' });
    RegistrySecret.fromSecretName(chart, 'imported', 'quay-from-ui', { servers: ['quay.io'] });
    new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1.0' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['quay-from-ui']);
  });

  test('scope is the namespace: a secret in another namespace is not used', () => {
    const { app, chart } = quayChart('team-a');
    new PrivateImageWorkload(chart, 'app', { namespace: 'team-b', image: 'quay.io/org/app:1.0' });
    const error = synthError(app);
    expect(error).toContain('[chart/app] image "quay.io/org/app:1.0" of container "main" matches no registry credential in namespace "team-b"; there are no registry secrets in scope; ' +
      'a credential for it exists in namespace "team-a", but pull secrets must be in the pod\'s own namespace');
  });

  test('a later synth sees containers added in between', () => {
    const { chart } = quayChart();
    new RegistrySecret(chart, 'ghcr', { name: 'ghcr-pull', server: 'ghcr.io', credentials: creds() });
    const app = new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1.0' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['testquay']);
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['testquay']);
    app.workload.addContainer({ name: 'side', image: 'ghcr.io/org/side:1' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['ghcr-pull', 'testquay']);
  });

  test('allowUnmatchedImages lets a public image through with no pull secret', () => {
    const { chart } = quayChart();
    new PrivateImageWorkload(chart, 'public', { image: 'registry.k8s.io/pause:3.9', allowUnmatchedImages: true });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toBeUndefined();
  });
});

describe('PrivateImageWorkload errors', () => {
  test('an unmatched private image lists the secrets in scope and their servers', () => {
    const { app, chart } = quayChart();
    new RegistrySecret(chart, 'ghcr', { name: 'ghcr-pull', server: 'ghcr.io', credentials: creds() });
    new PrivateImageWorkload(chart, 'app', { image: 'registry.example.com/team/app:1.0' });
    const error = synthError(app);
    expect(error).toContain('[chart/app] image "registry.example.com/team/app:1.0" of container "main" matches no registry credential in namespace "default"; ' +
      'registry secrets in scope: testquay (quay.io); ghcr-pull (ghcr.io). Fix: add a RegistrySecret (or ProjectRegistry) for its registry in namespace "default", or set allowUnmatchedImages: true if the image is public');
    expect(error).not.toContain(PASSWORD);
  });

  test('an explicit secret from another namespace is an error', () => {
    const { app, chart } = quayChart();
    const elsewhere = new RegistrySecret(chart, 'elsewhere', { name: 'other-ns', namespace: 'other', server: 'quay.io', credentials: creds() });
    new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1.0', extraPullSecrets: [elsewhere] });
    expect(synthError(app)).toContain('[chart/app] pull secret "other-ns" is in namespace "other" but the pod runs in "default"; Kubernetes silently ignores pull secrets from other namespaces');
  });

  test.each([
    ['Quay.io/Org/App:1.0', 'repository name must be lowercase'],
    ['quay.io/org/app:bad tag', 'invalid'],
    ['', 'is empty'],
  ])('invalid image %j fails in the constructor', (image, message) => {
    const { chart } = quayChart();
    expect(() => new PrivateImageWorkload(chart, 'app', { image })).toThrow(message);
    expect(() => new PrivateImageWorkload(chart, 'app2', { image })).toThrow(/^\[chart\/app2\] image .* is invalid/);
  });

  test('an invalid image in a container added later fails the synth', () => {
    const { app, chart } = quayChart();
    const workload = new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1.0' });
    workload.workload.addContainer({ name: 'bad', image: 'quay.io/UPPER/case' });
    expect(synthError(app)).toContain('[chart/app] container "bad": image "quay.io/UPPER/case" is invalid');
  });

  test.each([
    [{ kind: WorkloadKind.CRON_JOB }, 'a CRON_JOB needs a schedule'],
    [{ kind: WorkloadKind.JOB, schedule: Cron.daily() }, '`schedule` only applies to CRON_JOB'],
    [{ kind: WorkloadKind.DAEMON_SET, replicas: 2 }, '`replicas` only applies to DEPLOYMENT and STATEFUL_SET'],
    [{ kind: WorkloadKind.STATEFUL_SET }, 'a STATEFUL_SET needs `ports`'],
    [{ name: 'Bad_Name' }, 'workload name "Bad_Name" must be a DNS-1123 subdomain'],
    [{ namespace: 'Bad' }, 'namespace "Bad" must be a DNS-1123 label'],
    [{ containerName: 'web.app' }, 'container name "web.app" must be a DNS-1123 label'],
  ])('bad props %#', (props, message) => {
    const { chart } = quayChart();
    expect(() => new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1', ...props })).toThrow(message);
  });
});

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

describe('ServiceAccountPullSecrets', () => {
  test('attaches registry secrets to the default service account', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'sa', { namespace: 'team-a' });
    const quay = new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: creds() });
    const ghcr = RegistrySecret.fromSecretName(chart, 'ghcr', 'ghcr-pull', { servers: ['ghcr.io'] });
    new ServiceAccountPullSecrets(chart, 'default-sa', { secrets: [quay, ghcr, quay] });
    const sa = Testing.synth(chart).find((o) => o.kind === 'ServiceAccount');
    expect(sa).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: 'team-a' },
      imagePullSecrets: [{ name: 'quay-pull' }, { name: 'ghcr-pull' }],
    });
  });

  test('a named service account; secrets from another namespace are refused', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'sa', { namespace: 'team-a' });
    const other = new RegistrySecret(chart, 'quay', { name: 'quay-pull', namespace: 'team-b', server: 'quay.io', credentials: creds() });
    expect(() => new ServiceAccountPullSecrets(chart, 'builder', { serviceAccountName: 'builder', secrets: [other] }))
      .toThrow('[sa/builder] pull secret "quay-pull" is in namespace "team-b" but the service account is in "team-a"');
    expect(() => new ServiceAccountPullSecrets(chart, 'none', { secrets: [] })).toThrow('no secrets to attach');
  });
});

describe('cost of the wiring across charts', () => {
  test('cdk8s validates once per chart, yet each workload is wired once per synth', () => {
    const app = Testing.app();
    for (let i = 0; i < 20; i++) {
      const chart = new Chart(app, `ns-${i}`, { namespace: `ns-${i}` });
      new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: creds() });
      new PrivateImageWorkload(chart, 'a', { image: 'quay.io/org/a:1' });
      new PrivateImageWorkload(chart, 'b', { image: 'quay.io/org/b:1' });
    }
    const scope = RegistryScope.of(app);
    const first = app.synthYaml();
    expect(scope.wirings).toBe(40);
    expect(app.synthYaml()).toEqual(first);
    expect(scope.wirings).toBe(40);
  });

  test('init containers and attached containers added after a synth are seen by the next one', () => {
    const { chart } = quayChart();
    new RegistrySecret(chart, 'ghcr', { name: 'ghcr-pull', server: 'ghcr.io', credentials: creds() });
    new RegistrySecret(chart, 'other', { name: 'other-pull', server: 'registry.example.com', credentials: creds() });
    const app = new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1.0' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['testquay']);
    app.workload.addInitContainer({ name: 'init', image: 'ghcr.io/org/init:1' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['ghcr-pull', 'testquay']);
    app.workload.attachContainer(new kplus.Container({ name: 'side', image: 'registry.example.com/side:1' }));
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['ghcr-pull', 'other-pull', 'testquay']);
  });
});
