/**
 * Public images by pattern: a normalized repository prefix at a path
 * boundary — a whole registry (`registry.k8s.io`), a namespace of one
 * (`docker.io/library`) or one repository (`docker.io/library/nginx`).
 * Images under a pattern need no pull secret. Facts: docs/facts.md#image-references.
 */
import { DOCKER_HUB_DOMAIN } from './docker-hub';
import { ImageReference, InvalidImageReferenceError, parseImageReference } from './image-reference';

/** A checked pattern. */
export interface PublicImagePattern {
  /** The pattern as written (normalized). */
  readonly prefix: string;
  /** Declared by the manifests (rules/declarations.ts), not given to this run. */
  readonly declared?: boolean;
}

/** Why `pattern` is not a normalized repository prefix, with the form to write instead when there is one; undefined when valid. */
export function publicImagePatternProblem(pattern: string): string | undefined {
  if (pattern === '') return 'is empty';
  if (/[*?[\]]/.test(pattern)) return 'has a wildcard; patterns are prefixes at a "/" boundary (e.g. "docker.io/library" covers every official image)';
  if (pattern.endsWith('/')) return `ends with "/"; write "${pattern.replace(/\/+$/, '')}"`;
  if (/[:@]/.test(pattern.split('/').slice(1).join('/')) || (!pattern.includes('/') && pattern.includes('@'))) {
    return 'has a tag or digest; a pattern names repositories, not images';
  }
  const first = pattern.split('/')[0];
  const isRegistry = first === 'localhost' || /[.:]/.test(first);
  if (!isRegistry) {
    const normalized = normalizedName(pattern);
    return normalized === undefined
      ? 'does not start with a registry host such as "docker.io" or "registry.k8s.io"'
      : `is not normalized; write "${normalized}" (the name the kubelet sees)`;
  }
  // A prefix is checked as the repository one level below it, so `docker.io/library` gets no `library/` of its own.
  const below = normalizedName(`${pattern}/x`);
  if (below === undefined) return pattern.includes('/') ? 'is not a valid repository prefix' : 'is not a valid registry host';
  const normalized = below.slice(0, -'/x'.length);
  return normalized === pattern ? undefined : `is not normalized; write "${normalized}" (the name the kubelet sees)`;
}

/** Parses patterns already checked with {@link publicImagePatternProblem}. */
export function publicImagePatterns(patterns: readonly string[]): PublicImagePattern[] {
  return patterns.map((prefix) => ({ prefix }));
}

/** The first of the patterns the image (by its normalized name) is under; undefined when none. */
export function publicPatternOf<P extends PublicImagePattern>(image: ImageReference, patterns: readonly P[]): P | undefined {
  return patterns.find(({ prefix }) => image.name === prefix || image.name.startsWith(`${prefix}/`));
}

/** The familiar-normalized name of a repository, or undefined when it is not one. */
function normalizedName(repository: string): string | undefined {
  try {
    return parseImageReference(repository).name;
  } catch (e) {
    if (e instanceof InvalidImageReferenceError) return undefined;
    throw e;
  }
}

/** The Docker Hub official images, the commonest public pattern. */
export const DOCKER_HUB_OFFICIAL_IMAGES = `${DOCKER_HUB_DOMAIN}/library`;
