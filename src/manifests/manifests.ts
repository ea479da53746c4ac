/**
 * Reading manifests: files or folders of YAML/JSON, multi-document, each
 * document a Kubernetes object (or a `List` of them), or standard input
 * (`-`). Files are read in chunks and parsed a document at a time
 * (manifest-stream.ts, yaml-documents.ts), and each object is kept as a
 * compact projection (manifest-object.ts), so memory follows the largest
 * document rather than the input. Errors name the file, the 1-based
 * document index, and the line and column where known, and never quote the
 * content, which may hold secrets.
 */
import * as fs from 'fs';
import * as path from 'path';
import { helmChartFiles, isHelmChart } from './helm-chart';
import { InputError } from './input-error';
import { isChecked, ManifestObject as KubeManifestObject, objectsOfDocument } from './manifest-object';
import { DocumentSplitter, readDocumentTexts, STDIN_NAME, STDIN_PATH } from './manifest-stream';
import { parseDocumentText } from './yaml-documents';
import { fileTypeOf } from '../io/bounded-file';
import { CONSTRUCT_PATHS_FILE } from '../rules/construct-paths';
import { Declarations } from '../rules/declarations';
import { PodKinds } from '../rules/pod-kinds';

export { MAX_MANIFEST_BYTES, STDIN_NAME, STDIN_PATH } from './manifest-stream';

/** One Kubernetes object read from a manifest file (see manifest-object.ts). */
export type ManifestObject = KubeManifestObject;

/** File names looked for inside folders. */
const MANIFEST_FILE = /\.(ya?ml|json)$/i;
/** What `cdk8s synth` writes next to the manifests when validations run: not a manifest. */
const CDK8S_METADATA_FILE = 'construct-metadata.json';

/**
 * The manifest files named by `paths`: regular files as given (any
 * extension), `-` for standard input, folders searched recursively for
 * regular files named `*.yaml`, `*.yml` and `*.json`, in sorted order,
 * skipping entries whose name starts with `.`, `node_modules`, cdk8s's
 * `construct-metadata.json`, the `construct-paths.json` this library
 * writes, FIFOs, devices, sockets and symbolic link
 * loops. A folder that holds a `Chart.yaml` (given, or met while
 * searching) is a Helm chart, as `cdk8s synth --format helm` writes: only
 * its templates, CRDs and subcharts are read (helm-chart.ts). Throws
 * {@link InputError} for a missing path, a path that is neither a regular
 * file nor a folder, a folder without manifests, or a chart template with
 * Go template actions.
 */
export function findManifestFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const given of paths) {
    if (given === STDIN_PATH) {
      files.push(given);
      continue;
    }
    const stat = statOrThrow(given);
    if (stat.isFile()) {
      files.push(given);
      continue;
    }
    if (!stat.isDirectory()) {
      // Never opened: reading a device or a FIFO could block or never end.
      throw new InputError(`is ${fileTypeOf(stat)}, not a regular file or folder (use "-" to read standard input)`, given);
    }
    const found = walk(given, new Set());
    if (found.length === 0) {
      throw new InputError(isHelmChart(given)
        ? 'is a Helm chart without manifests: its templates/ and crds/ folders hold no *.yaml, *.yml or *.json files'
        : 'folder contains no *.yaml, *.yml or *.json files', given);
    }
    for (const file of found) files.push(file);
  }
  // A file named twice (or also inside a folder given) is read once.
  const seen = new Set<string>();
  return files.filter((file) => {
    const key = file === STDIN_PATH ? STDIN_NAME : path.resolve(file);
    const fresh = !seen.has(key);
    seen.add(key);
    return fresh;
  });
}

/**
 * Reads every object of the manifest files, in order, and passes each to
 * `visit`; only one document's parse is held at a time. `files` are as
 * {@link findManifestFiles} returns them (`-` reads standard input, named
 * `<stdin>`). Throws {@link InputError} for unreadable or malformed input.
 */
export function forEachManifestObject(
  files: readonly string[], visit: (object: ManifestObject) => void, kinds: PodKinds = PodKinds.BUILT_IN, declarations: Declarations = 'trusted',
): void {
  for (const file of files) {
    const name = file === STDIN_PATH ? STDIN_NAME : file;
    let documents = 0;
    readDocumentTexts(file, (text, firstLine) => {
      documents += parseDocumentText(text, firstLine, name, documents, (parsed) => {
        for (const object of objectsOfDocument(parsed, name, kinds, declarations)) visit(object);
      });
    });
  }
}

/** What {@link readManifests} returns. */
export interface ManifestRead {
  /** How many files were read. */
  readonly files: number;
  /** How many objects they hold. */
  readonly objects: number;
  /** The objects the checks look at (pod-bearing objects, Secrets, ServiceAccounts, Namespaces); the rest are only counted. */
  readonly checked: ManifestObject[];
}

/**
 * Reads the manifests at `paths` (see {@link findManifestFiles}), keeping only
 * the objects the checks use; `kinds`: the pod-bearing kinds of this run.
 */
export function readManifests(paths: readonly string[], kinds: PodKinds = PodKinds.BUILT_IN, declarations: Declarations = 'trusted'): ManifestRead {
  const files = findManifestFiles(paths);
  const checked: ManifestObject[] = [];
  let objects = 0;
  forEachManifestObject(files, (object) => {
    objects++;
    if (isChecked(object)) checked.push(object);
  }, kinds, declarations);
  return { files: files.length, objects, checked };
}

/** Reads every object from the manifests named by `paths` (see {@link findManifestFiles}). */
export function loadManifests(paths: readonly string[], kinds: PodKinds = PodKinds.BUILT_IN): ManifestObject[] {
  const objects: ManifestObject[] = [];
  forEachManifestObject(findManifestFiles(paths), (object) => objects.push(object), kinds);
  return objects;
}

/**
 * Parses the text of one manifest file. Empty documents are skipped; a
 * document that is malformed YAML or no Kubernetes object throws
 * {@link InputError}. `List` documents give their items.
 */
export function parseManifests(text: string, file: string, kinds: PodKinds = PodKinds.BUILT_IN): ManifestObject[] {
  const objects: ManifestObject[] = [];
  let documents = 0;
  const splitter = new DocumentSplitter((documentText, firstLine) => {
    documents += parseDocumentText(documentText, firstLine, file, documents, (parsed) => {
      for (const object of objectsOfDocument(parsed, file, kinds)) objects.push(object);
    });
  });
  splitter.push(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  splitter.end();
  return objects;
}

function statOrThrow(given: string): fs.Stats {
  try {
    return fs.statSync(given);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file or folder' : `cannot be read (${code ?? 'error'})`, given);
  }
}

/**
 * Recursive, sorted; `seen` holds the folders entered, by device and inode
 * (what a symbolic link or a bind mount leads to, however it is named), so
 * each folder is read once and symbolic link loops end; `skip`: more files
 * to pass over (a chart's partials). A Helm chart met on the way is read as
 * a chart.
 */
function walk(folder: string, seen: Set<string>, skip?: (entry: string) => boolean): string[] {
  const identity = folderIdentity(folder);
  if (seen.has(identity)) {
    return [];
  }
  seen.add(identity);
  if (isHelmChart(folder)) {
    return helmChartFiles(folder, (inner, innerSkip) => walk(inner, seen, innerSkip));
  }
  const files: string[] = [];
  for (const entry of fs.readdirSync(folder).sort()) {
    if (entry.startsWith('.') || entry === 'node_modules' || entry === CDK8S_METADATA_FILE || entry === CONSTRUCT_PATHS_FILE) {
      continue; // .git, .github workflows, dependencies, cdk8s bookkeeping: never manifests to deploy
    }
    const full = path.join(folder, entry);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') continue; // a symbolic link that points at itself
      throw error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? new InputError('no such file or folder (a dangling symbolic link?)', full)
        : new InputError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, full);
    }
    if (stat.isDirectory()) {
      for (const file of walk(full, seen, skip)) files.push(file);
    } else if (stat.isFile() && MANIFEST_FILE.test(entry) && skip?.(entry) !== true) {
      files.push(full); // FIFOs, devices and sockets are never manifests: never opened
    }
  }
  return files;
}

/** A folder's device and inode (through symbolic links): the same for every path that leads to it. */
function folderIdentity(folder: string): string {
  try {
    const stat = fs.statSync(folder, { bigint: true });
    return `${stat.dev}:${stat.ino}`;
  } catch (error) {
    throw new InputError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, folder);
  }
}
