/**
 * `verify --online` against a real registry (Debian's docker-registry) with
 * Basic (htpasswd) and Bearer (token) auth: all four outcomes, on manifests
 * this library synthesized.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { PrivateImageWorkload, RegistryCredentials, RegistrySecret, WorkloadKind } from '../../src';
import { CliRun, runCliCaptured } from '../support/cli';
import { describeWithTools, freePort, pushImage, REGISTRY_TOOLS, RunningRegistry, startRegistry } from '../support/registry';

const USER = 'verify-robot';
const PASSWORD = 'V3rify&<real>:pass';

/** Runs the CLI; every host named is allowed plain HTTP (the test registry and its token realm). */
async function verifyOnline(dir: string, ...insecureHosts: string[]): Promise<CliRun> {
  const insecure = insecureHosts.flatMap((host) => ['--insecure-registry', host]);
  return runCliCaptured(['verify', '--online', '--format', 'json', ...insecure, '--timeout-ms', '5000', dir]);
}

/** Synthesizes a Pod pulling `image` with a RegistrySecret for `server`, into `dir`. */
function writeManifests(dir: string, server: string, image: string, password: string): void {
  const app = Testing.app();
  const chart = new Chart(app, 'verify', { namespace: 'apps' });
  new RegistrySecret(chart, 'local', { name: 'local-registry', server, credentials: RegistryCredentials.fromUsernamePassword(USER, password) });
  new PrivateImageWorkload(chart, 'app', { kind: WorkloadKind.POD, name: 'app', image });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'app.k8s.yaml'), app.synthYaml());
}

function statusesOf(run: CliRun): string[] {
  return JSON.parse(run.stdout).findings.map((f: any) => f.status);
}

function expectNoSecretIn(run: CliRun): void {
  const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  for (const text of [run.stdout, run.stderr]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(auth);
  }
}

for (const auth of ['htpasswd', 'token'] as const) {
  describeWithTools(REGISTRY_TOOLS, `verify --online against a real registry (${auth === 'token' ? 'Bearer token' : 'Basic htpasswd'} auth)`, () => {
    let registry: RunningRegistry;
    let dir: string;
    let image: string;

    beforeAll(async () => {
      registry = await startRegistry({ auth, users: { [USER]: PASSWORD } });
      image = (await pushImage(registry, { repository: 'team/app', tag: '1.0', username: USER, password: PASSWORD })).ref;
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-private-registry-verify-'));
    }, 60_000);

    afterAll(async () => {
      await registry?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** The registry, and for token auth its realm: both plain HTTP on loopback. */
    const insecureHosts = () => [registry.host, ...(registry.tokenIssuer ? [new URL(registry.tokenIssuer.realm).host] : [])];

    test('pullable with the right password (exit 0)', async () => {
      writeManifests(dir, registry.host, image, PASSWORD);
      const run = await verifyOnline(dir, ...insecureHosts());
      expect(statusesOf(run)).toEqual(['pullable']);
      expect(run.code).toBe(0);
      expectNoSecretIn(run);
    }, 30_000);

    test('unauthorized with a wrong password (exit 1)', async () => {
      writeManifests(dir, registry.host, image, 'wrong-password');
      const run = await verifyOnline(dir, ...insecureHosts());
      expect(statusesOf(run)).toEqual(['unauthorized']);
      expect(run.code).toBe(1);
      if (registry.tokenIssuer) {
        // Bearer: the wrong password reached the realm (and only the realm), which refused it.
        expect(registry.tokenIssuer.requests.some((r) => r.user === USER && r.status === 401)).toBe(true);
      }
    }, 30_000);

    if (auth === 'token') {
      test('without the realm listed as insecure, credentials are withheld rather than sent in clear', async () => {
        const before = registry.tokenIssuer!.requests.length;
        writeManifests(dir, registry.host, image, PASSWORD);
        const run = await verifyOnline(dir, registry.host);
        expect(statusesOf(run)).toEqual(['unauthorized']);
        expect(JSON.parse(run.stdout).findings[0].message).toContain('is not HTTPS');
        expect(registry.tokenIssuer!.requests.length).toBe(before);
      }, 30_000);
    }

    test('not found for a tag that was never pushed (exit 1)', async () => {
      writeManifests(dir, registry.host, `${registry.host}/team/app:9.9-missing`, PASSWORD);
      const run = await verifyOnline(dir, ...insecureHosts());
      expect(statusesOf(run)).toEqual(['not-found']);
      expect(run.code).toBe(1);
      expectNoSecretIn(run);
    }, 30_000);
  });
}

describeWithTools(REGISTRY_TOOLS, 'verify --online when the registry is down', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-private-registry-verify-down-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a registry that was stopped is unreachable, with the reason (exit 1)', async () => {
    const registry = await startRegistry({ auth: 'htpasswd', users: { [USER]: PASSWORD } });
    const image = (await pushImage(registry, { repository: 'team/app', tag: '1.0', username: USER, password: PASSWORD })).ref;
    await registry.stop();
    writeManifests(dir, registry.host, image, PASSWORD);
    const run = await verifyOnline(dir, registry.host);
    const [finding] = JSON.parse(run.stdout).findings;
    expect(finding.status).toBe('unreachable');
    expect(finding.message).toMatch(/ECONNREFUSED|refused/i);
    expect(run.code).toBe(1);
  }, 60_000);

  test('a port nothing ever listened on is unreachable too', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    writeManifests(dir, host, `${host}/team/app:1.0`, PASSWORD);
    const run = await verifyOnline(dir, host);
    expect(statusesOf(run)).toEqual(['unreachable']);
  }, 30_000);
});
