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
 * kubeseal's `HybridEncrypt`: a random 32-byte session key; returns the
 * 2-byte big-endian length of the RSA ciphertext, the RSA-OAEP (SHA-256,
 * MGF1 SHA-256, `label`) encryption of the session key, and the AES-256-GCM
 * encryption of `plaintext` under a zero nonce with its 16-byte tag. Both
 * ciphers are Node's own (OpenSSL's OAEP is Go's `rsa.EncryptOAEP`).
 */
export function hybridEncrypt(publicKey: crypto.KeyObject, plaintext: Buffer, label: Buffer): Buffer {
  const sessionKey = crypto.randomBytes(SESSION_KEY_BYTES);
  const rsaCiphertext = crypto.publicEncrypt(
    { key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, sessionKey);
  const cipher = crypto.createCipheriv('aes-256-gcm', sessionKey, GCM_NONCE);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsaCiphertext.length);
  return Buffer.concat([length, rsaCiphertext, sealed]);
}

/** The modulus size of an RSA key in bits. */
export function rsaModulusBits(key: crypto.KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || bits === undefined) throw new Error('not an RSA key');
  return bits;
}
