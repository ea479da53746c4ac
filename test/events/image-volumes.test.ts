/**
 * `events` and image volumes: the kubelet reports an image volume's pull on
 * the pod with no fieldPath, so with --manifests the image tells which volume
 * of the workload it was; custom pod kinds come with --pod-kind.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runEvents } from '../../src/cli/events-command';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-volumes-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const MANIFESTS = path.join(dir, 'dist');
fs.mkdirSync(MANIFESTS);
fs.writeFileSync(path.join(MANIFESTS, 'app.k8s.yaml'), `apiVersion: v1
kind: Pod
metadata: { name: model, namespace: shop }
spec:
  containers:
    - { name: app, image: registry.example.com/shop/model-server:1 }
  volumes:
    - { name: weights, image: { reference: registry.gitlab.com/acme/model-weights:1 } }
---
apiVersion: apps.example.com/v1
kind: Worker
metadata: { name: custom, namespace: shop }
spec:
  pod:
    containers:
      - { name: app, image: registry.example.com/shop/custom:1 }
`);

const event = (pod: string, fieldPath: string | undefined, image: string) => ({
  apiVersion: 'v1',
  kind: 'Event',
  count: 1,
  lastTimestamp: '2026-12-01T10:00:00Z',
  type: 'Warning',
  reason: 'Failed',
  metadata: { name: `${pod}.1`, namespace: 'shop' },
  involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod, namespace: 'shop', ...(fieldPath === undefined ? {} : { fieldPath }) },
  message: `Failed to pull image "${image}": failed to resolve reference "${image}": unexpected status from HEAD request: 401 Unauthorized`,
});

const EVENTS = path.join(dir, 'events.json');
fs.writeFileSync(EVENTS, JSON.stringify({
  apiVersion: 'v1',
  kind: 'List',
  items: [
    event('model', undefined, 'registry.gitlab.com/acme/model-weights:1'),
    event('model', 'spec.containers{app}', 'registry.example.com/shop/model-server:1'),
    event('custom-0', 'spec.containers{app}', 'registry.example.com/shop/custom:1'),
  ],
}));

async function report(...args: string[]) {
  let stdout = '';
  const code = await runEvents([...args, '--format', 'json', EVENTS], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => undefined } });
  return { code, pulls: JSON.parse(stdout).pulls as any[] };
}

test('a failed image-volume pull is mapped to its pod and volume', async () => {
  const { code, pulls } = await report('--manifests', MANIFESTS);
  expect(code).toBe(1);
  const weights = pulls.find((p) => p.image === 'registry.gitlab.com/acme/model-weights:1');
  expect(weights).toMatchObject({ pod: 'model', container: '', volume: 'weights', status: 'failing', reason: 'unauthorized' });
  expect(weights.workload).toMatchObject({ kind: 'Pod', name: 'model' });
  expect(pulls.find((p) => p.container === 'app' && p.pod === 'model')).toMatchObject({ volume: null });
});

test('without --manifests the volume cannot be told: null', async () => {
  const { pulls } = await report();
  expect(pulls.find((p) => p.image === 'registry.gitlab.com/acme/model-weights:1')).toMatchObject({ container: '', volume: null });
});

test('a custom kind\'s pods map to it only with --pod-kind', async () => {
  const without = (await report('--manifests', MANIFESTS)).pulls.find((p) => p.pod === 'custom-0');
  expect(without.workload).toBeNull();
  const withKind = (await report('--manifests', MANIFESTS, '--pod-kind', 'apps.example.com/Worker=/spec/pod')).pulls.find((p) => p.pod === 'custom-0');
  expect(withKind.workload).toMatchObject({ kind: 'Worker', name: 'custom' });
});
