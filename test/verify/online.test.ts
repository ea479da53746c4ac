/**
 * Online checks against in-process fake registries on 127.0.0.1 (Basic and
 * Bearer challenges, redirects, slow and closed ports), driven through the
 * CLI as a user would. No traffic leaves the loopback interface.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { JsonReport } from '../../src/cli/verify-report';
import { recordingCli } from '../support/cli';
import { b64, FakeServer, PASSWORD, pullSecret, registry, TOKEN, USER, workload, WRONG_PASSWORD } from '../support/fake-registry';
import { testWithTools } from '../support/tools';

/** Every string a test wrote anywhere: scanned for secrets at the end. */
const { cli, outputs } = recordingCli();

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-online-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

let fileCount = 0;
function manifest(...docs: string[]): string {
  const file = path.join(dir, `m${++fileCount}.yaml`);
  fs.writeFileSync(file, docs.join('---\n'));
  return file;
}

interface OnlineRun {
  readonly code: number;
  readonly report: JsonReport;
  /** Image findings by object name. */
  readonly byName: Record<string, { status: string; message: string }>;
}

async function verifyJson(file: string, ...flags: string[]): Promise<OnlineRun> {
  const { code, stdout, stderr } = await cli('verify', '--online', '--format', 'json', ...flags, file);
  expect(stderr).toBe('');
  const report = JSON.parse(stdout) as JsonReport;
  const byName = Object.fromEntries(report.findings.filter((f) => f.container !== null).map((f) => [f.name, f]));
  return { code, report, byName };
}

describe('Basic auth registry', () => {
  let reg: FakeServer;
  beforeAll(async () => {
    reg = await registry({ auth: 'basic', images: ['team/app:1'] }).start();
  });
  afterAll(() => reg.stop());

  test('pullable, unauthorized and not-found; exit 1', async () => {
    const host = `127.0.0.1:${reg.port}`;
    const file = manifest(
      pullSecret('good', host),
      pullSecret('wrong', host, WRONG_PASSWORD),
      workload('Deployment', 'ok', `${host}/team/app:1`, 'good'),
      workload('Deployment', 'refused', `${host}/team/app:1`, 'wrong'),
      workload('Deployment', 'missing', `${host}/team/app:2`, 'good'),
    );
    const { code, report, byName } = await verifyJson(file, '--insecure-registry', host);
    expect(code).toBe(1);
    expect(report.mode).toBe('online');
    expect(byName.ok.status).toBe('pullable');
    expect(byName.refused.status).toBe('unauthorized');
    expect(byName.missing.status).toBe('not-found');
    expect(byName.ok.message).toBe('manifest team/app:1 found (HTTP 200) with secret "good" (key "' + host + '")');
    expect(report.summary.byStatus).toMatchObject({ 'pullable': 1, 'unauthorized': 1, 'not-found': 1 });
    const heads = reg.requests.filter((r) => r.method === 'HEAD');
    expect(heads.every((r) => r.accept?.includes('application/vnd.oci.image.index.v1+json'))).toBe(true);
  });

  test('credentials are tried in the kubelet\'s order until one works; when all fail, the most telling failure is reported', async () => {
    const host = `127.0.0.1:${reg.port}`;
    const twoSecrets = (name: string, image: string, secrets: string[]) => workload('Pod', name, image, secrets[0])
      .replace(`imagePullSecrets: [{ name: ${secrets[0]} }]`, `imagePullSecrets: [${secrets.map((s) => `{ name: ${s} }`).join(', ')}]`);
    const file = manifest(
      pullSecret('good', host),
      pullSecret('wrong', host, WRONG_PASSWORD),
      twoSecrets('second-works', `${host}/team/app:1`, ['wrong', 'good']),
      twoSecrets('none-works', `${host}/team/app:9`, ['wrong', 'good']),
    );
    const { byName } = await verifyJson(file, '--insecure-registry', host);
    expect(byName['second-works']).toMatchObject({ status: 'pullable', message: expect.stringContaining('with secret "good"') });
    expect(byName['none-works'].status).toBe('not-found');
    expect(byName['none-works'].message).toBe(`secret "wrong" (key "${host}"): the registry refused the credential for team/app:9 (HTTP 401); `
      + `secret "good" (key "${host}"): no manifest team/app:9 (HTTP 404)`);
  });

  test('without --insecure-registry the registry is tried over TLS only, and unreachable', async () => {
    const host = `127.0.0.1:${reg.port}`;
    const before = reg.requests.length;
    const { code, byName } = await verifyJson(manifest(pullSecret('good', host), workload('Pod', 'p', `${host}/team/app:1`, 'good')));
    expect(code).toBe(1);
    expect(byName.p.status).toBe('unreachable');
    // The plain-HTTP server saw a TLS handshake at most, never an HTTP request with credentials.
    expect(reg.requests.slice(before).filter((r) => r.authorization)).toEqual([]);
  });
});

describe('Bearer token registry', () => {
  test.each(['token', 'access_token'] as const)('a token in "%s" is used; exit 0', async (tokenField) => {
    const reg = await registry({ auth: 'bearer', images: ['team/app:1'], tokenField }).start();
    try {
      const host = `127.0.0.1:${reg.port}`;
      const { code, byName } = await verifyJson(manifest(pullSecret('good', host), workload('Pod', 'p', `${host}/team/app:1`, 'good')),
        '--insecure-registry', host);
      expect(byName.p.status).toBe('pullable');
      expect(code).toBe(0);
      const token = reg.requests.find((r) => r.path.startsWith('/token'))!;
      const query = new URL(token.path, 'http://x').searchParams;
      expect(query.get('service')).toBe('fake, registry');
      expect(query.get('scope')).toBe('repository:team/app:pull');
      expect(token.authorization).toBe(`Basic ${b64(`${USER}:${PASSWORD}`)}`);
      expect(reg.requests.find((r) => r.method === 'HEAD')!.authorization).toBe(`Bearer ${TOKEN}`);
    } finally {
      await reg.stop();
    }
  });

  test('a wrong password is refused by the token endpoint: unauthorized', async () => {
    const reg = await registry({ auth: 'bearer', images: ['team/app:1'] }).start();
    try {
      const host = `127.0.0.1:${reg.port}`;
      const { byName } = await verifyJson(manifest(pullSecret('bad', host, WRONG_PASSWORD), workload('Pod', 'p', `${host}/team/app:1`, 'bad')),
        '--insecure-registry', host);
      expect(byName.p).toMatchObject({ status: 'unauthorized', message: expect.stringContaining('refused the credential (HTTP 401)') });
      expect(reg.count('HEAD', '/v2/')).toBe(0);
    } finally {
      await reg.stop();
    }
  });

  test('a realm on a host not listed as insecure gets no credential over plain HTTP', async () => {
    const tokens = await new FakeServer((_req, res) => res.writeHead(200).end(JSON.stringify({ token: TOKEN }))).start();
    const reg = await registry({ auth: 'bearer', images: ['team/app:1'], realm: () => `http://localhost:${tokens.port}/token` }).start();
    try {
      const host = `127.0.0.1:${reg.port}`;
      const { byName } = await verifyJson(manifest(pullSecret('good', host), workload('Pod', 'p', `${host}/team/app:1`, 'good')),
        '--insecure-registry', host);
      expect(byName.p.status).toBe('unauthorized');
      expect(byName.p.message).toContain(`credentials not sent: token realm http://localhost:${tokens.port} is not HTTPS`);
      expect(tokens.requests).toEqual([]);
    } finally {
      await reg.stop();
      await tokens.stop();
    }
  });

  testWithTools(['openssl'], 'a self-signed TLS realm is trusted only when its host is listed', async () => {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile,
      '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const tls = { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
    const basic = `Basic ${b64(`${USER}:${PASSWORD}`)}`;
    const tokens = await new FakeServer((req, res) => {
      res.writeHead(req.headers.authorization === basic ? 200 : 401).end(JSON.stringify({ token: TOKEN }));
    }, tls).start();
    const reg = await registry({ auth: 'bearer', images: ['team/app:1'], realm: () => `https://localhost:${tokens.port}/token` }).start();
    try {
      const host = `127.0.0.1:${reg.port}`;
      const file = manifest(pullSecret('good', host), workload('Pod', 'p', `${host}/team/app:1`, 'good'));
      const refused = await verifyJson(file, '--insecure-registry', host);
      expect(refused.byName.p).toMatchObject({ status: 'unreachable', message: expect.stringContaining('TLS error') });
      expect(tokens.requests).toEqual([]); // the handshake failed before any request
      const trusted = await verifyJson(file, '--insecure-registry', host, '--insecure-registry', `localhost:${tokens.port}`);
      expect(trusted.byName.p.status).toBe('pullable');
    } finally {
      await reg.stop();
      await tokens.stop();
    }
  });
});

describe('redirects', () => {
  /** A registry whose manifest answers with a redirect to a second server on `localhost`. */
  async function redirectingRegistry() {
    const storage = await new FakeServer((_req, res) => res.writeHead(200).end()).start();
    const reg = await registry({
      auth: 'basic',
      images: ['team/app:1'],
      redirects: { '/v2/team/app/manifests/1': () => `http://localhost:${storage.port}/blobs/manifest-1` },
    }).start();
    return { storage, reg };
  }

  test('a redirect to another host is followed without the Authorization header', async () => {
    const { storage, reg } = await redirectingRegistry();
    try {
      const host = `127.0.0.1:${reg.port}`;
      const { byName } = await verifyJson(manifest(pullSecret('good', host), workload('Pod', 'p', `${host}/team/app:1`, 'good')),
        '--insecure-registry', host, '--insecure-registry', `localhost:${storage.port}`);
      expect(byName.p.status).toBe('pullable');
      expect(reg.requests.find((r) => r.method === 'HEAD')!.authorization).toBeDefined();
      expect(storage.requests).toEqual([{ method: 'HEAD', path: '/blobs/manifest-1', accept: expect.any(String) }]);
    } finally {
      await reg.stop();
      await storage.stop();
    }
  });

  test('a redirect to a plain-HTTP host that is not listed is not followed', async () => {
    const { storage, reg } = await redirectingRegistry();
    try {
      const host = `127.0.0.1:${reg.port}`;
      const { byName } = await verifyJson(manifest(pullSecret('good', host), workload('Pod', 'p', `${host}/team/app:1`, 'good')),
        '--insecure-registry', host);
      expect(byName.p).toMatchObject({ status: 'unreachable', message: expect.stringContaining(`refusing plain HTTP to localhost:${storage.port}`) });
      expect(storage.requests).toEqual([]);
    } finally {
      await reg.stop();
      await storage.stop();
    }
  });
});

describe('unreachable registries', () => {
  test('a closed port is unreachable, with the reason', async () => {
    const closed = await new FakeServer(() => undefined).start();
    const port = closed.port;
    await closed.stop();
    const host = `127.0.0.1:${port}`;
    const { code, byName } = await verifyJson(manifest(pullSecret('good', host), workload('Pod', 'p', `${host}/app:1`, 'good')),
      '--insecure-registry', host);
    expect(code).toBe(1);
    expect(byName.p).toMatchObject({ status: 'unreachable', message: expect.stringContaining('ECONNREFUSED') });
  });

  test('a registry that does not answer times out', async () => {
    const silent = await new FakeServer(() => undefined).start();
    try {
      const host = `127.0.0.1:${silent.port}`;
      const started = Date.now();
      const { byName } = await verifyJson(manifest(pullSecret('good', host), workload('Pod', 'p', `${host}/app:1`, 'good')),
        '--insecure-registry', host, '--timeout-ms', '200');
      expect(byName.p).toMatchObject({ status: 'unreachable', message: expect.stringContaining('timeout') });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(silent.requests).toHaveLength(1); // timeouts are not retried
    } finally {
      await silent.stop();
    }
  });
});

describe('dedupe and concurrency', () => {
  test('one HEAD for many workloads using the same image and credential', async () => {
    const reg = await registry({ auth: 'bearer', images: ['team/app:1'] }).start();
    try {
      const host = `127.0.0.1:${reg.port}`;
      const file = manifest(
        pullSecret('one', host),
        pullSecret('same-credential', host),
        workload('Deployment', 'a', `${host}/team/app:1`, 'one'),
        workload('Deployment', 'b', `${host}/team/app:1`, 'one'),
        workload('Pod', 'c', `${host}/team/app:1`, 'one'),
        workload('Pod', 'd', `${host}/team/app:1`, 'same-credential'),
      );
      const { code, byName } = await verifyJson(file, '--insecure-registry', host);
      expect(code).toBe(0);
      expect(Object.values(byName).map((f) => f.status)).toEqual(['pullable', 'pullable', 'pullable', 'pullable']);
      expect(reg.count('HEAD', '/v2/team/app/manifests/1')).toBe(1);
      expect(reg.count('GET', '/v2/')).toBe(1);
      expect(reg.count('GET', '/token')).toBe(1);
    } finally {
      await reg.stop();
    }
  });

  test.each([[2, 2], [8, 6]])('--concurrency %i: at most %i requests in flight', async (concurrency, peak) => {
    const images = [0, 1, 2, 3, 4, 5].map((i) => `team/app${i}:1`);
    const reg = await registry({ auth: 'basic', images, delayMs: 50 }).start();
    try {
      const host = `127.0.0.1:${reg.port}`;
      const file = manifest(pullSecret('good', host), ...images.map((image, i) => workload('Pod', `p${i}`, `${host}/${image}`, 'good')));
      const { code } = await verifyJson(file, '--insecure-registry', host, '--concurrency', String(concurrency));
      expect(code).toBe(0);
      expect(reg.count('HEAD', '/v2/')).toBe(6);
      expect(reg.peakInFlight).toBe(peak);
    } finally {
      await reg.stop();
    }
  });
});

afterAll(() => {
  // The secrets of this suite, in every form they took, appear in no output.
  const text = outputs.join('\n');
  expect(outputs.length).toBeGreaterThan(0);
  for (const secret of [PASSWORD, WRONG_PASSWORD, TOKEN, b64(`${USER}:${PASSWORD}`), b64(`${USER}:${WRONG_PASSWORD}`)]) {
    expect(text).not.toContain(secret);
  }
});
