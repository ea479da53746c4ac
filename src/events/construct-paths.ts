/**
 * Finds and reads the `construct-paths.json` the library writes after
 * `App.synth()` (format: rules/construct-paths.ts) for the manifests of
 * `events --manifests`: in the folder given, or the file's folder; for a
 * Helm chart (`cdk8s synth --format helm`), in the chart's folder, next to
 * `Chart.yaml`, where Helm does not render it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../manifests/input-error';
import { constructPathsLocation, ConstructPaths, parseConstructPaths } from '../rules/construct-paths';

/**
 * The construct paths for the manifests at `location`, or undefined when
 * the library wrote none there (an app that does not use its constructs,
 * or manifests not written by `App.synth()`). `read` reads a file bounded
 * (input.ts); a file that is no version 1 of the format is an
 * {@link InputError} that never quotes it.
 */
export function readConstructPaths(location: string, read: (file: string) => string): ConstructPaths | undefined {
  let folder = location;
  try {
    if (!fs.statSync(location).isDirectory()) folder = path.dirname(location);
  } catch {
    return undefined; // findManifestFiles has said what is wrong with the location
  }
  const file = candidateFolders(folder)
    .map((candidate) => path.normalize(constructPathsLocation(candidate)))
    .find((candidate) => fs.existsSync(candidate));
  if (file === undefined) return undefined;
  const parsed = parseConstructPaths(read(file));
  if (typeof parsed === 'string') throw new InputError(parsed, file);
  return parsed;
}

/** The folder itself; and the chart's folder when it is a Helm chart's `templates/`. */
function candidateFolders(folder: string): string[] {
  const chart = path.dirname(path.resolve(folder));
  const inChart = path.basename(path.resolve(folder)) === 'templates' && fs.existsSync(path.join(chart, 'Chart.yaml'));
  return inChart ? [folder, chart] : [folder];
}
