/**
 * Which docker-config `auths` keys the kubelet applies to an image, exactly as
 * pkg/credentialprovider/keyring.go does it (BasicDockerKeyring.Add/Lookup,
 * URLsMatch). Pure functions, no constructs. The Go pieces it stands on
 * (url.Parse, SplitHostPort, path.Match, string order) have files of their
 * own; all comparisons are case-sensitive, as upstream (url.Parse keeps the
 * host's case). Facts and sources: docs/facts.md#kubelet-keyring.
 */

import { DOCKER_HUB_DOMAIN, DOCKER_HUB_INDEX_HOST } from './docker-hub';
import { compileGoGlob } from './go-path-match';
import { compareGoStrings } from './go-string-order';
import { parseGoHttpUrl, splitHostPortOrWhole } from './go-url';
import { ImageReference, parseImageReference } from './image-reference';
import { redactUserInfo } from './redact';

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

/**
 * Normalises an `auths` key as BasicDockerKeyring.Add does: add `https://`
 * unless it starts with `http://` or `https://`, parse as a URL, drop a
 * leading `/v1` or `/v2` from `/v1/...`/`/v2/...` paths. Throws an Error
 * when Go's url.Parse would reject the key (the kubelet ignores such keys).
 */
export function parseRegistryKey(key: string): ParsedRegistryKey {
  const withScheme = key.startsWith('https://') || key.startsWith('http://') ? key : `https://${key}`;
  try {
    const added = parseGoHttpUrl(withScheme);
    const effectivePath = added.path.startsWith('/v1/') || added.path.startsWith('/v2/') ? added.path.slice(3) : added.path;
    const normalized = effectivePath === '' || effectivePath === '/' ? added.host : added.host + effectivePath;
    // Lookup parses the normalised key once more; that parse is what is matched.
    const looked = parseGoHttpUrl(`https://${normalized}`);
    const { host, port } = splitHostPortOrWhole(looked.host);
    return { key, normalized, host, port, path: looked.path };
  } catch (error) {
    const shown = redactUserInfo(key);
    const detail = (error as Error).message;
    // A detail quoting a piece of a key that holds user info could quote the password.
    const safeDetail = shown === key || !detail.includes('"') ? detail : 'it holds user info (hidden) and is not a URL Go can parse';
    throw new Error(`registry key ${JSON.stringify(shown)} cannot be parsed as a URL: ${safeDetail}`);
  }
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
    this.keys = [...parsed].sort((a, b) => compareGoStrings(b.normalized, a.normalized));
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
    return this.keys.filter((k) => k.normalized === DOCKER_HUB_INDEX_HOST).map((k) => k.key);
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
    const url = parseGoHttpUrl(`https://${name}`);
    const { host, port } = splitHostPortOrWhole(url.host);
    return { name, labels: host.split('.'), port, path: url.path };
  } catch {
    return undefined;
  }
}

/**
 * One key as URLsMatch applies it: equal ports, equal number of host labels,
 * each label glob-matched as by Go's path.Match, and the key path a raw
 * string prefix of the image path. (A key string cannot carry `?`, which
 * starts a URL query, nor `^`, which is no host character.)
 */
function compileKey(parsed: ParsedRegistryKey): CompiledKey {
  const labels = parsed.host.split('.').map(compileGoGlob);
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
  return slash < 0 || first === DOCKER_HUB_DOMAIN || first === DOCKER_HUB_INDEX_HOST || !/[.:]/.test(first);
}
