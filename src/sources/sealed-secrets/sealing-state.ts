/**
 * The sealing state file: per sealed secret, the value sealed for it and a
 * salted scrypt hash of the plaintext it was sealed from, so an unchanged
 * credential keeps its sealed bytes across synths and machines, and CI
 * without the credential can reuse them. Safe to commit: it holds no
 * plaintext and nothing that tests a guess faster than scrypt.
 *
 * One file is read once per app, the first time a sealed secret needs it.
 * It is written only once every validation of the app has passed: cdk8s
 * resolves the sealed values (lazily, in each SealedSecret) after the whole
 * app validated, and the first one resolved writes the file. It holds exactly
 * the entries this app used, so the entry of a secret that no longer exists
 * is dropped; it is rewritten only when its bytes change. Validation only
 * checks that it can be written, so a failed synth writes nothing.
 *
 * Its default home is the project root: the folder of the nearest
 * `cdk8s.yaml` upward from the working folder (where `cdk8s synth` runs the
 * app), else the working folder; never the outdir, which `cdk8s synth`
 * deletes before it runs the app.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { KubesealScope } from './kubeseal';
import { problemWithFix } from '../../rules/messages';
import { isPlainObject } from '../../rules/objects';
import { constructError } from '../../wiring/construct-errors';
import { readFileOf } from '../read-file';

/** The state file's name at the project root, next to `cdk8s.yaml`. */
export const DEFAULT_SEALING_STATE_FILE = 'sealed-secrets.state.json';
/** Environment variable naming the state file when the app does not. */
export const SEALING_STATE_ENV = 'CDK8S_PRIVATE_REGISTRY_SEAL_STATE';
const FORMAT_VERSION = 1;
const ABOUT = 'Sealed values made by cdk8s-private-registry, reused while the credentials, certificate, scope, name and namespace stay the same. ' +
  'Commit this file: it holds no plaintext, only sealed values and salted scrypt hashes. Delete an entry to re-seal that secret.';
const SCOPES: readonly string[] = ['strict', 'namespace-wide', 'cluster-wide'];
/** The largest state file read: thousands of entries fit in far less. */
const MAX_STATE_BYTES = 16 * 1024 * 1024;
/** Deeper JSON is no sealing state (it nests 4 deep), and is refused before it is parsed. */
const MAX_STATE_DEPTH = 16;

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

/**
 * The path of the state file for a `stateFile` option: the option, else
 * `$CDK8S_PRIVATE_REGISTRY_SEAL_STATE` (both from the working folder), else
 * the default name at the project root ({@link projectRoot}).
 */
export function resolveSealingStatePath(stateFile: string | undefined, cwd: string = process.cwd()): string {
  const named = stateFile ?? (process.env[SEALING_STATE_ENV] || undefined);
  return named !== undefined ? path.resolve(cwd, named) : path.join(projectRoot(cwd), DEFAULT_SEALING_STATE_FILE);
}

/** The folder of the nearest `cdk8s.yaml` from `cwd` upward, else `cwd`. */
export function projectRoot(cwd: string): string {
  for (let folder = path.resolve(cwd); ; folder = path.dirname(folder)) {
    if (isFile(path.join(folder, 'cdk8s.yaml'))) return folder;
    if (path.dirname(folder) === folder) return path.resolve(cwd);
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** One state file as an app sees it: the entries read from disk, and those this app uses. */
export class SealingStateFile {
  private previous?: Map<string, SealedStateEntry>;
  private onDisk?: string;
  private readonly current = new Map<string, SealedStateEntry>();
  /** Whether an entry was recorded since the file was last written (or found unchanged). */
  private dirty = false;

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
    this.dirty = true;
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

  /** Why the file could not be written, checked at validation (before anything is written); undefined when it can. */
  public writeProblem(): string | undefined {
    const folder = path.dirname(this.path);
    try {
      fs.accessSync(folder, fs.constants.W_OK);
      if (!fs.statSync(folder).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    } catch (e) {
      return this.cannotWrite(e);
    }
    return undefined;
  }

  /**
   * Writes the file when its bytes changed. Called only once the app has
   * validated; a failure here is thrown (cdk8s then stops the synth).
   */
  public write(): void {
    if (this.previous === undefined || !this.dirty) return;
    this.dirty = false;
    const text = this.render();
    if (text === this.onDisk) return;
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temporary, text, { mode: 0o644 });
      fs.renameSync(temporary, this.path);
    } catch (e) {
      fs.rmSync(temporary, { force: true });
      throw new Error(this.cannotWrite(e));
    }
    this.onDisk = text;
  }

  private cannotWrite(e: unknown): string {
    return problemWithFix(`cannot write the sealing state file "${this.displayName}" (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      'make its folder writable, or choose another file with `stateFile` (or $' + SEALING_STATE_ENV + ')');
  }

  private read(scope: IConstruct): Map<string, SealedStateEntry> {
    if (this.previous !== undefined) return this.previous;
    const what = `sealing state file "${this.displayName}"`;
    const fix = 'restore it from version control, or delete it to re-seal every secret (this needs every sealed credential at hand)';
    const text = fs.existsSync(this.path) ? readFileOf(scope, this.path, MAX_STATE_BYTES, {
      what, fix, tooLarge: () => ({ problem: `is over ${MAX_STATE_BYTES / 1024 / 1024} MiB, more than any sealing state needs`, fix }),
    }).toString('utf8') : undefined;
    const entries = new Map<string, SealedStateEntry>();
    if (text !== undefined) {
      // A sealing state nests 4 deep; JSON.parse of 8 million nested brackets takes seconds, this scan milliseconds.
      if (nestedDeeperThan(text, MAX_STATE_DEPTH)) {
        throw constructError(scope, `${what} is not a version ${FORMAT_VERSION} sealing state (nested more than ${MAX_STATE_DEPTH} deep)`, fix);
      }
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

/** The state files of one app, attached to its root: checked by its validation, written once it has passed. */
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

  /** Writes every state file that changed: called as the sealed values are resolved, after the app has validated. */
  public static writeAll(construct: IConstruct): void {
    const states = construct.node.root.node.tryFindChild(STATES_ID);
    if (states instanceof SealingStates) for (const file of states.files.values()) file.write();
  }

  private readonly files = new Map<string, SealingStateFile>();

  private constructor(root: Construct, id: string) {
    super(root, id);
    this.node.addValidation({ validate: () => [...this.files.values()].flatMap((file) => file.writeProblem() ?? []) });
  }
}

const STATES_ID = 'cdk8s-private-registry.SealingState';

/** Whether the JSON `text` nests arrays and objects more than `limit` deep (brackets inside strings do not count): one linear scan. */
function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

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
