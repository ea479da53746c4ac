import { Chart, Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PrivateImageWorkload, RegistrySecret, WorkloadKind } from '../src';
import { POD_SPEC, pullSecretsOf, quayChart, WORKLOAD_PASSWORD } from './support/charts';
import { creds } from './support/credentials';
import { synthError } from './support/synth';

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
    new RegistrySecret(chart, 'ghcr', { name: 'ghcr-pull', server: 'ghcr.io', credentials: creds(WORKLOAD_PASSWORD) });
    new RegistrySecret(chart, 'unused', { name: 'a-unused', server: 'registry.example.com', credentials: creds(WORKLOAD_PASSWORD) });
    const app = new PrivateImageWorkload(chart, 'app', { name: 'app', image: 'quay.io/org/app:1.0' });
    app.workload.addContainer({ name: 'sidecar', image: 'ghcr.io/org/sidecar:2' });
    app.workload.addInitContainer({ name: 'init', image: 'quay.io/org/migrate:1' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['ghcr-pull', 'testquay']);
  });

  test('every matching secret counts: several keys for one registry', () => {
    const { chart } = quayChart();
    new RegistrySecret(chart, 'team', { name: 'quay-team', server: 'quay.io/org', credentials: creds(WORKLOAD_PASSWORD) });
    new RegistrySecret(chart, 'other-team', { name: 'quay-other', server: 'quay.io/other', credentials: creds(WORKLOAD_PASSWORD) });
    new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1.0' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['quay-team', 'testquay']);
  });

  test('Docker Hub images use a secret for the default server', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'hub', { namespace: 'default' });
    new RegistrySecret(chart, 'hub', { name: 'dockerhub', credentials: creds(WORKLOAD_PASSWORD) });
    new PrivateImageWorkload(chart, 'app', { image: 'myorg/private-app:1.0' });
    new PrivateImageWorkload(chart, 'nginx', { image: 'nginx' });
    const manifests = Testing.synth(chart);
    expect(manifests.filter((o) => o.kind === 'Deployment').map((o) => POD_SPEC.Deployment(o).imagePullSecrets)).toEqual([
      [{ name: 'dockerhub' }], [{ name: 'dockerhub' }],
    ]);
  });

  test('explicit secrets come first, in the order given', () => {
    const { chart } = quayChart();
    const extra = new RegistrySecret(chart, 'extra', { name: 'zz-extra', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
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

  test('allowUnmatchedImages lets a public image through with no pull secret', () => {
    const { chart } = quayChart();
    new PrivateImageWorkload(chart, 'public', { image: 'registry.k8s.io/pause:3.9', allowUnmatchedImages: true });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toBeUndefined();
  });
});

describe('PrivateImageWorkload errors', () => {
  test('an unmatched private image lists the secrets in scope and their servers', () => {
    const { app, chart } = quayChart();
    new RegistrySecret(chart, 'ghcr', { name: 'ghcr-pull', server: 'ghcr.io', credentials: creds(WORKLOAD_PASSWORD) });
    new PrivateImageWorkload(chart, 'app', { image: 'registry.example.com/team/app:1.0' });
    const error = synthError(app);
    expect(error).toContain('[chart/app] image "registry.example.com/team/app:1.0" of container "main" matches no registry credential in namespace "default"; ' +
      'registry secrets in scope: testquay (quay.io); ghcr-pull (ghcr.io). Fix: add a RegistrySecret (or ProjectRegistry) for its registry in namespace "default", or, if the image is public, list its registry or repository in publicImages (e.g. \"docker.io/library\")');
    expect(error).not.toContain(WORKLOAD_PASSWORD);
  });

  test('an explicit secret from another namespace is an error', () => {
    const { app, chart } = quayChart();
    const elsewhere = new RegistrySecret(chart, 'elsewhere', { name: 'other-ns', namespace: 'other', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
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
    [{ name: 'Bad_Name' }, 'workload name "Bad_Name" must be a DNS-1123 subdomain'],
    [{ namespace: 'Bad' }, 'namespace "Bad" must be a DNS-1123 label'],
    [{ containerName: 'web.app' }, 'container name "web.app" must be a DNS-1123 label'],
  ])('bad props %#', (props, message) => {
    const { chart } = quayChart();
    expect(() => new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1', ...props })).toThrow(message);
  });
});

describe('public images by pattern and typo-proof secret names', () => {
  test('a public image passes, a private one with no secret still fails', () => {
    const { app, chart } = quayChart();
    new PrivateImageWorkload(chart, 'web', { image: 'nginx:1.27', publicImages: ['docker.io/library'] });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toBeUndefined();
    new PrivateImageWorkload(chart, 'internal', { image: 'registry.acme.internal:5000/team/app:1', publicImages: ['docker.io/library'] });
    expect(synthError(app)).toContain('[chart/internal] image "registry.acme.internal:5000/team/app:1" of container "main" matches no registry credential');
  });

  test('a public image gets no imagePullSecrets', () => {
    const { chart } = quayChart();
    new PrivateImageWorkload(chart, 'web', { image: 'registry.k8s.io/pause:3.9', publicImages: ['registry.k8s.io'] });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toBeUndefined();
  });

  test('a bad pattern is an error naming the construct and the normalized form', () => {
    const { chart } = quayChart();
    expect(() => new PrivateImageWorkload(chart, 'web', { image: 'nginx', publicImages: ['nginx'] }))
      .toThrow('[chart/web] publicImages entry "nginx" is not normalized; write "docker.io/library/nginx"');
  });

  test('a misspelt pull secret name fails with "did you mean"; imported on purpose, it passes', () => {
    const { app, chart } = quayChart();
    new RegistrySecret(chart, 'quay-pull', { name: 'quay-pull', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
    new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1', extraPullSecrets: [kplus.Secret.fromSecretName(chart, 't', 'quay-pul')] });
    expect(synthError(app)).toContain('[chart/app] pull secret "quay-pul" is not declared in namespace "default"; did you mean "quay-pull"?');
    RegistrySecret.fromSecretName(chart, 'existing', 'quay-pul', { servers: ['quay.io'] });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['quay-pul', 'quay-pull', 'testquay']);
  });
});
