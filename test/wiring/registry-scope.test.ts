import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PrivateImageWorkload, RegistrySecret } from '../../src';
import { RegistryScope } from '../../src/wiring/registry-scope';
import { pullSecretsOf, quayChart, WORKLOAD_PASSWORD } from '../support/charts';
import { creds } from '../support/credentials';

describe('RegistryScope change detection', () => {
  test('cdk8s validates once per chart, yet each workload is wired once per synth', () => {
    const app = Testing.app();
    for (let i = 0; i < 20; i++) {
      const chart = new Chart(app, `ns-${i}`, { namespace: `ns-${i}` });
      new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
      new PrivateImageWorkload(chart, 'a', { image: 'quay.io/org/a:1' });
      new PrivateImageWorkload(chart, 'b', { image: 'quay.io/org/b:1' });
    }
    const scope = RegistryScope.of(app);
    const first = app.synthYaml();
    expect(scope.wirings).toBe(40);
    expect(app.synthYaml()).toEqual(first);
    expect(scope.wirings).toBe(40);
  });

  test('a later synth sees containers added in between', () => {
    const { chart } = quayChart();
    new RegistrySecret(chart, 'ghcr', { name: 'ghcr-pull', server: 'ghcr.io', credentials: creds(WORKLOAD_PASSWORD) });
    const app = new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1.0' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['testquay']);
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['testquay']);
    app.workload.addContainer({ name: 'side', image: 'ghcr.io/org/side:1' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['ghcr-pull', 'testquay']);
  });

  test('init containers and attached containers added after a synth are seen by the next one', () => {
    const { chart } = quayChart();
    new RegistrySecret(chart, 'ghcr', { name: 'ghcr-pull', server: 'ghcr.io', credentials: creds(WORKLOAD_PASSWORD) });
    new RegistrySecret(chart, 'other', { name: 'other-pull', server: 'registry.example.com', credentials: creds(WORKLOAD_PASSWORD) });
    const app = new PrivateImageWorkload(chart, 'app', { image: 'quay.io/org/app:1.0' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['testquay']);
    app.workload.addInitContainer({ name: 'init', image: 'ghcr.io/org/init:1' });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['ghcr-pull', 'testquay']);
    app.workload.attachContainer(new kplus.Container({ name: 'side', image: 'registry.example.com/side:1' }));
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment')).toEqual(['ghcr-pull', 'other-pull', 'testquay']);
  });

  /** Three namespaces with two workloads each, synthesized once. */
  function threeNamespaces() {
    const app = Testing.app();
    const charts = [0, 1, 2].map((i) => {
      const chart = new Chart(app, `ns-${i}`, { namespace: `ns-${i}` });
      new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
      new PrivateImageWorkload(chart, 'a', { image: 'quay.io/org/a:1' });
      new PrivateImageWorkload(chart, 'b', { image: 'ghcr.io/org/b:1', allowUnmatchedImages: true });
      return chart;
    });
    const scope = RegistryScope.of(app);
    app.synthYaml();
    expect(scope.wirings).toBe(6);
    return { app, charts, scope };
  }

  test('registering a secret re-wires the pods of its namespace only', () => {
    const { app, charts, scope } = threeNamespaces();
    new RegistrySecret(charts[1], 'ghcr', { name: 'ghcr-pull', server: 'ghcr.io', credentials: creds(WORKLOAD_PASSWORD) });
    const manifests = app.synthYaml();
    expect(scope.wirings).toBe(6 + 2);
    expect(manifests).toContain('ghcr-pull');
  });

  test('registering a workload wires that workload only', () => {
    const { app, charts, scope } = threeNamespaces();
    new PrivateImageWorkload(charts[2], 'c', { image: 'quay.io/org/c:1' });
    app.synthYaml();
    expect(scope.wirings).toBe(6 + 1);
  });

  test('a container added to one workload re-wires that workload only', () => {
    const { app, charts, scope } = threeNamespaces();
    (charts[0].node.findChild('a') as PrivateImageWorkload).workload.addContainer({ name: 'side', image: 'quay.io/org/side:1' });
    app.synthYaml();
    expect(scope.wirings).toBe(6 + 1);
  });

  test('a pod with a problem is re-checked when a source anywhere changes: its message names other namespaces', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'a' });
    const b = new Chart(app, 'b', { namespace: 'b' });
    new PrivateImageWorkload(a, 'w', { image: 'ghcr.io/org/w:1' });
    expect(() => app.synthYaml()).toThrow('there are no registry secrets in scope');
    new RegistrySecret(b, 'ghcr', { name: 'ghcr-pull', server: 'ghcr.io', credentials: creds(WORKLOAD_PASSWORD) });
    expect(() => app.synthYaml()).toThrow('a credential for it exists in namespace "b"');
  });
});
