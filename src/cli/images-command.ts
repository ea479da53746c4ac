/**
 * `cdk8s-private-registry images`: every image the manifests make a kubelet
 * pull, once each, sorted, as `txt` (one reference a line, as pulled),
 * `json` (each with its original reference and who names it) or
 * `skopeo-sync` (the original references grouped by source registry, for
 * `skopeo sync --src yaml`: images/skopeo-sync.ts). Exit codes: 0 with the
 * output, 2 usage or input error.
 */
import { parseArgs } from 'util';
import { podKindOption, UsageError } from './usage';
import { CollectedImage, collectImages, ImagesResult } from '../images/collect';
import { formatSkopeoSync, skopeoSyncPlan } from '../images/skopeo-sync';
import { InputError } from '../manifests/input-error';
import { MAX_MANIFEST_BYTES } from '../manifests/manifests';
import { MAX_EMBEDDED_IMAGES } from '../rules/embedded-images';
import { PodKind } from '../rules/pod-kinds';
import { printable, printableJson } from '../rules/printable';
import { redactUserInfo, redactUserInfoIn } from '../rules/redact';

/** Where `images` reads and writes; `process` fits. (`images -` reads file descriptor 0, as verify does.) */
export interface ImagesIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Exit code: the list was written. */
export const IMAGES_EXIT_OK = 0;
/** Exit code: bad arguments, unreadable or malformed input, or an internal error. */
export const IMAGES_EXIT_USAGE = 2;

const FORMATS = ['txt', 'json', 'skopeo-sync'] as const;
type Format = typeof FORMATS[number];

/** The `images --help` text. */
export const IMAGES_USAGE = `Usage: cdk8s-private-registry images [options] PATH...|-

Lists every image the manifests at PATH make a kubelet pull: containers, init
containers, ephemeral containers and image volumes, of every pod-bearing kind
(the built-in ones, well-known custom resources, those given with --pod-kind
and those the manifests declare), once each, sorted. References are
normalized as the runtime pulls them (docker.io/library/nginx:latest). An
image whose every pod sets imagePullPolicy: Never is never pulled: it is
listed in json only, with "pulled": false. An invalid reference is left out,
with a warning on standard error (json lists it under "invalid").

PATH is read as verify reads it: files, folders searched for *.yaml, *.yml and
*.json, Helm chart folders (cdk8s synth --format helm), or "-" for standard
input; each file at most ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB.

Containers may also name images in their command, args or env values, which
the application pulls later (--acme-http01-solver-image=quay.io/jetstack/...).
Those that are fully qualified (a registry host with a dot or a port, and a
tag or a digest; at most ${MAX_EMBEDDED_IMAGES} per container and field) are listed in json
with "source": "args" or "env", and in txt and skopeo-sync with --include-args.

Options:
  -o, --format txt|json|skopeo-sync
                           txt (default): one reference a line, as pulled (after
                           any RegistryMirror rewrite);
                           json: { schemaVersion: 1, images: [{ reference,
                           original, registry, repository, tag, digest, source,
                           pulled, objects }], invalid };
                           skopeo-sync: the original references (before any
                           mirror rewrite) grouped by source registry, a file for
                           "skopeo sync --all --scoped --src yaml --dest docker
                           FILE AIRGAP"; an image with a tag and a digest is
                           listed by its digest (skopeo 1.9 takes no tag@digest);
                           a registry with a port gets a warning: a scoped
                           sync cannot place its images
  --insecure-registry HOST[:PORT]
                           skopeo-sync: "tls-verify: false" for this registry,
                           exactly as in the images (repeatable)
  --pod-kind GROUP/KIND=/json/pointer
                           objects of this API group and kind run pods, with the
                           pod spec at this JSON pointer (repeatable), as for verify
  --include-args           txt and skopeo-sync: also the images named in command,
                           args and env
  -h, --help               show this help

Exit codes: 0 the list was written, 2 usage or input error.
`;

interface ImagesArgs {
  readonly format: Format;
  readonly insecureRegistries: string[];
  readonly podKinds: PodKind[];
  readonly includeArgs: boolean;
  readonly paths: string[];
}


/** Runs `images` on `argv`, the arguments after the command name, and returns the exit code. */
export function runImages(argv: string[], io: ImagesIo): number {
  let args: ImagesArgs | 'help';
  try {
    args = parseImagesArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`error: ${printable(redactUserInfoIn(error.message))}\n\nRun "cdk8s-private-registry images --help" for usage.\n`);
    return IMAGES_EXIT_USAGE;
  }
  if (args === 'help') {
    io.stdout.write(IMAGES_USAGE);
    return IMAGES_EXIT_OK;
  }
  let result: ImagesResult;
  try {
    result = collectImages(args.paths, { podKinds: args.podKinds });
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr.write(`error: ${printable(error.message)}\n`);
      return IMAGES_EXIT_USAGE;
    }
    // Our own errors never carry secret values; a stack trace helps nobody here.
    io.stderr.write(`internal error: ${printable((error as Error).message)}\n`);
    return IMAGES_EXIT_USAGE;
  }
  if (args.format !== 'json') {
    for (const { image, reason, objects } of result.invalid) {
      const [first] = objects;
      const more = objects.length > 1 ? ` (and ${objects.length - 1} more)` : '';
      const where = `${first.file} (document ${first.document}): ${first.kind} "${first.name}"`;
      // From the manifests: what could be user info redacted, control characters shown as escapes.
      io.stderr.write(`warning: ${printable(where)}: image ${printable(JSON.stringify(redactUserInfo(image)))} is invalid: ${printable(reason)}${more}; left out\n`);
    }
  }
  writeImages(result, args.format, args, (text) => io.stdout.write(text), (text) => io.stderr.write(text));
  return IMAGES_EXIT_OK;
}

/** How {@link formatImages} writes the list. */
export interface ImagesFormatOptions {
  /** Whether txt and skopeo-sync take the images named in command, args and env. */
  readonly includeArgs?: boolean;
  /** skopeo-sync: the registries that get `tls-verify: false`. */
  readonly insecureRegistries?: readonly string[];
}

/**
 * Writes the list in `format` with `write`, in pieces: the JSON of a large
 * app is written an image at a time, never built whole (it is the same text
 * as `JSON.stringify(report, null, 2)`). `warn`: skopeo-sync's warnings, a line each.
 */
export function writeImages(
  result: ImagesResult, format: Format, options: ImagesFormatOptions, write: (text: string) => unknown, warn?: (text: string) => unknown,
): void {
  if (format === 'json') {
    write(`{\n  "schemaVersion": 1,\n  "files": ${result.files},\n  "objects": ${result.objects},\n  "images": `);
    writeJsonList(result.images.map(jsonImage), write);
    write(',\n  "invalid": ');
    // An invalid image may hold user info: redacted as ***@.
    writeJsonList(result.invalid.map((entry) => ({
      ...entry,
      image: redactUserInfo(entry.image),
      objects: entry.objects.map((user) => ({ ...user, image: redactUserInfo(user.image) })),
    })), write);
    write('\n}\n');
    return;
  }
  const listed = result.images.filter((image) => image.pulled && (image.source === 'pod' || options.includeArgs === true));
  if (format === 'txt') {
    write(listed.map((image) => `${image.reference}\n`).join(''));
    return;
  }
  const plan = skopeoSyncPlan(listed.map((image) => image.original), options.insecureRegistries);
  for (const { registry } of plan.registries.filter(({ registry: host }) => /:[0-9]+$/.test(host))) {
    warn?.(`warning: registry ${JSON.stringify(registry)} has a port: "skopeo sync --scoped" cannot place its images (":" is not allowed `
      + 'in a repository path; skopeo 1.9 stops with "invalid reference format"): serve it on a portless address, or sync it alone without --scoped\n');
  }
  write(formatSkopeoSync(plan));
}

/** The list in `format`, as one string. */
export function formatImages(result: ImagesResult, format: Format, options: ImagesFormatOptions = {}): string {
  let text = '';
  writeImages(result, format, options, (piece) => (text += piece));
  return text;
}

/** An image in the JSON report: its fields in a fixed order. */
function jsonImage(entry: CollectedImage): Record<string, unknown> {
  const { reference, original, registry, repository, tag, digest, source, pulled, objects } = entry;
  return { reference, original, registry, repository, tag, digest, source, pulled, objects };
}

/** A list as `JSON.stringify(..., null, 2)` writes it two levels deep, an item at a time. */
function writeJsonList(items: readonly unknown[], write: (text: string) => unknown): void {
  if (items.length === 0) {
    write('[]');
    return;
  }
  // printableJson: DEL, C1 and bidirectional controls from the manifests as \u escapes, as JSON.stringify does C0 ones.
  items.forEach((item, i) => write(`${i === 0 ? '[' : ','}\n    ${printableJson(JSON.stringify(item, null, 2)).replace(/\n/g, '\n    ')}`));
  write('\n  ]');
}

function parseImagesArgs(argv: string[]): ImagesArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        'format': { type: 'string', short: 'o' },
        'insecure-registry': { type: 'string', multiple: true },
        'pod-kind': { type: 'string', multiple: true },
        'include-args': { type: 'boolean' },
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
  const format = values.format ?? 'txt';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be "txt", "json" or "skopeo-sync", not ${JSON.stringify(format)}`);
  }
  const insecureRegistries = values['insecure-registry'] ?? [];
  for (const host of insecureRegistries) {
    if (!/^[A-Za-z0-9.\-[\]:]+$/.test(host)) throw new UsageError(`--insecure-registry takes HOST[:PORT], not ${JSON.stringify(host)}`);
  }
  const podKinds = (values['pod-kind'] ?? []).map((value) => podKindOption('--pod-kind', value));
  if (positionals.length === 0) {
    throw new UsageError('images needs at least one PATH (a manifest file or folder, or "-" for standard input)');
  }
  return { format: format as Format, insecureRegistries, podKinds, includeArgs: values['include-args'] === true, paths: positionals };
}
