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
import * as fs from 'fs';
import * as os from 'os';
import { ChildResult } from './child';
import { BenchCase, BenchFailure, caseName, Options, parseOptions } from './options';
import { profileOne } from './profile-one';
import { BUSY_LIMIT_CORES, othersCores, waitForQuietMachine } from './quiet';
import { CellResult, caseRatios, FLATNESS_LIMIT, median, RATIO_LIMIT, RatioResult, verdicts } from './ratios';
import { printRatios, printTable, printVerdicts } from './report';
import { gitDescription, machineLines, runChild } from './runner';
import { expectedObjects } from './scenarios';
import { checkOutputs, firstRuns, identicalGroups } from './verify';

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
