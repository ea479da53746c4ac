/**
 * Hostile structure in manifests (issue 22, items 3 and 4): what `verify`
 * reads must be what kubectl reads, in memory bounded by the document.
 *
 * - Aliases that expand a document past its budget (as many values as it
 *   has characters, at least 1,000,000) are refused by position, quoting nothing.
 * - YAML 1.1 merge keys are merged as kubectl's parser (go-yaml v2 through
 *   sigs.k8s.io/yaml) merges them; the expected values of the precedence
 *   table are go-yaml v2.4.0's own answers to the same input.
 * - Two different Secrets of one name in one namespace are a problem;
 *   repeats are fine.
 * - Folders with symbolic link loops of several shapes, and links to FIFOs,
 *   are read once, without end or hang.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError } from '../../src/manifests/input-error';
import { findManifestFiles, loadManifests, parseManifests, readManifests } from '../../src/manifests/manifests';
import { expansionBudget, MIN_EXPANSION_BUDGET, parseDocumentText, parseListInPieces } from '../../src/manifests/yaml-documents';
import { checkOffline } from '../../src/verify/offline';
import { runCliCaptured } from '../support/cli';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'src', 'cli', 'main.ts');
/** Every hostile input carries this; no error may. */
const MARKER = 'Qw8Zr-MARKER';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-structure-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The value of a one-document text, or the InputError it throws. */
function parse(text: string): unknown {
  let value: unknown;
  parseDocumentText(text, 1, 'in.yaml', 0, (document) => (value = document.value));
  return value;
}

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('no InputError');
}

const repeat = (count: number, make: (i: number) => string) => Array.from({ length: count }, (_, i) => make(i)).join('');

/** A List whose first item, a Deployment of `containers` containers, is aliased `aliases` times. */
function aliasedDeploymentList(containers: number, aliases: number): string {
  return 'apiVersion: v1\nkind: List\nitems:\n- &d\n  apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: big}\n'
    + '  spec:\n    template:\n      spec:\n        containers:\n'
    + repeat(containers, (i) => `        - name: c${i}\n          image: registry.example.com/${MARKER.toLowerCase()}/app-${i}:1.0\n`)
    + repeat(aliases, () => '- *d\n');
}

describe('what a document may expand to through aliases is bounded', () => {
  test('the budget: as many values as characters, at least 1,000,000', () => {
    expect(MIN_EXPANSION_BUDGET).toBe(1_000_000);
    expect(expansionBudget(10)).toBe(1_000_000);
    expect(expansionBudget(5_000_000)).toBe(5_000_000);
  });

  const nestedLaughs = (levels: number, width: number) => {
    let text = `l0: &l0 [${repeat(width, () => `${MARKER}, `)}]\n`;
    for (let level = 1; level < levels; level++) {
      text += `l${level}: &l${level} [${repeat(width, () => `*l${level - 1}, `)}]\n`;
    }
    return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\ndata:\n${text.replace(/^/gm, '  ')}`;
  };
  const bigMap = (keys: number) => `{${repeat(keys, (i) => `k${i}: ${MARKER}, `)}}`;

  /** Each input, and the lines of its aliases (where the expansion passes the budget). */
  const REFUSED: Record<string, { text: string; lines: [number, number] }> = {
    'a 5,000-container Deployment aliased 99 times in a List': { text: aliasedDeploymentList(5_000, 99), lines: [10_012, 10_110] },
    'a 20,000-container Deployment aliased 60 times in a List': { text: aliasedDeploymentList(20_000, 60), lines: [40_012, 40_071] },
    'nested aliases, billion laughs style (10 levels of 10)': { text: nestedLaughs(10, 10), lines: [6, 14] },
    'nested aliases, 7 levels of 100 (within the alias cap per anchor)': { text: nestedLaughs(7, 100), lines: [6, 11] },
    'a 6,000-key map merged into 99 maps': {
      text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\nbase: &b ${bigMap(6_000)}\nmaps:\n${repeat(99, () => '  - {<<: *b}\n')}`,
      lines: [6, 104],
    },
    'a list of merges of big maps': {
      text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\na: &a ${bigMap(3_000)}\nb: &b ${bigMap(3_000)}\n`
        + `maps:\n${repeat(99, () => '  - {<<: [*a, *b]}\n')}`,
      lines: [7, 105],
    },
    'a big sequence aliased in every container of a pod': {
      text: `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes: &v [${repeat(12_000, () => '{name: x}, ')}]\n`
        + `  containers:\n${repeat(99, (i) => `  - {name: c${i}, image: nginx, env: *v}\n`)}`,
      lines: [7, 105],
    },
  };

  test.each(Object.entries(REFUSED))('%s: refused by position, naming the limit, quoting nothing', (_name, { text, lines }) => {
    const error = inputError(() => parseManifests(text, 'in.yaml'));
    expect(error.message).toMatch(/^in\.yaml \(document 1\): malformed YAML at line \d+, column \d+: aliases expand the document to more than [\d,]+ values, the most verify reads from a document of its size \(as many values as it has characters, at least 1,000,000\)$/);
    expect({ file: error.file, document: error.document }).toEqual({ file: 'in.yaml', document: 1 });
    expect(error.line).toBeGreaterThanOrEqual(lines[0]);
    expect(error.line).toBeLessThanOrEqual(lines[1]);
    expect(error.message).not.toContain(MARKER);
  });

  test('a document that holds itself through an alias is refused, as kubectl refuses it', () => {
    const error = inputError(() => parse(`apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: ${MARKER}\n  self: *m\n`));
    expect(error.message).toBe('in.yaml (document 1): malformed YAML at line 5, column 9: an alias names an anchor of a node that contains the alias (a node cannot contain itself)');
  });

  const ACCEPTED: Record<string, string> = {
    'an env list aliased in 50 containers': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n'
      + `  - {name: c0, image: nginx, env: &env [${repeat(50, (i) => `{name: E${i}, value: v}, `)}]}\n`
      + repeat(49, (i) => `  - {name: c${i + 1}, image: nginx, env: *env}\n`),
    'a small Deployment aliased 99 times in a List': aliasedDeploymentList(3, 99),
    'an alias of a big string, 99 times (strings are shared, not copied)': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\n'
      + `data:\n  a: &s "${'x'.repeat(2_000_000)}"\n${repeat(99, (i) => `  b${i}: *s\n`)}`,
    'a block scalar whose text starts with "*"': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n  a: |\n    *not an alias\n',
    'a big node that redefines its anchor inside: later aliases name the inner one, as in go-yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: r}\n'
      + `big: &a [${repeat(20_000, () => 'x, ')}&a small]\nuses: [${repeat(99, () => '*a, ')}]\n`,
  };

  test.each(Object.entries(ACCEPTED))('%s: read', (_name, text) => {
    expect(parseManifests(text, 'in.yaml').length).toBeGreaterThan(0);
  });

  test('the aliased List is refused by the CLI (exit 2) before any finding, quoting nothing', async () => {
    const file = path.join(tmp, 'aliased-list.yaml');
    fs.writeFileSync(file, aliasedDeploymentList(20_000, 99));
    const run = await runCliCaptured(['verify', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(document 1\\): malformed YAML at line 400\\d\\d, column 3: aliases expand the document to more than 1,738,\\d{3} values`));
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toContain(MARKER.toLowerCase());
  });
});

describe('memory follows the document, in a small heap', () => {
  /** The CLI in a child limited to a 384 MB heap, reporting its peak resident set size (test/support/peak-rss.ts). */
  const inSmallHeap = (args: string[], input?: Buffer) => {
    const run = spawnSync(process.execPath, [
      '--max-old-space-size=384', '-r', 'ts-node/register/transpile-only', '-r', path.join(ROOT, 'test', 'support', 'peak-rss.ts'), CLI, ...args,
    ], { cwd: ROOT, input, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    const peak = /peak-rss-kb (\d+)/.exec(run.stderr ?? '');
    return { code: run.status, signal: run.signal, stdout: run.stdout, stderr: (run.stderr ?? '').replace(/peak-rss-kb \d+\n/, ''), peakMiB: peak ? Math.round(Number(peak[1]) / 1024) : undefined };
  };

  test('64 MiB of two-byte lines on standard input is refused for its size (a string per line took 1.9 GB)', () => {
    const run = inSmallHeap(['verify', '-'], Buffer.alloc(64 * 1024 * 1024 + 1024, 'a\n'));
    console.log(`64 MiB of short lines on stdin: exit ${run.code}, peak RSS ${run.peakMiB} MiB`);
    expect(run.signal).toBeNull();
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 2, stderr: 'error: <stdin>: is larger than 64 MiB, the most verify reads from one manifest file; split it into smaller files\n',
    });
  }, 150_000);

  test('a 7.5 MiB List in one document verifies (parsed whole, it ran out of this heap)', () => {
    const file = path.join(tmp, 'one-list.yaml');
    const items = repeat(25_000, (i) => `- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: app-${i}\n    namespace: team-a\n  spec:\n`
      + `    selector: {matchLabels: {app: app-${i}}}\n    template:\n      metadata: {labels: {app: app-${i}}}\n      spec:\n`
      + `        imagePullSecrets: [{name: regcred}]\n        containers:\n        - name: main\n          image: registry.example.com/team/app-${i}:1.0\n`);
    fs.writeFileSync(file, `apiVersion: v1\nkind: List\nitems:\n${items}`);
    expect(fs.statSync(file).size).toBeGreaterThan(7.5 * 1024 * 1024);
    const run = inSmallHeap(['verify', '--format', 'json', file]);
    console.log(`a 7.5 MiB List in one document: exit ${run.code}, peak RSS ${run.peakMiB} MiB`);
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/"objects": 25000,/);
  }, 150_000);

  test('a 20,000-container Deployment aliased 99 times is refused at once (it took 5 GB and minutes)', () => {
    const file = path.join(tmp, 'aliased-small-heap.yaml');
    fs.writeFileSync(file, aliasedDeploymentList(20_000, 99));
    const run = inSmallHeap(['verify', '--format', 'json', file]);
    console.log(`20,000 containers aliased 99 times: exit ${run.code}, peak RSS ${run.peakMiB} MiB`);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\(document 1\): malformed YAML at line \d+, column 3: aliases expand the document to more than [\d,]+ values/);
  }, 150_000);
});

describe('YAML merge keys are merged as kubectl merges them', () => {
  const podspec = 'x-podspec: &podspec\n  imagePullSecrets: [{name: regcred}]\n  containers:\n  - name: app\n    image: registry.example.com/shop/app:1.0\n';
  const images = (text: string) => checkOffline(parseManifests(text, 'in.yaml')).findings
    .filter((f) => f.container !== undefined).map((f) => `${f.kind}/${f.name} ${f.container} ${f.image ?? '-'} ${f.status}`);
  const deployment = (name: string, spec: string) => `---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  template:\n    spec:\n${spec}`;

  const CASES: Record<string, { text: string; images: string[] }> = {
    'a pod spec behind a merge key': {
      text: `apiVersion: v1\nkind: List\n${podspec}items:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: web}\n  spec:\n    template:\n      spec:\n        <<: *podspec\n`,
      images: ['Deployment/web app registry.example.com/shop/app:1.0 expected-in-cluster'],
    },
    'a container behind a merge key, its name overridden after': {
      text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx-base: &c {name: base, image: quay.io/shop/base:1}\nspec:\n  containers:\n  - <<: *c\n    name: one\n  - {<<: *c, name: two, image: quay.io/shop/two:2}\n',
      images: ['Pod/p one quay.io/shop/base:1 no-credential', 'Pod/p two quay.io/shop/two:2 no-credential'],
    },
    'a list of merges: the earlier map wins': {
      text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx-a: &a {name: a, image: quay.io/shop/a:1}\nx-b: &b {name: b, image: quay.io/shop/b:1, imagePullPolicy: Never}\n'
        + 'spec:\n  containers:\n  - <<: [*a, *b]\n  - <<: [*b, *a]\n',
      images: ['Pod/p a quay.io/shop/a:1 not-pulled', 'Pod/p b quay.io/shop/b:1 not-pulled'],
    },
    'merges in a second document, through an inline map and a tagged key': {
      text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: first}\n${deployment('web', '        <<: {containers: [{name: inline, image: quay.io/shop/inline:1}]}\n')}`
        + `${deployment('tagged', '        !!merge <<: {containers: [{name: tagged, image: quay.io/shop/tagged:1}]}\n')}`,
      images: ['Deployment/web inline quay.io/shop/inline:1 no-credential', 'Deployment/tagged tagged quay.io/shop/tagged:1 no-credential'],
    },
    'a merge of a map that merges (chains)': {
      text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx-a: &a {image: quay.io/shop/a:1}\nx-b: &b {<<: *a, name: chained}\nspec:\n  containers: [{<<: *b}]\n',
      images: ['Pod/p chained quay.io/shop/a:1 no-credential'],
    },
    'a quoted "<<" is a key, not a merge (as in go-yaml)': {
      text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx-a: &a {name: a, image: quay.io/shop/a:1}\nspec:\n  containers: [{"<<": *a, name: quoted}]\n',
      images: ['Pod/p quoted - invalid-image'],
    },
  };

  test.each(Object.entries(CASES))('%s', (_name, { text, images: expected }) => {
    expect(images(text)).toEqual(expected);
  });

  /** Each row: the YAML, and go-yaml v2.4.0's result (gopkg.in/yaml.v2 Unmarshal into interface{}, as JSON). */
  const PRECEDENCE: Array<[string, string, unknown]> = [
    ['an explicit key after the merge wins', 'a: &a {x: 1, w: 1}\nd:\n  <<: *a\n  x: 0\n', { x: 0, w: 1 }],
    ['an explicit key before the merge is overwritten (pairs apply in order)', 'a: &a {x: 1, w: 1}\nd:\n  x: 0\n  <<: *a\n', { x: 1, w: 1 }],
    ['in a list, earlier maps win', 'a: &a {x: 1, w: 1}\nb: &b {x: 2, z: 2}\nd:\n  <<: [*a, *b]\n', { x: 1, w: 1, z: 2 }],
    ['in a list, earlier maps win, in the other order', 'a: &a {x: 1, w: 1}\nb: &b {x: 2, z: 2}\nd:\n  <<: [*b, *a]\n  z: 7\n', { x: 2, w: 1, z: 7 }],
    ['a list merged over an explicit key before it', 'a: &a {x: 1, w: 1}\nb: &b {x: 2, z: 2}\nd:\n  w: 9\n  <<: [*a, *b]\n', { x: 1, w: 1, z: 2 }],
    ['two merge keys: the later one overwrites', 'a: &a {x: 1, w: 1}\nb: &b {x: 2, z: 2}\nd:\n  <<: *a\n  <<: *b\n', { x: 2, w: 1, z: 2 }],
    ['a merge of an inline map after an alias', 'a: &a {x: 1}\nd:\n  <<: *a\n  <<: {x: 3}\n', { x: 3 }],
    ['an anchor redefined: the latest before the alias', 'a: &a {x: 1}\nb: &a {x: 2}\nd: {<<: *a}\n', { x: 2 }],
  ];

  test.each(PRECEDENCE)('precedence: %s', (_name, text, expected) => {
    expect((parse(text) as Record<string, unknown>).d).toEqual(expected);
  });

  const BAD_MERGES: Array<[string, string]> = [
    ['a merge of a scalar', 'a: &a 5\nb: {<<: *a}\n'],
    ['a merge of a list alias', 'a: &a [{x: 1}]\nb: {<<: *a}\n'],
    ['a merge of nothing', 'b: {<<: }\n'],
    ['a list of merges holding a scalar', 'b: {<<: [{x: 1}, 3]}\n'],
  ];

  test.each(BAD_MERGES)('%s is refused, as go-yaml refuses it ("map merge requires map or sequence of maps")', (_name, text) => {
    expect(inputError(() => parse(text)).message)
      .toMatch(/^in\.yaml \(document 1\): malformed YAML at line \d+, column \d+: a merge key \("<<"\) takes a mapping, an alias of one, or a list of those$/);
  });

  test('the CLI checks the images behind merge keys (no more "No container images")', async () => {
    const file = path.join(tmp, 'merged.yaml');
    fs.writeFileSync(file, CASES['a pod spec behind a merge key'].text);
    const run = await runCliCaptured(['verify', file]);
    expect(run.stdout).not.toContain('No container images');
    expect(run.stdout).toContain('registry.example.com/shop/app:1.0');
  });
});

describe('one name, one secret', () => {
  const secret = (name: string, payload: string, namespace = 'shop') => `---\napiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: ${namespace}}\n`
    + `type: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{"auths":{"${payload}":{"auth":"dXNlcjpwYXNz"}}}'\n`;
  const duplicates = (text: string) => checkOffline(parseManifests(text, 'in.yaml')).findings
    .filter((f) => f.status === 'duplicate-secret').map((f) => `${f.namespace}/${f.name} ${f.severity}`);

  const CASES: Record<string, { text: string; findings: string[] }> = {
    'two different Secrets of one name and namespace': { text: secret('regcred', 'a.example.com') + secret('regcred', 'b.example.com'), findings: ['shop/regcred problem'] },
    'three, two of them different': {
      text: secret('regcred', 'a.example.com') + secret('regcred', 'a.example.com') + secret('regcred', 'b.example.com'),
      findings: ['shop/regcred problem'],
    },
    'the same Secret twice': { text: secret('regcred', 'a.example.com') + secret('regcred', 'a.example.com'), findings: [] },
    'the same Secret with its keys in another order': {
      text: secret('regcred', 'a.example.com')
        + '---\nkind: Secret\nstringData:\n  .dockerconfigjson: \'{"auths":{"a.example.com":{"auth":"dXNlcjpwYXNz"}}}\'\ntype: kubernetes.io/dockerconfigjson\napiVersion: v1\nmetadata: {namespace: shop, name: regcred}\n',
      findings: [],
    },
    'one name in two namespaces': { text: secret('regcred', 'a.example.com') + secret('regcred', 'b.example.com', 'other'), findings: [] },
    'two different Secrets in a List': {
      text: `apiVersion: v1\nkind: List\nitems:\n${[secret('regcred', 'a.example.com'), secret('regcred', 'b.example.com')]
        .map((s) => `- ${s.slice(4).trimEnd().split('\n').join('\n  ')}\n`).join('')}`,
      findings: ['shop/regcred problem'],
    },
  };

  test.each(Object.entries(CASES))('%s', (_name, { text, findings }) => {
    expect(duplicates(text)).toEqual(findings);
  });

  test('the CLI fails (exit 1) on two different Secrets of one name', async () => {
    const file = path.join(tmp, 'duplicate-secrets.yaml');
    fs.writeFileSync(file, secret('regcred', 'a.example.com') + secret('regcred', 'b.example.com'));
    const run = await runCliCaptured(['verify', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('duplicate-secret');
  });
});

describe('symbolic link loops in folders end', () => {
  const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;
  const fifoTest = process.platform === 'win32' ? test.skip : test;

  /** Each shape: links to make (path → target) besides `real.yaml` at the root and `sub/inner.yaml`. */
  const SHAPES: Record<string, Array<[string, string]>> = {
    'a -> .': [['a', '.']],
    'sub/b -> ../ (back to the root)': [['sub/b', '../']],
    'a -> ., and sub/b -> ../': [['a', '.'], ['sub/b', '../']],
    'a deep link back: sub/deep/er/up -> ../../..': [['sub/deep/er/up', '../../..']],
    'two links to one folder: x -> sub, y -> sub': [['x', 'sub'], ['y', 'sub']],
    'mutual links: m -> n, n -> m (ELOOP)': [['m', 'n'], ['n', 'm']],
    'a link to itself: self.yaml -> self.yaml': [['self.yaml', 'self.yaml']],
    'sub/up -> .. and sub/side -> ../sub': [['sub/up', '..'], ['sub/side', '../sub']],
  };

  test.each(Object.entries(SHAPES))('%s: each folder read once', (_name, links) => {
    const root = fs.mkdtempSync(path.join(tmp, 'loop-'));
    fs.mkdirSync(path.join(root, 'sub', 'deep', 'er'), { recursive: true });
    fs.writeFileSync(path.join(root, 'real.yaml'), configMap('real'));
    fs.writeFileSync(path.join(root, 'sub', 'inner.yaml'), configMap('inner'));
    for (const [link, target] of links) fs.symlinkSync(target, path.join(root, link));
    const files = findManifestFiles([root]);
    expect(files.map((f) => path.relative(root, f)).filter((f) => f.endsWith('real.yaml'))).toHaveLength(1);
    expect(readManifests([root]).objects).toBe(2); // x and y lead to sub: one folder, read once
  });

  fifoTest('a link to a FIFO, and a link to a link to a FIFO, are skipped, never opened', () => {
    const root = fs.mkdtempSync(path.join(tmp, 'fifo-'));
    fs.writeFileSync(path.join(root, 'real.yaml'), configMap('real'));
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    fs.symlinkSync('pipe', path.join(root, 'link.yaml'));
    fs.symlinkSync('link.yaml', path.join(root, 'link2.yml'));
    fs.symlinkSync('.', path.join(root, 'loop'));
    expect(findManifestFiles([root])).toEqual([path.join(root, 'real.yaml')]);
  });

  fifoTest('the CLI on a folder of loops and FIFO links ends at once (exit 0)', () => {
    const root = fs.mkdtempSync(path.join(tmp, 'cli-loop-'));
    fs.mkdirSync(path.join(root, 'a'));
    fs.writeFileSync(path.join(root, 'a', 'pod.yaml'), configMap('pod'));
    fs.symlinkSync('.', path.join(root, 'self'));
    fs.symlinkSync('../', path.join(root, 'a', 'b'));
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    fs.symlinkSync('pipe', path.join(root, 'pipe.yaml'));
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, 'verify', root], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(run.signal).toBeNull();
    expect({ code: run.status, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('(1 object in 1 file)');
  });

  test('a Helm chart whose templates and subcharts link back to the chart is read once', () => {
    const chart = fs.mkdtempSync(path.join(tmp, 'chart-'));
    fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
    fs.mkdirSync(path.join(chart, 'templates'));
    fs.writeFileSync(path.join(chart, 'templates', 'cm.yaml'), configMap('cm'));
    fs.symlinkSync('..', path.join(chart, 'templates', 'up'));
    fs.symlinkSync('.', path.join(chart, 'templates', 'self'));
    fs.mkdirSync(path.join(chart, 'charts'));
    fs.symlinkSync('..', path.join(chart, 'charts', 'itself')); // a subchart that is the chart
    expect(loadManifests([chart]).map((o) => o.name)).toEqual(['cm']);
  });
});

describe('a large List is parsed an item at a time, to the same value and errors as parsed whole', () => {
  /** Enough items to pass LARGE_DOCUMENT_CHARACTERS. */
  const ITEMS = 4_000;
  const item = (i: number, indent = '') => `${indent}- apiVersion: apps/v1\n${indent}  kind: Deployment\n${indent}  metadata: {name: app-${i}, namespace: team-a}\n`
    + `${indent}  spec:\n${indent}    template:\n${indent}      spec:\n${indent}        containers:\n${indent}        - name: main\n`
    + `${indent}          image: registry.example.com/team/app-${i}:1.0\n${indent}          args: ["- not an item", '#', "items:"]\n`;
  const list = (items: string, after = '') => `apiVersion: v1\nkind: List\nmetadata: {resourceVersion: ""}\nitems:\n${items}${after}`;
  /** The text with a comment holding "&", which keeps it from being split and changes nothing else (on its first line when it can: errors at the end stay where they are). */
  const unsplit = (text: string) => (text.startsWith('apiVersion: v1\n') ? text.replace('apiVersion: v1\n', 'apiVersion: v1 # & parsed whole\n') : `${text}\n# & parsed whole\n`);
  const whole = (text: string) => parse(unsplit(text));
  const outcome = (run: () => unknown) => {
    try {
      return { value: run() };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };

  const SAME: Record<string, string> = {
    'a List as kubectl writes it': list(repeat(ITEMS, (i) => item(i))),
    'items indented by two, with comments and blank lines between them': list(repeat(ITEMS, (i) => `${item(i, '  ')}\n# item ${i}\n  # indented comment\n`)),
    'keys after the items': list(repeat(ITEMS, (i) => item(i)), 'x-after: 1\nmore: {a: b}\n'),
    'CRLF line ends': list(repeat(ITEMS, (i) => item(i))).replace(/\n/g, '\r\n'),
    'block scalars and an item that is a scalar': list(repeat(ITEMS, (i) => `${item(i)}  data: |\n    - not an item\n    items:\n- |\n  text ${i}\n`)),
    'a nested items key, indented': list(repeat(ITEMS, (i) => `${item(i)}  items:\n  - nested\n`)),
    'a document marker and comments first': `---\n# leading\n${list(repeat(ITEMS, (i) => item(i)))}`,
  };

  test.each(Object.entries(SAME))('%s', (_name, text) => {
    expect(text.length).toBeGreaterThan(1024 * 1024);
    const value = parse(text) as { items: unknown[] };
    expect(value.items.length).toBeGreaterThanOrEqual(ITEMS);
    expect(value).toEqual(whole(text));
    expect(parseListInPieces(text, 1, 'in.yaml')).toEqual(value); // read in pieces indeed
  });

  const ERRORS: Record<string, string> = {
    'a duplicate key in item 2,000': list(repeat(ITEMS, (i) => (i === 2_000 ? `${item(i)}  kind: Pod\n` : item(i)))),
    'a tab for indentation in item 3,000': list(repeat(ITEMS, (i) => (i === 3_000 ? `${item(i)}\tx: 1\n` : item(i)))),
    'a key before and after the items twice': list(repeat(ITEMS, (i) => item(i)), 'kind: List\n'),
    'items twice': list(repeat(ITEMS, (i) => item(i)), 'items: []\n'),
    'an alias without an anchor in an item': list(repeat(ITEMS, (i) => (i === 5 ? `${item(i)}  x: *nothing\n` : item(i)))),
    'a quote open across the items (as one text, it holds them)': `description: "open\nitems:\n${repeat(ITEMS, (i) => item(i))}x: "\n`,
    'an unclosed flow sequence in the last item': list(repeat(ITEMS, (i) => (i === ITEMS - 1 ? `${item(i)}  x: [a,\n` : item(i)))),
    'nesting at the limit in an item': list(repeat(ITEMS, (i) => (i === 7 ? `${item(i)}  deep: ${'['.repeat(126)}${']'.repeat(126)}\n` : item(i)))),
    'nesting one past the limit in an item': list(repeat(ITEMS, (i) => (i === 7 ? `${item(i)}  deep: ${'['.repeat(127)}${']'.repeat(127)}\n` : item(i)))),
  };

  test.each(Object.entries(ERRORS))('%s: the outcome of parsing it whole', (_name, text) => {
    expect(text.length).toBeGreaterThan(1024 * 1024);
    expect(outcome(() => parse(text))).toEqual(outcome(() => whole(text)));
  });

  test('an error about an object in item 3,500 names its line, as parsed whole', () => {
    const text = list(repeat(ITEMS, (i) => (i === 3_500 ? item(i).replace('        containers:\n', '        containers: {}\n        x:\n') : item(i))));
    const error = inputError(() => parseManifests(text, 'in.yaml'));
    const expected = inputError(() => parseManifests(unsplit(text), 'in.yaml'));
    expect(error.message).toBe(expected.message);
    expect(error.message).toMatch(/^in\.yaml \(document 1\): is not a valid Deployment \(at \/items\/3500\): \/spec\/template\/spec\/containers must be a list, found a mapping \(line 35011, column 21\)$/);
  });
});
