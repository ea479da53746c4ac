import { runCli } from '../../src/cli/main';

/** What one in-process run of the verify CLI gave. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the verify CLI in-process with `args`, capturing what it writes to stdout and stderr. */
export async function runCliCaptured(args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

/**
 * A `cli(...args)` for a suite: runs the CLI in-process and keeps every
 * stdout and stderr in `outputs`, so the suite can check at the end that no
 * secret appeared in any of them.
 */
export function recordingCli(): { readonly cli: (...args: string[]) => Promise<CliRun>; readonly outputs: string[] } {
  const outputs: string[] = [];
  const cli = async (...args: string[]): Promise<CliRun> => {
    const run = await runCliCaptured(args);
    outputs.push(run.stdout, run.stderr);
    return run;
  };
  return { cli, outputs };
}
