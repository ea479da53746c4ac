/**
 * `construct-paths.json`: the construct path of every API object of an
 * app, keyed by what names the object in the cluster (apiVersion, kind,
 * namespace, name). The library writes it beside the manifests (in
 * `.cdk8s-private-registry/`) after a
 * successful `App.synth()` (wiring/construct-paths.ts); `events` reads it
 * (events/input.ts). One format, written and read here:
 *
 * ```
 * { "version": 1,
 *   "objects": [{ "apiVersion": string, "kind": string, "namespace": string | null, "name": string,
 *                 "path": string,        // the API object's own construct path
 *                 "construct": string }], // the construct users know: the Include, the cdk8s-plus workload, or the object
 *   "mirrors": [{ "upstream": string,      // the RegistryMirrors of the app: the upstream registry, normalized (docker.io)
 *                 "endpoint": string,      // host[:port][/path prefix] its images are pulled from
 *                 "namespace": string | null, // null: made on the App (every chart); "": a chart without namespace
 *                 "path": string }]        // the RegistryMirror's construct path
 * }
 * ```
 *
 * Objects are sorted by apiVersion, kind, namespace (none first), name and
 * path, mirrors by upstream, namespace (app-wide first), endpoint and path,
 * by UTF-16 code units, so the same app always writes the same bytes.
 * `mirrors` is written only when the app has a mirror; a file without it
 * has none.
 */
import { normalizeUpstream, upstreamOfImage, isImageOnEndpoint } from './mirrors';
import { isPlainObject } from './objects';

/** The file's name. */
export const CONSTRUCT_PATHS_FILE = 'construct-paths.json';
/**
 * The folder it lives in, inside the app's output folder: a subfolder, so
 * that `kubectl apply -f dist/` (which reads every *.json of the folder
 * given, but no subfolder) never takes it for a manifest.
 */
export const CONSTRUCT_PATHS_FOLDER = '.cdk8s-private-registry';

/** Where the file is for the output folder `outdir` (a path relative to it, joined with `/`). */
export function constructPathsLocation(outdir: string): string {
  return `${outdir.replace(/\/+$/, '')}/${CONSTRUCT_PATHS_FOLDER}/${CONSTRUCT_PATHS_FILE}`;
}
/** The format version this library writes and reads. */
export const CONSTRUCT_PATHS_VERSION = 1;

/** One API object of the app and the constructs that declared it. */
export interface ConstructPathEntry {
  readonly apiVersion: string;
  readonly kind: string;
  /** As synthesized: the object's own, else its chart's; null for none. */
  readonly namespace: string | null;
  readonly name: string;
  /** The API object's construct path. */
  readonly path: string;
  /** The construct users know: the `Include` (or `Helm`) that read it, the construct whose default child it is, or the object itself. */
  readonly construct: string;
}

/** What identifies an object in the cluster, as one string (no namespace and an empty one are the same). */
export function constructPathKey(apiVersion: string, kind: string, namespace: string | null | undefined, name: string): string {
  return JSON.stringify([apiVersion, kind, namespace || null, name]);
}

/** A RegistryMirror of the app. */
export interface MirrorPathEntry {
  /** The upstream registry host, normalized (`docker.io` for Docker Hub). */
  readonly upstream: string;
  /** `host[:port][/path prefix]`. */
  readonly endpoint: string;
  /** The namespace it serves: null when made on the App (every chart), "" for a chart without namespace (the deploy-time default). */
  readonly namespace: string | null;
  /** The RegistryMirror's construct path. */
  readonly path: string;
}

const FIELDS = ['apiVersion', 'kind', 'namespace', 'name', 'path'] as const;
const MIRROR_FIELDS = ['upstream', 'namespace', 'endpoint', 'path'] as const;

function compareBy<T>(fields: ReadonlyArray<keyof T>): (a: T, b: T) => number {
  return (a, b) => {
    for (const field of fields) {
      // null (no namespace; app-wide) sorts before every string, the empty one too.
      const x = a[field] === null ? '0' : `1${a[field]}`;
      const y = b[field] === null ? '0' : `1${b[field]}`;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
}

/** The file's text: sorted, two-space indented, a final newline; `mirrors` only when there is one. */
export function serializeConstructPaths(entries: readonly ConstructPathEntry[], mirrorEntries: readonly MirrorPathEntry[] = []): string {
  const objects = [...entries].sort(compareBy<ConstructPathEntry>(FIELDS)).map((e) => ({
    apiVersion: e.apiVersion, kind: e.kind, namespace: e.namespace, name: e.name, path: e.path, construct: e.construct,
  }));
  const mirrors = [...mirrorEntries].sort(compareBy<MirrorPathEntry>(MIRROR_FIELDS)).map((m) => ({
    upstream: m.upstream, endpoint: m.endpoint, namespace: m.namespace, path: m.path,
  }));
  const file = mirrors.length === 0 ? { version: CONSTRUCT_PATHS_VERSION, objects } : { version: CONSTRUCT_PATHS_VERSION, objects, mirrors };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** The file as read: the construct of each object by {@link constructPathKey}, and the app's mirrors. */
export interface ConstructPaths {
  /** Objects named twice with different constructs are left out: which one a pod came from is not known. */
  readonly byObject: ReadonlyMap<string, ConstructPathEntry>;
  /** The app's RegistryMirrors; empty when the file lists none. */
  readonly mirrors: readonly MirrorPathEntry[];
}

/**
 * Reads the file's text. Returns a problem in words for anything but
 * version 1 of the format (the content is never quoted).
 */
export function parseConstructPaths(text: string): ConstructPaths | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  if (!isPlainObject(value)) return 'is not a JSON object (expected { "version": 1, "objects": [...] })';
  if (value.version !== CONSTRUCT_PATHS_VERSION) {
    return typeof value.version === 'number' && Number.isInteger(value.version) && value.version > CONSTRUCT_PATHS_VERSION
      ? `has version ${value.version}, newer than this cdk8s-private-registry reads (${CONSTRUCT_PATHS_VERSION}): upgrade it`
      : `has no "version": ${CONSTRUCT_PATHS_VERSION}`;
  }
  if (!Array.isArray(value.objects)) return 'has no "objects" list';
  const byObject = new Map<string, ConstructPathEntry>();
  const ambiguous = new Set<string>();
  for (const [i, item] of value.objects.entries()) {
    const entry = entryOf(item);
    if (entry === undefined) {
      return `objects[${i}] is not { "apiVersion", "kind", "namespace", "name", "path", "construct" } (strings; namespace may be null)`;
    }
    const key = constructPathKey(entry.apiVersion, entry.kind, entry.namespace, entry.name);
    const known = byObject.get(key);
    if (known !== undefined && known.construct !== entry.construct) ambiguous.add(key);
    if (known === undefined) byObject.set(key, entry);
  }
  for (const key of ambiguous) byObject.delete(key);
  if (value.mirrors === undefined) return { byObject, mirrors: [] };
  if (!Array.isArray(value.mirrors)) return 'has a "mirrors" that is no list';
  const mirrors: MirrorPathEntry[] = [];
  for (const [i, item] of value.mirrors.entries()) {
    const mirror = mirrorEntryOf(item);
    if (mirror === undefined) return `mirrors[${i}] is not { "upstream", "endpoint", "namespace", "path" } (strings; namespace may be null)`;
    mirrors.push(mirror);
  }
  return { byObject, mirrors };
}

function entryOf(item: unknown): ConstructPathEntry | undefined {
  if (!isPlainObject(item)) return undefined;
  const { apiVersion, kind, namespace, name, path, construct } = item;
  const strings = [apiVersion, kind, name, path, construct].every((field) => typeof field === 'string');
  if (!strings || (namespace !== null && typeof namespace !== 'string')) return undefined;
  return { apiVersion, kind, namespace, name, path, construct } as ConstructPathEntry;
}

function mirrorEntryOf(item: unknown): MirrorPathEntry | undefined {
  if (!isPlainObject(item)) return undefined;
  const { upstream, endpoint, namespace, path } = item;
  const strings = [upstream, endpoint, path].every((field) => typeof field === 'string');
  if (!strings || (namespace !== null && typeof namespace !== 'string')) return undefined;
  return { upstream: normalizeUpstream(upstream as string), endpoint, namespace, path } as MirrorPathEntry;
}

/**
 * The RegistryMirror that rewrote `original` into `pulled` for an object
 * whose manifest namespace is `namespace` (undefined or "" for none): of
 * the mirrors whose upstream is the original's registry and whose endpoint
 * `pulled` is under, the one of the namespace, else the app-wide one, as
 * the synth chose (wiring/mirror-book.ts). Undefined when none fits or two
 * fit alike.
 */
export function mirrorThatRewrote(mirrors: readonly MirrorPathEntry[], namespace: string | undefined, pulled: string,
  original: string): MirrorPathEntry | undefined {
  const upstream = upstreamOfImage(original);
  if (upstream === undefined) return undefined;
  const fits = mirrors.filter((m) => m.upstream === upstream && isImageOnEndpoint(pulled, m.endpoint));
  const inNamespace = fits.filter((m) => m.namespace !== null && m.namespace === (namespace ?? ''));
  const chosen = inNamespace.length > 0 ? inNamespace : fits.filter((m) => m.namespace === null);
  return chosen.length === 1 ? chosen[0] : undefined;
}
