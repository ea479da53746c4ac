/**
 * The salted slow hash that lets a synth tell whether a credential changed
 * since it was sealed, without keeping anything that tests a guess faster
 * than scrypt: scrypt (N = 2^17, r = 8, p = 1, as OWASP's password storage
 * guidance asks), a random 16-byte salt, 32 bytes of output, written as a
 * PHC string `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (unpadded base64).
 * Pure functions, no constructs.
 */
import * as crypto from 'crypto';
import { secretHashSuffix } from '../../rules/append-hash';
import { DOCKER_CONFIG_JSON_TYPE } from '../../rules/dockerconfigjson';

/** scrypt cost parameters. */
export interface ScryptParameters {
  /** log2 of the CPU/memory cost N. */
  readonly ln: number;
  /** Block size. */
  readonly r: number;
  /** Parallelization. */
  readonly p: number;
}

/** The parameters new hashes are made with. */
export const SCRYPT_PARAMETERS: ScryptParameters = { ln: 17, r: 8, p: 1 };
/** Weaker parameters than these are never accepted (a tampered state file cannot make guessing cheap). */
const MIN_PARAMETERS: ScryptParameters = SCRYPT_PARAMETERS;
/** Stronger parameters than these are refused too, so a state file cannot make a synth exhaust memory. */
const MAX_LN = 20;
const MAX_R = 16;
const MAX_P = 4;
const MAX_MEMORY_BYTES = 1024 * 1024 * 1024;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/;

/** A parsed PHC scrypt string. */
export interface ParsedPlaintextHash {
  readonly parameters: ScryptParameters;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** The PHC string of `plaintext` with a fresh random salt (or `salt`, for tests). */
export function hashPlaintext(plaintext: Buffer, salt: Buffer = crypto.randomBytes(SALT_BYTES)): string {
  const hash = scrypt(plaintext, salt, SCRYPT_PARAMETERS);
  return formatPhc(SCRYPT_PARAMETERS, salt, hash);
}

/**
 * Whether `phc` is the hash of `plaintext`. False for a malformed string
 * or parameters outside the accepted range (never a cheaper hash).
 */
export function plaintextMatches(plaintext: Buffer, phc: string): boolean {
  const parsed = parsePlaintextHash(phc);
  if (parsed === undefined) return false;
  return crypto.timingSafeEqual(scrypt(plaintext, parsed.salt, parsed.parameters), parsed.hash);
}

/** The parts of a PHC scrypt string this library writes, or undefined when it is not one or its cost is out of range. */
export function parsePlaintextHash(phc: string): ParsedPlaintextHash | undefined {
  const match = PHC.exec(phc);
  if (!match) return undefined;
  const parameters = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (parameters.ln < MIN_PARAMETERS.ln || parameters.ln > MAX_LN) return undefined;
  if (parameters.r < MIN_PARAMETERS.r || parameters.r > MAX_R) return undefined;
  if (parameters.p < MIN_PARAMETERS.p || parameters.p > MAX_P) return undefined;
  if (128 * 2 ** parameters.ln * parameters.r > MAX_MEMORY_BYTES) return undefined;
  const salt = Buffer.from(match[4], 'base64');
  const hash = Buffer.from(match[5], 'base64');
  if (salt.length !== SALT_BYTES || hash.length !== HASH_BYTES) return undefined;
  return { parameters, salt, hash };
}

/**
 * The `appendHash` suffix of a sealed secret: kubectl's suffix algorithm
 * applied to the salted hash instead of the plaintext, so it changes when
 * the credential does, and testing a guess against it costs an scrypt.
 */
export function sealedNameSuffix(name: string, phc: string): string {
  return secretHashSuffix({ name, type: DOCKER_CONFIG_JSON_TYPE, data: { '.dockerconfigjson.scrypt': Buffer.from(phc, 'utf8').toString('base64') } });
}

function scrypt(plaintext: Buffer, salt: Buffer, { ln, r, p }: ScryptParameters): Buffer {
  const N = 2 ** ln;
  return crypto.scryptSync(plaintext, salt, HASH_BYTES, { N, r, p, maxmem: 128 * N * r + 1024 * 1024 });
}

function formatPhc({ ln, r, p }: ScryptParameters, salt: Buffer, hash: Buffer): string {
  const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(hash)}`;
}
