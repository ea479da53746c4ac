/**
 * Benchmark: the same app (namespaces × Deployments pulling from private
 * registries) built by hand with cdk8s-plus (a) and with this library
 * (b1: RegistrySecret per namespace, b2: Project + ProjectRegistry), each
 * run in a fresh node process (bench/child.ts) that times construct and
 * `app.synthYaml()` after its modules are loaded.
 *
 *   ts-node --transpile-only --project bench/tsconfig.json bench/run.ts [options]
 *
 * Options:
 *   --runs N              runs per variant and size (default 5; fewer for the largest
 *                         sizes when the time budget would be exceeded, never fewer than 3)
 *   --budget SECONDS      time budget of the whole default bench (default 540)
 *   --sizes LIST          comma-separated sizes (default all: 10x10,50x20,100x50,200x50,dense)
 *   --variants LIST       comma-separated variants (default a,b1,b2)
 *   --layout L            per-namespace (default: one chart per namespace), single (one chart for
 *                         all namespaces), or both
 *   --json PATH           also write the results as JSON
 *   --verify-all          verify the output of every run, not only the first of each variant and size
 *   --warmup              build and synth a 10x10 app in each child before measuring (JIT warm;
 *                         default: cold, like a real `cdk8s synth`)
 *   --profile SIZE VARIANT  one run under `node --cpu-prof`; prints where the time goes
 *   --top N               functions to list with --profile (default 25)
 *   --interval US         --cpu-prof-interval in µs with --profile (default 250)
 *   --save-profile PATH   with --profile, keep a copy of the .cpuprofile (opens in Chrome DevTools)
 */
import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ChildResult, Verification } from './child';
import { CpuProfile, FunctionTime, sourceMapLineMapper, summarizeProfile } from './profile';
import { BenchSize, expectedObjects, findSize, isVariant, Layout, LAYOUTS, SIZES, VariantName, VARIANTS } from './scenarios';

const PROJECT_ROOT = path.resolve(__dirname, '..');
const CHILD = path.join(__dirname, 'child.ts');
const CHILD_TIMEOUT_MS = 15 * 60 * 1000;
/** Flatness: (b)'s time per object may vary by at most this factor across sizes. */
const FLATNESS_LIMIT = 1.25;
/** Target: (b)'s median total over (a)'s, at every size. */
const RATIO_LIMIT = 1.10;

interface Options {
  readonly runs: number;
  readonly budgetSeconds: number;
  readonly sizes: BenchSize[];
  readonly variants: VariantName[];
  readonly layouts: Layout[];
  readonly json?: string;
  readonly verifyAll: boolean;
  readonly warmup: boolean;
  readonly profile?: { size: BenchSize; variant: VariantName };
  readonly top: number;
  readonly intervalUs: number;
  readonly saveProfile?: string;
}

interface CellResult {
  readonly layout: Layout;
  readonly size: string;
  readonly variant: VariantName;
  readonly objects: number;
  readonly runs: ChildResult[];
  readonly medianConstructMs: number;
  readonly medianSynthMs: number;
  readonly medianTotalMs: number;
  readonly medianMaxRssMiB: number;
  readonly msPerObject: number;
  /** This variant's median total over variant a's, at the same size. */
  readonly ratioToA?: number;
}

class BenchFailure extends Error {}

function usage(): never {
  const header = fs.readFileSync(__filename, 'utf8').split('*/')[0];
  process.stdout.write(header.replace(/^\/\*\*?|^ \* ?/gm, '').trimEnd() + '\n');
  process.exit(0);
}

function parseOptions(argv: string[]): Options {
  let runs = 5;
  let budgetSeconds = 540;
  let sizes = [...SIZES];
  let variants = Object.keys(VARIANTS) as VariantName[];
  let layouts: Layout[] = ['per-namespace'];
  let json: string | undefined;
  let verifyAll = false;
  let warmup = false;
  let profile: Options['profile'];
  let top = 25;
  let intervalUs = 250;
  let saveProfile: string | undefined;
  const positive = (flag: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new BenchFailure(`${flag} needs a positive integer, got "${value}"`);
    return n;
  };
  const variantList = (value: string | undefined) => (value ?? '').split(',').map((v) => {
    if (!isVariant(v)) throw new BenchFailure(`unknown variant "${v}"; variants: ${Object.keys(VARIANTS).join(', ')}`);
    return v;
  });
  const sizeOf = (name: string | undefined) => {
    try {
      return findSize(name ?? '');
    } catch (e) {
      throw new BenchFailure((e as Error).message);
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--runs': runs = positive(flag, argv[++i]); break;
      case '--budget': budgetSeconds = positive(flag, argv[++i]); break;
      case '--sizes': sizes = (argv[++i] ?? '').split(',').map(sizeOf); break;
      case '--variants': variants = variantList(argv[++i]); break;
      case '--layout': {
        const layout = argv[++i];
        if (layout === 'both') layouts = [...LAYOUTS];
        else if (LAYOUTS.includes(layout as Layout)) layouts = [layout as Layout];
        else throw new BenchFailure(`unknown layout "${layout}"; layouts: ${LAYOUTS.join(', ')}, both`);
        break;
      }
      case '--json': json = argv[++i]; if (!json) throw new BenchFailure('--json needs a path'); break;
      case '--verify-all': verifyAll = true; break;
      case '--warmup': warmup = true; break;
      case '--top': top = positive(flag, argv[++i]); break;
      case '--interval': intervalUs = positive(flag, argv[++i]); break;
      case '--save-profile': saveProfile = argv[++i]; if (!saveProfile) throw new BenchFailure('--save-profile needs a path'); break;
      case '--profile': {
        const size = sizeOf(argv[++i]);
        const [variant] = variantList(argv[++i]);
        profile = { size, variant };
        break;
      }
      case '--help': case '-h': usage();
      default: throw new BenchFailure(`unknown option "${flag}" (try --help)`);
    }
  }
  if (profile && layouts.length !== 1) throw new BenchFailure('--profile takes one layout');
  return { runs, budgetSeconds, sizes, variants, layouts, json, verifyAll, warmup, profile, top, intervalUs, saveProfile };
}

/** A layout and a size: what one group of interleaved runs measures. */
interface BenchCase {
  readonly layout: Layout;
  readonly size: BenchSize;
}

const caseName = (c: BenchCase) => `${c.size.name} (${c.layout})`;

/** One run of bench/child.ts in a fresh node process. */
interface ChildOptions {
  readonly verify: boolean;
  readonly warmup?: boolean;
  readonly nodeArgs?: string[];
  readonly sourceMaps?: boolean;
}

function runChild(variant: VariantName, benchCase: BenchCase, options: ChildOptions): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const args = ['--variant', variant, '--size', benchCase.size.name, '--layout', benchCase.layout,
      ...(options.verify ? ['--verify'] : []), ...(options.sourceMaps ? ['--source-maps'] : []), ...(options.warmup ? ['--warmup'] : [])];
    const child = fork(CHILD, args, {
      cwd: PROJECT_ROOT,
      execArgv: ['--expose-gc', ...(options.nodeArgs ?? []), '-r', require.resolve('ts-node/register/transpile-only')],
      env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ChildResult | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('message', (message) => { result = message as ChildResult; });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && result) resolve(result);
      else reject(new BenchFailure(`child ${variant} ${caseName(benchCase)} failed (exit ${code ?? signal}${result ? '' : ', no result'})`));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function machineLines(): string[] {
  const cpus = os.cpus();
  return [
    `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
      `${os.platform()} ${os.release()}, node ${process.version}`,
    `load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} — a shared, noisy machine: ` +
      'read the ratios (measured interleaved, same conditions), not the absolute times',
  ];
}

/** Fails loudly unless every variant emitted the same objects and the same pull secrets per workload. */
function checkOutputs(benchCase: BenchCase, first: Map<VariantName, ChildResult>): void {
  const problems: string[] = [];
  const expected = expectedObjects(benchCase.size);
  const reference = first.get('a') ?? [...first.values()][0];
  const r = reference.verification as Verification;
  for (const [variant, result] of first) {
    const v = result.verification as Verification;
    if (result.objects !== expected) problems.push(`${variant} emitted ${result.objects} objects, expected ${expected}`);
    if (v.unwired > 0) problems.push(`${variant}: ${v.unwired} workloads have no imagePullSecrets`);
    if (result === reference) continue;
    if (result.objects !== reference.objects) {
      problems.push(`${variant} emitted ${result.objects} objects but ${reference.variant} emitted ${reference.objects}`);
    }
    if (JSON.stringify(sortedKinds(v.kinds)) !== JSON.stringify(sortedKinds(r.kinds))) {
      problems.push(`${variant} emitted kinds ${JSON.stringify(v.kinds)} but ${reference.variant} emitted ${JSON.stringify(r.kinds)}`);
    }
    if (v.digest !== r.digest) {
      problems.push(`${variant}'s secrets / workload pull secrets differ from ${reference.variant}'s ` +
        `(digest ${v.digest.slice(0, 12)} vs ${r.digest.slice(0, 12)}):\n${lineDifferences(v.lines, variant, r.lines, reference.variant)}`);
    }
  }
  if (problems.length > 0) {
    throw new BenchFailure(`VERIFICATION FAILED at ${caseName(benchCase)}:\n  - ${problems.join('\n  - ')}`);
  }
}

/** The first lines only one side has, for a readable mismatch report. */
function lineDifferences(mine: string[], myName: string, theirs: string[], theirName: string): string {
  const onlyIn = (x: string[], y: string[]) => {
    const other = new Set(y);
    return x.filter((line) => !other.has(line));
  };
  const show = (name: string, lines: string[]) =>
    `      only in ${name} (${lines.length}): ${lines.slice(0, 5).join(' | ')}${lines.length > 5 ? ' | …' : ''}`;
  return `${show(myName, onlyIn(mine, theirs))}\n${show(theirName, onlyIn(theirs, mine))}`;
}

function sortedKinds(kinds: Record<string, number>): Array<[string, number]> {
  return Object.entries(kinds).sort(([x], [y]) => x.localeCompare(y));
}

async function benchmark(options: Options): Promise<CellResult[]> {
  const started = Date.now();
  const budgetMs = options.budgetSeconds * 1000;
  const cases = options.layouts.flatMap((layout) => options.sizes.map((size) => ({ layout, size })));
  // Cheapest first, so the budget trims the most expensive cases.
  const order = [...cases].sort((x, y) => expectedObjects(x.size) - expectedObjects(y.size));
  const runsByCase = new Map<BenchCase, Map<VariantName, ChildResult[]>>();
  for (const [position, benchCase] of order.entries()) {
    const perVariant = new Map<VariantName, ChildResult[]>(options.variants.map((v) => [v, []]));
    runsByCase.set(benchCase, perVariant);
    let rounds = options.runs;
    for (let round = 0; round < rounds; round++) {
      const roundStarted = Date.now();
      let measuredMs = 0;
      // Rotate the variant order each round so drift on a noisy machine hits every variant alike.
      const rotated = options.variants.map((_, i) => options.variants[(i + round) % options.variants.length]);
      for (const variant of rotated) {
        const result = await runChild(variant, benchCase, { verify: round === 0 || options.verifyAll, warmup: options.warmup });
        if (result.objects !== expectedObjects(benchCase.size)) {
          throw new BenchFailure(`${variant} at ${caseName(benchCase)} emitted ${result.objects} objects, expected ${expectedObjects(benchCase.size)}`);
        }
        if (result.verification) checkOutputs(benchCase, new Map([[variant, result], ...firstRuns(perVariant, variant)]));
        perVariant.get(variant)!.push(result);
        measuredMs += result.totalMs;
        process.stderr.write(`  ${caseName(benchCase).padEnd(22)} ${variant.padEnd(3)} run ${round + 1}: ` +
          `construct ${result.constructMs.toFixed(0)} ms, synth ${result.synthMs.toFixed(0)} ms\n`);
      }
      if (round === 0) {
        const first = { roundMs: Date.now() - roundStarted, measuredMs };
        rounds = plannedRounds(options.runs, order, position, first, budgetMs - (Date.now() - started), budgetMs);
        if (rounds < options.runs) {
          process.stderr.write(`  ${caseName(benchCase)}: ${rounds} runs instead of ${options.runs} to stay within the ${options.budgetSeconds} s budget\n`);
        }
      }
    }
  }

  const cells: CellResult[] = [];
  for (const benchCase of cases) {
    const perVariant = runsByCase.get(benchCase)!;
    const aTotal = perVariant.has('a') ? median(perVariant.get('a')!.map((r) => r.totalMs)) : undefined;
    for (const variant of options.variants) {
      const runs = perVariant.get(variant)!;
      const medianTotalMs = median(runs.map((r) => r.totalMs));
      cells.push({
        layout: benchCase.layout,
        size: benchCase.size.name,
        variant,
        objects: runs[0].objects,
        // Keep the JSON small: no source maps, no digested lines.
        runs: runs.map(({ sourceMaps, verification, ...rest }) =>
          (verification ? { ...rest, verification: { ...verification, lines: [] } } : rest)),
        medianConstructMs: median(runs.map((r) => r.constructMs)),
        medianSynthMs: median(runs.map((r) => r.synthMs)),
        medianTotalMs,
        medianMaxRssMiB: median(runs.map((r) => r.maxRssKiB)) / 1024,
        msPerObject: medianTotalMs / runs[0].objects,
        ratioToA: aTotal === undefined || variant === 'a' ? undefined : medianTotalMs / aTotal,
      });
    }
  }
  return cells;
}

/** The verified first runs of the other variants, to compare a new verified run with. */
function firstRuns(perVariant: Map<VariantName, ChildResult[]>, except: VariantName): Array<[VariantName, ChildResult]> {
  return [...perVariant].filter(([v, runs]) => v !== except && runs.length > 0).map(([v, runs]) => [v, runs[0]]);
}

/**
 * Rounds for the case at `position`, after its first round took `roundMs`
 * (`measuredMs` of it inside the children's measured windows): as many as
 * asked when a round is cheap; otherwise as many as fit in what the budget
 * leaves once the cases still to come have their minimum rounds (estimated
 * from this round: per-process overhead plus measured time scaled by object
 * count, with a 1.5× margin since bigger apps cost more than linearly).
 */
function plannedRounds(runs: number, order: BenchCase[], position: number, round: { roundMs: number; measuredMs: number },
  remainingMs: number, budgetMs: number): number {
  const minimum = Math.min(3, runs);
  if (round.roundMs <= 0.05 * budgetMs) return runs;
  const objects = expectedObjects(order[position].size);
  const fixedMs = Math.max(0, round.roundMs - round.measuredMs);
  const reserveMs = order.slice(position + 1)
    .reduce((sum, later) => sum + minimum * (fixedMs + 1.5 * round.measuredMs * (expectedObjects(later.size) / objects)), 0);
  const affordable = 1 + Math.floor((remainingMs - reserveMs) / round.roundMs);
  return Math.max(minimum, Math.min(runs, affordable));
}

function pad(text: string, width: number, right = true): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function printTable(cells: CellResult[]): string[] {
  const lines: string[] = [];
  const head = ['size', 'variant', 'objects', 'runs', 'construct ms', 'synth ms', 'total ms', 'peak RSS MiB', 'total ms/obj', '(b)/(a)'];
  const widths = [7, 7, 8, 5, 13, 10, 10, 13, 13, 8];
  let previous: CellResult | undefined;
  for (const c of cells) {
    if (previous?.layout !== c.layout) {
      if (previous) lines.push('');
      lines.push(`layout: ${c.layout}${c.layout === 'single' ? ' (one chart for every namespace)' : ' (one chart per namespace)'}`);
      lines.push(head.map((h, i) => pad(h, widths[i], i > 1)).join(' '));
      lines.push(widths.map((w) => '-'.repeat(w)).join(' '));
    } else if (previous.size !== c.size) {
      lines.push('');
    }
    previous = c;
    lines.push([
      pad(c.size, widths[0], false),
      pad(c.variant, widths[1], false),
      pad(String(c.objects), widths[2]),
      pad(String(c.runs.length), widths[3]),
      pad(c.medianConstructMs.toFixed(1), widths[4]),
      pad(c.medianSynthMs.toFixed(1), widths[5]),
      pad(c.medianTotalMs.toFixed(1), widths[6]),
      pad(c.medianMaxRssMiB.toFixed(0), widths[7]),
      pad(c.msPerObject.toFixed(4), widths[8]),
      pad(c.ratioToA === undefined ? '' : c.ratioToA.toFixed(2), widths[9]),
    ].join(' '));
  }
  lines.push('');
  lines.push('medians over runs; each run a fresh node process; times exclude module load/compile;');
  lines.push('peak RSS = process.resourceUsage().maxRSS right after synth (median over runs); (b)/(a) = median total over a\'s');
  for (const [variant, description] of Object.entries(VARIANTS)) lines.push(`  ${variant}: ${description}`);
  return lines;
}

interface Verdicts {
  readonly ratio: Array<{ layout: Layout; variant: VariantName; worst: number; worstSize: string; ok: boolean }>;
  readonly flatness: Array<{ layout: Layout; variant: VariantName; perObject: Record<string, number>; maxOverMin: number; ok: boolean }>;
  /** (b's median total − a's) / objects, per size: the library's own cost per object. */
  readonly overhead: Array<{ layout: Layout; variant: VariantName; perObject: Record<string, number> }>;
}

function verdicts(cells: CellResult[], options: Options): Verdicts {
  const ratio: Verdicts['ratio'] = [];
  const flatness: Verdicts['flatness'] = [];
  const overhead: Verdicts['overhead'] = [];
  for (const layout of options.layouts) {
    for (const variant of options.variants) {
      const mine = cells.filter((c) => c.layout === layout && c.variant === variant);
      if (variant !== 'a' && mine.every((c) => c.ratioToA !== undefined)) {
        const worst = mine.reduce((w, c) => (c.ratioToA! > w.ratioToA! ? c : w));
        ratio.push({ layout, variant, worst: worst.ratioToA!, worstSize: worst.size, ok: mine.every((c) => c.ratioToA! <= RATIO_LIMIT) });
        overhead.push({
          layout,
          variant,
          perObject: Object.fromEntries(mine.map((c) => [c.size, (c.medianTotalMs - c.medianTotalMs / c.ratioToA!) / c.objects])),
        });
      }
      if (mine.length >= 2) {
        const perObject = Object.fromEntries(mine.map((c) => [c.size, c.msPerObject]));
        const values = Object.values(perObject);
        const maxOverMin = Math.max(...values) / Math.min(...values);
        flatness.push({ layout, variant, perObject, maxOverMin, ok: maxOverMin <= FLATNESS_LIMIT });
      }
    }
  }
  return { ratio, flatness, overhead };
}

function printVerdicts(v: Verdicts): string[] {
  const lines: string[] = [];
  for (const r of v.ratio) {
    lines.push(`[${r.layout}] ratio ${r.variant}/a ≤ ${RATIO_LIMIT.toFixed(2)} at every size: ${r.ok ? 'YES' : 'NO'} ` +
      `(worst ${r.worst.toFixed(2)} at ${r.worstSize})`);
  }
  for (const f of v.flatness) {
    const values = Object.entries(f.perObject).map(([size, ms]) => `${size} ${ms.toFixed(4)}`).join(', ');
    lines.push(`[${f.layout}] time per object flat for ${f.variant} (max/min ≤ ${FLATNESS_LIMIT.toFixed(2)}): ${f.ok ? 'YES' : 'NO'} ` +
      `(max/min ${f.maxOverMin.toFixed(2)}; ms/obj: ${values})`);
  }
  for (const o of v.overhead) {
    const values = Object.entries(o.perObject).map(([size, ms]) => `${size} ${ms >= 0 ? '+' : ''}${ms.toFixed(4)}`).join(', ');
    lines.push(`[${o.layout}] ${o.variant}'s extra time per object over a ((b − a) / objects, ms): ${values}`);
  }
  return lines;
}

async function profileOne(options: Options, benchCase: BenchCase, variant: VariantName): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-private-registry-bench-'));
  const write = (text: string) => process.stdout.write(text);
  try {
    write(`${machineLines().join('\n')}\n\n`);
    write(`profiling ${variant} (${VARIANTS[variant]}) at ${caseName(benchCase)}: ${benchCase.size.description}; ` +
      `--cpu-prof-interval ${options.intervalUs} µs\n`);
    const result = await runChild(variant, benchCase, {
      verify: false,
      warmup: options.warmup,
      sourceMaps: true,
      nodeArgs: ['--enable-source-maps', '--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', String(options.intervalUs)],
    });
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length !== 1) throw new BenchFailure(`expected one .cpuprofile in ${dir}, found ${files.length}`);
    const profile = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8')) as CpuProfile;
    if (options.saveProfile) fs.copyFileSync(path.join(dir, files[0]), options.saveProfile);
    const summary = summarizeProfile(profile, PROJECT_ROOT, result.windowUs, sourceMapLineMapper(result.sourceMaps ?? {}));
    write(`measured (under the profiler): construct ${result.constructMs.toFixed(0)} ms, synth ${result.synthMs.toFixed(0)} ms, ` +
      `total ${result.totalMs.toFixed(0)} ms, ${result.objects} objects\n`);
    write(`profile: ${summary.sampleCount} samples, ${summary.totalMs.toFixed(0)} ms ` +
      `${summary.windowed ? 'inside the measured window (module load excluded)' : '(WHOLE process: the window was not inside the profile)'}\n\n`);

    write('self time by origin:\n');
    for (const o of summary.byOrigin.slice(0, 12)) {
      write(`  ${pad(o.selfMs.toFixed(0), 7)} ms ${pad(percent(o.selfMs, summary.totalMs), 6)}  ${o.origin}\n`);
    }

    write(`\ntop ${options.top} functions by self time:\n`);
    write(functionTable([...summary.functions].sort((x, y) => y.selfMs - x.selfMs).slice(0, options.top), summary.totalMs));

    const ours = summary.functions.filter((f) => f.origin === 'OURS (src/)').sort((x, y) => y.inclusiveMs - x.inclusiveMs).slice(0, 15);
    write('\nour functions (src/) by inclusive time (callees included, e.g. the cdk8s calls they make):\n');
    write(ours.length ? functionTable(ours, summary.totalMs) : '  (none sampled)\n');
    if (options.saveProfile) write(`\nprofile saved to ${options.saveProfile}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function percent(part: number, whole: number): string {
  return `${whole > 0 ? ((100 * part) / whole).toFixed(1) : '0.0'}%`;
}

function functionTable(functions: FunctionTime[], totalMs: number): string {
  const rows = functions.map((f) => `  ${pad(f.selfMs.toFixed(0), 7)} ${pad(percent(f.selfMs, totalMs), 6)} ` +
    `${pad(f.inclusiveMs.toFixed(0), 8)} ${pad(percent(f.inclusiveMs, totalMs), 6)}  ${f.functionName}  [${f.origin}] ${f.location}`);
  return `  ${pad('self ms', 7)} ${pad('', 6)} ${pad('incl ms', 8)} ${pad('', 6)}  function  [origin] location\n${rows.join('\n')}\n`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.profile) {
    await profileOne(options, { layout: options.layouts[0], size: options.profile.size }, options.profile.variant);
    return;
  }
  const header = [...machineLines(),
    `runs: ${options.runs} per variant and size (budget ${options.budgetSeconds} s); ${options.warmup ? 'warmed-up' : 'cold'} processes`, ''];
  process.stdout.write(header.join('\n') + '\n');
  const started = Date.now();
  const cells = await benchmark(options);
  const v = verdicts(cells, options);
  const report = [...printTable(cells), '', ...printVerdicts(v), '',
    'outputs verified identical across variants (objects, kinds, secret names, pull secrets per workload); ' +
    `wall time ${((Date.now() - started) / 1000).toFixed(0)} s`];
  process.stdout.write('\n' + report.join('\n') + '\n');
  if (options.json) {
    fs.writeFileSync(options.json, JSON.stringify({
      machine: {
        cpu: os.cpus()[0]?.model,
        cores: os.cpus().length,
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        totalMemGiB: os.totalmem() / 2 ** 30,
        loadAverageAtEnd: os.loadavg(),
        note: 'shared, noisy machine',
      },
      options: {
        runs: options.runs,
        budgetSeconds: options.budgetSeconds,
        sizes: options.sizes.map((s) => s.name),
        variants: options.variants,
        layouts: options.layouts,
      },
      sizes: options.sizes,
      results: cells,
      verdicts: { ratioLimit: RATIO_LIMIT, flatnessLimit: FLATNESS_LIMIT, ...v },
    }, null, 2) + '\n');
    process.stdout.write(`results written to ${options.json}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`\n${e instanceof BenchFailure ? e.message : (e as Error).stack}\n`);
  process.exit(1);
});
