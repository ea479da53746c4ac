/**
 * Proves the real-registry harness in test/support/registry.ts with real
 * components: distribution 2.8 (`docker-registry`), skopeo, htpasswd and
 * openssl, all on 127.0.0.1.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import {
  buildOciLayout, buildTar, describeWithTools, isPortOpen, isProcessAlive, pushImage, readOciLayout,
  REGISTRY_TOOLS, requireTools, RunningRegistry, sha256Digest, skopeoInspect, startRegistry, testWithTools, writeAuthFile,
} from './registry';

const START_TIMEOUT = 20_000;
const CLIENT_TIMEOUT = 30_000;

describe('requireTools', () => {
  test('ok when every tool is on PATH', () => {
    expect(requireTools(['sh'])).toEqual({ ok: true, missing: [] });
  });

  test('names each missing tool and its Debian package', () => {
    const check = requireTools(['sh', 'htpasswd-not-here', 'no-such-tool-xyz']);
    expect(check.ok).toBe(false);
    expect(check.missing).toEqual(['htpasswd-not-here', 'no-such-tool-xyz']);
    expect(check.reason).toContain('no-such-tool-xyz');
  });

  test('maps harness tools to Debian packages', () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(requireTools(['htpasswd']).reason).toContain('htpasswd (Debian package apache2-utils)');
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('buildOciLayout', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-private-registry-oci-test-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes a content-addressed layout whose digests match the files', () => {
    const layout = buildOciLayout(dir, { refName: 'v1' });
    const info = readOciLayout(layout);
    expect(info.refName).toBe('v1');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    for (const digest of [info.manifestDigest, info.configDigest, info.layerDigest]) {
      expect(sha256Digest(fs.readFileSync(path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length))))).toBe(digest);
    }
    const layer = zlib.gunzipSync(fs.readFileSync(path.join(dir, 'blobs', 'sha256', info.layerDigest.slice(7))));
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'blobs', 'sha256', info.configDigest.slice(7)), 'utf8'));
    expect(config).toMatchObject({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(layer)] } });
  });

  test('is deterministic', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-private-registry-oci-test-'));
    try {
      expect(readOciLayout(buildOciLayout(other)).manifestDigest).toBe(readOciLayout(buildOciLayout(dir)).manifestDigest);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  testWithTools(['tar'], 'the hand-written tar is read by GNU tar', () => {
    const result = spawnSync('tar', ['-tvf', '-'], { input: buildTar('hello.txt', Buffer.from('hi\n')), encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^-rw-r--r-- root\/root\s+3 .* hello\.txt\n$/);
  });
});

/** `GET <url>` with optional Basic credentials; status and headers only. */
function get(url: string, basic?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = basic ? { Authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : undefined;
    http.get(url, { agent: false, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

/**
 * The same push/inspect checks for every auth mode: a push with the right
 * credentials works, a wrong password is refused (and never printed), and
 * skopeo inspect works with the right authfile only.
 */
function pushAndInspectChecks(getRegistry: () => RunningRegistry, user: string, password: string): void {
  const repository = 'team/app';
  let digest: string;

  test('push with the right credentials succeeds', async () => {
    const pushed = await pushImage(getRegistry(), { repository, tag: 'v1', username: user, password });
    expect(pushed.ref).toBe(`${getRegistry().host}/${repository}:v1`);
    digest = pushed.digest;
  }, CLIENT_TIMEOUT);

  test('push with a wrong password fails without printing the password', async () => {
    const wrong = 'wrong-Pa55word';
    const error: Error = await pushImage(getRegistry(), { repository, tag: 'v2', username: user, password: wrong }).then(
      () => { throw new Error('push unexpectedly succeeded'); }, (err: Error) => err);
    expect(error.message).toMatch(/unauthorized|authentication required|401|invalid username\/password/i);
    expect(error.message).not.toContain(wrong);
  }, CLIENT_TIMEOUT);

  test('inspect with an authfile holding the right credentials succeeds', async () => {
    const authfile = writeAuthFile(path.join(getRegistry().workDir, 'good.json'), getRegistry().host, user, password);
    const result = await skopeoInspect(`${getRegistry().host}/${repository}:v1`, authfile);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.ok).toBe(true);
    expect(JSON.parse(result.stdout).Digest).toBe(digest);
  }, CLIENT_TIMEOUT);

  test('inspect with a wrong password fails', async () => {
    const authfile = writeAuthFile(path.join(getRegistry().workDir, 'bad.json'), getRegistry().host, user, 'not-the-password');
    const result = await skopeoInspect(`${getRegistry().host}/${repository}:v1`, authfile);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/unauthorized|authentication required|invalid username\/password/i);
  }, CLIENT_TIMEOUT);

  test('anonymous inspect fails', async () => {
    const result = await skopeoInspect(`${getRegistry().host}/${repository}:v1`);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/unauthorized|authentication required/i);
  }, CLIENT_TIMEOUT);
}

/** After stop(): the port is closed, the process gone, the directory removed; stop() again is harmless. */
async function expectFullyStopped(registry: RunningRegistry): Promise<void> {
  await registry.stop();
  expect(await isPortOpen(registry.port)).toBe(false);
  expect(isProcessAlive(registry.pid)).toBe(false);
  expect(fs.existsSync(registry.workDir)).toBe(false);
  if (registry.tokenIssuer) expect(await isPortOpen(registry.tokenIssuer.port)).toBe(false);
  await expect(registry.stop()).resolves.toBeUndefined();
}

describeWithTools(REGISTRY_TOOLS, 'registry harness (real docker-registry + skopeo)', () => {
  describe('htpasswd auth', () => {
    const users = { alice: 'al1ce:pass word' }; // ':' and a space survive htpasswd and --dest-creds
    let registry: RunningRegistry;
    beforeAll(async () => { registry = await startRegistry({ auth: 'htpasswd', users }); }, START_TIMEOUT);
    afterAll(async () => registry?.stop(), START_TIMEOUT);

    test('listens on loopback and asks for Basic credentials', async () => {
      expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
      const res = await get(`${registry.url}/v2/`);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
      expect((await get(`${registry.url}/v2/`, 'alice:al1ce:pass word')).status).toBe(200);
    });

    pushAndInspectChecks(() => registry, 'alice', users.alice);

    test('stop() leaves no process, port or file behind', async () => expectFullyStopped(registry), START_TIMEOUT);
  });

  describe('token auth', () => {
    const users = { bob: 'b0b-secret' };
    let registry: RunningRegistry;
    beforeAll(async () => { registry = await startRegistry({ auth: 'token', users }); }, START_TIMEOUT);
    afterAll(async () => registry?.stop(), START_TIMEOUT);

    test('the registry points clients at the issuer, which refuses wrong credentials', async () => {
      const challenge = (await get(`${registry.url}/v2/`)).headers['www-authenticate'];
      expect(challenge).toBe(`Bearer realm="${registry.tokenIssuer!.realm}",service="cdk8s-private-registry-test"`);
      const query = '?service=cdk8s-private-registry-test&scope=repository:team/app:pull';
      expect((await get(`${registry.tokenIssuer!.realm}${query}`, 'bob:wrong')).status).toBe(401);
      const ok = await get(`${registry.tokenIssuer!.realm}${query}`, 'bob:b0b-secret');
      expect(ok.status).toBe(200);
      const body = JSON.parse(ok.body);
      expect(body).toMatchObject({ expires_in: 300 });
      expect(body.access_token).toBe(body.token);
      const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ sub: 'bob', aud: 'cdk8s-private-registry-test', access: [{ type: 'repository', name: 'team/app', actions: ['pull'] }] });
    });

    pushAndInspectChecks(() => registry, 'bob', users.bob);

    test('the client flow went through the issuer', () => {
      const requests = registry.tokenIssuer!.requests;
      expect(requests.some((r) => r.user === 'bob' && r.status === 200 && r.granted.some((g) => g.actions.includes('push')))).toBe(true);
      expect(requests.some((r) => r.user === 'bob' && r.status === 401)).toBe(true);
    });

    test('stop() also stops the token issuer', async () => expectFullyStopped(registry), START_TIMEOUT);
  });

  describe('no auth', () => {
    test('anonymous push and inspect work, and stop() cleans up', async () => {
      const registry = await startRegistry({ auth: 'none' });
      try {
        const pushed = await pushImage(registry, { repository: 'open/app', tag: 'latest' });
        const result = await skopeoInspect(pushed.ref);
        expect(result.ok).toBe(true);
        expect(JSON.parse(result.stdout).Digest).toBe(pushed.digest);
      } finally {
        await expectFullyStopped(registry);
      }
    }, CLIENT_TIMEOUT);
  });
});
