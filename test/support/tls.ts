/**
 * Self-signed certificates for tests, made with openssl at test time (no key
 * material is checked in): for 127.0.0.1 and localhost, valid one day.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { childEnv } from './process';

/** A certificate and its key, as files and as PEM text. */
export interface SelfSignedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
}

/**
 * Writes `<dir>/<name>.crt` and `<dir>/<name>.key` with `openssl req -x509`:
 * CN=127.0.0.1, subjectAltName IP:127.0.0.1 and DNS:localhost, so only the
 * lack of a trusted issuer keeps it from verifying. Throws with openssl's
 * stderr when it fails.
 */
export function selfSignedCertificate(dir: string, name = 'tls'): SelfSignedCertificate {
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  const result = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '1',
    '-keyout', keyFile, '-out', certFile,
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { encoding: 'utf8', env: childEnv(), timeout: 30_000 });
  if (result.status !== 0) {
    throw new Error(`openssl req -x509 failed (exit ${result.status ?? result.signal}): ${result.stderr ?? result.error}`);
  }
  fs.chmodSync(keyFile, 0o600);
  return { certFile, keyFile, cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
}
