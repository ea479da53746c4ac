/**
 * Image references a container names in its `command`, `args` or
 * `env[].value` (cert-manager's
 * `--acme-http01-solver-image=quay.io/jetstack/cert-manager-acmesolver:v1.15.0`):
 * pulled later by the application, not by the kubelet for this pod
 * (REFERENCE §11). Only fully-qualified references count, so that paths,
 * URLs and words are not taken for images: the text (or what follows its
 * last `=`) parses as an image reference (image-reference.ts) whose first
 * component is a registry host with a dot or a port, and that has a tag or
 * a digest. Pure; bounded: long strings are not looked at, and at most
 * {@link MAX_EMBEDDED_IMAGES} are kept per container and field kind.
 */
import { parseImageReference } from './image-reference';
import { isPlainObject } from './objects';

/** At most this many references are kept per container from its command and args, and as many from its env. */
export const MAX_EMBEDDED_IMAGES = 16;
/** Longer strings are never image references worth keeping (a path is at most 255 characters, a tag 128, a digest 135). */
const MAX_TEXT_LENGTH = 640;
/** A cheap first look: `host.with.dot/` or `host:port/`, then a lowercase path, then `:` or `@` somewhere. */
const LOOKS_QUALIFIED = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?:\.[A-Za-z0-9-]+|:[0-9]+)\/[a-z0-9][^\s]*[:@]/;

/** Where in a container an embedded reference was found. */
export type EmbeddedImageSource = 'args' | 'env';

/** The fully-qualified image reference `text` holds (all of it, or after its last `=`), or undefined. */
export function embeddedImageReference(text: string): string | undefined {
  if (text.length > MAX_TEXT_LENGTH) return undefined;
  const candidate = text.slice(text.lastIndexOf('=') + 1);
  if (!LOOKS_QUALIFIED.test(candidate)) return undefined;
  try {
    const ref = parseImageReference(candidate);
    const written = candidate.slice(0, candidate.indexOf('/'));
    // The first component must really be the registry (`my_reg.io/x` is a Docker Hub path upstream).
    if (ref.domain === '' || !/[.:]/.test(written)) return undefined;
    return ref.tag === undefined && ref.digest === undefined ? undefined : candidate;
  } catch {
    return undefined;
  }
}

/** The embedded references of a container (as parsed from the manifest): from `command` and `args`, and from `env[].value`; each once, in order. */
export function embeddedImagesOf(container: Record<string, unknown>): { readonly args: string[]; readonly env: string[] } {
  const args: string[] = [];
  const env: string[] = [];
  const keep = (into: string[], text: unknown) => {
    if (typeof text !== 'string' || into.length >= MAX_EMBEDDED_IMAGES) return;
    const reference = embeddedImageReference(text);
    if (reference !== undefined && !into.includes(reference)) into.push(reference);
  };
  for (const field of ['command', 'args'] as const) {
    const list = container[field];
    if (Array.isArray(list)) list.forEach((text) => keep(args, text));
  }
  if (Array.isArray(container.env)) {
    container.env.forEach((variable: unknown) => keep(env, isPlainObject(variable) ? variable.value : undefined));
  }
  return { args, env };
}
