/**
 * A real container registry (distribution 2.8, Debian's `docker-registry`)
 * for tests, on 127.0.0.1 only, plain HTTP or (`tls: true`) TLS with a
 * self-signed certificate made at start, with no auth, htpasswd auth or
 * token auth (with an in-process token issuer). Plus a real client (skopeo)
 * and a tiny OCI image to push: this module re-exports the whole harness.
 *
 * Usage: start in beforeAll, stop in afterAll. stop() kills the registry,
 * closes the token issuer and removes every file the harness wrote, and it
 * runs even when tests fail, so nothing is left behind:
 *
 * ```ts
 * describeWithTools(REGISTRY_TOOLS, 'pull check', () => {
 *   let registry: RunningRegistry;
 *   beforeAll(async () => { registry = await startRegistry({ auth: 'htpasswd', users: { alice: 's3cret' } }); }, 20_000);
 *   afterAll(async () => registry?.stop(), 20_000);
 *   ...
 * });
 * ```
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import { Socket } from 'net';
import * as os from 'os';
import * as path from 'path';
import { childEnv, freePort, TailBuffer } from './process';
import { selfSignedCertificate } from './tls';
import { GrantFunction, startTokenIssuer, TokenIssuer } from './token-issuer';

export * from './tools';
export * from './process';
export * from './oci-layout';
export * from './skopeo';
export * from './token-issuer';
export * from './tls';

/** Options every auth mode accepts. */
export interface CommonRegistryOptions {
  /** How long to wait for `GET /v2/` to answer. @default 15000 */
  readonly startTimeoutMs?: number;
  /** Serve TLS (`http.tls`) with a self-signed certificate for 127.0.0.1 made in workDir, not plain HTTP. @default false */
  readonly tls?: boolean;
  /**
   * Run as a pull-through cache (`proxy:`) of this upstream. distribution
   * 2.8 asks the upstream's `/v2/` for its auth endpoints at start and exits
   * when it cannot be reached: start the upstream first. The cache sends the
   * upstream its own `username`/`password`, never its clients' credentials.
   * @default - a plain registry
   */
  readonly proxy?: ProxyOptions;
}

/** The `proxy:` section of a pull-through cache's config. */
export interface ProxyOptions {
  /** The upstream's URL, e.g. `http://127.0.0.1:5001`. */
  readonly remoteurl: string;
  /** The cache's own credentials for the upstream; omit both for an open upstream. */
  readonly username?: string;
  readonly password?: string;
}

/** No authentication: anyone may push and pull. */
export interface NoAuthRegistryOptions extends CommonRegistryOptions {
  readonly auth: 'none';
}

/** HTTP Basic against an htpasswd file of bcrypt hashes. */
export interface HtpasswdRegistryOptions extends CommonRegistryOptions {
  readonly auth: 'htpasswd';
  /** username → password. Usernames must not contain ':'. */
  readonly users: Readonly<Record<string, string>>;
}

/** Bearer tokens from an in-process token issuer that checks these users. */
export interface TokenRegistryOptions extends CommonRegistryOptions {
  readonly auth: 'token';
  /** username → password accepted by the token issuer. */
  readonly users: Readonly<Record<string, string>>;
  /** @default 'cdk8s-private-registry-test' */
  readonly service?: string;
  /** @default 'cdk8s-private-registry-test-issuer' */
  readonly issuer?: string;
  /** Which requested actions a user gets. @default every requested pull/push */
  readonly grant?: GrantFunction;
}

/** Options for {@link startRegistry}. */
export type RegistryOptions = NoAuthRegistryOptions | HtpasswdRegistryOptions | TokenRegistryOptions;

/** A registry started by {@link startRegistry}. */
export interface RunningRegistry {
  /** `127.0.0.1:<port>`: the server part of image references and docker config keys. */
  readonly host: string;
  /** `http://127.0.0.1:<port>`, or `https://` with `tls`. */
  readonly url: string;
  /** The self-signed certificate (PEM file in workDir), with `tls` only. */
  readonly certificateFile?: string;
  readonly port: number;
  /** pid of the docker-registry process. */
  readonly pid: number;
  /** Scratch directory (config, storage, htpasswd, token cert); removed by stop(). */
  readonly workDir: string;
  readonly auth: RegistryOptions['auth'];
  /** The token issuer, in token mode only. */
  readonly tokenIssuer?: TokenIssuer;
  /** The tail of the registry's log output (it logs to stderr). */
  logs(): string;
  /** Kills the registry and waits for it to exit, stops the token issuer, removes workDir. Idempotent. */
  stop(): Promise<void>;
}

/** How many fresh ports to try when the one we picked was taken meanwhile. */
const PORT_ATTEMPTS = 5;
const DEFAULT_START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;

/**
 * Starts `docker-registry serve <workDir>/config.yml` on a free port of
 * 127.0.0.1 and resolves once `GET /v2/` answers 200 or 401. On failure,
 * everything already started is torn down and the error carries the
 * registry's stderr tail.
 */
export async function startRegistry(options: RegistryOptions): Promise<RunningRegistry> {
  const resources: Resources = { workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-private-registry-')) };
  const stop = trackUntilStopped(() => releaseResources(resources));
  try {
    const auth = await prepareAuth(options, resources.workDir);
    resources.issuer = auth.issuer;
    const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const tls = options.tls ? selfSignedCertificate(resources.workDir) : undefined;
    const serve: ServeConfig = {
      authYaml: auth.yaml,
      ...(tls ? { tls: { certFile: tls.certFile, keyFile: tls.keyFile } } : {}),
      ...(options.proxy ? { proxyYaml: proxyYaml(options.proxy) } : {}),
    };
    const started = await spawnOnFreePort(resources.workDir, serve, timeoutMs, (proc) => { resources.process = proc; });
    return makeRunning(options.auth, resources.workDir, started, resources.issuer, stop, tls?.certFile);
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Everything one startRegistry call owns, filled in as it is created, so one cleanup releases it all. */
interface Resources {
  readonly workDir: string;
  issuer?: TokenIssuer;
  process?: RegistryProcess;
}

/** Kills the registry (waiting for its exit), closes the issuer, removes the directory. */
async function releaseResources(resources: Resources): Promise<void> {
  if (resources.process) await killAndWait(resources.process);
  await resources.issuer?.close();
  fs.rmSync(resources.workDir, { recursive: true, force: true });
}

/** The `auth:` section of config.yml, plus the issuer in token mode. */
interface PreparedAuth {
  readonly yaml: string;
  readonly issuer?: TokenIssuer;
}

async function prepareAuth(options: RegistryOptions, workDir: string): Promise<PreparedAuth> {
  switch (options.auth) {
    case 'none':
      return { yaml: '' };
    case 'htpasswd': {
      const file = writeHtpasswd(path.join(workDir, 'htpasswd'), options.users);
      return { yaml: `auth:\n  htpasswd:\n    realm: ${yamlString('cdk8s-private-registry-test')}\n    path: ${yamlString(file)}\n` };
    }
    case 'token': {
      const service = options.service ?? 'cdk8s-private-registry-test';
      const issuerName = options.issuer ?? 'cdk8s-private-registry-test-issuer';
      const issuer = await startTokenIssuer({ users: options.users, service, issuer: issuerName, dir: workDir, grant: options.grant });
      const yaml = 'auth:\n  token:\n'
        + `    realm: ${yamlString(issuer.realm)}\n    service: ${yamlString(service)}\n`
        + `    issuer: ${yamlString(issuerName)}\n    rootcertbundle: ${yamlString(issuer.rootCertBundle)}\n`;
      return { yaml, issuer };
    }
  }
}

/**
 * bcrypt entries from `htpasswd -nBi` (distribution accepts only bcrypt).
 * `-i` reads the password from stdin instead of `-b` taking it from argv,
 * so it never shows up in `ps`.
 */
export function writeHtpasswd(file: string, users: Readonly<Record<string, string>>): string {
  const lines = Object.entries(users).map(([user, password]) => {
    if (user.includes(':')) throw new Error(`htpasswd user names cannot contain ':': ${user}`);
    const result = spawnSync('htpasswd', ['-nBi', user], { input: password, encoding: 'utf8', env: childEnv(), timeout: 15_000 });
    if (result.status !== 0) throw new Error(`htpasswd failed for user ${user} (exit ${result.status}): ${result.stderr ?? result.error}`);
    return result.stdout.trim();
  });
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
}

/**
 * A JSON string is a valid YAML double-quoted scalar, so paths and names
 * with odd characters cannot break the config.
 */
function yamlString(value: string): string {
  return JSON.stringify(value);
}

/** The `proxy:` section of config.yml. */
function proxyYaml(proxy: ProxyOptions): string {
  const credentials = proxy.username === undefined ? ''
    : `  username: ${yamlString(proxy.username)}\n  password: ${yamlString(proxy.password ?? '')}\n`;
  return `proxy:\n  remoteurl: ${yamlString(proxy.remoteurl)}\n${credentials}`;
}

/** What config.yml says beyond storage: the `auth:` section, the certificate when serving TLS, the `proxy:` section of a cache. */
interface ServeConfig {
  readonly authYaml: string;
  readonly proxyYaml?: string;
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/**
 * config.yml: filesystem storage inside workDir, loopback only, plain HTTP
 * or `http.tls` with the given certificate, in-memory blob descriptor cache,
 * no background storage health check or upload purging (nothing to do in a
 * short test).
 */
function registryConfig(workDir: string, port: number, serve: ServeConfig): string {
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    '  formatter: text',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${yamlString(path.join(workDir, 'storage'))}`,
    '  cache:',
    '    blobdescriptor: inmemory',
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${yamlString(`127.0.0.1:${port}`)}`,
    // An explicit secret silences the "No HTTP secret provided" warning; any value works for one instance.
    `  secret: ${yamlString(crypto.randomBytes(16).toString('hex'))}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
    ...(serve.tls ? ['  tls:', `    certificate: ${yamlString(serve.tls.certFile)}`, `    key: ${yamlString(serve.tls.keyFile)}`] : []),
    serve.authYaml.trimEnd(),
    ...(serve.proxyYaml ? [serve.proxyYaml.trimEnd()] : []),
    '',
  ].join('\n');
}

/** A spawned docker-registry process. */
interface RegistryProcess {
  readonly child: ChildProcess;
  /** Settles once the process has exited and all its output has been read. */
  readonly closed: Promise<void>;
}

/** A registry process that answered GET /v2/. */
interface StartedProcess extends RegistryProcess {
  readonly port: number;
  readonly log: TailBuffer;
  readonly tls: boolean;
}

/**
 * The free-port probe and the registry's own bind are not atomic, so a
 * port can be taken in between: then the registry exits with "address
 * already in use" and we try again with a new port.
 */
async function spawnOnFreePort(
  workDir: string, serve: ServeConfig, timeoutMs: number, onSpawn: (proc: RegistryProcess) => void,
): Promise<StartedProcess> {
  const configFile = path.join(workDir, 'config.yml');
  const tls = serve.tls !== undefined;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // 0600: a cache's config holds its upstream password.
    fs.writeFileSync(configFile, registryConfig(workDir, port, serve), { mode: 0o600 });
    const log = new TailBuffer();
    const child = spawn('docker-registry', ['serve', configFile], { cwd: workDir, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    // 'close' comes after 'exit' once stdio is drained, so the log then holds the fatal line.
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    onSpawn({ child, closed });
    child.stdout?.on('data', (chunk: Buffer) => log.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => log.push(chunk));
    unrefProcess(child);
    try {
      await waitUntilReady(child, port, tls, timeoutMs);
      return { child, closed, port, log, tls };
    } catch (err) {
      await killAndWait({ child, closed });
      const addressInUse = /address already in use/i.test(log.tail());
      if (addressInUse && attempt < PORT_ATTEMPTS) continue;
      throw new Error(`docker-registry did not start on 127.0.0.1:${port}: ${(err as Error).message}\n--- registry output (tail) ---\n${log.tail()}`);
    }
  }
}

/**
 * Polls `GET /v2/` until it answers 200 (no auth) or 401 (auth required)
 * with the distribution API header; fails early when the process exits,
 * and after `timeoutMs`.
 */
async function waitUntilReady(child: ChildProcess, port: number, tls: boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let spawnError: Error | undefined;
  child.once('error', (err) => { spawnError = err; });
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`could not run docker-registry: ${spawnError.message}`);
    if (hasExited(child)) throw new Error(`docker-registry exited early (${child.exitCode ?? child.signalCode})`);
    const status = await probeV2(port, tls);
    // Checked again: another process could hold the port and answer for us.
    if ((status === 200 || status === 401) && !hasExited(child)) return;
    await sleep(100);
  }
  throw new Error(`GET ${tls ? 'https' : 'http'}://127.0.0.1:${port}/v2/ did not answer 200 or 401 within ${timeoutMs} ms`);
}

/** Status of `GET /v2/` when it comes from a distribution registry, else undefined. */
function probeV2(port: number, tls: boolean): Promise<number | undefined> {
  return new Promise((resolve) => {
    // agent: false so no keep-alive socket outlives the probe; our own self-signed certificate is not verified.
    const options = { host: '127.0.0.1', port, path: '/v2/', agent: false, timeout: 1000, ...(tls ? { rejectUnauthorized: false } : {}) };
    const req = (tls ? https : http).get(options, (res) => {
      res.resume();
      const fromRegistry = res.headers['docker-distribution-api-version'] === 'registry/2.0';
      resolve(fromRegistry ? res.statusCode : undefined);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

function makeRunning(
  auth: RegistryOptions['auth'], workDir: string, started: StartedProcess, tokenIssuer: TokenIssuer | undefined, stop: () => Promise<void>,
  certificateFile: string | undefined,
): RunningRegistry {
  return {
    host: `127.0.0.1:${started.port}`,
    url: `${started.tls ? 'https' : 'http'}://127.0.0.1:${started.port}`,
    ...(certificateFile === undefined ? {} : { certificateFile }),
    port: started.port,
    pid: started.child.pid ?? -1,
    workDir,
    auth,
    tokenIssuer,
    logs: () => started.log.tail(),
    stop,
  };
}

/**
 * A registry whose stop() was forgotten must not keep the jest worker alive
 * forever (jest would hang after the last test): drop the child and its
 * pipes from the event loop's reference count. The afterAll safety net at
 * the end of this file normally stops it first.
 */
function unrefProcess(child: ChildProcess): void {
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as Socket | null)?.unref();
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * SIGTERM, then SIGKILL after a grace period; resolves once the process has
 * exited (and been reaped) and its output is drained.
 */
async function killAndWait({ child, closed }: RegistryProcess): Promise<void> {
  if (child.pid === undefined) return; // never started (spawn error): nothing to wait for
  if (!hasExited(child)) {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.kill('SIGTERM');
    await closed;
    clearTimeout(force);
  }
  await closed;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Cleanups of registries started by this test file and not stopped yet. */
const live = new Set<() => Promise<void>>();

/**
 * Wraps a cleanup so that it runs at most once (later calls get the same
 * promise) and is remembered in {@link live} until it has run.
 */
function trackUntilStopped(cleanup: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const stop = () => (done ??= cleanup().finally(() => live.delete(stop)));
  live.add(stop);
  return stop;
}

/**
 * Safety net for a forgotten stop(): a root-level afterAll, registered when
 * a test file imports this module, stops whatever is still running after
 * all of the file's tests and describe-level afterAll hooks. (A process
 * 'exit' hook would not do: jest's sandboxed `process` never sees the
 * worker's exit.) A root-level afterAll of the test file itself that still
 * needs a registry must be declared inside a describe block instead.
 */
function installForgottenStopNet(): void {
  if (typeof afterAll !== 'function') return;
  try {
    afterAll(async () => {
      await Promise.all([...live].map((stop) => stop()));
    }, 30_000);
  } catch {
    // Imported from inside a test or hook, where hooks cannot be declared; stop() remains the only cleanup.
  }
}

installForgottenStopNet();
