/**
 * Test key pairs for Sealed Secrets, made at test time with Node's crypto:
 * an RSA key pair and a self-signed X.509 certificate for it, shaped like
 * the one `kubeseal --fetch-cert` prints (validity dates of the test's
 * choosing, so an expired certificate needs no clock tricks).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A controller key pair as a test sees it. */
export interface SealingKeyPair {
  readonly privateKey: crypto.KeyObject;
  readonly publicKey: crypto.KeyObject;
  /** `-----BEGIN CERTIFICATE-----`, as `kubeseal --fetch-cert` prints. */
  readonly certificatePem: string;
  /** `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo). */
  readonly publicKeyPem: string;
}

/** Options for {@link makeSealingKeyPair}. */
export interface SealingKeyOptions {
  readonly bits?: number;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Another key type than RSA, for refusals. */
  readonly type?: 'rsa' | 'ec';
}

/** A fresh key pair and a self-signed certificate (valid from yesterday for ten years unless told). */
export function makeSealingKeyPair(options: SealingKeyOptions = {}): SealingKeyPair {
  const { privateKey, publicKey } = options.type === 'ec'
    ? crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    : crypto.generateKeyPairSync('rsa', { modulusLength: options.bits ?? 2048 });
  const now = Date.now();
  const notBefore = options.notBefore ?? new Date(now - 86_400_000);
  const notAfter = options.notAfter ?? new Date(now + 10 * 365 * 86_400_000);
  return {
    privateKey,
    publicKey,
    certificatePem: selfSignedCertificate(privateKey, publicKey, notBefore, notAfter),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

// --- a minimal DER writer, enough for one certificate ---
/* eslint-disable no-bitwise */

function der(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else if (length < 0x100) header = Buffer.from([tag, 0x81, length]);
  else header = Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.concat([header, content]);
}

const sequence = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
const integer = (value: number) => der(0x02, Buffer.from([value]));
const utf8 = (text: string) => der(0x0c, Buffer.from(text, 'utf8'));
const bitString = (bytes: Buffer) => der(0x03, Buffer.concat([Buffer.from([0]), bytes]));
const NULL = Buffer.from([0x05, 0x00]);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const part of rest) {
    const chunk = [part & 0x7f];
    for (let v = part >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  // UTCTime (YYMMDDHHMMSSZ) up to 2049, GeneralizedTime after, as RFC 5280 asks.
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
}

function selfSignedCertificate(privateKey: crypto.KeyObject, publicKey: crypto.KeyObject, notBefore: Date, notAfter: Date): string {
  const rsa = publicKey.asymmetricKeyType === 'rsa';
  const signatureAlgorithm = rsa ? sequence(oid('1.2.840.113549.1.1.11'), NULL) : sequence(oid('1.2.840.10045.4.3.2'));
  const name = sequence(set(sequence(oid('2.5.4.10'), utf8('sealed-secret'))), set(sequence(oid('2.5.4.3'), utf8('sealed-secret'))));
  const tbs = sequence(
    der(0xa0, integer(2)), // v3
    // A positive serial in minimal DER: first byte 0x40..0x7f (a leading 0x00 would be refused as non-minimal).
    der(0x02, Buffer.from(crypto.randomBytes(8).map((byte, i) => (i === 0 ? (byte & 0x3f) | 0x40 : byte)))),
    signatureAlgorithm,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = crypto.sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, signatureAlgorithm, bitString(signature));
  const lines = certificate.toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN CERTIFICATE-----\n${lines}\n-----END CERTIFICATE-----\n`;
}
