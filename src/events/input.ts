/**
 * The input of `cdk8s-private-registry events`: the events file (or
 * standard input), read bounded, and the manifests folder of `--manifests`
 * with the library's construct-paths.json (construct-paths.ts) and cdk8s's
 * construct-metadata.json. Only regular files are opened:
 * a FIFO or a device could block or never end. Errors are
 * {@link InputError}s that never quote the content.
 */
import * as fs from 'fs';
import * as path from 'path';
import { StringDecoder } from 'string_decoder';
import { readConstructPaths } from './construct-paths';
import { CDK8S_ADDRESS_LABEL, ConstructMetadata, parseConstructMetadata, WorkloadIndex } from './workloads';
import { BoundedReadError, BoundedReadFailure, readRegularFile } from '../io/bounded-file';
import { constructMetadataFolder } from '../manifests/helm-chart';
import { InputError } from '../manifests/input-error';
import { isPodBearer, objectsOfDocument } from '../manifests/manifest-object';
import { readDocumentTexts } from '../manifests/manifest-stream';
import { findManifestFiles, ManifestObject } from '../manifests/manifests';
import { parseDocumentText } from '../manifests/yaml-documents';
import { isPlainObject } from '../rules/objects';
import { PodKinds, readPointer } from '../rules/pod-kinds';

/** The largest events file (or standard input) read: 64 MiB. */
export const MAX_EVENTS_BYTES = 64 * 1024 * 1024;
/** The path that names standard input. */
export const STDIN_PATH = '-';
/** How messages name standard input. */
export const STDIN_NAME = '<stdin>';
/** What cdk8s writes next to the manifests when validations run. */
export const CONSTRUCT_METADATA_FILE = 'construct-metadata.json';

/** The text of a regular file of at most `max` bytes, as UTF-8, read with the one bounded reader. */
export function readEventsFile(file: string, max: number = MAX_EVENTS_BYTES): string {
  try {
    return readRegularFile(file, max).toString('utf8');
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    switch (error.failure) {
      case BoundedReadFailure.TOO_LARGE: throw tooLarge(file, max);
      case BoundedReadFailure.NOT_REGULAR: throw new InputError(`is ${error.fileType}, not a regular file (use "-" to read standard input)`, file);
      default: throw new InputError(error.code === 'ENOENT' ? 'no such file' : error.message, file);
    }
  }
}

/** The text of a stream (standard input) of at most `max` bytes, as UTF-8; stops reading past the limit. */
export async function readBoundedStream(stream: NodeJS.ReadableStream, max: number = MAX_EVENTS_BYTES): Promise<string> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let total = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      total += bytes.length;
      if (total > max) {
        const destroy = (stream as { destroy?: () => void }).destroy;
        if (typeof destroy === 'function') destroy.call(stream);
        throw tooLarge(STDIN_NAME, max);
      }
      text += decoder.write(bytes);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, STDIN_NAME);
  }
  return text + decoder.end();
}

function tooLarge(name: string, max: number): InputError {
  return new InputError(`is larger than ${max / 1024 / 1024} MiB, the most events reads`, name);
}

/**
 * The JSON values of an events file: one value (a List, an EventList, one
 * Event, or an array of them), or several written one after another, as
 * `kubectl get events --watch -o json` does. Throws {@link InputError},
 * which never quotes the text.
 */
export function parseEventsText(text: string, name: string): unknown[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') {
    throw new InputError('is empty: expected the output of `kubectl get events -o json`', name);
  }
  try {
    return [JSON.parse(body)];
  } catch {
    // Perhaps several values: split at the top level and parse each.
  }
  const values: unknown[] = [];
  for (const [start, end] of topLevelValues(body)) {
    try {
      values.push(JSON.parse(body.slice(start, end)));
    } catch {
      throw new InputError(`is not valid JSON (near line ${lineAt(body, start)}): expected the output of \`kubectl get events -o json\``, name);
    }
  }
  return values;
}

/** Offsets of the top-level `{...}` and `[...]` values of a text, by bracket depth outside strings. */
function topLevelValues(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      if (depth++ === 0) start = i;
    } else if (c === '}' || c === ']') {
      if (--depth === 0) spans.push([start, i + 1]);
      if (depth < 0) return [[0, text.length]];
    } else if (depth === 0 && !/\s/.test(c)) {
      return [[i, text.length]]; // a scalar at the top level: let JSON.parse say where
    }
  }
  return depth === 0 && spans.length > 0 ? spans : [[start, text.length]];
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}


/**
 * The workloads of the manifests at `location` (a folder, searched as
 * `verify` does, or one file), with each pod template's
 * `cdk8s.io/metadata.addr` label, and construct-metadata.json from the
 * folder (a Helm chart's templates/, where cdk8s writes it, or the file's
 * folder) when there is one. The manifests are read a document at a time
 * (manifests.ts keeps no labels, so this reads them itself);
 * `defaultNamespace` is where objects without one are applied.
 */
export function loadWorkloadIndex(location: string, defaultNamespace: string, kinds: PodKinds = PodKinds.BUILT_IN): WorkloadIndex {
  if (location === STDIN_PATH) {
    throw new InputError('--manifests takes a folder or a file; standard input is for the events');
  }
  const objects: ManifestObject[] = [];
  const labels = new Map<ManifestObject, string>();
  for (const file of findManifestFiles([location])) {
    let documents = 0;
    readDocumentTexts(file, (text, firstLine) => {
      documents += parseDocumentText(text, firstLine, file, documents, (parsed) => {
        for (const object of objectsOfDocument(parsed, file, kinds)) {
          objects.push(object);
          const label = isPodBearer(object) ? addressLabelOf(readPointer(parsed.value, object.pointer), object.podSpecPath) : undefined;
          if (label !== undefined) labels.set(object, label);
        }
      });
    });
  }
  // The library's construct-paths.json first; cdk8s's construct-metadata.json for the objects it does not name.
  const sources = { paths: readConstructPaths(location, readEventsFile), metadata: readConstructMetadata(location) };
  return new WorkloadIndex(objects, labels, defaultNamespace, sources);
}

/** The `cdk8s.io/metadata.addr` label of the pod template (or of the object itself). */
function addressLabelOf(value: unknown, specPath: string): string | undefined {
  const templatePath = specPath.slice(0, -'/spec'.length);
  for (const labelsPath of [`${templatePath}/metadata/labels`, '/metadata/labels']) {
    const labels = readPointer(value, labelsPath);
    const label = isPlainObject(labels) ? labels[CDK8S_ADDRESS_LABEL] : undefined;
    if (typeof label === 'string' && label !== '') return label;
  }
  return undefined;
}

function readConstructMetadata(location: string): ConstructMetadata | undefined {
  let folder: string;
  try {
    folder = fs.statSync(location).isDirectory() ? constructMetadataFolder(location) : path.dirname(location);
  } catch {
    return undefined; // findManifestFiles has said what is wrong with the location
  }
  const file = path.join(folder, CONSTRUCT_METADATA_FILE);
  if (!fs.existsSync(file)) return undefined;
  const parsed = parseConstructMetadata(readEventsFile(file));
  if (typeof parsed === 'string') throw new InputError(parsed, file);
  return parsed;
}
