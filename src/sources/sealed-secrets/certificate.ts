/**
 * The Sealed Secrets controller's public key, read from the PEM that
 * `kubeseal --fetch-cert` prints (an X.509 certificate) or from a bare RSA
 * public key PEM. Problems are described without quoting the input.
 * Linear in the input, which is capped at {@link MAX_CERTIFICATE_BYTES}
 * whether it comes from a file or inline: PEM blocks are found by one scan
 * of the lines (as Go's `pem.Decode`, a block starts at the start of a
 * line), never by a regular expression over the whole text.
 * Pure functions, no constructs.
 */
import * as crypto from 'crypto';
import { rsaModulusBits } from './kubeseal';

/** The smallest RSA key accepted for sealing (the controller makes 4096-bit keys). */
export const MIN_SEALING_KEY_BITS = 2048;
/** A certificate file larger than this is not a certificate (a chain of a few certificates is a few KiB). */
export const MAX_CERTIFICATE_BYTES = 256 * 1024;

/** A usable sealing key. */
export interface SealingKey {
  readonly publicKey: crypto.KeyObject;
  /** `sha256:<hex>` of the key's SubjectPublicKeyInfo (DER): changes when the controller's key does. */
  readonly fingerprint: string;
  /** The certificate's end of validity; undefined for a bare public key. */
  readonly notAfter?: Date;
}

/** What reading a PEM gave: the key, or a problem (a phrase to follow the input's description) and its fix. */
export type SealingKeyResult = { readonly key: SealingKey } | { readonly problem: string; readonly fix: string };

const FETCH_CERT_FIX = 'pass the certificate `kubeseal --fetch-cert` prints (-----BEGIN CERTIFICATE-----), or the controller\'s RSA public key';
/** A BEGIN or END line: the type is short, so a longer line is no boundary (and is never matched against). */
const BOUNDARY = /^-----(BEGIN|END) ([A-Z0-9 ]{1,64})-----$/;
const MAX_BOUNDARY_LENGTH = 80;

/** One `-----BEGIN type-----` … `-----END type-----` block. */
export interface PemBlock {
  readonly type: string;
  /** The lines between BEGIN and END, joined by newlines. */
  readonly body: string;
}

/** The blocks of `pem`, and whether a BEGIN line was left without its END line. */
export function pemBlocks(pem: string): { readonly blocks: PemBlock[]; readonly unterminated: boolean } {
  const blocks: PemBlock[] = [];
  let open: { type: string; lines: string[] } | undefined;
  let unterminated = false;
  for (let start = 0; start <= pem.length;) {
    let end = pem.indexOf('\n', start);
    if (end < 0) end = pem.length;
    const line = pem.slice(start, trimmedEnd(pem, start, end));
    start = end + 1;
    const boundary = line.length <= MAX_BOUNDARY_LENGTH && line.startsWith('-----') ? BOUNDARY.exec(line) : null;
    if (boundary?.[1] === 'BEGIN') {
      // A BEGIN inside an open block: the open one never ends; the new one starts here.
      if (open !== undefined) unterminated = true;
      open = { type: boundary[2], lines: [] };
    } else if (boundary?.[1] === 'END' && open !== undefined) {
      if (boundary[2] === open.type) blocks.push({ type: open.type, body: open.lines.join('\n') });
      else unterminated = true;
      open = undefined;
    } else if (open !== undefined) {
      open.lines.push(line);
    }
  }
  return { blocks, unterminated: unterminated || open !== undefined };
}

/** Where the line from `start` to `end` ends without trailing spaces, tabs and CR (a loop: a regex would backtrack on long runs of spaces). */
function trimmedEnd(text: string, start: number, end: number): number {
  let trimmed = end;
  while (trimmed > start && (text[trimmed - 1] === ' ' || text[trimmed - 1] === '\t' || text[trimmed - 1] === '\r')) trimmed--;
  return trimmed;
}

/**
 * Reads the first certificate of `pem` (as kubeseal's `ParseKey`), or else
 * its first `PUBLIC KEY` / `RSA PUBLIC KEY` block, and checks that it holds
 * an RSA key of at least {@link MIN_SEALING_KEY_BITS} bits. A PEM holding a
 * private key is refused: the private key must never reach the app.
 */
export function readSealingKey(pem: string): SealingKeyResult {
  const bytes = Buffer.byteLength(pem, 'utf8');
  if (bytes > MAX_CERTIFICATE_BYTES) {
    return { problem: `is ${bytes} bytes, too large for a certificate (at most ${MAX_CERTIFICATE_BYTES})`, fix: FETCH_CERT_FIX };
  }
  const { blocks, unterminated } = pemBlocks(pem);
  if (blocks.length === 0) {
    return unterminated
      ? { problem: 'is not PEM (a -----BEGIN ...----- line without its -----END ...----- line)', fix: FETCH_CERT_FIX }
      : { problem: 'is not PEM (no -----BEGIN ...----- block)', fix: FETCH_CERT_FIX };
  }
  if (blocks.some((block) => block.type.endsWith('PRIVATE KEY'))) {
    return { problem: 'holds a private key', fix: `keep the controller's private key out of the app and delete this copy; ${FETCH_CERT_FIX}` };
  }
  const certificate = blocks.find((block) => block.type === 'CERTIFICATE');
  const publicKey = blocks.find((block) => block.type === 'PUBLIC KEY' || block.type === 'RSA PUBLIC KEY');
  let key: crypto.KeyObject;
  let notAfter: Date | undefined;
  try {
    if (certificate !== undefined) {
      const x509 = new crypto.X509Certificate(pemOf(certificate.type, certificate.body));
      key = x509.publicKey;
      notAfter = new Date(x509.validTo);
    } else if (publicKey !== undefined) {
      key = crypto.createPublicKey({ key: pemOf(publicKey.type, publicKey.body), format: 'pem' });
    } else {
      return { problem: `holds no certificate or public key (found ${[...new Set(blocks.map((block) => block.type))].join(', ')})`, fix: FETCH_CERT_FIX };
    }
  } catch {
    return { problem: `is not a valid ${certificate !== undefined ? 'X.509 certificate' : 'public key'} PEM`, fix: FETCH_CERT_FIX };
  }
  if (key.asymmetricKeyType !== 'rsa') {
    return { problem: `holds a key of type ${key.asymmetricKeyType ?? 'unknown'}, not RSA`, fix: `Sealed Secrets seals with RSA keys; ${FETCH_CERT_FIX}` };
  }
  const bits = rsaModulusBits(key);
  if (bits < MIN_SEALING_KEY_BITS) {
    return {
      problem: `holds a ${bits}-bit RSA key; at least ${MIN_SEALING_KEY_BITS} bits are required`,
      fix: 'fetch the certificate of the Sealed Secrets controller (it makes 4096-bit keys) with `kubeseal --fetch-cert`',
    };
  }
  const fingerprint = `sha256:${crypto.createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex')}`;
  return { key: { publicKey: key, fingerprint, notAfter: notAfter !== undefined && !isNaN(notAfter.getTime()) ? notAfter : undefined } };
}

/** Whether a certificate valid until `notAfter` has expired at `now`. */
export function certificateExpired(notAfter: Date | undefined, now: Date): boolean {
  return notAfter !== undefined && now.getTime() > notAfter.getTime();
}

function pemOf(type: string, body: string): string {
  return `-----BEGIN ${type}-----\n${body.trim()}\n-----END ${type}-----\n`;
}
