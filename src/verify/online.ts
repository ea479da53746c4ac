/**
 * The online preflight: each image whose credentials matched offline is
 * pulled "on paper" (manifest HEAD) with those credentials, in the order
 * the kubelet tries them, stopping at the first that works.
 */
import { Finding, finding } from './findings';
import { HttpTransport, nodeTransport, withConcurrencyLimit, withRetry } from './http';
import { MatchedCredential, OfflineResult, PullCandidate } from './offline';
import { PullResult, PullStatus, RegistryClient } from './registry-client';

/** Requests in flight at once, unless told otherwise. */
export const DEFAULT_CONCURRENCY = 8;
/** Per-request timeout, unless told otherwise. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Options of {@link checkOnline}. */
export interface OnlineOptions {
  /**
   * Registries (`host[:port]`, exactly as in the image) reached over plain
   * HTTP, whose TLS certificates (e.g. of their token realm) are not verified.
   * @default - none
   */
  readonly insecureRegistries?: readonly string[];
  /** @default 8 */
  readonly concurrency?: number;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /**
   * Sends the HTTP requests; the concurrency limit and the one retry on
   * connection errors are added around it.
   * @default - node's http/https
   */
  readonly transport?: HttpTransport;
}

/** When every credential fails, the most telling failure is reported. */
const FAILURE_RANK: readonly PullStatus[] = ['not-found', 'unauthorized', 'registry-error', 'unreachable'];

/** Returns the offline findings with each candidate's finding replaced by its pull result. */
export async function checkOnline(offline: OfflineResult, options: OnlineOptions = {}): Promise<Finding[]> {
  const transport = withConcurrencyLimit(withRetry(options.transport ?? nodeTransport), options.concurrency ?? DEFAULT_CONCURRENCY);
  const client = new RegistryClient({
    transport,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    insecureRegistries: options.insecureRegistries,
  });
  const findings = [...offline.findings];
  await Promise.all(offline.candidates.map(async (candidate) => {
    const result = await checkCandidate(client, candidate);
    const before = findings[candidate.findingIndex];
    findings[candidate.findingIndex] = finding(before, result.status, result.detail, {
      ...(before.container === undefined ? {} : { container: before.container }),
      ...(before.image === undefined ? {} : { image: before.image }),
    });
  }));
  return findings;
}

async function checkCandidate(client: RegistryClient, candidate: PullCandidate): Promise<PullResult> {
  const { reference } = candidate;
  if (reference.domain === '') {
    return { status: 'registry-error', detail: `${reference.original} names no registry host to check` };
  }
  // A digest wins over a tag: the runtime pulls by digest when one is given.
  const ref = reference.digest ?? reference.tag ?? 'latest';
  const tried: Array<{ credential: MatchedCredential; result: PullResult }> = [];
  for (const credential of candidate.credentials) {
    const result = await client.checkPull(reference.domain, reference.path, ref, credential.credential);
    if (result.status === 'pullable') {
      return { status: 'pullable', detail: `${result.detail} with ${source(credential)}` };
    }
    tried.push({ credential, result });
  }
  const status = FAILURE_RANK.find((s) => tried.some((t) => t.result.status === s)) ?? 'registry-error';
  return { status, detail: tried.map((t) => `${source(t.credential)}: ${t.result.detail}`).join('; ') };
}

function source(credential: MatchedCredential): string {
  return `secret "${credential.secret}" (key "${credential.key}")`;
}
