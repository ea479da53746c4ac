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
 *                 "construct": string }] // the construct users know: the Include, the cdk8s-plus workload, or the object
 * }
 * ```
 *
 * Objects are sorted by apiVersion, kind, namespace (none first), name and
 * path, by UTF-16 code units, so the same app always writes the same bytes.
 */
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

const FIELDS = ['apiVersion', 'kind', 'namespace', 'name', 'path'] as const;

function compareEntries(a: ConstructPathEntry, b: ConstructPathEntry): number {
  for (const field of FIELDS) {
    // No namespace sorts before every namespace, the empty one too.
    const x = a[field] === null ? '0' : `1${a[field]}`;
    const y = b[field] === null ? '0' : `1${b[field]}`;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The file's text: sorted, two-space indented, a final newline. */
export function serializeConstructPaths(entries: readonly ConstructPathEntry[]): string {
  const objects = [...entries].sort(compareEntries).map((e) => ({
    apiVersion: e.apiVersion, kind: e.kind, namespace: e.namespace, name: e.name, path: e.path, construct: e.construct,
  }));
  return `${JSON.stringify({ version: CONSTRUCT_PATHS_VERSION, objects }, null, 2)}\n`;
}

/** The file as read: the construct of each object by {@link constructPathKey}. */
export interface ConstructPaths {
  /** Objects named twice with different constructs are left out: which one a pod came from is not known. */
  readonly byObject: ReadonlyMap<string, ConstructPathEntry>;
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
  return { byObject };
}

function entryOf(item: unknown): ConstructPathEntry | undefined {
  if (!isPlainObject(item)) return undefined;
  const { apiVersion, kind, namespace, name, path, construct } = item;
  const strings = [apiVersion, kind, name, path, construct].every((field) => typeof field === 'string');
  if (!strings || (namespace !== null && typeof namespace !== 'string')) return undefined;
  return { apiVersion, kind, namespace, name, path, construct } as ConstructPathEntry;
}
