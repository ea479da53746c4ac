/**
 * Which docker-config `auths` keys the kubelet applies to an image, exactly as
 * pkg/credentialprovider/keyring.go does it (BasicDockerKeyring.Add/Lookup,
 * URLsMatch). Pure functions, no constructs.
 *
 * Go's url.Parse, net.SplitHostPort and path.Match are re-implemented below
 * as far as they decide a match; all comparisons are case-sensitive, as
 * upstream (url.Parse keeps the host's case).
 */

import { ImageReference, parseImageReference } from './image-reference';

/** A docker-config `auths` key, normalised as the kubelet indexes it. */
export interface ParsedRegistryKey {
  /** The key as written in `auths`. */
  readonly key: string;
  /**
   * The kubelet's index key: host[:port] plus the path with a leading `/v1/`
   * or `/v2/` reduced to `/`; host alone when that path is empty or `/`.
   * `https://index.docker.io/v1/` -> `index.docker.io`.
   */
  readonly normalized: string;
  /**
   * Host as net.SplitHostPort returns it: without port, case kept as written.
   * Where SplitHostPort fails (no port) the kubelet keeps the whole host, so
   * `[::1]` keeps its brackets (and, as upstream, never matches).
   */
  readonly host: string;
  /** Port, `''` when none. */
  readonly port: string;
  /** Path prefix an image path must start with (Go URL.Path: leading `/`), `''` when none. */
  readonly path: string;
}

/** The normalised key the kubelet falls back to for Docker Hub images. */
export const DOCKER_HUB_FALLBACK_KEY = 'index.docker.io';

/**
 * Normalises an `auths` key as BasicDockerKeyring.Add does: add `https://`
 * unless it starts with `http://` or `https://`, parse as a URL, drop a
 * leading `/v1` or `/v2` from `/v1/...`/`/v2/...` paths. Throws an Error
 * when Go's url.Parse would reject the key (the kubelet ignores such keys).
 */
export function parseRegistryKey(key: string): ParsedRegistryKey {
  const withScheme = key.startsWith('https://') || key.startsWith('http://') ? key : `https://${key}`;
  try {
    const added = parseHttpUrl(withScheme);
    const effectivePath = added.path.startsWith('/v1/') || added.path.startsWith('/v2/') ? added.path.slice(3) : added.path;
    const normalized = effectivePath === '' || effectivePath === '/' ? added.host : added.host + effectivePath;
    // Lookup parses the normalised key once more; that parse is what is matched.
    const looked = parseHttpUrl(`https://${normalized}`);
    const { host, port } = splitHostPort(looked.host);
    return { key, normalized, host, port, path: looked.path };
  } catch (error) {
    throw new Error(`registry key ${JSON.stringify(key)} cannot be parsed as a URL: ${(error as Error).message}`);
  }
}

/**
 * Whether one `auths` key applies to an image by the kubelet's URLsMatch:
 * equal ports, equal number of host labels, each label glob-matched as by
 * Go's path.Match, and the key path a raw string prefix of the image path.
 * (A key string cannot carry `?`, which starts a URL query, nor `^`, which
 * is no host character; pre-parsed keys can.) The Docker Hub fallback is a
 * keyring rule: see {@link matchingRegistryKeys}.
 * Throws for an unparseable key or an invalid image reference.
 */
export function registryKeyMatchesImage(key: ParsedRegistryKey | string, image: ImageReference | string): boolean {
  const target = imageTarget(image);
  return target !== undefined && compileKey(typeof key === 'string' ? parseRegistryKey(key) : key).matches(target);
}

/**
 * Every key that applies to the image, in the order the kubelet visits them
 * (see {@link RegistryKeyring}). Keys Go cannot parse are skipped, as the kubelet does.
 */
export function matchingRegistryKeys(keys: readonly string[], image: ImageReference | string): string[] {
  return new RegistryKeyring(keys).matchingKeys(image);
}

/**
 * A set of `auths` keys compiled once, to match many images cheaply.
 *
 * Order of results: normalised keys in reverse byte-wise order (Go's
 * `sort.Reverse(sort.StringSlice)`, so `quay.io/team` comes before
 * `quay.io`); keys that normalise alike keep their input order (the kubelet
 * appends them per secret, in `imagePullSecrets` order). Exact duplicates
 * are reported once.
 */
export class RegistryKeyring {
  /** The parseable keys, in lookup order. */
  public readonly keys: readonly ParsedRegistryKey[];
  private readonly compiled: readonly CompiledKey[];

  public constructor(keys: readonly string[]) {
    const parsed = [...new Set(keys)].flatMap((key) => tryParseRegistryKey(key));
    this.keys = stableSort(parsed, (a, b) => compareGoStrings(b.normalized, a.normalized));
    this.compiled = this.keys.map(compileKey);
  }

  /**
   * The keys that apply to the image: every direct match; when there is none
   * and the kubelet treats the image as Docker Hub's, the keys that normalise
   * to `index.docker.io`. Throws for an invalid image reference.
   */
  public matchingKeys(image: ImageReference | string): string[] {
    const target = imageTarget(image);
    if (target === undefined) {
      return [];
    }
    const direct = this.compiled.filter((c) => c.matches(target)).map((c) => c.parsed.key);
    if (direct.length > 0 || !isDefaultRegistryMatch(target.name)) {
      return direct;
    }
    return this.keys.filter((k) => k.normalized === DOCKER_HUB_FALLBACK_KEY).map((k) => k.key);
  }
}

/** The image side of a match: normalised name split as url.Parse splits it. */
interface ImageTarget {
  readonly name: string;
  readonly labels: readonly string[];
  readonly port: string;
  readonly path: string;
}

interface CompiledKey {
  readonly parsed: ParsedRegistryKey;
  matches(target: ImageTarget): boolean;
}

/** Undefined when Go's url.Parse rejects the name, so no key can match (e.g. `[::::]/app`). */
function imageTarget(image: ImageReference | string): ImageTarget | undefined {
  const name = (typeof image === 'string' ? parseImageReference(image) : image).name;
  try {
    const url = parseHttpUrl(`https://${name}`);
    const { host, port } = splitHostPort(url.host);
    return { name, labels: host.split('.'), port, path: url.path };
  } catch {
    return undefined;
  }
}

function compileKey(parsed: ParsedRegistryKey): CompiledKey {
  const labels = parsed.host.split('.').map(compileGlob);
  return {
    parsed,
    matches: (target) => target.port === parsed.port
      && target.labels.length === labels.length
      && target.path.startsWith(parsed.path)
      && labels.every((matchLabel, i) => matchLabel(target.labels[i])),
  };
}

function tryParseRegistryKey(key: string): ParsedRegistryKey[] {
  try {
    return [parseRegistryKey(key)];
  } catch {
    return [];
  }
}

/**
 * keyring.go isDefaultRegistryMatch, applied to the normalised name: no `/`,
 * or a first component that is `docker.io`/`index.docker.io` or has neither
 * `.` nor `:`. Note that `localhost/app` qualifies too, as upstream.
 */
function isDefaultRegistryMatch(name: string): boolean {
  const slash = name.indexOf('/');
  const first = slash < 0 ? name : name.slice(0, slash);
  if (first === '') {
    return false;
  }
  return slash < 0 || first === 'docker.io' || first === 'index.docker.io' || !/[.:]/.test(first);
}

// --- Go net/url.Parse for "http(s)://..." strings, enough to get Host and Path ---

interface HttpUrl {
  readonly host: string;
  readonly path: string;
}

/** Host (unescaped, with port) and Path (unescaped) of an absolute http(s) URL, or throws Go's error. */
function parseHttpUrl(raw: string): HttpUrl {
  const hash = raw.indexOf('#');
  const beforeFragment = hash < 0 ? raw : raw.slice(0, hash);
  // Go checks control bytes before the fragment only.
  if (/[\x00-\x1f\x7f]/.test(beforeFragment)) {
    throw new Error('invalid control character in URL');
  }
  const question = beforeFragment.indexOf('?');
  const withoutQuery = question < 0 ? beforeFragment : beforeFragment.slice(0, question);
  const afterScheme = withoutQuery.slice(withoutQuery.indexOf('://') + 3);
  const slash = afterScheme.indexOf('/');
  const authority = slash < 0 ? afterScheme : afterScheme.slice(0, slash);
  const rawPath = slash < 0 ? '' : afterScheme.slice(slash);

  const at = authority.lastIndexOf('@');
  const host = parseHost(authority.slice(at + 1));
  if (at >= 0) {
    checkUserinfo(authority.slice(0, at));
  }
  const path = unescape(rawPath, 'path');
  if (hash >= 0) {
    unescape(raw.slice(hash + 1), 'fragment');
  }
  return { host, path };
}

/**
 * url.parseHost as in current Go: brackets must hold an IPv6 address (Go
 * 1.24.8/1.25.2 on); a second colon outside brackets is an error (Go 1.26;
 * older Go accepted it, but such a key can never match an image anyway).
 */
function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) {
      throw new Error("missing ']' in host");
    }
    checkOptionalPort(host.slice(close + 1));
    const inside = host.slice(1, close);
    const zone = inside.indexOf('%25');
    const address = zone < 0
      ? unescape(inside, 'host')
      : unescape(inside.slice(0, zone), 'host') + unescape(inside.slice(zone), 'zone');
    if (!isIPv6(address)) {
      throw new Error(`invalid IP-literal ${JSON.stringify(address)}`);
    }
    return `[${address}]${host.slice(close + 1)}`;
  }
  const colon = host.indexOf(':');
  if (colon >= 0) {
    if (host.lastIndexOf(':') !== colon) {
      throw new Error(`too many colons in host ${JSON.stringify(host)}`);
    }
    checkOptionalPort(host.slice(colon));
  }
  return unescape(host, 'host');
}

function checkOptionalPort(colonPort: string): void {
  if (colonPort !== '' && !/^:[0-9]*$/.test(colonPort)) {
    throw new Error(`invalid port ${JSON.stringify(colonPort)} after host`);
  }
}

function checkUserinfo(userinfo: string): void {
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) {
    throw new Error('invalid userinfo');
  }
  unescape(userinfo, 'userinfo');
}

/** ASCII bytes Go allows unescaped in a host (shouldEscape(c, encodeHost) is false). */
const HOST_ASCII = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]$/;

/**
 * url.unescape: `%XX` must be two hex digits; in hosts only non-ASCII bytes
 * (and `%25`) may be escaped, in IPv6 zones only bytes a host could hold
 * raw (or a space), and only HOST_ASCII may appear raw in either. Escaped
 * bytes are decoded as UTF-8 (invalid sequences become U+FFFD, which can
 * never equal the ASCII an image name is made of).
 */
function unescape(text: string, mode: 'host' | 'zone' | 'path' | 'userinfo' | 'fragment'): string {
  const hostLike = mode === 'host' || mode === 'zone';
  let escapes = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '%') {
      const pair = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(pair)) {
        throw new Error(`invalid URL escape ${JSON.stringify(text.slice(i, i + 3))}`);
      }
      const byte = parseInt(pair, 16);
      const percent25 = pair === '25';
      const hostReject = mode === 'host' && byte < 0x80 && !percent25;
      const zoneReject = mode === 'zone' && !percent25 && byte !== 0x20 && (byte >= 0x80 || !HOST_ASCII.test(String.fromCharCode(byte)));
      if (hostReject || zoneReject) {
        throw new Error(`invalid URL escape ${JSON.stringify(text.slice(i, i + 3))}`);
      }
      escapes++;
      i += 2;
    } else if (hostLike && ch.charCodeAt(0) < 0x80 && !HOST_ASCII.test(ch)) {
      throw new Error(`invalid character ${JSON.stringify(ch)} in host name`);
    }
  }
  return escapes === 0 ? text : decodeEscapes(text);
}

function decodeEscapes(text: string): string {
  const parts = text.split(/(%[0-9A-Fa-f]{2})/);
  const bytes = parts.map((part) => (part.startsWith('%') && part.length === 3
    ? Buffer.from([parseInt(part.slice(1), 16)])
    : Buffer.from(part, 'utf8')));
  return Buffer.concat(bytes).toString('utf8');
}

/** netip.ParseAddr accepting IPv6 only (IPv4-mapped allowed, optional non-empty `%zone`). */
function isIPv6(address: string): boolean {
  const percent = address.indexOf('%');
  if (percent === address.length - 1) {
    return false;
  }
  let ip = percent < 0 ? address : address.slice(0, percent);
  if (ip.includes('.')) {
    const lastColon = ip.lastIndexOf(':');
    if (lastColon < 0 || !isIPv4(ip.slice(lastColon + 1))) {
      return false;
    }
    ip = `${ip.slice(0, lastColon + 1)}0:0`;
  }
  const halves = ip.split('::');
  if (halves.length > 2) {
    return false;
  }
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((g) => g.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group)))) {
    return false;
  }
  const count = groups.reduce((sum, g) => sum + g.length, 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

function isIPv4(text: string): boolean {
  const octets = text.split('.');
  return octets.length === 4 && octets.every((o) => /^(0|[1-9][0-9]{0,2})$/.test(o) && Number(o) <= 255);
}

/** url/keyring splitURL: net.SplitHostPort, falling back to (whole, '') on error. */
function splitHostPort(hostport: string): { host: string; port: string } {
  const whole = { host: hostport, port: '' };
  const lastColon = hostport.lastIndexOf(':');
  if (lastColon < 0) {
    return whole;
  }
  let host: string;
  let afterOpen = 0;
  let afterClose = 0;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0 || close + 1 !== lastColon) {
      return whole;
    }
    host = hostport.slice(1, close);
    [afterOpen, afterClose] = [1, close + 1];
  } else {
    host = hostport.slice(0, lastColon);
    if (host.includes(':')) {
      return whole;
    }
  }
  if (hostport.indexOf('[', afterOpen) >= 0 || hostport.indexOf(']', afterClose) >= 0) {
    return whole;
  }
  return { host, port: hostport.slice(lastColon + 1) };
}

// --- Go path.Match (filepath.Match on Linux), compiled once per pattern ---

type GlobToken =
  | { readonly kind: 'char'; readonly codePoint: number }
  | { readonly kind: 'any' }
  | { readonly kind: 'class'; readonly negated: boolean; readonly ranges: ReadonlyArray<readonly [number, number]> };

interface GlobChunk {
  /** Whether `*` precedes the chunk. */
  readonly star: boolean;
  readonly tokens: readonly GlobToken[];
}

/**
 * Compiles a glob into a matcher with path.Match's semantics. A malformed
 * pattern never matches (Match returns ErrBadPattern, which URLsMatch treats
 * as no match). Patterns without metacharacters compare as plain strings.
 */
function compileGlob(pattern: string): (name: string) => boolean {
  if (!/[*?[\\]/.test(pattern)) {
    return (name) => name === pattern;
  }
  const chunks = parseGlob(pattern);
  return chunks === undefined ? () => false : (name) => matchGlob(chunks, name);
}

function parseGlob(pattern: string): GlobChunk[] | undefined {
  const chunks: GlobChunk[] = [];
  const chars = Array.from(pattern);
  let i = 0;
  while (i < chars.length) {
    let star = false;
    while (chars[i] === '*') {
      star = true;
      i++;
    }
    const tokens: GlobToken[] = [];
    while (i < chars.length && chars[i] !== '*') {
      const parsed = parseToken(chars, i);
      if (parsed === undefined) {
        return undefined;
      }
      tokens.push(parsed.token);
      i = parsed.next;
    }
    chunks.push({ star, tokens });
  }
  return chunks;
}

function parseToken(chars: readonly string[], start: number): { token: GlobToken; next: number } | undefined {
  const ch = chars[start];
  if (ch === '?') {
    return { token: { kind: 'any' }, next: start + 1 };
  }
  if (ch === '\\') {
    return start + 1 < chars.length
      ? { token: { kind: 'char', codePoint: chars[start + 1].codePointAt(0)! }, next: start + 2 }
      : undefined;
  }
  if (ch !== '[') {
    return { token: { kind: 'char', codePoint: ch.codePointAt(0)! }, next: start + 1 };
  }
  return parseClass(chars, start + 1);
}

/** A `[...]` class after its `[`: path.Match's getEsc rules (no empty class, `-`/`]` need escaping). */
function parseClass(chars: readonly string[], start: number): { token: GlobToken; next: number } | undefined {
  let i = start;
  const negated = chars[i] === '^';
  if (negated) {
    i++;
  }
  const ranges: Array<[number, number]> = [];
  while (!(chars[i] === ']' && ranges.length > 0)) {
    const lo = classChar(chars, i);
    if (lo === undefined) {
      return undefined;
    }
    i = lo.next;
    let hi = lo;
    if (chars[i] === '-') {
      const parsedHi = classChar(chars, i + 1);
      if (parsedHi === undefined) {
        return undefined;
      }
      hi = parsedHi;
      i = hi.next;
    }
    ranges.push([lo.codePoint, hi.codePoint]);
  }
  return { token: { kind: 'class', negated, ranges }, next: i + 1 };
}

function classChar(chars: readonly string[], start: number): { codePoint: number; next: number } | undefined {
  let i = start;
  if (i >= chars.length || chars[i] === '-' || chars[i] === ']') {
    return undefined;
  }
  if (chars[i] === '\\') {
    i++;
    if (i >= chars.length) {
      return undefined;
    }
  }
  // getEsc also insists that something (at least the closing `]`) follows.
  return i + 1 < chars.length ? { codePoint: chars[i].codePointAt(0)!, next: i + 1 } : undefined;
}

/** path.Match's loop: each starred chunk takes its leftmost fit; the last one must end the name. */
function matchGlob(chunks: readonly GlobChunk[], name: string): boolean {
  let pos = 0;
  for (let c = 0; c < chunks.length; c++) {
    const { star, tokens } = chunks[c];
    const last = c === chunks.length - 1;
    if (star && tokens.length === 0) {
      return true; // trailing `*` (host labels never contain `/`)
    }
    const here = matchChunk(tokens, name, pos);
    if (here >= 0 && (here === name.length || !last)) {
      pos = here;
      continue;
    }
    const skipped = star ? matchAfterSkipping(tokens, name, pos, last) : -1;
    if (skipped < 0) {
      return false;
    }
    pos = skipped;
  }
  return pos === name.length;
}

function matchAfterSkipping(tokens: readonly GlobToken[], name: string, from: number, last: boolean): number {
  for (let i = from; i < name.length; i = nextIndex(name, i)) {
    const end = matchChunk(tokens, name, nextIndex(name, i));
    if (end >= 0 && (!last || end === name.length)) {
      return end;
    }
  }
  return -1;
}

/** Index after the chunk matched at `pos`, or -1. */
function matchChunk(tokens: readonly GlobToken[], name: string, pos: number): number {
  let i = pos;
  for (const token of tokens) {
    if (i >= name.length) {
      return -1;
    }
    const cp = name.codePointAt(i)!;
    if (token.kind === 'char' && token.codePoint !== cp) {
      return -1;
    }
    if (token.kind === 'class' && token.ranges.some(([lo, hi]) => lo <= cp && cp <= hi) === token.negated) {
      return -1;
    }
    i = nextIndex(name, i);
  }
  return i;
}

function nextIndex(text: string, i: number): number {
  return i + (text.codePointAt(i)! > 0xffff ? 2 : 1);
}

// --- ordering ---

/** Go string order (UTF-8 bytes, i.e. code points) on JS strings. */
function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      return codePointRank(x) - codePointRank(y);
    }
  }
  return a.length - b.length;
}

/** UTF-16 units sort like code points except surrogates, which stand for code points above U+FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) {
    return unit + 0x2000;
  }
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

function stableSort<T>(items: readonly T[], compare: (a: T, b: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => compare(a.item, b.item) || a.index - b.index)
    .map(({ item }) => item);
}
