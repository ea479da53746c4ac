/**
 * The sealing state file: per sealed secret, the value sealed for it and a
 * salted scrypt hash of the plaintext it was sealed from, so an unchanged
 * credential keeps its sealed bytes across synths and machines, and CI
 * without the credential can reuse them. Safe to commit: it holds no
 * plaintext and nothing that tests a guess faster than scrypt.
 *
 * One file is read once per app, the first time a sealed secret needs it.
 * It is written when the app is validated (the first step of every synth),
 * holding exactly the entries this app used, so the entry of a secret that
 * no longer exists is dropped; it is rewritten only when its bytes change.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { KubesealScope } from '../rules/kubeseal';
import { problemWithFix } from '../rules/messages';
import { isPlainObject } from '../rules/objects';
import { constructError } from '../wiring/construct-errors';

/** The state file's name next to `cdk8s.yaml` (the working directory of `cdk8s synth`). */
export const DEFAULT_SEALING_STATE_FILE = 'sealed-secrets.state.json';
/** Environment variable naming the state file when the app does not. */
export const SEALING_STATE_ENV = 'CDK8S_PRIVATE_REGISTRY_SEAL_STATE';
const FORMAT_VERSION = 1;
const ABOUT = 'Sealed values made by cdk8s-private-registry, reused while the credentials, certificate, scope, name and namespace stay the same. ' +
  'Commit this file: it holds no plaintext, only sealed values and salted scrypt hashes. Delete an entry to re-seal that secret.';
const SCOPES: readonly string[] = ['strict', 'namespace-wide', 'cluster-wide'];

/** One sealed secret's entry. */
export interface SealedStateEntry {
  /** `metadata.namespace`; undefined for a cluster-wide secret whose namespace is chosen at deploy time. */
  readonly namespace?: string;
  /** `metadata.name` (with the `appendHash` suffix, if any). */
  readonly name: string;
  readonly scope: KubesealScope;
  /** The registry server the secret declared; undefined when it left the choice to the credentials. */
  readonly server?: string;
  /** The `auths` keys of the sealed payload (used when the credential is not available). */
  readonly servers: readonly string[];
  /** Fingerprint of the public key the value is sealed for. */
  readonly certificate: string;
  /** PHC scrypt string of the plaintext payload. */
  readonly plaintextHash: string;
  /** The sealed `.dockerconfigjson` value (base64), as in `spec.encryptedData`. */
  readonly sealed: string;
}

/** The state key of a secret: `<namespace>/<name>` (`/<name>` without namespace), `name` without any `appendHash` suffix. */
export function sealingStateKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** The path of the state file for a `stateFile` option: the option, else `$CDK8S_PRIVATE_REGISTRY_SEAL_STATE`, else the default, from the working directory. */
export function resolveSealingStatePath(stateFile: string | undefined): string {
  return path.resolve(stateFile ?? (process.env[SEALING_STATE_ENV] || DEFAULT_SEALING_STATE_FILE));
}

/** One state file as an app sees it: the entries read from disk, and those this app uses. */
export class SealingStateFile {
  private previous?: Map<string, SealedStateEntry>;
  private onDisk?: string;
  private readonly current = new Map<string, SealedStateEntry>();

  /** Absolute path of the file. */
  public readonly path: string;

  constructor(filePath: string) {
    this.path = filePath;
  }

  /** The file's name as messages give it (relative to the working directory when inside it). */
  public get displayName(): string {
    const relative = path.relative(process.cwd(), this.path);
    return relative.startsWith('..') || path.isAbsolute(relative) ? this.path : relative;
  }

  /** The entry the file held for `key` when it was read. */
  public lookup(scope: IConstruct, key: string): SealedStateEntry | undefined {
    return this.read(scope).get(key);
  }

  /** Every entry the file held when it was read. */
  public previousEntries(scope: IConstruct): ReadonlyMap<string, SealedStateEntry> {
    return this.read(scope);
  }

  /** Keeps `entry` for `key` in the file this app writes. */
  public record(key: string, entry: SealedStateEntry): void {
    this.current.set(key, entry);
  }

  /** The file's bytes for the entries recorded: keys sorted, fields in a fixed order, two-space indent, final newline. */
  public render(): string {
    const secrets: Record<string, unknown> = {};
    for (const key of [...this.current.keys()].sort()) {
      const entry = this.current.get(key)!;
      secrets[key] = {
        namespace: entry.namespace,
        name: entry.name,
        scope: entry.scope,
        server: entry.server,
        servers: entry.servers,
        certificate: entry.certificate,
        plaintextHash: entry.plaintextHash,
        sealed: entry.sealed,
      };
    }
    return `${JSON.stringify({ about: ABOUT, version: FORMAT_VERSION, secrets }, undefined, 2)}\n`;
  }

  /** Writes the file when its bytes changed; returns the problems (none when written or unchanged). */
  public write(): string[] {
    if (this.previous === undefined) return [];
    const text = this.render();
    if (text === this.onDisk) return [];
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temporary, text, { mode: 0o644 });
      fs.renameSync(temporary, this.path);
    } catch (e) {
      fs.rmSync(temporary, { force: true });
      return [problemWithFix(`cannot write the sealing state file "${this.displayName}" (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        'make its folder writable, or choose another file with `stateFile` (or $' + SEALING_STATE_ENV + ')')];
    }
    this.onDisk = text;
    return [];
  }

  private read(scope: IConstruct): Map<string, SealedStateEntry> {
    if (this.previous !== undefined) return this.previous;
    const what = `sealing state file "${this.displayName}"`;
    const fix = 'restore it from version control, or delete it to re-seal every secret (this needs every sealed credential at hand)';
    let text: string | undefined;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw constructError(scope, `cannot read ${what} (${code ?? 'error'})`, fix);
    }
    const entries = new Map<string, SealedStateEntry>();
    if (text !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw constructError(scope, `${what} is not valid JSON`, fix);
      }
      if (!isPlainObject(parsed) || parsed.version !== FORMAT_VERSION || !isPlainObject(parsed.secrets)) {
        throw constructError(scope, `${what} is not a version ${FORMAT_VERSION} sealing state`, fix);
      }
      for (const [key, value] of Object.entries(parsed.secrets)) {
        const entry = entryOf(value);
        // A malformed entry is no entry: its secret is sealed afresh (or reported, without the credential).
        if (entry !== undefined && key.startsWith(sealingStateKey(entry.namespace, ''))) entries.set(key, entry);
      }
    }
    this.previous = entries;
    this.onDisk = text;
    return entries;
  }
}

/** The state files of one app, attached to its root, written by its validation. */
export class SealingStates extends Construct {
  /** The state file at `filePath` as the app of `construct` sees it. */
  public static fileOf(construct: IConstruct, filePath: string): SealingStateFile {
    const root = construct.node.root;
    const existing = root.node.tryFindChild(STATES_ID);
    const states = existing instanceof SealingStates ? existing : new SealingStates(root as Construct, STATES_ID);
    let file = states.files.get(filePath);
    if (file === undefined) {
      file = new SealingStateFile(filePath);
      states.files.set(filePath, file);
    }
    return file;
  }

  private readonly files = new Map<string, SealingStateFile>();

  private constructor(root: Construct, id: string) {
    super(root, id);
    this.node.addValidation({ validate: () => [...this.files.values()].flatMap((file) => file.write()) });
  }
}

const STATES_ID = 'cdk8s-private-registry.SealingState';

function entryOf(value: unknown): SealedStateEntry | undefined {
  if (!isPlainObject(value)) return undefined;
  const { namespace, name, scope, server, servers, certificate, plaintextHash, sealed } = value;
  const optionalString = (v: unknown) => v === undefined || typeof v === 'string';
  if (!optionalString(namespace) || !optionalString(server)) return undefined;
  if (typeof name !== 'string' || typeof scope !== 'string' || !SCOPES.includes(scope)) return undefined;
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === 'string')) return undefined;
  if (typeof certificate !== 'string' || typeof plaintextHash !== 'string' || typeof sealed !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(sealed)) return undefined;
  return {
    namespace: namespace as string | undefined,
    name,
    scope: scope as KubesealScope,
    server: server as string | undefined,
    servers: servers as string[],
    certificate,
    plaintextHash,
    sealed,
  };
}
