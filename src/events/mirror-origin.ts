/**
 * The RegistryMirror behind a pulled image: the object's original-images
 * annotation (rules/declarations.ts) records the image as the code wrote
 * it, which gives the upstream (the original's registry); the library's
 * `construct-paths.json` lists the app's mirrors (rules/construct-paths.ts),
 * which gives the construct, chosen as the synth chose it.
 */
import { ManifestObject } from '../manifests/manifests';
import { ConstructPaths, mirrorThatRewrote } from '../rules/construct-paths';
import { upstreamOfImage } from '../rules/mirrors';

/** What a RegistryMirror rewrote into the pulled image. */
export interface MirrorOrigin {
  /** The upstream registry the cache serves, normalized as a RegistryMirror's (`docker.io` for Docker Hub). */
  readonly upstream: string;
  /** The image as the code wrote it, before the rewrite. */
  readonly original: string;
  /** The RegistryMirror's construct path; null when construct-paths.json is absent or names no mirror that fits. */
  readonly construct: string | null;
  /** That mirror's endpoint (`host[:port][/path prefix]`); null with the construct. */
  readonly endpoint: string | null;
}

/** The original of `image` when a RegistryMirror rewrote it (the object's annotation says so), with the upstream and the mirror. */
export function mirrorOriginOf(object: ManifestObject, image: string, paths: ConstructPaths | undefined): MirrorOrigin | null {
  const originals = object.originalImages;
  if (originals === undefined || image === '' || !Object.prototype.hasOwnProperty.call(originals, image)) return null;
  const original = originals[image];
  const upstream = upstreamOfImage(original);
  if (upstream === undefined) return null;
  const mirror = paths === undefined ? undefined : mirrorThatRewrote(paths.mirrors, object.namespace, image, original);
  return { upstream, original, construct: mirror?.path ?? null, endpoint: mirror?.endpoint ?? null };
}
