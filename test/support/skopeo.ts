/**
 * Drives skopeo (containers/image, the library CRI-O pulls with) against a
 * test registry on loopback. Every run is isolated from the machine's own
 * container credentials: HOME, XDG_* and the auth file point into a scratch
 * directory, so only the credentials a test passes are ever used.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildOciLayout, readOciLayout } from './oci-layout';
import { childEnv, CommandResult, redact, runCommand } from './process';

/** The parts of a running registry the skopeo helpers need. */
export interface RegistryEndpoint {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** Scratch directory removed by the registry's stop(); layouts go there. */
  readonly workDir: string;
}

/** Options for {@link pushImage}. */
export interface PushImageOptions {
  /** Repository path, e.g. `team/app`. */
  readonly repository: string;
  readonly tag: string;
  /** Omit both for an anonymous push. */
  readonly username?: string;
  readonly password?: string;
  /** An existing OCI layout (from buildOciLayout); by default a fresh one is built in the registry's workDir. */
  readonly layout?: string;
}

/** What a successful {@link pushImage} pushed. */
export interface PushedImage {
  /** `127.0.0.1:<port>/<repository>:<tag>` */
  readonly ref: string;
  /** Manifest digest, `sha256:...`. */
  readonly digest: string;
}

/** Result of {@link skopeoInspect}. */
export interface InspectResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** skopeo's own deadline; our kill timer is a little longer as a backstop. */
const SKOPEO_TIMEOUT = '20s';
const KILL_AFTER_MS = 25_000;

/**
 * Pushes a tiny OCI image with `skopeo copy`. `--dest-tls-verify=false`
 * makes containers/image fall back to plain HTTP after the HTTPS ping fails,
 * which is what a loopback registry without TLS needs. Rejects with an error
 * that carries skopeo's stderr, with the password redacted.
 */
export async function pushImage(registry: RegistryEndpoint, options: PushImageOptions): Promise<PushedImage> {
  const layout = options.layout ?? buildOciLayout(fs.mkdtempSync(path.join(registry.workDir, 'oci-')), { refName: options.tag });
  const info = readOciLayout(layout);
  const ref = `${registry.host}/${options.repository}:${options.tag}`;
  const creds = options.username === undefined
    ? ['--dest-no-creds']
    : ['--dest-creds', `${options.username}:${options.password ?? ''}`];
  const args = [
    // A push of our own image needs no signature policy; do not depend on /etc/containers/policy.json.
    '--insecure-policy', '--command-timeout', SKOPEO_TIMEOUT,
    'copy', '--retry-times', '0', '--dest-tls-verify=false', ...creds,
    `oci:${layout}:${info.refName}`, `docker://${ref}`,
  ];
  const result = await runSkopeo(args);
  if (result.code !== 0) {
    throw new Error(redact(`skopeo copy to docker://${ref} failed${describeExit(result)}: ${result.stderr.trim()}`, secretsOf(options)));
  }
  return { ref, digest: info.manifestDigest };
}

/**
 * `skopeo inspect --tls-verify=false docker://<imageRef>` with the given
 * docker config file (`{"auths":{...}}`) as `--authfile`, or anonymously
 * (`--no-creds`) when `authfile` is omitted. Never throws for a refused
 * pull: the result says whether it worked.
 */
export async function skopeoInspect(imageRef: string, authfile?: string): Promise<InspectResult> {
  const creds = authfile === undefined ? ['--no-creds'] : ['--authfile', authfile];
  const result = await runSkopeo([
    '--command-timeout', SKOPEO_TIMEOUT,
    'inspect', '--retry-times', '0', '--tls-verify=false', ...creds, `docker://${imageRef}`,
  ]);
  return { ok: result.code === 0, stdout: result.stdout, stderr: result.stderr + describeExit(result) };
}

/**
 * `skopeo copy --src-tls-verify=false docker://<imageRef> oci:<destDir>:<tag>`:
 * a full pull (manifest, config and every layer blob) with the given docker
 * config file as `--src-authfile`, or anonymously without one. Never throws
 * for a refused pull: the result says whether it worked.
 */
export async function skopeoCopy(imageRef: string, destDir: string, authfile?: string): Promise<InspectResult> {
  const creds = authfile === undefined ? ['--src-no-creds'] : ['--src-authfile', authfile];
  const result = await runSkopeo([
    // Copying into a local layout needs no signature policy; do not depend on /etc/containers/policy.json.
    '--insecure-policy', '--command-timeout', SKOPEO_TIMEOUT,
    'copy', '--retry-times', '0', '--src-tls-verify=false', ...creds, `docker://${imageRef}`, `oci:${destDir}:copied`,
  ]);
  return { ok: result.code === 0, stdout: result.stdout, stderr: result.stderr + describeExit(result) };
}

/**
 * Writes a docker config file with one entry, fields in kubectl's order
 * (username, password, auth), mode 0600. Returns its path.
 */
export function writeAuthFile(file: string, server: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  fs.writeFileSync(file, JSON.stringify({ auths: { [server]: { username, password, auth } } }), { mode: 0o600 });
  return file;
}

/**
 * Runs skopeo with a throw-away HOME so no host credentials or caches leak in
 * or out. As root, containers/image keeps its blob-info cache in
 * /var/lib/containers/cache and no flag moves it; `_CONTAINERS_ROOTLESS_UID`
 * (read by containers/image's rootless.GetRootlessEUID) makes it use
 * `$XDG_DATA_HOME/containers/cache` instead, i.e. the scratch directory.
 */
async function runSkopeo(args: readonly string[]): Promise<CommandResult> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-private-registry-skopeo-'));
  try {
    const scratch = { HOME: home, XDG_RUNTIME_DIR: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home, XDG_CACHE_HOME: home };
    const env = childEnv({ ...scratch, _CONTAINERS_ROOTLESS_UID: String(process.getuid?.() || 1000) });
    return await runCommand('skopeo', args, { env, timeoutMs: KILL_AFTER_MS });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

function describeExit(result: CommandResult): string {
  if (result.timedOut) return ' (killed after timeout)';
  return result.code === 0 ? '' : ` (exit ${result.code ?? result.signal})`;
}

function secretsOf(options: PushImageOptions): string[] {
  if (!options.password) return [];
  return [options.password, Buffer.from(`${options.username ?? ''}:${options.password}`).toString('base64')];
}
