/**
 * End to end through a real pull-through cache: an upstream Debian
 * `docker-registry` (Bearer token auth, with a user only the cache knows, as
 * Docker Hub or Quay would have), and a second `docker-registry` in front of
 * it with `proxy.remoteurl` and its own htpasswd users. A RegistryMirror rewrites the app's image to the cache and
 * wires the cache's credential; skopeo pulls the rewritten image with the
 * synthesized Secret, and `verify --online` says pullable (0), or
 * unauthorized with a wrong password (1). The cache never forwards its
 * clients' credentials: it pulls from the upstream with
 * `proxy.username`/`proxy.password` of its own. Also: an open upstream
 * (no proxy credentials), and a Basic (htpasswd) one. Loopback only.
 *
 * Measured with distribution 2.8.2: the proxy sends `proxy.username`/
 * `password` to a Bearer token realm only (its authorizer has no Basic
 * handler), so an htpasswd upstream is read anonymously; and when the
 * upstream refuses the cache, the cache answers its client `404 manifest
 * unknown`, not 401: `verify` then says not-found.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { PrivateImageWorkload, RegistryCredentials, RegistryMirror, RegistrySecret } from '../src';
import { CliRun, runCliCaptured } from './support/cli';
import {
  describeWithTools, pushImage, REGISTRY_TOOLS, RunningRegistry, skopeoCopy, skopeoInspect, startRegistry, writeAuthFile,
} from './support/registry';
import { ORIGINAL_IMAGES_ANNOTATION } from '../src/rules/declarations';

/** The cache's own account at the upstream (proxy.username/password): the app never sees it. */
const UPSTREAM_USER = 'cache-upstream';
const UPSTREAM_PASSWORD = 'Up$tream:pass<word>';
/** What the app's pull secret holds: an account of the cache only. */
const CACHE_USER = 'cluster-puller';
const CACHE_PASSWORD = 'C@che&"pull:word"é';
const WRONG_PASSWORD = 'not-the-cache-password';
const REPOSITORY = 'team/app';
const TAG = '1.0';

/** An app whose Deployment pulls `upstream/team/app:1.0` through a RegistryMirror to `cache`, with a RegistrySecret for the cache only. */
function mirroredApp(upstream: RunningRegistry, cache: RunningRegistry, password: string): App {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new RegistrySecret(chart, 'cache-pull', {
    name: 'cache-pull',
    server: cache.host,
    credentials: RegistryCredentials.fromUsernamePassword(CACHE_USER, password),
  });
  new RegistryMirror(chart, 'upstream-cache', { upstream: upstream.host, endpoint: cache.host });
  new PrivateImageWorkload(chart, 'web', { name: 'web', image: `${upstream.host}/${REPOSITORY}:${TAG}` });
  return app;
}

function manifestsOf(app: App): any[] {
  return app.charts.flatMap((chart) => Testing.synth(chart));
}

/** The docker config of the Secret the Deployment references, as the kubelet would read it, in a file. */
function authFileOf(manifests: any[], dir: string): string {
  const deployment = manifests.find((o) => o.kind === 'Deployment');
  const [ref] = deployment.spec.template.spec.imagePullSecrets;
  const secret = manifests.find((o) => o.kind === 'Secret' && o.metadata.name === ref.name && o.metadata.namespace === 'shop');
  expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
  const file = path.join(dir, 'authfile.json');
  fs.writeFileSync(file, Buffer.from(secret.data['.dockerconfigjson'], 'base64'), { mode: 0o600 });
  return file;
}

function writeManifests(app: App, dir: string): string {
  const out = path.join(dir, 'dist');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'app.k8s.yaml'), app.synthYaml());
  return out;
}

function expectNoSecretIn(run: CliRun): void {
  for (const password of [CACHE_PASSWORD, UPSTREAM_PASSWORD]) {
    const auth = Buffer.from(`${CACHE_USER}:${password}`).toString('base64');
    for (const text of [run.stdout, run.stderr]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(auth);
    }
  }
}

describeWithTools(REGISTRY_TOOLS, 'RegistryMirror through a real pull-through cache (docker-registry proxy.remoteurl)', () => {
  let upstream: RunningRegistry;
  let cache: RunningRegistry;
  let dir: string;
  let digest: string;

  beforeAll(async () => {
    // The upstream first: distribution 2.8's proxy asks it for its auth endpoints at start and exits when it is down.
    upstream = await startRegistry({ auth: 'token', users: { [UPSTREAM_USER]: UPSTREAM_PASSWORD } });
    digest = (await pushImage(upstream, { repository: REPOSITORY, tag: TAG, username: UPSTREAM_USER, password: UPSTREAM_PASSWORD })).digest;
    cache = await startRegistry({
      auth: 'htpasswd',
      users: { [CACHE_USER]: CACHE_PASSWORD },
      proxy: { remoteurl: upstream.url, username: UPSTREAM_USER, password: UPSTREAM_PASSWORD },
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-private-registry-mirror-e2e-'));
  }, 60_000);

  afterAll(async () => {
    // The cache before its upstream.
    await cache?.stop();
    await upstream?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  test('the synth rewrites the image to the cache, wires only the cache\'s secret and records the original', () => {
    const manifests = manifestsOf(mirroredApp(upstream, cache, CACHE_PASSWORD));
    const deployment = manifests.find((o) => o.kind === 'Deployment');
    const pulled = `${cache.host}/${REPOSITORY}:${TAG}`;
    expect(deployment.spec.template.spec.containers.map((c: any) => c.image)).toEqual([pulled]);
    expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: 'cache-pull' }]);
    expect(JSON.parse(deployment.metadata.annotations[ORIGINAL_IMAGES_ANNOTATION])).toEqual({ [pulled]: `${upstream.host}/${REPOSITORY}:${TAG}` });
    expect(deployment.spec.template.metadata?.annotations?.[ORIGINAL_IMAGES_ANNOTATION]).toBeUndefined();
  });

  test('verify --online through the cold cache: pullable, exit 0', async () => {
    const out = writeManifests(mirroredApp(upstream, cache, CACHE_PASSWORD), dir);
    const run = await runCliCaptured(['verify', '--online', '--format', 'json', '--insecure-registry', cache.host, '--timeout-ms', '10000', out]);
    const findings = JSON.parse(run.stdout).findings;
    expect(findings.map((f: any) => [f.status, f.image])).toEqual([['pullable', `${cache.host}/${REPOSITORY}:${TAG}`]]);
    expect(run.code).toBe(0);
    expectNoSecretIn(run);
  }, 30_000);

  test('skopeo pulls the rewritten image with the wired secret: same digest as pushed upstream, every blob through the cache', async () => {
    const manifests = manifestsOf(mirroredApp(upstream, cache, CACHE_PASSWORD));
    const authfile = authFileOf(manifests, dir);
    const image = manifests.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].image;
    const inspected = await skopeoInspect(image, authfile);
    expect(inspected.stderr).toBe('');
    expect(JSON.parse(inspected.stdout)).toMatchObject({ Name: `${cache.host}/${REPOSITORY}`, Digest: digest });
    const copied = await skopeoCopy(image, path.join(dir, 'copy'), authfile);
    expect(copied.stderr).toBe('');
    expect(copied.ok).toBe(true);
    // The cache stored what it fetched from the upstream (distribution's filesystem layout).
    const stored = path.join(cache.workDir, 'storage', 'docker', 'registry', 'v2', 'repositories', ...REPOSITORY.split('/'));
    expect(fs.existsSync(stored)).toBe(true);
  }, 60_000);

  test('the app\'s credential is the cache\'s only: the upstream refuses it, so the cache pulled with its own', async () => {
    const authfile = writeAuthFile(path.join(dir, 'upstream-authfile.json'), upstream.host, CACHE_USER, CACHE_PASSWORD);
    const direct = await skopeoInspect(`${upstream.host}/${REPOSITORY}:${TAG}`, authfile);
    expect(direct.ok).toBe(false);
    expect(direct.stderr).toMatch(/unauthorized|authentication required|401/i);
    expect(upstream.tokenIssuer!.requests.some((r) => r.user === CACHE_USER && r.status === 401)).toBe(true);
    expect(upstream.tokenIssuer!.requests.some((r) => r.user === UPSTREAM_USER && r.status === 200)).toBe(true);
  }, 30_000);

  test('with a wrong password in the RegistrySecret: skopeo is refused, verify --online says unauthorized, exit 1', async () => {
    const app = mirroredApp(upstream, cache, WRONG_PASSWORD);
    const manifests = manifestsOf(app);
    const image = manifests.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].image;
    const refused = await skopeoInspect(image, authFileOf(manifests, dir));
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toMatch(/unauthorized|authentication required|401/i);
    const out = writeManifests(app, dir);
    const run = await runCliCaptured(['verify', '--online', '--format', 'json', '--insecure-registry', cache.host, '--timeout-ms', '10000', out]);
    expect(JSON.parse(run.stdout).findings.map((f: any) => f.status)).toEqual(['unauthorized']);
    expect(run.code).toBe(1);
    expectNoSecretIn(run);
  }, 30_000);

  test('a cache whose own upstream password is wrong answers "manifest unknown": verify says not-found, exit 1', async () => {
    const broken = await startRegistry({
      auth: 'htpasswd',
      users: { [CACHE_USER]: CACHE_PASSWORD },
      proxy: { remoteurl: upstream.url, username: UPSTREAM_USER, password: 'not-the-upstream-password' },
    });
    const before = upstream.tokenIssuer!.requests.length;
    try {
      const out = writeManifests(mirroredApp(upstream, broken, CACHE_PASSWORD), dir);
      const run = await runCliCaptured(['verify', '--online', '--format', 'json', '--insecure-registry', broken.host, '--timeout-ms', '10000', out]);
      expect(JSON.parse(run.stdout).findings.map((f: any) => f.status)).toEqual(['not-found']);
      expect(run.code).toBe(1);
      // The upstream's token realm refused the cache's own account: the client's credential was never sent there.
      const asked = upstream.tokenIssuer!.requests.slice(before);
      expect(asked.some((r) => r.user === UPSTREAM_USER && r.status === 401)).toBe(true);
      expect(asked.some((r) => r.user === CACHE_USER)).toBe(false);
    } finally {
      await broken.stop();
    }
  }, 60_000);

  test('an open upstream (as Docker Hub is for public images), a cache without proxy credentials: pullable through it, exit 0', async () => {
    const open = await startRegistry({ auth: 'none' });
    let front: RunningRegistry | undefined;
    try {
      const pushed = await pushImage(open, { repository: REPOSITORY, tag: TAG });
      front = await startRegistry({ auth: 'htpasswd', users: { [CACHE_USER]: CACHE_PASSWORD }, proxy: { remoteurl: open.url } });
      const app = mirroredApp(open, front, CACHE_PASSWORD);
      const manifests = manifestsOf(app);
      const image = manifests.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].image;
      expect(image).toBe(`${front.host}/${REPOSITORY}:${TAG}`);
      const inspected = await skopeoInspect(image, authFileOf(manifests, dir));
      expect(JSON.parse(inspected.stdout).Digest).toBe(pushed.digest);
      const run = await runCliCaptured(['verify', '--online', '--format', 'json', '--insecure-registry', front.host, '--timeout-ms', '10000', writeManifests(app, dir)]);
      expect(JSON.parse(run.stdout).findings.map((f: any) => f.status)).toEqual(['pullable']);
      expect(run.code).toBe(0);
    } finally {
      await front?.stop();
      await open.stop();
    }
  }, 60_000);

  test('distribution 2.8 signs in to a token realm only: behind a Basic (htpasswd) upstream, the cache reads anonymously and answers not found', async () => {
    const basic = await startRegistry({ auth: 'htpasswd', users: { [UPSTREAM_USER]: UPSTREAM_PASSWORD } });
    let front: RunningRegistry | undefined;
    try {
      await pushImage(basic, { repository: REPOSITORY, tag: TAG, username: UPSTREAM_USER, password: UPSTREAM_PASSWORD });
      front = await startRegistry({
        auth: 'htpasswd',
        users: { [CACHE_USER]: CACHE_PASSWORD },
        proxy: { remoteurl: basic.url, username: UPSTREAM_USER, password: UPSTREAM_PASSWORD },
      });
      const out = writeManifests(mirroredApp(basic, front, CACHE_PASSWORD), dir);
      const run = await runCliCaptured(['verify', '--online', '--format', 'json', '--insecure-registry', front.host, '--timeout-ms', '10000', out]);
      expect(JSON.parse(run.stdout).findings.map((f: any) => f.status)).toEqual(['not-found']);
      expect(run.code).toBe(1);
      // The upstream saw the cache's requests without any credential.
      expect(basic.logs()).toMatch(/GET \/v2\/team\/app\/manifests\/1\.0 HTTP\/1\.1" 401/);
    } finally {
      await front?.stop();
      await basic.stop();
    }
  }, 60_000);

  test('the table report names the cache host as the one pulled from', async () => {
    const out = writeManifests(mirroredApp(upstream, cache, CACHE_PASSWORD), dir);
    const run = await runCliCaptured(['verify', '--online', '--insecure-registry', cache.host, '--timeout-ms', '10000', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${cache.host}/${REPOSITORY}:${TAG}`);
    expectNoSecretIn(run);
  }, 30_000);
});
