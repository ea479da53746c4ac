import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IMAGES_USAGE, runImages } from '../../src/cli/images-command';
import { runCli, USAGE } from '../../src/cli/main';
import { ORIGINAL_IMAGES_ANNOTATION } from '../../src/rules/declarations';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const ROOT = path.join(__dirname, '..', '..');
let dir: string;
let app: string;

/** cert-manager-like app behind a Harbor cache for Docker Hub: a rewritten image, a Never image, an image volume, args and env references. */
const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    ${ORIGINAL_IMAGES_ANNOTATION}: '{"harbor.example.com/hub/library/nginx:1.27":"nginx:1.27"}'
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: busybox
      containers:
        - name: web
          image: harbor.example.com/hub/library/nginx:1.27
          args: ["--solver-image=quay.io/jetstack/cert-manager-acmesolver:v1.15.0", "--path=/x/y"]
          env:
            - name: SIDE
              value: ghcr.io/org/side:2@${DIGEST}
        - name: cached
          image: local/only:1
          imagePullPolicy: Never
      volumes:
        - name: weights
          image:
            reference: 127.0.0.2/models/weights:v3
---
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: a
      image: docker.io/library/busybox:latest
`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'images-command-'));
  app = path.join(dir, 'app.yaml');
  fs.writeFileSync(app, APP);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function images(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runImages(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

describe('txt', () => {
  test('one reference a line, as pulled, sorted; no Never image, no args/env image', () => {
    expect(images(app)).toEqual({
      code: 0,
      stdout: [
        '127.0.0.2/models/weights:v3',
        'docker.io/library/busybox:latest',
        'harbor.example.com/hub/library/nginx:1.27',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  test('--include-args adds the images of command, args and env', () => {
    expect(images('--include-args', app).stdout).toBe([
      '127.0.0.2/models/weights:v3',
      'docker.io/library/busybox:latest',
      `ghcr.io/org/side:2@${DIGEST}`,
      'harbor.example.com/hub/library/nginx:1.27',
      'quay.io/jetstack/cert-manager-acmesolver:v1.15.0',
      '',
    ].join('\n'));
  });
});

describe('skopeo-sync', () => {
  test('the originals by source registry, digests for tag@digest, tls-verify false for --insecure-registry', () => {
    expect(images('--format', 'skopeo-sync', '--insecure-registry', '127.0.0.2', app)).toEqual({
      code: 0,
      stdout: [
        '"127.0.0.2":',
        '  images:',
        '    "models/weights": ["v3"]',
        '  tls-verify: false',
        '"docker.io":',
        '  images:',
        '    "library/busybox": ["latest"]',
        '    "library/nginx": ["1.27"]',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  test('--include-args; tags and digests of one repository together', () => {
    fs.writeFileSync(path.join(dir, 'more.yaml'), JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'q' },
      spec: { containers: [{ name: 'a', image: 'ghcr.io/org/side:1' }, { name: 'b', image: 'ghcr.io/org/side:10' }] },
    }));
    expect(images('-o', 'skopeo-sync', '--include-args', app, path.join(dir, 'more.yaml')).stdout).toBe([
      '"127.0.0.2":',
      '  images:',
      '    "models/weights": ["v3"]',
      '"docker.io":',
      '  images:',
      '    "library/busybox": ["latest"]',
      '    "library/nginx": ["1.27"]',
      '"ghcr.io":',
      '  images:',
      `    "org/side": ["1", "10", "${DIGEST}"]`,
      '"quay.io":',
      '  images:',
      '    "jetstack/cert-manager-acmesolver": ["v1.15.0"]',
      '',
    ].join('\n'));
  });

  test('a source registry with a port: listed, with a warning (a scoped sync cannot place it)', () => {
    const ported = path.join(dir, 'ported.yaml');
    fs.writeFileSync(ported, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'registry.local:5000/team/app:1' }] } }));
    expect(images('-o', 'skopeo-sync', ported)).toEqual({
      code: 0,
      stdout: '"registry.local:5000":\n  images:\n    "team/app": ["1"]\n',
      stderr: 'warning: registry "registry.local:5000" has a port: "skopeo sync --scoped" cannot place its images (":" is not allowed in a repository path; '
        + 'skopeo 1.9 stops with "invalid reference format"): serve it on a portless address, or sync it alone without --scoped\n',
    });
    expect(images(ported).stderr).toBe('');
  });

  test('no image at all: an empty map', () => {
    fs.writeFileSync(path.join(dir, 'empty.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');
    expect(images('-o', 'skopeo-sync', path.join(dir, 'empty.yaml')).stdout).toBe('{}\n');
  });
});

describe('json', () => {
  test('every image with its original, parts, source, pulled and objects', () => {
    const { code, stdout, stderr } = images('-o', 'json', app);
    expect([code, stderr]).toEqual([0, '']);
    const report = JSON.parse(stdout);
    expect(stdout).toBe(`${JSON.stringify(report, null, 2)}\n`); // written an image at a time, the same text
    expect(report).toMatchObject({ schemaVersion: 1, files: 1, objects: 2, invalid: [] });
    expect(report.images.map((i: any) => [i.reference, i.original, i.source, i.pulled])).toEqual([
      ['127.0.0.2/models/weights:v3', '127.0.0.2/models/weights:v3', 'pod', true],
      ['docker.io/library/busybox:latest', 'docker.io/library/busybox:latest', 'pod', true],
      ['docker.io/local/only:1', 'docker.io/local/only:1', 'pod', false],
      [`ghcr.io/org/side:2@${DIGEST}`, `ghcr.io/org/side:2@${DIGEST}`, 'env', true],
      ['harbor.example.com/hub/library/nginx:1.27', 'docker.io/library/nginx:1.27', 'pod', true],
      ['quay.io/jetstack/cert-manager-acmesolver:v1.15.0', 'quay.io/jetstack/cert-manager-acmesolver:v1.15.0', 'args', true],
    ]);
    expect(report.images[4]).toEqual({
      reference: 'harbor.example.com/hub/library/nginx:1.27',
      original: 'docker.io/library/nginx:1.27',
      registry: 'harbor.example.com',
      repository: 'hub/library/nginx',
      tag: '1.27',
      digest: null,
      source: 'pod',
      pulled: true,
      objects: [{
        file: app,
        document: 1,
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
        container: 'web',
        source: 'pod',
        image: 'harbor.example.com/hub/library/nginx:1.27',
        pulled: true,
      }],
    });
    expect(report.images[0].objects[0]).toMatchObject({ volume: 'weights' });
    expect(report.images[1].objects.map((o: any) => [o.document, o.kind, o.namespace, o.container, o.image])).toEqual([
      [1, 'Deployment', 'shop', 'init', 'busybox'],
      [2, 'Pod', null, 'a', 'docker.io/library/busybox:latest'],
    ]);
  });

  test('an invalid reference is listed under "invalid"; txt warns on stderr and leaves it out', () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'Bad/Image' }] } }));
    const { stdout } = images('-o', 'json', bad);
    expect(stdout).toBe(`${JSON.stringify(JSON.parse(stdout), null, 2)}\n`);
    expect(JSON.parse(stdout).invalid).toEqual([{
      image: 'Bad/Image',
      reason: 'repository name must be lowercase',
      objects: [{ file: bad, document: 1, apiVersion: 'v1', kind: 'Pod', namespace: null, name: 'p', container: 'a', source: 'pod', image: 'Bad/Image', pulled: true }],
    }]);
    expect(images(bad)).toEqual({
      code: 0,
      stdout: '',
      stderr: `warning: ${bad} (document 1): Pod "p": image "Bad/Image" is invalid: repository name must be lowercase; left out\n`,
    });
  });
});

describe('reads what verify reads', () => {
  test('a Helm chart folder: templates/, not values', () => {
    const chart = path.join(dir, 'chart');
    fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
    fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: app\nversion: 0.1.0\n');
    fs.writeFileSync(path.join(chart, 'values.yaml'), 'image: quay.io/not/this:1\n');
    fs.writeFileSync(path.join(chart, 'templates', 'app.yaml'), APP);
    expect(images(chart)).toEqual({ code: 0, stdout: images(app).stdout, stderr: '' });
  });

  test('--pod-kind: a custom pod-bearing kind', () => {
    const worker = path.join(dir, 'worker.yaml');
    fs.writeFileSync(worker, JSON.stringify({ apiVersion: 'apps.example.com/v1', kind: 'Worker', metadata: { name: 'w' }, spec: { pod: { containers: [{ name: 'w', image: 'quay.io/x/w:1' }] } } }));
    expect(images(worker).stdout).toBe('');
    expect(images('--pod-kind', 'apps.example.com/Worker=/spec/pod', worker).stdout).toBe('quay.io/x/w:1\n');
  });

  test('"-" reads standard input (named <stdin>)', () => {
    const piped = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src', 'cli', 'main.ts'), 'images', '-o', 'json', '-'],
      { encoding: 'utf8', cwd: ROOT, timeout: 60_000, input: APP });
    expect([piped.status, piped.stderr]).toEqual([0, '']);
    const report = JSON.parse(piped.stdout);
    expect(report.images).toHaveLength(6);
    expect(report.images[0].objects[0].file).toBe('<stdin>');
  });
});

describe('usage and input errors exit 2', () => {
  test.each<[string[], string]>([
    [[], 'error: images needs at least one PATH'],
    [['--format', 'yaml', 'x.yaml'], 'error: --format must be "txt", "json" or "skopeo-sync", not "yaml"'],
    [['--insecure-registry', 'https://x', 'x.yaml'], 'error: --insecure-registry takes HOST[:PORT], not "https://x"'],
    [['--pod-kind', 'Worker', 'x.yaml'], 'error: --pod-kind: "Worker" is not GROUP/KIND=/json/pointer'],
    [['--frobnicate', 'x.yaml'], 'error: Unknown option \'--frobnicate\''],
    [['--include-args=yes', 'x.yaml'], 'error: Option \'--include-args\' does not take an argument'],
  ])('%j', (args, message) => {
    const { code, stdout, stderr } = images(...args);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Run "cdk8s-private-registry images --help" for usage.');
  });

  test('input errors are printed as verify prints them', () => {
    expect(images(path.join(dir, 'missing.yaml'))).toEqual({ code: 2, stdout: '', stderr: `error: ${path.join(dir, 'missing.yaml')}: no such file or folder\n` });
    const broken = path.join(dir, 'broken.yaml');
    fs.writeFileSync(broken, 'apiVersion: v1\nkind: [\n');
    const { code, stderr } = images(broken);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^error: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(document 1\\): `));
  });

  test('--help', () => {
    expect(images('--help')).toEqual({ code: 0, stdout: IMAGES_USAGE, stderr: '' });
  });
});

describe('dispatched by the main command line', () => {
  async function cli(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
    return { code, stdout, stderr };
  }

  test('images, its help, and the main usage naming it', async () => {
    expect(await cli('images', app)).toEqual(images(app));
    expect(await cli('-o', 'json', 'images', app)).toEqual(images('-o', 'json', app));
    expect(await cli('images', '--help')).toEqual({ code: 0, stdout: IMAGES_USAGE, stderr: '' });
    expect(await cli('help', 'images')).toEqual({ code: 0, stdout: IMAGES_USAGE, stderr: '' });
    expect(USAGE).toContain('cdk8s-private-registry images [options] PATH...|-');
    expect(USAGE).toContain('cdk8s-private-registry images --help');
  });
});
