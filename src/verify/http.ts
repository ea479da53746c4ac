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
  /** Abandons the request (in flight or not yet sent) when it aborts: nobody waits for the answer any more. */
  readonly signal?: AbortSignal;
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

/**
 * Why no (usable) response came: the connection failed, timed out, TLS
 * refused the peer, the request was abandoned, or the body passed
 * {@link MAX_BODY_BYTES}.
 */
export type TransportFailure = 'connection' | 'timeout' | 'tls' | 'aborted' | 'too-large';

/** Details of a {@link TransportError}. */
export interface TransportErrorDetails {
  /** node's error code, e.g. `ECONNREFUSED`, `EPROTO`, `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  readonly code?: string;
  /**
   * An HTTPS request whose TLS handshake failed because the peer does not
   * speak TLS (see {@link isNoTlsPeer}): the one case where an insecure
   * registry is retried over plain HTTP.
   */
  readonly noTlsPeer?: boolean;
}

/** No HTTP response: the registry is unreachable for `reason`. */
export class TransportError extends Error {
  public readonly failure: TransportFailure;
  public readonly code?: string;
  public readonly noTlsPeer: boolean;

  public constructor(failure: TransportFailure, message: string, details: TransportErrorDetails = {}) {
    super(message);
    this.name = 'TransportError';
    this.failure = failure;
    this.code = details.code;
    this.noTlsPeer = details.noTlsPeer === true;
  }
}

/** Token responses are small; a body longer than this is not read on: the request fails as `too-large`. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Error codes of a TLS handshake that failed verification or negotiation. */
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|EPROTO$)/;

/** OpenSSL's reason when the first record from the peer is not TLS (3.x: "wrong version number"; 1.0: "unknown protocol"). */
const NOT_TLS_RECORD = /wrong version number|unknown protocol/i;

/**
 * Whether a failed HTTPS request shows that the peer does not speak TLS.
 * The TLS handshake must have started (the TCP connection was made) and not
 * completed, and then either
 *
 * - OpenSSL found no TLS record where the server's hello belongs (`EPROTO`
 *   or `ERR_SSL_WRONG_VERSION_NUMBER`, "wrong version number"): the peer
 *   answered the ClientHello in plain text, as a plain-HTTP server does with
 *   `HTTP/1.1 400 Bad Request` (containerd's test: a TLS record header that
 *   reads `HTTP/`); or
 * - the peer closed the connection (`ECONNRESET`, `EPIPE`, "socket hang
 *   up") without a byte of TLS, as some plain-HTTP servers do with a request
 *   line they cannot parse.
 *
 * Not: a refused or unreachable port, a timeout, a certificate that does not
 * verify, or a TLS alert (those peers speak TLS).
 */
export function isNoTlsPeer(code: string, message: string, connected: boolean, handshakeDone: boolean): boolean {
  if (!connected || handshakeDone) {
    return false;
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || (code === 'EPROTO' && NOT_TLS_RECORD.test(message))) {
    return true;
  }
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** The real transport: node's http/https, no connection reuse, no redirects. */
export const nodeTransport: HttpTransport = (request) => new Promise<HttpResponse>((resolve, reject) => {
  const isHttps = request.url.protocol === 'https:';
  const { signal } = request;
  const options: https.RequestOptions = {
    method: request.method,
    headers: request.headers,
    agent: false, // no pooled sockets: nothing outlives the check
    ...(isHttps ? { rejectUnauthorized: !request.allowInsecureTls } : {}),
  };
  let settled = false;
  let req: http.ClientRequest | undefined;
  let connected = false;
  let handshakeDone = false;
  const fail = (error: TransportError) => {
    done(() => reject(error));
    req?.destroy();
  };
  const timer = setTimeout(() => fail(new TransportError('timeout', `no answer from ${request.url.host} within ${request.timeoutMs} ms`)),
    request.timeoutMs);
  const onAbort = () => fail(abandoned(request.url));
  function done(fn: () => void): void {
    if (!settled) {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    }
  }
  if (signal?.aborted) {
    onAbort();
    return;
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  const classifyHere = (error: Error) => classify(error, isHttps && isNoTlsPeer(errorCode(error), error.message, connected, handshakeDone));
  try {
    req = (isHttps ? https : http).request(request.url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          fail(new TransportError('too-large', `${request.url.host} sent a body of more than ${MAX_BODY_BYTES} bytes; stopped reading`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => done(() => resolve({
        status: res.statusCode ?? 0,
        headers: joinHeaders(res.rawHeaders),
        body: Buffer.concat(chunks).toString('utf8'),
      })));
      res.on('error', (error) => done(() => reject(classifyHere(error))));
    });
  } catch (error) {
    done(() => reject(classify(error as Error, false)));
    return;
  }
  req.on('socket', (socket) => {
    socket.once('connect', () => { connected = true; });
    socket.once('secureConnect', () => { handshakeDone = true; });
  });
  req.on('error', (error) => done(() => reject(classifyHere(error))));
  req.end();
});

/** The error of a request nobody waits for any more. */
export function abandoned(url: URL): TransportError {
  return new TransportError('aborted', `request to ${url.host} abandoned`);
}

/** Retries once when the connection itself failed (not on timeouts, TLS failures, abandoned requests or any HTTP status). */
export function withRetry(transport: HttpTransport): HttpTransport {
  return async (request) => {
    try {
      return await transport(request);
    } catch (error) {
      if (error instanceof TransportError && error.failure === 'connection' && !request.signal?.aborted) {
        return transport(request);
      }
      throw error;
    }
  };
}

/** At most `max` requests in flight through the returned transport; one abandoned while it waited is not sent. */
export function withConcurrencyLimit(transport: HttpTransport, max: number): HttpTransport {
  const limiter = new Limiter(max);
  return (request) => limiter.run(() => (request.signal?.aborted ? Promise.reject(abandoned(request.url)) : transport(request)));
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

/** Thrown to a caller whose signal aborted while it waited on {@link SharedWork}. */
export class Abandoned extends Error {
  public constructor() {
    super('abandoned: the deadline passed');
    this.name = 'Abandoned';
  }
}

/**
 * Work that several callers wait on (one ping per registry, one token per
 * scope, one pull per image and credential). Each caller joins with its own
 * signal; a caller whose signal aborts stops waiting at once, and when the
 * last caller has gone the work's own signal aborts, so it sends no further
 * request and the one in flight is destroyed. A caller without a signal
 * waits for good. Abandoned work is never reused: {@link abandoned} tells
 * the cache to start afresh.
 */
export class SharedWork<T> {
  private readonly controller = new AbortController();
  private readonly result: Promise<T>;
  private waiting = 0;
  private forever = false;

  public constructor(run: (signal: AbortSignal) => Promise<T>) {
    this.result = run(this.controller.signal);
    this.result.catch(() => undefined); // rejections reach the callers that still wait
  }

  /** Whether every caller gave up, so the work stopped. */
  public get abandoned(): boolean {
    return this.controller.signal.aborted;
  }

  /** The work's result, or {@link Abandoned} as soon as `signal` aborts. */
  public join(signal?: AbortSignal): Promise<T> {
    if (signal === undefined) {
      this.forever = true;
      return this.result;
    }
    if (signal.aborted) {
      return Promise.reject(new Abandoned());
    }
    this.waiting++;
    return new Promise<T>((resolve, reject) => {
      let gone = false;
      const leave = () => {
        if (!gone) {
          gone = true;
          signal.removeEventListener('abort', onAbort);
          this.waiting--;
        }
      };
      const onAbort = () => {
        leave();
        if (this.waiting === 0 && !this.forever) {
          this.controller.abort();
        }
        reject(new Abandoned());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      // After an abort these settle nothing: the promise was rejected already.
      this.result.then((value) => {
        leave();
        resolve(value);
      }, (error: unknown) => {
        leave();
        reject(error);
      });
    });
  }
}

/** `cache.get(key)` joined with `signal`, started afresh with `run` when missing or abandoned. */
export function joinShared<T>(cache: Map<string, SharedWork<T>>, key: string, signal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  let work = cache.get(key);
  if (work === undefined || work.abandoned) {
    work = new SharedWork(run);
    cache.set(key, work);
  }
  return work.join(signal);
}

function errorCode(error: Error): string {
  return (error as NodeJS.ErrnoException).code ?? '';
}

function classify(error: Error, noTlsPeer: boolean): TransportError {
  const code = errorCode(error);
  const failure: TransportFailure = TLS_CODES.test(code) ? 'tls' : 'connection';
  const message = opensslReason(error.message) ?? error.message;
  return new TransportError(failure, code && !message.includes(code) ? `${code}: ${message}` : message, { code: code || undefined, noTlsPeer });
}

/**
 * OpenSSL's messages read `write EPROTO 80CC…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl/record/ssl3_record.c:350:`
 * and end with a newline; the reason is the part worth printing.
 */
function opensslReason(message: string): string | undefined {
  const match = /error:[0-9A-F]+:[^:]*:[^:]*:([^:\n]+)/i.exec(message);
  return match ? `${match[1].trim()} (OpenSSL)` : undefined;
}

function joinHeaders(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    headers[name] = headers[name] === undefined ? raw[i + 1] : `${headers[name]}, ${raw[i + 1]}`;
  }
  return headers;
}
