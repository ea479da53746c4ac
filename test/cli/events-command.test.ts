import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { EVENTS_USAGE, runEvents } from '../../src/cli/events-command';
import { readBoundedStream } from '../../src/events/input';
import { EVENTS_PASSWORD, eventsApp } from '../support/events-app';

/** test/fixtures/events: event lists written from the kubelet's formats (REFERENCE §9) and the manifests of test/support/events-app.ts. */
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'events');
const fixture = (name: string) => path.join(FIXTURES, name);
const MANIFESTS = fixture('manifests');

/** Every output of the suite: none may hold a credential. */
const outputs: string[] = [];

async function events(args: string[], stdin?: NodeJS.ReadableStream) {
  let stdout = '';
  let stderr = '';
  const code = await runEvents(args, {
    ...(stdin === undefined ? {} : { stdin }),
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  outputs.push(stdout, stderr);
  return { code, stdout, stderr };
}

async function json(args: string[], stdin?: NodeJS.ReadableStream) {
  const run = await events([...args, '--format', 'json'], stdin);
  return { ...run, report: JSON.parse(run.stdout) };
}

describe('exit codes', () => {
  test.each([
    ['failing.json', 1],
    ['recovered.json', 0],
    ['pulled.json', 0],
    ['pulling.json', 0],
    ['events-v1.json', 1],
    ['mixed.json', 1],
    ['watch.json', 1],
    ['cluster.json', 1],
    ['not-events.json', 2],
    ['malformed.json', 2],
    ['does-not-exist.json', 2],
  ])('events %s exits %i', async (file, expected) => {
    const { code, stderr } = await events([fixture(file)]);
    expect(code).toBe(expected);
    expect(stderr === '').toBe(expected !== 2);
  });

  test.each<[string[], string]>([
    [[], 'events needs FILE'],
    [['a.json', 'b.json'], 'events takes one FILE, not 2'],
    [['--format', 'yaml', 'a.json'], '--format must be "table" or "json", not "yaml"'],
    [['-o', 'wide', 'a.json'], '--format must be "table" or "json", not "wide"'],
    [['--frobnicate', 'a.json'], 'Unknown option \'--frobnicate\''],
    [['a.json', '--manifests'], 'argument missing'],
    [['--manifests=', 'a.json'], '--manifests needs a folder or file'],
    [['-n', 'Bad_NS', 'a.json'], '--namespace "Bad_NS" must be a DNS-1123 label'],
  ])('usage error %j exits 2', async (args, message) => {
    const { code, stdout, stderr } = await events(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('events --help');
    expect(stderr.trimEnd().split('\n')[0]).toMatch(/^error: /);
  });

  test.each([['--help'], ['-h'], ['x.json', '-h']])('%s prints the usage and exits 0', async (...args) => {
    expect(await events(args)).toEqual({ code: 0, stdout: EVENTS_USAGE, stderr: '' });
  });

  test('--manifests given standard input is an input error', async () => {
    const { code, stderr } = await events(['--manifests', '-', fixture('pulled.json')]);
    expect(code).toBe(2);
    expect(stderr).toContain('--manifests takes a folder or a file');
  });
});

describe('the JSON report', () => {
  test('schema: the fields DESIGN fixes, then more', async () => {
    const { report } = await json([fixture('failing.json')]);
    expect(report).toMatchObject({ schemaVersion: 1, source: fixture('failing.json'), manifests: null, namespace: null });
    expect(report.summary).toEqual({ events: 10, pullEvents: 6, otherObjects: 0, pulls: 2, pulled: 1, pulling: 0, failing: 1 });
    for (const pull of report.pulls) {
      expect(Object.keys(pull).slice(0, 8)).toEqual(['namespace', 'pod', 'container', 'image', 'status', 'reason', 'message', 'count']);
      expect(['pulled', 'pulling', 'failing']).toContain(pull.status);
      expect([null, 'unauthorized', 'not-found', 'rate-limited', 'unreachable', 'unknown']).toContain(pull.reason);
      expect(typeof pull.count).toBe('number');
      expect(pull.message).not.toMatch(/[\n\r\t]/);
    }
    expect(report.pulls[1]).toEqual({
      namespace: 'shop',
      pod: 'web-7d4b9c8f6-x2x9k',
      container: 'main',
      image: 'quay.io/example/shop-web:2.3.1',
      status: 'failing',
      reason: 'unauthorized',
      message: 'rpc error: code = Unknown desc = failed to pull and unpack image "quay.io/example/shop-web:2.3.1": failed to resolve reference '
        + '"quay.io/example/shop-web:2.3.1": unexpected status from HEAD request to https://quay.io/v2/example/shop-web/manifests/2.3.1: 401 UNAUTHORIZED',
      count: 4,
      volume: null,
      mirror: null,
      lastEvent: 'Failed',
      lastSeen: '2024-05-01T10:04:00.000Z',
      failures: 4,
      recovered: false,
      retrying: false,
      waitingReason: 'ImagePullBackOff',
      workload: null,
      construct: null,
      serviceAccount: null,
      pullSecrets: null,
      fix: 'registry quay.io refused the pull: the pod needs a pull secret with a valid credential for quay.io (add --manifests DIR to see which it references)',
    });
  });

  test('a pod that recovered after failures is pulled, and says so', async () => {
    const { code, report } = await json([fixture('recovered.json')]);
    expect(code).toBe(0);
    expect(report.pulls).toHaveLength(1);
    expect(report.pulls[0]).toMatchObject({ status: 'pulled', reason: null, recovered: true, failures: 3, fix: null });
  });

  test('old and new wordings, init containers, "already present on machine"', async () => {
    const { report } = await json([fixture('pulled.json')]);
    expect(report.pulls.map((p: any) => [p.pod, p.container, p.image, p.status, p.count])).toEqual([
      ['cache-0', 'init-perms', 'busybox:1.36', 'pulled', 1],
      ['cache-0', 'redis', 'redis:7.2', 'pulled', 1],
      ['cache-1', 'redis', 'redis:7.2', 'pulled', 2],
      ['legacy-6c5d4f7b8-qz2lw', 'app', 'quay.io/example/legacy:0.9', 'pulled', 1],
    ]);
  });

  test('events.k8s.io/v1 events: a Docker Hub rate limit with a newer kubelet\'s back-off', async () => {
    const { report } = await json([fixture('events-v1.json')]);
    expect(report.pulls).toEqual([expect.objectContaining({ namespace: 'data', pod: 'db-0', status: 'failing', reason: 'rate-limited', count: 7 })]);
    expect(report.pulls[0].fix).toContain('Docker Hub limits anonymous pulls: add a Docker Hub credential');
  });

  test('a List of mixed kinds counts what it skipped', async () => {
    const { report } = await json([fixture('mixed.json')]);
    expect(report.summary).toMatchObject({ events: 6, pullEvents: 5, otherObjects: 2 });
    expect(report.pulls[0]).toMatchObject({ reason: 'not-found' });
  });

  test('-n keeps one namespace', async () => {
    const { code, report } = await json(['-n', 'other', fixture('cluster.json')]);
    expect(code).toBe(0);
    expect(report.namespace).toBe('other');
    expect(report.pulls.map((p: any) => p.namespace)).toEqual(['other']);
  });
});

describe('--manifests: workloads, pull secrets, constructs, fixes', () => {
  let byPod: Record<string, any>;
  let table: string;
  beforeAll(async () => {
    const { report } = await json(['--manifests', MANIFESTS, fixture('cluster.json')]);
    byPod = Object.fromEntries(report.pulls.map((p: any) => [`${p.namespace}/${p.pod}`, p]));
    table = (await events(['--manifests', MANIFESTS, fixture('cluster.json')])).stdout;
  });

  test('a Deployment\'s pod: its construct (confirmed by the label), the secret whose credential was refused', () => {
    const web = byPod['shop/web-7d4b9c8f6-x2x9k'];
    expect(web.workload).toEqual({ kind: 'Deployment', name: 'web', namespace: 'shop', file: path.join(MANIFESTS, 'shop.k8s.yaml'), document: 3 });
    expect(web.construct).toEqual({ path: 'shop/web/Workload/Resource', pathFrom: 'label', address: expect.stringMatching(/^shop-web-Workload-c8[0-9a-f]{6}$/) });
    expect(web.pullSecrets).toEqual([{ name: 'quay-pull', from: 'pod', state: 'matches', keys: ['quay.io'], producer: null }]);
    expect(web.reason).toBe('unauthorized');
    expect(web.fix).toMatch(/^registry quay\.io refused the credential \(key "quay\.io"\) of pull secret "quay-pull": renew/);
  });

  test('a CronJob\'s pod: Docker Hub\'s "denied or missing" with a matching credential is not-found', () => {
    const report = byPod['shop/nightly-report-28745760-bcdfg'];
    expect(report).toMatchObject({ status: 'failing', reason: 'not-found', workload: { kind: 'CronJob', name: 'nightly-report' } });
    expect(report.construct).toMatchObject({ path: 'shop/report/Workload/Resource', pathFrom: 'label' });
    expect(report.pullSecrets).toEqual([{ name: 'hub-pull', from: 'pod', state: 'matches', keys: ['https://index.docker.io/v1/'], producer: null }]);
    expect(report.fix).toContain('though pull secret "hub-pull" holds a credential for it');
  });

  test('a StatefulSet\'s pod: a rate-limited Docker Hub image without a credential: add one', () => {
    const db = byPod['data/db-0'];
    expect(db).toMatchObject({ reason: 'rate-limited', workload: { kind: 'StatefulSet', name: 'db' }, serviceAccount: 'default', pullSecrets: [] });
    expect(db.construct).toMatchObject({ path: 'data/db/Workload/Resource', pathFrom: 'label' });
    expect(db.fix).toBe('Docker Hub limits anonymous pulls: add a Docker Hub credential (a RegistrySecret with server "https://index.docker.io/v1/") '
      + 'in namespace "data" that StatefulSet "db" (construct data/db/Workload/Resource) references');
  });

  test('a raw Deployment sharing its name with a Service: no construct path (construct-metadata.json keys by name), no pull secret', () => {
    const api = byPod['shop/api-5f6d7c8b9-kxzvw'];
    expect(api).toMatchObject({ reason: 'unauthorized', workload: { kind: 'Deployment', name: 'api' }, construct: null, pullSecrets: [] });
    expect(api.fix).toContain('Deployment "api" references no pull secret (nor does its ServiceAccount "default"): add a RegistrySecret for ghcr.io');
  });

  test('a Job\'s pod gets its ServiceAccount\'s pull secrets; a name used once is trusted without a label', () => {
    expect(byPod['shop/migrate-qwxzt']).toMatchObject({
      status: 'pulled',
      fix: null,
      workload: { kind: 'Job', name: 'migrate' },
      serviceAccount: 'builder',
      construct: { path: 'shop/migrate', pathFrom: 'name', address: null },
      pullSecrets: [{ name: 'quay-pull', from: 'service-account', state: 'matches', keys: ['quay.io'] }],
    });
  });

  test('pods no workload fits, and a same-named pod in another namespace, have none', () => {
    expect(byPod['shop/stray']).toMatchObject({ workload: null, reason: 'unknown' });
    expect(byPod['other/web-7d4b9c8f6-x2x9k']).toMatchObject({ workload: null, status: 'pulled' });
  });

  test('the table: one line per pull, a WORKLOAD column, one line per fix', () => {
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+POD\s+CONTAINER\s+IMAGE\s+STATUS\s+REASON\s+COUNT\s+WORKLOAD\s+MESSAGE$/);
    expect(lines.slice(1, 8).every((l) => / (pulled|pulling|failing) /.test(l))).toBe(true);
    expect(lines[8]).toBe('');
    expect(lines[9]).toBe('What to fix:');
    expect(lines.filter((l) => l.startsWith('- '))).toHaveLength(5);
    expect(lines[lines.length - 1]).toBe('7 pulls: 2 pulled, 0 pulling, 5 failing (33 events read, 29 about image pulls).');
  });

  test('the same, from manifests synthesized now by cdk8s (construct-metadata.json and labels as cdk8s writes them today)', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-app-'));
    try {
      eventsApp(outdir).synth();
      // The fixtures hold what cdk8s alone writes: without the library's construct-paths.json.
      const pathsFile = path.join(outdir, '.cdk8s-private-registry', 'construct-paths.json');
      const paths = fs.readFileSync(pathsFile, 'utf8');
      fs.unlinkSync(pathsFile);
      const { report } = await json(['--manifests', outdir, fixture('cluster.json')]);
      const live = Object.fromEntries(report.pulls.map((p: any) => [`${p.namespace}/${p.pod}`, [p.reason, p.construct, p.pullSecrets, p.workload?.kind]]));
      expect(live).toEqual(Object.fromEntries(Object.entries(byPod).map(([k, p]) => [k, [p.reason, p.construct, p.pullSecrets, p.workload?.kind]])));
      // With it, preferred: every workload's construct as users know it, the raw Deployment "api" next to a Service "api" too.
      fs.writeFileSync(pathsFile, paths);
      const withPaths = (await json(['--manifests', outdir, fixture('cluster.json')])).report;
      expect(Object.fromEntries(withPaths.pulls.map((p: any) => [`${p.namespace}/${p.pod}`, p.construct && [p.construct.path, p.construct.pathFrom]]))).toEqual({
        'data/db-0': ['data/db/Workload', 'construct-paths'],
        'shop/web-7d4b9c8f6-x2x9k': ['shop/web/Workload', 'construct-paths'],
        'shop/nightly-report-28745760-bcdfg': ['shop/report/Workload', 'construct-paths'],
        'shop/api-5f6d7c8b9-kxzvw': ['shop/api-deployment', 'construct-paths'],
        'shop/migrate-qwxzt': ['shop/migrate', 'construct-paths'],
        'shop/stray': null,
        'other/web-7d4b9c8f6-x2x9k': null,
      });
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('a manifests file instead of a folder: construct-metadata.json is read from its folder', async () => {
    const { report } = await json(['--manifests', path.join(MANIFESTS, 'data.k8s.yaml'), '-n', 'data', fixture('cluster.json')]);
    expect(report.pulls[0].construct).toMatchObject({ path: 'data/db/Workload/Resource', pathFrom: 'label' });
  });

  test('without construct-metadata.json: the label only', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-manifests-'));
    try {
      fs.copyFileSync(path.join(MANIFESTS, 'data.k8s.yaml'), path.join(dir, 'data.k8s.yaml'));
      const { report } = await json(['--manifests', dir, '-n', 'data', fixture('cluster.json')]);
      expect(report.pulls[0].construct).toEqual({ path: null, pathFrom: null, address: expect.stringMatching(/^data-db-Workload-c8/) });
      expect(report.pulls[0].fix).toContain('StatefulSet "db" (construct address data-db-Workload-c8');
      fs.writeFileSync(path.join(dir, 'construct-metadata.json'), '{"version": "1.0.0"}');
      const broken = await events(['--manifests', dir, fixture('cluster.json')]);
      expect(broken.code).toBe(2);
      expect(broken.stderr).toContain('construct-metadata.json: has no "resources" object');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('input', () => {
  test('"-" reads standard input', async () => {
    const text = fs.readFileSync(fixture('failing.json'), 'utf8');
    const { code, report } = await json(['-'], Readable.from([text.slice(0, 100), Buffer.from(text.slice(100))]));
    expect(code).toBe(1);
    expect(report.source).toBe('<stdin>');
    expect(report.summary.pulls).toBe(2);
  });

  test('standard input is read up to a limit, then refused', async () => {
    await expect(readBoundedStream(Readable.from(['x'.repeat(600), 'y'.repeat(600)]), 1024)).rejects.toThrow('<stdin>: is larger than');
    expect(await readBoundedStream(Readable.from(['é', Buffer.from('€')]), 1024)).toBe('é€');
  });

  test('a watch stream (objects one after another)', async () => {
    const { report } = await json([fixture('watch.json')]);
    expect(report.pulls.map((p: any) => p.reason)).toEqual(['unreachable', 'unreachable']);
    expect(report.pulls[1].fix).toContain('does not trust the TLS certificate of registry.internal:5000');
  });

  test('a FIFO is refused without being opened (no hang); so is a device', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-fifo-'));
    try {
      const fifo = path.join(dir, 'events.json');
      execFileSync('mkfifo', [fifo]);
      const started = Date.now();
      const run = await events([fifo]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('is a FIFO (named pipe), not a regular file');
      expect(Date.now() - started).toBeLessThan(5000);
      // A FIFO in place of construct-metadata.json is refused too.
      fs.copyFileSync(path.join(MANIFESTS, 'data.k8s.yaml'), path.join(dir, 'data.k8s.yaml'));
      execFileSync('mkfifo', [path.join(dir, 'construct-metadata.json')]);
      fs.unlinkSync(fifo);
      const manifests = await events(['--manifests', dir, fixture('cluster.json')]);
      expect(manifests.code).toBe(2);
      expect(manifests.stderr).toContain('construct-metadata.json: is a FIFO');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const device = await events(['/dev/null']);
    expect(device.code).toBe(2);
    expect(device.stderr).toContain('is a character device');
  });

  test('a folder is no events file', async () => {
    const { code, stderr } = await events([FIXTURES]);
    expect(code).toBe(2);
    expect(stderr).toContain('is a folder, not a regular file');
  });
});

afterAll(() => {
  const auth = Buffer.from(`robot:${EVENTS_PASSWORD}`).toString('base64');
  for (const output of outputs) {
    expect(output).not.toContain(EVENTS_PASSWORD);
    expect(output).not.toContain(auth);
    expect(output).not.toContain('SECRETTOKENVALUE');
    expect(output).not.toContain('hunter2-pass');
    expect(output).not.toContain('SIGNATURE');
  }
});
