/**
 * Benchmark: the same app (namespaces × Deployments pulling from private
 * registries) built by hand with cdk8s-plus (a), with this library
 * (b1: RegistrySecret per namespace, b2: Project + ProjectRegistry), by hand
 * with each Deployment inside an empty wrapper construct (c: the floor of any
 * wrapper design), or as plain cdk8s-plus Deployments wired by
 * PullSecretWiring.applyTo(app) (d); each run in a fresh node process
 * (bench/child.ts) that times construct and `app.synthYaml()` after its
 * modules are loaded. See bench/README.md.
 *
 *   npm run bench -- [options]
 *   ts-node --transpile-only --project bench/tsconfig.json bench/run.ts [options]
 *
 * Options:
 *   --runs N              runs per variant and size (default 5; fewer for the largest
 *                         sizes when the time budget would be exceeded, never fewer than 3)
 *   --budget SECONDS      time budget of the whole default bench (default 540)
 *   --sizes LIST          comma-separated sizes (default all: 10x10,50x20,100x50,200x50,dense)
 *   --variants LIST       comma-separated variants of a,b1,b2,c,d (default a,b1,b2); runs of the
 *                         variants alternate within each round, in an order rotated every round
 *   --layout L            per-namespace (default: one chart per namespace), single (one chart for
 *                         all namespaces), or both
 *   --retry-busy          before each run, wait (up to --quiet-timeout) until the rest of the machine has used
 *                         under a quarter of a core for 3 s; measure a run again (--busy-retries) when it used
 *                         more than that during the run (/proc/stat; see the "others" column)
 *   --quiet-timeout S     with --retry-busy, the longest wait for a quiet machine before a run (default 300)
 *   --busy-retries N      with --retry-busy, how often one run is measured again at most (default 3; then the
 *                         last attempt is kept, and the "clean" column counts it out)
 *   --patch-validate-once also run every variant with cdk8s patched to validate once per synth
 *                         instead of once per chart (rows "<variant>+once"; bench/validate-once.ts)
 *   --baseline DIR        also run every variant from another checkout's bench/ (DIR/bench/child.ts, which
 *                         imports DIR/src: e.g. a git worktree of an older commit with this bench/ copied in),
 *                         interleaved, as rows "<variant>@base", with the ratios <variant>/<variant>@base
 *   --json PATH           also write the results as JSON
 *   --verify-all          verify the output of every run, not only the first of each variant and size
 *   --warmup              build and synth a 10x10 app in each child before measuring (JIT warm;
 *                         default: cold, like a real `cdk8s synth`)
 *   --profile SIZE VARIANT  one run under `node --cpu-prof`; prints where the time goes (self time by origin,
 *                         top functions, cdk8s synth phases, this library's functions)
 *   --top N               functions to list with --profile (default 25)
 *   --interval US         --cpu-prof-interval in µs with --profile (default 250)
 *   --save-profile PATH   with --profile, keep a copy of the .cpuprofile (opens in Chrome DevTools)
 */
import { execFileSync, fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ChildResult, Verification } from './child';
import { CpuProfile, FunctionTime, sourceMapLineMapper, summarizeProfile } from './profile';
import { BenchSize, DEFAULT_VARIANTS, expectedObjects, findSize, isVariant, Layout, LAYOUTS, SIZES, VariantName, VARIANTS } from './scenarios';

const PROJECT_ROOT = path.resolve(__dirname, '..');
const CHILD_TIMEOUT_MS = 15 * 60 * 1000;
/** Flatness: (b)'s time per object may vary by at most this factor across sizes. */
const FLATNESS_LIMIT = 1.25;
/** Target: (b)'s median total over (a)'s, at every size. */
const RATIO_LIMIT = 1.10;
/** With --retry-busy, a run during which the rest of the machine used more than this many cores is redone. */
const BUSY_LIMIT_CORES = 0.25;

interface Options {
  readonly runs: number;
  readonly budgetSeconds: number;
  readonly sizes: BenchSize[];
  readonly variants: VariantName[];
  /** What is measured: every variant, and with --patch-validate-once every variant again with the patch. */
  readonly arms: Arm[];
  readonly patchValidateOnce: boolean;
  readonly retryBusy: boolean;
  /** --baseline: the other checkout's root. */
  readonly baseline?: string;
  readonly quietTimeoutSeconds: number;
  readonly busyRetries: number;
  readonly layouts: Layout[];
  readonly json?: string;
  readonly verifyAll: boolean;
  readonly warmup: boolean;
  readonly profile?: { size: BenchSize; variant: VariantName };
  readonly top: number;
  readonly intervalUs: number;
  readonly saveProfile?: string;
}

/** One measured configuration: a variant, with or without cdk8s patched to validate once per synth, from this checkout or the baseline. */
interface Arm {
  /** `a`, `b1`…, `a+once`… with the patch, `a@base`… from the --baseline checkout. */
  readonly name: string;
  readonly variant: VariantName;
  readonly validateOnce: boolean;
  /** The checkout whose bench/child.ts (and so src/) runs; undefined for this one. */
  readonly root?: string;
}

const armOf = (variant: VariantName, validateOnce = false): Arm => ({ name: validateOnce ? `${variant}+once` : variant, variant, validateOnce });

interface CellResult {
  readonly layout: Layout;
  readonly size: string;
  readonly arm: string;
  readonly variant: VariantName;
  readonly validateOnce: boolean;
  readonly objects: number;
  readonly runs: ChildResult[];
  readonly medianConstructMs: number;
  readonly medianSynthMs: number;
  readonly medianTotalMs: number;
  /** Median CPU time (user + system, all threads) in the measured window. */
  readonly medianCpuMs: number;
  readonly medianMaxRssMiB: number;
  /** Median of each run's CPU time over its wall time: near or above 1 when the run had a core to itself. */
  readonly medianCpuPerWall: number;
  /** Highest 1-minute load average seen right after a run. */
  readonly maxLoadAverage: number;
  /** Median over runs of the CPU the rest of the machine used during the run, in cores (othersCpuMs / totalMs). */
  readonly medianOthersCores?: number;
  /** Runs measured again because the rest of the machine was busy (--retry-busy). */
  readonly retriedRuns: number;
  /** Kept runs during which the rest of the machine used at most BUSY_LIMIT_CORES (all, without /proc/stat). */
  readonly cleanRuns: number;
  readonly msPerObject: number;
  /** This arm's median total over variant a's (unpatched), at the same size. */
  readonly ratioToA?: number;
}

/** A ratio of two arms' median totals in one layout and size, with the spread of the per-round (paired) ratios. */
interface RatioResult {
  readonly layout: Layout;
  readonly size: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly label: string;
  /** median total of numerator / median total of denominator */
  readonly ratio: number;
  /** Ratios of the runs of the same round (run next to each other): median, min, max. */
  readonly pairedMedian: number;
  readonly pairedMin: number;
  readonly pairedMax: number;
  /**
   * The same ratio of median CPU times (user + system, all threads, in the measured window): less
   * sensitive than wall time to other processes taking a core, on a shared machine.
   */
  readonly cpuRatio: number;
  readonly cpuPairedMin: number;
  readonly cpuPairedMax: number;
  /** Asked for in the issue for this layout. */
  readonly headline: boolean;
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
  let variants = [...DEFAULT_VARIANTS];
  let patchValidateOnce = false;
  let retryBusy = false;
  let baseline: string | undefined;
  let quietTimeoutSeconds = 300;
  let busyRetries = 3;
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
      case '--patch-validate-once': patchValidateOnce = true; break;
      case '--retry-busy': retryBusy = true; break;
      case '--baseline': {
        baseline = path.resolve(argv[++i] ?? '');
        if (!fs.existsSync(path.join(baseline, 'bench', 'child.ts'))) throw new BenchFailure(`--baseline: no bench/child.ts under ${baseline}`);
        break;
      }
      case '--quiet-timeout': quietTimeoutSeconds = positive(flag, argv[++i]); break;
      case '--busy-retries': busyRetries = positive(flag, argv[++i]); break;
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
  if (new Set(variants).size !== variants.length) throw new BenchFailure('--variants lists a variant twice');
  const ownArms = [...variants.map((v) => armOf(v)), ...(patchValidateOnce ? variants.map((v) => armOf(v, true)) : [])];
  const arms = [...ownArms, ...(baseline ? ownArms.map((arm) => ({ ...arm, name: `${arm.name}@base`, root: baseline })) : [])];
  return {
    runs,
    budgetSeconds,
    sizes,
    variants,
    arms,
    patchValidateOnce,
    retryBusy,
    baseline,
    quietTimeoutSeconds,
    busyRetries,
    layouts,
    json,
    verifyAll,
    warmup,
    profile,
    top,
    intervalUs,
    saveProfile,
  };
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
  /** The checkout to run bench/child.ts of (default this one). */
  readonly root?: string;
  readonly validateOnce?: boolean;
  readonly warmup?: boolean;
  readonly nodeArgs?: string[];
  readonly sourceMaps?: boolean;
}

function runChild(variant: VariantName, benchCase: BenchCase, options: ChildOptions): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const args = ['--variant', variant, '--size', benchCase.size.name, '--layout', benchCase.layout,
      ...(options.verify ? ['--verify'] : []), ...(options.sourceMaps ? ['--source-maps'] : []), ...(options.warmup ? ['--warmup'] : []),
      ...(options.validateOnce ? ['--patch-validate-once'] : [])];
    const root = options.root ?? PROJECT_ROOT;
    const child = fork(path.join(root, 'bench', 'child.ts'), args, {
      cwd: root,
      execArgv: ['--expose-gc', ...(options.nodeArgs ?? []), '-r', require.resolve('ts-node/register/transpile-only')],
      env: { ...process.env, TS_NODE_PROJECT: path.join(root, 'bench', 'tsconfig.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ChildResult | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('message', (message) => { result = message as ChildResult; });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && result) resolve(result);
      else reject(new BenchFailure(`child ${variant}${options.validateOnce ? '+once' : ''} ${caseName(benchCase)} failed (exit ${code ?? signal}${result ? '' : ', no result'})`));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The commit measured (and whether src/ had uncommitted changes), for the record. */
function gitDescription(root = PROJECT_ROOT): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'src') !== '';
    return `${git('rev-parse', '--short', 'HEAD')} (${git('log', '-1', '--format=%cs %s').slice(0, 80)})${dirty ? ', src/ has uncommitted changes' : ''}`;
  } catch {
    return 'unknown';
  }
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

/**
 * Byte-for-byte promises, checked whenever both sides were verified:
 * (c) emits exactly (a)'s YAML; (d) exactly (a)'s workload documents (its
 * Secrets are RegistrySecrets, base64 `data` where (a) has `stringData`);
 * every `+once` arm exactly its unpatched variant's YAML.
 */
const BYTE_IDENTICAL: ReadonlyArray<{ arm: string; reference: string; what: 'yamlSha256' | 'workloadsSha256'; words: string }> = [
  { arm: 'c', reference: 'a', what: 'yamlSha256', words: 'YAML' },
  { arm: 'd', reference: 'a', what: 'workloadsSha256', words: 'workload documents' },
  ...(Object.keys(VARIANTS) as VariantName[]).map((v) => ({ arm: `${v}+once`, reference: v, what: 'yamlSha256' as const, words: 'YAML' })),
];

/**
 * Fails loudly unless every arm emitted the same objects, the same pull
 * secrets per workload and the same decoded Secret contents, and the
 * byte-identical pairs ({@link BYTE_IDENTICAL}) are.
 */
function checkOutputs(benchCase: BenchCase, first: Map<string, ChildResult>): void {
  const problems: string[] = [];
  const expected = expectedObjects(benchCase.size);
  const reference = first.get('a') ?? [...first.values()][0];
  const referenceName = [...first].find(([, result]) => result === reference)![0];
  const r = reference.verification as Verification;
  for (const { arm, reference: other, what, words } of BYTE_IDENTICAL) {
    const mine = first.get(arm)?.verification;
    const theirs = first.get(other)?.verification;
    if (mine && theirs && mine[what] !== theirs[what]) {
      problems.push(`${arm}'s ${words} differ from ${other}'s byte for byte (sha256 ${mine[what].slice(0, 12)} vs ${theirs[what].slice(0, 12)})`);
    }
  }
  for (const [variant, result] of first) {
    const v = result.verification as Verification;
    if (result.objects !== expected) problems.push(`${variant} emitted ${result.objects} objects, expected ${expected}`);
    if (v.unwired > 0) problems.push(`${variant}: ${v.unwired} workloads have no imagePullSecrets`);
    if (result === reference) continue;
    if (result.objects !== reference.objects) {
      problems.push(`${variant} emitted ${result.objects} objects but ${referenceName} emitted ${reference.objects}`);
    }
    if (JSON.stringify(sortedKinds(v.kinds)) !== JSON.stringify(sortedKinds(r.kinds))) {
      problems.push(`${variant} emitted kinds ${JSON.stringify(v.kinds)} but ${referenceName} emitted ${JSON.stringify(r.kinds)}`);
    }
    if (v.digest !== r.digest) {
      problems.push(`${variant}'s secrets / workload pull secrets differ from ${referenceName}'s ` +
        `(digest ${v.digest.slice(0, 12)} vs ${r.digest.slice(0, 12)}):\n${lineDifferences(v.lines, variant, r.lines, referenceName)}`);
    }
    if (v.secretContentsSha256 !== r.secretContentsSha256) {
      problems.push(`${variant}'s decoded Secret contents differ from ${referenceName}'s`);
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

async function benchmark(options: Options): Promise<{ cells: CellResult[]; ratios: RatioResult[]; identical: string[] }> {
  const started = Date.now();
  const budgetMs = options.budgetSeconds * 1000;
  const cases = options.layouts.flatMap((layout) => options.sizes.map((size) => ({ layout, size })));
  // Cheapest first, so the budget trims the most expensive cases.
  const order = [...cases].sort((x, y) => expectedObjects(x.size) - expectedObjects(y.size));
  const runsByCase = new Map<BenchCase, Map<string, ChildResult[]>>();
  const identical: string[] = [];
  /** Runs redone, by `case arm`. */
  const retried = new Map<string, number>();
  for (const [position, benchCase] of order.entries()) {
    const perArm = new Map<string, ChildResult[]>(options.arms.map((arm) => [arm.name, []]));
    runsByCase.set(benchCase, perArm);
    let rounds = options.runs;
    for (let round = 0; round < rounds; round++) {
      const roundStarted = Date.now();
      let measuredMs = 0;
      // Every round runs each arm once, interleaved (a, b1, c, d, then b1, c, d, a, …): the order is
      // rotated each round so drift on a noisy machine and position effects hit every arm alike.
      const rotated = options.arms.map((_, i) => options.arms[(i + round) % options.arms.length]);
      for (const arm of rotated) {
        const childOptions = { verify: round === 0 || options.verifyAll, warmup: options.warmup, validateOnce: arm.validateOnce, root: arm.root };
        if (options.retryBusy) await waitForQuietMachine(options.quietTimeoutSeconds);
        let result = await runChild(arm.variant, benchCase, childOptions);
        for (let attempt = 1; options.retryBusy && attempt <= options.busyRetries && othersCores(result) > BUSY_LIMIT_CORES; attempt++) {
          process.stderr.write(`  ${caseName(benchCase).padEnd(22)} ${arm.name.padEnd(7)} run ${round + 1}: the rest of the machine used ` +
            `${othersCores(result).toFixed(2)} cores (total ${result.totalMs.toFixed(0)} ms); measuring again\n`);
          const key = `${caseName(benchCase)} ${arm.name}`;
          retried.set(key, (retried.get(key) ?? 0) + 1);
          await waitForQuietMachine(options.quietTimeoutSeconds);
          result = await runChild(arm.variant, benchCase, childOptions);
        }
        if (result.objects !== expectedObjects(benchCase.size)) {
          throw new BenchFailure(`${arm.name} at ${caseName(benchCase)} emitted ${result.objects} objects, expected ${expectedObjects(benchCase.size)}`);
        }
        if (result.verification) checkOutputs(benchCase, new Map([[arm.name, result], ...firstRuns(perArm, arm.name)]));
        perArm.get(arm.name)!.push(result);
        measuredMs += result.totalMs;
        process.stderr.write(`  ${caseName(benchCase).padEnd(22)} ${arm.name.padEnd(12)} run ${round + 1}: ` +
          `construct ${result.constructMs.toFixed(0)} ms, synth ${result.synthMs.toFixed(0)} ms, ` +
          `cpu/wall ${(result.cpuMs / result.totalMs).toFixed(2)}, others ${othersCores(result).toFixed(2)} cores, ` +
          `load ${result.loadAverage.toFixed(1)}\n`);
      }
      if (round === 0) {
        identical.push(`${caseName(benchCase)}: ${identicalGroups(perArm)}`);
        const first = { roundMs: Date.now() - roundStarted, measuredMs };
        rounds = plannedRounds(options.runs, order, position, first, budgetMs - (Date.now() - started), budgetMs);
        if (rounds < options.runs) {
          process.stderr.write(`  ${caseName(benchCase)}: ${rounds} runs instead of ${options.runs} to stay within the ${options.budgetSeconds} s budget ` +
            '(raise --budget to keep them)\n');
        }
      }
    }
  }

  const cells: CellResult[] = [];
  const ratios: RatioResult[] = [];
  for (const benchCase of cases) {
    const perArm = runsByCase.get(benchCase)!;
    const aTotal = perArm.has('a') ? median(perArm.get('a')!.map((r) => r.totalMs)) : undefined;
    for (const arm of options.arms) {
      const runs = perArm.get(arm.name)!;
      const medianTotalMs = median(runs.map((r) => r.totalMs));
      cells.push({
        layout: benchCase.layout,
        size: benchCase.size.name,
        arm: arm.name,
        variant: arm.variant,
        validateOnce: arm.validateOnce,
        objects: runs[0].objects,
        // Keep the JSON small: no source maps, no digested lines.
        runs: runs.map(({ sourceMaps, verification, ...rest }) =>
          (verification ? { ...rest, verification: { ...verification, lines: [] } } : rest)),
        medianConstructMs: median(runs.map((r) => r.constructMs)),
        medianSynthMs: median(runs.map((r) => r.synthMs)),
        medianTotalMs,
        medianMaxRssMiB: median(runs.map((r) => r.maxRssKiB)) / 1024,
        medianCpuMs: median(runs.map((r) => r.cpuMs)),
        medianCpuPerWall: median(runs.map((r) => r.cpuMs / r.totalMs)),
        maxLoadAverage: Math.max(...runs.map((r) => r.loadAverage)),
        medianOthersCores: runs.every((r) => r.othersCpuMs !== undefined) ? median(runs.map((r) => r.othersCpuMs! / r.totalMs)) : undefined,
        retriedRuns: retried.get(`${caseName(benchCase)} ${arm.name}`) ?? 0,
        cleanRuns: runs.filter((r) => othersCores(r) <= BUSY_LIMIT_CORES).length,
        msPerObject: medianTotalMs / runs[0].objects,
        ratioToA: aTotal === undefined || arm.name === 'a' ? undefined : medianTotalMs / aTotal,
      });
    }
    ratios.push(...caseRatios(benchCase, perArm));
  }
  return { cells, ratios, identical };
}

/** CPU time every process of the machine has used since boot (ms), from /proc/stat (10 ms ticks); undefined without it. */
function machineBusyMs(): number | undefined {
  try {
    const [label, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    if (label !== 'cpu') return undefined;
    const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
    return (user + nice + system + irq + softirq + (steal || 0)) * 10;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the machine (this idle parent included) has used under BUSY_LIMIT_CORES for 3
 * consecutive seconds, or `timeoutSeconds` passed. Without /proc/stat, returns at once.
 */
async function waitForQuietMachine(timeoutSeconds: number): Promise<void> {
  const started = Date.now();
  let quietSeconds = 0;
  let previous = machineBusyMs();
  if (previous === undefined) return;
  let reported = false;
  while (quietSeconds < 3 && Date.now() - started < timeoutSeconds * 1000) {
    await sleep(1000);
    const now = machineBusyMs()!;
    const cores = (now - previous) / 1000;
    previous = now;
    quietSeconds = cores < BUSY_LIMIT_CORES ? quietSeconds + 1 : 0;
    if (quietSeconds === 0 && !reported && Date.now() - started > 5000) {
      process.stderr.write(`  waiting for a quiet machine (others use ${cores.toFixed(2)} cores)…\n`);
      reported = true;
    }
  }
  if (quietSeconds < 3) process.stderr.write(`  the machine stayed busy for ${timeoutSeconds} s; measuring anyway\n`);
}

/** CPU the rest of the machine used during the run's measured window, in cores (0 when unknown). */
function othersCores(result: ChildResult): number {
  return result.othersCpuMs === undefined ? 0 : result.othersCpuMs / result.totalMs;
}

/**
 * The ratios worth reading, where both arms ran. Headlines (what the issue asks):
 * one chart per namespace, d/a and b1/c; one chart, b1/a and d/a.
 */
const RATIO_PAIRS: ReadonlyArray<{ numerator: string; denominator: string; label: string; headlineIn?: Layout[] }> = [
  { numerator: 'b1', denominator: 'a', label: 'PrivateImageWorkload (RegistrySecret) vs hand-wired', headlineIn: ['single'] },
  { numerator: 'b2', denominator: 'a', label: 'PrivateImageWorkload (Project) vs hand-wired' },
  { numerator: 'c', denominator: 'a', label: 'an empty wrapper construct per workload vs hand-wired' },
  { numerator: 'd', denominator: 'a', label: 'PullSecretWiring on plain cdk8s-plus vs hand-wired', headlineIn: ['per-namespace', 'single'] },
  { numerator: 'b1', denominator: 'c', label: 'PrivateImageWorkload vs the floor', headlineIn: ['per-namespace'] },
  { numerator: 'b2', denominator: 'c', label: 'PrivateImageWorkload (Project) vs the floor' },
  { numerator: 'b1', denominator: 'd', label: 'PrivateImageWorkload vs PullSecretWiring' },
  ...(Object.keys(VARIANTS) as VariantName[]).map((v) => ({
    numerator: `${v}+once`, denominator: v, label: `${v} with cdk8s validating once per synth vs as is`,
  })),
  { numerator: 'b1+once', denominator: 'a+once', label: 'PrivateImageWorkload vs hand-wired, both validating once per synth' },
  { numerator: 'b1+once', denominator: 'c+once', label: 'PrivateImageWorkload vs the floor, both validating once per synth' },
  { numerator: 'd+once', denominator: 'a+once', label: 'PullSecretWiring vs hand-wired, both validating once per synth' },
  ...(Object.keys(VARIANTS) as VariantName[]).map((v) => ({
    numerator: v, denominator: `${v}@base`, label: `${v}: this checkout vs the --baseline checkout${v === 'a' || v === 'c' ? ' (no src/ code: a control, expect 1.00)' : ''}`,
  })),
  { numerator: 'b1@base', denominator: 'c@base', label: 'PrivateImageWorkload vs the floor, in the --baseline checkout' },
  { numerator: 'd@base', denominator: 'a@base', label: 'PullSecretWiring vs hand-wired, in the --baseline checkout' },
];

function caseRatios(benchCase: BenchCase, perArm: Map<string, ChildResult[]>): RatioResult[] {
  const ratios: RatioResult[] = [];
  for (const pair of RATIO_PAIRS) {
    const top = perArm.get(pair.numerator);
    const bottom = perArm.get(pair.denominator);
    if (!top?.length || !bottom?.length) continue;
    const pairs = top.slice(0, Math.min(top.length, bottom.length)).map((run, i) => [run, bottom[i]] as const);
    const paired = pairs.map(([x, y]) => x.totalMs / y.totalMs);
    const cpuPaired = pairs.map(([x, y]) => x.cpuMs / y.cpuMs);
    ratios.push({
      layout: benchCase.layout,
      size: benchCase.size.name,
      numerator: pair.numerator,
      denominator: pair.denominator,
      label: pair.label,
      ratio: median(top.map((r) => r.totalMs)) / median(bottom.map((r) => r.totalMs)),
      pairedMedian: median(paired),
      pairedMin: Math.min(...paired),
      pairedMax: Math.max(...paired),
      cpuRatio: median(top.map((r) => r.cpuMs)) / median(bottom.map((r) => r.cpuMs)),
      cpuPairedMin: Math.min(...cpuPaired),
      cpuPairedMax: Math.max(...cpuPaired),
      headline: pair.headlineIn?.includes(benchCase.layout) ?? false,
    });
  }
  return ratios;
}

/** Which arms emitted byte-identical YAML, from their verified first runs: `{a, c} {b1} …`. */
function identicalGroups(perArm: Map<string, ChildResult[]>): string {
  const groups = new Map<string, string[]>();
  for (const [arm, runs] of perArm) {
    const sha = runs[0]?.verification?.yamlSha256;
    if (sha) groups.set(sha, [...(groups.get(sha) ?? []), arm]);
  }
  return [...groups].map(([sha, arms]) => `{${arms.join(', ')}} ${sha.slice(0, 12)}`).join('; ');
}

/** The verified first runs of the other arms, to compare a new verified run with. */
function firstRuns(perArm: Map<string, ChildResult[]>, except: string): Array<[string, ChildResult]> {
  return [...perArm].filter(([arm, runs]) => arm !== except && runs.length > 0).map(([arm, runs]) => [arm, runs[0]]);
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
  const head = ['size', 'variant', 'objects', 'runs', 'construct ms', 'synth ms', 'total ms', 'peak RSS MiB', 'total ms/obj', 'x/a',
    'cpu ms', 'cpu/wall', 'others', 'clean', 'max load'];
  const widths = [7, Math.max(7, ...cells.map((c) => c.arm.length)), 8, 5, 13, 10, 10, 13, 13, 8, 8, 9, 7, 6, 9];
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
      pad(c.arm, widths[1], false),
      pad(String(c.objects), widths[2]),
      pad(`${c.runs.length}${c.retriedRuns ? `+${c.retriedRuns}` : ''}`, widths[3]),
      pad(c.medianConstructMs.toFixed(1), widths[4]),
      pad(c.medianSynthMs.toFixed(1), widths[5]),
      pad(c.medianTotalMs.toFixed(1), widths[6]),
      pad(c.medianMaxRssMiB.toFixed(0), widths[7]),
      pad(c.msPerObject.toFixed(4), widths[8]),
      pad(c.ratioToA === undefined ? '' : c.ratioToA.toFixed(2), widths[9]),
      pad(c.medianCpuMs.toFixed(0), widths[10]),
      pad(c.medianCpuPerWall.toFixed(2), widths[11]),
      pad(c.medianOthersCores === undefined ? '?' : c.medianOthersCores.toFixed(2), widths[12]),
      pad(`${c.cleanRuns}/${c.runs.length}`, widths[13]),
      pad(c.maxLoadAverage.toFixed(1), widths[14]),
    ].join(' '));
  }
  lines.push('');
  lines.push('medians over runs; each run a fresh node process; times exclude module load/compile;');
  lines.push('peak RSS = process.resourceUsage().maxRSS right after synth (median over runs); x/a = median total over a\'s;');
  lines.push('cpu ms = the run\'s CPU time (user + system, all threads: GC and JIT helpers too) in the measured window, median;');
  lines.push('cpu/wall = that over the run\'s wall time, median (well below 1: it waited for a core);');
  lines.push('others = CPU the rest of the machine used during a run, in cores, median (/proc/stat); clean = runs kept with');
  lines.push(`others ≤ ${BUSY_LIMIT_CORES}; max load = highest 1-minute load average right after a run; runs "5+2": 2 runs redone`);
  lines.push(`because others exceeded ${BUSY_LIMIT_CORES} core (--retry-busy)`);
  const busy = cells.filter((c) => c.cleanRuns < c.runs.length);
  if (busy.length > 0) {
    lines.push(`WARNING: other processes used more than ${BUSY_LIMIT_CORES} core during some runs of ` +
      `${busy.map((c) => `${c.arm} at ${c.size} (${c.layout}) ${c.runs.length - c.cleanRuns}×`).join(', ')}: their wall times are suspect`);
  }
  const shown = new Set(cells.map((c) => c.variant));
  for (const [variant, description] of Object.entries(VARIANTS)) if (shown.has(variant as VariantName)) lines.push(`  ${variant}: ${description}`);
  if (cells.some((c) => c.validateOnce)) lines.push('  <variant>+once: that variant with cdk8s patched to validate once per synth (bench/validate-once.ts)');
  return lines;
}

function printRatios(ratios: RatioResult[]): string[] {
  if (ratios.length === 0) return [];
  const lines: string[] = ['ratios of median wall totals (paired: the ratios of runs in the same round, median [min–max]),',
    'and of median CPU times (cpu [min–max of the paired ratios]):'];
  let previous: RatioResult | undefined;
  for (const r of ratios) {
    if (previous?.layout !== r.layout || previous.size !== r.size) lines.push(`  ${r.size} (${r.layout}):`);
    previous = r;
    const name = `${r.numerator}/${r.denominator}`;
    lines.push(`    ${r.headline ? '*' : ' '} ${name.padEnd(16)} ${r.ratio.toFixed(2)}   paired ${r.pairedMedian.toFixed(2)} ` +
      `[${r.pairedMin.toFixed(2)}–${r.pairedMax.toFixed(2)}]   cpu ${r.cpuRatio.toFixed(2)} [${r.cpuPairedMin.toFixed(2)}–${r.cpuPairedMax.toFixed(2)}]  ` +
      r.label);
  }
  if (ratios.some((r) => r.headline)) {
    lines.push('  * asked for: one chart per namespace, d/a and b1/c; one chart, b1/a and d/a');
  }
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
      const mine = cells.filter((c) => c.layout === layout && c.arm === variant);
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
    write(`profiling ${variant}${options.patchValidateOnce ? '+once' : ''} (${VARIANTS[variant]}) at ${caseName(benchCase)}: ` +
      `${benchCase.size.description}; ` +
      `--cpu-prof-interval ${options.intervalUs} µs\n`);
    const result = await runChild(variant, benchCase, {
      verify: false,
      warmup: options.warmup,
      validateOnce: options.patchValidateOnce,
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

    const phases = summary.functions
      .filter((f) => SYNTH_PHASES.some(([file, name]) => f.location.includes(`node_modules/${file}:`) && f.functionName === name))
      .sort((x, y) => y.inclusiveMs - x.inclusiveMs);
    write('\nsynth phases (cdk8s and constructs functions, inclusive time; nested: _synthChart includes the per-chart\n' +
      'resolveDependencies and validate, validate includes the library\'s validations):\n');
    write(phases.length ? functionTable(phases, summary.totalMs) : '  (none sampled)\n');

    const ours = summary.functions.filter((f) => f.origin === 'OURS (src/)').sort((x, y) => y.inclusiveMs - x.inclusiveMs).slice(0, 15);
    write('\nour functions (src/) by inclusive time (callees included, e.g. the cdk8s calls they make):\n');
    write(ours.length ? functionTable(ours, summary.totalMs) : '  (none sampled)\n');
    if (options.saveProfile) write(`\nprofile saved to ${options.saveProfile}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The functions whose inclusive time says where a synth goes: [file under node_modules, function name]. */
const SYNTH_PHASES: ReadonlyArray<readonly [string, string]> = [
  ['cdk8s/lib/app.js', 'synthYaml'],
  ['cdk8s/lib/app.js', '_synthChart'],
  ['cdk8s/lib/app.js', 'resolveDependencies'],
  ['cdk8s/lib/app.js', 'validate'],
  ['cdk8s/lib/app.js', 'chartToKube'],
  ['cdk8s/lib/app.js', 'get charts'],
  ['cdk8s/lib/api-object.js', 'toJson'],
  ['cdk8s/lib/yaml.js', 'stringify'],
  ['constructs/lib/construct.js', 'findAll'],
  ['constructs/lib/construct.js', 'validate'],
];

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
    `git: ${gitDescription()}`,
    ...(options.baseline ? [`baseline (@base): ${options.baseline}, git ${gitDescription(options.baseline)}`] : []),
    `variants: ${options.arms.map((a) => a.name).join(', ')}; sizes: ${options.sizes.map((s) => s.name).join(', ')}; ` +
      `layouts: ${options.layouts.join(', ')}`,
    `runs: ${options.runs} per variant and size (budget ${options.budgetSeconds} s); ${options.warmup ? 'warmed-up' : 'cold'} processes`, ''];
  process.stdout.write(header.join('\n') + '\n');
  const started = Date.now();
  const { cells, ratios, identical } = await benchmark(options);
  const v = verdicts(cells, options);
  const report = [...printTable(cells), '', ...printRatios(ratios), '', ...printVerdicts(v), '',
    'outputs verified identical across variants (objects, kinds, secret names, pull secrets per workload, decoded secret data); ' +
    'byte-identical YAML (first run of each):', ...identical.map((line) => `  ${line}`),
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
      git: gitDescription(),
      baseline: options.baseline ? { root: options.baseline, git: gitDescription(options.baseline) } : undefined,
      options: {
        runs: options.runs,
        budgetSeconds: options.budgetSeconds,
        sizes: options.sizes.map((s) => s.name),
        variants: options.variants,
        arms: options.arms.map((a) => a.name),
        layouts: options.layouts,
      },
      sizes: options.sizes,
      results: cells,
      ratios,
      byteIdentical: identical,
      verdicts: { ratioLimit: RATIO_LIMIT, flatnessLimit: FLATNESS_LIMIT, ...v },
    }, null, 2) + '\n');
    process.stdout.write(`results written to ${options.json}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`\n${e instanceof BenchFailure ? e.message : (e as Error).stack}\n`);
  process.exit(1);
});
