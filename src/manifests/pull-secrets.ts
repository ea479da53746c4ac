/**
 * Pull secrets as the kubelet reads them (docs/facts.md#pull-secret-types): only
 * `kubernetes.io/dockerconfigjson` (`.dockerconfigjson`, with `auths`) and
 * legacy `kubernetes.io/dockercfg` (`.dockercfg`, the bare server map)
 * count. Decoded values stay inside {@link RegistryCredential}; every
 * message here names keys and fields, never their values.
 */
import { createHash } from 'crypto';
import { inspect } from 'util';
import {
  decodeAuthField, DOCKER_CFG_KEY, DOCKER_CFG_TYPE, DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, isStandardBase64, usableAuthsKeys,
} from '../rules/dockerconfigjson';
import { parseRegistryKey } from '../rules/keyring';
import { isPlainObject } from '../rules/objects';
import { displayServer } from '../rules/registry-server';

/** The data key each pull secret type must carry. */
const DATA_KEY: Readonly<Record<string, string>> = {
  [DOCKER_CONFIG_JSON_TYPE]: DOCKER_CONFIG_JSON_KEY,
  [DOCKER_CFG_TYPE]: DOCKER_CFG_KEY,
};

/**
 * A username and password for one registry. The values cannot leak by
 * accident: JSON, `util.inspect` and string conversion all print a placeholder.
 */
export class RegistryCredential {
  /** Identifies the credential for caching, without revealing it (never printed). */
  public readonly fingerprint: string;
  readonly #username: string;
  readonly #password: string;

  public constructor(username: string, password: string) {
    this.#username = username;
    this.#password = password;
    this.fingerprint = createHash('sha256').update(`${username}\0${password}`).digest('hex');
  }

  /** The `Authorization` header value for HTTP Basic. */
  public basicAuthorization(): string {
    return `Basic ${Buffer.from(`${this.#username}:${this.#password}`, 'utf8').toString('base64')}`;
  }

  /** A placeholder: credentials are never serialised. */
  public toJSON(): string {
    return '[credential]';
  }

  /** A placeholder: credentials are never printed. */
  public toString(): string {
    return '[credential]';
  }

  /** A placeholder for console.log and util.inspect. */
  public [inspect.custom](): string {
    return 'RegistryCredential [redacted]';
  }
}

/** A pull secret whose payload decoded. */
export interface DecodedPullSecret {
  readonly ok: true;
  /** The `auths` keys with a usable credential, in payload order. */
  readonly keys: readonly string[];
  /** key → credential, for those keys. */
  readonly credentials: ReadonlyMap<string, RegistryCredential>;
  /** Entries the kubelet cannot use (e.g. an `auth` that is not base64 of `user:password`); described, not quoted. */
  readonly entryProblems: readonly string[];
}

/** A Secret that is no pull secret, or whose payload does not decode. */
export interface UnusablePullSecret {
  readonly ok: false;
  /** `wrong-type`: not a docker config secret at all; `invalid`: the payload is broken. */
  readonly reason: 'wrong-type' | 'invalid';
  /** What is wrong, without the content. */
  readonly problem: string;
  /** JSON pointer of the field concerned, within the Secret. */
  readonly pointer: string;
}

/** Whether a Secret's type is one the kubelet reads pull credentials from. */
export function isPullSecretType(type: unknown): boolean {
  return typeof type === 'string' && DATA_KEY[type] !== undefined;
}

/**
 * Decodes a Secret object as the kubelet would use it for pulls: checks the
 * type, reads the data key (from `stringData`, which the API server merges
 * over `data`, else base64 `data`), parses the JSON and extracts each
 * usable entry (`auth` wins over username/password).
 */
export function decodePullSecret(secret: Readonly<Record<string, unknown>>): DecodedPullSecret | UnusablePullSecret {
  const type = secret.type ?? 'Opaque';
  const dataKey = typeof type === 'string' ? DATA_KEY[type] : undefined;
  if (dataKey === undefined) {
    return {
      ok: false,
      reason: 'wrong-type',
      problem: `${describeType(type)}, but the kubelet reads pull credentials only from "${DOCKER_CONFIG_JSON_TYPE}" (or legacy "${DOCKER_CFG_TYPE}")`,
      pointer: '/type',
    };
  }
  const invalid = (problem: string, pointer: string): UnusablePullSecret => ({ ok: false, reason: 'invalid', problem, pointer });
  const payload = readPayload(secret, dataKey);
  if (typeof payload !== 'string') {
    return invalid(payload.problem, payload.pointer);
  }
  const pointer = `${secret.stringData !== undefined && isPlainObject(secret.stringData) && dataKey in secret.stringData ? '/stringData' : '/data'}/${dataKey}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    // JSON.parse messages quote the text: never pass them on.
    return invalid(`has a ${dataKey} that is not valid JSON`, pointer);
  }
  if (!isPlainObject(parsed)) {
    return invalid(`has a ${dataKey} that is not a JSON object`, pointer);
  }
  if (dataKey === DOCKER_CONFIG_JSON_KEY && !isPlainObject(parsed.auths)) {
    return invalid(`has a .dockerconfigjson ${parsed.auths === undefined ? 'without an "auths" object' : 'whose "auths" is not an object'}`, pointer);
  }
  const auths = (dataKey === DOCKER_CFG_KEY ? parsed : parsed.auths) as Record<string, unknown>;
  return { ok: true, ...credentialsOf(auths, usableAuthsKeys(auths)) };
}

/** "has type X", quoting X only when it looks like a type name (the manifest's other text is never quoted). */
function describeType(type: unknown): string {
  if (typeof type !== 'string') return 'has a "type" that is not a string';
  return /^[A-Za-z0-9._/-]{1,253}$/.test(type) ? `has type ${JSON.stringify(type)}` : 'has a "type" that is no secret type name';
}

/** The decoded payload text, or what is wrong with the field. */
function readPayload(secret: Readonly<Record<string, unknown>>, dataKey: string): string | { problem: string; pointer: string } {
  const { data, stringData } = secret;
  if (isPlainObject(stringData) && stringData[dataKey] !== undefined) {
    const text = stringData[dataKey];
    return typeof text === 'string' ? text : { problem: `has a ${dataKey} in stringData that is not a string`, pointer: `/stringData/${dataKey}` };
  }
  const pointer = `/data/${dataKey}`;
  const encoded = isPlainObject(data) ? data[dataKey] : undefined;
  if (encoded === undefined || encoded === null) {
    return { problem: `has no ${dataKey} key in data or stringData`, pointer };
  }
  if (typeof encoded !== 'string') {
    return { problem: `has a ${dataKey} in data that is not a string`, pointer };
  }
  // Go's base64 decoder (how the API server reads `data`) skips CR and LF, nothing else.
  const compact = encoded.replace(/[\r\n]/g, '');
  if (compact === '') {
    return { problem: `has an empty ${dataKey} in data`, pointer };
  }
  if (!isStandardBase64(compact)) {
    return { problem: `has a ${dataKey} in data that is not valid base64 (standard alphabet, padded)`, pointer };
  }
  const bytes = Buffer.from(compact, 'base64');
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    return { problem: `has a ${dataKey} in data that does not decode to UTF-8 text`, pointer };
  }
  return text;
}

function credentialsOf(auths: Record<string, unknown>, usable: readonly string[]) {
  const keys: string[] = [];
  const credentials = new Map<string, RegistryCredential>();
  const entryProblems: string[] = [];
  for (const key of usable) {
    try {
      parseRegistryKey(key);
    } catch {
      entryProblems.push(`the kubelet ignores key ${JSON.stringify(displayServer(key))}: it is not a valid URL`);
      continue;
    }
    const entry = auths[key] as Record<string, unknown>;
    const credential = credentialOfEntry(entry);
    if (credential === undefined) {
      entryProblems.push(`the "auth" of key ${JSON.stringify(displayServer(key))} is not base64 of "username:password"`);
      continue;
    }
    keys.push(key);
    credentials.set(key, credential);
  }
  return { keys, credentials, entryProblems };
}

/** The kubelet uses a non-empty `auth` (base64 of `user:password`) over username/password. */
function credentialOfEntry(entry: Record<string, unknown>): RegistryCredential | undefined {
  const { auth, username, password } = entry;
  if (typeof auth === 'string' && auth !== '') {
    const decoded = decodeAuthField(auth);
    return decoded === undefined ? undefined : new RegistryCredential(decoded.username, decoded.password);
  }
  return new RegistryCredential(String(username), String(password));
}


