import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RegistryCredentials, RegistrySecret, RegistryServer } from '../src';
import { creds } from './support/credentials';

const PASSWORD = 'Sup3r-S3cret-PW';
const AUTH = Buffer.from(`robot:${PASSWORD}`).toString('base64');

function decodedPayload(manifest: any): any {
  return JSON.parse(Buffer.from(manifest.data['.dockerconfigjson'], 'base64').toString('utf8'));
}

/** Runs `build`, expects it (or the synth after it) to fail, and returns the message. */
function failureOf(build: (chart: Chart) => void): string {
  const app = Testing.app();
  const chart = new Chart(app, 'chart', { namespace: 'default' });
  try {
    build(chart);
    app.synthYaml();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a failure');
}

function expectNoSecret(message: string): void {
  expect(message).not.toContain(PASSWORD);
  expect(message).not.toContain(AUTH);
}

describe('RegistrySecret manifests', () => {
  test('the seed testquay secret', () => {
    const chart = new Chart(Testing.app(), 'seed');
    new RegistrySecret(chart, 'testquay', {
      name: 'testquay',
      namespace: 'default',
      server: RegistryServer.QUAY,
      credentials: RegistryCredentials.fromUsernamePassword('<username>', '<password>'),
    });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('defaults: Docker Hub server, generated name, chart namespace', () => {
    const chart = new Chart(Testing.app(), 'defaults', { namespace: 'team-a' });
    const secret = new RegistrySecret(chart, 'hub', { credentials: creds(PASSWORD) });
    const [manifest] = Testing.synth(chart);
    expect(manifest).toMatchSnapshot();
    expect(secret.server).toBe('https://index.docker.io/v1/');
    expect(secret.namespace).toBe('team-a');
    expect(manifest.metadata.name).toBe(secret.name);
    expect(secret.name).toMatch(/^defaults-hub-c8[0-9a-f]{6}$/);
    expect(Object.keys(decodedPayload(manifest).auths)).toEqual(['https://index.docker.io/v1/']);
  });

  test('immutable, labels, annotations and hash suffix', () => {
    const chart = new Chart(Testing.app(), 'options');
    new RegistrySecret(chart, 'ghcr', {
      name: 'ghcr-pull',
      namespace: 'ci',
      server: RegistryServer.GHCR,
      credentials: creds(PASSWORD),
      immutable: true,
      labels: { team: 'platform' },
      annotations: { owner: 'platform@example.com' },
      appendHash: true,
    });
    const [manifest] = Testing.synth(chart);
    expect(manifest).toMatchSnapshot();
    expect(manifest.immutable).toBe(true);
    expect(manifest.metadata.name).toMatch(/^ghcr-pull-[a-z0-9]{10}$/);
  });

  test('payload goes in data, never stringData', () => {
    const chart = new Chart(Testing.app(), 'data');
    new RegistrySecret(chart, 's', { credentials: creds(PASSWORD), server: 'quay.io' });
    const [manifest] = Testing.synth(chart);
    expect(manifest.stringData).toBeUndefined();
    expect(manifest.type).toBe('kubernetes.io/dockerconfigjson');
    expect(decodedPayload(manifest).auths['quay.io']).toEqual({ username: 'robot', password: PASSWORD, auth: AUTH });
  });

  test('a changed password changes the hashed name', () => {
    const name = (password: string) => {
      const chart = new Chart(Testing.app(), 'h');
      new RegistrySecret(chart, 's', { name: 'pull', credentials: RegistryCredentials.fromUsernamePassword('u', password), appendHash: true });
      return Testing.synth(chart)[0].metadata.name;
    };
    expect(name('one')).not.toEqual(name('two'));
    expect(name('one')).toEqual(name('one'));
  });

  test('is a cdk8s-plus ISecret: dockerRegistryAuth and envValue', () => {
    const chart = new Chart(Testing.app(), 'plus', { namespace: 'default' });
    const secret = new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: creds(PASSWORD) });
    new kplus.Deployment(chart, 'app', {
      containers: [{ image: 'quay.io/org/app:1.0', envVariables: { CFG: secret.envValue('.dockerconfigjson') } }],
      dockerRegistryAuth: secret,
    });
    const deployment = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: 'quay-pull' }]);
    expect(deployment.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef).toEqual({ name: 'quay-pull', key: '.dockerconfigjson' });
    expect(ApiObject.of(secret).kind).toBe('Secret');
  });

  test('deterministic: two synths give the same bytes', () => {
    const build = () => {
      const app = Testing.app();
      const chart = new Chart(app, 'c');
      new RegistrySecret(chart, 'a', { credentials: creds(PASSWORD), server: 'quay.io' });
      new RegistrySecret(chart, 'b', { credentials: creds(PASSWORD), server: 'ghcr.io' });
      return app.synthYaml();
    };
    expect(build()).toEqual(build());
  });
});

describe('RegistrySecret.fromSecretName', () => {
  test('carries name, namespace and servers; emits nothing', () => {
    const chart = new Chart(Testing.app(), 'import', { namespace: 'apps' });
    const existing = RegistrySecret.fromSecretName(chart, 'existing', 'rancher-made', { servers: ['quay.io', 'ghcr.io'] });
    expect(existing.name).toBe('rancher-made');
    expect(existing.namespace).toBe('apps');
    expect(existing.server).toBe('quay.io');
    expect(existing.servers).toEqual(['quay.io', 'ghcr.io']);
    expect(existing.kind).toBe('Secret');
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('usable as dockerRegistryAuth', () => {
    const chart = new Chart(Testing.app(), 'import');
    const existing = RegistrySecret.fromSecretName(chart, 'existing', 'made-by-kubectl', { namespace: 'default', servers: ['quay.io'] });
    new kplus.Pod(chart, 'pod', { containers: [{ image: 'quay.io/a/b:1' }], dockerRegistryAuth: existing });
    expect(Testing.synth(chart)[0].spec.imagePullSecrets).toEqual([{ name: 'made-by-kubectl' }]);
  });

  test.each([
    ['no servers', { servers: [] }, 'lists no servers'],
    ['bad server', { servers: ['ftp://x'] }, 'only lowercase http:// and https://'],
    ['bad namespace', { servers: ['quay.io'], namespace: 'Bad_NS' }, 'DNS-1123 label'],
  ])('%s is an error', (_t, options, message) => {
    expect(failureOf((chart) => RegistrySecret.fromSecretName(chart, 'x', 'ok', options))).toContain(message);
  });
});

describe('RegistrySecret validation', () => {
  test.each([
    ['name not a DNS-1123 subdomain', { name: 'Quay_Pull' }, '[chart/s] secret name "Quay_Pull" must be a DNS-1123 subdomain'],
    ['name too long', { name: 'a'.repeat(254) }, 'the limit is 253'],
    ['namespace not a DNS-1123 label', { namespace: 'team.a' }, 'namespace "team.a" must be a DNS-1123 label'],
    ['namespace too long', { namespace: 'a'.repeat(64) }, 'the limit is 63'],
    ['empty server', { server: '' }, 'registry server "" is empty'],
    ['server with whitespace', { server: 'quay .io' }, 'contains whitespace'],
    ['server with bad scheme', { server: 'ftp://quay.io' }, 'scheme "ftp"'],
    ['server with bad port', { server: 'quay.io:99999' }, 'port "99999"'],
    ['server with user', { server: 'user@quay.io' }, 'registry server "***@quay.io" contains user info'],
    ['server with bad label', { server: 'quay-.io' }, 'invalid label "quay-"'],
    ['appendHash without name', { appendHash: true }, 'appendHash needs a name'],
  ])('%s', (_title, props, message) => {
    const error = failureOf((chart) => new RegistrySecret(chart, 's', { credentials: creds(PASSWORD), ...props }));
    expect(error).toContain(message);
    expect(error).toContain('Fix:');
    expectNoSecret(error);
  });

  test.each([
    ['empty username', RegistryCredentials.fromUsernamePassword('', PASSWORD), 'the username is empty'],
    ['username with colon', RegistryCredentials.fromUsernamePassword('a:b', PASSWORD), 'the username contains ":"'],
    ['empty password', RegistryCredentials.fromUsernamePassword('robot', ''), 'the password is empty'],
  ])('%s', (_title, credentials, message) => {
    const error = failureOf((chart) => new RegistrySecret(chart, 's', { credentials }));
    expect(error).toContain(`[chart/s] ${message}`);
    expectNoSecret(error);
  });

  test('payload over 1 MiB', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'big-'));
    try {
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(file, JSON.stringify({ auths: { 'quay.io': { auth: AUTH }, 'x.io': { auth: 'x'.repeat(1024 * 1024) } } }));
      const error = failureOf((chart) => new RegistrySecret(chart, 's', { credentials: RegistryCredentials.fromDockerConfigFile(file) }));
      expect(error).toMatch(/config\.json" is 10\d{5} bytes; a Secret holds at most 1048576 bytes \(1 MiB\)\. Fix: keep only the registries/);
      expectNoSecret(error);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a failed construct leaves nothing written', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'out-'));
    try {
      expect(() => {
        const app = new App({ outdir });
        const chart = new Chart(app, 'c');
        new RegistrySecret(chart, 'ok', { credentials: creds(PASSWORD) });
        new RegistrySecret(chart, 'ok2', { name: 'same', credentials: creds(PASSWORD) });
        new RegistrySecret(chart, 'ok3', { name: 'same', credentials: creds(PASSWORD) });
        app.synth();
      }).toThrow('secret name "same" is used 2 times');
      expect(fs.readdirSync(outdir)).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('secret names are unique per namespace across the whole app', () => {
  test('two registry secrets in different charts, same namespace', () => {
    const app = Testing.app();
    new RegistrySecret(new Chart(app, 'one', { namespace: 'default' }), 'a', { name: 'pull', credentials: creds(PASSWORD) });
    new RegistrySecret(new Chart(app, 'two'), 'b', { name: 'pull', namespace: 'default', credentials: creds(PASSWORD) });
    const error = (() => { try { app.synthYaml(); return ''; } catch (e) { return (e as Error).message; } })();
    expect(error).toContain('secret name "pull" is used 2 times in namespace "default": one/a/Resource, two/b/Resource');
    expect(error).toContain('give each secret its own `name`');
    expectNoSecret(error);
  });

  test('clash with a cdk8s-plus Secret and a raw KubeSecret-style object', () => {
    const error = failureOf((chart) => {
      new RegistrySecret(chart, 'reg', { name: 'tls', credentials: creds(PASSWORD) });
      new kplus.Secret(chart, 'plus', { metadata: { name: 'tls' } });
      new ApiObject(chart, 'raw', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' } });
    });
    expect(error).toContain('secret name "tls" is used 3 times in namespace "default"');
  });

  test('clash with an imported existing secret', () => {
    const error = failureOf((chart) => {
      RegistrySecret.fromSecretName(chart, 'existing', 'pull', { servers: ['quay.io'] });
      RegistrySecret.fromSecretName(chart, 'existing-again', 'pull', { servers: ['quay.io'] });
      new RegistrySecret(chart, 'new', { name: 'pull', credentials: creds(PASSWORD) });
    });
    expect(error).toContain('secret name "pull" is used 2 times');
    expect(error).toContain('chart/existing (existing secret, imported)');
  });

  test('same name in different namespaces is fine', () => {
    const app = Testing.app();
    new RegistrySecret(new Chart(app, 'a', { namespace: 'a' }), 's', { name: 'pull', credentials: creds(PASSWORD) });
    new RegistrySecret(new Chart(app, 'b', { namespace: 'b' }), 's', { name: 'pull', credentials: creds(PASSWORD) });
    expect(() => app.synthYaml()).not.toThrow();
  });
});
