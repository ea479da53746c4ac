/**
 * Helm chart folders as manifest input: what `cdk8s synth --format helm`
 * writes (`Chart.yaml`, `README.md`, the manifests in `templates/`, with
 * construct-metadata.json next to them when validations run, and `crds/`
 * when the app imports CRDs), and hand-written charts alike. A folder that
 * holds a `Chart.yaml` file is a chart: only what Helm installs is read,
 * never Chart.yaml, values.yaml or README.md:
 *
 * - `templates/`, searched like any folder, without Helm's partials (names
 *   starting with `_`, which render no output); a template with a Go
 *   template action (`{{`) is an input error, since values are not rendered
 *   here (cdk8s's templates hold none: Helm would render any `{{` it wrote);
 * - `crds/`, searched like any folder (Helm never renders those);
 * - `charts/`: each unpacked subchart folder, read as a chart; a packed
 *   subchart (an archive) is an input error; names starting with `.` or
 *   `_` are skipped, as Helm does, and so are provenance files (`.prov`).
 *
 * `.helmignore` is not read. Errors never quote the content.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from './input-error';
import { MAX_MANIFEST_BYTES } from './manifest-stream';
import { BoundedReadError, openRegularFile } from '../io/bounded-file';

/** The file that makes a folder a Helm chart. */
export const CHART_FILE = 'Chart.yaml';
/** The chart's folder of templates, where `cdk8s synth --format helm` writes the manifests. */
export const TEMPLATES_FOLDER = 'templates';
/** The chart's folder of CustomResourceDefinitions, installed as they are. */
const CRDS_FOLDER = 'crds';
/** The chart's folder of subcharts. */
const CHARTS_FOLDER = 'charts';
/** Bytes scanned at a time for template actions. */
const CHUNK_BYTES = 64 * 1024;
const OPEN_BRACE = 0x7b;
const NEWLINE = 0x0a;

/**
 * Searches `folder` for manifest files as for any folder, skipping the
 * files (by name) `skip` picks; passed in by the folder search of manifests.ts.
 */
export type FolderSearch = (folder: string, skip?: (file: string) => boolean) => string[];

/** Whether `folder` is a Helm chart: it holds a regular file (or a link to one) named `Chart.yaml`. */
export function isHelmChart(folder: string): boolean {
  try {
    return fs.statSync(path.join(folder, CHART_FILE)).isFile();
  } catch {
    return false;
  }
}

/**
 * The manifest files of the Helm chart at `chart` (see the module's
 * comment), in order: templates, CRDs, then each subchart's. Throws
 * {@link InputError} for a template with template actions, a packed
 * subchart, or a subchart folder without a Chart.yaml.
 */
export function helmChartFiles(chart: string, search: FolderSearch): string[] {
  const files: string[] = [];
  const templates = path.join(chart, TEMPLATES_FOLDER);
  if (isFolder(templates)) {
    for (const file of search(templates, isPartial)) {
      assertNoTemplateActions(file, chart);
      files.push(file);
    }
  }
  const crds = path.join(chart, CRDS_FOLDER);
  if (isFolder(crds)) for (const file of search(crds)) files.push(file);
  const charts = path.join(chart, CHARTS_FOLDER);
  if (isFolder(charts)) {
    for (const entry of fs.readdirSync(charts).sort()) {
      if (entry.startsWith('.') || entry.startsWith('_') || entry.endsWith('.prov')) continue; // what Helm skips
      const subchart = path.join(charts, entry);
      if (!isFolder(subchart)) {
        throw new InputError(`is a packed Helm subchart, which verify does not unpack: ${renderHint(chart)}`, subchart);
      }
      if (!isHelmChart(subchart)) {
        throw new InputError(`is in a Helm chart's ${CHARTS_FOLDER}/ folder but holds no ${CHART_FILE}: not a subchart`, subchart);
      }
      for (const file of search(subchart)) files.push(file);
    }
  }
  return files;
}

/**
 * The folder where cdk8s writes construct-metadata.json for the manifests
 * at `folder`: its `templates/` when it is a Helm chart, else itself.
 */
export function constructMetadataFolder(folder: string): string {
  return isHelmChart(folder) ? path.join(folder, TEMPLATES_FOLDER) : folder;
}

/** Helm's partials (`_helpers.tpl`, `_anything.yaml`) define templates and render no output. */
function isPartial(entry: string): boolean {
  return entry.startsWith('_');
}

function isFolder(folder: string): boolean {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Throws {@link InputError} when the template `file` of `chart` holds a Go
 * template action (`{{`), naming the line. The file is scanned with the one
 * bounded opener; a file that cannot be opened within the bounds is left to
 * the manifest reader, which says what is wrong with it.
 */
function assertNoTemplateActions(file: string, chart: string): void {
  let fd: number;
  try {
    fd = openRegularFile(file, MAX_MANIFEST_BYTES);
  } catch (error) {
    if (error instanceof BoundedReadError) return;
    throw error;
  }
  let line: number | undefined;
  try {
    line = firstTemplateActionLine(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (line !== undefined) {
    throw new InputError(`is a Helm template with Go template actions ("{{" on line ${line}): verify reads chart templates as they are and does not render values; ${renderHint(chart)}`, file);
  }
}

/** The 1-based line of the first `{{` read from `fd`, if any, within {@link MAX_MANIFEST_BYTES}. */
function firstTemplateActionLine(fd: number): number | undefined {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let line = 1;
  let previous = -1;
  let total = 0;
  for (;;) {
    let read: number;
    try {
      read = fs.readSync(fd, buffer, 0, buffer.length, null);
    } catch {
      return undefined; // the manifest reader reports the error
    }
    if (read === 0 || total >= MAX_MANIFEST_BYTES) return undefined;
    total += read;
    for (let i = 0; i < read; i++) {
      const byte = buffer[i];
      if (byte === OPEN_BRACE && previous === OPEN_BRACE) return line;
      if (byte === NEWLINE) line++;
      previous = byte;
    }
  }
}

/** What to run instead: Helm renders the chart, and verify reads its output. */
function renderHint(chart: string): string {
  const shown = /^[\w./@:+-]+$/.test(chart) ? chart : JSON.stringify(chart);
  return `run \`helm template ${shown}\` and pipe it in (\`helm template ${shown} | npx cdk8s-private-registry verify -\`), `
    + 'or write its output to a file and give that file (e.g. to `events --manifests`)';
}
