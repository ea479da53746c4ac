/**
 * Reading manifests: files or folders of YAML/JSON, multi-document, each
 * document a Kubernetes object (or a `List` of them). Errors name the file
 * and the 1-based document index and never quote the content, which may
 * hold secrets.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { InputError } from './errors';
import { isPlainObject } from '../rules/objects';

/** One Kubernetes object read from a manifest file. */
export interface ManifestObject {
  /** The file it was read from. */
  readonly file: string;
  /** 1-based index of its YAML document within the file. */
  readonly document: number;
  /** JSON pointer of the object within its document: `''`, or `/items/N` inside a List. */
  readonly pointer: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** `metadata.name` (`generateName` followed by `*` when only that is set). */
  readonly name: string;
  /** `metadata.namespace` as written; undefined when not set. */
  readonly namespace?: string;
  /** The whole object, as parsed. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** File names looked for inside folders. */
const MANIFEST_FILE = /\.(ya?ml|json)$/i;
/** What `cdk8s synth` writes next to the manifests when validations run: not a manifest. */
const CDK8S_METADATA_FILE = 'construct-metadata.json';

/**
 * The manifest files named by `paths`: files as given (any extension),
 * folders searched recursively for `*.yaml`, `*.yml` and `*.json`, in
 * sorted order, skipping entries whose name starts with `.`,
 * `node_modules` and cdk8s's `construct-metadata.json`. Throws {@link InputError} for a missing path or a folder
 * without manifests.
 */
export function findManifestFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const given of paths) {
    const stat = statOrThrow(given);
    if (!stat.isDirectory()) {
      files.push(given);
      continue;
    }
    const found = walk(given, new Set());
    if (found.length === 0) {
      throw new InputError('folder contains no *.yaml, *.yml or *.json files', given);
    }
    files.push(...found);
  }
  // A file named twice (or also inside a folder given) is read once.
  const seen = new Set<string>();
  return files.filter((file) => {
    const key = path.resolve(file);
    const fresh = !seen.has(key);
    seen.add(key);
    return fresh;
  });
}

/** Reads every object from the manifests named by `paths` (see {@link findManifestFiles}). */
export function loadManifests(paths: readonly string[]): ManifestObject[] {
  return findManifestFiles(paths).flatMap((file) => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new InputError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, file);
    }
    return parseManifests(text, file);
  });
}

/**
 * Parses the text of one manifest file. Empty documents are skipped; a
 * document that is malformed YAML or no Kubernetes object throws
 * {@link InputError}. `List` documents give their items.
 */
export function parseManifests(text: string, file: string): ManifestObject[] {
  const lineCounter = new LineCounter();
  // prettyErrors off: the pretty form quotes the offending source line, which may be a password.
  const documents = parseAllDocuments(text, { prettyErrors: false, lineCounter, uniqueKeys: true });
  const objects: ManifestObject[] = [];
  let index = 0;
  for (const doc of documents) {
    index++;
    const error = doc.errors[0];
    if (error) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      throw new InputError(`malformed YAML at line ${line}, column ${col}: ${firstLine(error.message)}`, file, index);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw new InputError(`cannot be read: ${firstLine((e as Error).message)}`, file, index);
    }
    if (value === null || value === undefined) {
      continue; // an empty document, e.g. after a trailing `---`
    }
    objects.push(...objectsOfDocument(value, file, index));
  }
  return objects;
}

function objectsOfDocument(value: unknown, file: string, document: number): ManifestObject[] {
  const object = kubeObject(value, file, document, '', undefined);
  const items = object.body.items;
  // `kubectl get -o yaml` writes a `List`; typed lists (e.g. PodList) omit each item's kind.
  if (object.kind.endsWith('List') && Array.isArray(items)) {
    const itemKind = object.kind === 'List' ? undefined : object.kind.slice(0, -'List'.length);
    return items.map((item, i) => kubeObject(item, file, document, `/items/${i}`, itemKind));
  }
  return [object];
}

function kubeObject(value: unknown, file: string, document: number, pointer: string, defaultKind: string | undefined): ManifestObject {
  const where = pointer === '' ? '' : ` (at ${pointer})`;
  const fail = (problem: string) => new InputError(`is not a Kubernetes object${where}: ${problem}`, file, document);
  if (!isPlainObject(value)) {
    throw fail(`expected a mapping, found ${describe(value)}`);
  }
  const kind = value.kind ?? defaultKind;
  const apiVersion = value.apiVersion ?? (defaultKind === undefined ? undefined : '');
  if (typeof kind !== 'string' || kind === '') {
    throw fail('it has no "kind"');
  }
  if (typeof apiVersion !== 'string' || (apiVersion === '' && defaultKind === undefined)) {
    throw fail('it has no "apiVersion"');
  }
  const metadata = value.metadata ?? {};
  if (!isPlainObject(metadata)) {
    throw fail('"metadata" is not a mapping');
  }
  const { name, generateName, namespace } = metadata;
  if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') {
    throw fail('"metadata.namespace" is not a string');
  }
  return {
    file,
    document,
    pointer,
    apiVersion,
    kind,
    name: typeof name === 'string' ? name : typeof generateName === 'string' ? `${generateName}*` : '',
    ...(typeof namespace === 'string' && namespace !== '' ? { namespace } : {}),
    body: value,
  };
}

function statOrThrow(given: string): fs.Stats {
  try {
    return fs.statSync(given);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file or folder' : `cannot be read (${code ?? 'error'})`, given);
  }
}

/** Recursive, sorted; `seen` holds real paths so symlink loops end. */
function walk(folder: string, seen: Set<string>): string[] {
  const real = fs.realpathSync(folder);
  if (seen.has(real)) {
    return [];
  }
  seen.add(real);
  const files: string[] = [];
  for (const entry of fs.readdirSync(folder).sort()) {
    if (entry.startsWith('.') || entry === 'node_modules' || entry === CDK8S_METADATA_FILE) {
      continue; // .git, .github workflows, dependencies, cdk8s bookkeeping: never manifests to deploy
    }
    const full = path.join(folder, entry);
    const stat = statOrThrow(full);
    if (stat.isDirectory()) {
      files.push(...walk(full, seen));
    } else if (stat.isFile() && MANIFEST_FILE.test(entry)) {
      files.push(full);
    }
  }
  return files;
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a sequence' : `a ${typeof value === 'object' ? 'null' : typeof value} scalar`;
}

