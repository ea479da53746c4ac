#!/usr/bin/env node
/**
 * `cdk8s-private-registry`: the pull preflight (`verify`), the image pull
 * events explainer (`events`) and the image list (`images`) on the command line, `--version` and
 * `--help`. Exit codes of `verify`: 0 nothing to fix (warnings and info
 * allowed), 1 problems found, 2 usage, input or internal error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { runEvents } from './events-command';
import { runImages } from './images-command';
import { formatJunit } from './junit';
import { podKindOption, UsageError } from './usage';
import { formatJson, formatTable } from './verify-report';
import { InputError } from '../manifests/input-error';
import { MAX_MANIFEST_BYTES } from '../manifests/manifests';
import { dns1123LabelProblem } from '../rules/kube-names';
import { PodKind } from '../rules/pod-kinds';
import { printable } from '../rules/printable';
import { publicImagePatternProblem } from '../rules/public-images';
import { redactUserInfoIn } from '../rules/redact';
import { hasProblems } from '../verify/findings';
import { HttpTransport } from '../verify/http';
import { DEFAULT_NAMESPACE } from '../verify/offline';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, IMAGE_DEADLINE_TIMEOUTS, OnlineProgress } from '../verify/online';
import { verifyManifests, VerifyResult } from '../verify/verify';

/** Where the CLI reads and writes; `process` fits. */
export interface CliIo {
  /** Read by `events -`; `process.stdin` when absent. (`verify -` reads file descriptor 0.) */
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout: { write(text: string): unknown };
  /** `isTTY`: whether standard error is a terminal; `verify --online` shows its progress there only then. */
  readonly stderr: { readonly isTTY?: boolean; write(text: string): unknown };
}

/** Seams for tests. */
export interface CliDependencies {
  /** Replaces node's http/https for the online checks. */
  readonly transport?: HttpTransport;
  /** Milliseconds now, for spacing progress updates. @default Date.now */
  readonly now?: () => number;
}

/** Exit code: nothing to fix. */
export const EXIT_OK = 0;
/** Exit code: at least one finding of severity `problem`. */
export const EXIT_PROBLEMS = 1;
/** Exit code: bad arguments, unreadable or malformed input, or an internal error. */
export const EXIT_USAGE = 2;

/** The output formats of `verify`. */
const FORMATS = ['table', 'json', 'junit'] as const;
type Format = typeof FORMATS[number];

/** The `--help` text. */
export const USAGE = `Usage: cdk8s-private-registry verify [options] PATH...|-
       cdk8s-private-registry events [options] FILE|-
       cdk8s-private-registry images [options] PATH...|-
       cdk8s-private-registry --version | --help

verify checks that every container image in the manifests at PATH (files, or
folders searched for *.yaml, *.yml and *.json) can be pulled with the pull
secrets it references: secrets present in the pod's namespace, of type
kubernetes.io/dockerconfigjson (or legacy kubernetes.io/dockercfg), readable,
and holding a credential the kubelet applies to the image. A pull secret that
an ExternalSecret or SealedSecret of the manifests makes is "produced-in-cluster".

A folder holding a Chart.yaml is a Helm chart (cdk8s synth --format helm): its
templates/, crds/ and unpacked charts/ are read; values are not rendered, so a
template with {{ ... }} is an input error (pipe "helm template" instead).

PATH "-" reads the manifests from standard input (named <stdin> in the report).
Only regular files are read: a device, FIFO or socket given as PATH is an
input error, and folders skip them. Each file (and standard input) may be at
most ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB; split larger manifests into several files.

Options of verify:
  --online                   also ask each registry (v2 API) whether the manifest
                             can be pulled with the matching credentials (progress
                             on standard error when it is a terminal)
  -o, --format table|json|junit
                             output format (default: table); junit: one test case
                             per container image, for CI test reports
  -n, --namespace NS         namespace of objects that set none (default: ${DEFAULT_NAMESPACE})
  --public-image PATTERN     images under this normalized repository prefix are
                             public: "registry.k8s.io", "docker.io/library" (the
                             official images), "docker.io/library/nginx" (repeatable)
  --pod-kind GROUP/KIND=/json/pointer
                             objects of this API group and kind run pods, with the
                             pod spec at this JSON pointer, besides the kinds known
                             out of the box (repeatable), e.g.
                             "apps.example.com/Worker=/spec/template/spec"
  --strict                   an image with no credential that no --public-image
                             pattern allows is a problem, not info
  --ignore-manifest-declarations
                             trust only these options: ignore the public-image
                             patterns and pod kinds the manifests declare in their
                             cdk8s-private-registry/* annotations (for a CI gate)
  --insecure-registry HOST[:PORT]
                             for this host, exactly as in the image: TLS without
                             certificate verification, and plain HTTP only when
                             it does not speak TLS (repeatable)
  --concurrency N            registry requests in flight at once (default: ${DEFAULT_CONCURRENCY})
  --timeout-ms N             per-request timeout in milliseconds (default: ${DEFAULT_TIMEOUT_MS});
                             each image's whole check gets ${IMAGE_DEADLINE_TIMEOUTS} × N, then it
                             is "timed-out" and its remaining requests abandoned
  -h, --help                 show this help
  --version                  print the version

events explains \`kubectl get events -o json\` output about image pulls: run
"cdk8s-private-registry events --help" for its options.

images lists every image the manifests make a kubelet pull, as text, JSON or a
"skopeo sync" file to fill an air-gapped registry: run
"cdk8s-private-registry images --help" for its options.

Exit codes of verify: 0 nothing to fix (warnings such as "expected-in-cluster"
allowed), 1 problems found, 2 usage or input error.
`;


interface VerifyArgs {
  readonly online: boolean;
  readonly format: Format;
  readonly namespace: string;
  readonly insecureRegistries: string[];
  readonly publicImages: string[];
  readonly podKinds: PodKind[];
  readonly strict: boolean;
  readonly ignoreManifestDeclarations: boolean;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly paths: string[];
}

/** What the command line asks for. */
type Command = VerifyArgs | { readonly command: 'help' | 'version' | 'bare' } | { readonly command: 'events' | 'images'; readonly argv: string[] };

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo, dependencies: CliDependencies = {}): Promise<number> {
  let args: Command;
  try {
    args = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      // Options are quoted: what could be user info redacted, control characters shown as escapes.
      io.stderr.write(`error: ${printable(redactUserInfoIn(error.message))}\n\nRun "cdk8s-private-registry --help" for usage.\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  if ('command' in args) {
    switch (args.command) {
      case 'bare':
        io.stderr.write(USAGE);
        return EXIT_USAGE;
      case 'help':
        io.stdout.write(USAGE);
        return EXIT_OK;
      case 'version':
        return printVersion(io);
      case 'events':
        return runEvents(args.argv, io);
      case 'images':
        return runImages(args.argv, io);
    }
  }
  try {
    const progress = args.online && io.stderr.isTTY === true ? progressLine(io.stderr, dependencies.now ?? Date.now) : undefined;
    const result = await verifyManifests(args.paths, {
      online: args.online,
      defaultNamespace: args.namespace,
      insecureRegistries: args.insecureRegistries,
      publicImages: args.publicImages,
      podKinds: args.podKinds,
      strict: args.strict,
      ignoreManifestDeclarations: args.ignoreManifestDeclarations,
      concurrency: args.concurrency,
      timeoutMs: args.timeoutMs,
      ...(dependencies.transport ? { transport: dependencies.transport } : {}),
      ...(progress ? { onProgress: progress } : {}),
    });
    io.stdout.write(format(result, args.format));
    return hasProblems(result.findings) ? EXIT_PROBLEMS : EXIT_OK;
  } catch (error) {
    if (error instanceof InputError) {
      // File names are input: control characters shown as escapes.
      io.stderr.write(`error: ${printable(error.message)}\n`);
      return EXIT_USAGE;
    }
    // Our own errors never carry secret values; a stack trace helps nobody here.
    io.stderr.write(`internal error: ${printable((error as Error).message)}\n`);
    return EXIT_USAGE;
  }
}

function format(result: VerifyResult, as: Format): string {
  switch (as) {
    case 'json': return formatJson(result);
    case 'junit': return formatJunit(result);
    default: return formatTable(result);
  }
}

/** The package's version, from the package.json two folders up (from src/verify and lib/verify alike). */
export function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error('package.json has no version');
  return manifest.version;
}

function printVersion(io: CliIo): number {
  try {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  } catch (error) {
    io.stderr.write(`internal error: cannot read the version: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
}

/**
 * Progress of the online checks on one terminal line, rewritten in place
 * at most every 100 ms, and ended with a newline when every image is checked.
 */
function progressLine(stderr: CliIo['stderr'], now: () => number): (progress: OnlineProgress) => void {
  let last = -Infinity;
  return ({ checked, total, registries }) => {
    const done = checked === total;
    if (!done && now() - last < 100) return;
    last = now();
    const text = `online: ${checked}/${total} image${total === 1 ? '' : 's'} checked, ${registries} registr${registries === 1 ? 'y' : 'ies'} contacted`;
    stderr.write(`\r${text}\u001b[K${done ? '\n' : ''}`);
  };
}

/** The options of `verify` (and those allowed before the command). */
const VERIFY_OPTIONS = {
  'online': { type: 'boolean' },
  'format': { type: 'string', short: 'o' },
  'namespace': { type: 'string', short: 'n' },
  'insecure-registry': { type: 'string', multiple: true },
  'public-image': { type: 'string', multiple: true },
  'pod-kind': { type: 'string', multiple: true },
  'strict': { type: 'boolean' },
  'ignore-manifest-declarations': { type: 'boolean' },
  'concurrency': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'help': { type: 'boolean', short: 'h' },
  'version': { type: 'boolean' },
} as const;

/**
 * Node's `util.parseArgs`, in its lenient mode for its tokens, which are
 * then checked here in order, so that each error names the option as
 * written: `--flag value` or `--flag=value`, `-o json` or `-ojson`, `--` ends
 * the options. The command is the first positional argument; `events` gets
 * every other argument as written.
 */
function parseCommandLine(argv: readonly string[]): Command {
  if (argv.length === 0) {
    return { command: 'bare' };
  }
  const { tokens } = parseArgs({ args: [...argv], options: VERIFY_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const positionals = tokens.filter((t) => t.kind === 'positional') as Array<{ index: number; value: string }>;
  const command = positionals[0];
  if (command?.value === 'events' || command?.value === 'images') {
    return { command: command.value, argv: argv.filter((_arg, i) => i !== command.index) };
  }
  const args: MutableArgs = {
    online: false,
    format: 'table',
    namespace: DEFAULT_NAMESPACE,
    insecureRegistries: [],
    publicImages: [],
    podKinds: [],
    strict: false,
    ignoreManifestDeclarations: false,
    concurrency: DEFAULT_CONCURRENCY,
    timeoutMs: DEFAULT_TIMEOUT_MS,
  };
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const flag = token.rawName;
    if (!Object.prototype.hasOwnProperty.call(VERIFY_OPTIONS, token.name)) {
      throw new UsageError(`unknown option ${JSON.stringify(flag)}`);
    }
    const option = VERIFY_OPTIONS[token.name as keyof typeof VERIFY_OPTIONS];
    if (option.type === 'boolean' && token.value !== undefined) {
      throw new UsageError(`${flag} takes no value`);
    }
    if (option.type === 'string' && token.value === undefined) {
      throw new UsageError(`${flag} needs a value`);
    }
    if (token.name === 'help' || token.name === 'version') {
      return { command: token.name };
    }
    applyOption(args, token.name, flag, token.value ?? '');
  }
  if (command === undefined) {
    throw new UsageError('missing command: use "verify", "events" or "images"');
  }
  if (command.value === 'help') {
    const topic = positionals[1]?.value;
    return topic === 'events' || topic === 'images' ? { command: topic, argv: ['--help'] } : { command: 'help' };
  }
  if (command.value !== 'verify') {
    throw new UsageError(`unknown command ${JSON.stringify(command.value)}: use "verify", "events" or "images"`);
  }
  const paths = positionals.slice(1).map((p) => p.value);
  if (paths.length === 0) {
    throw new UsageError('verify needs at least one PATH (a manifest file or folder, or "-" for standard input)');
  }
  return { ...args, paths };
}

type MutableArgs = { -readonly [K in keyof Omit<VerifyArgs, 'paths'>]: VerifyArgs[K] };

function applyOption(args: MutableArgs, name: string, flag: string, value: string): void {
  switch (name) {
    case 'online':
      args.online = true;
      break;
    case 'strict':
      args.strict = true;
      break;
    case 'ignore-manifest-declarations':
      args.ignoreManifestDeclarations = true;
      break;
    case 'format':
      if (!(FORMATS as readonly string[]).includes(value)) {
        throw new UsageError(`${flag} must be "table", "json" or "junit", not ${JSON.stringify(value)}`);
      }
      args.format = value as Format;
      break;
    case 'namespace': {
      const problem = dns1123LabelProblem(value);
      if (problem) throw new UsageError(`${flag} ${JSON.stringify(value)} ${problem}`);
      args.namespace = value;
      break;
    }
    case 'insecure-registry':
      if (!/^[A-Za-z0-9.\-[\]:]+$/.test(value)) throw new UsageError(`${flag} takes HOST[:PORT], not ${JSON.stringify(value)}`);
      args.insecureRegistries.push(value);
      break;
    case 'public-image': {
      const problem = publicImagePatternProblem(value);
      if (problem) throw new UsageError(`${flag} ${JSON.stringify(value)} ${problem}`);
      args.publicImages.push(value);
      break;
    }
    case 'pod-kind':
      args.podKinds.push(podKindOption(flag, value));
      break;
    case 'concurrency':
      args.concurrency = positiveInteger(flag, value, MAX_CONCURRENCY);
      break;
    default: // timeout-ms
      args.timeoutMs = positiveInteger(flag, value, MAX_TIMEOUT_MS);
  }
}

/**
 * Upper bounds of the numeric options: each image's deadline is
 * IMAGE_DEADLINE_TIMEOUTS × --timeout-ms, and Node's timers overflow past
 * 2^31 - 1 ms (every timer would fire at once); ten minutes a request is
 * already far more than any registry needs.
 */
const MAX_TIMEOUT_MS = 600_000;
const MAX_CONCURRENCY = 1024;

function positiveInteger(flag: string, text: string, max: number): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag} must be a positive integer, not ${JSON.stringify(text)}`);
  }
  if (n > max) throw new UsageError(`${flag} must be at most ${max}, not ${text}`);
  return n;
}

/* istanbul ignore next: the bin entry point */
if (require.main === module) {
  // exitCode rather than exit(): lets a piped stdout drain before the process ends.
  runCli(process.argv.slice(2), process).then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    process.stderr.write(`internal error: ${printable((error as Error).message)}\n`);
    process.exitCode = EXIT_USAGE;
  });
}
