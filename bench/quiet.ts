/** The busy-machine guard (--retry-busy): how much CPU the rest of the machine uses, from /proc/stat. */
import { ChildResult } from './child';
import { machineBusyMs } from './proc-stat';

/** With --retry-busy, a run during which the rest of the machine used more than this many cores is redone. */
export const BUSY_LIMIT_CORES = 0.25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the machine (this idle parent included) has used under BUSY_LIMIT_CORES for 3
 * consecutive seconds, or `timeoutSeconds` passed. Without /proc/stat, returns at once.
 */
export async function waitForQuietMachine(timeoutSeconds: number): Promise<void> {
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
export function othersCores(result: ChildResult): number {
  return result.othersCpuMs === undefined ? 0 : result.othersCpuMs / result.totalMs;
}
