/**
 * Short-lived registry tokens that External Secrets Operator generates in
 * the cluster: how long each lives, how often it is refreshed by default,
 * and Go's duration syntax for `refreshInterval`. Pure: no cdk8s.
 * Facts and sources: docs/facts-external-secrets.md#eso-generators.
 */
/** A token kind: its generator and lifetime. */
export interface TokenKind {
  /** The generator's `kind`. */
  readonly kind: string;
  /** How messages name the token, e.g. "an ECR authorization token". */
  readonly what: string;
  /** How long a token is valid, in milliseconds. */
  readonly lifetimeMs: number;
  /** The refresh interval used when none is given, in milliseconds. */
  readonly defaultRefreshMs: number;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** ECR `GetAuthorizationToken`: valid 12 hours. Refreshed hourly, as the operator's own ECR example does. */
export const ECR_TOKEN: TokenKind = { kind: 'ECRAuthorizationToken', what: 'an ECR authorization token', lifetimeMs: 12 * HOUR, defaultRefreshMs: HOUR };
/** A Google OAuth2 access token: valid about 1 hour. Refreshed every 30 minutes. */
export const GCR_TOKEN: TokenKind = { kind: 'GCRAccessToken', what: 'a Google access token', lifetimeMs: HOUR, defaultRefreshMs: 30 * MINUTE };
/** An ACR refresh token: valid 3 hours. Refreshed hourly. */
export const ACR_TOKEN: TokenKind = { kind: 'ACRAccessToken', what: 'an ACR refresh token', lifetimeMs: 3 * HOUR, defaultRefreshMs: HOUR };

/** Why refreshing `token` every `refreshMs` lets the pull secret expire, or undefined. */
export function refreshIntervalProblem(token: TokenKind, refreshMs: number): string | undefined {
  if (refreshMs === 0) {
    return `refreshInterval 0s fetches ${token.what} once, and it expires after ${goDuration(token.lifetimeMs)}`;
  }
  if (refreshMs >= token.lifetimeMs) {
    return `refreshInterval ${goDuration(refreshMs)} is not shorter than the ${goDuration(token.lifetimeMs)} lifetime of ${token.what}: `
      + 'the pull secret would expire before the operator renews it';
  }
  return undefined;
}

/**
 * A whole number of milliseconds as Go's `time.Duration.String()` writes it
 * (`1h0m0s`, `30m0s`, `1m30.5s`, `500ms`, `0s`), the syntax of the operator's
 * `refreshInterval`.
 */
export function goDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new Error(`goDuration: ${ms} is not a whole number of milliseconds`);
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  const millis = ms % MINUTE;
  const fraction = millis % 1000 === 0 ? '' : `.${String(millis % 1000).padStart(3, '0').replace(/0+$/, '')}`;
  const seconds = `${Math.floor(millis / 1000)}${fraction}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}
