/**
 * `--insecure-registry HOST:PORT` does what Docker and containerd do: TLS
 * without certificate verification first, plain HTTP only when the host
 * does not speak TLS. Against the real Debian `docker-registry` serving a
 * self-signed certificate (made with openssl at test time) and serving
 * plain HTTP; and the fallback rule itself against scripted transports.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RegistryCredential } from '../../src/manifests/pull-secrets';
import { HttpRequest, HttpResponse, TransportError, TransportErrorDetails } from '../../src/verify/http';
import { RegistryClient } from '../../src/verify/registry-client';
import { recordingCli } from '../support/cli';
import { b64, podYaml, pullSecretYaml, writeManifest } from '../support/hostile';
import { describeWithTools, pushImage, REGISTRY_TOOLS, RunningRegistry, startRegistry } from '../support/registry';

const USER = 'tls-robot';
const PASSWORD = 'T1s-self-signed&pass';
const WRONG_PASSWORD = 'T1s-rotated-out-pass';

describeWithTools(REGISTRY_TOOLS, 'verify --online --insecure-registry against a real docker-registry', () => {
  const { cli, outputs } = recordingCli();
  const payloads: string[] = [];
  let tlsRegistry: RunningRegistry;
  let plainRegistry: RunningRegistry;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-insecure-tls-'));
    tlsRegistry = await startRegistry({ auth: 'htpasswd', users: { [USER]: PASSWORD }, tls: true });
    plainRegistry = await startRegistry({ auth: 'htpasswd', users: { [USER]: PASSWORD } });
    // skopeo's --dest-tls-verify=false: unverified TLS for the one, plain HTTP after the failed TLS ping for the other.
    await pushImage(tlsRegistry, { repository: 'team/app', tag: '1.0', username: USER, password: PASSWORD });
    await pushImage(plainRegistry, { repository: 'team/app', tag: '1.0', username: USER, password: PASSWORD });
  }, 90_000);

  afterAll(async () => {
    await tlsRegistry?.stop();
    await plainRegistry?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    // No output of any run, failing ones included, holds the password, its `auth` or the whole payload.
    const text = outputs.join('\n');
    for (const secret of [PASSWORD, WRONG_PASSWORD, b64(`${USER}:${PASSWORD}`), b64(`${USER}:${WRONG_PASSWORD}`), ...payloads]) {
      expect(text).not.toContain(secret);
    }
  }, 30_000);

  /** A Pod pulling team/app:1.0 from `registry` with one secret holding `password`. */
  function manifests(name: string, registry: RunningRegistry, password = PASSWORD): string {
    const secret = pullSecretYaml('pull', registry.host, USER, password);
    payloads.push(secret.payload);
    return writeManifest(dir, `${name}.yaml`, [secret.yaml, podYaml('app', `${registry.host}/team/app:1.0`, ['pull'])]);
  }

  async function verifyJson(file: string, ...flags: string[]) {
    const run = await cli('verify', '--online', '--format', 'json', '--timeout-ms', '5000', ...flags, file);
    expect(run.stderr).toBe('');
    const [image] = JSON.parse(run.stdout).findings;
    return { code: run.code, status: image.status as string, message: image.message as string };
  }

  test('a listed self-signed TLS registry is asked over TLS without verification: pullable (exit 0), no plain HTTP sent', async () => {
    const result = await verifyJson(manifests('tls-listed', tlsRegistry), '--insecure-registry', tlsRegistry.host);
    expect(result).toMatchObject({ code: 0, status: 'pullable', message: expect.stringContaining('manifest team/app:1.0 found (HTTP 200)') });
    // Go's TLS server logs any plain-HTTP request it gets; there was none.
    expect(tlsRegistry.logs()).not.toMatch(/HTTP request to an HTTPS server/);
  }, 30_000);

  test('a listed self-signed TLS registry refuses a wrong password over TLS: unauthorized', async () => {
    const result = await verifyJson(manifests('tls-wrong', tlsRegistry, WRONG_PASSWORD), '--insecure-registry', tlsRegistry.host);
    expect(result).toMatchObject({ code: 1, status: 'unauthorized', message: expect.stringContaining('the registry refused the credential') });
  }, 30_000);

  test('an unlisted self-signed TLS registry is unreachable, and the message names --insecure-registry HOST:PORT', async () => {
    const file = manifests('tls-unlisted', tlsRegistry);
    const result = await verifyJson(file);
    expect(result.status).toBe('unreachable');
    expect(result.message).toContain(`TLS error from ${tlsRegistry.host}: DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate`);
    expect(result.message).toContain(`list it with --insecure-registry ${tlsRegistry.host}`);
    const table = await cli('verify', '--online', '--timeout-ms', '5000', file);
    expect(table.code).toBe(1);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(4); // header, the one finding, blank, summary
  }, 30_000);

  test('a listed plain-HTTP registry still works: the TLS hello is answered in plain text, so HTTP is used', async () => {
    const result = await verifyJson(manifests('plain-listed', plainRegistry), '--insecure-registry', plainRegistry.host);
    expect(result).toMatchObject({ code: 0, status: 'pullable' });
  }, 30_000);

  test('an unlisted plain-HTTP registry: does not speak TLS, one line, names --insecure-registry HOST:PORT', async () => {
    const file = manifests('plain-unlisted', plainRegistry);
    const result = await verifyJson(file);
    expect(result.status).toBe('unreachable');
    expect(result.message).toContain(`${plainRegistry.host} does not speak TLS`);
    expect(result.message).toContain(`--insecure-registry ${plainRegistry.host}`);
    const table = await cli('verify', '--online', '--timeout-ms', '5000', file);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(4);
  }, 30_000);
});

describe('the fallback rule: plain HTTP only when a listed host shows it does not speak TLS', () => {
  const alice = new RegistryCredential('alice', 'pw');
  const fail = (failure: TransportError['failure'], details: TransportErrorDetails = {}) => () => {
    throw new TransportError(failure, [failure, details.code].filter(Boolean).join(' '), details);
  };
  const ok = (status: number, headers: Record<string, string> = {}) => (): Partial<HttpResponse> => ({ status, headers });
  type Route = () => Partial<HttpResponse>;

  async function run(domain: string, routes: Record<string, Route>, insecure: string[] = [domain]) {
    const requests: HttpRequest[] = [];
    const transport = async (req: HttpRequest): Promise<HttpResponse> => {
      requests.push(req);
      expect(requests.length).toBeLessThan(10);
      const route = routes[`${req.method} ${req.url.href}`];
      if (!route) throw new TransportError('connection', `no route to ${req.url.href}`, { code: 'ECONNREFUSED' });
      return { status: 200, headers: {}, body: '', ...route() };
    };
    const result = await new RegistryClient({ transport, timeoutMs: 1000, insecureRegistries: insecure }).checkPull(domain, 'app', '1', alice);
    return { result, urls: requests.map((r) => `${r.method} ${r.url.href} ${r.allowInsecureTls ? 'unverified' : 'verified'}`) };
  }

  const plainHead = { 'GET http://reg.local:5000/v2/': ok(200), 'HEAD http://reg.local:5000/v2/app/manifests/1': ok(200) };

  test.each([
    ['answered in plain text (wrong version number)', fail('tls', { code: 'EPROTO', noTlsPeer: true })],
    ['connection closed before the handshake', fail('connection', { code: 'ECONNRESET', noTlsPeer: true })],
  ])('falls back when the TLS attempt was %s', async (_what, tlsRoute) => {
    const { result, urls } = await run('reg.local:5000', { 'GET https://reg.local:5000/v2/': tlsRoute, ...plainHead });
    expect(result.status).toBe('pullable');
    expect(urls).toEqual([
      'GET https://reg.local:5000/v2/ unverified',
      'GET http://reg.local:5000/v2/ unverified',
      'HEAD http://reg.local:5000/v2/app/manifests/1 unverified',
    ]);
  });

  test.each([
    ['a refused explicit port', fail('connection', { code: 'ECONNREFUSED' }), 'connection failed'],
    ['a timeout', fail('timeout'), 'timeout'],
    ['a TLS alert (the host speaks TLS)', fail('tls', { code: 'EPROTO' }), 'TLS error from reg.local:5000'],
    ['a certificate error', fail('tls', { code: 'CERT_HAS_EXPIRED' }), 'TLS error from reg.local:5000'],
  ])('does not fall back on %s', async (_what, tlsRoute, detail) => {
    const { result, urls } = await run('reg.local:5000', { 'GET https://reg.local:5000/v2/': tlsRoute, ...plainHead });
    expect(result).toMatchObject({ status: 'unreachable', detail: expect.stringContaining(detail) });
    expect(result.detail).not.toContain('Fix:'); // the host is listed already
    expect(urls).toEqual(['GET https://reg.local:5000/v2/ unverified']);
  });

  test('an entry without a port falls back when port 443 refuses (plain HTTP goes to port 80), as containerd does', async () => {
    const { result, urls } = await run('reg.local', {
      'GET https://reg.local/v2/': fail('connection', { code: 'ECONNREFUSED' }),
      'GET http://reg.local/v2/': ok(200),
      'HEAD http://reg.local/v2/app/manifests/1': ok(404),
    });
    expect(result.status).toBe('not-found');
    expect(urls[0]).toBe('GET https://reg.local/v2/ unverified');
    expect(urls[1]).toBe('GET http://reg.local/v2/ unverified');
  });

  test('never for a host that is not listed, and never for a redirect target', async () => {
    const notListed = await run('reg.local:5000', { 'GET https://reg.local:5000/v2/': fail('tls', { code: 'EPROTO', noTlsPeer: true }) }, []);
    expect(notListed.result.detail).toContain('Fix: if it serves plain HTTP, list it with --insecure-registry reg.local:5000');
    expect(notListed.urls).toHaveLength(1);
    const redirected = await run('reg.local:5000', {
      'GET https://reg.local:5000/v2/': ok(302, { location: 'https://other.local:6000/v2/' }),
      'GET https://other.local:6000/v2/': fail('tls', { code: 'EPROTO', noTlsPeer: true }),
    }, ['reg.local:5000', 'other.local:6000']);
    expect(redirected.result.status).toBe('unreachable');
    expect(redirected.urls).toEqual(['GET https://reg.local:5000/v2/ unverified', 'GET https://other.local:6000/v2/ unverified']);
  });

  test('when plain HTTP fails too, both failures are told', async () => {
    const { result } = await run('reg.local:5000', {
      'GET https://reg.local:5000/v2/': fail('tls', { code: 'EPROTO', noTlsPeer: true }),
      'GET http://reg.local:5000/v2/': fail('timeout'),
    });
    expect(result.detail).toBe('timeout: timeout (over plain HTTP, after TLS failed: tls EPROTO)');
  });
});
