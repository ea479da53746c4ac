/** The printed report: the results table, the ratios and the verdicts. */
import { BUSY_LIMIT_CORES } from './quiet';
import { CellResult, FLATNESS_LIMIT, RATIO_LIMIT, RatioResult, Verdicts } from './ratios';
import { VariantName, VARIANTS } from './scenarios';

export function pad(text: string, width: number, right = true): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

export function printTable(cells: CellResult[]): string[] {
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

export function printRatios(ratios: RatioResult[]): string[] {
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

export function printVerdicts(v: Verdicts): string[] {
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
