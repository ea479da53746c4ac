/**
 * The HTTP layer of the online check, small and injectable: a transport is
 * one function from request to response, so tests can count, delay or fail
 * requests. Redirects are not followed here (the registry client does it,
 * to control where credentials go).
 */
import * as http from 'http';
import * as https from 'https';

/** One HTTP request. */
export interface HttpRequest {
  readonly method: 'GET' | 'HEAD';
  readonly url: URL;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** Accept a certificate that does not verify (only for hosts listed with --insecure-registry). */
  readonly allowInsecureTls: boolean;
  /** Give up after this long, counting the whole exchange. */
  readonly timeoutMs: number;
}

/** One HTTP response; the body is read up to {@link MAX_BODY_BYTES}. */
export interface HttpResponse {
  readonly status: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Sends one request; rejects with {@link TransportError} when no response comes. */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** Why no response came: the connection failed, timed out, or TLS refused the peer. */
export type TransportFailure = 'connection' | 'timeout' | 'tls';

/** No HTTP response: the registry is unreachable for `reason`. */
export class TransportError extends Error {
  public readonly failure: TransportFailure;

  public constructor(failure: TransportFailure, message: string) {
    super(message);
    this.name = 'TransportError';
    this.failure = failure;
  }
}

/** Token responses are small; anything beyond this is dropped unread. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Error codes of a TLS handshake that failed verification or negotiation. */
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|EPROTO$)/;

/** The real transport: node's http/https, no connection reuse, no redirects. */
export const nodeTransport: HttpTransport = (request) => new Promise<HttpResponse>((resolve, reject) => {
  const isHttps = request.url.protocol === 'https:';
  const options: https.RequestOptions = {
    method: request.method,
    headers: request.headers,
    agent: false, // no pooled sockets: nothing outlives the check
    ...(isHttps ? { rejectUnauthorized: !request.allowInsecureTls } : {}),
  };
  let settled = false;
  let req: http.ClientRequest | undefined;
  const timer = setTimeout(() => {
    done(() => reject(new TransportError('timeout', `no answer from ${request.url.host} within ${request.timeoutMs} ms`)));
    req?.destroy();
  }, request.timeoutMs);
  function done(fn: () => void): void {
    if (!settled) {
      settled = true;
      clearTimeout(timer);
      fn();
    }
  }
  try {
    req = (isHttps ? https : http).request(request.url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY_BYTES) {
          chunks.push(chunk.subarray(0, MAX_BODY_BYTES - size));
          size += chunk.length;
        }
      });
      res.on('end', () => done(() => resolve({
        status: res.statusCode ?? 0,
        headers: joinHeaders(res.rawHeaders),
        body: Buffer.concat(chunks).toString('utf8'),
      })));
      res.on('error', (error) => done(() => reject(classify(error))));
    });
  } catch (error) {
    done(() => reject(classify(error as Error)));
    return;
  }
  req.on('error', (error) => done(() => reject(classify(error))));
  req.end();
});

/** Retries once when the connection itself failed (not on timeouts, TLS failures or any HTTP status). */
export function withRetry(transport: HttpTransport): HttpTransport {
  return async (request) => {
    try {
      return await transport(request);
    } catch (error) {
      if (error instanceof TransportError && error.failure === 'connection') {
        return transport(request);
      }
      throw error;
    }
  };
}

/** At most `max` requests in flight through the returned transport. */
export function withConcurrencyLimit(transport: HttpTransport, max: number): HttpTransport {
  const limiter = new Limiter(max);
  return (request) => limiter.run(() => transport(request));
}

/** A counting semaphore for promises. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  public constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${max}`);
    }
  }

  /** Runs `task` once fewer than `max` tasks are running. */
  public async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) {
        next(); // the slot passes straight to the next task
      } else {
        this.active--;
      }
    }
  }
}

function classify(error: Error): TransportError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const failure: TransportFailure = TLS_CODES.test(code) ? 'tls' : 'connection';
  return new TransportError(failure, code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message);
}

function joinHeaders(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    headers[name] = headers[name] === undefined ? raw[i + 1] : `${headers[name]}, ${raw[i + 1]}`;
  }
  return headers;
}
