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
import { Project, ProjectRegistry, PrivateImageWorkload, RegistryCredentials, RegistrySecret } from '../src';
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

beforeAll(async () => {
  await registry.start();
});

afterAll(async () => {
  await registry.stop();
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
