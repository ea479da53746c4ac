import { RegistryCredential } from '../../src/manifests/pull-secrets';
import { HttpRequest, HttpResponse, TransportError, withConcurrencyLimit } from '../../src/verify/http';
import { MANIFEST_MEDIA_TYPES, RegistryClient } from '../../src/verify/registry-client';

/** A scripted registry behind an injected transport: every request is recorded. */
function scripted(routes: Record<string, (req: HttpRequest) => Partial<HttpResponse>>) {
  const requests: HttpRequest[] = [];
  const transport = async (req: HttpRequest): Promise<HttpResponse> => {
    requests.push(req);
    const route = routes[`${req.method} ${req.url.origin}${req.url.pathname}`];
    if (!route) throw new TransportError('connection', `no route to ${req.url.href}`);
    return { status: 200, headers: {}, body: '', ...route(req) };
  };
  return { transport, requests };
}

describe('RegistryClient', () => {
  const alice = new RegistryCredential('alice', 'pw');
  const BASIC = alice.basicAuthorization();
  const basicChallenge = () => ({ status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } });

  test('Basic: ping, then HEAD the manifest with the credential and every manifest media type', async () => {
    const { transport, requests } = scripted({
      'GET https://reg.io/v2/': basicChallenge,
      'HEAD https://reg.io/v2/team/app/manifests/1.0': (req) => ({ status: req.headers.authorization === BASIC ? 200 : 401 }),
    });
    const client = new RegistryClient({ transport, timeoutMs: 1000 });
    await expect(client.checkPull('reg.io', 'team/app', '1.0', alice)).resolves.toEqual({ status: 'pullable', detail: 'manifest team/app:1.0 found (HTTP 200)' });
    expect(requests.map((r) => [r.method, r.url.href, r.headers.authorization])).toEqual([
      ['GET', 'https://reg.io/v2/', undefined],
      ['HEAD', 'https://reg.io/v2/team/app/manifests/1.0', BASIC],
    ]);
    expect(requests[1].headers.accept.split(', ')).toEqual([...MANIFEST_MEDIA_TYPES]);
    expect(requests.every((r) => !r.allowInsecureTls)).toBe(true);
  });

  test('Docker Hub images go to registry-1.docker.io; Bearer token from the realm with service and scope', async () => {
    const { transport, requests } = scripted({
      'GET https://registry-1.docker.io/v2/': () => ({
        status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"' },
      }),
      'GET https://auth.docker.io/token': () => ({ body: JSON.stringify({ access_token: 'tok' }) }),
      'HEAD https://registry-1.docker.io/v2/library/nginx/manifests/sha256:abc': (req) => ({ status: req.headers.authorization === 'Bearer tok' ? 200 : 401 }),
    });
    const client = new RegistryClient({ transport, timeoutMs: 1000 });
    await expect(client.checkPull('docker.io', 'library/nginx', 'sha256:abc', alice)).resolves.toMatchObject({ status: 'pullable', detail: 'manifest library/nginx@sha256:abc found (HTTP 200)' });
    const token = requests[1];
    expect(token.url.searchParams.get('service')).toBe('registry.docker.io');
    expect(token.url.searchParams.get('scope')).toBe('repository:library/nginx:pull');
    expect(token.headers.authorization).toBe(BASIC);
  });

  test('a realm over plain HTTP gets no credential', async () => {
    const { transport, requests } = scripted({
      'GET https://reg.io/v2/': () => ({ status: 401, headers: { 'www-authenticate': 'Bearer realm="http://auth.reg.io/token"' } }),
    });
    const result = await new RegistryClient({ transport, timeoutMs: 1000 }).checkPull('reg.io', 'app', '1', alice);
    expect(result).toEqual({
      status: 'unauthorized',
      detail: 'credentials not sent: token realm http://auth.reg.io is not HTTPS (list auth.reg.io with --insecure-registry to allow plain HTTP)',
    });
    expect(requests).toHaveLength(1);
  });

  test('plain HTTP and unverified TLS only for listed hosts', async () => {
    const { transport, requests } = scripted({
      // A listed host is asked over unverified TLS first; it answers in plain text, so plain HTTP follows.
      'GET https://reg.local:5000/v2/': () => { throw new TransportError('tls', 'wrong version number', { code: 'EPROTO', noTlsPeer: true }); },
      'GET http://reg.local:5000/v2/': () => ({ status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.local/token"' } }),
      'GET https://auth.local/token': () => ({ body: '{"token":"t"}' }),
      'HEAD http://reg.local:5000/v2/app/manifests/1': () => ({ status: 404 }),
    });
    const client = new RegistryClient({ transport, timeoutMs: 1000, insecureRegistries: ['reg.local:5000'] });
    await expect(client.checkPull('reg.local:5000', 'app', '1', alice)).resolves.toMatchObject({ status: 'not-found' });
    expect(requests.map((r) => [r.url.host, r.allowInsecureTls])).toEqual([['reg.local:5000', true], ['reg.local:5000', true], ['auth.local', false], ['reg.local:5000', true]]);
  });

  test('a redirect to another origin loses the Authorization header, for good', async () => {
    const { transport, requests } = scripted({
      'GET https://reg.io/v2/': basicChallenge,
      'HEAD https://reg.io/v2/app/manifests/1': () => ({ status: 307, headers: { location: 'https://cdn.example/blob' } }),
      'HEAD https://cdn.example/blob': () => ({ status: 302, headers: { location: 'https://reg.io/v2/app/manifests/final' } }),
      'HEAD https://reg.io/v2/app/manifests/final': () => ({ status: 200 }),
    });
    await expect(new RegistryClient({ transport, timeoutMs: 1000 }).checkPull('reg.io', 'app', '1', alice)).resolves.toMatchObject({ status: 'pullable' });
    expect(requests.map((r) => [r.url.href, r.headers.authorization])).toEqual([
      ['https://reg.io/v2/', undefined],
      ['https://reg.io/v2/app/manifests/1', BASIC],
      ['https://cdn.example/blob', undefined],
      ['https://reg.io/v2/app/manifests/final', undefined],
    ]);
  });

  test('a redirect from https to http on the same host is another origin, and plain HTTP is refused', async () => {
    const { transport, requests } = scripted({
      'GET https://reg.io/v2/': basicChallenge,
      'HEAD https://reg.io/v2/app/manifests/1': () => ({ status: 301, headers: { location: 'http://reg.io/v2/app/manifests/1' } }),
    });
    await expect(new RegistryClient({ transport, timeoutMs: 1000 }).checkPull('reg.io', 'app', '1', alice))
      .resolves.toEqual({ status: 'unreachable', detail: 'refusing plain HTTP to reg.io (list it with --insecure-registry to allow)' });
    expect(requests).toHaveLength(2);
  });

  test('at most 5 redirects', async () => {
    const { transport, requests } = scripted({
      'GET https://reg.io/v2/': () => ({ status: 200 }),
      'HEAD https://reg.io/v2/app/manifests/1': () => ({ status: 302, headers: { location: '/v2/app/manifests/1' } }),
    });
    await expect(new RegistryClient({ transport, timeoutMs: 1000 }).checkPull('reg.io', 'app', '1', alice))
      .resolves.toMatchObject({ status: 'registry-error', detail: expect.stringContaining('more than 5 redirects') });
    expect(requests.filter((r) => r.method === 'HEAD')).toHaveLength(6);
  });

  test('a challenge that comes from another host after a redirect gets no credential', async () => {
    const { transport, requests } = scripted({
      'GET https://reg.io/v2/': () => ({ status: 302, headers: { location: 'https://evil.example/v2/' } }),
      'GET https://evil.example/v2/': basicChallenge,
    });
    await expect(new RegistryClient({ transport, timeoutMs: 1000 }).checkPull('reg.io', 'app', '1', alice))
      .resolves.toMatchObject({ status: 'unauthorized', detail: expect.stringContaining('after a redirect away from reg.io') });
    expect(requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  test('statuses: 401/403 unauthorized, 404 not found, others registry-error; token refusals', async () => {
    const run = async (routes: Record<string, (req: HttpRequest) => Partial<HttpResponse>>) =>
      new RegistryClient({ transport: scripted(routes).transport, timeoutMs: 1000 }).checkPull('reg.io', 'app', '1', alice);
    const ping = { 'GET https://reg.io/v2/': basicChallenge };
    expect(await run({ ...ping, 'HEAD https://reg.io/v2/app/manifests/1': () => ({ status: 403 }) })).toMatchObject({ status: 'unauthorized' });
    expect(await run({ ...ping, 'HEAD https://reg.io/v2/app/manifests/1': () => ({ status: 500 }) })).toMatchObject({ status: 'registry-error' });
    expect(await run({ 'GET https://reg.io/v2/': () => ({ status: 404 }) })).toMatchObject({ status: 'registry-error' });
    expect(await run({ 'GET https://reg.io/v2/': () => ({ status: 401 }) }))
      .toMatchObject({ status: 'registry-error', detail: 'reg.io answered 401 with no WWW-Authenticate challenge' });
    const bearer = { 'GET https://reg.io/v2/': () => ({ status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.io/t"' } }) };
    expect(await run({ ...bearer, 'GET https://auth.io/t': () => ({ status: 401 }) }))
      .toMatchObject({ status: 'unauthorized', detail: 'token endpoint https://auth.io refused the credential (HTTP 401)' });
    expect(await run({ ...bearer, 'GET https://auth.io/t': () => ({ body: '{}' }) })).toMatchObject({ status: 'registry-error', detail: expect.stringContaining('without a token') });
    expect(await run({ ...bearer, 'GET https://auth.io/t': () => ({ body: 'nope' }) })).toMatchObject({ status: 'registry-error' });
    expect(await run({})).toMatchObject({ status: 'unreachable', detail: expect.stringContaining('connection failed') });
  });

  test('an anonymous ping, then a challenge on the manifest, is answered', async () => {
    const { transport, requests } = scripted({
      'GET https://reg.io/v2/': () => ({ status: 200 }),
      'HEAD https://reg.io/v2/app/manifests/1': (req) => (req.headers.authorization === BASIC ? { status: 200 } : basicChallenge()),
    });
    await expect(new RegistryClient({ transport, timeoutMs: 1000 }).checkPull('reg.io', 'app', '1', alice)).resolves.toMatchObject({ status: 'pullable' });
    expect(requests).toHaveLength(3);
  });

  test('one check per (registry, repository, reference, credential); one ping per registry; one token per scope and credential', async () => {
    const { transport, requests } = scripted({
      'GET https://reg.io/v2/': () => ({ status: 401, headers: { 'www-authenticate': 'Bearer realm="https://reg.io/token"' } }),
      'GET https://reg.io/token': () => ({ body: '{"token":"t"}' }),
      'HEAD https://reg.io/v2/app/manifests/1': () => ({ status: 200 }),
      'HEAD https://reg.io/v2/app/manifests/2': () => ({ status: 200 }),
    });
    const client = new RegistryClient({ transport: withConcurrencyLimit(transport, 8), timeoutMs: 1000 });
    const bob = new RegistryCredential('bob', 'pw');
    await Promise.all([
      client.checkPull('reg.io', 'app', '1', alice),
      client.checkPull('reg.io', 'app', '1', new RegistryCredential('alice', 'pw')), // same credential, another object
      client.checkPull('reg.io', 'app', '2', alice),
      client.checkPull('reg.io', 'app', '1', bob),
    ]);
    const count = (method: string, pathname: string) => requests.filter((r) => r.method === method && r.url.pathname === pathname).length;
    expect(count('GET', '/v2/')).toBe(1);
    expect(count('GET', '/token')).toBe(2); // alice and bob
    expect(count('HEAD', '/v2/app/manifests/1')).toBe(2); // alice and bob
    expect(count('HEAD', '/v2/app/manifests/2')).toBe(1);
  });
});
