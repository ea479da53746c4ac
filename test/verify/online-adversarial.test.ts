/**
 * `verify --online` against hostile servers, all on 127.0.0.1 (never any
 * other address): redirects to other ports, token realms on other ports,
 * self-signed TLS listed and not, hanging answers, endless bodies, redirect
 * loops, a server that closes every connection, and one so slow that only
 * the per-image deadline ends the check. Each row runs the CLI twice (JSON
 * and table) and bounds the requests each server saw; every server is
 * stopped in afterAll, and no output holds a secret.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { USAGE } from '../../src/cli/main';
import { formatJson, formatTable } from '../../src/cli/verify-report';
import { finding } from '../../src/verify/findings';
import { Abandoned, MAX_BODY_BYTES, SharedWork } from '../../src/verify/http';
import { IMAGE_DEADLINE_TIMEOUTS } from '../../src/verify/online';
import { recordingCli } from '../support/cli';
import { b64, HostileServer, podYaml, pullSecretYaml, sleep, startAll, writeManifest } from '../support/hostile';
import { selfSignedCertificate } from '../support/tls';
import { describeWithTools } from '../support/tools';

const USER = 'mallory-target';
const PASSWORD = 'Adv3rsarial-pa55!';
const SECOND_PASSWORD = 'Adv3rsarial-second-pa55!';
const BASIC = `Basic ${b64(`${USER}:${PASSWORD}`)}`;
const TOKEN = 'adversarial-token-5e6f';

const { cli, outputs } = recordingCli();
const payloads: string[] = [];
/** A registry v2 API: `/v2/` challenges, `routes` answer whoever asks, the manifest `team/app:1` exists for the credential. */
function registryHandler(challenge: () => string, routes: Record<string, (res: http.ServerResponse) => void> = {}) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    const authorized = req.headers.authorization === BASIC || req.headers.authorization === `Bearer ${TOKEN}`;
    const route = routes[req.url!];
    if (route && req.url !== '/v2/') return route(res);
    if (req.url === '/v2/' || !authorized) return res.writeHead(401, { 'WWW-Authenticate': challenge() }).end();
    return res.writeHead(req.url === '/v2/team/app/manifests/1' ? 200 : 404).end();
  };
}

const basicChallenge = () => 'Basic realm="registry"';
const redirect = (location: () => string, status = 307) => (res: http.ServerResponse) => res.writeHead(status, { Location: location() }).end();
/** Issues TOKEN for the right Basic credential. */
const tokenHandler = (req: http.IncomingMessage, res: http.ServerResponse) => (req.headers.authorization === BASIC
  ? res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token: TOKEN }))
  : res.writeHead(401).end());

// Plain HTTP servers.
const sink = new HostileServer({ kind: 'http' }, (_req, res) => res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="hand it over"' }).end());
const bouncer = new HostileServer({ kind: 'http' }, (_req, res) => redirect(() => `http://${plain.host}/v2/loop/manifests/1`, 302)(res));
const plain: HostileServer = new HostileServer({ kind: 'http' }, registryHandler(basicChallenge, {
  '/v2/to-other-port/manifests/1': redirect(() => `http://${sink.host}/v2/to-other-port/manifests/1`),
  '/v2/to-tls-port/manifests/1': redirect(() => `https://${tlsHostile.host}/blob`),
  '/v2/loop/manifests/1': redirect(() => `http://${bouncer.host}/bounce`, 302),
}));
const tokens = new HostileServer({ kind: 'http' }, tokenHandler);
const tokenRedirect = new HostileServer({ kind: 'http' }, (_req, res) => redirect(() => `http://${sink.host}/token`)(res));
const bearerPlainRealm = new HostileServer({ kind: 'http' }, registryHandler(() => `Bearer realm="http://${tokens.host}/token",service="s"`));
const bearerRedirectingRealm = new HostileServer({ kind: 'http' }, registryHandler(() => `Bearer realm="http://${tokenRedirect.host}/token"`));
const hang = new HostileServer({ kind: 'http' }, (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.flushHeaders(); // headers, then nothing, ever
});
const endless = new HostileServer({ kind: 'http' }, (_req, res) => {
  res.writeHead(200);
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
});
const closer = new HostileServer({ kind: 'tcp', onSocket: (socket) => socket.destroy() });
/** Answers every request after DRIP_MS: a ping, then manifests redirected to themselves. */
const DRIP_MS = 300;
const drip = new HostileServer({ kind: 'http' }, (req, res) => setTimeout(() => {
  if (res.destroyed) return;
  if (req.url === '/v2/') return res.writeHead(200).end();
  return res.writeHead(302, { Location: req.url }).end();
}, DRIP_MS));
const plainServers = [sink, bouncer, plain, tokens, tokenRedirect, bearerPlainRealm, bearerRedirectingRealm, hang, endless, closer, drip];

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-adversarial-'));
  await startAll(plainServers);
});
afterAll(async () => {
  await Promise.all(plainServers.map((s) => s.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
  // Every failing path above: no password, no `auth` value, no whole payload, no token in any output.
  const text = outputs.join('\n');
  expect(outputs.length).toBeGreaterThan(20);
  for (const secret of [PASSWORD, SECOND_PASSWORD, b64(`${USER}:${PASSWORD}`), b64(`${USER}:${SECOND_PASSWORD}`), TOKEN, ...payloads]) {
    expect(text).not.toContain(secret);
  }
});

// TLS servers with a self-signed certificate (made in beforeAll when openssl is there).
let tlsHostile: HostileServer;
let tlsRegistry: HostileServer;
let tlsTokens: HostileServer;
let bearerTlsRealm: HostileServer;
let tlsServers: HostileServer[] = [];

/** One hostile scenario. */
interface Row {
  readonly name: string;
  /** The registry the image is on. */
  readonly registry: () => HostileServer;
  /** @default 'team/app' */
  readonly repository?: string;
  /** Hosts listed with --insecure-registry. */
  readonly insecure: () => string[];
  /** Matching secrets, in order (passwords). @default [PASSWORD] */
  readonly passwords?: readonly string[];
  readonly timeoutMs?: number;
  readonly status: string;
  readonly contains: () => string[];
  readonly notContains?: readonly string[];
  /** Upper bound of one JSON run, in ms. */
  readonly withinMs: number;
  /** Checks on the servers after the JSON run (request bounds, credentials). */
  readonly after?: () => void | Promise<void>;
}

const noCredentialReached = (...servers: HostileServer[]) => () => {
  for (const server of servers) expect(server.requests.filter((r) => r.authorization !== undefined)).toEqual([]);
};

const plainRows: Row[] = [
  {
    name: 'a listed plain-HTTP registry: TLS first, then plain HTTP; pullable',
    registry: () => plain,
    insecure: () => [plain.host],
    status: 'pullable',
    contains: () => ['manifest team/app:1 found'],
    withinMs: 3000,
  },
  {
    name: 'an unlisted plain-HTTP registry: does not speak TLS, names --insecure-registry HOST:PORT, on one line',
    registry: () => plain,
    insecure: () => [],
    status: 'unreachable',
    contains: () => [`${plain.host} does not speak TLS`, `--insecure-registry ${plain.host}`],
    withinMs: 3000,
  },
  {
    name: 'a redirect to another port: the credential does not follow, and the message says so',
    registry: () => plain,
    repository: 'to-other-port',
    insecure: () => [plain.host, sink.host],
    status: 'unauthorized',
    contains: () => [`credentials not sent to ${sink.host}`, 'never follow a redirect to another host or port'],
    notContains: ['refused the credential'],
    withinMs: 3000,
    after: () => {
      expect(sink.count('/v2/to-other-port/')).toBeGreaterThanOrEqual(1);
      noCredentialReached(sink)();
    },
  },
  {
    name: 'a redirect loop across two ports ends after 5 redirects',
    registry: () => plain,
    repository: 'loop',
    insecure: () => [plain.host, bouncer.host],
    status: 'registry-error',
    contains: () => ['more than 5 redirects'],
    withinMs: 3000,
    after: () => {
      expect(bouncer.count()).toBeLessThanOrEqual(3);
      noCredentialReached(bouncer)();
    },
  },
  {
    name: 'a token realm on another port over plain HTTP, not listed: no credential sent',
    registry: () => bearerPlainRealm,
    insecure: () => [bearerPlainRealm.host],
    status: 'unauthorized',
    contains: () => [`credentials not sent: token realm http://${tokens.host} is not HTTPS`],
    withinMs: 3000,
    after: () => expect(tokens.requests).toEqual([]),
  },
  {
    name: 'a token realm that redirects to another port: the credential does not follow, and the message says so',
    registry: () => bearerRedirectingRealm,
    insecure: () => [bearerRedirectingRealm.host, tokenRedirect.host, sink.host],
    status: 'unauthorized',
    contains: () => [`credentials not sent to ${sink.host}`, `to ${tokenRedirect.host} was redirected there`],
    notContains: ['refused the credential'],
    withinMs: 3000,
    after: () => {
      expect(tokenRedirect.requests.every((r) => r.authorization === BASIC)).toBe(true); // the realm the registry named
      noCredentialReached(sink)();
    },
  },
  {
    name: 'a hanging answer (headers, then nothing) ends at the per-request timeout',
    registry: () => hang,
    insecure: () => [hang.host],
    timeoutMs: 400,
    status: 'unreachable',
    contains: () => [`timeout: no answer from ${hang.host} within 400 ms`],
    withinMs: 2500,
    after: () => expect(hang.count()).toBe(1), // timeouts are not retried
  },
  {
    name: `an endless body stops after MAX_BODY_BYTES (${MAX_BODY_BYTES}), long before the timeout`,
    registry: () => endless,
    insecure: () => [endless.host],
    timeoutMs: 8000,
    status: 'registry-error',
    contains: () => [`${endless.host} sent a body of more than ${MAX_BODY_BYTES} bytes`],
    withinMs: 4000,
    after: () => expect(endless.count()).toBe(1),
  },
  {
    name: 'a server that closes every connection: a bounded number of attempts',
    registry: () => closer,
    insecure: () => [closer.host],
    status: 'unreachable',
    contains: () => ['connection failed'],
    withinMs: 3000,
    // TLS, retried once; then plain HTTP, retried once.
    after: () => expect(closer.connections).toBeLessThanOrEqual(4),
  },
  {
    name: 'a slow redirect loop with two credentials: the per-image deadline (3 × --timeout-ms) ends it, the rest is abandoned',
    registry: () => drip,
    insecure: () => [drip.host],
    timeoutMs: 400,
    passwords: [PASSWORD, SECOND_PASSWORD],
    status: 'timed-out',
    contains: () => ['check ran out of time: no answer within 1200 ms (3 × --timeout-ms 400)', 'remaining requests were abandoned',
      '1 more credential(s) not tried'],
    withinMs: 2000,
    after: async () => {
      const seen = drip.count();
      expect(seen).toBeLessThanOrEqual(5); // a ping and at most 4 hops of 300 ms fit in 1200 ms
      await sleep(2 * DRIP_MS + 200);
      expect(drip.count()).toBe(seen); // nothing more was sent for it
      expect(drip.abandonedResponses).toBe(1); // and the request in flight was dropped
    },
  },
];

const tlsRows: Row[] = [
  {
    name: 'a listed self-signed TLS registry: TLS without verification; pullable',
    registry: () => tlsRegistry,
    insecure: () => [tlsRegistry.host],
    status: 'pullable',
    contains: () => ['manifest team/app:1 found'],
    withinMs: 3000,
  },
  {
    name: 'an unlisted self-signed TLS registry: the message names --insecure-registry HOST:PORT',
    registry: () => tlsRegistry,
    insecure: () => [],
    status: 'unreachable',
    contains: () => [`TLS error from ${tlsRegistry.host}`, 'self-signed certificate', `list it with --insecure-registry ${tlsRegistry.host}`],
    withinMs: 3000,
    after: () => expect(tlsRegistry.requests).toEqual([]),
  },
  {
    name: 'a redirect to an unlisted self-signed TLS port: the message names that HOST:PORT',
    registry: () => plain,
    repository: 'to-tls-port',
    insecure: () => [plain.host],
    status: 'unreachable',
    contains: () => [`TLS error from ${tlsHostile.host}`, `--insecure-registry ${tlsHostile.host}`],
    withinMs: 3000,
    after: () => expect(tlsHostile.requests).toEqual([]),
  },
  {
    name: 'a token realm on an unlisted self-signed TLS port: the message names that HOST:PORT',
    registry: () => bearerTlsRealm,
    insecure: () => [bearerTlsRealm.host],
    status: 'unreachable',
    contains: () => [`TLS error from ${tlsTokens.host}`, `--insecure-registry ${tlsTokens.host}`],
    withinMs: 3000,
    after: () => expect(tlsTokens.requests).toEqual([]),
  },
];

let rowCount = 0;
async function runRow(row: Row): Promise<void> {
  for (const s of [...plainServers, ...tlsServers]) s.reset(); // each row counts its own requests
  const server = row.registry();
  const image = `${server.host}/${row.repository ?? 'team/app'}:1`;
  const secrets = (row.passwords ?? [PASSWORD]).map((password, i) => pullSecretYaml(`pull-${i}`, server.host, USER, password));
  payloads.push(...secrets.map((s) => s.payload));
  const file = writeManifest(dir, `row-${++rowCount}.yaml`, [...secrets.map((s) => s.yaml), podYaml('app', image, secrets.map((_s, i) => `pull-${i}`))]);
  const flags = [...row.insecure().flatMap((h) => ['--insecure-registry', h]), '--timeout-ms', String(row.timeoutMs ?? 2000)];

  const started = Date.now();
  const json = await cli('verify', '--online', '--format', 'json', ...flags, file);
  expect(Date.now() - started).toBeLessThan(row.withinMs);
  expect(json.stderr).toBe('');
  const [result] = JSON.parse(json.stdout).findings;
  expect(result.status).toBe(row.status);
  for (const text of row.contains()) expect(result.message).toContain(text);
  for (const text of row.notContains ?? []) expect(result.message).not.toContain(text);
  expect(result.message).not.toMatch(/[\u0000-\u001f\u007f]/);
  await row.after?.();

  // The same in a table: one line per finding, whatever the servers or TLS library said.
  const table = await cli('verify', '--online', ...flags, file);
  expect(table.code).toBe(row.status === 'pullable' ? 0 : 1);
  const lines = table.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(4);
  expect(lines[1].startsWith(row.status)).toBe(true);
}

describe('hostile servers on 127.0.0.1', () => {
  test.each(plainRows.map((row) => [row.name, row] as const))('%s', (_name, row) => runRow(row), 30_000);
});

describeWithTools(['openssl'], 'hostile TLS servers with a self-signed certificate on 127.0.0.1', () => {
  let certDir: string;
  beforeAll(async () => {
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-adversarial-tls-'));
    const { cert, key } = selfSignedCertificate(certDir);
    tlsHostile = new HostileServer({ kind: 'https', cert, key }, (_req, res) => res.writeHead(200).end());
    tlsRegistry = new HostileServer({ kind: 'https', cert, key }, registryHandler(basicChallenge));
    tlsTokens = new HostileServer({ kind: 'https', cert, key }, tokenHandler);
    bearerTlsRealm = new HostileServer({ kind: 'http' }, registryHandler(() => `Bearer realm="https://${tlsTokens.host}/token"`));
    tlsServers = [tlsHostile, tlsRegistry, tlsTokens, bearerTlsRealm];
    await startAll(tlsServers);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(tlsServers.map((s) => s.stop()));
    fs.rmSync(certDir, { recursive: true, force: true });
  });

  test.each(tlsRows.map((row) => [row.name, row] as const))('%s', (_name, row) => runRow(row), 30_000);
});

describe('one line per finding, always', () => {
  test('CR, LF, tabs and escape sequences in a message are shown as escapes in the table and in JSON', () => {
    const location = { file: 'f.yaml', document: 1, kind: 'Pod', namespace: 'apps', name: 'app', path: '/spec/containers/0/image' };
    const findings = [finding(location, 'unreachable', 'TLS error: a:b:wrong version number:ssl3_record.c:350:\n\r\tnext\u001b[31m red\u2028end\n',
      { container: 'app\nx', image: 'reg\r\n/app:1' })];
    const result = { online: true, files: 1, objects: 1, findings };
    const lines = formatTable(result).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain('app\\nx     reg\\r\\n/app:1  TLS error: a:b:wrong version number:ssl3_record.c:350:\\n\\r\\tnext\\x1b[31m red\\u2028end [f.yaml#1');
    // The message is trimmed (OpenSSL's end with a newline) and its control characters shown as escapes.
    expect(JSON.parse(formatJson(result)).findings[0].message).toBe('TLS error: a:b:wrong version number:ssl3_record.c:350:\\n\\r\\tnext\\x1b[31m red\\u2028end');
  });
});

describe('the per-image deadline', () => {
  test('is 3 × --timeout-ms, as --help says', () => {
    expect(IMAGE_DEADLINE_TIMEOUTS).toBe(3);
    expect(USAGE).toContain(`each image's whole check gets ${IMAGE_DEADLINE_TIMEOUTS} × N`);
  });

  test('work two callers wait on stops only when both gave up, and then sends nothing more', async () => {
    const steps: string[] = [];
    const work = new SharedWork(async (signal) => {
      for (let i = 0; i < 20 && !signal.aborted; i++) {
        steps.push(`request ${i}`);
        await sleep(20);
      }
      return 'done';
    });
    const early = new AbortController();
    const late = new AbortController();
    const first = work.join(early.signal);
    const second = work.join(late.signal);
    early.abort();
    await expect(first).rejects.toBeInstanceOf(Abandoned);
    expect(work.abandoned).toBe(false); // the other caller still waits
    await sleep(50);
    late.abort();
    await expect(second).rejects.toBeInstanceOf(Abandoned);
    expect(work.abandoned).toBe(true);
    const sent = steps.length;
    await sleep(100);
    expect(steps.length).toBeLessThanOrEqual(sent + 1);
    expect(steps.length).toBeLessThan(20);
  });
});
