/**
 * Why an image pull fails, from the text the container runtime gave the
 * kubelet (`Failed to pull image "X": <text>`). containerd, CRI-O and the
 * Docker daemon word the same causes differently: docs/facts.md#image-pull-events.
 */

/** Why a pull fails, from the runtime's message. */
export type PullFailureReason = 'unauthorized' | 'not-found' | 'rate-limited' | 'unreachable' | 'unknown';

/** What a runtime's error text says about why a pull fails. */
export interface PullErrorClass {
  readonly reason: PullFailureReason;
  /**
   * Docker Hub (and the Docker daemon) say "pull access denied, repository
   * does not exist or may require authorization" for a refused credential
   * and for a missing repository alike: `unauthorized` unless a credential
   * for the image was sent (`credentialMatched`), then `not-found`.
   */
  readonly ambiguous: boolean;
}

const RATE_LIMITED = /\b429\b|toomanyrequests|too many requests|rate limit|pull qps exceeded/i;
const UNREACHABLE = new RegExp([
  'dial tcp', 'dial udp', 'i/o timeout', 'no such host', 'connection refused', 'connection reset by peer', 'network is unreachable',
  'no route to host', 'x509:', 'tls handshake', 'tls: ', 'server gave http response to https client', 'server misbehaving',
  'client\\.timeout exceeded', 'registry is unavailable',
].join('|'), 'i');
const DENIED_OR_MISSING = /repository does not exist or may require/i;
const UNAUTHORIZED = new RegExp([
  '\\b401\\b', '\\b403\\b', 'unauthorized', 'forbidden', 'pull access denied', 'authorization failed', 'no basic auth credentials',
  'failed to fetch anonymous token', 'failed to fetch oauth token', 'failed to authorize', 'authentication required', 'incorrect username or password',
  'invalid username/password', 'access denied', '\\bdenied\\b', 'not authorized', 'token has expired', 'no credentials on this request',
].join('|'), 'i');
const NOT_FOUND = /not found|manifest[ _]unknown|name[ _]unknown|repository does not exist|\b404\b|no such image|does not exist/i;
/** CRI-O appends what its mirrors said; the primary registry's answer is what counts. */
const MIRROR_NOTE = /\(mirrors also failed: \[[\s\S]*?\]\)/gi;

/**
 * Classifies a runtime's pull error (containerd, CRI-O, dockershim
 * wordings). Order matters: rate limits first (Docker Hub's message says
 * "authenticating"), then network failures (a token fetch that never
 * connected is no refusal), then refusals, then missing images.
 */
export function classifyPullError(text: string, credentialMatched = false): PullErrorClass {
  const primary = text.replace(MIRROR_NOTE, '');
  if (RATE_LIMITED.test(primary)) return { reason: 'rate-limited', ambiguous: false };
  if (UNREACHABLE.test(primary)) return { reason: 'unreachable', ambiguous: false };
  if (DENIED_OR_MISSING.test(primary)) return { reason: credentialMatched ? 'not-found' : 'unauthorized', ambiguous: true };
  if (UNAUTHORIZED.test(primary)) return { reason: 'unauthorized', ambiguous: false };
  if (NOT_FOUND.test(primary)) return { reason: 'not-found', ambiguous: false };
  return { reason: 'unknown', ambiguous: false };
}
