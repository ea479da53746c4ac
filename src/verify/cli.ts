#!/usr/bin/env node
/**
 * `cdk8s-private-registry verify`: the pull preflight on the command line.
 * Exit codes: 0 nothing to fix (warnings and info allowed), 1 problems
 * found, 2 usage, input or internal error.
 */
import { InputError } from './errors';
import { hasProblems } from './findings';
import { HttpTransport } from './http';
import { MAX_MANIFEST_BYTES } from './manifests';
import { DEFAULT_NAMESPACE } from './offline';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, IMAGE_DEADLINE_TIMEOUTS } from './online';
import { formatJson, formatTable } from './report';
import { verifyManifests } from './verify';
import { dns1123LabelProblem } from '../rules/kube-names';

/** Where the CLI writes; `process` fits. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Seams for tests. */
export interface CliDependencies {
  /** Replaces node's http/https for the online checks. */
  readonly transport?: HttpTransport;
}

/** Exit code: nothing to fix. */
export const EXIT_OK = 0;
/** Exit code: at least one finding of severity `problem`. */
export const EXIT_PROBLEMS = 1;
/** Exit code: bad arguments, unreadable or malformed input, or an internal error. */
export const EXIT_USAGE = 2;

/** The `--help` text. */
export const USAGE = `Usage: cdk8s-private-registry verify [options] PATH...

Checks that every container image in the manifests at PATH (files, or folders
searched for *.yaml, *.yml and *.json) can be pulled with the pull secrets it
references: secrets present in the pod's namespace, of type
kubernetes.io/dockerconfigjson (or legacy kubernetes.io/dockercfg), readable,
and holding a credential the kubelet applies to the image.

PATH "-" reads the manifests from standard input (named <stdin> in the report).
Only regular files are read: a device, FIFO or socket given as PATH is an
input error, and folders skip them. Each file (and standard input) may be at
most ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB; split larger manifests into several files.

Options:
  --online                   also ask each registry (v2 API) whether the manifest
                             can be pulled with the matching credentials
  --format table|json        output format (default: table)
  --namespace NS             namespace of objects that set none (default: ${DEFAULT_NAMESPACE})
  --insecure-registry HOST[:PORT]
                             for this host, exactly as in the image: TLS without
                             certificate verification, and plain HTTP only when
                             it does not speak TLS (repeatable)
  --concurrency N            registry requests in flight at once (default: ${DEFAULT_CONCURRENCY})
  --timeout-ms N             per-request timeout in milliseconds (default: ${DEFAULT_TIMEOUT_MS});
                             each image's whole check gets ${IMAGE_DEADLINE_TIMEOUTS} × N, then it
                             is "timed-out" and its remaining requests abandoned
  -h, --help                 show this help

Exit codes: 0 nothing to fix (warnings such as "expected-in-cluster" allowed),
1 problems found, 2 usage or input error.
`;

/** Bad command-line arguments. */
class UsageError extends Error {}

interface VerifyArgs {
  readonly online: boolean;
  readonly format: 'table' | 'json';
  readonly namespace: string;
  readonly insecureRegistries: string[];
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly paths: string[];
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo, dependencies: CliDependencies = {}): Promise<number> {
  let args: VerifyArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n\nRun "cdk8s-private-registry --help" for usage.\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  if (args === 'help') {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  try {
    const result = await verifyManifests(args.paths, {
      online: args.online,
      defaultNamespace: args.namespace,
      insecureRegistries: args.insecureRegistries,
      concurrency: args.concurrency,
      timeoutMs: args.timeoutMs,
      ...(dependencies.transport ? { transport: dependencies.transport } : {}),
    });
    io.stdout.write(args.format === 'json' ? formatJson(result) : formatTable(result));
    return hasProblems(result.findings) ? EXIT_PROBLEMS : EXIT_OK;
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    // Our own errors never carry secret values; a stack trace helps nobody here.
    io.stderr.write(`internal error: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
}

/** Hand-rolled: `verify`, flags (`--flag value` or `--flag=value`), `--` ends flags. */
function parseArgs(argv: readonly string[]): VerifyArgs | 'help' {
  let command: string | undefined;
  let online = false;
  let format: 'table' | 'json' = 'table';
  let namespace = DEFAULT_NAMESPACE;
  let concurrency = DEFAULT_CONCURRENCY;
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  const insecureRegistries: string[] = [];
  const paths: string[] = [];
  let flagsDone = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (flagsDone || !arg.startsWith('-') || arg === '-') {
      if (command === undefined) command = arg; else paths.push(arg);
      continue;
    }
    if (arg === '--') {
      flagsDone = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const value = (): string => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--online':
        if (inline !== undefined) throw new UsageError('--online takes no value');
        online = true;
        break;
      case '--format': {
        const f = value();
        if (f !== 'table' && f !== 'json') throw new UsageError(`--format must be "table" or "json", not ${JSON.stringify(f)}`);
        format = f;
        break;
      }
      case '--namespace': {
        namespace = value();
        const problem = dns1123LabelProblem(namespace);
        if (problem) throw new UsageError(`--namespace ${JSON.stringify(namespace)} ${problem}`);
        break;
      }
      case '--insecure-registry': {
        const host = value();
        if (!/^[A-Za-z0-9.\-[\]:]+$/.test(host)) throw new UsageError(`--insecure-registry takes HOST[:PORT], not ${JSON.stringify(host)}`);
        insecureRegistries.push(host);
        break;
      }
      case '--concurrency':
        concurrency = positiveInteger(flag, value());
        break;
      case '--timeout-ms':
        timeoutMs = positiveInteger(flag, value());
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(flag)}`);
    }
  }
  if (command === undefined) {
    throw new UsageError('missing command: use "verify"');
  }
  if (command === 'help') {
    return 'help';
  }
  if (command !== 'verify') {
    throw new UsageError(`unknown command ${JSON.stringify(command)}: use "verify"`);
  }
  if (paths.length === 0) {
    throw new UsageError('verify needs at least one PATH (a manifest file or folder)');
  }
  return { online, format, namespace, insecureRegistries, concurrency, timeoutMs, paths };
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag} must be a positive integer, not ${JSON.stringify(text)}`);
  }
  return n;
}

/* istanbul ignore next: the bin entry point */
if (require.main === module) {
  // exitCode rather than exit(): lets a piped stdout drain before the process ends.
  runCli(process.argv.slice(2), process).then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    process.stderr.write(`internal error: ${(error as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
  });
}
