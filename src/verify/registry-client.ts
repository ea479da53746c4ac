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
 */
import { HttpResponse, HttpTransport, TransportError } from './http';
import { RegistryCredential } from './pull-secrets';
import { parseWwwAuthenticate } from './www-authenticate';
import { DOCKER_HUB_API_HOST, DOCKER_HUB_DOMAIN } from '../rules/docker-hub';

/** The result of one pull check. */
export type PullStatus = 'pullable' | 'unauthorized' | 'not-found' | 'unreachable' | 'registry-error';

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
  public constructor(public readonly status: PullStatus, detail: string) {
    super(detail);
  }
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
 * reference, credential) once: concurrent callers share one promise, as do
 * `/v2/` pings per registry and tokens per (realm, service, scope, credential).
 */
export class RegistryClient {
  private readonly insecure: ReadonlySet<string>;
  private readonly pulls = new Map<string, Promise<PullResult>>();
  private readonly pings = new Map<string, Promise<Exchange>>();
  private readonly tokens = new Map<string, Promise<string>>();

  public constructor(private readonly options: RegistryClientOptions) {
    this.insecure = new Set((options.insecureRegistries ?? []).map(normalizeHostEntry));
  }

  /** Whether `repository` at `reference` (tag or digest) pulls from the registry of image domain `domain`. */
  public checkPull(domain: string, repository: string, reference: string, credential?: RegistryCredential): Promise<PullResult> {
    const key = JSON.stringify([domain, repository, reference, credential?.fingerprint ?? null]);
    let pull = this.pulls.get(key);
    if (pull === undefined) {
      pull = this.pull(domain, repository, reference, credential);
      this.pulls.set(key, pull);
    }
    return pull;
  }

  /** Whether a URL's host was listed with --insecure-registry. */
  public isInsecure(url: URL): boolean {
    const defaultPort = url.protocol === 'https:' ? '443' : '80';
    return this.insecure.has(url.host.toLowerCase()) || this.insecure.has(`${url.hostname}:${url.port || defaultPort}`.toLowerCase());
  }

  private async pull(domain: string, repository: string, reference: string, credential: RegistryCredential | undefined): Promise<PullResult> {
    try {
      const apiHost = registryApiHost(domain);
      const scheme = this.insecure.has(apiHost.toLowerCase()) ? 'http' : 'https';
      const base = new URL(`${scheme}://${apiHost}/v2/`);
      const manifest = new URL(`/v2/${repository}/manifests/${reference}`, base);
      const ping = await this.ping(base);
      let authorization: string | undefined;
      if (ping.response.status === 401) {
        authorization = await this.authorize(ping, base, repository, credential);
      } else if (ping.response.status !== 200) {
        throw new PullFailure('registry-error', `GET ${base.href} answered HTTP ${ping.response.status}; expected 200 or 401 from a registry v2 API`);
      }
      let head = await this.send('HEAD', manifest, authorization);
      // A registry may let anyone ping and still challenge on the repository.
      if (head.response.status === 401 && authorization === undefined && head.response.headers['www-authenticate']) {
        authorization = await this.authorize(head, base, repository, credential);
        head = await this.send('HEAD', manifest, authorization);
      }
      return manifestResult(head, repository, reference, authorization !== undefined);
    } catch (error) {
      if (error instanceof PullFailure) {
        return { status: error.status, detail: error.message };
      }
      if (error instanceof TransportError) {
        return { status: 'unreachable', detail: `${error.failure === 'tls' ? 'TLS error' : error.failure === 'timeout' ? 'timeout' : 'connection failed'}: ${error.message}` };
      }
      throw error;
    }
  }

  private ping(base: URL): Promise<Exchange> {
    let ping = this.pings.get(base.href);
    if (ping === undefined) {
      ping = this.send('GET', base, undefined);
      this.pings.set(base.href, ping);
    }
    return ping;
  }

  /** The `Authorization` value answering the challenge of `exchange`. */
  private async authorize(exchange: Exchange, base: URL, repository: string, credential: RegistryCredential | undefined): Promise<string> {
    if (exchange.leftOrigin) {
      throw new PullFailure('unauthorized', `credentials not sent: the challenge came from ${exchange.url.host} after a redirect away from ${base.host}`);
    }
    const challenges = parseWwwAuthenticate(exchange.response.headers['www-authenticate'] ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    if (bearer !== undefined) {
      return `Bearer ${await this.token(bearer.params.realm, bearer.params.service, repository, credential)}`;
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

  private token(realm: string, service: string | undefined, repository: string, credential: RegistryCredential | undefined): Promise<string> {
    const scope = `repository:${repository}:pull`;
    const key = JSON.stringify([realm, service ?? null, scope, credential?.fingerprint ?? null]);
    let token = this.tokens.get(key);
    if (token === undefined) {
      token = this.fetchToken(realm, service, scope, credential);
      this.tokens.set(key, token);
    }
    return token;
  }

  private async fetchToken(realm: string, service: string | undefined, scope: string, credential: RegistryCredential | undefined): Promise<string> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new PullFailure('registry-error', `the token realm ${JSON.stringify(realm)} is not an absolute URL`);
    }
    if (url.protocol === 'http:' && !this.isInsecure(url)) {
      throw new PullFailure('unauthorized',
        `credentials not sent: token realm ${url.origin} is not HTTPS (list ${url.host} with --insecure-registry to allow plain HTTP)`);
    }
    if (service !== undefined) {
      url.searchParams.set('service', service);
    }
    url.searchParams.set('scope', scope);
    const where = `token endpoint ${url.origin}${url.pathname}`;
    const { response } = await this.send('GET', url, credential?.basicAuthorization());
    if (response.status === 401 || response.status === 403) {
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
  private async send(method: 'GET' | 'HEAD', url: URL, authorization: string | undefined): Promise<Exchange> {
    let current = url;
    let auth = authorization;
    let leftOrigin = false;
    for (let hop = 0; ; hop++) {
      this.checkScheme(current);
      const headers: Record<string, string> = { 'user-agent': 'cdk8s-private-registry-verify' };
      if (method === 'HEAD') {
        headers.accept = MANIFEST_MEDIA_TYPES.join(', ');
      }
      if (auth !== undefined) {
        headers.authorization = auth;
      }
      const response = await this.options.transport({
        method, url: current, headers, allowInsecureTls: this.isInsecure(current), timeoutMs: this.options.timeoutMs,
      });
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
        throw new PullFailure('registry-error', `${current.host} redirected to an invalid URL`);
      }
      if (next.origin !== url.origin) {
        auth = undefined; // and never restored, even if a later hop comes back
        leftOrigin = true;
      }
      current = next;
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

function manifestResult(head: Exchange, repository: string, reference: string, authenticated: boolean): PullResult {
  const { status } = head.response;
  const what = `${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
  if (status === 200) {
    return { status: 'pullable', detail: `manifest ${what} found (HTTP 200)` };
  }
  if (status === 401 || status === 403) {
    return { status: 'unauthorized', detail: `${authenticated ? 'the registry refused the credential' : 'the registry wants credentials'} for ${what} (HTTP ${status})` };
  }
  if (status === 404) {
    return { status: 'not-found', detail: `no manifest ${what} (HTTP 404)` };
  }
  return { status: 'registry-error', detail: `HEAD ${head.url.origin}${head.url.pathname} answered HTTP ${status}` };
}

/** `--insecure-registry` entries compare as lower-case `host[:port]`, a scheme or trailing `/` tolerated. */
function normalizeHostEntry(entry: string): string {
  return entry.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
}
