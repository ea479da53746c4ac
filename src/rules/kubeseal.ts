/**
 * Sealing one value as kubeseal does (bitnami-labs/sealed-secrets,
 * pkg/crypto `HybridEncrypt`, and the scope labels of
 * pkg/apis/sealedsecrets/v1alpha1): a random AES-256-GCM session key,
 * encrypted with RSA-OAEP (SHA-256, the scope's label) for the controller's
 * public key. Node's own crypto only; pure functions, no constructs.
 * Facts and sources: docs/facts.md#sealed-secrets.
 */
import * as crypto from 'crypto';

/** The `apiVersion` of a SealedSecret. */
export const SEALED_SECRET_API_VERSION = 'bitnami.com/v1alpha1';
/** The `kind` of a SealedSecret. */
export const SEALED_SECRET_KIND = 'SealedSecret';
/** Annotation of a namespace-wide SealedSecret (and its template). */
export const NAMESPACE_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/namespace-wide';
/** Annotation of a cluster-wide SealedSecret (and its template). */
export const CLUSTER_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/cluster-wide';

/** kubeseal's `--scope` values. */
export type KubesealScope = 'strict' | 'namespace-wide' | 'cluster-wide';

/** Bytes of the AES-256 session key (`sessionKeyBytes`). */
export const SESSION_KEY_BYTES = 32;
/** The GCM nonce: 12 zero bytes, safe because each session key seals one value. */
const GCM_NONCE = Buffer.alloc(12);
const SHA256_BYTES = 32;

/** A source of random bytes, as Go's `io.Reader` in `HybridEncrypt`: injectable so tests can fix it. */
export type RandomSource = (size: number) => Buffer;

/**
 * The OAEP label that binds a sealed value to where the controller may open
 * it (`EncryptionLabel`): strict `"<namespace>/<name>"`, namespace-wide
 * `"<namespace>"`, cluster-wide `""`.
 */
export function sealingLabel(scope: KubesealScope, namespace: string, name: string): Buffer {
  switch (scope) {
    case 'cluster-wide': return Buffer.alloc(0);
    case 'namespace-wide': return Buffer.from(namespace, 'utf8');
    default: return Buffer.from(`${namespace}/${name}`, 'utf8');
  }
}

/**
 * `annotations` with the scope annotation set as `UpdateScopeAnnotations`
 * does: both scope keys removed, then the one of `scope` (none for strict).
 */
export function withScopeAnnotation(scope: KubesealScope, annotations: { readonly [key: string]: string } = {}): { [key: string]: string } {
  const result: { [key: string]: string } = { ...annotations };
  delete result[NAMESPACE_WIDE_ANNOTATION];
  delete result[CLUSTER_WIDE_ANNOTATION];
  if (scope === 'namespace-wide') result[NAMESPACE_WIDE_ANNOTATION] = 'true';
  if (scope === 'cluster-wide') result[CLUSTER_WIDE_ANNOTATION] = 'true';
  return result;
}

/**
 * kubeseal's `HybridEncrypt`: reads a 32-byte session key, then the OAEP
 * seed, from `random` (the order Go reads them); returns the 2-byte
 * big-endian length of the RSA ciphertext, the RSA-OAEP (SHA-256, MGF1
 * SHA-256, `label`) encryption of the session key, and the AES-256-GCM
 * encryption of `plaintext` under a zero nonce with its 16-byte tag.
 */
export function hybridEncrypt(
  publicKey: crypto.KeyObject, plaintext: Buffer, label: Buffer, random: RandomSource = crypto.randomBytes,
): Buffer {
  const sessionKey = random(SESSION_KEY_BYTES);
  const rsaCiphertext = rsaOaepEncrypt(publicKey, sessionKey, label, random);
  const cipher = crypto.createCipheriv('aes-256-gcm', sessionKey, GCM_NONCE);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsaCiphertext.length);
  return Buffer.concat([length, rsaCiphertext, sealed]);
}

/**
 * RSAES-OAEP-ENCRYPT (RFC 8017 §7.1.1) with SHA-256 for the hash and MGF1,
 * as Go's `rsa.EncryptOAEP(sha256.New(), ...)`. The encoding is done here so
 * the seed comes from `random`; the RSA primitive is Node's (no padding).
 */
export function rsaOaepEncrypt(publicKey: crypto.KeyObject, message: Buffer, label: Buffer, random: RandomSource): Buffer {
  const k = Math.ceil(rsaModulusBits(publicKey) / 8);
  if (message.length > k - 2 * SHA256_BYTES - 2) {
    throw new Error(`message too long for RSA-OAEP with a ${k * 8}-bit key`);
  }
  const labelHash = sha256(label);
  const padding = Buffer.alloc(k - message.length - 2 * SHA256_BYTES - 2);
  const dataBlock = Buffer.concat([labelHash, padding, Buffer.from([1]), message]);
  const seed = random(SHA256_BYTES);
  if (seed.length !== SHA256_BYTES) throw new Error('the random source returned too few bytes');
  const maskedDataBlock = xor(dataBlock, mgf1(seed, dataBlock.length));
  const maskedSeed = xor(seed, mgf1(maskedDataBlock, SHA256_BYTES));
  const encoded = Buffer.concat([Buffer.from([0]), maskedSeed, maskedDataBlock]);
  return crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_NO_PADDING }, encoded);
}

/** The modulus size of an RSA key in bits. */
export function rsaModulusBits(key: crypto.KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || bits === undefined) throw new Error('not an RSA key');
  return bits;
}

/** MGF1 with SHA-256 (RFC 8017 §B.2.1). */
function mgf1(seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * SHA256_BYTES < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(sha256(Buffer.concat([seed, c])));
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function sha256(data: Buffer): Buffer {
  return crypto.createHash('sha256').update(data).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  // eslint-disable-next-line no-bitwise
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}
