/**
 * One password, every failing path: the constructs, `verify` offline (table
 * and JSON), the validation plugin and `verify --online` against a registry
 * that echoes what it receives. No output, error or report may contain the
 * password, its base64 `auth`, or the whole base64 payload.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import { App, Chart, Lazy, Testing } from 'cdk8s';
import { ValidationContext } from 'cdk8s-cli/plugins';
import { Project, ProjectRegistry, PrivateImageWorkload, RegistryCredentials, RegistryMirror, RegistrySecret } from '../src';
import { runCliCaptured } from './support/cli';
import { b64, HostileServer } from './support/hostile';
import { PullSecretValidation } from '../src/verify/validation-plugin';

const PASSWORD = 'Leak-Canary-7f3e9b1c';
const USER = 'robot';
const AUTH = b64(`${USER}:${PASSWORD}`);
const entry = { username: USER, password: PASSWORD, auth: AUTH };
const payloadOf = (auths: Record<string, unknown>) => b64(JSON.stringify({ auths }));
const PAYLOAD = payloadOf({ 'quay.io': entry });
const FORBIDDEN = [PASSWORD, AUTH, PAYLOAD, b64(PASSWORD)];

const outputs: string[] = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leak-'));
const registry = new HostileServer({ kind: 'http' }, (req, res) => {
  // A hostile registry: it challenges, then answers every request with what it was sent.
  if (req.headers.authorization === undefined) {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="leak"' }).end();
  } else {
    res.writeHead(req.url?.includes('denied') ? 403 : 500, { 'content-type': 'text/plain' }).end(`you sent ${req.headers.authorization} ${PASSWORD}`);
  }
});

/**
 * A registry that answers the authenticated manifest request with a
 * same-origin redirect to a path carrying the credential, then fails there
 * (500, or 401 under /refuse/): a message must name the URL asked about.
 */
const redirector = new HostileServer({ kind: 'http' }, (req, res) => {
  const authorization = req.headers.authorization;
  if (authorization === undefined) {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="leak"' }).end();
  } else if (req.url?.startsWith('/v2/') && req.url !== '/v2/') {
    const decoded = Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString('utf8');
    res.writeHead(307, { location: `/moved${req.url.startsWith('/v2/refuse/') ? '/refuse' : ''}/${decoded}/${encodeURIComponent(authorization)}?auth=${PASSWORD}` }).end();
  } else {
    res.writeHead(req.url?.startsWith('/moved/refuse/') ? 401 : 500, { 'content-type': 'text/plain' }).end(`${req.url} ${PASSWORD}`);
  }
});
/** A registry whose token endpoint redirects the credentialed token request to a path carrying it, then fails. */
const tokenRedirector = new HostileServer({ kind: 'http' }, (req, res, server) => {
  const authorization = req.headers.authorization;
  if (req.url === '/v2/') {
    res.writeHead(401, { 'www-authenticate': `Bearer realm="${server.origin}/token",service="leak"` }).end();
  } else if (req.url?.startsWith('/token?') && authorization !== undefined) {
    const decoded = Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString('utf8');
    res.writeHead(302, { location: `/token-moved/${decoded}?auth=${encodeURIComponent(authorization)}` }).end();
  } else {
    res.writeHead(500).end(`${req.url} ${PASSWORD}`);
  }
});

beforeAll(async () => {
  await registry.start();
  await redirector.start();
  await tokenRedirector.start();
});

afterAll(async () => {
  await registry.stop();
  await redirector.stop();
  await tokenRedirector.stop();
  // Both redirecting registries were sent the credential, and sent it back in a redirect's path.
  expect(redirector.requests.some((r) => r.path.startsWith('/moved/') && r.path.includes(PASSWORD))).toBe(true);
  expect(tokenRedirector.requests.some((r) => r.path.startsWith('/token-moved/') && r.path.includes(PASSWORD))).toBe(true);
  fs.rmSync(dir, { recursive: true, force: true });
  const everything = outputs.join('\n');
  expect(outputs.length).toBeGreaterThan(20);
  // The online runs reached the hostile registry with the credential, and it echoed it back.
  expect(registry.requests.some((r) => r.authorization !== undefined)).toBe(true);
  for (const secret of FORBIDDEN) expect(everything).not.toContain(secret);
});

/** What a construct path throws, at construction or synth. */
function failure(build: (chart: Chart) => void): string {
  const chart = new Chart(Testing.app(), 'chart', { namespace: 'apps' });
  try {
    build(chart);
    (chart.node.root as App).synthYaml();
  } catch (e) {
    return `${(e as Error).message}\n${(e as Error).stack ?? ''}`;
  }
  throw new Error('expected a failure');
}

const literal = () => RegistryCredentials.fromUsernamePassword(USER, PASSWORD);

describe('constructs', () => {
  test.each<[string, (chart: Chart) => void]>([
    ['user info in the server', (c) => new RegistrySecret(c, 's', { server: `https://${USER}:${PASSWORD}@quay.io`, credentials: literal() })],
    ['user info in a project registry server', (c) => new ProjectRegistry(c, 'p', { project: new Project(c, 'proj'), server: `${USER}:${PASSWORD}@quay.io`, credentials: literal() })],
    ['a ":" in the user name', (c) => new RegistrySecret(c, 's', { credentials: RegistryCredentials.fromUsernamePassword(`${USER}:${PASSWORD}`, PASSWORD) })],
    ['a token as password', (c) => new RegistrySecret(c, 's', { credentials: RegistryCredentials.fromUsernamePassword(USER, Lazy.any({ produce: () => PASSWORD }) as unknown as string) })],
    ['a payload over 1 MiB', (c) => new RegistrySecret(c, 's', { credentials: RegistryCredentials.fromUsernamePassword(USER, PASSWORD.repeat(50_000)) })],
    ['an unmatched image beside a secret', (c) => {
      new RegistrySecret(c, 's', { server: 'quay.io', credentials: literal() });
      new PrivateImageWorkload(c, 'w', { image: 'ghcr.io/org/app:1' });
    }],
    ['a docker config file with a broken auth', (c) => {
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(file, JSON.stringify({ auths: { 'quay.io': { auth: `${PASSWORD}!` }, [`${USER}:${PASSWORD}@ghcr.io`]: { auth: AUTH } } }));
      new RegistrySecret(c, 's', { credentials: RegistryCredentials.fromDockerConfigFile(file) });
    }],
    ['a docker config file whose key holds user info', (c) => {
      const file = path.join(dir, 'config-key.json');
      fs.writeFileSync(file, JSON.stringify({ auths: { [`https://${USER}:${PASSWORD}@ghcr.io`]: { auth: AUTH } } }));
      new RegistrySecret(c, 's', { credentials: RegistryCredentials.fromDockerConfigFile(file) });
    }],
  ])('%s', (_name, build) => {
    outputs.push(failure(build));
  });

  /** Servers, image references and keys in every shape a parser could read user info from (issue 22, item 1). */
  const echoForms = (host: string) => [
    `https:/${USER}:${PASSWORD}@${host}`, // one slash
    `http:///${USER}:${PASSWORD}@${host}/v2/`, // three
    `https:${USER}:${PASSWORD}@${host}`, // none
    `${host}/org@${PASSWORD}`, // an "@" in the path
    `${host}/${USER}:${PASSWORD}@${host}`,
    `${USER}:${PASSWORD}/x@${host}`, // a "/" in the password
    `${USER}:${PASSWORD}@${host}:5000/team`,
  ];

  test.each(echoForms('quay.io'))('a RegistrySecret server, echo form %#', (server) => {
    const message = failure((c) => new RegistrySecret(c, 's', { server, credentials: literal() }));
    expect(message).toContain('***@');
    outputs.push(message);
  });

  test.each(echoForms('quay.io'))('a ProjectRegistry server and an imported server, echo form %#', (server) => {
    outputs.push(failure((c) => new ProjectRegistry(c, 'p', { project: new Project(c, 'proj', { namespaces: ['apps'] }), server, credentials: literal() })));
    outputs.push(failure((c) => RegistrySecret.fromSecretName(c, 'i', 'x', { servers: [server] })));
  });

  test.each([
    `${USER}:${PASSWORD}@quay.io/a/b:1`, // 'registry port "PASSWORD@quay.io" must be a number' before
    `https:/${USER}:${PASSWORD}@quay.io/a/b:1`,
    `quay.io/a/b@${PASSWORD}`,
    `quay.io/a/b:1@${PASSWORD}`,
    `quay.io/${USER}:${PASSWORD}@quay.io/b:1`,
    `${USER}:${PASSWORD}@quay.io:5000/a@sha256:${'a'.repeat(64)}`,
  ])('an image, echo form %#', (image) => {
    const message = failure((c) => {
      new RegistrySecret(c, 's', { server: 'quay.io', credentials: literal() });
      new PrivateImageWorkload(c, 'w', { image });
    });
    expect(message).toContain('***@');
    outputs.push(message);
    outputs.push(failure((c) => new PrivateImageWorkload(c, 'w', { image: 'quay.io/a/b:1', publicImages: [image] })));
  });

  test.each(echoForms('quay.io'))('a RegistryMirror upstream and endpoint, echo form %#', (value) => {
    outputs.push(failure((c) => new RegistryMirror(c, 'm', { upstream: value, endpoint: 'cache.example.com/hub' })));
    outputs.push(failure((c) => new RegistryMirror(c, 'm', { upstream: 'quay.io', endpoint: value })));
  });

  test.each(echoForms('ghcr.io'))('a docker config file key, echo form %#', (key) => {
    const file = path.join(dir, `config-${outputs.length}.json`);
    fs.writeFileSync(file, JSON.stringify({ auths: { [key]: { auth: AUTH } } }));
    outputs.push(failure((c) => new RegistrySecret(c, 's', { credentials: RegistryCredentials.fromDockerConfigFile(file) })));
    outputs.push(failure((c) => new RegistrySecret(c, 's', { server: key, credentials: RegistryCredentials.fromDockerConfigFile(file) })));
  });

  test('printing credentials', () => {
    const credentials = literal();
    new RegistrySecret(new Chart(Testing.app(), 'c'), 's', { credentials });
    outputs.push(inspect(credentials, { depth: 10 }), JSON.stringify(credentials), String(credentials));
  });
});

/** Broken and working pull secrets that all carry the password, and pods that use them. */
function hostileManifests(registryHost: string): string {
  const secret = (name: string, type: string, data: Record<string, string>) =>
    `apiVersion: v1\nkind: Secret\nmetadata: { name: ${name}, namespace: apps }\ntype: ${type}\ndata:\n${Object.entries(data).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`;
  const pod = (name: string, image: string, secrets: string[]) =>
    `apiVersion: v1\nkind: Pod\nmetadata: { name: ${name}, namespace: apps }\nspec:\n  imagePullSecrets: [${secrets.map((s) => `{ name: ${s} }`).join(', ')}]\n  containers: [{ name: app, image: "${image}" }]\n`;
  const docs = [
    secret('not-json', 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64(`{"auths": ${PASSWORD}`) }),
    secret('bad-auth', 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': payloadOf({ 'quay.io': { auth: `${USER}:${PASSWORD}` } }) }),
    secret('no-colon', 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': payloadOf({ 'quay.io': { auth: b64(PASSWORD) } }) }),
    secret('userinfo-key', 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': payloadOf({ [`https://${USER}:${PASSWORD}@quay.io`]: entry }) }),
    secret('opaque', 'Opaque', { '.dockerconfigjson': PAYLOAD }),
    secret('near-miss', 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': payloadOf({ 'quay.io:5000': entry }) }),
    secret('good', 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': PAYLOAD }),
    secret('good', 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': payloadOf({ 'quay.io': entry, 'ghcr.io': entry }) }),
    secret('online', 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': payloadOf({ [registryHost]: entry }) }),
    pod('uses-all', 'quay.io/org/app:1', ['not-json', 'bad-auth', 'no-colon', 'userinfo-key', 'opaque', 'near-miss', 'missing']),
    pod('uses-good', 'quay.io/org/app:1', ['good']),
    pod('online-500', `${registryHost}/org/app:1`, ['online']),
    pod('online-403', `${registryHost}/denied/app:1`, ['online']),
  ];
  return docs.join('---\n');
}

/** The echo forms of issue 22 as manifests: auths keys, ExternalSecret template keys and images, offline and online. */
function echoFormManifests(): string {
  const keys = [
    `https:/${USER}:${PASSWORD}@quay.io`, `quay.io/org@${PASSWORD}`, `${USER}:${PASSWORD}@quay.io`, `${USER}:${PASSWORD}@quay.io:5000/team`,
    `quay.io/${USER}:${PASSWORD}@quay.io`, `https:${USER}:${PASSWORD}@quay.io`, `${USER}:${PASSWORD}/x@quay.io`,
  ];
  const secret = (name: string, key: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata: { name: ${name}, namespace: apps }\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${payloadOf({ [key]: entry })}\n`;
  const pod = (name: string, image: string, secrets: string[]) =>
    `apiVersion: v1\nkind: Pod\nmetadata: { name: ${name}, namespace: apps }\nspec:\n  imagePullSecrets: [${secrets.map((s) => `{ name: ${s} }`).join(', ')}]\n  containers: [{ name: app, image: "${image}" }]\n`;
  const template = `{"auths":{${keys.map((k) => `"${k}":{"auth":"{{ .auth }}"}`).join(',')}}}`;
  const externalSecret = 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: { name: eso-forms, namespace: apps }\nspec:\n'
    + '  secretStoreRef: { kind: SecretStore, name: vault }\n  data: [{ secretKey: auth, remoteRef: { key: registry/quay } }]\n'
    + `  target:\n    template:\n      type: kubernetes.io/dockerconfigjson\n      data:\n        .dockerconfigjson: '${template}'\n`;
  const images = [
    `${USER}:${PASSWORD}@quay.io/a/b:1`, `https:/${USER}:${PASSWORD}@quay.io/a/b:1`, `quay.io/a/b@${PASSWORD}`,
    `quay.io/${USER}:${PASSWORD}@quay.io/b:1`, `quay.io/a/b:1@${PASSWORD}`, `${USER}:${PASSWORD}@quay.io:5000/a/b:1`,
  ];
  return [
    ...keys.map((k, i) => secret(`key-${i}`, k)),
    pod('forms-keys', 'quay.io/org/app:1', keys.map((_k, i) => `key-${i}`)),
    pod('forms-keys-5000', 'quay.io:5000/team/app:1', keys.map((_k, i) => `key-${i}`)),
    pod('forms-ghcr', 'ghcr.io/org/app:1', keys.map((_k, i) => `key-${i}`)),
    externalSecret,
    pod('forms-eso', 'quay.io:5000/other/app:1', ['eso-forms']),
    pod('forms-eso-ghcr', 'ghcr.io/org/app:1', ['eso-forms']),
    ...images.map((image, i) => pod(`forms-image-${i}`, image, ['key-2'])),
    secret('redirect', redirector.host),
    pod('redirect-500', `${redirector.host}/org/app:1`, ['redirect']),
    pod('redirect-401', `${redirector.host}/refuse/app:1`, ['redirect']),
    secret('token-redirect', tokenRedirector.host),
    pod('token-redirect', `${tokenRedirector.host}/org/app:1`, ['token-redirect']),
  ].join('---\n');
}

/** Image pull events whose images and messages hold user info in every shape. */
function echoFormEvents(): string {
  const event = (i: number, pod: string, image: string, message: string) => ({
    apiVersion: 'v1',
    kind: 'Event',
    count: 2,
    type: 'Warning',
    reason: 'Failed',
    firstTimestamp: '2024-05-01T10:00:05Z',
    lastTimestamp: '2024-05-01T10:02:40Z',
    metadata: { name: `${pod}.${i}`, namespace: 'apps' },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod, namespace: 'apps', fieldPath: 'spec.containers{app}' },
    source: { component: 'kubelet', host: 'node-1' },
    message: `Failed to pull image "${image}": rpc error: code = Unknown desc = ${message}`,
  });
  const items = [
    event(1, 'forms-keys', 'quay.io/org/app:1', `failed to resolve reference: unexpected status from HEAD request to https:/${USER}:${PASSWORD}@quay.io/v2/org/app/manifests/1: 401 Unauthorized`),
    event(2, 'forms-image-0', `${USER}:${PASSWORD}@quay.io/a/b:1`, `invalid reference format: ${USER}:${PASSWORD}@quay.io/a/b:1`),
    event(3, 'forms-image-2', `quay.io/a/b@${PASSWORD}`, `Head "https://quay.io/v2/a/b@${PASSWORD}/manifests/1": denied`),
    event(4, 'forms-image-3', `quay.io/${USER}:${PASSWORD}@quay.io/b:1`, `pulling from host quay.io/${USER}:${PASSWORD}@quay.io failed: 403 Forbidden`),
  ];
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

describe('the echo forms of issue 22 in verify, events and images', () => {
  let manifests: string;
  let events: string;
  beforeAll(() => {
    manifests = path.join(dir, 'forms.yaml');
    fs.writeFileSync(manifests, echoFormManifests());
    events = path.join(dir, 'events.json');
    fs.writeFileSync(events, echoFormEvents());
  });
  const insecure = () => ['--insecure-registry', redirector.host, '--insecure-registry', tokenRedirector.host, '--timeout-ms', '2000'];

  test.each<[string, () => string[]]>([
    ['verify table', () => ['verify', manifests]],
    ['verify json', () => ['verify', '-o', 'json', manifests]],
    ['verify junit', () => ['verify', '-o', 'junit', manifests]],
    ['verify --online table', () => ['verify', '--online', ...insecure(), manifests]],
    ['verify --online json', () => ['verify', '--online', '-o', 'json', ...insecure(), manifests]],
    ['verify --online junit', () => ['verify', '--online', '-o', 'junit', ...insecure(), manifests]],
    ['events table', () => ['events', '--manifests', manifests, events]],
    ['events json', () => ['events', '--manifests', manifests, '--format', 'json', events]],
    ['images txt', () => ['images', manifests]],
    ['images json', () => ['images', '--format', 'json', manifests]],
    ['a --public-image with user info', () => ['verify', '--public-image', `${USER}:${PASSWORD}@quay.io/a`, manifests]],
    ['an --insecure-registry with user info', () => ['verify', '--insecure-registry', `${USER}:${PASSWORD}@quay.io`, manifests]],
  ])('%s', async (_name, args) => {
    const run = await runCliCaptured(args());
    outputs.push(run.stdout, run.stderr);
    expect(`${run.stdout}${run.stderr}`).toContain('***@');
    // A report, not an error (the two usage errors aside).
    if (!args().some((a) => a.includes('@'))) expect(run.stderr).not.toMatch(/^(internal )?error/m);
  });

  test('online: the URL asked about is named, never the path a redirect chose', async () => {
    const run = await runCliCaptured(['verify', '--online', '-o', 'json', ...insecure(), manifests]);
    outputs.push(run.stdout, run.stderr);
    const findings = JSON.parse(run.stdout).findings as Array<{ name: string; message: string }>;
    const byName = new Map<string, string>(findings.map((f) => [f.name, f.message]));
    expect(byName.get('redirect-500')).toContain(`HEAD ${redirector.origin}/v2/org/app/manifests/1 answered HTTP 500 after a redirect`);
    expect(byName.get('redirect-401')).toContain('the registry refused the credential for refuse/app:1 (HTTP 401)');
    expect(byName.get('token-redirect')).toContain(`token endpoint ${tokenRedirector.origin} answered HTTP 500`);
    for (const message of byName.values()) expect(message).not.toMatch(/moved|token-moved/);
  });

  test('quoting still helps: the host and the rest are shown around ***@', async () => {
    const run = await runCliCaptured(['verify', '-o', 'json', manifests]);
    const text = run.stdout;
    expect(text).toContain('https:/***@quay.io');
    expect(text).toContain('***@quay.io/a/b:1');
    expect(text).toContain('***@quay.io:5000/team');
  });
});

describe('verify and the validation plugin', () => {
  let manifests: string;
  beforeAll(() => {
    manifests = path.join(dir, 'manifests.yaml');
    fs.writeFileSync(manifests, hostileManifests(registry.host));
    // A YAML error in a value that holds the password.
    fs.writeFileSync(path.join(dir, 'alias.yaml'), `apiVersion: v1\nkind: Secret\nmetadata: { name: x }\nstringData:\n  password: *${PASSWORD}\n`);
    fs.writeFileSync(path.join(dir, 'flow.yaml'), `apiVersion: v1\nkind: Secret\nmetadata: { name: x, labels: { a: "${PASSWORD} }\n`);
  });

  test.each([
    ['offline table', () => ['verify', manifests]],
    ['offline json', () => ['verify', '--format', 'json', manifests]],
    ['an alias error', () => ['verify', path.join(dir, 'alias.yaml')]],
    ['an unterminated string', () => ['verify', '--format', 'json', path.join(dir, 'flow.yaml')]],
    ['online table', () => ['verify', '--online', '--insecure-registry', registry.host, '--timeout-ms', '2000', manifests]],
    ['online json', () => ['verify', '--online', '--format', 'json', '--insecure-registry', registry.host, '--timeout-ms', '2000', manifests]],
    ['online without listing the plain-HTTP host', () => ['verify', '--online', '--timeout-ms', '2000', manifests]],
  ])('%s', async (_name, args) => {
    const run = await runCliCaptured(args());
    expect(run.code).toBeGreaterThan(0);
    outputs.push(run.stdout, run.stderr);
  });

  test.each([
    ['allowing secrets expected in the cluster', new PullSecretValidation()],
    ['refusing them', new PullSecretValidation({ allowExpectedInCluster: false })],
  ])('the plugin, %s', async (_name, plugin) => {
    for (const files of [[manifests], [path.join(dir, 'alias.yaml')]]) {
      const context = new ValidationContext(files, 'cdk8s-private-registry', '0.0.0', {}, false);
      const logged: string[] = [];
      jest.spyOn(context.logger, 'log').mockImplementation((message: string) => {
        logged.push(message);
      });
      await plugin.validate(context);
      expect(context.report.success).toBe(false);
      outputs.push(context.report.toString(), JSON.stringify(context.report.toJson()), ...logged);
    }
  });
});
