/** Medians, per-cell results, the ratios between arms and the verdicts on them. */
import { ChildResult } from './child';
import { BenchCase, Options } from './options';
import { Layout, VariantName, VARIANTS } from './scenarios';

/** Flatness: (b)'s time per object may vary by at most this factor across sizes. */
export const FLATNESS_LIMIT = 1.25;
/** Target: (b)'s median total over (a)'s, at every size. */
export const RATIO_LIMIT = 1.10;

export interface CellResult {
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
export interface RatioResult {
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

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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

export function caseRatios(benchCase: BenchCase, perArm: Map<string, ChildResult[]>): RatioResult[] {
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

export interface Verdicts {
  readonly ratio: Array<{ layout: Layout; variant: VariantName; worst: number; worstSize: string; ok: boolean }>;
  readonly flatness: Array<{ layout: Layout; variant: VariantName; perObject: Record<string, number>; maxOverMin: number; ok: boolean }>;
  /** (b's median total − a's) / objects, per size: the library's own cost per object. */
  readonly overhead: Array<{ layout: Layout; variant: VariantName; perObject: Record<string, number> }>;
}

export function verdicts(cells: CellResult[], options: Options): Verdicts {
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
