import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import { EVENTS_USAGE } from '../../src/cli/events-command';
import { packageVersion, runCli, USAGE } from '../../src/cli/main';
import { FINDING_STATUSES } from '../../src/verify/findings';
import { recordingCli } from '../support/cli';
import { FIXTURE_PASSWORD, FIXTURES, fixture } from '../support/fixtures';

/** Every string the CLI wrote in this suite: scanned for secrets at the end. */
const { cli, outputs } = recordingCli();

describe('exit codes', () => {
  test.each([
    ['good.yaml', 0],
    ['missing-secret.yaml', 0], // expected in cluster: a warning only
    ['legacy-dockercfg.yaml', 0],
    ['service-account.yaml', 0],
    ['wrong-type.yaml', 1],
    ['bad-base64.yaml', 1],
    ['bad-json.yaml', 1],
    ['no-auths.yaml', 1],
    ['no-matching-credential.yaml', 1],
    ['invalid-image.yaml', 1],
    ['cross-namespace.yaml', 1],
    ['rancher-project.yaml', 1],
    ['external-secret.yaml', 0], // produced in the cluster: info
    ['external-secret-generator.yaml', 0],
    ['external-secret-near-miss.yaml', 1],
    ['sealed-secret.yaml', 0],
    ['sealed-secret-wrong-type.yaml', 1],
    ['produced-rancher.yaml', 0],
    ['typo.yaml', 0], // expected in the cluster, with a hint
    ['public-images.yaml', 0],
    ['malformed.yaml', 2],
    ['not-k8s.yaml', 2],
    ['does-not-exist.yaml', 2],
  ])('verify %s exits %i', async (file, expected) => {
    const { code } = await cli('verify', fixture(file));
    expect(code).toBe(expected);
  });

  test('several paths, files and folders, are checked together', async () => {
    const { code, stdout } = await cli('verify', fixture('good.yaml'), fixture('folder'));
    expect(code).toBe(0);
    expect(stdout).toContain('from 5 objects in 3 files');
  });

  test.each<[string[], string]>([
    [['--online'], 'missing command'],
    [['check', 'x.yaml'], 'unknown command "check"'],
    [['verify'], 'verify needs at least one PATH'],
    [['verify', '--frobnicate', 'x.yaml'], 'unknown option "--frobnicate"'],
    [['verify', 'x.yaml', '--format'], '--format needs a value'],
    [['verify', '--format', 'yaml', 'x.yaml'], '--format must be "table", "json" or "junit", not "yaml"'],
    [['verify', '--concurrency', '0', 'x.yaml'], '--concurrency must be a positive integer, not "0"'],
    [['verify', '--timeout-ms=1.5', 'x.yaml'], '--timeout-ms must be a positive integer, not "1.5"'],
    [['verify', '--timeout-ms', String(2 ** 31), 'x.yaml'], '--timeout-ms must be at most 600000, not 2147483648'],
    [['verify', '--timeout-ms', '600001', 'x.yaml'], '--timeout-ms must be at most 600000'],
    [['verify', '--concurrency', '100000', 'x.yaml'], '--concurrency must be at most 1024'],
    [['verify', '--online=yes', 'x.yaml'], '--online takes no value'],
    [['verify', '--namespace', 'Bad_NS', 'x.yaml'], '--namespace "Bad_NS" must be a DNS-1123 label'],
    [['verify', '--insecure-registry', 'http://x/', 'x.yaml'], '--insecure-registry takes HOST[:PORT]'],
  ])('usage error %j exits 2', async (args, message) => {
    const { code, stdout, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`error: ${message}`);
    expect(stderr).toContain('--help');
  });

  test.each([['--help'], ['-h'], ['verify', '--help'], ['help']])('%s prints the usage and exits 0', async (...args) => {
    const { code, stdout } = await cli(...args);
    expect(code).toBe(0);
    expect(stdout).toBe(USAGE);
  });

  test('an input error names the file and the document, not the content', async () => {
    const { code, stderr } = await cli('verify', fixture('malformed.yaml'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: .*malformed\.yaml \(document 2\): malformed YAML at line \d+, column \d+: /);
  });

  test('"--" ends the options', async () => {
    const { code, stderr } = await cli('verify', '--', '--not-an-option.yaml');
    expect(code).toBe(2);
    expect(stderr).toContain('--not-an-option.yaml: no such file or folder');
  });
});

describe('output', () => {
  test('the table has a header, a row per finding and a summary', async () => {
    const { stdout } = await cli('verify', fixture('good.yaml'));
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STATUS +OBJECT +CONTAINER +IMAGE +DETAIL$/);
    expect(lines[1]).toMatch(/^no-credential +shop\/Deployment\/web +init +busybox:1\.36 +/);
    expect(lines[2]).toMatch(/^ok +shop\/Deployment\/web +app +registry\.example\.com\/shop\/web:1\.0 +credentials match: secret "regcred"/);
    expect(lines[lines.length - 1]).toBe('2 findings (1 ok, 1 info, 0 warnings, 0 problems) from 2 objects in 1 file; '
      + 'offline: no registry contacted (add --online to try the pulls).');
  });

  test('problems and warnings say where: file, document and JSON pointer', async () => {
    const { stdout } = await cli('verify', fixture('wrong-type.yaml'));
    expect(stdout).toContain(`[${fixture('wrong-type.yaml')}#2 /spec/template/spec/imagePullSecrets/0]`);
  });

  test('JSON: the documented schema, every field present, null when absent', async () => {
    const { code, stdout } = await cli('verify', '--format=json', fixture('wrong-type.yaml'));
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['schemaVersion', 'mode', 'summary', 'findings']);
    expect(report.schemaVersion).toBe(1);
    expect(report.mode).toBe('offline');
    expect(report.summary).toEqual({
      files: 1,
      objects: 2,
      images: 1,
      total: 2,
      ok: 0,
      info: 1,
      warnings: 0,
      problems: 1,
      byStatus: Object.fromEntries(FINDING_STATUSES.map((s) => [s, s === 'secret-wrong-type' || s === 'no-credential' ? 1 : 0])),
    });
    expect(report.findings).toEqual([
      {
        status: 'secret-wrong-type',
        severity: 'problem',
        file: fixture('wrong-type.yaml'),
        document: 2,
        path: '/spec/template/spec/imagePullSecrets/0',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
        container: null,
        volume: null,
        image: null,
        secret: 'regcred',
        secrets: ['regcred'],
        message: expect.stringContaining('has type "Opaque"'),
      },
      {
        status: 'no-credential',
        severity: 'info',
        file: fixture('wrong-type.yaml'),
        document: 2,
        path: '/spec/template/spec/containers/0/image',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
        container: 'app',
        volume: null,
        image: 'registry.example.com/shop/web:1.0',
        secret: null,
        secrets: [],
        message: expect.any(String),
      },
    ]);
  });

  test('JSON: an image finding names the secrets it is about, the first as "secret"', async () => {
    const ok = JSON.parse((await cli('verify', '-o', 'json', fixture('good.yaml'))).stdout).findings[1];
    expect(ok).toMatchObject({ status: 'ok', secret: 'regcred', secrets: ['regcred'] });
    expect(ok.message).toContain('secret "regcred"');
    const rancher = JSON.parse((await cli('verify', '-o', 'json', fixture('produced-rancher.yaml'))).stdout).findings;
    expect(rancher.map((f: any) => [f.container, f.status, f.secret, f.secrets])).toEqual([
      ['quay', 'produced-in-cluster', 'project-quay', ['project-quay', 'project-ghcr']],
      ['ghcr', 'produced-in-cluster', 'project-ghcr', ['project-ghcr']],
    ]);
  });

  test('no pod-bearing objects: an empty report, exit 0', async () => {
    const json = await cli('verify', '--format', 'json', fixture('no-workloads.yaml'));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ summary: { objects: 1, total: 0 }, findings: [] });
    const table = await cli('verify', fixture('no-workloads.yaml'));
    expect(table.stdout).toBe('No container images or pull secrets to check (1 object in 1 file).\n');
  });
});

describe('command-line conventions', () => {
  const VERSION = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;

  test('--version prints the package version and exits 0, wherever it is given', async () => {
    expect(packageVersion()).toBe(VERSION);
    for (const args of [['--version'], ['verify', '--version'], ['--version', 'verify', 'x.yaml']]) {
      expect(await cli(...args)).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    }
  });

  test('a bare invocation prints the usage on stderr and exits 2', async () => {
    expect(await cli()).toEqual({ code: 2, stdout: '', stderr: USAGE });
  });

  test('the usage names both commands and every verify option', () => {
    expect(USAGE).toMatch(/^Usage: cdk8s-private-registry verify \[options\] PATH\.\.\.\|-\n {7}cdk8s-private-registry events \[options\] FILE\|-\n/);
    for (const option of ['--online', '-o, --format', '-n, --namespace', '--public-image', '--strict', '--insecure-registry',
      '--concurrency', '--timeout-ms', '-h, --help', '--version']) {
      expect(USAGE).toContain(`  ${option} `);
    }
  });

  test.each<[string[], string]>([
    [['verify', '-o', 'json', fixture('good.yaml')], 'json'],
    [['verify', '-ojson', fixture('good.yaml')], 'json'],
    [['verify', '--format=junit', fixture('good.yaml')], 'junit'],
    [['-o', 'json', 'verify', fixture('good.yaml')], 'json'],
  ])('%j: short and long forms of --format, before or after the command', async (args, format) => {
    const { code, stdout } = await cli(...args);
    expect(code).toBe(0);
    expect(stdout.startsWith(format === 'json' ? '{' : '<?xml')).toBe(true);
  });

  test('-n is short for --namespace', async () => {
    const { stdout } = await cli('verify', '-n', 'staging', '-o', 'json', fixture('default-namespace.yaml'));
    expect(JSON.parse(stdout).findings[0]).toMatchObject({ status: 'ok', namespace: 'staging' });
  });

  test.each<[string[], string]>([
    [['verify', '-x', 'x.yaml'], 'unknown option "-x"'],
    [['verify', '--Online', 'x.yaml'], 'unknown option "--Online"'],
    [['verify', 'x.yaml', '-o'], '-o needs a value'],
    [['verify', '-n', 'Bad_NS', 'x.yaml'], '-n "Bad_NS" must be a DNS-1123 label'],
    [['verify', '--strict=yes', 'x.yaml'], '--strict takes no value'],
    [['verify', '--public-image', 'nginx', 'x.yaml'], '--public-image "nginx" is not normalized; write "docker.io/library/nginx"'],
    [['verify', '--public-image', 'docker.io/library/', 'x.yaml'], '--public-image "docker.io/library/" ends with "/"'],
    [['verify', '--public-image=quay.io/*', 'x.yaml'], '--public-image "quay.io/*" has a wildcard'],
    [['events'], 'events needs FILE'],
  ])('usage error %j exits 2 and names the option', async (args, message) => {
    const { code, stdout, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`error: ${message}`);
  });

  test('"events" is dispatched to its own command, with its own help', async () => {
    expect(await cli('events', '--help')).toEqual({ code: 0, stdout: EVENTS_USAGE, stderr: '' });
    expect(await cli('help', 'events')).toEqual({ code: 0, stdout: EVENTS_USAGE, stderr: '' });
    expect(USAGE).toContain('cdk8s-private-registry events --help');
  });

  test('"events -" reads the events from standard input', async () => {
    let stdout = '';
    const stdin = Readable.from([Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }))]);
    const code = await runCli(['events', '-o', 'json', '-'], { stdin, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ schemaVersion: 1, source: '<stdin>', pulls: [] });
    outputs.push(stdout);
  });
});

describe('as a process', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts'), ...args], {
    encoding: 'utf8', cwd: path.join(__dirname, '..', '..'), timeout: 60_000,
  });

  test('exit codes 0, 1 and 2 reach the shell, and the output is complete', () => {
    const ok = run('verify', '--format', 'json', fixture('good.yaml'));
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).summary.total).toBe(2);
    expect(run('verify', fixture('bad-json.yaml')).status).toBe(1);
    const usage = run('verify');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('verify needs at least one PATH');
    outputs.push(ok.stdout, ok.stderr, usage.stdout, usage.stderr);
  });

  test('--version, a bare invocation, and "-" for the manifests on standard input', () => {
    const version = run('--version');
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+.*\n$/);
    const bare = run();
    expect(bare.status).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toBe(USAGE);
    const piped = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts'),
      'verify', '-o', 'json', '-'], { encoding: 'utf8', cwd: path.join(__dirname, '..', '..'), timeout: 60_000, input: fs.readFileSync(fixture('good.yaml')) });
    expect(piped.status).toBe(0);
    expect(JSON.parse(piped.stdout).findings.map((f: any) => [f.file, f.status])).toEqual([['<stdin>', 'no-credential'], ['<stdin>', 'ok']]);
    outputs.push(version.stdout, version.stderr, bare.stderr, piped.stdout, piped.stderr);
  });
});

describe('no secret in any output', () => {
  test('every fixture, as table and as JSON, offline', async () => {
    for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'))) {
      await cli('verify', fixture(file));
      await cli('verify', '--format', 'json', fixture(file));
    }
    const secrets = [FIXTURE_PASSWORD, Buffer.from(`alice:${FIXTURE_PASSWORD}`).toString('base64')];
    // ...and each base64 payload as written in the fixtures.
    for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'))) {
      for (const match of fs.readFileSync(fixture(file), 'utf8').matchAll(/\.docker(?:configjson|cfg): (\S{16,})/g)) {
        secrets.push(match[1]);
      }
    }
    expect(secrets.length).toBeGreaterThan(8);
    const text = outputs.join('\n');
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
    }
  });
});
