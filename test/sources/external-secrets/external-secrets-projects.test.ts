import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  EcrAuth, ExternalSecretStore, PrivateImageWorkload, Project, ProjectRegistry, ProjectRegistryMode, PullSecretWiring, RegistryCredentials,
  RegistrySecret, RegistryServer, WorkloadKind,
} from '../../../src';
import { deploymentPullSecrets, emptyChart } from '../../support/charts';
import { crdSchemaErrors, hasCrd } from '../../support/crd-schema';
import { synthError } from '../../support/synth';

const ECR = RegistryServer.ecr('123456789012', 'eu-west-1');
const vault = () => RegistryCredentials.fromExternalSecret({ store: ExternalSecretStore.cluster('vault'), remoteKey: 'registry/ghcr' });
const ecrToken = () => RegistryCredentials.fromEcrAuthorizationToken({ region: 'eu-west-1', auth: EcrAuth.serviceAccount('ecr-reader') });
const ofKind = (manifests: any[], kind: string) => manifests.filter((o) => o.kind === kind);

function expectValidEsoObjects(manifests: any[]): void {
  for (const object of manifests.filter((o) => hasCrd(o))) expect([object.kind, crdSchemaErrors(object)]).toEqual([object.kind, []]);
}

describe('ProjectRegistry with External Secrets Operator', () => {
  test('COPY_PER_NAMESPACE: one ExternalSecret per namespace, later namespaces included; workloads wired', () => {
    const { chart } = emptyChart();
    const project = new Project(chart, 'team', { namespaces: ['team-a', 'team-b'] });
    const registry = new ProjectRegistry(chart, 'ghcr', { project, name: 'ghcr-pull', server: 'ghcr.io', credentials: vault() });
    project.addNamespace('team-late');
    new PrivateImageWorkload(chart, 'api', { namespace: 'team-a', image: 'ghcr.io/org/api:1' });
    new PrivateImageWorkload(chart, 'late', { namespace: 'team-late', image: 'ghcr.io/org/late:1' });
    const manifests = Testing.synth(chart);
    expect(ofKind(manifests, 'Secret')).toEqual([]);
    const externalSecrets = ofKind(manifests, 'ExternalSecret');
    expect(externalSecrets.map((es) => [es.metadata.name, es.metadata.namespace, es.spec.target.name])).toEqual([
      ['ghcr-pull', 'team-a', 'ghcr-pull'], ['ghcr-pull', 'team-b', 'ghcr-pull'], ['ghcr-pull', 'team-late', 'ghcr-pull'],
    ]);
    expect(new Set(externalSecrets.map((es) => JSON.stringify(es.spec))).size).toBe(1);
    expect(deploymentPullSecrets(manifests, 'team-a')).toEqual(['ghcr-pull']);
    expect(deploymentPullSecrets(manifests, 'team-late')).toEqual(['ghcr-pull']);
    expect(registry.copyIn('team-late')?.name).toBe('ghcr-pull');
    expectValidEsoObjects(manifests);
    expect(manifests).toMatchSnapshot();
  });

  test('COPY_PER_NAMESPACE with an ECR generator: a generator beside each ExternalSecret', () => {
    const { chart } = emptyChart();
    const project = new Project(chart, 'team', { namespaces: ['team-a', 'team-b'] });
    new ProjectRegistry(chart, 'ecr', { project, name: 'ecr-pull', server: ECR, credentials: ecrToken() });
    const manifests = Testing.synth(chart);
    expect(manifests.filter((o) => o.kind !== 'Namespace').map((o) => [o.kind, o.metadata.namespace])).toEqual([
      ['ECRAuthorizationToken', 'team-a'], ['ExternalSecret', 'team-a'], ['ECRAuthorizationToken', 'team-b'], ['ExternalSecret', 'team-b'],
    ]);
    expectValidEsoObjects(manifests);
    expect(manifests).toMatchSnapshot();
  });

  test('RANCHER_PROJECT_SCOPED: one ExternalSecret in the backing namespace; its Secret carries the project-scoped label and ignore list', () => {
    const { chart } = emptyChart();
    const project = new Project(chart, 'team', { namespaces: ['team-a', 'team-b', 'team-c'], clusterId: 'c-abc12', projectId: 'p-xyz34' });
    new ProjectRegistry(chart, 'ghcr', {
      project,
      name: 'ghcr-pull',
      server: 'ghcr.io',
      credentials: vault(),
      mode: ProjectRegistryMode.RANCHER_PROJECT_SCOPED,
      excludeNamespaces: ['team-c'],
      labels: { team: 'a' },
    });
    new PrivateImageWorkload(chart, 'api', { namespace: 'team-a', image: 'ghcr.io/org/api:1' });
    PullSecretWiring.applyTo(chart);
    new kplus.Deployment(chart, 'web', { metadata: { namespace: 'team-b' }, containers: [{ image: 'ghcr.io/org/web:1' }] });
    const manifests = Testing.synth(chart);
    expect(ofKind(manifests, 'Secret')).toEqual([]);
    const [es, ...more] = ofKind(manifests, 'ExternalSecret');
    expect(more).toEqual([]);
    expect(es.metadata).toEqual({ name: 'ghcr-pull', namespace: 'c-abc12-p-xyz34' });
    expect(es.spec.target.name).toBe('ghcr-pull');
    expect(es.spec.target.template.metadata).toEqual({
      labels: { 'team': 'a', 'management.cattle.io/project-scoped-secret': 'p-xyz34' },
      annotations: { 'management.cattle.io/project-scoped-secret-ignore-namespaces': 'team-c' },
    });
    expect(deploymentPullSecrets(manifests, 'team-a')).toEqual(['ghcr-pull']);
    expect(deploymentPullSecrets(manifests, 'team-b')).toEqual(['ghcr-pull']);
    expectValidEsoObjects(manifests);
    expect(manifests).toMatchSnapshot();
  });
});

describe('secret names stay unique per namespace, targets of ExternalSecrets included', () => {
  test('an ExternalSecret target and a plain Secret of one name in one namespace fail the synth', () => {
    const { app, chart } = emptyChart('apps');
    new RegistrySecret(chart, 'eso', { name: 'pull', server: 'quay.io', credentials: vault() });
    new RegistrySecret(chart, 'plain', { name: 'pull', server: 'ghcr.io', credentials: RegistryCredentials.fromUsernamePassword('u', 'Plain-S3cret') });
    const error = synthError(app);
    expect(error).toContain('secret name "pull" is used 2 times in namespace "apps"');
    expect(error).toContain('chart/eso (target of an ExternalSecret, written by External Secrets Operator)');
    expect(error).toContain('chart/plain/Resource');
    expect(error).not.toContain('Plain-S3cret');
  });

  test('two ExternalSecret targets of one name, and a cdk8s-plus Secret against a target, fail too', () => {
    const { app, chart } = emptyChart('apps');
    new RegistrySecret(chart, 'a', { name: 'pull', server: 'quay.io', credentials: vault() });
    new RegistrySecret(chart, 'b', { name: 'pull', server: ECR, credentials: ecrToken() });
    expect(synthError(app)).toContain('secret name "pull" is used 2 times in namespace "apps": chart/a (target of an ExternalSecret');
    const other = emptyChart('apps');
    new RegistrySecret(other.chart, 'a', { name: 'tls', server: 'quay.io', credentials: vault() });
    new kplus.Secret(other.chart, 'tls', { metadata: { name: 'tls' } });
    expect(synthError(other.app)).toContain('secret name "tls" is used 2 times in namespace "apps"');
  });

  test('other namespaces, or other names, are fine', () => {
    const { app, chart } = emptyChart('apps');
    new RegistrySecret(chart, 'a', { name: 'pull', server: 'quay.io', credentials: vault() });
    new RegistrySecret(chart, 'b', { name: 'pull', namespace: 'other', server: 'quay.io', credentials: vault() });
    new RegistrySecret(chart, 'c', { name: 'pull-2', server: 'quay.io', credentials: RegistryCredentials.fromUsernamePassword('u', 'p') });
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('a project copy made by the operator clashes with a plain Secret in a project namespace', () => {
    const { app, chart } = emptyChart();
    const project = new Project(chart, 'team', { namespaces: ['team-a'] });
    new ProjectRegistry(chart, 'reg', { project, name: 'pull', server: 'quay.io', credentials: vault() });
    new kplus.Secret(chart, 'tls', { metadata: { name: 'pull', namespace: 'team-a' } });
    expect(synthError(app)).toContain('secret name "pull" is used 2 times in namespace "team-a": chart/tls/Resource, chart/reg (target of an ExternalSecret');
  });

  test('Rancher mode: the target in the backing namespace clashes with a Secret there', () => {
    const { app, chart } = emptyChart();
    const project = new Project(chart, 'team', { namespaces: ['team-a'], clusterId: 'c-abc12', projectId: 'p-xyz34' });
    new ProjectRegistry(chart, 'reg', { project, name: 'pull', server: 'quay.io', credentials: vault(), mode: ProjectRegistryMode.RANCHER_PROJECT_SCOPED });
    new kplus.Secret(chart, 'tls', { metadata: { name: 'pull', namespace: 'c-abc12-p-xyz34' } });
    expect(synthError(app)).toContain('secret name "pull" is used 2 times in namespace "c-abc12-p-xyz34"');
  });
});

describe('a fixed password for Amazon ECR is refused: it expires after 12 hours', () => {
  const expected = /\[chart\/ecr\] registry server "123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com" is Amazon ECR, and these credentials are a password fixed at synth: an ECR password \(`aws ecr get-login-password`\) expires 12 hours after it was issued.*Fix: use RegistryCredentials\.fromEcrAuthorizationToken\(\{ region: 'eu-west-1' \}\).*allowStaticEcrCredentials: true/;

  test.each([
    ['a literal password', () => RegistryCredentials.fromUsernamePassword('AWS', 'Ecr-T0ken')],
    ['an environment variable', () => RegistryCredentials.fromEnv('ECR_TEST_USER', 'ECR_TEST_PASSWORD')],
  ])('%s', (_title, credentials) => {
    process.env.ECR_TEST_USER = 'AWS';
    process.env.ECR_TEST_PASSWORD = 'Ecr-T0ken';
    try {
      const { chart } = emptyChart('apps');
      let thrown: Error | undefined;
      try {
        new RegistrySecret(chart, 'ecr', { server: ECR, credentials: credentials() });
      } catch (e) {
        thrown = e as Error;
      }
      expect(thrown?.message).toMatch(expected);
      expect(thrown?.message).not.toContain('Ecr-T0ken');
      // The opt-out, for a secret something else renews.
      new RegistrySecret(chart, 'allowed', { server: ECR, credentials: credentials(), allowStaticEcrCredentials: true });
    } finally {
      delete process.env.ECR_TEST_USER;
      delete process.env.ECR_TEST_PASSWORD;
    }
  });

  test('a docker config file with an ECR entry, and a glob server', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-config-'));
    try {
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(file, JSON.stringify({ auths: { 'quay.io': { auth: 'dTpw' }, [ECR]: { auth: Buffer.from('AWS:Ecr-T0ken').toString('base64') } } }));
      const { chart } = emptyChart('apps');
      expect(() => new RegistrySecret(chart, 'ecr', { credentials: RegistryCredentials.fromDockerConfigFile(file) })).toThrow(expected);
      expect(() => new RegistrySecret(chart, 'glob', { server: '*.dkr.ecr.*.amazonaws.com', credentials: RegistryCredentials.fromUsernamePassword('AWS', 't') }))
        .toThrow(/is Amazon ECR.*region: 'REGION'/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a project registry is checked once, in both modes; the opt-out reaches the copies', () => {
    const { chart } = emptyChart();
    const project = new Project(chart, 'team', { namespaces: ['a', 'b'], clusterId: 'c-abc12', projectId: 'p-xyz34' });
    const literal = () => RegistryCredentials.fromUsernamePassword('AWS', 'Ecr-T0ken');
    expect(() => new ProjectRegistry(chart, 'ecr', { project, server: ECR, credentials: literal() })).toThrow(/\[chart\/ecr\] registry server .* is Amazon ECR/);
    expect(() => new ProjectRegistry(chart, 'rancher', { project, server: ECR, credentials: literal(), mode: ProjectRegistryMode.RANCHER_PROJECT_SCOPED }))
      .toThrow(/\[chart\/rancher\] registry server .* is Amazon ECR/);
    const allowed = new ProjectRegistry(chart, 'allowed', { project, server: ECR, credentials: literal(), allowStaticEcrCredentials: true });
    expect(allowed.copyIn('b')).toBeDefined();
  });

  test('other registries, and tokens the operator renews, are not affected', () => {
    const { chart } = emptyChart('apps');
    new RegistrySecret(chart, 'quay', { server: 'quay.io', credentials: RegistryCredentials.fromUsernamePassword('u', 'p') });
    new RegistrySecret(chart, 'ecr-token', { server: ECR, credentials: ecrToken() });
    new RegistrySecret(chart, 'ecr-store', { server: ECR, credentials: vault() });
    expect(Testing.synth(chart)).toHaveLength(4);
  });
});

describe('an app whose registries all use External Secrets Operator', () => {
  const CANARIES = ['Canary-User-1f3a', 'Canary-Passw0rd-9d2c', 'Canary-T0ken-77e1'];

  /** An app with every ESO source, its workloads, and credential-looking variables in the environment that nothing may read. */
  function esoApp(outdir: string): App {
    const app = new App({ outdir });
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: vault() });
    new RegistrySecret(chart, 'ecr', { name: 'ecr-pull', server: ECR, credentials: ecrToken() });
    const project = new Project(chart, 'team', { namespaces: ['team-a', 'team-b'] });
    new ProjectRegistry(chart, 'ghcr', { project, name: 'ghcr-pull', server: 'ghcr.io', credentials: vault() });
    new PrivateImageWorkload(chart, 'web', { name: 'web', image: 'quay.io/org/web:1' });
    new PrivateImageWorkload(chart, 'worker', { name: 'worker', kind: WorkloadKind.JOB, image: `${ECR}/org/worker:1` });
    new PrivateImageWorkload(chart, 'api', { name: 'api', namespace: 'team-b', image: 'ghcr.io/org/api:1' });
    return app;
  }

  test('synthesizes no credential at all, and wires its workloads as before', () => {
    const saved = { ...process.env };
    Object.assign(process.env, { QUAY_USERNAME: CANARIES[0], QUAY_PASSWORD: CANARIES[1], AWS_SECRET_ACCESS_KEY: CANARIES[2] });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eso-app-'));
    try {
      esoApp(dir).synth();
      const text = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
      for (const canary of CANARIES) expect(text).not.toContain(canary);
      expect(text).not.toMatch(/^kind: Secret$/m);
      // No dockerconfigjson payload in any form: plain, base64 or as an auth field.
      expect(text).not.toContain(Buffer.from('{"auths"').toString('base64').slice(0, 8));
      expect(text).not.toMatch(/"auth":"[A-Za-z0-9+/=]+"/);
      const manifests = Testing.synth(esoApp(fs.mkdtempSync(path.join(os.tmpdir(), 'eso-app-'))).charts[0]);
      expect([...new Set(manifests.map((o) => o.kind))].sort()).toEqual(['Deployment', 'ECRAuthorizationToken', 'ExternalSecret', 'Job', 'Namespace']);
      expect(deploymentPullSecrets(manifests, 'apps')).toEqual(['quay-pull']);
      expect(deploymentPullSecrets(manifests, 'team-b')).toEqual(['ghcr-pull']);
      expect(manifests.find((o) => o.kind === 'Job').spec.template.spec.imagePullSecrets).toEqual([{ name: 'ecr-pull' }]);
      expectValidEsoObjects(manifests);
    } finally {
      process.env = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
