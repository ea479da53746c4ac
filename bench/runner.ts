/** Running bench/child.ts in a fresh node process, and describing the machine and commit it ran on. */
import { execFileSync, fork } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { ChildResult } from './child';
import { BenchCase, BenchFailure, caseName } from './options';
import { VariantName } from './scenarios';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
const CHILD_TIMEOUT_MS = 15 * 60 * 1000;

/** One run of bench/child.ts in a fresh node process. */
export interface ChildOptions {
  readonly verify: boolean;
  /** The checkout to run bench/child.ts of (default this one). */
  readonly root?: string;
  readonly validateOnce?: boolean;
  readonly warmup?: boolean;
  readonly nodeArgs?: string[];
  readonly sourceMaps?: boolean;
}

export function runChild(variant: VariantName, benchCase: BenchCase, options: ChildOptions): Promise<ChildResult> {
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

/** The commit measured (and whether src/ had uncommitted changes), for the record. */
export function gitDescription(root = PROJECT_ROOT): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'src') !== '';
    return `${git('rev-parse', '--short', 'HEAD')} (${git('log', '-1', '--format=%cs %s').slice(0, 80)})${dirty ? ', src/ has uncommitted changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

export function machineLines(): string[] {
  const cpus = os.cpus();
  return [
    `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
      `${os.platform()} ${os.release()}, node ${process.version}`,
    `load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} — a shared, noisy machine: ` +
      'read the ratios (measured interleaved, same conditions), not the absolute times',
  ];
}
