/**
 * The package as a user installs it: `npm pack`, installed into a new cdk8s
 * app with its peers, the validation plugin loaded by `cdk8s synth` from
 * `package: cdk8s-private-registry` as cdk8s documents for plugins, and the
 * README's apply command naming only files that hold Kubernetes objects.
 * Twice: in a cdk8s-plus-28 app (the peer), and in a cdk8s-plus-33 app, what
 * `cdk8s init typescript-app` makes today, written in TypeScript.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = path.join(__dirname, '..');
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
const versionOf = (name: string): string => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
const PEERS = ['cdk8s', 'cdk8s-plus-28', 'constructs'].map((name) => `${name}@${versionOf(name)}`);
/** What a `cdk8s init typescript-app` app has: cdk8s-plus-33, not this package's peer cdk8s-plus-28. */
const PEERS_33 = ['cdk8s', 'cdk8s-plus-33', 'constructs'].map((name) => `${name}@${versionOf(name)}`);
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

let tarball: string;
let plugins: string;

beforeAll(() => {
  tarball = packTarball();
  // cdk8s installs a plugin package into its plugins folder (from npm; here from the tarball), whatever the app's cdk8s-plus.
  plugins = path.join(work, 'plugins');
  const pluginDir = path.join(plugins, 'cdk8s-private-registry', VERSION);
  fs.mkdirSync(pluginDir, { recursive: true });
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-save', '--prefix', pluginDir, tarball, ...PEERS], work);
}, 600_000);

/** A new app folder `name`, where the README's install command ran with `peers` (the tarball stands for the published version). */
function newApp(name: string, peers: string[], npmFlags: string[] = []): string {
  const app = path.join(work, name);
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.0.0', private: true }));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...npmFlags, tarball, ...peers], app);
  return app;
}

/** A cdk8s.yaml that runs `command` and the validation plugin in its package form. */
const cdk8sYaml = (command: string) => [
  'language: typescript',
  `app: ${command}`,
  'output: dist',
  'validations:',
  '  - package: cdk8s-private-registry',
  `    version: ${VERSION}`,
  '    class: PullSecretValidation',
  '    properties:',
  '      allowExpectedInCluster: false',
  '',
].join('\n');

describe('the packed package in a new cdk8s-plus-28 app', () => {
  let app: string;
  let synthOutput: string;

  beforeAll(() => {
    app = newApp('app', PEERS);
    fs.writeFileSync(path.join(app, 'main.js'), APP);
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), cdk8sYaml('node main.js'));
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
    expect(JSON.parse(fs.readFileSync(path.join(app, 'dist', '.cdk8s-private-registry', 'construct-paths.json'), 'utf8')).objects)
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

/** A cdk8s-plus-33 app in TypeScript: PullSecretWiring wires one Deployment, a RegistrySecret is the other's dockerRegistryAuth. */
const APP_33 = `import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { PullSecretWiring, RegistryCredentials, RegistrySecret } from 'cdk8s-private-registry';

const app = new App();
const chart = new Chart(app, 'apps', { namespace: 'apps' });
const credentials = RegistryCredentials.fromUsernamePassword('robot', 'not-a-real-password');
const quay = new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials });
new RegistrySecret(chart, 'ghcr', { name: 'ghcr-pull', server: 'ghcr.io', credentials });
new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'ghcr.io/org/web:1.0', portNumber: 8080 }] });
new kplus.Deployment(chart, 'api', { metadata: { name: 'api' }, containers: [{ image: 'quay.io/org/api:1.0', portNumber: 8080 }], dockerRegistryAuth: quay });
PullSecretWiring.applyTo(chart);
app.synth();
`;

/** What `cdk8s init typescript-app` writes besides main.ts: its tsconfig.json, and TypeScript, ts-node and @types/node of its versions. */
const INIT_TEMPLATE = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app');
const INIT_DEV_DEPS = Object.entries(JSON.parse(fs.readFileSync(path.join(INIT_TEMPLATE, 'package.json'), 'utf8')).devDependencies as Record<string, string>)
  .filter(([name]) => ['typescript', 'ts-node', '@types/node'].includes(name)).map(([name, range]) => `${name}@${range}`);

describe('the packed package in a new cdk8s-plus-33 app (what `cdk8s init typescript-app` makes), in TypeScript', () => {
  let app: string;
  let synthOutput: string;

  beforeAll(() => {
    app = newApp('app-33', [...PEERS_33, ...INIT_DEV_DEPS]);
    fs.writeFileSync(path.join(app, 'main.ts'), APP_33);
    fs.copyFileSync(path.join(INIT_TEMPLATE, 'tsconfig.json'), path.join(app, 'tsconfig.json'));
    // As the template's cdk8s.yaml: ts-node type-checks main.ts (strict, library declarations included) before it runs it.
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), cdk8sYaml('npx ts-node main.ts'));
    synthOutput = run(CDK8S, ['synth', '--plugins-dir', plugins], app);
  }, 600_000);

  test('npm (7 or newer) installs the peer cdk8s-plus-28 beside cdk8s-plus-33: in the lock file as a peer, not in package.json; one cdk8s', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies).filter((name) => name.startsWith('cdk8s')).sort()).toEqual(['cdk8s', 'cdk8s-plus-33', 'cdk8s-private-registry']);
    expect(fs.readFileSync(path.join(app, 'node_modules', 'cdk8s-plus-28', 'package.json'), 'utf8')).toMatch(/"version": "2\.\d+\.\d+"/);
    const lock = JSON.parse(fs.readFileSync(path.join(app, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/cdk8s-plus-28']).toEqual(expect.objectContaining({ peer: true }));
    // cdk8s-plus-33's objects are cdk8s ApiObjects to the wiring only with one cdk8s for all.
    expect(Object.keys(lock.packages).filter((key) => /(^|\/)node_modules\/cdk8s$/.test(key))).toEqual(['node_modules/cdk8s']);
  });

  test('cdk8s synth: the wired Deployment gets its pull secret, the hand-set RegistrySecret is named once, and the plugin passes', () => {
    expect(synthOutput).toContain('Validation Report (cdk8s-private-registry@');
    expect(synthOutput).toMatch(/Status\s*│\s*success/);
    const objects = parseAllDocuments(fs.readFileSync(path.join(app, 'dist', 'apps.k8s.yaml'), 'utf8')).map((doc) => doc.toJS());
    const pullSecrets = (name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name).spec.template.spec.imagePullSecrets;
    expect(pullSecrets('web')).toEqual([{ name: 'ghcr-pull' }]);
    expect(pullSecrets('api')).toEqual([{ name: 'quay-pull' }]);
  });

  test('with --legacy-peer-deps (npm 6\'s behaviour) cdk8s-plus-28 is not installed and the package does not load', () => {
    const legacy = newApp('app-33-legacy', PEERS_33, ['--legacy-peer-deps']);
    expect(fs.existsSync(path.join(legacy, 'node_modules', 'cdk8s-plus-28'))).toBe(false);
    expect(() => run('node', ['-e', 'require("cdk8s-private-registry")'], legacy)).toThrow(/Cannot find module 'cdk8s-plus-28'/);
  });
});

/** The README's lines, as written: read from README.md, so they cannot drift from what is tested. */
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The shell commands of the first ```sh block after `marker`, without comments. */
function readmeCommands(marker: string): string[] {
  const at = README.indexOf(marker);
  if (at < 0) throw new Error(`README has no ${JSON.stringify(marker)}`);
  const block = /```sh\n([\s\S]*?)\n```/.exec(README.slice(at));
  if (!block) throw new Error(`README has no sh block after ${JSON.stringify(marker)}`);
  return block[1].split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

/** Runs a README line with sh in `cwd`, with this repository's cdk8s CLI on PATH as a user's global one; returns its output. */
function sh(line: string, cwd: string): string {
  return execFileSync('sh', ['-c', line], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      CDK8S_CHECK_UPGRADE: 'false',
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      PATH: `${path.dirname(CDK8S)}${path.delimiter}${process.env.PATH}`,
    },
  });
}

describe('a new app following the README, its commands as written', () => {
  let app: string;

  beforeAll(() => {
    app = path.join(work, 'readme-app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'readme-app', version: '1.0.0', private: true }));
    // Install: the line "in your cdk8s app", with the tarball where the README says /path/to/.
    const install = readmeCommands('## Install').find((line) => line.startsWith('npm install '))!;
    sh(install.replace(/\/path\/to\/(cdk8s-private-registry-[^ ]+\.tgz)/, (_all, name) => path.join(path.dirname(tarball), name)), app);
    fs.writeFileSync(path.join(app, 'main.js'), APP);
    // The plugin's path form, as the README writes it, after the app's own lines.
    const pathForm = /Until the package is published[\s\S]*?```yaml\n([\s\S]*?)\n```/.exec(README)![1];
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), `language: typescript\napp: node main.js\noutput: dist\n${pathForm}\n`);
    sh('cdk8s synth', app);
  }, 600_000);

  test('the install line names the packed tarball of this version', () => {
    expect(fs.existsSync(path.join(path.dirname(tarball), `cdk8s-private-registry-${VERSION}.tgz`))).toBe(true);
    expect(fs.existsSync(path.join(app, 'node_modules', 'cdk8s-private-registry', 'lib', 'validation-plugin.js'))).toBe(true);
  });

  // `cdk8s synth --stdout` empties the app's output folder (the cdk8s CLI does): the lines that read dist/ run first.
  const checkLines = readmeCommands('## Check before you deploy').filter((line) => !line.includes('--online') && !line.includes('events'))
    .sort((a, b) => Number(a.startsWith('cdk8s synth')) - Number(b.startsWith('cdk8s synth')));
  test.each(checkLines)('%s exits 0', (line) => {
    const output = sh(line, app);
    if (line.endsWith('--version')) expect(output.trim()).toBe(VERSION);
    else if (line.includes('> verify.xml')) expect(fs.readFileSync(path.join(app, 'verify.xml'), 'utf8')).toContain('<testsuites');
    else if (line.includes(' images ')) expect(output).toBe('quay.io/org/web:1.0\n');
    else expect(output).toMatch(/^1 finding \(1 ok, 0 info, 0 warnings, 0 problems\)|"status": "ok"/m);
  });

  test.each(readmeCommands('## Air-gapped clusters').filter((line) => line.startsWith('npx cdk8s-private-registry images')))('%s exits 0', (line) => {
    sh('cdk8s synth', app);
    const output = sh(line, app);
    if (line.includes('> sync.yaml')) expect(parse(fs.readFileSync(path.join(app, 'sync.yaml'), 'utf8'))).toEqual({ 'quay.io': { images: { 'org/web': ['1.0'] } } });
    else expect(output).toContain('quay.io/org/web:1.0');
  });

  test('the standard-input line needs its --no-validate: without it, the validation report precedes the YAML (the cdk8s CLI prints it there)', () => {
    const line = readmeCommands('## Check before you deploy').find((l) => l.endsWith('verify -'))!;
    expect(line).toContain('cdk8s synth --stdout --no-validate |');
    expect(() => sh(line.replace(' --no-validate', ''), app)).toThrow(/malformed YAML|line 1/);
  });
});
