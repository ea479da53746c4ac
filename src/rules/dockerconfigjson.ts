/**
 * kubectl's registry secret format: the `kubernetes.io/dockerconfigjson`
 * type and key, and the `.dockerconfigjson` payload encoded exactly as
 * `kubectl create secret docker-registry` does; docker config files read as
 * the kubelet reads them. Pure functions, no constructs.
 * Facts and sources: docs/facts.md#kubectl-dockerconfigjson.
 */
import { compareGoStrings } from './go-string-order';
import { isPlainObject } from './objects';
import { registryServerProblem } from './registry-server';

/** The Secret type of a registry pull secret. */
export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
/** The single data key of a `kubernetes.io/dockerconfigjson` Secret. */
export const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';
/** The legacy pull secret type, whose payload is the bare server map (no outer `auths`). */
export const DOCKER_CFG_TYPE = 'kubernetes.io/dockercfg';
/** The data key of a `kubernetes.io/dockercfg` Secret. */
export const DOCKER_CFG_KEY = '.dockercfg';
/** The API server's limit on a Secret's total data size. */
export const MAX_SECRET_DATA_BYTES = 1024 * 1024;

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
  const servers = Object.keys(auths).sort(compareGoStrings);
  const body = servers.map((server) => `${goJsonString(server)}:${encodeDockerConfigEntry(auths[server])}`).join(',');
  return `{"auths":{${body}}}`;
}

/** What a docker config file holds that matters for pulling. */
export interface ParsedDockerConfig {
  /** Servers with a usable credential (an `auth`, or a username and password). */
  readonly usableServers: string[];
  /** Whether `credsStore` or `credHelpers` is set: those credentials never reach a cluster. */
  readonly usesCredentialHelpers: boolean;
  /** Usable-looking entries the kubelet cannot use, by key; described, never quoted. */
  readonly entryProblems: Array<{ readonly key: string; readonly problem: string }>;
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
  const usableServers = usableAuthsKeys(auths ?? {});
  const entryProblems = usableServers.flatMap((key) => {
    const problem = entryProblem(key, (auths as Record<string, Record<string, unknown>>)[key]);
    return problem === undefined ? [] : [{ key, problem }];
  });
  return {
    usableServers,
    usesCredentialHelpers: parsed.credsStore !== undefined || parsed.credHelpers !== undefined,
    entryProblems,
  };
}

/** Why the kubelet cannot use a usable-looking entry, or undefined. */
function entryProblem(key: string, entry: Record<string, unknown>): string | undefined {
  const server = registryServerProblem(key);
  if (server !== undefined) return `is not a registry server the kubelet can match: it ${server}`;
  const { auth } = entry;
  if (typeof auth === 'string' && auth !== '' && decodeAuthField(auth) === undefined) {
    return 'has an "auth" that is not base64 of "username:password"';
  }
  return undefined;
}

/**
 * An entry's `auth` as the kubelet decodes it: standard padded base64 (Go's
 * decoder skips CR and LF) of `username:password`, split at the first `:`.
 * Undefined when it is not.
 */
export function decodeAuthField(auth: string): { readonly username: string; readonly password: string } | undefined {
  const compact = auth.replace(/[\r\n]/g, '');
  if (!isStandardBase64(compact)) return undefined;
  const decoded = Buffer.from(compact, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The `auths` keys whose entry holds a credential, in payload order. */
export function usableAuthsKeys(auths: Record<string, unknown>): string[] {
  return Object.keys(auths).filter((server) => isUsableEntry(auths[server]));
}

/** The kubelet uses `auth` when set, else username and password (docs/facts.md#kubelet-keyring). */
function isUsableEntry(entry: unknown): boolean {
  if (!isPlainObject(entry)) return false;
  const { auth, username, password } = entry;
  if (typeof auth === 'string' && auth !== '') return true;
  return typeof username === 'string' && username !== '' && typeof password === 'string' && password !== '';
}

/** Standard alphabet, padded: what Go's base64.StdEncoding accepts (after the caller drops CR and LF). */
export function isStandardBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}
