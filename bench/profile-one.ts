/** --profile: one run under `node --cpu-prof`, and where its time went. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BenchCase, BenchFailure, caseName, Options } from './options';
import { CpuProfile, FunctionTime, sourceMapLineMapper, summarizeProfile } from './profile';
import { pad } from './report';
import { machineLines, PROJECT_ROOT, runChild } from './runner';
import { VariantName, VARIANTS } from './scenarios';

export async function profileOne(options: Options, benchCase: BenchCase, variant: VariantName): Promise<void> {
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
