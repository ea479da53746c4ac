/**
 * Helm chart folders as input (src/manifests/helm-chart.ts): the chart that
 * `cdk8s synth --format helm` writes, synthesized here by the cdk8s CLI of
 * node_modules from test/support/events-app.ts (cdk8s writes the chart
 * itself: no `helm` binary is needed, nor on the PATH here), read by
 * `verify` and `events --manifests` through the CLI as its plain-YAML
 * synth is; then copies of it with what hand-written charts hold.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findManifestFiles } from '../../src/manifests/manifests';
import { runCliCaptured } from '../support/cli';
import { EVENTS_PASSWORD, eventsApp } from '../support/events-app';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const CLUSTER_EVENTS = path.join(ROOT, 'test', 'fixtures', 'events', 'cluster.json');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-chart-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Every output of the suite: none may hold a credential. */
const outputs: string[] = [];
async function cli(...args: string[]) {
  const run = await runCliCaptured(args);
  outputs.push(run.stdout, run.stderr);
  return run;
}
afterAll(() => expect(outputs.filter((output) => output.includes(EVENTS_PASSWORD))).toEqual([]));

/** The app folder, whose dist/ is the chart `cdk8s synth --format helm` wrote. */
const APP = path.join(work, 'app');
const CHART = path.join(APP, 'dist');
/** The same app synthesized as plain YAML. */
const PLAIN = path.join(work, 'plain');
/** The repository's tsconfig targets the compiler; the app and the plugin need only CommonJS. */
const TS_NODE_OPTIONS = { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' };
/** What `cdk8s synth` printed, with the validation plugin's report. */
let synthOutput: string;

beforeAll(() => {
  fs.mkdirSync(APP);
  fs.writeFileSync(path.join(APP, 'main.ts'), [
    `import { eventsApp } from ${JSON.stringify(path.join(ROOT, 'test', 'support', 'events-app'))};`,
    'eventsApp(process.env.CDK8S_OUTDIR!).synth();',
    '',
  ].join('\n'));
  // PullSecretValidation from src/ as a local plugin (cdk8s loads a plugin folder by its absolute path).
  const plugin = path.join(work, 'plugin');
  fs.mkdirSync(plugin);
  fs.writeFileSync(path.join(plugin, 'index.js'), [
    `require(${JSON.stringify(path.join(ROOT, 'node_modules', 'ts-node'))}).register({ transpileOnly: true, compilerOptions: ${JSON.stringify(TS_NODE_OPTIONS)} });`,
    `module.exports = require(${JSON.stringify(path.join(ROOT, 'src', 'validation-plugin'))});`,
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(APP, 'cdk8s.yaml'), [
    `app: ${path.join(BIN, 'ts-node-transpile-only')} main.ts`,
    'validations:',
    `  - package: ${plugin}`,
    '    version: 0.0.0',
    '    class: PullSecretValidation',
    '',
  ].join('\n'));
  // With validations, cdk8s records construct-metadata.json next to the manifests, in templates/.
  synthOutput = execFileSync(path.join(BIN, 'cdk8s'), ['synth', '--format', 'helm', '--chart-version', '1.0.0'], {
    cwd: APP,
    encoding: 'utf8',
    timeout: 300_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', TS_NODE_COMPILER_OPTIONS: JSON.stringify(TS_NODE_OPTIONS) },
  });
  eventsApp(PLAIN).synth();
}, 300_000);

/** A copy of the synthesized chart, named `name`, with `files` added (paths relative to the chart). */
function chartCopy(name: string, files: Record<string, string> = {}): string {
  const copy = path.join(work, name);
  fs.cpSync(CHART, copy, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.writeFileSync(path.join(copy, file), text);
  }
  return copy;
}

/** verify's JSON findings, each naming its file by its name only (the chart's are under templates/). */
async function findings(target: string) {
  const run = await cli('verify', '-o', 'json', target);
  expect(run.stderr).toBe('');
  const report = JSON.parse(run.stdout);
  return { code: run.code, summary: report.summary, findings: report.findings.map((f: any) => ({ ...f, file: path.basename(f.file) })) };
}

const DEPLOYMENT = (name: string, image: string) => [
  'apiVersion: apps/v1',
  'kind: Deployment',
  `metadata: { name: ${name}, namespace: shop }`,
  'spec:',
  `  selector: { matchLabels: { app: ${name} } }`,
  '  template:',
  `    metadata: { labels: { app: ${name} } }`,
  `    spec: { containers: [{ name: main, image: "${image}" }] }`,
  '',
].join('\n');

describe('the chart cdk8s synth --format helm writes', () => {
  test('is Chart.yaml, README.md and the manifests in templates/ (with construct-metadata.json)', () => {
    const files = fs.readdirSync(CHART, { recursive: true, encoding: 'utf8' }).sort();
    expect(files).toEqual(expect.arrayContaining(['Chart.yaml', 'README.md', 'templates']));
    expect(files.filter((file) => file.startsWith('templates/'))).toEqual(['templates/construct-metadata.json', 'templates/data.k8s.yaml', 'templates/shop.k8s.yaml']);
    expect(fs.readFileSync(path.join(CHART, 'Chart.yaml'), 'utf8')).toContain('version: "1.0.0"');
  });

  test('the validation plugin gets the templates\' manifests from cdk8s, as with plain output', () => {
    expect(synthOutput).toMatch(/images\s*│ 5 /);
    expect(synthOutput).toContain('Validations ended succesfully'); // sic
  });

  test('the reader finds only the templates', () => {
    expect(findManifestFiles([CHART])).toEqual(['data.k8s.yaml', 'shop.k8s.yaml'].map((file) => path.join(CHART, 'templates', file)));
  });

  test('verify dist/ exits 0 with the same findings as the plain-YAML synth', async () => {
    const chart = await findings(CHART);
    const plain = await findings(PLAIN);
    expect(chart.code).toBe(0);
    expect(plain.code).toBe(0);
    expect(chart.summary).toEqual(plain.summary);
    expect(chart.summary).toMatchObject({ files: 2, objects: 10, images: 5, problems: 0 });
    expect(chart.findings).toEqual(plain.findings);
  });

  test('the table names the templates', async () => {
    const { code, stdout } = await cli('verify', CHART);
    expect(code).toBe(0);
    expect(stdout).toContain('from 10 objects in 2 files');
  });

  test('a chart met while searching a folder is read as a chart', async () => {
    chartCopy(path.join('project', 'deploy', 'chart'));
    fs.writeFileSync(path.join(work, 'project', 'notes.md'), 'not a manifest\n');
    const { code, stdout } = await cli('verify', path.join(work, 'project'));
    expect(code).toBe(0);
    expect(stdout).toContain('from 10 objects in 2 files');
  });

  test('events --manifests dist/ maps pods to workloads and constructs as the plain folder does', async () => {
    const report = async (manifests: string) => {
      const run = await cli('events', '--manifests', manifests, '--format', 'json', CLUSTER_EVENTS);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1); // the events report failing pulls
      const pulls = JSON.parse(run.stdout).pulls;
      return pulls.map((p: any) => ({ ...p, workload: p.workload && { ...p.workload, file: path.basename(p.workload.file) } }));
    };
    const chart = await report(CHART);
    expect(chart).toEqual(await report(PLAIN));
    const web = chart.find((p: any) => p.namespace === 'shop' && p.pod === 'web-7d4b9c8f6-x2x9k');
    expect(web.workload).toMatchObject({ kind: 'Deployment', name: 'web', file: 'shop.k8s.yaml' });
  });

  test('events --manifests dist/ reads cdk8s\'s construct-metadata.json from templates/, where cdk8s writes it', async () => {
    // Only construct-metadata.json names the construct of the raw Job "migrate" (no label): without the library's own record.
    const chart = chartCopy('metadata-only');
    fs.rmSync(path.join(chart, '.cdk8s-private-registry', 'construct-paths.json'), { force: true });
    const run = await cli('events', '--manifests', chart, '--format', 'json', CLUSTER_EVENTS);
    const migrate = JSON.parse(run.stdout).pulls.find((p: any) => p.pod === 'migrate-qwxzt');
    expect(migrate.construct).toMatchObject({ path: 'shop/migrate' });
    fs.rmSync(path.join(chart, 'templates', 'construct-metadata.json'));
    const without = await cli('events', '--manifests', chart, '--format', 'json', CLUSTER_EVENTS);
    expect(JSON.parse(without.stdout).pulls.find((p: any) => p.pod === 'migrate-qwxzt').construct).toBeNull();
  });
});

describe('what a chart holds besides manifests', () => {
  test('Chart.yaml, values.yaml, NOTES.txt and partials are never read', async () => {
    const chart = chartCopy('extras', {
      'values.yaml': 'image: { repository: nginx }\n',
      'templates/NOTES.txt': 'Installed {{ .Chart.Name }}.\n',
      'templates/_helpers.tpl': '{{- define "app.name" -}}app{{- end }}\n',
      'templates/_labels.yaml': '{{- define "app.labels" -}}\napp: x\n{{- end }}\n',
    });
    const { code, stdout } = await cli('verify', chart);
    expect(code).toBe(0);
    expect(stdout).toContain('from 10 objects in 2 files');
  });

  test('crds/ is read as it is: Helm never renders it', async () => {
    const chart = chartCopy('crds', {
      'crds/widgets.yaml': [
        'apiVersion: apiextensions.k8s.io/v1',
        'kind: CustomResourceDefinition',
        'metadata: { name: widgets.example.com }',
        'spec: { group: example.com, names: { kind: Widget, plural: widgets }, scope: Namespaced, versions: [] }',
        '# a description with {{ braces }} is no template action here',
        '',
      ].join('\n'),
    });
    const { code, stdout } = await cli('verify', chart);
    expect(code).toBe(0);
    expect(stdout).toContain('from 11 objects in 3 files');
  });

  test('an unpacked subchart under charts/ is read as a chart, after the parent\'s templates', async () => {
    const chart = chartCopy('subchart', {
      'charts/cache/Chart.yaml': 'apiVersion: v2\nname: cache\nversion: 1.0.0\n',
      'charts/cache/values.yaml': 'replicas: 1\n',
      'charts/cache/templates/cache.yaml': DEPLOYMENT('cache', 'quay.io/example/cache:1.0'),
    });
    expect(findManifestFiles([chart]).map((file) => path.relative(chart, file))).toEqual([
      'templates/data.k8s.yaml', 'templates/shop.k8s.yaml', 'charts/cache/templates/cache.yaml',
    ]);
    const { code, stdout } = await cli('verify', chart);
    expect(code).toBe(0);
    expect(stdout).toMatch(/no-credential +shop\/Deployment\/cache/);
  });

  test.each([
    ['a packed subchart', 'charts/cache-1.0.0.tgz', 'is a packed Helm subchart, which verify does not unpack'],
    ['a subchart folder without Chart.yaml', 'charts/cache/templates/cache.yaml', 'holds no Chart.yaml: not a subchart'],
  ])('%s is an input error', async (_what, file, message) => {
    const chart = chartCopy(`bad-${path.basename(file)}`, { [file]: file.endsWith('.tgz') ? 'not really gzip' : DEPLOYMENT('cache', 'redis:7') });
    const { code, stderr } = await cli('verify', chart);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  test('a chart without templates is an input error saying so', async () => {
    const chart = path.join(work, 'empty-chart');
    fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
    fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: empty\nversion: 1.0.0\n');
    const { code, stderr } = await cli('verify', chart);
    expect(code).toBe(2);
    expect(stderr).toBe(`error: ${chart}: is a Helm chart without manifests: its templates/ and crds/ folders hold no *.yaml, *.yml or *.json files\n`);
  });
});

describe('templates with Go template actions', () => {
  const SECRET_LOOKING = 'tok3n-in-a-template';
  let chart: string;
  let template: string;
  beforeAll(() => {
    chart = chartCopy('templated', {
      'templates/web.yaml': DEPLOYMENT('web2', `{{ .Values.${SECRET_LOOKING} }}`),
    });
    template = path.join(chart, 'templates', 'web.yaml');
  });

  test('verify: exit 2, naming the file and line, saying values are not rendered and to pipe helm template, quoting nothing', async () => {
    const { code, stdout, stderr } = await cli('verify', chart);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`error: ${template}: is a Helm template with Go template actions ("{{" on line 8): `
      + 'verify reads chart templates as they are and does not render values; '
      + `run \`helm template ${chart}\` and pipe it in (\`helm template ${chart} | npx cdk8s-private-registry verify -\`), `
      + 'or write its output to a file and give that file (e.g. to `events --manifests`)\n');
    expect(stderr).not.toContain(SECRET_LOOKING);
    expect(stderr).not.toContain('.Values');
  });

  test('events --manifests: the same input error', async () => {
    const { code, stderr } = await cli('events', '--manifests', chart, CLUSTER_EVENTS);
    expect(code).toBe(2);
    expect(stderr).toContain(`error: ${template}: is a Helm template with Go template actions`);
    expect(stderr).not.toContain(SECRET_LOOKING);
  });

  test('"{{" split across the 64 KiB chunks of the scan is found', async () => {
    const padding = `# ${'x'.repeat(64 * 1024 - 4)}\n`; // 65,535 bytes: the first "{" is the first chunk's last byte
    const split = chartCopy('split', { 'templates/web.yaml': `${padding}{{ .Values.image }}\n` });
    const { code, stderr } = await cli('verify', split);
    expect(code).toBe(2);
    expect(stderr).toContain('("{{" on line 2)');
  });

  test('a file given by itself is read as plain YAML, wherever it lies', async () => {
    const { code, stdout } = await cli('verify', path.join(chart, 'templates', 'shop.k8s.yaml'));
    expect(code).toBe(0);
    expect(stdout).toContain('in 1 file');
  });
});
