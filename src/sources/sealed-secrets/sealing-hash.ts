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

/**
 * The one set of parameters: new hashes are made with it, and a hash with any
 * other is never computed. The state file is committed input, so its hashes
 * may not choose their cost: cheaper would make guessing cheap, dearer would
 * let an edited file stall a synth (N = 2^20, r = 8, p = 4 is 1 GiB and tens
 * of seconds per entry). An entry whose hash has other parameters is stale.
 */
export const SCRYPT_PARAMETERS: ScryptParameters = { ln: 17, r: 8, p: 1 };
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Longer than any PHC string of {@link SCRYPT_PARAMETERS}. */
const MAX_PHC_LENGTH = 128;

/** The PHC string of the one parameter set: anchored, no nested quantifiers, so matching is linear and fails fast. */
const PHC = new RegExp(`^\\$scrypt\\$ln=${SCRYPT_PARAMETERS.ln},r=${SCRYPT_PARAMETERS.r},p=${SCRYPT_PARAMETERS.p}\\$([A-Za-z0-9+/]{22})\\$([A-Za-z0-9+/]{43})$`);

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
 * Whether `phc` is the hash of `plaintext`. False, without computing
 * anything, for a malformed string or parameters other than
 * {@link SCRYPT_PARAMETERS}: at most one scrypt of the fixed cost.
 */
export function plaintextMatches(plaintext: Buffer, phc: string): boolean {
  const parsed = parsePlaintextHash(phc);
  if (parsed === undefined) return false;
  return crypto.timingSafeEqual(scrypt(plaintext, parsed.salt, parsed.parameters), parsed.hash);
}

/** The parts of a PHC scrypt string this library writes, or undefined when it is not one (other parameters included). */
export function parsePlaintextHash(phc: string): ParsedPlaintextHash | undefined {
  if (typeof phc !== 'string' || phc.length > MAX_PHC_LENGTH) return undefined;
  const match = PHC.exec(phc);
  if (!match) return undefined;
  const salt = Buffer.from(match[1], 'base64');
  const hash = Buffer.from(match[2], 'base64');
  if (salt.length !== SALT_BYTES || hash.length !== HASH_BYTES) return undefined;
  return { parameters: SCRYPT_PARAMETERS, salt, hash };
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
