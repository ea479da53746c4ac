/**
 * Fake registries for the online checks (test/verify/online.test.ts): an
 * HTTP(S) server on 127.0.0.1 that records its requests, a registry v2 API
 * with Basic or Bearer challenges, redirects and delays on top of it, the
 * credentials they accept, and the pull secrets and workloads that point at
 * them. No traffic leaves the loopback interface.
 */
import * as http from 'http';
import * as https from 'https';
import { AddressInfo } from 'net';

export const PASSWORD = 'Pa55-online-s3cret';
export const WRONG_PASSWORD = 'not-the-password-x9';
export const TOKEN = 'fake-bearer-token-0f1e2d3c';
export const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly accept?: string;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** An HTTP(S) server on 127.0.0.1 that records requests and how many were in flight at once. */
export class FakeServer {
  public readonly requests: Recorded[] = [];
  public peakInFlight = 0;
  private inFlight = 0;
  private server!: http.Server;

  public constructor(private readonly handler: Handler, private readonly tls?: { key: string; cert: string }) {}

  public get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  public async start(): Promise<this> {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.requests.push({
        method: req.method!,
        path: req.url!,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        ...(req.headers.accept ? { accept: req.headers.accept } : {}),
      });
      this.inFlight++;
      this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
      res.on('close', () => this.inFlight--);
      this.handler(req, res);
    };
    this.server = this.tls ? https.createServer(this.tls, listener) : http.createServer(listener);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  public count(method: string, prefix: string): number {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(prefix)).length;
  }
}

export interface RegistryOptions {
  readonly auth: 'basic' | 'bearer';
  /** Manifests that exist, as `repo:ref`. */
  readonly images: readonly string[];
  /** Bearer: the realm to announce (default: this server's /token). */
  readonly realm?: () => string;
  readonly tokenField?: 'token' | 'access_token';
  /** Manifest path → where to redirect it. */
  readonly redirects?: Record<string, () => string>;
  /** Delay every manifest answer (to observe concurrency). */
  readonly delayMs?: number;
}

export const USER = 'alice';

/** A registry v2 API: `/v2/`, `/token` (Bearer), `HEAD /v2/<repo>/manifests/<ref>`. */
export function registry(options: RegistryOptions): FakeServer {
  let self: FakeServer;
  const basic = `Basic ${b64(`${USER}:${PASSWORD}`)}`;
  self = new FakeServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const authorized = options.auth === 'basic' ? req.headers.authorization === basic : req.headers.authorization === `Bearer ${TOKEN}`;
    const challenge = options.auth === 'basic'
      ? 'Basic realm="fake registry"'
      : `Bearer realm="${options.realm?.() ?? `http://127.0.0.1:${self.port}/token`}",service="fake, registry"`;
    if (url.pathname === '/v2/') {
      res.writeHead(401, { 'WWW-Authenticate': challenge }).end();
    } else if (url.pathname === '/token') {
      if (req.headers.authorization !== basic) {
        res.writeHead(401).end();
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ [options.tokenField ?? 'token']: TOKEN }));
      }
    } else {
      const match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
      const answer = () => {
        if (!match) return res.writeHead(404).end();
        const redirect = options.redirects?.[url.pathname];
        if (redirect && authorized) return res.writeHead(307, { Location: redirect() }).end();
        if (!authorized) return res.writeHead(401, { 'WWW-Authenticate': challenge }).end();
        return res.writeHead(options.images.includes(`${match[1]}:${match[2]}`) ? 200 : 404).end();
      };
      if (options.delayMs) setTimeout(answer, options.delayMs); else answer();
    }
  });
  return self;
}

export function pullSecret(name: string, server: string, password = PASSWORD): string {
  const payload = JSON.stringify({ auths: { [server]: { username: USER, password, auth: b64(`${USER}:${password}`) } } });
  return `apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: apps }
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: ${b64(payload)}
`;
}

export function workload(kind: 'Deployment' | 'Pod', name: string, image: string, secret: string): string {
  const spec = `imagePullSecrets: [{ name: ${secret} }]\n  containers: [{ name: app, image: "${image}" }]`;
  return kind === 'Pod'
    ? `apiVersion: v1\nkind: Pod\nmetadata: { name: ${name}, namespace: apps }\nspec:\n  ${spec}\n`
    : `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: apps }\nspec:\n  template:\n    spec:\n      ${spec.replace('\n', '\n    ')}\n`;
}
