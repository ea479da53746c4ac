import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { collectImages, ImagesResult } from '../../src/images/collect';
import { InputError } from '../../src/manifests/input-error';
import { ORIGINAL_IMAGES_ANNOTATION, POD_SPEC_PATH_ANNOTATION } from '../../src/rules/declarations';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'images-collect-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes the objects as one multi-document JSON-in-YAML file and collects its images. */
function collect(objects: unknown[], options: Parameters<typeof collectImages>[1] = {}): ImagesResult {
  const file = path.join(dir, 'app.yaml');
  fs.writeFileSync(file, objects.map((o) => JSON.stringify(o)).join('\n---\n'));
  return collectImages([file], options);
}

const deployment = (name: string, spec: Record<string, unknown>, annotations?: Record<string, string>) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) }, spec: { template: { spec } },
});
const references = (result: ImagesResult) => result.images.map((image) => image.reference);
const summary = (result: ImagesResult) => result.images.map((i) => [i.reference, i.source, i.pulled, i.objects.map((o) => o.container ?? `volume ${o.volume}`).join(',')]);

describe('every image a kubelet pulls, once each, sorted', () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ['containers', { containers: [{ name: 'a', image: 'quay.io/org/a:1' }] }, ['quay.io/org/a:1']],
    ['init containers first in the pod, sorted in the list', { initContainers: [{ name: 'i', image: 'quay.io/org/z:1' }], containers: [{ name: 'a', image: 'quay.io/org/a:1' }] },
      ['quay.io/org/a:1', 'quay.io/org/z:1']],
    ['ephemeral containers', { containers: [], ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36' }] }, ['docker.io/library/busybox:1.36']],
    ['image volumes, not other volumes', { containers: [], volumes: [{ name: 'w', image: { reference: 'quay.io/org/weights:v3' } }, { name: 'c', configMap: { name: 'x' } }] },
      ['quay.io/org/weights:v3']],
    ['normalized: Docker Hub, library/, latest', { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'docker.io/library/nginx:latest' }, { name: 'c', image: 'index.docker.io/nginx' }] },
      ['docker.io/library/nginx:latest']],
    ['tag and digest kept; a digest alone gets no tag', { containers: [{ name: 'a', image: `quay.io/a/b:1@${DIGEST}` }, { name: 'b', image: `quay.io/a/c@${DIGEST}` }] },
      [`quay.io/a/b:1@${DIGEST}`, `quay.io/a/c@${DIGEST}`]],
    ['no image: nothing', { containers: [{ name: 'a' }] }, []],
  ])('%s', (_title, spec, expected) => {
    expect(references(collect([deployment('web', spec)]))).toEqual(expected);
  });

  test('fields of an image and its objects', () => {
    const result = collect([
      deployment('web', { containers: [{ name: 'web', image: `quay.io/org/app:1.0@${DIGEST}` }], volumes: [{ name: 'w', image: { reference: 'quay.io/org/app:1.0@' + DIGEST } }] }),
    ]);
    expect(result).toMatchObject({ files: 1, objects: 1, invalid: [] });
    expect(result.images).toEqual([{
      reference: `quay.io/org/app:1.0@${DIGEST}`,
      original: `quay.io/org/app:1.0@${DIGEST}`,
      registry: 'quay.io',
      repository: 'org/app',
      tag: '1.0',
      digest: DIGEST,
      source: 'pod',
      pulled: true,
      objects: [
        { file: path.join(dir, 'app.yaml'), document: 1, apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web', container: 'web', source: 'pod', image: `quay.io/org/app:1.0@${DIGEST}`, pulled: true },
        { file: path.join(dir, 'app.yaml'), document: 1, apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web', volume: 'w', source: 'pod', image: `quay.io/org/app:1.0@${DIGEST}`, pulled: true },
      ],
    }]);
  });

  test('duplicates across objects and files: once, with every object in reading order', () => {
    fs.writeFileSync(path.join(dir, 'b.yaml'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'x', image: 'nginx:1.27' }] } }));
    fs.writeFileSync(path.join(dir, 'a.yaml'), JSON.stringify(deployment('web', { containers: [{ name: 'y', image: 'docker.io/nginx:1.27' }] })));
    const result = collectImages([dir]);
    expect(result.files).toBe(2);
    expect(result.images.map((i) => [i.reference, i.objects.map((o) => `${path.basename(o.file)} ${o.kind} ${o.namespace} ${o.name} ${o.image}`)])).toEqual([
      ['docker.io/library/nginx:1.27', ['a.yaml Deployment shop web docker.io/nginx:1.27', 'b.yaml Pod null p nginx:1.27']],
    ]);
  });

  test('pull policy Never: listed with pulled false, unless another object pulls it', () => {
    const result = collect([
      deployment('a', { containers: [{ name: 'n', image: 'local/only:1', imagePullPolicy: 'Never' }, { name: 'm', image: 'quay.io/x/y:1', imagePullPolicy: 'Never' }] }),
      deployment('b', { volumes: [{ name: 'v', image: { reference: 'quay.io/x/y:1', pullPolicy: 'IfNotPresent' } }] }),
    ]);
    expect(summary(result)).toEqual([
      ['docker.io/local/only:1', 'pod', false, 'n'],
      ['quay.io/x/y:1', 'pod', true, 'm,volume v'],
    ]);
    expect(result.images[1].objects.map((o) => o.pulled)).toEqual([false, true]);
  });

  test('pod-bearing custom resources: well-known, given (--pod-kind), and declared by the manifests', () => {
    const worker = { apiVersion: 'apps.example.com/v1', kind: 'Worker', metadata: { name: 'w' }, spec: { template: { spec: { containers: [{ name: 'w', image: 'quay.io/x/worker:1' }] } } } };
    const declared = { apiVersion: 'jobs.example.com/v1', kind: 'Task', metadata: { name: 't', annotations: { [POD_SPEC_PATH_ANNOTATION]: '/spec/pod' } }, spec: { pod: { containers: [{ name: 't', image: 'quay.io/x/task:1' }] } } };
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' }, spec: { template: { spec: { containers: [{ name: 'r', image: 'quay.io/x/rollout:1' }] } } } };
    const fakeDeployment = { apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'no-pod' }, spec: { template: { spec: { containers: [{ name: 'f', image: 'quay.io/x/fake:1' }] } } } };
    const objects = [worker, declared, rollout, fakeDeployment];
    expect(references(collect(objects))).toEqual(['quay.io/x/rollout:1', 'quay.io/x/task:1']);
    expect(references(collect(objects, { podKinds: [{ apiGroup: 'apps.example.com', kind: 'Worker', podSpecPath: '/spec/template/spec', origin: 'custom' }] })))
      .toEqual(['quay.io/x/rollout:1', 'quay.io/x/task:1', 'quay.io/x/worker:1']);
    expect(references(collect(objects, { declarations: 'ignored' }))).toEqual(['quay.io/x/rollout:1']);
  });

  test('items of a List', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [deployment('a', { containers: [{ name: 'a', image: 'quay.io/x/a:1' }] }), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }] };
    expect(collect([list])).toMatchObject({ objects: 2, images: [{ reference: 'quay.io/x/a:1' }] });
  });
});

describe('originals: what the code wrote before a RegistryMirror rewrote it (the annotation on the object)', () => {
  test('each rewritten image gets its original, normalized; others are their own original', () => {
    const rewritten = 'harbor.example.com/hub/library/nginx:1.27';
    const result = collect([
      deployment('web', { containers: [{ name: 'web', image: rewritten }, { name: 'side', image: 'quay.io/org/side:2' }] },
        { [ORIGINAL_IMAGES_ANNOTATION]: JSON.stringify({ [rewritten]: 'nginx:1.27' }) }),
    ]);
    expect(result.images.map((i) => [i.reference, i.original])).toEqual([
      [rewritten, 'docker.io/library/nginx:1.27'],
      ['quay.io/org/side:2', 'quay.io/org/side:2'],
    ]);
  });

  test('the key is matched as written, or normalized', () => {
    const result = collect([
      deployment('web', { containers: [{ name: 'web', image: 'mirror.example.com/quay.io/org/app' }] },
        { [ORIGINAL_IMAGES_ANNOTATION]: JSON.stringify({ 'mirror.example.com/quay.io/org/app:latest': 'quay.io/org/app' }) }),
    ]);
    expect(result.images.map((i) => [i.reference, i.original])).toEqual([['mirror.example.com/quay.io/org/app:latest', 'quay.io/org/app:latest']]);
  });

  test('an annotation applies to its own object only', () => {
    const rewritten = 'harbor.example.com/hub/library/nginx:1.27';
    const result = collect([
      deployment('a', { containers: [{ name: 'a', image: 'quay.io/x/a:1' }] }, { [ORIGINAL_IMAGES_ANNOTATION]: JSON.stringify({ [rewritten]: 'nginx:1.27' }) }),
      deployment('b', { containers: [{ name: 'b', image: rewritten }] }),
    ]);
    expect(result.images.map((i) => [i.reference, i.original])).toEqual([[rewritten, rewritten], ['quay.io/x/a:1', 'quay.io/x/a:1']]);
  });

  test('a malformed annotation is an input error naming it', () => {
    const run = () => collect([deployment('a', { containers: [] }, { [ORIGINAL_IMAGES_ANNOTATION]: '[1,2]' })]);
    expect(run).toThrow(InputError);
    expect(run).toThrow(`${path.join(dir, 'app.yaml')} (document 1): is not a valid declaration: annotation "${ORIGINAL_IMAGES_ANNOTATION}" is not a JSON object`);
  });
});

describe('images named in command, args and env', () => {
  test('marked args or env; a pod spec image is "pod" even when args name it too', () => {
    const result = collect([
      deployment('cert-manager', {
        containers: [{
          name: 'controller',
          image: 'quay.io/jetstack/cert-manager-controller:v1.15.0',
          args: ['--acme-http01-solver-image=quay.io/jetstack/cert-manager-acmesolver:v1.15.0', '--v=2', '--self=quay.io/jetstack/cert-manager-controller:v1.15.0'],
          env: [{ name: 'HELPER', value: `ghcr.io/org/helper:1@${DIGEST}` }, { name: 'DOMAIN', value: 'example.com' }],
        }],
        initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'echo quay.io/not/an:image'] }],
      }),
    ]);
    expect(summary(result)).toEqual([
      ['docker.io/library/busybox:latest', 'pod', true, 'init'],
      [`ghcr.io/org/helper:1@${DIGEST}`, 'env', true, 'controller'],
      ['quay.io/jetstack/cert-manager-acmesolver:v1.15.0', 'args', true, 'controller'],
      ['quay.io/jetstack/cert-manager-controller:v1.15.0', 'pod', true, 'controller,controller'],
    ]);
    expect(result.images[3].objects.map((o) => o.source)).toEqual(['pod', 'args']);
  });
});

test('an invalid reference is left out of the images and reported with its objects', () => {
  const result = collect([deployment('a', { containers: [{ name: 'a', image: 'Bad/Image' }, { name: 'b', image: 'quay.io/x/a:1' }] })]);
  expect(references(result)).toEqual(['quay.io/x/a:1']);
  expect(result.invalid).toEqual([{ image: 'Bad/Image', reason: 'repository name must be lowercase', objects: [expect.objectContaining({ name: 'a', container: 'a' })] }]);
});
