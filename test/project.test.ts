import { Testing } from 'cdk8s';
import { PrivateImageWorkload, Project, ProjectRegistry } from '../src';
import { deploymentPullSecrets, emptyChart, PROJECT_PASSWORD } from './support/charts';
import { creds } from './support/credentials';
import { synthError } from './support/synth';

describe('Project', () => {
  test('emits its namespaces with the Rancher binding, never namespaced themselves', () => {
    const { chart } = emptyChart('default');
    new Project(chart, 'team', { namespaces: ['team-a', 'team-b'], clusterId: 'c-abc12', projectId: 'p-xyz34' });
    const namespaces = Testing.synth(chart);
    expect(namespaces).toEqual(['team-a', 'team-b'].map((name) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, annotations: { 'field.cattle.io/projectId': 'c-abc12:p-xyz34' }, labels: { 'field.cattle.io/projectId': 'p-xyz34' } },
    })));
  });

  test('without Rancher ids: plain namespaces; emitNamespaces: false emits nothing but keeps the scope', () => {
    const plain = emptyChart();
    new Project(plain.chart, 'team', { namespaces: ['team-a'] });
    expect(Testing.synth(plain.chart)).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }]);

    const existing = emptyChart();
    const project = new Project(existing.chart, 'team', { namespaces: ['team-a'], emitNamespaces: false });
    new ProjectRegistry(existing.chart, 'reg', { project, name: 'pull', server: 'quay.io', credentials: creds(PROJECT_PASSWORD) });
    new PrivateImageWorkload(existing.chart, 'app', { namespace: 'team-a', image: 'quay.io/org/app:1' });
    const manifests = Testing.synth(existing.chart);
    expect(manifests.filter((o) => o.kind === 'Namespace')).toEqual([]);
    expect(deploymentPullSecrets(manifests, 'team-a')).toEqual(['pull']);
  });

  test.each([
    [{ clusterId: 'Cluster One', projectId: 'p-xyz34' }, 'Rancher cluster id "Cluster One" is not a cluster id'],
    [{ clusterId: 'c-abc12', projectId: 'c-abc12:p-xyz34' }, 'Rancher project id "c-abc12:p-xyz34" is not a project id'],
    [{ projectId: 'p-xyz34' }, 'only projectId is set'],
    [{ namespaces: ['Team_A'] }, 'namespace "Team_A" must be a DNS-1123 label'],
    [{ namespaces: ['a', 'a'] }, 'namespace "a" is already in the project'],
  ])('bad props %#', (props, message) => {
    const { chart } = emptyChart();
    expect(() => new Project(chart, 'p', props)).toThrow(message);
  });

  test('a namespace in two projects is an error', () => {
    const { app, chart } = emptyChart();
    new Project(chart, 'one', { namespaces: ['shared'] });
    new Project(chart, 'two', { namespaces: ['shared'], emitNamespaces: false });
    expect(synthError(app)).toContain('namespace "shared" is in two projects: chart/one and chart/two');
  });
});
