/**
 * construct-paths.json: written into the app's output folder after a
 * successful `App.synth()` of an app that uses the library, keyed by
 * apiVersion, kind, namespace and name; never by a failed synth nor by
 * `synthYaml()`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RegistryMirror, RegistrySecret } from '../../src';
import { findManifestFiles } from '../../src/manifests/manifests';
import { declaringConstruct } from '../../src/wiring/construct-paths';
import { creds } from '../support/credentials';
import { includeApp, PATHS_PASSWORD } from '../support/include-app';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'construct-paths-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('after synth: every object, keyed by apiVersion, kind, namespace and name, with its path and the construct users know', () => {
  const outdir = path.join(dir, 'dist');
  includeApp(dir, outdir).synth();
  const text = fs.readFileSync(path.join(outdir, '.cdk8s-private-registry', 'construct-paths.json'), 'utf8');
  expect(JSON.parse(text)).toEqual({
    version: 1,
    objects: [
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'frontend', path: 'shop/frontend/Resource', construct: 'shop/frontend' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'redis-follower', path: 'shop/redis/redis-follower-deployment', construct: 'shop/redis' },
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: null, name: 'settings', path: 'ops/settings', construct: 'ops/settings' },
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings', path: 'shop/settings', construct: 'shop/settings' },
      { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'quay-pull', path: 'shop/quay/Resource', construct: 'shop/quay' },
      { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'redis-follower', path: 'shop/redis/redis-follower-service', construct: 'shop/redis' },
    ],
  });
  expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  // The manifests are as before: the file is written in a subfolder beside them, which `kubectl apply -f DIR` never reads.
  expect(fs.readdirSync(outdir).sort()).toEqual(['.cdk8s-private-registry', 'ops.k8s.yaml', 'shop.k8s.yaml']);
  expect(fs.readdirSync(path.join(outdir, '.cdk8s-private-registry'))).toEqual(['construct-paths.json']);
  // verify and events search the folder for manifests and pass it over, as cdk8s's construct-metadata.json.
  expect(findManifestFiles([outdir])).toEqual([path.join(outdir, 'ops.k8s.yaml'), path.join(outdir, 'shop.k8s.yaml')]);
});

test('deterministic: two apps built alike write the same bytes; a second synth of one app rewrites the file once', () => {
  const first = path.join(dir, 'first');
  const second = path.join(dir, 'second');
  const app = includeApp(dir, first);
  app.synth();
  includeApp(dir, second).synth();
  const read = (outdir: string) => fs.readFileSync(path.join(outdir, '.cdk8s-private-registry', 'construct-paths.json'), 'utf8');
  expect(read(second)).toBe(read(first));
  fs.rmSync(path.join(first, '.cdk8s-private-registry', 'construct-paths.json'));
  app.synth();
  expect(read(first)).toBe(read(second));
});

/** Mirrors of upstreams no image of the app uses (its images are on quay.io), made out of order: app-wide and in charts. */
function addMirrors(app: App, reversed = false): void {
  const shop = Chart.of(app.node.findChild('shop'));
  const ops = Chart.of(app.node.findChild('ops'));
  const makers = [
    () => new RegistryMirror(app, 'ghcr-cache', { upstream: 'ghcr.io', endpoint: 'mirror.example.com:5000/ghcr' }),
    () => new RegistryMirror(shop, 'hub-cache', { upstream: 'docker.io', endpoint: 'harbor.example.com/shop-hub' }),
    () => new RegistryMirror(app, 'hub-cache', { upstream: 'index.docker.io', endpoint: 'harbor.example.com/dockerhub-proxy' }),
    () => new RegistryMirror(ops, 'hub-cache', { upstream: 'docker.io', endpoint: 'harbor.example.com/ops-hub' }),
  ];
  for (const make of reversed ? makers.reverse() : makers) make();
}

test('the app\'s RegistryMirrors: upstream (normalized), endpoint, namespace (null: on the App; "": a chart without one) and path, sorted', () => {
  const outdir = path.join(dir, 'dist');
  const app = includeApp(dir, outdir);
  addMirrors(app);
  app.synth();
  const file = JSON.parse(fs.readFileSync(path.join(outdir, '.cdk8s-private-registry', 'construct-paths.json'), 'utf8'));
  expect(Object.keys(file)).toEqual(['version', 'objects', 'mirrors']);
  expect(file.objects).toHaveLength(6);
  expect(file.mirrors).toEqual([
    { upstream: 'docker.io', endpoint: 'harbor.example.com/dockerhub-proxy', namespace: null, path: 'hub-cache' },
    { upstream: 'docker.io', endpoint: 'harbor.example.com/ops-hub', namespace: '', path: 'ops/hub-cache' },
    { upstream: 'docker.io', endpoint: 'harbor.example.com/shop-hub', namespace: 'shop', path: 'shop/hub-cache' },
    { upstream: 'ghcr.io', endpoint: 'mirror.example.com:5000/ghcr', namespace: null, path: 'ghcr-cache' },
  ]);
});

test('mirrors are deterministic: made in another order, the same bytes', () => {
  const first = path.join(dir, 'first');
  const second = path.join(dir, 'second');
  const one = includeApp(dir, first);
  addMirrors(one);
  one.synth();
  const other = includeApp(dir, second);
  addMirrors(other, true);
  other.synth();
  const read = (outdir: string) => fs.readFileSync(path.join(outdir, '.cdk8s-private-registry', 'construct-paths.json'), 'utf8');
  expect(read(second)).toBe(read(first));
});

test('an app without mirrors writes no "mirrors" field (absent means none)', () => {
  const outdir = path.join(dir, 'dist');
  includeApp(dir, outdir).synth();
  expect(Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, '.cdk8s-private-registry', 'construct-paths.json'), 'utf8')))).toEqual(['version', 'objects']);
});

test('a failed synth writes nothing at all, not even the file; synthYaml writes none', () => {
  const outdir = path.join(dir, 'dist');
  const app = includeApp(dir, outdir);
  // Two pull secrets of one name in one namespace: a validation error of the library.
  new RegistrySecret(Chart.of(app.node.findChild('shop')), 'again', { name: 'quay-pull', server: 'ghcr.io', credentials: creds(PATHS_PASSWORD) });
  expect(() => app.synth()).toThrow('secret name "quay-pull" is used 2 times');
  expect(fs.readdirSync(outdir)).toEqual([]);

  const yamlOnly = path.join(dir, 'yaml-only');
  expect(includeApp(dir, yamlOnly).synthYaml()).toContain('name: redis-follower');
  expect(fs.existsSync(yamlOnly)).toBe(false);
});

test('an app without the library\'s constructs: no file (events falls back to cdk8s\'s construct-metadata.json)', () => {
  const outdir = path.join(dir, 'dist');
  const app = new App({ outdir });
  new ApiObject(new Chart(app, 'plain'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
  app.synth();
  expect(fs.readdirSync(outdir)).toEqual(['plain.k8s.yaml']);
});

test('cdk8s synth --format helm (the app writes into a chart\'s templates/): the file goes next to Chart.yaml, where Helm does not render it', () => {
  const chart = path.join(dir, 'dist');
  fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 1.0.0\n');
  includeApp(dir, path.join(chart, 'templates')).synth();
  expect(fs.readdirSync(path.join(chart, 'templates')).sort()).toEqual(['ops.k8s.yaml', 'shop.k8s.yaml']);
  expect(JSON.parse(fs.readFileSync(path.join(chart, '.cdk8s-private-registry', 'construct-paths.json'), 'utf8')).objects).toHaveLength(6);
});

test('the construct users know: an Include, a construct whose default child the object is, else the object (a chart\'s own "Resource" too)', () => {
  const app = new App({ outdir: path.join(dir, 'unused') });
  const chart = new Chart(app, 'c');
  const wrapper = new kplus.ConfigMap(chart, 'cfg');
  const atChart = new ApiObject(chart, 'Resource', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'at-chart' } });
  const nested = new ApiObject(new Chart(chart, 'inner'), 'Default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nested' } });
  expect(declaringConstruct(ApiObject.of(wrapper)).node.path).toBe('c/cfg');
  expect(declaringConstruct(atChart).node.path).toBe('c/Resource');
  expect(declaringConstruct(nested).node.path).toBe('c/inner/Default');
});
