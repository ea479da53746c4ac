/**
 * Hostile and fake servers for the online-check tests, on 127.0.0.1 only:
 * plain HTTP, TLS with a given (self-signed) certificate, or raw TCP. Each
 * records what it received and counts connections, and stop() destroys
 * every socket it ever accepted (hanging and endless answers included), so
 * an afterAll that stops it leaves nothing open. Plus the manifests those
 * tests feed the CLI: a pull secret and a Pod, written to a folder.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as path from 'path';

/** One HTTP request a server received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
}

/** Answers one request; `server` is the one that received it. */
export type HostileHandler = (req: http.IncomingMessage, res: http.ServerResponse, server: HostileServer) => void;

/** What a server speaks. */
export type HostileProtocol = { readonly kind: 'http' } | { readonly kind: 'https'; readonly cert: string; readonly key: string }
| { readonly kind: 'tcp'; readonly onSocket: (socket: net.Socket) => void };

/** A server on 127.0.0.1 and a random port. */
export class HostileServer {
  public readonly requests: ReceivedRequest[] = [];
  /** TCP connections accepted (a failed TLS handshake counts, an HTTP request does not). */
  public connections = 0;
  /** Responses whose client went away before the answer was finished. */
  public abandonedResponses = 0;
  private readonly sockets = new Set<net.Socket>();
  private server?: net.Server;

  public constructor(private readonly protocol: HostileProtocol, private readonly handler: HostileHandler = () => undefined) {}

  public get port(): number {
    return (this.server!.address() as net.AddressInfo).port;
  }

  /** `127.0.0.1:<port>`, as in an image reference. */
  public get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** `http://127.0.0.1:<port>` or `https://...`. */
  public get origin(): string {
    return `${this.protocol.kind === 'https' ? 'https' : 'http'}://${this.host}`;
  }

  public async start(): Promise<this> {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.requests.push({ method: req.method!, path: req.url!, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      res.on('close', () => {
        if (!res.writableFinished) this.abandonedResponses++;
      });
      this.handler(req, res, this);
    };
    const protocol = this.protocol;
    const server: net.Server = protocol.kind === 'tcp' ? net.createServer(protocol.onSocket)
      : protocol.kind === 'https' ? https.createServer({ cert: protocol.cert, key: protocol.key }, listener)
        : http.createServer(listener);
    server.on('connection', (socket: net.Socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return this;
  }

  /** Destroys every open socket and closes the server. Idempotent. */
  public async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined || !server.listening) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forgets what was received so far. */
  public reset(): void {
    this.requests.length = 0;
    this.connections = 0;
    this.abandonedResponses = 0;
  }

  /** Requests whose path starts with `prefix`. */
  public count(prefix = '/'): number {
    return this.requests.filter((r) => r.path.startsWith(prefix)).length;
  }
}

/** Starts every server; stops those already started when one fails. */
export async function startAll(servers: readonly HostileServer[]): Promise<void> {
  try {
    for (const server of servers) await server.start();
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
}

/** base64 of UTF-8 text. */
export const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** A kubernetes.io/dockerconfigjson Secret in namespace `apps`, and the base64 payload it carries. */
export function pullSecretYaml(name: string, server: string, username: string, password: string): { yaml: string; payload: string } {
  const payload = b64(JSON.stringify({ auths: { [server]: { username, password, auth: b64(`${username}:${password}`) } } }));
  const yaml = `apiVersion: v1\nkind: Secret\nmetadata: { name: ${name}, namespace: apps }\n`
    + `type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${payload}\n`;
  return { yaml, payload };
}

/** A Pod in namespace `apps` pulling `image` with `secrets`, in that order. */
export function podYaml(name: string, image: string, secrets: readonly string[]): string {
  return `apiVersion: v1\nkind: Pod\nmetadata: { name: ${name}, namespace: apps }\nspec:\n`
    + `  imagePullSecrets: [${secrets.map((s) => `{ name: ${s} }`).join(', ')}]\n`
    + `  containers: [{ name: app, image: "${image}" }]\n`;
}

/** Writes the documents as one multi-document YAML file `dir/name` and returns its path. */
export function writeManifest(dir: string, name: string, docs: readonly string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, docs.join('---\n'));
  return file;
}

/** A promise that resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
