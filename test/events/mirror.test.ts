/**
 * `events` and RegistryMirror: a failing pull of an image a mirror rewrote
 * (the object's original-images annotation names it) is reported with the
 * mirror's upstream, the original and the RegistryMirror's construct path
 * (from construct-paths.json; `mirror` in JSON), and the fix says
 * what to check on the cache's side: its upstream credentials or rules
 * (registry proxy.username/password, Harbor proxy-cache project endpoint,
 * ECR pull-through cache rule) and the mirror's pull secret. Events are
 * test/fixtures/events/mirror.json (kubelet wordings, REFERENCE §9) against
 * the manifests of the app below, synthesized by the test.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { PrivateImageWorkload, RegistryMirror, RegistrySecret, WorkloadKind } from '../../src';
import { runEvents } from '../../src/cli/events-command';
import { fixFor } from '../../src/events/fix';
import { PullRecord } from '../../src/events/pull-records';
import { PodWorkload } from '../../src/events/workloads';
import { creds } from '../support/credentials';
import { EVENTS_PASSWORD } from '../support/events-app';

const EVENTS = path.join(__dirname, '..', 'fixtures', 'events', 'mirror.json');
const HARBOR = 'harbor.example.com';
const QUAY_CACHE = 'mirror.example.com:5000';
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-mirror-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * chart "shop": Docker Hub through a Harbor proxy-cache project, quay.io
 * through a registry in proxy mode, each with its pull secret; Deployments
 * "web" (nginx) and "worker" (quay.io), and a raw Deployment "api" the
 * library does not wire (not rewritten). Chart "batch": Docker Hub through
 * an ECR pull-through cache rule (prefix docker-hub), Job "sync" (busybox).
 */
function synthMirroredApp(outdir: string): void {
  const app = new App({ outdir });
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  new RegistrySecret(shop, 'harbor', { name: 'harbor-pull', server: HARBOR, credentials: creds(EVENTS_PASSWORD) });
  new RegistrySecret(shop, 'quay-cache', { name: 'quay-cache-pull', server: QUAY_CACHE, credentials: creds(EVENTS_PASSWORD) });
  new RegistryMirror(shop, 'hub-cache', { upstream: 'docker.io', endpoint: `${HARBOR}/dockerhub-proxy` });
  new RegistryMirror(shop, 'quay-proxy', { upstream: 'quay.io', endpoint: QUAY_CACHE });
  new PrivateImageWorkload(shop, 'web', { name: 'web', image: 'nginx:1.27', containerName: 'web' });
  new PrivateImageWorkload(shop, 'worker', { name: 'worker', image: 'quay.io/example/worker:2.0', containerName: 'worker' });
  new k8s.KubeDeployment(shop, 'api', {
    metadata: { name: 'api' },
    spec: {
      selector: { matchLabels: { app: 'api' } },
      template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'ghcr.io/example/api:3.0' }] } },
    },
  });
  const batch = new Chart(app, 'batch', { namespace: 'batch' });
  // Static for the test; an ECR cluster would use RegistryCredentials.fromEcrAuthorizationToken.
  new RegistrySecret(batch, 'ecr', { name: 'ecr-pull', server: ECR, credentials: creds(EVENTS_PASSWORD), allowStaticEcrCredentials: true });
  new RegistryMirror(batch, 'hub-ecr', { upstream: 'docker.io', endpoint: `${ECR}/docker-hub` });
  new PrivateImageWorkload(batch, 'sync', { name: 'sync', kind: WorkloadKind.JOB, image: 'busybox:1.36', containerName: 'sync' });
  app.synth();
}

const MANIFESTS = path.join(dir, 'dist');
synthMirroredApp(MANIFESTS);

const outputs: string[] = [];

async function report(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } };
  const code = await runEvents([...args, EVENTS], io);
  outputs.push(stdout, stderr);
  return { code, stdout, stderr };
}

async function pulls(...args: string[]): Promise<any[]> {
  const run = await report(...args, '--format', 'json');
  expect(run.code).toBe(1);
  return JSON.parse(run.stdout).pulls;
}

const pullOf = (all: any[], pod: string) => {
  const found = all.find((p) => p.pod === pod);
  if (!found) throw new Error(`no pull for pod ${pod}`);
  return found;
};

afterAll(() => {
  for (const text of outputs) expect(text).not.toContain(EVENTS_PASSWORD);
});

describe('events --manifests on a mirrored app', () => {
  test('each rewritten image is reported with its mirror: upstream, original and construct, in JSON right after "volume"', async () => {
    const all = await pulls('--manifests', MANIFESTS);
    expect(pullOf(all, 'web-5c9f7d6b8-q4x7z')).toMatchObject({
      image: `${HARBOR}/dockerhub-proxy/library/nginx:1.27`,
      reason: 'not-found',
      mirror: { upstream: 'docker.io', original: 'nginx:1.27', construct: 'shop/hub-cache' },
      workload: { kind: 'Deployment', name: 'web', namespace: 'shop' },
    });
    expect(pullOf(all, 'worker-6d8f9b7c5-m2n4p')).toMatchObject({
      reason: 'unauthorized', mirror: { upstream: 'quay.io', original: 'quay.io/example/worker:2.0', construct: 'shop/quay-proxy' },
    });
    expect(pullOf(all, 'sync-k7d2x')).toMatchObject({
      reason: 'rate-limited', mirror: { upstream: 'docker.io', original: 'busybox:1.36', construct: 'batch/hub-ecr' }, workload: { kind: 'Job', name: 'sync', namespace: 'batch' },
    });
    expect(pullOf(all, 'api-7b9c6d5f4-t8v2w')).toMatchObject({ reason: 'unauthorized', mirror: null });
    const keys = Object.keys(pullOf(all, 'web-5c9f7d6b8-q4x7z'));
    expect(keys.indexOf('mirror')).toBe(keys.indexOf('volume') + 1);
    expect(Object.keys(pullOf(all, 'web-5c9f7d6b8-q4x7z').mirror)).toEqual(['upstream', 'original', 'construct']);
  });

  test('without construct-paths.json (manifests not written by App.synth()): the mirror\'s construct is null, the fix names its upstream', async () => {
    const bare = path.join(dir, 'bare');
    fs.mkdirSync(bare, { recursive: true });
    for (const file of fs.readdirSync(MANIFESTS).filter((f) => f.endsWith('.yaml'))) fs.copyFileSync(path.join(MANIFESTS, file), path.join(bare, file));
    const web = pullOf(await pulls('--manifests', bare), 'web-5c9f7d6b8-q4x7z');
    expect(web.mirror).toEqual({ upstream: 'docker.io', original: 'nginx:1.27', construct: null });
    expect(web.fix).toContain(`which is "nginx:1.27" through the RegistryMirror for docker.io (cache ${HARBOR})`);
  });

  test('not found on the cache: check the original upstream, the cache\'s own access to it (proxy, Harbor, ECR), the endpoint, the mirror secret\'s account', async () => {
    const { fix } = pullOf(await pulls('--manifests', MANIFESTS), 'web-5c9f7d6b8-q4x7z');
    expect(fix).toContain(`Deployment "web" (construct shop/web/Workload) pulls "${HARBOR}/dockerhub-proxy/library/nginx:1.27", which is "nginx:1.27" `
      + `through RegistryMirror shop/hub-cache (upstream docker.io, endpoint ${HARBOR}/dockerhub-proxy)`);
    expect(fix).toContain('"nginx:1.27" exists on docker.io');
    for (const check of ['proxy.username/password', 'Harbor proxy-cache project\'s registry endpoint', 'ECR pull-through cache rule', 'path prefix']) {
      expect(fix).toContain(check);
    }
    expect(fix).toContain('pull secret "harbor-pull"');
  });

  test('refused by the cache: the mirror\'s pull secret, which must hold the cache\'s credential, not the upstream\'s', async () => {
    const { fix } = pullOf(await pulls('--manifests', MANIFESTS), 'worker-6d8f9b7c5-m2n4p');
    expect(fix).toContain('through RegistryMirror shop/quay-proxy (upstream quay.io, endpoint mirror.example.com:5000)');
    expect(fix).toContain(`registry ${QUAY_CACHE} refused the credential (key "${QUAY_CACHE}") of pull secret "quay-cache-pull"`);
    expect(fix).toContain(`the cache's credential for ${QUAY_CACHE}, not quay.io's`);
    expect(fix).toContain('Deployment "worker" (construct shop/worker/Workload)');
  });

  test('rate-limited through an ECR pull-through cache: the upstream limits the cache\'s account', async () => {
    const { fix } = pullOf(await pulls('--manifests', MANIFESTS), 'sync-k7d2x');
    expect(fix).toContain(`"busybox:1.36" through RegistryMirror batch/hub-ecr (upstream docker.io, endpoint ${ECR}/docker-hub)`);
    expect(fix).toContain('docker.io limits the cache\'s pulls');
    expect(fix).toContain('ECR pull-through cache rule for the prefix and its Secrets Manager secret');
  });

  test('an image no mirror rewrote gets the usual fix', async () => {
    const { fix } = pullOf(await pulls('--manifests', MANIFESTS), 'api-7b9c6d5f4-t8v2w');
    expect(fix).not.toContain('RegistryMirror');
    expect(fix).toContain('ghcr.io');
  });

  test('the table\'s fixes name the mirror too', async () => {
    const run = await report('--manifests', MANIFESTS);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('RegistryMirror shop/hub-cache (upstream docker.io, endpoint harbor.example.com/dockerhub-proxy)');
    expect(run.stdout).toContain('RegistryMirror shop/quay-proxy (upstream quay.io, endpoint mirror.example.com:5000)');
  });

  test('without --manifests nothing says the image was rewritten: mirror is null', async () => {
    for (const pull of await pulls()) expect(pull.mirror).toBeNull();
  });
});

describe('fixFor a rewritten image, by reason', () => {
  const image = `${QUAY_CACHE}/example/worker:2.0`;
  const record = (reason: PullRecord['reason'], message: string, waitingReason: string | null = 'ImagePullBackOff'): PullRecord => ({
    namespace: 'shop',
    pod: 'worker-6d8f9b7c5-m2n4p',
    container: 'worker',
    image,
    status: 'failing',
    reason,
    message,
    count: 1,
    lastEvent: 'Failed',
    failures: 1,
    recovered: false,
    retrying: false,
    waitingReason,
    ambiguous: false,
  });
  const workload: PodWorkload = {
    kind: 'Deployment',
    name: 'worker',
    namespace: 'shop',
    file: 'm.yaml',
    document: 1,
    construct: null,
    serviceAccount: null,
    pullSecrets: [{ name: 'quay-cache-pull', from: 'pod', state: 'matches', keys: [QUAY_CACHE] }],
    volume: null,
    mirror: { upstream: 'quay.io', original: 'quay.io/example/worker:2.0', construct: null, endpoint: null },
  };
  const through = `Deployment "worker" pulls "${image}", which is "quay.io/example/worker:2.0" through the RegistryMirror for quay.io (cache ${QUAY_CACHE}): `;

  test('unreachable: the node cannot reach the cache', () => {
    const fix = fixFor(record('unreachable', 'dial tcp 10.0.0.9:5000: connect: connection refused'), workload)!;
    expect(fix.startsWith(through)).toBe(true);
    expect(fix).toContain(`the node cannot reach registry ${QUAY_CACHE}`);
  });

  test('unknown: the cache may fail to reach its upstream, or be refused there', () => {
    const fix = fixFor(record('unknown', 'received unexpected HTTP status: 502 Bad Gateway'), workload)!;
    expect(fix.startsWith(through)).toBe(true);
    expect(fix).toContain('a cache that cannot reach quay.io or is refused there fails so too');
  });

  test('an invalid name or a Never pull policy is no matter of the cache', () => {
    expect(fixFor(record('unknown', 'bad', 'InvalidImageName'), workload)).not.toContain('cache that cannot reach');
    expect(fixFor(record('not-found', 'not on node', 'ErrImageNeverPull'), workload)).toContain('imagePullPolicy is Never');
  });

  test('not found without a matching secret (an anonymous cache): no secret account to check', () => {
    const fix = fixFor(record('not-found', 'manifest unknown'), { ...workload, pullSecrets: [] })!;
    expect(fix).toContain('"quay.io/example/worker:2.0" exists on quay.io');
    expect(fix).not.toContain('account of pull secret');
  });

  test('the mirror\'s construct known: named with its upstream and endpoint instead of "the RegistryMirror for"', () => {
    const named = { ...workload, mirror: { ...workload.mirror!, construct: 'shop/quay-proxy', endpoint: QUAY_CACHE } };
    const fix = fixFor(record('unauthorized', 'unauthorized: authentication required'), named)!;
    expect(fix.startsWith(`Deployment "worker" pulls "${image}", which is "quay.io/example/worker:2.0" through RegistryMirror shop/quay-proxy `
      + `(upstream quay.io, endpoint ${QUAY_CACHE}): `)).toBe(true);
    expect(fix).not.toContain('the RegistryMirror for');
  });

  test('pulled or no mirror: unchanged', () => {
    expect(fixFor({ ...record(null, ''), status: 'pulled' }, workload)).toBeNull();
    expect(fixFor(record('not-found', 'manifest unknown'), { ...workload, mirror: null })).not.toContain('RegistryMirror');
  });
});
