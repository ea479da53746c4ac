/**
 * Redaction of user info: what we quote of a server, an image reference, an
 * `auths` key or a URL from the input may hold `user:password@`, and a
 * message must never echo it. Quoting helps the user, so the rest is kept;
 * whatever some parser could take as user info becomes `***@`.
 *
 * Recognised anywhere, not only after `scheme://` or before the first `/`:
 * `https:/robot:PASSWORD@quay.io` (one slash), `robot:PASSWORD@quay.io/a/b:1`
 * (an image), `quay.io/org@PASSWORD` (an `@` in the path: a lenient parser
 * takes all before it as user info and we cannot tell which side is the
 * secret, so both sides of it are hidden). Only a digest survives an `@`:
 * `name@sha256:<hex>` is what an image reference means by it.
 */

/** The scheme and slashes before an authority: `https://`, `https:/`, `//`. */
const SCHEME_PREFIX = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/+|\/{2,})/;
/**
 * A digest after `@`, which no `host:port` looks like: an algorithm, `:` and
 * at least 32 hex digits, or a SHA-2 algorithm name (any case) and an
 * encoded part that is no port number (a malformed digest is still quoted).
 */
const DIGEST = /^(?:[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}|sha(?:256|384|512):(?![0-9]{0,5}$)[A-Za-z0-9=_-]*)$/i;
/** Where an authority (or a path segment) ends. */
const SEGMENT_END = /[/?#]/;

/** What replaces user info. */
export const REDACTED_USER_INFO = '***@';

/**
 * `text` (one server, image reference, `auths` key or URL) with whatever a
 * parser could take as user info replaced by `***@`; unchanged without an
 * `@` other than a digest's.
 */
export function redactUserInfo(text: string): string {
  if (!text.includes('@')) return text;
  const prefix = SCHEME_PREFIX.exec(text)?.[0] ?? '';
  let rest = text.slice(prefix.length);
  let digest = '';
  const last = rest.lastIndexOf('@');
  if (last >= 0 && DIGEST.test(rest.slice(last + 1))) {
    digest = rest.slice(last);
    rest = rest.slice(0, last);
  }
  const at = rest.lastIndexOf('@');
  if (at < 0) return prefix + rest + digest;
  const authorityEnd = rest.search(SEGMENT_END);
  if (authorityEnd < 0 || at < authorityEnd) {
    // `user:password@host...`: the host stays; a bare `@` hides nothing.
    return at === 0 ? text : `${prefix}${REDACTED_USER_INFO}${rest.slice(at + 1)}${digest}`;
  }
  // An `@` past the first `/`: everything before it could be user info, and what follows it up to the next `/` the secret.
  const after = rest.slice(at + 1);
  const end = after.search(SEGMENT_END);
  return `${prefix}${REDACTED_USER_INFO}***${end < 0 ? '' : after.slice(end)}${digest}`;
}

/** A double-quoted string with an `@` (a password may hold spaces): neither starting nor ending with white space. */
const QUOTED_WITH_AT = /"(?=[^\s"])((?:[^"\\\n]|\\.)*?@(?:[^"\\\n]|\\.)*?)(?<=[^\s\\])"/g;
/** The words of free text: runs without white space or quotes (matched whole, so the scan stays linear). */
const WORD = /[^\s"'`<>]+/g;

/**
 * Free text (a message quoting servers, images or URLs) with
 * {@link redactUserInfo} applied to every double-quoted string, then every
 * word, that holds an `@`.
 */
export function redactUserInfoIn(text: string): string {
  if (!text.includes('@')) return text;
  return text
    .replace(QUOTED_WITH_AT, (_quoted, inner: string) => `"${redactUserInfo(inner)}"`)
    .replace(WORD, (word) => (word.includes('@') ? redactUserInfo(word) : word));
}
