/**
 * The registry v2 pull check (docs/facts.md#registry-v2-pull): ping `/v2/`, answer its
 * challenge (Basic, or a Bearer token from the realm it names), then
 * `HEAD` the manifest. Where credentials may go is decided here:
 *
 * - only to the registry's own origin, or to the token realm that registry
 *   named in its challenge;
 * - only over TLS, unless that exact host is listed as insecure (plain HTTP
 *   to any other host is refused outright);
 * - redirects are followed by hand (at most {@link MAX_REDIRECTS}), and the
 *   `Authorization` header is dropped as soon as one leaves the origin.
 *
 * A registry listed as insecure is asked over TLS first, without certificate
 * verification, and over plain HTTP only when that shows it does not speak
 * TLS (Docker's and containerd's order; the rule is {@link fallsBackToHttp}).
 */
import { Abandoned, HttpResponse, HttpTransport, joinShared, SharedWork, TransportError } from './http';
import { parseWwwAuthenticate } from './www-authenticate';
import { RegistryCredential } from '../manifests/pull-secrets';
import { DOCKER_HUB_API_HOST, DOCKER_HUB_DOMAIN } from '../rules/docker-hub';
import { problemWithFix } from '../rules/messages';

/** The result of one pull check; `timed-out` only for a whole image (online.ts), when its deadline passed. */
export type PullStatus = 'pullable' | 'unauthorized' | 'not-found' | 'unreachable' | 'registry-error' | 'timed-out';

/** A pull check's status with a one-line reason (never a credential or token). */
export interface PullResult {
  readonly status: PullStatus;
  readonly detail: string;
}

/** What a registry client needs. */
export interface RegistryClientOptions {
  /** Sends requests (already limited and retried as wanted). */
  readonly transport: HttpTransport;
  /** Per-request timeout. */
  readonly timeoutMs: number;
  /** `host[:port]` entries allowed plain HTTP and unverified TLS. */
  readonly insecureRegistries?: readonly string[];
}

/** Manifest media types a container runtime accepts, as sent in `Accept`. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

/** Redirects followed per request. */
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The host that serves the registry API for an image domain: Docker Hub's differs from its name. */
export function registryApiHost(domain: string): string {
  return domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_API_HOST : domain;
}

/** A check that ended early with a known result. */
class PullFailure extends Error {
  public constructor(public readonly status: PullStatus, detail: string,
    /** The transport failure behind it, and the URL it happened on. */
    public readonly transport?: { readonly error: TransportError; readonly url: URL }) {
    super(detail);
  }
}

/** The registry's API root, with the scheme it answers on, and its answer to `GET /v2/`. */
interface Endpoint {
  readonly base: URL;
  readonly ping: Exchange;
}

/** A response with where it finally came from. */
interface Exchange {
  readonly response: HttpResponse;
  readonly url: URL;
  /** Whether a redirect left the first request's origin. */
  readonly leftOrigin: boolean;
}

/**
 * Checks pulls against registries, each distinct (registry, repository,
 * reference, credential) once: concurrent callers share one piece of work,
 * as do `/v2/` pings per registry and tokens per (realm, service, scope,
 * credential). A caller passes a signal to stop waiting; work all its
 * callers stopped waiting for sends nothing more (see {@link SharedWork}).
 */
export class RegistryClient {
  private readonly insecure: ReadonlySet<string>;
  private readonly pulls = new Map<string, SharedWork<PullResult>>();
  private readonly endpoints = new Map<string, SharedWork<Endpoint>>();
  private readonly tokens = new Map<string, SharedWork<string>>();

  public constructor(private readonly options: RegistryClientOptions) {
    this.insecure = new Set((options.insecureRegistries ?? []).map(normalizeHostEntry));
  }

  /**
   * Whether `repository` at `reference` (tag or digest) pulls from the
   * registry of image domain `domain`. Rejects with {@link Abandoned} once
   * `signal` aborts.
   */
  public checkPull(domain: string, repository: string, reference: string, credential?: RegistryCredential,
    signal?: AbortSignal): Promise<PullResult> {
    const key = JSON.stringify([domain, repository, reference, credential?.fingerprint ?? null]);
    return joinShared(this.pulls, key, signal, (work) => this.pull(domain, repository, reference, credential, work));
  }

  /** Whether a URL's host was listed with --insecure-registry. */
  public isInsecure(url: URL): boolean {
    const defaultPort = url.protocol === 'https:' ? '443' : '80';
    return this.insecure.has(url.host.toLowerCase()) || this.insecure.has(`${url.hostname}:${url.port || defaultPort}`.toLowerCase());
  }

  private async pull(domain: string, repository: string, reference: string, credential: RegistryCredential | undefined,
    signal: AbortSignal): Promise<PullResult> {
    try {
      const { base, ping } = await this.endpoint(registryApiHost(domain), signal);
      const manifest = new URL(`/v2/${repository}/manifests/${reference}`, base);
      let authorization: string | undefined;
      if (ping.response.status === 401) {
        authorization = await this.authorize(ping, base, repository, credential, signal);
      } else if (ping.response.status !== 200) {
        // The URL asked about, never one a redirect chose (it may carry what the server was sent).
        throw new PullFailure('registry-error', `GET ${base.href} answered HTTP ${ping.response.status}${redirected(ping, base)}; expected 200 or 401 from a registry v2 API`);
      }
      let head = await this.send('HEAD', manifest, authorization, signal);
      // A registry may let anyone ping and still challenge on the repository.
      if (head.response.status === 401 && authorization === undefined && head.response.headers['www-authenticate']) {
        authorization = await this.authorize(head, base, repository, credential, signal);
        head = await this.send('HEAD', manifest, authorization, signal);
      }
      return manifestResult(head, manifest, repository, reference, authorization !== undefined);
    } catch (error) {
      if (error instanceof PullFailure) {
        return { status: error.status, detail: error.message };
      }
      throw error;
    }
  }

  private endpoint(apiHost: string, signal: AbortSignal): Promise<Endpoint> {
    return joinShared(this.endpoints, apiHost.toLowerCase(), signal, (work) => this.findEndpoint(apiHost, work));
  }

  /** `GET /v2/` over TLS; for a listed host, over plain HTTP when TLS showed the host does not speak it. */
  private async findEndpoint(apiHost: string, signal: AbortSignal): Promise<Endpoint> {
    const tls = new URL(`https://${apiHost}/v2/`);
    let tlsFailure: PullFailure;
    try {
      return { base: tls, ping: await this.send('GET', tls, undefined, signal) };
    } catch (error) {
      if (!(error instanceof PullFailure) || !this.fallsBackToHttp(apiHost, tls, error)) {
        throw error;
      }
      tlsFailure = error;
    }
    const plain = new URL(`http://${apiHost}/v2/`);
    try {
      return { base: plain, ping: await this.send('GET', plain, undefined, signal) };
    } catch (error) {
      if (error instanceof PullFailure) {
        throw new PullFailure(error.status, `${error.message} (over plain HTTP, after TLS failed: ${tlsFailure.transport?.error.message})`, error.transport);
      }
      throw error;
    }
  }

  /**
   * The fallback rule: plain HTTP only for a registry listed with
   * --insecure-registry (exactly as in the image), only after its own
   * `https://HOST/v2/` failed (not a redirect target or token realm, whose
   * URLs name their scheme), and only when that failure shows the host does
   * not speak TLS ({@link TransportError.noTlsPeer}: it answered the TLS
   * hello in plain text, or closed the connection before the handshake), or
   * when the entry names no port and port 443 refused the connection (plain
   * HTTP then goes to port 80, another port: containerd's rule). Timeouts,
   * refused explicit ports and TLS alerts never fall back.
   */
  private fallsBackToHttp(apiHost: string, tls: URL, failure: PullFailure): boolean {
    const cause = failure.transport;
    if (!this.insecure.has(apiHost.toLowerCase()) || cause === undefined || cause.url.href !== tls.href) {
      return false;
    }
    return cause.error.noTlsPeer || (cause.error.code === 'ECONNREFUSED' && tls.port === '');
  }

  /** The `Authorization` value answering the challenge of `exchange`. */
  private async authorize(exchange: Exchange, base: URL, repository: string, credential: RegistryCredential | undefined,
    signal: AbortSignal): Promise<string> {
    if (exchange.leftOrigin) {
      throw new PullFailure('unauthorized', `credentials not sent: the challenge came from ${exchange.url.host} after a redirect away from ${base.host}`);
    }
    const challenges = parseWwwAuthenticate(exchange.response.headers['www-authenticate'] ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    if (bearer !== undefined) {
      return `Bearer ${await this.token(bearer.params.realm, bearer.params.service, repository, credential, signal)}`;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      if (credential === undefined) {
        throw new PullFailure('unauthorized', `${base.host} wants Basic authentication and there is no credential`);
      }
      return credential.basicAuthorization();
    }
    const schemes = challenges.map((c) => c.scheme).join(', ');
    throw new PullFailure('registry-error', `${base.host} answered 401 with ${schemes ? `unsupported authentication scheme(s) ${schemes}` : 'no WWW-Authenticate challenge'}`);
  }

  private token(realm: string, service: string | undefined, repository: string, credential: RegistryCredential | undefined,
    signal: AbortSignal): Promise<string> {
    const scope = `repository:${repository}:pull`;
    const key = JSON.stringify([realm, service ?? null, scope, credential?.fingerprint ?? null]);
    return joinShared(this.tokens, key, signal, (work) => this.fetchToken(realm, service, scope, credential, work));
  }

  private async fetchToken(realm: string, service: string | undefined, scope: string, credential: RegistryCredential | undefined,
    signal: AbortSignal): Promise<string> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      // Not quoted: the server chose it.
      throw new PullFailure('registry-error', 'the registry named a token realm that is not an absolute URL');
    }
    if (url.protocol === 'http:' && !this.isInsecure(url)) {
      throw new PullFailure('unauthorized',
        `credentials not sent: token realm ${url.origin} is not HTTPS (list ${url.host} with --insecure-registry to allow plain HTTP)`);
    }
    if (service !== undefined) {
      url.searchParams.set('service', service);
    }
    url.searchParams.set('scope', scope);
    // The realm's origin only: its path and query are the server's choice, and may carry what it was sent.
    const where = `token endpoint ${url.origin}`;
    const exchange = await this.send('GET', url, credential?.basicAuthorization(), signal);
    const { response } = exchange;
    if (response.status === 401 || response.status === 403) {
      if (exchange.leftOrigin && credential !== undefined) {
        throw new PullFailure('unauthorized', withheld(url, exchange, `a token for ${scope}`));
      }
      throw new PullFailure('unauthorized', `${where} refused the credential (HTTP ${response.status})`);
    }
    if (response.status !== 200) {
      throw new PullFailure('registry-error', `${where} answered HTTP ${response.status}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      throw new PullFailure('registry-error', `${where} answered with no JSON`);
    }
    const fields = typeof body === 'object' && body !== null ? body as Record<string, unknown> : {};
    const token = [fields.token, fields.access_token].find((t) => typeof t === 'string' && t !== '');
    if (typeof token !== 'string') {
      throw new PullFailure('registry-error', `${where} answered without a token`);
    }
    return token;
  }

  /** One request, redirects followed by hand, credentials kept on the first origin only. */
  private async send(method: 'GET' | 'HEAD', url: URL, authorization: string | undefined, signal: AbortSignal): Promise<Exchange> {
    let current = url;
    let auth = authorization;
    let leftOrigin = false;
    for (let hop = 0; ; hop++) {
      this.checkScheme(current);
      if (signal.aborted) {
        throw new Abandoned(); // nobody waits: send nothing more
      }
      const headers: Record<string, string> = { 'user-agent': 'cdk8s-private-registry-verify' };
      if (method === 'HEAD') {
        headers.accept = MANIFEST_MEDIA_TYPES.join(', ');
      }
      if (auth !== undefined) {
        headers.authorization = auth;
      }
      let response: HttpResponse;
      try {
        response = await this.options.transport({
          method, url: current, headers, allowInsecureTls: this.isInsecure(current), timeoutMs: this.options.timeoutMs, signal,
        });
      } catch (error) {
        throw error instanceof TransportError ? this.failureOf(error, current) : error;
      }
      const location = response.headers.location;
      if (!REDIRECT_STATUSES.has(response.status) || !location) {
        return { response, url: current, leftOrigin };
      }
      if (hop >= MAX_REDIRECTS) {
        throw new PullFailure('registry-error', `more than ${MAX_REDIRECTS} redirects, starting at ${url.origin}${url.pathname}`);
      }
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new PullFailure('registry-error', `${url.origin}${url.pathname} was redirected to an invalid URL`);
      }
      if (next.origin !== url.origin) {
        auth = undefined; // and never restored, even if a later hop comes back
        leftOrigin = true;
      }
      current = next;
    }
  }

  /** A transport failure as a one-line result; a TLS failure on a host not listed names the option that fixes it. */
  private failureOf(error: TransportError, url: URL): Error {
    const cause = { error, url };
    const host = url.host;
    const listed = this.isInsecure(url);
    switch (error.failure) {
      case 'aborted':
        return new Abandoned();
      case 'timeout':
        return new PullFailure('unreachable', `timeout: ${error.message}`, cause);
      case 'too-large':
        return new PullFailure('registry-error', error.message, cause);
      case 'tls': {
        if (error.noTlsPeer) {
          const problem = `TLS error: ${host} does not speak TLS (${error.message})`;
          return new PullFailure('unreachable', listed ? problem : problemWithFix(problem,
            `if it serves plain HTTP, list it with --insecure-registry ${host}`), cause);
        }
        const problem = `TLS error from ${host}: ${error.message}`;
        return new PullFailure('unreachable', listed ? problem : problemWithFix(problem,
          `if you trust ${host}, list it with --insecure-registry ${host} (TLS without certificate verification), or give it a certificate this machine trusts`), cause);
      }
      default: {
        if (error.noTlsPeer) {
          const problem = `connection failed: ${host} closed the connection during the TLS handshake (${error.message})`;
          return new PullFailure('unreachable', listed ? problem : problemWithFix(problem,
            `if it serves plain HTTP, list it with --insecure-registry ${host}`), cause);
        }
        return new PullFailure('unreachable', `connection failed: ${error.message}`, cause);
      }
    }
  }

  private checkScheme(url: URL): void {
    if (url.protocol === 'https:' || (url.protocol === 'http:' && this.isInsecure(url))) {
      return;
    }
    throw new PullFailure('unreachable', url.protocol === 'http:'
      ? `refusing plain HTTP to ${url.host} (list it with --insecure-registry to allow)`
      : `refusing a ${url.protocol} URL`);
  }
}

/** The result of the manifest request `manifest` (the URL asked about, which messages name; never a redirect target's path). */
function manifestResult(head: Exchange, manifest: URL, repository: string, reference: string, authenticated: boolean): PullResult {
  const { status } = head.response;
  const what = `${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
  if (status === 200) {
    return { status: 'pullable', detail: `manifest ${what} found (HTTP 200)` };
  }
  if ((status === 401 || status === 403) && head.leftOrigin && authenticated) {
    return { status: 'unauthorized', detail: withheld(manifest, head, `manifest ${what}`) };
  }
  if (status === 401 || status === 403) {
    return { status: 'unauthorized', detail: `${authenticated ? 'the registry refused the credential' : 'the registry wants credentials'} for ${what} (HTTP ${status})` };
  }
  if (status === 404) {
    return { status: 'not-found', detail: `no manifest ${what} (HTTP 404)` };
  }
  return { status: 'registry-error', detail: `HEAD ${manifest.origin}${manifest.pathname} answered HTTP ${status}${redirected(head, manifest)}` };
}

/** ` after a redirect` when the answer came from elsewhere than the URL asked about (whose path is not shown). */
function redirected(exchange: Exchange, asked: URL): string {
  if (exchange.url.href === asked.href) return '';
  return exchange.url.origin === asked.origin ? ' after a redirect' : ` after a redirect to ${exchange.url.host}`;
}

/**
 * Why a credential was not refused but never sent: the request for `what`
 * to `from` was redirected to another origin, which then asked for one.
 */
function withheld(from: URL, to: Exchange, what: string): string {
  return `credentials not sent to ${to.url.host}: the request for ${what} to ${from.host} was redirected there, `
    + `and credentials never follow a redirect to another host or port (${to.url.host} answered HTTP ${to.response.status})`;
}

/** `--insecure-registry` entries compare as lower-case `host[:port]`, a scheme or trailing `/` tolerated. */
function normalizeHostEntry(entry: string): string {
  return entry.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
}
