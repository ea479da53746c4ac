/**
 * One benchmark run, in its own process: builds one variant at one size,
 * then synthesizes it with `app.synthYaml()` (validation, wiring, resolve,
 * YAML), timing both after every module is loaded. Reports through IPC
 * (or as one JSON line on stdout when run by hand).
 *
 *   TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/child.ts \
 *     --variant b1 --size 10x10 [--layout single] [--verify] [--source-maps] [--warmup] [--patch-validate-once]
 *
 * --patch-validate-once patches cdk8s to validate once per synth instead of
 * once per chart (bench/validate-once.ts), to measure what that would save.
 * --source-maps (with node's --enable-source-maps) returns the source maps
 * ts-node made for the project's .ts files, to map a CPU profile to .ts lines.
 */
import { createHash } from 'crypto';
import { findSourceMap, SourceMapPayload } from 'module';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { machineBusyMs } from './proc-stat';
import { buildApp, findSize, isVariant, Layout, LAYOUTS, VariantName } from './scenarios';
import { patchValidateOnce } from './validate-once';

/** What a run reports to the parent. */
export interface ChildResult {
  readonly variant: VariantName;
  readonly size: string;
  readonly layout: Layout;
  /** Whether cdk8s was patched to validate once per synth (--patch-validate-once). */
  readonly validateOnce: boolean;
  readonly constructMs: number;
  readonly synthMs: number;
  readonly totalMs: number;
  /**
   * CPU time (user + system, all threads) this process used in the measured window. Well below
   * totalMs means the run waited for a core: the machine was busy with something else.
   */
  readonly cpuMs: number;
  /** The machine's 1-minute load average right after the synth. */
  readonly loadAverage: number;
  /**
   * CPU time the rest of the machine (every other process) used during the measured window, from
   * /proc/stat (10 ms ticks); undefined where there is no /proc/stat. On a 2-core machine anything
   * near totalMs means another process had a core busy and the run's timing is suspect.
   */
  readonly othersCpuMs?: number;
  /** Peak resident set size (KiB), read right after the synth, before any verification work. */
  readonly maxRssKiB: number;
  /** YAML documents emitted. */
  readonly objects: number;
  readonly yamlBytes: number;
  /** The measured window on the monotonic clock (µs), to cut a --cpu-prof profile to it. */
  readonly windowUs: { readonly start: number; readonly end: number };
  /** Present with --verify. */
  readonly verification?: Verification;
  /** With --source-maps: source map of every project .ts file loaded, by absolute path. */
  readonly sourceMaps?: Record<string, SourceMapPayload>;
}

/** What must be identical between variants. */
export interface Verification {
  /** Emitted objects by kind. */
  readonly kinds: Record<string, number>;
  /** sha256 of every Secret's (namespace, name, type) and every workload's (namespace, name, sorted imagePullSecrets). */
  readonly digest: string;
  /** The digested lines, sorted, to show what differs on a mismatch. */
  readonly lines: string[];
  /** Workloads with no imagePullSecrets at all (should be 0). */
  readonly unwired: number;
  /** sha256 of the whole YAML, byte for byte. */
  readonly yamlSha256: string;
  /** sha256 of the pod-bearing documents (Deployments…), byte for byte, in emitted order. */
  readonly workloadsSha256: string;
  /** sha256 of every Secret's namespace/name and decoded data (`stringData` and base64 `data` alike), sorted. */
  readonly secretContentsSha256: string;
}

const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

function argValue(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

function main(): void {
  const args = process.argv.slice(2);
  const variant = argValue(args, '--variant') ?? '';
  const size = findSize(argValue(args, '--size') ?? '');
  if (!isVariant(variant)) throw new Error(`unknown variant "${variant}"`);
  const layout = (argValue(args, '--layout') ?? 'per-namespace') as Layout;
  if (!LAYOUTS.includes(layout)) throw new Error(`unknown layout "${layout}"`);
  const validateOnce = args.includes('--patch-validate-once');
  if (validateOnce) patchValidateOnce();

  if (args.includes('--warmup')) {
    // Optional: JIT-compile the code paths on a small app first (a long-running process's view).
    buildApp(variant, findSize('10x10'), layout).synthYaml();
  }
  // Start from a collected heap so garbage from module loading is not billed to the run.
  (globalThis as { gc?: () => void }).gc?.();

  const machine0 = machineBusyMs();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const app = buildApp(variant, size, layout);
  const t1 = process.hrtime.bigint();
  const yaml = app.synthYaml();
  const t2 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  const machine1 = machineBusyMs();
  const maxRssKiB = process.resourceUsage().maxRSS;

  const result: ChildResult = {
    variant,
    size: size.name,
    layout,
    validateOnce,
    constructMs: Number(t1 - t0) / 1e6,
    synthMs: Number(t2 - t1) / 1e6,
    totalMs: Number(t2 - t0) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
    loadAverage: os.loadavg()[0],
    othersCpuMs: machine0 === undefined || machine1 === undefined ? undefined
      : Math.max(0, machine1 - machine0 - (cpu.user + cpu.system) / 1000),
    maxRssKiB,
    objects: countDocuments(yaml),
    yamlBytes: Buffer.byteLength(yaml, 'utf8'),
    windowUs: { start: Number(t0 / 1000n), end: Number(t2 / 1000n) },
    verification: args.includes('--verify') ? verify(yaml) : undefined,
    sourceMaps: args.includes('--source-maps') ? projectSourceMaps() : undefined,
  };

  if (process.send) {
    process.send(result, () => process.disconnect());
  } else {
    process.stdout.write(JSON.stringify(result) + '\n');
  }
}

/** cdk8s joins documents with `---\n`; an empty app is no document at all. */
function countDocuments(yaml: string): number {
  if (yaml.trim() === '') return 0;
  let count = 1;
  for (let at = yaml.indexOf('\n---\n'); at >= 0; at = yaml.indexOf('\n---\n', at + 1)) count++;
  return count;
}

/** Source maps of the project's TypeScript files (not node_modules), as ts-node produced them. */
function projectSourceMaps(): Record<string, SourceMapPayload> {
  const root = path.resolve(__dirname, '..') + path.sep;
  const maps: Record<string, SourceMapPayload> = {};
  for (const file of Object.keys(require.cache)) {
    if (!file.startsWith(root) || !file.endsWith('.ts') || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const map = findSourceMap(file);
    if (map) maps[file] = map.payload;
  }
  return maps;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The text of each document, as cdk8s joined them (`---\n` between documents). */
function documentTexts(yaml: string): string[] {
  return yaml.trim() === '' ? [] : yaml.split(/^---\n/m);
}

/** A Secret's data as strings, whether written as `stringData` or base64 `data`. */
function secretContents(object: any): Record<string, string> {
  const contents: Record<string, string> = { ...(object.stringData ?? {}) };
  for (const [key, value] of Object.entries((object.data ?? {}) as Record<string, string>)) {
    contents[key] = Buffer.from(value, 'base64').toString('utf8');
  }
  return contents;
}

function verify(yaml: string): Verification {
  const kinds: Record<string, number> = {};
  const lines: string[] = [];
  const workloadTexts: string[] = [];
  const secretLines: string[] = [];
  let unwired = 0;
  const texts = documentTexts(yaml);
  const documents = parseAllDocuments(yaml);
  if (documents.length !== texts.length) throw new Error(`split ${texts.length} documents but parsed ${documents.length}`);
  for (const [index, document] of documents.entries()) {
    if (!('toJS' in document)) throw new Error('synthesized YAML did not parse');
    const object = document.toJS() as any;
    if (object == null) continue;
    const kind = String(object.kind);
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    const where = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    const specPath = POD_SPEC_PATHS[kind];
    if (specPath) {
      const spec = specPath.reduce((node, key) => node?.[key], object);
      const secrets = ((spec?.imagePullSecrets ?? []) as Array<{ name: string }>).map((s) => s.name).sort();
      if (secrets.length === 0) unwired++;
      lines.push(`${kind} ${where} pull=[${secrets.join(',')}]`);
      workloadTexts.push(texts[index]);
    } else {
      if (kind === 'Secret') {
        const contents = secretContents(object);
        secretLines.push(`${where} ${JSON.stringify(Object.keys(contents).sort().map((key) => [key, contents[key]]))}`);
      }
      lines.push(`${kind} ${where} type=${object.type ?? ''}`);
    }
  }
  lines.sort();
  return {
    kinds,
    digest: sha256(lines.join('\n')),
    lines,
    unwired,
    yamlSha256: sha256(yaml),
    workloadsSha256: sha256(workloadTexts.join('---\n')),
    secretContentsSha256: sha256(secretLines.sort().join('\n')),
  };
}

main();
