/**
 * Small process and socket helpers shared by the registry harness. Node
 * built-ins only.
 */
import { spawn } from 'child_process';
import * as net from 'net';

/** What a finished command produced. */
export interface CommandResult {
  /** Exit code, or null when the process was killed by a signal. */
  readonly code: number | null;
  /** Signal that killed the process, if any. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the command ran past its timeout and was killed. */
  readonly timedOut: boolean;
}

/** Options for {@link runCommand}. */
export interface RunCommandOptions {
  /** Written to stdin, then stdin is closed (keeps secrets out of argv). */
  readonly input?: string;
  /** Full environment of the child; defaults to {@link childEnv}(). */
  readonly env?: NodeJS.ProcessEnv;
  /** Kill with SIGKILL after this long. @default 30000 */
  readonly timeoutMs?: number;
}

/**
 * Runs a program asynchronously and collects its output. Asynchronous on
 * purpose: the token issuer lives in this same event loop, so a client run
 * with spawnSync could never get its token answered.
 */
export function runCommand(cmd: string, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: options.env ?? childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // 'close' (not 'exit') so that all output has been read.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
      });
    });
    child.stdin.on('error', () => { /* the child may exit before reading stdin */ });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The environment for child programs: this process's, minus variables that
 * would silently change what the children do. `REGISTRY_*` overrides any
 * docker-registry config key (e.g. REGISTRY_HTTP_ADDR could move it off
 * loopback); REGISTRY_AUTH_FILE / DOCKER_CONFIG would feed skopeo
 * credentials we did not ask for; proxies must never see loopback traffic.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^REGISTRY_/.test(key) || key === 'DOCKER_CONFIG' || /^(https?|all|no)_proxy$/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * Replaces every occurrence of each secret (and of `base64(user:secret)`
 * forms the caller passes in) with `***`, so thrown errors and logs never
 * carry a password.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join('***');
  }
  return out;
}

/**
 * Asks the kernel for a free TCP port on 127.0.0.1 by binding port 0 and
 * closing again. Another process can take the port before we use it; callers
 * retry on EADDRINUSE.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read the bound port'))));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function isPortOpen(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * True when a process with this pid exists (signal 0 probes without
 * signalling). EPERM means it exists but belongs to someone else.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Keeps only the last `max` characters of a growing log, for error messages. */
export class TailBuffer {
  private text = '';

  constructor(private readonly max = 64 * 1024) {}

  /** Appends a chunk, dropping the oldest characters beyond the limit. */
  public push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.max) this.text = this.text.slice(-this.max);
  }

  /** The last `chars` characters. */
  public tail(chars = 4000): string {
    return this.text.slice(-chars);
  }
}
