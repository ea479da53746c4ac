/**
 * `images`: every image the manifests make a kubelet pull (containers, init
 * containers, ephemeral containers, image volumes, of every pod-bearing
 * kind: rules/pod-images.ts, rules/pod-kinds.ts), once each, with the
 * objects that pull it and its original reference before any RegistryMirror
 * rewrite (the original-images annotation, rules/declarations.ts); and the
 * fully-qualified references containers name in their command, args and env
 * (rules/embedded-images.ts), which the application pulls later. Reads what
 * verify reads, with its limits (manifests/manifests.ts). Returns data; the
 * CLI writes it.
 */
import { findManifestFiles, forEachManifestObject, ManifestObject } from '../manifests/manifests';
import { Declarations } from '../rules/declarations';
import { EmbeddedImageSource } from '../rules/embedded-images';
import { ImageReference, InvalidImageReferenceError, parseImageReference } from '../rules/image-reference';
import { isPlainObject } from '../rules/objects';
import { CONTAINER_LISTS, isPulled, podImages } from '../rules/pod-images';
import { PodKind, PodKinds, readPointer } from '../rules/pod-kinds';

/** Who names an image: the pod spec (the kubelet pulls it), or a container's command/args or env (the application may). */
export type ImageSource = 'pod' | EmbeddedImageSource;

/** One object that names an image. */
export interface ImageUser {
  readonly file: string;
  /** 1-based index of the YAML document in the file. */
  readonly document: number;
  readonly apiVersion: string;
  readonly kind: string;
  /** `metadata.namespace` as written; null when not set. */
  readonly namespace: string | null;
  readonly name: string;
  /** The container that names it (for images of containers, and those in command, args or env). */
  readonly container?: string;
  /** The image volume that names it. */
  readonly volume?: string;
  readonly source: ImageSource;
  /** The reference as written there. */
  readonly image: string;
  /** False when the kubelet never pulls it for this object (pull policy `Never`). */
  readonly pulled: boolean;
}

/** One image, once. */
export interface CollectedImage {
  /** Normalized as the runtime pulls it: `docker.io/library/nginx:latest`, `quay.io/org/app:1.0@sha256:...`. */
  readonly reference: string;
  /** Normalized likewise, as the code wrote it before a RegistryMirror rewrote it; `reference` when none did. */
  readonly original: string;
  /** The registry host[:port] of `reference`. */
  readonly registry: string;
  /** The repository path of `reference` (`library/nginx`). */
  readonly repository: string;
  /** The tag pulled (`latest` when neither tag nor digest is written); null for a digest alone. */
  readonly tag: string | null;
  readonly digest: string | null;
  /** `pod` when any pod spec names it; else `args` when some command or args do; else `env`. */
  readonly source: ImageSource;
  /** Whether anything pulls it: false when every pod spec naming it sets pull policy `Never` (the node's copy is used). */
  readonly pulled: boolean;
  /** Who names it, in reading order. */
  readonly objects: readonly ImageUser[];
}

/** A reference no runtime can pull (the kubelet reports InvalidImageName). */
export interface InvalidImage {
  readonly image: string;
  readonly reason: string;
  readonly objects: readonly ImageUser[];
}

/** What {@link collectImages} returns. */
export interface ImagesResult {
  readonly files: number;
  readonly objects: number;
  /** Sorted by reference. */
  readonly images: readonly CollectedImage[];
  /** Sorted by the image as written. */
  readonly invalid: readonly InvalidImage[];
}

/** Options of {@link collectImages}. */
export interface CollectOptions {
  /** Pod-bearing kinds beyond the known ones (`--pod-kind`). */
  readonly podKinds?: readonly PodKind[];
  /** Whether the manifests' own declarations (custom pod kinds, original images) are read. @default 'trusted' */
  readonly declarations?: Declarations;
}

/** Reads the manifests at `paths` (files, folders, Helm chart folders, `-`) and collects their images. Throws InputError. */
export function collectImages(paths: readonly string[], options: CollectOptions = {}): ImagesResult {
  const files = findManifestFiles(paths);
  const collector = new ImageCollector();
  forEachManifestObject(files, (object) => collector.add(object), new PodKinds(options.podKinds ?? []), options.declarations ?? 'trusted');
  return collector.result(files.length);
}

const SOURCE_RANK: Readonly<Record<ImageSource, number>> = { pod: 0, args: 1, env: 2 };

/** One image as kept while reading: few fields, one shape (memory follows the number of images and users). */
interface Entry {
  readonly domain: string;
  readonly path: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
  readonly users: ImageUser[];
  /** The first (in code-unit order) of the originals the annotations give, normalized; undefined when none. */
  original: string | undefined;
}

type Identity = Pick<ImageUser, 'file' | 'document' | 'apiVersion' | 'kind' | 'namespace' | 'name'>;

/** An ImageUser, built with one shape (every key, in one order): spread-built objects cost a hidden class each. */
function imageUser(
  identity: Identity, container: string | undefined, volume: string | undefined, source: ImageSource, image: string, pulled: boolean,
): ImageUser {
  const { file, document, apiVersion, kind, namespace, name } = identity;
  return { file, document, apiVersion, kind, namespace, name, container, volume, source, image, pulled };
}

/** Collects the images of objects as they are read; one entry per normalized reference. */
export class ImageCollector {
  private readonly entries = new Map<string, Entry>();
  private readonly invalid = new Map<string, { reason: string; users: ImageUser[] }>();
  private objects = 0;

  /** Adds the images of one object (only pod bearers have any). */
  public add(object: ManifestObject): void {
    this.objects++;
    if (object.podSpecPath === undefined) return;
    const spec = readPointer(object.body, object.podSpecPath);
    const identity: Identity = {
      file: object.file,
      document: object.document,
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.namespace ?? null,
      name: object.name,
    };
    for (const image of podImages(spec)) {
      if (image.image === '') continue; // nothing to pull; the API server refuses such a pod
      const [container, volume] = image.source === 'volume' ? [undefined, image.name] : [image.name, undefined];
      this.note(image.image, imageUser(identity, container, volume, 'pod', image.image, isPulled(image)), object.originalImages);
    }
    for (const container of embeddedLists(spec)) {
      const name = typeof container.name === 'string' ? container.name : undefined;
      for (const source of ['args', 'env'] as const) {
        const list = container[source === 'args' ? 'argImages' : 'envImages'];
        if (!Array.isArray(list)) continue;
        for (const text of list as string[]) this.note(text, imageUser(identity, name, undefined, source, text, true), object.originalImages);
      }
    }
  }

  /** The images, sorted by reference, and the invalid ones. */
  public result(files: number): ImagesResult {
    const images = [...this.entries.entries()].sort(([a], [b]) => compare(a, b)).map(([reference, entry]): CollectedImage => {
      const { domain, path, tag, digest, users } = entry;
      return {
        reference,
        original: entry.original ?? reference,
        registry: domain,
        repository: path,
        tag: tag ?? (digest === undefined ? 'latest' : null),
        digest: digest ?? null,
        source: users.map((user) => user.source).sort((a, b) => SOURCE_RANK[a] - SOURCE_RANK[b])[0],
        pulled: users.some((user) => user.pulled),
        objects: users,
      };
    });
    const invalid = [...this.invalid.entries()].sort(([a], [b]) => compare(a, b))
      .map(([image, { reason, users }]) => ({ image, reason, objects: users }));
    return { files, objects: this.objects, images, invalid };
  }

  private note(image: string, user: ImageUser, originals: Readonly<Record<string, string>> | undefined): void {
    let parsed: ImageReference;
    try {
      parsed = parseImageReference(image);
    } catch (error) {
      if (!(error instanceof InvalidImageReferenceError)) throw error;
      const seen = this.invalid.get(image) ?? { reason: error.reason, users: [] };
      seen.users.push(user);
      this.invalid.set(image, seen);
      return;
    }
    const reference = normalized(parsed);
    let entry = this.entries.get(reference);
    if (entry === undefined) {
      const { domain, path, tag, digest } = parsed;
      entry = { domain, path, tag, digest, users: [], original: undefined };
      // The image as written is kept anyway: when it is already normalized, it is the key too.
      this.entries.set(reference === image ? image : reference, entry);
    }
    entry.users.push(user);
    const original = originals === undefined ? undefined : originalOf(originals, image, reference);
    if (original === undefined || original === reference) return;
    if (entry.original === undefined || compare(original, entry.original) < 0) entry.original = original;
  }
}

/** The reference as the runtime pulls it: `domain/path`, the tag (`latest` when neither tag nor digest is written), the digest. */
export function normalized(ref: ImageReference): string {
  const tag = ref.tag ?? (ref.digest === undefined ? 'latest' : undefined);
  return `${ref.name}${tag === undefined ? '' : `:${tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}

/** The annotation's original of `image` (looked up as written, then normalized), normalized; undefined when none or not a valid reference. */
function originalOf(originals: Readonly<Record<string, string>>, image: string, reference: string): string | undefined {
  let written = Object.prototype.hasOwnProperty.call(originals, image) ? originals[image] : undefined;
  if (written === undefined) {
    const key = Object.keys(originals).find((pulled) => normalizedOrUndefined(pulled) === reference);
    written = key === undefined ? undefined : originals[key];
  }
  return written === undefined ? undefined : normalizedOrUndefined(written);
}

function normalizedOrUndefined(image: string): string | undefined {
  try {
    return normalized(parseImageReference(image));
  } catch {
    return undefined;
  }
}

/** The containers of a projected pod spec that keep embedded references. */
function embeddedLists(spec: unknown): Array<Record<string, unknown>> {
  if (!isPlainObject(spec)) return [];
  return CONTAINER_LISTS.flatMap(({ field }) => {
    const list = spec[field];
    const embedding = (c: unknown): c is Record<string, unknown> => isPlainObject(c) && (c.argImages !== undefined || c.envImages !== undefined);
    return Array.isArray(list) ? list.filter(embedding) : [];
  });
}

/** Code-unit order, as Go sorts strings: the same bytes on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
