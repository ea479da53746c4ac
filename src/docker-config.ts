import { isPlainObject } from './objects';

/**
 * The `.dockerconfigjson` payload, encoded exactly as `kubectl create secret
 * docker-registry` does (REFERENCE.md §1). Pure functions, no constructs.
 */

/** One registry entry of a docker config, as kubectl builds it. */
export interface DockerConfigEntry {
  readonly username: string;
  readonly password: string;
  readonly email?: string;
}

/**
 * Encodes a string the way Go's encoding/json does: like JSON.stringify,
 * plus the HTML-safe escapes of `<`, `>`, `&` and the JavaScript line
 * terminators U+2028/U+2029. Lone surrogates become U+FFFD, as Go writes
 * invalid UTF-8.
 */
export function goJsonString(value: string): string {
  return JSON.stringify(value.replace(LONE_SURROGATE, '\uFFFD')).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** base64 (standard alphabet, padded) of the UTF-8 bytes of `text`. */
export function base64Utf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** kubectl's `auth` field: base64(username + ":" + password). */
export function basicAuth(username: string, password: string): string {
  return base64Utf8(`${username}:${password}`);
}

/**
 * One `auths` entry: fields in kubectl's order (username, password, email,
 * auth), each omitted when empty (Go's `omitempty`).
 */
export function encodeDockerConfigEntry(entry: DockerConfigEntry): string {
  const fields: Array<[string, string | undefined]> = [
    ['username', entry.username],
    ['password', entry.password],
    ['email', entry.email],
    ['auth', basicAuth(entry.username, entry.password)],
  ];
  const body = fields
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${goJsonString(key)}:${goJsonString(value!)}`)
    .join(',');
  return `{${body}}`;
}

/**
 * The whole `.dockerconfigjson` payload for one or more servers: compact,
 * no trailing newline, servers in Go's map order (sorted by UTF-8 bytes).
 */
export function encodeDockerConfigJson(auths: Record<string, DockerConfigEntry>): string {
  const servers = Object.keys(auths).sort(compareUtf8);
  const body = servers.map((server) => `${goJsonString(server)}:${encodeDockerConfigEntry(auths[server])}`).join(',');
  return `{"auths":{${body}}}`;
}

/** Byte-wise comparison of the UTF-8 encodings, the order Go sorts map keys in. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** What a docker config file holds that matters for pulling. */
export interface ParsedDockerConfig {
  /** Servers with a usable credential (an `auth`, or a username and password). */
  readonly usableServers: string[];
  /** Servers whose entry carries no usable credential (e.g. left by a credential store). */
  readonly unusableServers: string[];
  /** Whether `credsStore` or `credHelpers` is set: those credentials never reach a cluster. */
  readonly usesCredentialHelpers: boolean;
}

/**
 * Reads a docker `config.json` (or a `.dockerconfigjson` payload). Throws an
 * Error whose message never quotes the content, since it holds secrets.
 */
export function parseDockerConfig(text: string): ParsedDockerConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('is not valid JSON');
  }
  if (!isPlainObject(parsed)) {
    throw new Error('is not a JSON object');
  }
  const auths = parsed.auths;
  if (auths !== undefined && !isPlainObject(auths)) {
    throw new Error('has an "auths" field that is not an object');
  }
  const entries = Object.keys(auths ?? {});
  const usableServers = usableAuthsKeys(auths ?? {});
  return {
    usableServers,
    unusableServers: entries.filter((server) => !usableServers.includes(server)),
    usesCredentialHelpers: parsed.credsStore !== undefined || parsed.credHelpers !== undefined,
  };
}

/** The `auths` keys whose entry holds a credential, in payload order. */
export function usableAuthsKeys(auths: Record<string, unknown>): string[] {
  return Object.keys(auths).filter((server) => isUsableEntry(auths[server]));
}

/** The kubelet uses `auth` when set, else username and password (REFERENCE.md §2.6). */
function isUsableEntry(entry: unknown): boolean {
  if (!isPlainObject(entry)) return false;
  const { auth, username, password } = entry;
  if (typeof auth === 'string' && auth !== '') return true;
  return typeof username === 'string' && username !== '' && typeof password === 'string' && password !== '';
}
