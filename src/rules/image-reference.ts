/**
 * Container image references, parsed and normalised exactly as the kubelet
 * does it: distribution/reference `ParseNormalizedNamed` (normalize.go,
 * regexp.go, reference.go, v0.6) with digests checked by go-digest.
 * Pure functions, no constructs.
 *
 * Acceptance is decided by the same regular expressions and checks as
 * upstream; only the error messages are our own, more specific ones.
 * Facts and sources: docs/facts.md#image-references.
 */

import { DOCKER_HUB_DOMAIN, DOCKER_HUB_INDEX_HOST } from './docker-hub';
import { redactUserInfo } from './redact';

/** A parsed, familiar-normalised image reference. */
export interface ImageReference {
  /** The reference exactly as written. */
  readonly original: string;
  /**
   * Registry host[:port], e.g. `docker.io`, `quay.io`, `localhost:5000`.
   * Empty in one upstream corner case: a first component such as `my_reg.io`
   * that has a dot but is no valid host is kept as part of the path.
   */
  readonly domain: string;
  /** Repository path without the domain, e.g. `library/nginx`. */
  readonly path: string;
  /** `domain/path` (just `path` when domain is empty): the name the kubelet looks credentials up by. */
  readonly name: string;
  /** Tag, when one is written. */
  readonly tag?: string;
  /** Digest (`algorithm:hex`), when one is written. */
  readonly digest?: string;
}

/** Thrown by {@link parseImageReference} for a reference the kubelet would refuse. */
export class InvalidImageReferenceError extends Error {
  /** The reference as given. */
  public readonly reference: string;
  /**
   * What is wrong with it, without the leading `image "..." is invalid: `.
   * Safe to print: when the reference holds what could be user info, a
   * reason that would quote a piece of it is replaced (see {@link redactUserInfo}).
   */
  public readonly reason: string;

  public constructor(reference: string, reason: string) {
    const shown = redactUserInfo(reference);
    const safeReason = shown === reference || !reason.includes('"')
      ? reason
      : 'it has an "@" that starts no digest; the part around it is hidden, as it may hold a user name or password '
        + '(an image reference never holds credentials: give them in a pull secret)';
    super(`image ${JSON.stringify(shown)} is invalid: ${safeReason}`);
    this.name = 'InvalidImageReferenceError';
    this.reference = reference;
    this.reason = safeReason;
  }
}

/** Maximum length of the repository path (RepositoryNameTotalLengthMax; the domain is not counted since v0.6). */
export const MAX_PATH_LENGTH = 255;

// --- grammar (regexp.go), built from the same pieces upstream uses ---
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';

// JS and Go's RE2 both prefer the leftmost-first alternative, so captures agree.
const REFERENCE_RE = new RegExp(`^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME_RE = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const DOMAIN_AND_PORT_RE = new RegExp(`^${DOMAIN_AND_PORT}$`);
const DOMAIN_NAME_RE = new RegExp(`^${DOMAIN_NAME}$`);
const PATH_COMPONENT_RE = new RegExp(`^${PATH_COMPONENT}$`);

/**
 * Encoded lengths of the algorithms go-digest accepts (the kubelet links
 * sha256 and sha512/384; anything else is "unsupported digest algorithm").
 */
const DIGEST_HEX_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * Parses an image reference the way the kubelet does (`ParseNormalizedNamed`):
 * familiar names are expanded (`nginx` -> `docker.io/library/nginx`), tag and
 * digest are kept as written. Throws {@link InvalidImageReferenceError}.
 */
export function parseImageReference(reference: string): ImageReference {
  const fail = (reason: string) => new InvalidImageReferenceError(reference, reason);
  if (reference === '') {
    throw fail('the reference is empty');
  }
  if (IDENTIFIER_RE.test(reference)) {
    throw fail('a bare 64-character hex string is not a valid name (it looks like an image ID)');
  }

  const [domain, remainder] = splitDockerDomain(reference);
  const uppercase = uppercaseProblem(remainder);
  if (uppercase) {
    throw fail(uppercase);
  }

  const full = `${domain}/${remainder}`;
  const match = REFERENCE_RE.exec(full);
  if (!match) {
    throw fail(describeGrammarProblem(full));
  }
  // Upstream re-splits the name with the regexp, so a first component that is
  // no valid domain (e.g. `my_reg.io`) ends up in the path with no domain.
  const nameMatch = ANCHORED_NAME_RE.exec(match[1])!;
  const parsedDomain = nameMatch[1] ?? '';
  const path = nameMatch[2];
  if (path.length > MAX_PATH_LENGTH) {
    throw fail(`repository path is longer than ${MAX_PATH_LENGTH} characters (${path.length})`);
  }
  const [, , tag, digest] = match;
  const badDigest = digest === undefined ? undefined : digestProblem(digest);
  if (badDigest) {
    throw fail(badDigest);
  }
  return {
    original: reference,
    domain: parsedDomain,
    path,
    name: parsedDomain === '' ? path : `${parsedDomain}/${path}`,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/**
 * The `imagePullPolicy` the API server defaults to: `Always` when the tag is
 * `latest`, or when there is neither tag nor digest; `IfNotPresent` otherwise.
 * (`x:latest@sha256:...` is `Always`: upstream looks at the tag only.)
 */
export function defaultPullPolicy(ref: ImageReference): 'Always' | 'IfNotPresent' {
  const latest = ref.tag === 'latest' || (ref.tag === undefined && ref.digest === undefined);
  return latest ? 'Always' : 'IfNotPresent';
}

/**
 * normalize.go `splitDockerDomain`: the first component is a registry when it
 * is `localhost`, contains `.` or `:`, or has an uppercase letter (namespaces
 * cannot); otherwise the whole reference is a Docker Hub path.
 */
function splitDockerDomain(reference: string): [string, string] {
  const slash = reference.indexOf('/');
  if (slash < 0) {
    return [DOCKER_HUB_DOMAIN, `library/${reference}`];
  }
  const first = reference.slice(0, slash);
  const rest = reference.slice(slash + 1);
  let domain: string;
  let remote: string;
  if (first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first) {
    [domain, remote] = [first === DOCKER_HUB_INDEX_HOST ? DOCKER_HUB_DOMAIN : first, rest];
  } else {
    [domain, remote] = [DOCKER_HUB_DOMAIN, reference];
  }
  // Only Docker Hub puts single-component names under `library/`.
  if (domain === DOCKER_HUB_DOMAIN && !remote.includes('/')) {
    remote = `library/${remote}`;
  }
  return [domain, remote];
}

/**
 * Upstream rejects any uppercase before the first `:` of the remainder. That
 * span can reach into a digest (`app@SHA256:...`); then the digest is to blame.
 */
function uppercaseProblem(remainder: string): string | undefined {
  const colon = remainder.indexOf(':');
  const remote = colon < 0 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() === remote) {
    return undefined;
  }
  const at = remote.indexOf('@');
  const namePart = at < 0 ? remote : remote.slice(0, at);
  if (namePart.toLowerCase() !== namePart) {
    return 'repository name must be lowercase';
  }
  return digestProblem(remainder.slice(at + 1)) ?? 'digest algorithm must be lowercase';
}

/** Why `domain/remainder` fails the reference grammar, most specific first. */
function describeGrammarProblem(full: string): string {
  const slash = full.indexOf('/');
  const domain = full.slice(0, slash);
  const remainder = full.slice(slash + 1);
  const at = remainder.indexOf('@');
  const beforeDigest = at < 0 ? remainder : remainder.slice(0, at);
  const colon = beforeDigest.indexOf(':');
  const path = colon < 0 ? beforeDigest : beforeDigest.slice(0, colon);
  const tag = colon < 0 ? undefined : beforeDigest.slice(colon + 1);
  const digest = at < 0 ? undefined : remainder.slice(at + 1);
  return domainProblem(domain)
    ?? pathProblem(path)
    ?? (tag === undefined ? undefined : tagProblem(tag))
    ?? (digest === undefined ? undefined : digestProblem(digest))
    ?? 'it does not match [registry/]path[:tag][@digest]';
}

function domainProblem(domain: string): string | undefined {
  // A dotted first component that is a valid path component is accepted as path.
  if (DOMAIN_AND_PORT_RE.test(domain) || PATH_COMPONENT_RE.test(domain)) {
    return undefined;
  }
  const bracketEnd = domain.startsWith('[') ? domain.indexOf(']') : -1;
  const colon = domain.indexOf(':', bracketEnd + 1);
  const host = colon < 0 ? domain : domain.slice(0, colon);
  const port = colon < 0 ? undefined : domain.slice(colon + 1);
  if (port !== undefined && !/^[0-9]+$/.test(port)) {
    return `registry port ${quote(port)} must be a number`;
  }
  if (host.startsWith('[')) {
    return `registry address ${quote(host)} must be an IPv6 address in brackets`;
  }
  const bad = /[^A-Za-z0-9.-]/.exec(host);
  if (bad) {
    return `invalid character ${quote(bad[0])} in registry host ${quote(host)}`;
  }
  return DOMAIN_NAME_RE.test(host)
    ? undefined
    : `registry host ${quote(host)} must be dot-separated labels of letters, digits and inner dashes`;
}

function pathProblem(path: string): string | undefined {
  if (path === '') {
    return 'repository path is empty';
  }
  for (const component of path.split('/')) {
    if (component === '') {
      return 'repository path has an empty component (leading, trailing or doubled "/")';
    }
    if (component.toLowerCase() !== component) {
      return 'repository name must be lowercase';
    }
    const bad = /[^a-z0-9._-]/.exec(component);
    if (bad) {
      return `invalid character ${quote(bad[0])} in repository path`;
    }
    if (!PATH_COMPONENT_RE.test(component)) {
      return `path component ${quote(component)} must be lowercase letters and digits separated by ".", "_", "__" or dashes`;
    }
  }
  return undefined;
}

function tagProblem(tag: string): string | undefined {
  if (tag === '') {
    return 'tag is empty';
  }
  if (tag.length > 128) {
    return `tag ${quote(tag)} is longer than 128 characters`;
  }
  const bad = /[^\w.-]/.exec(tag);
  if (bad) {
    return `invalid character ${quote(bad[0])} in tag ${quote(tag)}`;
  }
  return /^\w/.test(tag) ? undefined : `tag ${quote(tag)} must start with a letter, digit or underscore`;
}

/** Combines the reference grammar with go-digest's `Digest.Validate`. */
function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon <= 0) {
    return `digest ${quote(digest)} must be algorithm:hex, e.g. sha256 followed by 64 hex characters`;
  }
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const expected = DIGEST_HEX_LENGTHS[algorithm];
  if (expected === undefined) {
    const lower = algorithm.toLowerCase();
    return DIGEST_HEX_LENGTHS[lower] === undefined
      ? `digest algorithm ${quote(algorithm)} is not supported (use sha256, sha384 or sha512)`
      : `digest algorithm must be lowercase ${quote(lower)}`;
  }
  const bad = /[^0-9a-f]/.exec(hex);
  if (bad && /^[0-9A-Fa-f]*$/.test(hex) && hex.length === expected) {
    return `digest must be ${algorithm} followed by ${expected} lowercase hex characters`;
  }
  if (bad) {
    return `digest must be ${algorithm} followed by ${expected} hex characters: invalid character ${quote(bad[0])}`;
  }
  return hex.length === expected
    ? undefined
    : `digest must be ${algorithm} followed by ${expected} hex characters, found ${hex.length}`;
}

function quote(text: string): string {
  return JSON.stringify(text);
}
