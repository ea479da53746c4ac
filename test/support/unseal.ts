/**
 * Opens a sealed value as the Sealed Secrets controller does
 * (pkg/crypto `HybridDecrypt`, described in REFERENCE §7), written from that
 * description and independent of the library's sealing code: Node's own
 * RSA-OAEP (SHA-256, with the label) and AES-256-GCM.
 *
 *   sealed = uint16 big-endian len(rsa) || rsa || aes-gcm ciphertext || 16-byte tag
 *   session key = RSA-OAEP-decrypt(private key, rsa, label)
 *   plaintext  = AES-256-GCM-open(session key, 12 zero bytes, rest)
 *
 * Labels: strict "<namespace>/<name>", namespace-wide "<namespace>", cluster-wide "".
 */
import * as crypto from 'crypto';

/** The label the controller opens a SealedSecret with, read from its metadata as `labelFor` does. */
export function labelOf(sealedSecret: any): string {
  const annotations = sealedSecret.metadata?.annotations ?? {};
  const namespace = sealedSecret.metadata?.namespace ?? '';
  if (annotations['sealedsecrets.bitnami.com/cluster-wide'] === 'true') return '';
  if (annotations['sealedsecrets.bitnami.com/namespace-wide'] === 'true') return namespace;
  return `${namespace}/${sealedSecret.metadata?.name}`;
}

/** The plaintext of a base64 sealed value, or throws when `label` or the key does not open it. */
export function unseal(privateKey: crypto.KeyObject, sealedBase64: string, label: string): Buffer {
  const sealed = Buffer.from(sealedBase64, 'base64');
  if (sealed.length < 2) throw new Error('sealed value too short');
  const rsaLength = sealed.readUInt16BE(0);
  if (sealed.length < 2 + rsaLength + 16) throw new Error('sealed value too short');
  const rsaCiphertext = sealed.subarray(2, 2 + rsaLength);
  const aesCiphertext = sealed.subarray(2 + rsaLength, sealed.length - 16);
  const tag = sealed.subarray(sealed.length - 16);
  const sessionKey = crypto.privateDecrypt(
    { key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label, 'utf8') },
    rsaCiphertext,
  );
  if (sessionKey.length !== 32) throw new Error(`session key of ${sessionKey.length} bytes`);
  const decipher = crypto.createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(aesCiphertext), decipher.final()]);
}

/** Opens `.dockerconfigjson` of an emitted SealedSecret with the label its metadata calls for. */
export function unsealDockerConfig(privateKey: crypto.KeyObject, sealedSecret: any): Buffer {
  return unseal(privateKey, sealedSecret.spec.encryptedData['.dockerconfigjson'], labelOf(sealedSecret));
}
