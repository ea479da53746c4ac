/**
 * Once an app declares a registry secret, every pod is checked at synth,
 * wired or not: a pull secret declared only in another namespace, or a typo
 * of a declared one, fails naming the construct and the fix. And wiring never
 * takes away the pull secrets a pod would have had from its service account.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PrivateImageWorkload, PullSecretWiring, RegistrySecret, ServiceAccountPullSecrets } from '../src';
import { quayChart, WORKLOAD_PASSWORD } from './support/charts';
import { creds } from './support/credentials';
import { synthError } from './support/synth';

describe('without PullSecretWiring', () => {
  test('a RegistrySecret of namespace a given to a cdk8s-plus Deployment of namespace b fails the synth', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'a' });
    const b = new Chart(app, 'b', { namespace: 'b' });
    const secret = new RegistrySecret(a, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
    new kplus.Deployment(b, 'web', { containers: [{ image: 'quay.io/org/web:1' }], dockerRegistryAuth: secret });
    const error = synthError(app);
    expect(error).toMatch(/\n {2}\[b\/web\] pull secret "quay-pull" is in namespace "a" but the pod runs in "b".*Fix: create the secret in namespace "b"/);
    expect(error).not.toContain('RegistryScope'); // reported on the pod itself, its path once
  });

  test('a secret name a typo away from a declared one fails with "did you mean"', () => {
    const { app, chart } = quayChart('apps');
    new kplus.Deployment(chart, 'web', { containers: [{ image: 'quay.io/org/web:1' }], dockerRegistryAuth: kplus.Secret.fromSecretName(chart, 'x', 'testqay') });
    expect(synthError(app)).toMatch(/\[chart\/web\] pull secret "testqay" is not declared in namespace "apps"; did you mean "testquay"\?.*Fix: correct the name/);
  });

  test('raw objects too: a hand-written imagePullSecrets typo fails', () => {
    const { app, chart } = quayChart('apps');
    new ApiObject(chart, 'raw', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'raw' },
      spec: { containers: [{ name: 'app', image: 'quay.io/org/app:1' }], imagePullSecrets: [{ name: 'testquey' }] },
    });
    expect(synthError(app)).toMatch(/\[chart\/raw\] pull secret "testquey" is not declared in namespace "apps"; did you mean "testquay"\?/);
  });

  test('names far from any declared one, and correct ones, pass: nothing is wired, nothing changes', () => {
    const { chart } = quayChart('apps');
    const secret = chart.node.findChild('testquay') as RegistrySecret;
    new kplus.Deployment(chart, 'web', { containers: [{ image: 'quay.io/org/web:1' }], dockerRegistryAuth: secret });
    new kplus.Deployment(chart, 'other', { containers: [{ image: 'ghcr.io/org/x:1' }], dockerRegistryAuth: kplus.Secret.fromSecretName(chart, 'y', 'ghcr-credentials') });
    const manifests = Testing.synth(chart);
    const pullSecrets = (name: string) => manifests.find((o) => o.kind === 'Deployment' && o.metadata.name.startsWith(`chart-${name}`)).spec.template.spec.imagePullSecrets;
    expect(pullSecrets('web')).toEqual([{ name: 'testquay' }]);
    expect(pullSecrets('other')).toEqual([{ name: 'ghcr-credentials' }]);
  });
});

describe('service accounts', () => {
  test('wiring a pod that names no pull secret keeps its service account\'s, which the admission plugin would no longer add', () => {
    const { chart } = quayChart('apps');
    const builderPull = RegistrySecret.fromSecretName(chart, 'builder-pull', 'builder-pull', { servers: ['ghcr.io'] });
    new ServiceAccountPullSecrets(chart, 'sa', { serviceAccountName: 'builder', secrets: [builderPull] });
    new ApiObject(chart, 'raw', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'raw' },
      spec: { serviceAccountName: 'builder', containers: [{ name: 'app', image: 'quay.io/org/app:1' }] },
    });
    PullSecretWiring.applyTo(chart);
    const pod = Testing.synth(chart).find((o) => o.kind === 'Pod');
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'builder-pull' }, { name: 'testquay' }]);
  });

  test('the default service account counts when none is named; a PrivateImageWorkload keeps it too', () => {
    const { chart } = quayChart('apps');
    const shared = RegistrySecret.fromSecretName(chart, 'shared', 'shared-pull', { servers: ['ghcr.io'] });
    new ServiceAccountPullSecrets(chart, 'sa', { secrets: [shared] });
    new PrivateImageWorkload(chart, 'w', { image: 'quay.io/org/app:1' });
    const deployment = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: 'shared-pull' }, { name: 'testquay' }]);
  });

  test('a pod that names its own pull secrets gets no service account secrets: the admission plugin would add none either', () => {
    const { chart } = quayChart('apps');
    const shared = RegistrySecret.fromSecretName(chart, 'shared', 'shared-pull', { servers: ['ghcr.io'] });
    new ServiceAccountPullSecrets(chart, 'sa', { secrets: [shared] });
    new ApiObject(chart, 'raw', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'raw' },
      spec: { containers: [{ name: 'app', image: 'quay.io/org/app:1' }], imagePullSecrets: [{ name: 'testquay' }] },
    });
    PullSecretWiring.applyTo(chart);
    expect(Testing.synth(chart).find((o) => o.kind === 'Pod').spec.imagePullSecrets).toEqual([{ name: 'testquay' }]);
  });
});

describe('server hints', () => {
  test('a server a typo away from the image\'s registry: did you mean, at synth', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.oi', credentials: creds(WORKLOAD_PASSWORD) });
    new PrivateImageWorkload(chart, 'd', { image: 'quay.io/org/app:1' });
    const error = synthError(app);
    expect(error).toMatch(/secret "quay-pull": "quay.oi" is not the image's registry "quay.io": did you mean "quay.io"\?/);
    // One construct path per message: cdk8s adds it, the message does not repeat it.
    expect(error).toContain('[apps/d] image "quay.io/org/app:1"');
    expect(error).not.toMatch(/\[apps\] \[apps\/d\]/);
  });

  test('a port that differs is said, at synth', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    new RegistrySecret(chart, 'harbor', { name: 'harbor-pull', server: 'harbor.corp.example', credentials: creds(WORKLOAD_PASSWORD) });
    new PrivateImageWorkload(chart, 'd', { image: 'harbor.corp.example:8443/team/app:1' });
    expect(synthError(app)).toMatch(/secret "harbor-pull": "harbor.corp.example" names no port but the image's registry "harbor.corp.example:8443" names port 8443/);
  });
});

test('a pod that the wiring adopts after the unwired check saw it still reports every problem, each once', () => {
  const app = Testing.app();
  const a = new Chart(app, 'a', { namespace: 'a' });
  const b = new Chart(app, 'b', { namespace: 'b' });
  new RegistrySecret(a, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
  new ApiObject(b, 'raw', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'raw' },
    spec: { containers: [{ name: 'app', image: 'ghcr.io/org/app:1' }], imagePullSecrets: [{ name: 'quay-pull' }] },
  });
  PullSecretWiring.applyTo(b);
  const error = synthError(app);
  expect(error).toMatch(/\[b\/raw\] image "ghcr\.io\/org\/app:1" of container "app" matches no registry credential/);
  expect(error).toMatch(/\[b\/raw\] pull secret "quay-pull" is in namespace "a" but the pod runs in "b"/);
  expect(error.match(/is in namespace "a" but the pod runs in "b"/g)).toHaveLength(1);
});
