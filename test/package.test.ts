/**
 * The package as a user installs it: `npm pack`, installed into a new cdk8s
 * app with its peers, the validation plugin loaded by `cdk8s synth` from
 * `package: cdk8s-private-registry` as cdk8s documents for plugins, and the
 * README's apply command naming only files that hold Kubernetes objects.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

const ROOT = path.join(__dirname, '..');
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
const versionOf = (name: string): string => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
const PEERS = ['cdk8s', 'cdk8s-plus-28', 'constructs'].map((name) => `${name}@${versionOf(name)}`);
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'package-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Compiles src/ into a copy of the package (lib/ is not built before the tests in CI) and packs it. */
function packTarball(): string {
  const pkg = path.join(work, 'pkg');
  fs.mkdirSync(pkg);
  for (const file of ['package.json', 'README.md', 'LICENSE', '.npmignore']) fs.copyFileSync(path.join(ROOT, file), path.join(pkg, file));
  run(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', path.join(ROOT, 'tsconfig.json'), '--outDir', path.join(pkg, 'lib')], ROOT);
  // Bundled dependencies travel inside the tarball, from the package's own node_modules.
  for (const bundled of JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).bundledDependencies as string[]) {
    fs.cpSync(path.join(ROOT, 'node_modules', bundled), path.join(pkg, 'node_modules', bundled), { recursive: true });
  }
  const name = run('npm', ['pack', '--pack-destination', work, '--ignore-scripts'], pkg).trim().split('\n').pop()!;
  return path.join(work, name);
}

const APP = `const { App, Chart } = require('cdk8s');
const { PrivateImageWorkload, RegistryCredentials, RegistrySecret } = require('cdk8s-private-registry');
const app = new App();
const chart = new Chart(app, 'apps', { namespace: 'apps' });
new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: RegistryCredentials.fromUsernamePassword('robot', 'not-a-real-password') });
new PrivateImageWorkload(chart, 'web', { image: 'quay.io/org/web:1.0', name: 'web' });
app.synth();
`;

describe('the packed package in a new cdk8s app', () => {
  let app: string;
  let synthOutput: string;
  let tarball: string;

  beforeAll(() => {
    tarball = packTarball();
    app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.0.0', private: true }));
    // The README's install command, with the tarball standing for the published version.
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...PEERS], app);
    // cdk8s installs a plugin package into its plugins folder (from npm; here from the tarball).
    const plugins = path.join(work, 'plugins');
    const pluginDir = path.join(plugins, 'cdk8s-private-registry', VERSION);
    fs.mkdirSync(pluginDir, { recursive: true });
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-save', '--prefix', pluginDir, tarball, ...PEERS], app);
    fs.writeFileSync(path.join(app, 'main.js'), APP);
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), [
      'language: typescript',
      'app: node main.js',
      'output: dist',
      'validations:',
      '  - package: cdk8s-private-registry',
      `    version: ${VERSION}`,
      '    class: PullSecretValidation',
      '    properties:',
      '      allowExpectedInCluster: false',
      '',
    ].join('\n'));
    synthOutput = run(CDK8S, ['synth', '--plugins-dir', plugins], app);
  }, 600_000);

  test('cdk8s synth loads PullSecretValidation from the package and it passes', () => {
    expect(synthOutput).toContain('Validation Report (cdk8s-private-registry@');
    expect(synthOutput).toMatch(/Status\s*│\s*success/);
    expect(fs.readFileSync(path.join(app, 'dist', 'apps.k8s.yaml'), 'utf8')).toContain('name: quay-pull');
  });

  test('the version is a real one, and the README, the CHANGELOG and the tarball\'s name agree on it', () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(VERSION).not.toBe('0.0.0');
    expect(path.basename(tarball)).toBe(`cdk8s-private-registry-${VERSION}.tgz`);
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`npm install /path/to/cdk8s-private-registry-${VERSION}.tgz `);
    // The package form of the plugin needs the exact installed version (cdk8s refuses ranges).
    expect(readme).toMatch(new RegExp(`  - package: cdk8s-private-registry\n    version: ${VERSION.replace(/\./g, '\\.')} `));
    expect(fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^## ${VERSION.replace(/\./g, '\\.')}\\b`, 'm'));
  });

  test('the package ships lib/, not sources, tests or build artifacts', () => {
    const installed = path.join(app, 'node_modules', 'cdk8s-private-registry');
    expect(fs.existsSync(path.join(installed, 'lib', 'index.js'))).toBe(true);
    for (const absent of ['src', 'test', 'artifacts', 'example', 'bench', 'dist']) expect(fs.existsSync(path.join(installed, absent))).toBe(false);
    // The CLI runs from the package.
    expect(run(path.join(app, 'node_modules', '.bin', 'cdk8s-private-registry'), ['--version'], app).trim()).toBe(VERSION);
  });

  test('the README apply command names only files of Kubernetes objects, though cdk8s wrote construct-metadata.json and the library construct-paths.json', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const command = /^(cat dist\/\*\.k8s\.yaml \| kubectl apply -f -)$/m.exec(readme);
    expect(command).not.toBeNull();
    expect(fs.existsSync(path.join(app, 'dist', 'construct-metadata.json'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(app, 'dist', 'construct-paths.json'), 'utf8')).objects)
      .toContainEqual({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', name: 'web', path: 'apps/web/Workload/Resource', construct: 'apps/web/Workload' });
    const named = fs.readdirSync(path.join(app, 'dist')).filter((file) => file.endsWith('.k8s.yaml'));
    expect(named.length).toBeGreaterThan(0);
    for (const file of named) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(app, 'dist', file), 'utf8'))) {
        const object = doc.toJS();
        expect(object).toEqual(expect.objectContaining({
          apiVersion: expect.any(String), kind: expect.any(String), metadata: expect.objectContaining({ name: expect.any(String) }),
        }));
      }
    }
  });
  test('the README\'s path form of the plugin works with nothing in the plugins folder (the package is not published yet)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('  - package: ./node_modules/cdk8s-private-registry/lib/validation-plugin.js');
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), [
      'language: typescript',
      'app: node main.js',
      'output: dist',
      'validations:',
      '  - package: ./node_modules/cdk8s-private-registry/lib/validation-plugin.js',
      '    version: 0.0.0',
      '    class: PullSecretValidation',
      '',
    ].join('\n'));
    const empty = path.join(work, 'no-plugins');
    fs.mkdirSync(empty);
    const output = run(CDK8S, ['synth', '--plugins-dir', empty], app);
    expect(output).toMatch(/Status\s*│\s*success/);
    expect(fs.readdirSync(empty)).toEqual([]);
  });
});
