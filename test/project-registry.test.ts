import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  PrivateImageWorkload, Project, ProjectRegistry, ProjectRegistryMode, PullSecretWiring, RegistryCredentials, RegistrySecret,
} from '../src';
import { deploymentPullSecrets, emptyChart, PROJECT_PASSWORD, secretsIn } from './support/charts';
import { creds } from './support/credentials';
import { synthError } from './support/synth';

describe('ProjectRegistry COPY_PER_NAMESPACE', () => {
  test('one byte-identical copy per namespace, same name; workloads in the project are wired', () => {
    const { chart } = emptyChart();
    const project = new Project(chart, 'team', { namespaces: ['team-a', 'team-b', 'team-c'] });
    new ProjectRegistry(chart, 'ghcr', { project, name: 'ghcr-pull', server: 'ghcr.io', credentials: creds(PROJECT_PASSWORD) });
    new PrivateImageWorkload(chart, 'api', { namespace: 'team-a', image: 'ghcr.io/org/api:1' });
    new PrivateImageWorkload(chart, 'web', { namespace: 'team-b', image: 'ghcr.io/org/web:1' });
    const manifests = Testing.synth(chart);
    const secrets = secretsIn(manifests);
    expect(secrets.map((s) => [s.metadata.name, s.metadata.namespace])).toEqual([['ghcr-pull', 'team-a'], ['ghcr-pull', 'team-b'], ['ghcr-pull', 'team-c']]);
    expect(new Set(secrets.map((s) => s.data['.dockerconfigjson'])).size).toBe(1);
    expect(deploymentPullSecrets(manifests, 'team-a')).toEqual(['ghcr-pull']);
    expect(deploymentPullSecrets(manifests, 'team-b')).toEqual(['ghcr-pull']);
    expect(manifests).toMatchSnapshot();
  });

  test('credentials are read once, even from the environment', () => {
    const { chart } = emptyChart();
    process.env.PR_USER = 'robot';
    process.env.PR_PASS = PROJECT_PASSWORD;
    try {
      const project = new Project(chart, 'team', { namespaces: ['a', 'b'] });
      new ProjectRegistry(chart, 'reg', { project, name: 'pull', server: 'quay.io', credentials: RegistryCredentials.fromEnv('PR_USER', 'PR_PASS') });
      delete process.env.PR_PASS; // a copy made later must not need the variable again
      project.addNamespace('c');
      expect(secretsIn(Testing.synth(chart))).toHaveLength(3);
    } finally {
      delete process.env.PR_USER;
      delete process.env.PR_PASS;
    }
  });

  test('namespaces added later still get their copy and their workloads are wired', () => {
    const { chart } = emptyChart();
    const project = new Project(chart, 'team', { namespaces: ['team-a'] });
    const registry = new ProjectRegistry(chart, 'reg', { project, name: 'pull', server: 'quay.io', credentials: creds(PROJECT_PASSWORD) });
    project.addNamespace('team-late');
    new PrivateImageWorkload(chart, 'late', { namespace: 'team-late', image: 'quay.io/org/app:1' });
    const manifests = Testing.synth(chart);
    expect(secretsIn(manifests).map((s) => s.metadata.namespace)).toEqual(['team-a', 'team-late']);
    expect(deploymentPullSecrets(manifests, 'team-late')).toEqual(['pull']);
    expect(registry.copyIn('team-late')?.namespace).toBe('team-late');
  });

  test('excluded namespaces get no copy, and their workloads are not wired to it', () => {
    const { app, chart } = emptyChart();
    const project = new Project(chart, 'team', { namespaces: ['team-a', 'team-b'] });
    new ProjectRegistry(chart, 'reg', { project, name: 'pull', server: 'quay.io', credentials: creds(PROJECT_PASSWORD), excludeNamespaces: ['team-b'] });
    expect(secretsIn(Testing.synth(chart)).map((s) => s.metadata.namespace)).toEqual(['team-a']);
    new PrivateImageWorkload(chart, 'app', { namespace: 'team-b', image: 'quay.io/org/app:1' });
    expect(synthError(app)).toContain('image "quay.io/org/app:1" of container "main" matches no registry credential in namespace "team-b"');
  });

  test('a workload with a namespace secret and a project secret gets both, each once', () => {
    const { chart } = emptyChart();
    const project = new Project(chart, 'team', { namespaces: ['team-a'] });
    new ProjectRegistry(chart, 'ghcr', { project, name: 'ghcr-pull', server: 'ghcr.io', credentials: creds(PROJECT_PASSWORD) });
    new ProjectRegistry(chart, 'quay-project', { project, name: 'quay-project', server: 'quay.io', credentials: creds(PROJECT_PASSWORD) });
    new RegistrySecret(chart, 'quay', { name: 'quay-team-a', namespace: 'team-a', server: 'quay.io', credentials: creds(PROJECT_PASSWORD) });
    const app = new PrivateImageWorkload(chart, 'app', { namespace: 'team-a', image: 'quay.io/org/app:1' });
    app.workload.addContainer({ name: 'side', image: 'ghcr.io/org/side:1' });
    app.workload.addContainer({ name: 'side2', image: 'ghcr.io/org/side2:1' });
    expect(deploymentPullSecrets(Testing.synth(chart), 'team-a')).toEqual(['ghcr-pull', 'quay-project', 'quay-team-a']);
  });

  test('a project secret name that collides with another secret in a project namespace is an error', () => {
    const { app, chart } = emptyChart();
    const project = new Project(chart, 'team', { namespaces: ['team-a'] });
    new ProjectRegistry(chart, 'reg', { project, name: 'pull', server: 'quay.io', credentials: creds(PROJECT_PASSWORD) });
    new kplus.Secret(chart, 'tls', { metadata: { name: 'pull', namespace: 'team-a' } });
    const error = synthError(app);
    expect(error).toContain('secret name "pull" is used 2 times in namespace "team-a": chart/reg/team-a/Resource, chart/tls/Resource');
    expect(error).not.toContain(PROJECT_PASSWORD);
  });

  test('backingNamespace is refused outside Rancher mode', () => {
    const { chart } = emptyChart();
    const project = new Project(chart, 'team', { namespaces: ['a'] });
    expect(() => new ProjectRegistry(chart, 'reg', { project, credentials: creds(PROJECT_PASSWORD), backingNamespace: 'x' }))
      .toThrow('`backingNamespace` only applies to RANCHER_PROJECT_SCOPED');
  });

  test('an excluded namespace that is not in the project is an error', () => {
    const { app, chart } = emptyChart();
    const project = new Project(chart, 'team', { namespaces: ['team-a'] });
    new ProjectRegistry(chart, 'reg', { project, credentials: creds(PROJECT_PASSWORD), excludeNamespaces: ['team-z'] });
    expect(synthError(app)).toContain('excluded namespace "team-z" is not in project "chart/team" (team-a)');
  });
});

describe('ProjectRegistry RANCHER_PROJECT_SCOPED', () => {
  const rancherProject = (chart: Chart) =>
    new Project(chart, 'team', { namespaces: ['team-a', 'team-b', 'team-c'], clusterId: 'c-abc12', projectId: 'p-xyz34' });

  test('one labelled secret in the backing namespace, no copies; every project workload is wired', () => {
    const { chart } = emptyChart();
    const project = rancherProject(chart);
    new ProjectRegistry(chart, 'ghcr', {
      project, name: 'ghcr-pull', server: 'ghcr.io', credentials: creds(PROJECT_PASSWORD), mode: ProjectRegistryMode.RANCHER_PROJECT_SCOPED,
    });
    new PrivateImageWorkload(chart, 'api', { namespace: 'team-a', image: 'ghcr.io/org/api:1' });
    PullSecretWiring.applyTo(chart);
    new kplus.Deployment(chart, 'web', { metadata: { namespace: 'team-c' }, containers: [{ image: 'ghcr.io/org/web:1' }] });
    const manifests = Testing.synth(chart);
    const secrets = secretsIn(manifests);
    expect(secrets).toHaveLength(1);
    expect(secrets[0].metadata).toEqual({ name: 'ghcr-pull', namespace: 'c-abc12-p-xyz34', labels: { 'management.cattle.io/project-scoped-secret': 'p-xyz34' } });
    expect(secrets[0].type).toBe('kubernetes.io/dockerconfigjson');
    expect(deploymentPullSecrets(manifests, 'team-a')).toEqual(['ghcr-pull']);
    expect(deploymentPullSecrets(manifests, 'team-c')).toEqual(['ghcr-pull']);
    expect(manifests).toMatchSnapshot();
  });

  test('same payload bytes as the per-namespace copies', () => {
    const build = (mode: ProjectRegistryMode) => {
      const { chart } = emptyChart();
      new ProjectRegistry(chart, 'r', { project: rancherProject(chart), name: 'p', server: 'quay.io', credentials: creds(PROJECT_PASSWORD), mode });
      return secretsIn(Testing.synth(chart))[0].data;
    };
    expect(build(ProjectRegistryMode.RANCHER_PROJECT_SCOPED)).toEqual(build(ProjectRegistryMode.COPY_PER_NAMESPACE));
  });

  test('exclusions go in the ignore annotation and out of scope; backing namespace can be overridden', () => {
    const { app, chart } = emptyChart();
    const project = rancherProject(chart);
    new ProjectRegistry(chart, 'reg', {
      project,
      name: 'pull',
      server: 'quay.io',
      credentials: creds(PROJECT_PASSWORD),
      mode: ProjectRegistryMode.RANCHER_PROJECT_SCOPED,
      excludeNamespaces: ['team-b', 'team-c'],
      backingNamespace: 'p-xyz34',
      annotations: { owner: 'platform' },
    });
    const [source] = secretsIn(Testing.synth(chart));
    expect(source.metadata.namespace).toBe('p-xyz34');
    expect(source.metadata.annotations).toEqual({ 'owner': 'platform', 'management.cattle.io/project-scoped-secret-ignore-namespaces': 'team-b,team-c' });
    new PrivateImageWorkload(chart, 'app', { namespace: 'team-b', image: 'quay.io/org/app:1' });
    expect(synthError(app)).toContain('matches no registry credential in namespace "team-b"');
  });

  test('namespaces added later are in scope', () => {
    const { chart } = emptyChart();
    const project = rancherProject(chart);
    new ProjectRegistry(chart, 'reg', { project, name: 'pull', server: 'quay.io', credentials: creds(PROJECT_PASSWORD), mode: ProjectRegistryMode.RANCHER_PROJECT_SCOPED });
    project.addNamespace('team-late');
    new PrivateImageWorkload(chart, 'late', { namespace: 'team-late', image: 'quay.io/org/app:1' });
    expect(deploymentPullSecrets(Testing.synth(chart), 'team-late')).toEqual(['pull']);
  });

  test('a same-named secret in a project namespace would be overwritten by Rancher: error says so', () => {
    const { app, chart } = emptyChart();
    const project = rancherProject(chart);
    new ProjectRegistry(chart, 'reg', { project, name: 'pull', server: 'quay.io', credentials: creds(PROJECT_PASSWORD), mode: ProjectRegistryMode.RANCHER_PROJECT_SCOPED });
    new RegistrySecret(chart, 'local', { name: 'pull', namespace: 'team-b', server: 'ghcr.io', credentials: creds(PROJECT_PASSWORD) });
    const error = synthError(app);
    expect(error).toContain('secret name "pull" is used 2 times in namespace "team-b"');
    expect(error).toContain("chart/reg (Rancher's copy of the project-scoped secret, which overwrites a same-named secret)");
    expect(error).not.toContain(PROJECT_PASSWORD);
  });

  test('needs clusterId and projectId', () => {
    const { chart } = emptyChart();
    const project = new Project(chart, 'plain', { namespaces: ['a'] });
    expect(() => new ProjectRegistry(chart, 'reg', { project, credentials: creds(PROJECT_PASSWORD), mode: ProjectRegistryMode.RANCHER_PROJECT_SCOPED }))
      .toThrow('RANCHER_PROJECT_SCOPED needs a Rancher project, but project "chart/plain" has no clusterId and projectId');
  });

  test('exclusions must be namespace names', () => {
    const { chart } = emptyChart();
    expect(() => new ProjectRegistry(chart, 'reg', {
      project: rancherProject(chart), credentials: creds(PROJECT_PASSWORD), mode: ProjectRegistryMode.RANCHER_PROJECT_SCOPED, excludeNamespaces: ['team-*'],
    })).toThrow('excluded namespace "team-*" must be a DNS-1123 label');
  });
});
