/**
 * Registry mirrors and pull-through caches (REFERENCE §11): which images a
 * mirror serves and how their references are rewritten. A cache serves an
 * upstream's repositories under its own host and path prefix, content
 * addressed by digest, so tag and digest stay; Docker Hub's implicit
 * `library/` is spelled out. Pure functions, no constructs.
 */
import { isDockerHubHost, DOCKER_HUB_DOMAIN } from './docker-hub';
import { ImageReference, InvalidImageReferenceError, parseImageReference } from './image-reference';
import { publicImagePatternProblem } from './public-images';

/** A checked mirror: which upstream it serves, where from, and what it leaves alone. */
export interface MirrorRule {
  /** The upstream registry host, normalized ({@link normalizeUpstream}). */
  readonly upstream: string;
  /** `host[:port][/path prefix]`, checked with {@link mirrorEndpointProblem}. */
  readonly endpoint: string;
  /** Normalized repository prefixes of the upstream left as they are. */
  readonly exclude: readonly string[];
}

const DOMAIN_LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST_AND_PORT_RE = new RegExp(`^(?:${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);

/**
 * The normalized form of an upstream registry host: lowercase, and every
 * name of Docker Hub (`index.docker.io`, `registry-1.docker.io`) as `docker.io`,
 * the domain image references normalize to.
 */
export function normalizeUpstream(upstream: string): string {
  return isDockerHubHost(upstream) ? DOCKER_HUB_DOMAIN : upstream.toLowerCase();
}

/** Why `upstream` is not a registry host (`docker.io`, `quay.io`, `registry.example.com:5000`); undefined when it is. */
export function upstreamProblem(upstream: string): string | undefined {
  return schemeProblem(upstream) ?? hostProblem(upstream, 'a registry host such as "docker.io" or "quay.io"', true);
}

/**
 * Why `endpoint` is not `host[:port][/path prefix]` as a mirror serves an
 * upstream under it (`harbor.example.com/dockerhub-proxy`,
 * `mirror.example.com:5000`); undefined when it is.
 */
export function mirrorEndpointProblem(endpoint: string): string | undefined {
  const scheme = schemeProblem(endpoint);
  if (scheme !== undefined) return scheme;
  const slash = endpoint.indexOf('/');
  const host = slash < 0 ? endpoint : endpoint.slice(0, slash);
  const hostProblemFound = hostProblem(host, 'a registry host with an optional port and path prefix, e.g. "harbor.example.com/dockerhub-proxy"', false);
  if (hostProblemFound !== undefined) return hostProblemFound;
  if (slash < 0) return undefined;
  const prefix = endpoint.slice(slash + 1);
  if (/[@:]/.test(prefix)) return 'has a tag or digest; an endpoint names a registry and a path prefix, not an image';
  if (prefix === '' || prefix.endsWith('/')) return `ends with "/"; write "${endpoint.replace(/\/+$/, '')}"`;
  if (prefix.toLowerCase() !== prefix) return 'has an uppercase path; repository paths are lowercase';
  const bad = /[^a-z0-9._/-]/.exec(prefix);
  if (bad) return `has the character ${JSON.stringify(bad[0])} in its path; paths are lowercase letters, digits, ".", "_", "-" and "/"`;
  // Its images must parse back onto the endpoint, unchanged.
  const probe = `${endpoint}/x`;
  const parsed = tryParse(probe);
  if (parsed === undefined) return 'has a path that is no repository path (components of lowercase letters and digits, separated by ".", "_", "__" or "-")';
  if (parsed.name !== probe) return `is not normalized; write "${parsed.name.slice(0, -'/x'.length)}"`;
  return undefined;
}

/**
 * Why `pattern` cannot be an exclude of a mirror of `upstream` (normalized):
 * a normalized repository prefix as `publicImages` takes, under the upstream;
 * undefined when it can.
 */
export function mirrorExcludeProblem(pattern: string, upstream: string): string | undefined {
  const problem = publicImagePatternProblem(pattern);
  if (problem !== undefined) return problem;
  return pattern.split('/')[0] === upstream ? undefined : `is not under the upstream "${upstream}"; it would never apply`;
}

/** The upstream an image is pulled from without a mirror (normalized), or undefined for a reference the kubelet refuses. */
export function upstreamOfImage(image: string): string | undefined {
  const reference = tryParse(image);
  return reference === undefined || reference.domain === '' ? undefined : normalizeUpstream(reference.domain);
}

/**
 * The reference `image` is pulled by through `mirror`: the endpoint, then
 * the normalized repository path (Docker Hub's `library/` spelled out), tag
 * and digest unchanged. Undefined when the mirror does not serve it: another
 * upstream, excluded, already on the endpoint, or no valid reference.
 */
export function rewriteImage(image: string, mirror: MirrorRule): string | undefined {
  const reference = tryParse(image);
  if (reference === undefined || reference.domain === '') return undefined;
  if (isOnEndpoint(reference, mirror.endpoint)) return undefined;
  if (normalizeUpstream(reference.domain) !== mirror.upstream) return undefined;
  const path = isDockerHubHost(reference.domain) && !reference.path.includes('/') ? `library/${reference.path}` : reference.path;
  const name = `${mirror.upstream}/${path}`;
  if (mirror.exclude.some((prefix) => name === prefix || name.startsWith(`${prefix}/`))) return undefined;
  const tag = reference.tag === undefined ? '' : `:${reference.tag}`;
  const digest = reference.digest === undefined ? '' : `@${reference.digest}`;
  return `${mirror.endpoint}/${path}${tag}${digest}`;
}

/** Whether `image` names a repository under `endpoint` (`host[:port][/path prefix]`); false for no valid reference. */
export function isImageOnEndpoint(image: string, endpoint: string): boolean {
  const reference = tryParse(image);
  return reference !== undefined && isOnEndpoint(reference, endpoint);
}

/** Whether the image already names a repository under the endpoint (a rewritten image is not rewritten again). */
function isOnEndpoint(reference: ImageReference, endpoint: string): boolean {
  const lower = endpoint.toLowerCase();
  const slash = lower.indexOf('/');
  const host = slash < 0 ? lower : lower.slice(0, slash);
  const prefix = slash < 0 ? '' : lower.slice(slash + 1);
  if (reference.domain.toLowerCase() !== host) return false;
  return prefix === '' || reference.path === prefix || reference.path.startsWith(`${prefix}/`);
}

/** Why `host` is not a registry host[:port]; `what` says what to write instead. */
function hostProblem(host: string, what: string, wholeValue: boolean): string | undefined {
  if (host === '') return `is empty; give ${what}`;
  if (/\s/.test(host)) return `has a space; give ${what}`;
  if (wholeValue && host.includes('/')) return `has a path; give ${what} (leave repositories alone with \`exclude\`)`;
  if (host.includes('@')) return `has a digest or user info; give ${what}`;
  if (!HOST_AND_PORT_RE.test(host)) return `is not ${what}`;
  if (host !== 'localhost' && !/[.:]/.test(host)) {
    return `has no "." and no port, so image references would read it as a Docker Hub namespace; give ${what}`;
  }
  return undefined;
}

/** A scheme (`https://`) has no place in an image reference. */
function schemeProblem(value: string): string | undefined {
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.exec(value);
  return scheme ? `has a scheme; write it without "${scheme[0]}", e.g. "${value.slice(scheme[0].length).replace(/\/+$/, '')}"` : undefined;
}

function tryParse(image: string): ImageReference | undefined {
  try {
    return parseImageReference(image);
  } catch (e) {
    if (e instanceof InvalidImageReferenceError) return undefined;
    throw e;
  }
}

/**
 * The mirrors a synth applied to an object, recovered from what it recorded
 * (the original-images annotation: pulled → original): each pair gives an
 * upstream (the original's registry) and an endpoint (the pulled name
 * without the original's repository path). One rule per upstream; pairs that
 * do not fit that shape are skipped.
 */
export function mirrorsRecordedBy(originals: Readonly<Record<string, string>>): MirrorRule[] {
  const byUpstream = new Map<string, MirrorRule>();
  for (const [pulled, original] of Object.entries(originals)) {
    const from = tryParse(original);
    const to = tryParse(pulled);
    if (from === undefined || to === undefined || from.domain === '') continue;
    const path = isDockerHubHost(from.domain) && !from.path.includes('/') ? `library/${from.path}` : from.path;
    if (!to.name.endsWith(`/${path}`)) continue;
    const upstream = normalizeUpstream(from.domain);
    if (!byUpstream.has(upstream)) byUpstream.set(upstream, { upstream, endpoint: to.name.slice(0, -path.length - 1), exclude: [] });
  }
  return [...byUpstream.values()];
}
