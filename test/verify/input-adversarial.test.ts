/**
 * Hostile input to `verify` offline: malformed YAML, binary garbage, deep
 * nesting, devices, FIFOs, standard input and oversized files. Every case
 * asserts the exit code, that an error points at file, document, line and
 * column, and that nothing of the input's content (a distinctive marker in
 * each case) reaches stdout or stderr.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAX_MANIFEST_BYTES } from '../../src/manifests/manifests';
import { PullSecretValidation, PullSecretViolation } from '../../src/verify/validation-plugin';
import { runCliCaptured } from '../support/cli';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'src', 'cli', 'main.ts');
/** Every case's content carries this; no output may. */
const MARKER = 'Zq7Xv-MARKER';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-adversarial-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const write = (name: string, content: string | Buffer) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
};

/** The CLI as a process: for input that could hang or exhaust the test's own process. */
function runProcess(args: string[], input?: string | Buffer) {
  const started = Date.now();
  const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, ...args], {
    cwd: ROOT, input, encoding: 'utf8', timeout: 30_000, maxBuffer: 16 * 1024 * 1024,
  });
  return { code: run.status, signal: run.signal, stdout: run.stdout ?? '', stderr: run.stderr ?? '', ms: Date.now() - started };
}

const pod = (name: string, spec: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const deployment = (spec: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n${spec}`;
const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n';

interface Case {
  /** The manifest's content. */
  readonly content: string | Buffer;
  readonly code: number;
  /** What the error on stderr must say (file, document, line, column), after `<file> `. */
  readonly error?: RegExp;
}

const CASES: Record<string, Case> = {
  'an unquoted value starting with "*" (an alias without anchor)': {
    content: `${configMap}data:\n  password: *${MARKER}-alias-rest\n`,
    code: 2,
    error: /\(document 1\): malformed YAML at line 6, column 13: an alias .* names no anchor defined before it/,
  },
  'an alias-looking image in the second document': {
    content: `${configMap}---\n${pod('p', `  containers:\n    - name: c\n      image: *${MARKER}\n`)}`,
    code: 2,
    error: /\(document 2\): malformed YAML at line 13, column 14: an alias/,
  },
  'an anchor expanded too often (billion laughs)': {
    content: `${configMap}data:\n  a: &a [${MARKER}, ${MARKER}]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
    code: 2,
    error: /\(document 1\): malformed YAML in the document starting at line 1, column 1: aliases expand more than 100 times/,
  },
  'a tab used for indentation': {
    content: `apiVersion: v1\nkind: Secret\nmetadata:\n\tname: ${MARKER}\n`,
    code: 2,
    error: /\(document 1\): malformed YAML at line 4, column 1: a tab is used for indentation/,
  },
  'a tab after a key is fine': {
    content: `apiVersion:\tv1\nkind:\tConfigMap\nmetadata:\n  name:\t${MARKER}\n`,
    code: 0,
  },
  'binary garbage': {
    content: Buffer.concat([Buffer.from('apiVersion: v1\nkind: Pod\n'), Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 0xc3]), Buffer.from(`${MARKER}\n\u0000\u0007`)]),
    code: 2,
    error: /\(document 1\): malformed YAML at line 3, column 1: /,
  },
  'random bytes': {
    content: Buffer.concat([Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)), Buffer.from(MARKER)]),
    code: 2,
    error: /\(document 1\): (malformed YAML at line \d+, column \d+|is not a Kubernetes object)/,
  },
  'a byte order mark before a valid manifest': {
    content: `\ufeff${configMap}data:\n  a: ${MARKER}\n`,
    code: 0,
  },
  'a byte order mark before a malformed line: the column is the text\'s': {
    content: `\ufeffapiVersion: v1\nkind: ConfigMap\nmetadata: {name: "${MARKER}\n`,
    code: 2,
    error: /\(document 1\): malformed YAML at line 4, column 1: a closing quote or bracket is missing/,
  },
  'flow collections nested 100,000 deep': {
    content: `${configMap}data: ${'['.repeat(100_000)}${MARKER}${']'.repeat(100_000)}\n`,
    code: 2,
    error: /\(document 1\): malformed YAML at line 5, column \d+: collections are nested more than 128 levels deep/,
  },
  'flow mappings nested 100,000 deep': {
    content: `${configMap}data: ${'{a: '.repeat(100_000)}${MARKER}${'}'.repeat(100_000)}\n`,
    code: 2,
    error: /\(document 1\): malformed YAML at line 5, column \d+: collections are nested more than 128 levels deep/,
  },
  'block sequences nested 50,000 deep on one line': {
    content: `${'- '.repeat(50_000)}${MARKER}\n`,
    code: 2,
    error: /\(document 1\): malformed YAML at line 1, column \d+: collections are nested more than 128 levels deep/,
  },
  'nesting within the limit is fine': {
    content: `${configMap}data:\n  a: "${'['.repeat(100)}"\nbinaryData: ${'['.repeat(100)}${']'.repeat(100)}\n`,
    code: 0,
  },
  'a huge single line (8 MB) with an unclosed quote': {
    content: `${configMap}data: {a: "${'x'.repeat(8_000_000)}${MARKER}\n`,
    code: 2,
    error: /\(document 1\): malformed YAML at line 6, column 1: a closing quote or bracket is missing/,
  },
  'a huge single line (8 MB) of valid JSON': {
    content: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: `${'x'.repeat(8_000_000)}${MARKER}` } }),
    code: 0,
  },
  'JSON with a syntax error is reported as YAML, by position': {
    content: `{"apiVersion": "v1", "kind": "ConfigMap",\n "metadata": {"name": "${MARKER}"}, "data": {"a": "\\q"}}\n`,
    code: 2,
    error: /\(document 1\): malformed YAML at line 2, column \d+: a double-quoted string has an invalid escape/,
  },
  'an invalid escape in a double-quoted string': {
    content: `${configMap}data:\n  a: "${MARKER}\\q"\n`,
    code: 2,
    error: /\(document 1\): malformed YAML at line 6, column \d+: a double-quoted string has an invalid escape/,
  },
  'a duplicate key': {
    content: `${configMap}data:\n  ${MARKER}: a\n  ${MARKER}: b\n`,
    code: 2,
    error: /\(document 1\): malformed YAML at line 7, column 3: a mapping has the same key twice/,
  },
  'a document that is a scalar': {
    content: `${configMap}---\n${MARKER} is not an object\n`,
    code: 2,
    error: /\(document 2\): is not a Kubernetes object: expected a mapping, found a string scalar \(line 6, column 1\)/,
  },
  'kind: List whose items is a mapping': {
    content: `apiVersion: v1\nkind: List\nitems:\n  ${MARKER}: {apiVersion: v1, kind: Pod}\n`,
    code: 2,
    error: /\(document 1\): is not a valid List: \/items must be a list, found a mapping \(line 4, column 3\)/,
  },
  'kind: PodList whose items is a string': {
    content: `${configMap}---\napiVersion: v1\nkind: PodList\nitems: ${MARKER}\n`,
    code: 2,
    error: /\(document 2\): is not a valid typed list: \/items must be a list, found a string scalar \(line 8, column 8\)/,
  },
  'kind: List with items is read': {
    content: `apiVersion: v1\nkind: List\nitems:\n  - ${pod('p', '  containers: [{name: c, image: nginx}]').split('\n').join('\n    ')}\n`,
    code: 0,
  },
  'containers that is a string': {
    content: deployment(`      containers: "${MARKER}"\n`),
    code: 2,
    error: /\(document 1\): is not a valid Deployment: \/spec\/template\/spec\/containers must be a list, found a string scalar \(line 8, column 19\)/,
  },
  'initContainers that is a mapping': {
    content: pod('p', `  containers: []\n  initContainers:\n    ${MARKER}: {image: nginx}\n`),
    code: 2,
    error: /\(document 1\): is not a valid Pod: \/spec\/initContainers must be a list, found a mapping \(line 8, column 5\)/,
  },
  'imagePullSecrets that is a string': {
    content: pod('p', `  imagePullSecrets: ${MARKER}\n  containers: [{name: c, image: nginx}]\n`),
    code: 2,
    error: /\(document 1\): is not a valid Pod: \/spec\/imagePullSecrets must be a list, found a string scalar \(line 6, column 21\)/,
  },
  'a ServiceAccount whose imagePullSecrets is a mapping': {
    content: `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default}\nimagePullSecrets: {name: ${MARKER}}\n`,
    code: 2,
    error: /\(document 1\): is not a valid ServiceAccount: \/imagePullSecrets must be a list, found a mapping \(line 4, column 19\)/,
  },
  'an item of a List with containers not a list': {
    content: `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  spec: {containers: ${MARKER}}\n`,
    code: 2,
    error: /\(document 1\): is not a valid Pod \(at \/items\/0\): \/spec\/containers must be a list, found a string scalar \(line 7, column 22\)/,
  },
  'a Job-named custom resource is not checked': {
    content: `apiVersion: example.com/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      containers: ${MARKER}\n`,
    code: 0,
  },
  'a Secret whose type is a mapping': {
    content: `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: {${MARKER}: 1}\n---\n${pod('p', '  imagePullSecrets: [{name: s}]\n  containers: [{name: c, image: quay.io/a/b}]\n')}`,
    code: 1,
  },
};

describe('verify offline input', () => {
  test.each(Object.entries(CASES))('%s', async (name, { content, code, error }) => {
    const file = write(`${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.yaml`, content);
    const run = await runCliCaptured(['verify', file]);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code });
    if (error !== undefined) {
      expect(run.stderr.startsWith(`error: ${file} (`)).toBe(true);
      expect(run.stderr).toMatch(error);
    } else {
      expect(run.stderr).toBe('');
    }
    expect(run.stdout + run.stderr).not.toContain(MARKER);
  });

  test('the validation plugin reports malformed input by position, quoting nothing', async () => {
    const file = write('plugin.yaml', `${configMap}---\n${configMap}data:\n  a: *${MARKER}\n`);
    const violations: PullSecretViolation[] = [];
    const logs: string[] = [];
    let status = '';
    await new PullSecretValidation().validate({
      manifests: [file],
      report: { addViolation: (v) => violations.push(v), submit: (s) => (status = s) },
      logger: { log: (m) => logs.push(m) },
    });
    expect(status).toBe('failure');
    expect(violations[0].violatingResources[0].locations[0]).toMatch(/\(document 2\): malformed YAML at line 11, column 6: an alias/);
    expect(JSON.stringify({ violations, logs })).not.toContain(MARKER);
  });
});

describe('verify offline paths', () => {
  const fifoTest = process.platform === 'win32' ? test.skip : test;

  test.each(['/dev/zero', '/dev/urandom'].filter((device) => fs.existsSync(device)))('%s: exit 2 at once, nothing read', (device) => {
    const run = runProcess(['verify', device]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: ${device}: is a character device, not a regular file or folder (use "-" to read standard input)\n`);
    expect(run.ms).toBeLessThan(20_000);
  });

  fifoTest('a FIFO given as PATH: exit 2 at once, no hang', () => {
    const fifo = path.join(tmp, 'manifests.fifo');
    execFileSync('mkfifo', [fifo]);
    const run = runProcess(['verify', fifo]);
    expect(run.signal).toBeNull(); // not killed by the timeout
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: ${fifo}: is a FIFO (named pipe), not a regular file or folder (use "-" to read standard input)\n`);
  });

  fifoTest('a folder holding a FIFO, a symbolic link loop and a link to itself: only its regular files are read', () => {
    const folder = path.join(tmp, 'folder-with-fifo');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'a.yaml'), `${configMap}data:\n  a: ${MARKER}\n`);
    execFileSync('mkfifo', [path.join(folder, 'b.yaml')]);
    fs.symlinkSync('loop.yaml', path.join(folder, 'loop.yaml'));
    fs.symlinkSync('.', path.join(folder, 'self'));
    const run = runProcess(['verify', folder]);
    expect(run.signal).toBeNull();
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('(1 object in 1 file)');
    expect(run.stdout).not.toContain(MARKER);
  });

  test('"-" reads standard input, named <stdin>', () => {
    const input = `${configMap}---\n${pod('p', `  imagePullSecrets: [{name: ${MARKER}}]\n  containers: [{name: c, image: quay.io/a/b}]\n`)}`;
    const run = runProcess(['verify', '--format', 'json', '-'], input);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.summary).toMatchObject({ files: 1, objects: 2 });
    expect(report.findings[0]).toMatchObject({ file: '<stdin>', document: 2, status: 'expected-in-cluster' });
  });

  test('"-" with malformed input: the error names <stdin>, document, line and column', () => {
    const run = runProcess(['verify', '-'], `${configMap}---\n${configMap}data:\n  a: *${MARKER}\n`);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: <stdin> \(document 2\): malformed YAML at line 11, column 6: an alias/);
    expect(run.stdout + run.stderr).not.toContain(MARKER);
  });

  test('"-" is bounded like a file: more than 64 MiB on standard input is exit 2', () => {
    const input = Buffer.alloc(MAX_MANIFEST_BYTES + 1024, '# comment line of the over-size input\n');
    const run = runProcess(['verify', '-'], input);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: <stdin>: is larger than 64 MiB, the most verify reads from one manifest file; split it into smaller files\n');
  });

  test('a file over 64 MiB (sparse) is exit 2 before it is read', () => {
    const big = path.join(tmp, 'big.yaml');
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, MAX_MANIFEST_BYTES + 1);
    const run = runProcess(['verify', big]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: ${big}: is larger than 64 MiB, the most verify reads from one manifest file; split it into smaller files\n`);
    expect(run.ms).toBeLessThan(20_000);
  });

  test('the limit is documented in the usage', async () => {
    const run = await runCliCaptured(['--help']);
    expect(run.stdout).toContain('PATH "-" reads the manifests from standard input');
    expect(run.stdout).toMatch(/at\s+most 64 MiB/);
  });
});
