/**
 * The online preflight: each image whose credentials matched offline is
 * pulled "on paper" (manifest HEAD) with those credentials, in the order
 * the kubelet tries them, stopping at the first that works. Each image has
 * a deadline ({@link IMAGE_DEADLINE_TIMEOUTS} × the per-request timeout):
 * when it passes, the image is `timed-out` and its remaining requests are
 * abandoned.
 */
import { Finding, finding } from './findings';
import { HttpTransport, Limiter, nodeTransport, withConcurrencyLimit, withRetry } from './http';
import { MatchedCredential, OfflineResult, PullCandidate } from './offline';
import { PullResult, PullStatus, RegistryClient } from './registry-client';
import { displayServer } from '../rules/registry-server';

/** Requests in flight at once, unless told otherwise. */
export const DEFAULT_CONCURRENCY = 8;
/** Per-request timeout, unless told otherwise. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * One image's whole check (ping, token, manifest, their redirects and the
 * one retry, for every matching credential) gets this many per-request
 * timeouts: 3 × `--timeout-ms`, 30 s by default.
 */
export const IMAGE_DEADLINE_TIMEOUTS = 3;

/** Options of {@link checkOnline}. */
export interface OnlineOptions {
  /**
   * Registries (`host[:port]`, exactly as in the image) asked over TLS
   * without certificate verification, and over plain HTTP when they do not
   * speak TLS; token realms and redirect targets on these hosts may use
   * plain HTTP or unverified TLS too.
   * @default - none
   */
  readonly insecureRegistries?: readonly string[];
  /** @default 8 */
  readonly concurrency?: number;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /**
   * How long one image's check may take in all, counted from when it
   * starts (not while it waits for its turn under `concurrency`).
   * @default - IMAGE_DEADLINE_TIMEOUTS × timeoutMs
   */
  readonly imageDeadlineMs?: number;
  /**
   * Sends the HTTP requests; the concurrency limit and the one retry on
   * connection errors are added around it.
   * @default - node's http/https
   */
  readonly transport?: HttpTransport;
  /**
   * Told after each image's check: how many of how many images are checked,
   * and how many registries were contacted so far.
   * @default - nothing is told
   */
  readonly onProgress?: (progress: OnlineProgress) => void;
}

/** Where the online checks stand. */
export interface OnlineProgress {
  /** Images whose check ended. */
  readonly checked: number;
  /** Images to check: those with matching credentials. */
  readonly total: number;
  /** Registries (hosts) asked so far. */
  readonly registries: number;
}

/** Appended to the message of a credential made in the cluster: the online check cannot try it. */
export const PRODUCED_NOT_CHECKED = 'not checked online: the credential exists only in the cluster, not in these manifests';

/** When every credential fails, the most telling failure is reported. */
const FAILURE_RANK: readonly PullStatus[] = ['not-found', 'unauthorized', 'registry-error', 'unreachable'];

/** Returns the offline findings with each candidate's finding replaced by its pull result. */
export async function checkOnline(offline: OfflineResult, options: OnlineOptions = {}): Promise<Finding[]> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = {
    ms: options.imageDeadlineMs ?? IMAGE_DEADLINE_TIMEOUTS * timeoutMs,
    why: options.imageDeadlineMs === undefined ? ` (${IMAGE_DEADLINE_TIMEOUTS} × --timeout-ms ${timeoutMs})` : '',
  };
  const transport = withConcurrencyLimit(withRetry(options.transport ?? nodeTransport), concurrency);
  const client = new RegistryClient({ transport, timeoutMs, insecureRegistries: options.insecureRegistries });
  // An image checks one request at a time, so `concurrency` images at once keep as many requests
  // in flight; an image's clock starts when its turn comes, not while it queues behind the others.
  const images = new Limiter(concurrency);
  const findings = offline.findings.map((f) => (f.status === 'produced-in-cluster' ? finding(f, f.status, `${f.message}; ${PRODUCED_NOT_CHECKED}`) : f));
  const contacted = new Set<string>();
  let checked = 0;
  options.onProgress?.({ checked, total: offline.candidates.length, registries: 0 });
  await Promise.all(offline.candidates.map((candidate) => images.run(async () => {
    const result = await checkWithDeadline(client, candidate, deadline);
    const before = findings[candidate.findingIndex];
    findings[candidate.findingIndex] = finding(before, result.status, result.detail, {
      ...(before.container === undefined ? {} : { container: before.container }),
      ...(before.volume === undefined ? {} : { volume: before.volume }),
      ...(before.image === undefined ? {} : { image: before.image }),
      ...(result.secret === undefined ? {} : { secret: result.secret }),
    });
    if (candidate.reference.domain !== '') contacted.add(candidate.reference.domain);
    options.onProgress?.({ checked: ++checked, total: offline.candidates.length, registries: contacted.size });
  })));
  return findings;
}

/** {@link checkCandidate}, abandoned with a `timed-out` result once `deadline.ms` have passed. */
async function checkWithDeadline(client: RegistryClient, candidate: PullCandidate, deadline: { ms: number; why: string }): Promise<CandidateResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadline.ms);
  try {
    return await checkCandidate(client, candidate, controller.signal, deadline);
  } finally {
    clearTimeout(timer);
  }
}

/** A pull result, with the secret that pulled. */
type CandidateResult = PullResult & { readonly secret?: string };

async function checkCandidate(client: RegistryClient, candidate: PullCandidate, signal: AbortSignal,
  deadline: { ms: number; why: string }): Promise<CandidateResult> {
  const { reference } = candidate;
  if (reference.domain === '') {
    return { status: 'registry-error', detail: `${reference.original} names no registry host to check` };
  }
  // A digest wins over a tag: the runtime pulls by digest when one is given.
  const ref = reference.digest ?? reference.tag ?? 'latest';
  const tried: Array<{ credential: MatchedCredential; result: PullResult }> = [];
  for (const credential of candidate.credentials) {
    let result: PullResult;
    try {
      result = await client.checkPull(reference.domain, reference.path, ref, credential.credential, signal);
    } catch (error) {
      if (!signal.aborted) {
        throw error;
      }
      const pending = candidate.credentials.length - tried.length;
      const done = tried.map((t) => `; ${source(t.credential)}: ${t.result.detail}`).join('');
      return {
        status: 'timed-out',
        detail: `check ran out of time: no answer within ${deadline.ms} ms${deadline.why} while trying ${source(credential)}; `
          + `its remaining requests were abandoned${pending > 1 ? ` and ${pending - 1} more credential(s) not tried` : ''}${done}`,
      };
    }
    if (result.status === 'pullable') {
      return { status: 'pullable', detail: `${result.detail} with ${source(credential)}`, secret: credential.secret };
    }
    tried.push({ credential, result });
  }
  const status = FAILURE_RANK.find((s) => tried.some((t) => t.result.status === s)) ?? 'registry-error';
  return { status, detail: tried.map((t) => `${source(t.credential)}: ${t.result.detail}`).join('; ') };
}

function source(credential: MatchedCredential): string {
  return `secret "${credential.secret}" (key "${displayServer(credential.key)}")`;
}
