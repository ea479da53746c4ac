/**
 * `cdk8s-private-registry events`: what `kubectl get events` says about
 * image pulls, per pod and image: pulled, still pulling, or failing and
 * why; with `--manifests`, the workload, its pull secrets, the construct
 * that declared it, and what to fix. Exit codes: 0 nothing is failing to
 * pull, 1 at least one pull is, 2 usage or input error.
 */
import { parseArgs } from 'util';
import { EventsResult, formatEventsJson, formatEventsTable, PullEntry, sanitize } from './events-report';
import { podKindOption, UsageError } from './usage';
import { fixFor, settleReason } from '../events/fix';
import { loadWorkloadIndex, MAX_EVENTS_BYTES, parseEventsText, readBoundedStream, readEventsFile, STDIN_NAME, STDIN_PATH } from '../events/input';
import { anyFailing, pullRecords, readEventList } from '../events/pull-records';
import { WorkloadIndex } from '../events/workloads';
import { InputError } from '../manifests/input-error';
import { dns1123LabelProblem } from '../rules/kube-names';
import { PodKind, PodKinds } from '../rules/pod-kinds';
import { printable } from '../rules/printable';

/** Where `events` reads and writes; `process` fits. */
export interface EventsIo {
  /** Read for FILE `-`; `process.stdin` when absent. */
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Exit code: nothing is failing to pull. */
export const EVENTS_EXIT_OK = 0;
/** Exit code: at least one pull is failing. */
export const EVENTS_EXIT_FAILING = 1;
/** Exit code: bad arguments, unreadable or malformed input, or an internal error. */
export const EVENTS_EXIT_USAGE = 2;

/** Where objects without a namespace are applied when `--namespace` is not given. */
const DEFAULT_NAMESPACE = 'default';

/** The `events --help` text. */
export const EVENTS_USAGE = `Usage: cdk8s-private-registry events [options] FILE|-

Explains what \`kubectl get events\` says about image pulls: for each pod,
container and image, whether the image was pulled, is still being pulled, or
fails to pull, and why (unauthorized, not-found, rate-limited, unreachable or
unknown) with the container runtime's message. A pod that failed and then
pulled counts as pulled.

FILE is the output of \`kubectl get events [-A] -o json\` (core/v1 Events, or
\`kubectl get events.v1.events.k8s.io -o json\`); "-" reads it from standard
input. Only regular files are read, at most ${MAX_EVENTS_BYTES / 1024 / 1024} MiB.

Options:
  --manifests DIR          the synthesized manifests (e.g. dist/): map each pod
                           to its workload, name the pull secrets it gets and
                           the construct that declared it (from the library's
                           .cdk8s-private-registry/construct-paths.json, else
                           cdk8s's construct-metadata.json and the
                           cdk8s.io/metadata.addr label), and say what to fix
  -o, --format table|json  output format (default: table)
  --pod-kind GROUP/KIND=/json/pointer
                           with --manifests: objects of this API group and kind
                           run pods, with the pod spec at this JSON pointer
                           (repeatable), as for verify
  -n, --namespace NS       only pods of namespace NS; manifests objects without a
                           namespace are taken to be in NS (default: "${DEFAULT_NAMESPACE}")
  -h, --help               show this help

Exit codes: 0 nothing is failing to pull, 1 at least one pull is failing,
2 usage or input error.
`;

interface EventsArgs {
  readonly file: string;
  readonly manifests?: string;
  readonly format: 'table' | 'json';
  readonly namespace?: string;
  readonly podKinds: PodKind[];
}


/**
 * Runs `events` on `argv`, the arguments after the command name, and
 * returns the exit code. Writes the report to `io.stdout`, errors to `io.stderr`.
 */
export async function runEvents(argv: string[], io: EventsIo): Promise<number> {
  let args: EventsArgs | 'help';
  try {
    args = parseEventsArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`error: ${sanitize(error.message)}\n\nRun "cdk8s-private-registry events --help" for usage.\n`);
    return EVENTS_EXIT_USAGE;
  }
  if (args === 'help') {
    io.stdout.write(EVENTS_USAGE);
    return EVENTS_EXIT_OK;
  }
  try {
    const result = await explain(args, io);
    io.stdout.write(args.format === 'json' ? formatEventsJson(result) : formatEventsTable(result));
    return anyFailing(result.entries.map((e) => e.record)) ? EVENTS_EXIT_FAILING : EVENTS_EXIT_OK;
  } catch (error) {
    if (error instanceof InputError) {
      // Built by us, naming files as given (an "@" in a path stays): control characters shown as escapes.
      io.stderr.write(`error: ${printable(error.message)}\n`);
      return EVENTS_EXIT_USAGE;
    }
    // Our own errors never carry secret values; a stack trace helps nobody here.
    io.stderr.write(`internal error: ${sanitize((error as Error).message)}\n`);
    return EVENTS_EXIT_USAGE;
  }
}

async function explain(args: EventsArgs, io: EventsIo): Promise<EventsResult> {
  const stdin = args.file === STDIN_PATH;
  const source = stdin ? STDIN_NAME : args.file;
  const text = stdin ? await readBoundedStream(io.stdin ?? process.stdin) : readEventsFile(args.file);
  const list = readEventList(parseEventsText(text, source), source);
  const index: WorkloadIndex | undefined = args.manifests === undefined
    ? undefined
    : loadWorkloadIndex(args.manifests, args.namespace ?? DEFAULT_NAMESPACE, new PodKinds(args.podKinds));
  const records = pullRecords(list.events).filter((r) => args.namespace === undefined || r.namespace === args.namespace);
  const entries = records.map((record): PullEntry => {
    if (index === undefined) return { record, fix: fixFor(record, undefined) };
    const workload = index.workloadOf(record.namespace, record.pod, record.container, record.image) ?? null;
    const settled = settleReason(record, workload ?? undefined);
    return { record: settled, workload, fix: fixFor(settled, workload) };
  });
  return {
    source,
    manifests: args.manifests ?? null,
    namespace: args.namespace ?? null,
    eventObjects: list.eventObjects,
    pullEvents: list.events.length,
    otherObjects: list.otherObjects,
    entries,
  };
}

function parseEventsArgs(argv: string[]): EventsArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        'manifests': { type: 'string' },
        'format': { type: 'string', short: 'o' },
        'namespace': { type: 'string', short: 'n' },
        'pod-kind': { type: 'string', multiple: true },
        'help': { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') {
    throw new UsageError(`--format must be "table" or "json", not ${JSON.stringify(format)}`);
  }
  if (values.namespace !== undefined) {
    const problem = dns1123LabelProblem(values.namespace);
    if (problem !== undefined) throw new UsageError(`--namespace ${JSON.stringify(values.namespace)} ${problem}`);
  }
  if (values.manifests === '') throw new UsageError('--manifests needs a folder or file');
  if (positionals.length === 0) {
    throw new UsageError('events needs FILE: the output of `kubectl get events -o json`, or "-" for standard input');
  }
  if (positionals.length > 1) {
    throw new UsageError(`events takes one FILE, not ${positionals.length}`);
  }
  const podKinds = (values['pod-kind'] ?? []).map((value) => podKindOption('--pod-kind', value));
  return {
    file: positionals[0],
    format,
    podKinds,
    ...(values.manifests === undefined ? {} : { manifests: values.manifests }),
    ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
  };
}
