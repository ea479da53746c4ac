/**
 * Terminal safety (issue 22, item 6): file names, object names, images and
 * paths with ESC, newline, CR, C1 and bidirectional controls never reach the
 * terminal raw. Real files with such names, in every writer: verify's table,
 * JSON and JUnit, events' table and JSON, images, and the error paths.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCliCaptured } from './support/cli';

/** Names a hostile pull request could give files and objects. */
const NASTY = {
  esc: 'esc\u001b[2J\u001b]0;pwned\u0007',
  newline: 'new\nFORGED ok',
  cr: 'cr\roverwrite',
  rlo: 'rlo\u202egnp.yaml',
  c1: 'c1\u009b31m\u0085',
} as const;

/** What must never be written raw: C0 but newline, DEL, C1, bidirectional and invisible controls, line separators. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
/** The same, newline included: for what is one line. */
const RAW_CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A YAML double-quoted scalar: JSON's escapes are YAML's. */
const yamlString = (text: string) => JSON.stringify(text);

function podDocument(name: string): string {
  return `apiVersion: v1
kind: Pod
metadata: { name: ${yamlString(`web-${name}`)}, namespace: apps }
spec:
  imagePullSecrets: [{ name: missing }]
  containers:
    - { name: ${yamlString(`app-${name}`)}, image: "quay.io/org/app:1" }
    - { name: bad, image: ${yamlString(`quay.io/org/${name}:1`)} }
`;
}

/** A manifest file whose name, object names, container names and an image carry `nasty`. */
function manifestFile(label: string, nasty: string): string {
  const file = path.join(dir, `${label}-${nasty}.yaml`);
  fs.writeFileSync(file, podDocument(nasty));
  return file;
}

describe.each(Object.entries(NASTY))('%s in a file name, object names and images', (label, nasty) => {
  let file: string;
  beforeAll(() => {
    file = manifestFile(label, nasty);
  });

  test('verify table: one line per finding, every control character an escape', async () => {
    const run = await runCliCaptured(['verify', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    const lines = run.stdout.trimEnd().split('\n');
    // header, one line per finding (two images and the missing secret's), blank, summary
    expect(lines).toHaveLength(1 + lines.filter((l) => /^(expected-in-cluster|invalid-image|no-credential)/.test(l)).length + 2);
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(run.stdout).not.toMatch(/\nFORGED/);
    expect(run.stdout).toContain(`web-${printed(nasty)}`);
    expect(run.stdout).toContain(`${printed(path.basename(file))}#1`);
  });

  test('verify json: the data as it is, nothing a terminal acts on', async () => {
    const run = await runCliCaptured(['verify', '--format', 'json', file]);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    const report = JSON.parse(run.stdout) as { findings: Array<{ file: string; name: string; message: string }> };
    expect(report.findings.map((f) => f.file)).toContain(file);
    expect(report.findings.map((f) => f.name)).toContain(`web-${nasty}`);
    for (const f of report.findings) expect(f.message).not.toMatch(RAW_CONTROL_OR_NEWLINE);
  });

  test('verify junit: control characters as escapes, then XML-escaped', async () => {
    const run = await runCliCaptured(['verify', '--format', 'junit', file]);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain(`file="${xmlAttribute(printed(file))}"`);
    // Structural newlines only: no line starts with what followed a newline in a name.
    expect(run.stdout).not.toMatch(/\nFORGED/);
    expect(run.stdout).toMatch(/<testcase /);
  });

  test('error paths: a file that cannot be read, malformed YAML, a folder entry', async () => {
    const missing = await runCliCaptured(['verify', path.join(dir, `gone-${nasty}.yaml`)]);
    const malformed = path.join(dir, `malformed-${label}-${nasty}.yaml`);
    fs.writeFileSync(malformed, 'kind: [unclosed\n');
    const broken = await runCliCaptured(['verify', malformed]);
    for (const run of [missing, broken]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: /);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).not.toMatch(RAW_CONTROL);
    }
    expect(missing.stderr).toContain(printed(`gone-${nasty}.yaml`));
    expect(broken.stderr).toContain(printed(path.basename(malformed)));
  });

  test('events: the table, JSON and errors for an events file and pods with such names', async () => {
    const events = path.join(dir, `events-${label}-${nasty}.json`);
    fs.writeFileSync(events, JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [{
        apiVersion: 'v1',
        kind: 'Event',
        count: 1,
        type: 'Warning',
        reason: 'Failed',
        firstTimestamp: '2024-05-01T10:00:05Z',
        lastTimestamp: '2024-05-01T10:00:05Z',
        metadata: { name: 'e1', namespace: 'apps' },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name: `web-${nasty}`, namespace: 'apps', fieldPath: `spec.containers{app-${nasty}}` },
        source: { component: 'kubelet', host: 'node-1' },
        message: `Failed to pull image "quay.io/org/app:1": rpc error: ${nasty} 401 Unauthorized`,
      }],
    }));
    const table = await runCliCaptured(['events', '--manifests', file, events]);
    expect(table.stdout).not.toMatch(RAW_CONTROL);
    expect(table.stdout).toContain(printed(`web-${nasty}`));
    const json = await runCliCaptured(['events', '--manifests', file, '--format', 'json', events]);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json.stdout).pulls[0].pod).toBe(`web-${nasty}`);
    const malformed = path.join(dir, `events-malformed-${label}-${nasty}.json`);
    fs.writeFileSync(malformed, '{ not json');
    const broken = await runCliCaptured(['events', malformed]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).not.toMatch(RAW_CONTROL);
    expect(broken.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(broken.stderr).toContain(printed(path.basename(malformed)));
  });

  test('images: warnings on standard error and the JSON', async () => {
    const txt = await runCliCaptured(['images', file]);
    expect(`${txt.stdout}${txt.stderr}`).not.toMatch(RAW_CONTROL);
    const json = await runCliCaptured(['images', '--format', 'json', file]);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
  });
});

/** How printable() shows `text`: the escapes the tests expect. */
function printed(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/g, (ch) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    const code = ch.charCodeAt(0);
    return named[ch] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

function xmlAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
