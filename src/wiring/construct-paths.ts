/**
 * The construct of every API object of an app, written to
 * `construct-paths.json` (format: rules/construct-paths.ts) after a
 * successful `App.synth()`, for `events` to map a failing pod to the
 * construct that declared it. cdk8s's own `construct-metadata.json` keys
 * by `metadata.name` alone and names the API object, never the `Include`
 * it came from; this file keys by apiVersion, kind, namespace and name.
 *
 * It also lists the app's RegistryMirrors with their construct paths, for
 * `events` to name the mirror behind a rewritten image.
 *
 * A failed synth (it throws) writes nothing; `synthYaml()` writes nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Include } from 'cdk8s';
import { IConstruct } from 'constructs';
import { MirrorSource } from './mirror-book';
import { namespaceOf } from './pod-bearer';
import { constructPathsLocation, ConstructPathEntry, MirrorPathEntry, serializeConstructPaths } from '../rules/construct-paths';

/** The ids cdk8s and cdk8s-plus give the API object a construct wraps (`Node.defaultChild`). */
const DEFAULT_CHILD_IDS = new Set(['Resource', 'Default']);

/**
 * The construct users know for `apiObject`: the `Include` (or `Helm`,
 * which is one) that read it from YAML; the construct whose default child
 * it is (a cdk8s-plus workload, a `RegistrySecret`), unless that is a
 * chart; else the object itself (a raw `ApiObject` or `Kube*`).
 */
export function declaringConstruct(apiObject: ApiObject): IConstruct {
  const parent = apiObject.node.scope;
  if (parent === undefined) return apiObject;
  if (parent instanceof Include) return parent;
  // A chart is no construct that wraps one object; neither is the app.
  if (DEFAULT_CHILD_IDS.has(apiObject.node.id) && parent.node.scope !== undefined && !Chart.isChart(parent)) return parent;
  return apiObject;
}

/** Every API object under `root` with its constructs, in tree order. */
export function collectConstructPaths(root: IConstruct): ConstructPathEntry[] {
  const entries: ConstructPathEntry[] = [];
  for (const construct of root.node.findAll()) {
    if (!ApiObject.isApiObject(construct)) continue;
    const namespace = namespaceOf(construct);
    entries.push({
      apiVersion: construct.apiVersion,
      kind: construct.kind,
      namespace: namespace === undefined || namespace === '' ? null : namespace,
      name: construct.name,
      path: construct.node.path,
      construct: declaringConstruct(construct).node.path,
    });
  }
  return entries;
}

/** The app's registry mirrors (the scope's mirror book) as the file lists them. */
export function collectMirrorPaths(mirrors: readonly MirrorSource[]): MirrorPathEntry[] {
  return mirrors.map((mirror) => ({
    upstream: mirror.rule.upstream,
    endpoint: mirror.rule.endpoint,
    namespace: mirror.appWide ? null : mirror.namespace ?? '',
    path: mirror.declaredBy.node.path,
  }));
}

/**
 * Where the file goes: the app's output folder, or the chart's folder when
 * that is a Helm chart's `templates/` (`cdk8s synth --format helm`), where
 * Helm would render it as a manifest.
 */
export function constructPathsFile(outdir: string): string {
  const parent = path.dirname(path.resolve(outdir));
  const helmTemplates = path.basename(path.resolve(outdir)) === 'templates' && fs.existsSync(path.join(parent, 'Chart.yaml'));
  return path.normalize(constructPathsLocation(helmTemplates ? parent : outdir));
}

const RECORDING = Symbol.for('cdk8s-private-registry.constructPaths');

/**
 * Makes `root`, when it is a cdk8s `App`, write `construct-paths.json`
 * after each `synth()` that succeeds, with the `mirrors` known then.
 * Wraps that instance's `synth` once (as pod-bearer.ts wraps a workload's
 * container methods); anything else is left alone.
 */
export function recordConstructPaths(root: IConstruct, mirrors: () => readonly MirrorSource[] = () => []): void {
  if (!(root instanceof App) || (root as unknown as Record<symbol, unknown>)[RECORDING] === true) return;
  const app = root;
  const synth = app.synth;
  Object.defineProperty(app, RECORDING, { value: true });
  Object.defineProperty(app, 'synth', {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => {
      const result = (synth as (...a: unknown[]) => unknown).apply(app, args);
      const file = constructPathsFile(app.outdir);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, serializeConstructPaths(collectConstructPaths(app), collectMirrorPaths(mirrors())));
      return result;
    },
  });
}
