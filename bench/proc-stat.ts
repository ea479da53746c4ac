/** The machine's CPU use, as the busy-machine guard and the child runs read it. */
import * as fs from 'fs';

/** CPU time every process of the machine has used since boot (ms), from /proc/stat (10 ms ticks); undefined without it. */
export function machineBusyMs(): number | undefined {
  try {
    const [label, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    if (label !== 'cpu') return undefined;
    // user nice system idle iowait irq softirq steal …, in USER_HZ (100 per second on Linux).
    const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
    return (user + nice + system + irq + softirq + (steal || 0)) * 10;
  } catch {
    return undefined;
  }
}
