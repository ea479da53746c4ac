/**
 * `events --manifests` with the library's construct-paths.json: a failing
 * pod maps to the construct that declared its workload, keyed by
 * apiVersion, kind, namespace and name, so an `Include`d object has one
 * and two objects of one name are told apart; cdk8s's
 * construct-metadata.json is the fallback.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runEvents } from '../../src/cli/events-command';
import { includeApp, PATHS_PASSWORD } from '../support/include-app';

let dir: string;
let outdir: string;
let events: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-paths-'));
  outdir = path.join(dir, 'dist');
  includeApp(dir, outdir, { recordConstructMetadata: true }).synth();
  events = path.join(dir, 'events.json');
  fs.writeFileSync(events, JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      failed('redis-follower-7d4b9c8f6-x2x9k', 'follower', 'quay.io/example/redis-follower:7'),
      failed('frontend-5f6d7c8b9-kxzvw', 'web', 'quay.io/example/frontend:1'),
    ],
  }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function failed(pod: string, container: string, image: string) {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    count: 3,
    lastTimestamp: '2026-12-01T10:00:00Z',
    type: 'Warning',
    reason: 'Failed',
    metadata: { name: `${pod}.1`, namespace: 'shop' },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod, namespace: 'shop', fieldPath: `spec.containers{${container}}` },
    message: `Failed to pull image "${image}": failed to resolve reference "${image}": unexpected status from HEAD request: 401 Unauthorized`,
  };
}

async function report(manifests: string) {
  let stdout = '';
  let stderr = '';
  const code = await runEvents(['--manifests', manifests, '--format', 'json', events], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  expect(stdout + stderr).not.toContain(PATHS_PASSWORD);
  return { code, stderr, pulls: stdout === '' ? [] : JSON.parse(stdout).pulls as any[] };
}

const byPod = (pulls: any[], pod: string) => pulls.find((p) => p.pod.startsWith(pod));

test('the Include\'d Deployment\'s failing pod maps to the Include, though a Service has its name; the cdk8s-plus one to its workload', async () => {
  const { code, pulls } = await report(outdir);
  expect(code).toBe(1);
  const redis = byPod(pulls, 'redis-follower-');
  expect(redis).toMatchObject({ status: 'failing', reason: 'unauthorized', workload: { kind: 'Deployment', name: 'redis-follower', namespace: 'shop' } });
  expect(redis.construct).toEqual({ path: 'shop/redis', pathFrom: 'construct-paths', address: null });
  expect(redis.pullSecrets).toEqual([{ name: 'quay-pull', from: 'pod', state: 'matches', keys: ['quay.io'], producer: null }]);
  const frontend = byPod(pulls, 'frontend-');
  expect(frontend.construct).toEqual({ path: 'shop/frontend', pathFrom: 'construct-paths', address: expect.stringMatching(/^shop-frontend-c8/) });
});

test('without it, cdk8s\'s construct-metadata.json (keyed by name alone) cannot tell the Deployment from the Service', async () => {
  const fallback = path.join(dir, 'fallback');
  fs.cpSync(outdir, fallback, { recursive: true });
  fs.rmSync(path.join(fallback, '.cdk8s-private-registry', 'construct-paths.json'));
  const { pulls } = await report(fallback);
  expect(byPod(pulls, 'redis-follower-').construct).toBeNull();
  expect(byPod(pulls, 'frontend-').construct).toMatchObject({ path: 'shop/frontend/Resource', pathFrom: 'label' });
});

test('a manifests file: the file is read from its folder; a Helm chart or its templates/: from the chart\'s folder', async () => {
  expect(byPod((await report(path.join(outdir, 'shop.k8s.yaml'))).pulls, 'redis-follower-').construct.pathFrom).toBe('construct-paths');
  const chart = path.join(dir, 'chart');
  fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 1.0.0\n');
  fs.copyFileSync(path.join(outdir, 'shop.k8s.yaml'), path.join(chart, 'templates', 'shop.k8s.yaml'));
  fs.cpSync(path.join(outdir, '.cdk8s-private-registry'), path.join(chart, '.cdk8s-private-registry'), { recursive: true });
  expect(byPod((await report(path.join(chart, 'templates'))).pulls, 'redis-follower-').construct.path).toBe('shop/redis');
  expect(byPod((await report(chart)).pulls, 'redis-follower-').construct.path).toBe('shop/redis');
});

test('a construct-paths.json that is not version 1 of the format is an input error that quotes nothing', async () => {
  const broken = path.join(dir, 'broken');
  fs.cpSync(outdir, broken, { recursive: true });
  fs.writeFileSync(path.join(broken, '.cdk8s-private-registry', 'construct-paths.json'), JSON.stringify({ version: 1, objects: [{ name: 'hunter2' }] }));
  const { code, stderr } = await report(broken);
  expect(code).toBe(2);
  expect(stderr).toContain('construct-paths.json: objects[0] is not');
  expect(stderr).not.toContain('hunter2');
});
