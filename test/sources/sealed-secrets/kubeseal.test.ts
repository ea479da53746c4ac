import * as crypto from 'crypto';
import { certificateExpired, readSealingKey } from '../../../src/sources/sealed-secrets/certificate';
import { hybridEncrypt, sealingLabel, withScopeAnnotation } from '../../../src/sources/sealed-secrets/kubeseal';
import { hashPlaintext, parsePlaintextHash, plaintextMatches, sealedNameSuffix } from '../../../src/sources/sealed-secrets/sealing-hash';
import { makeSealingKeyPair, SealingKeyPair } from '../../support/sealing-keys';
import { unseal } from '../../support/unseal';

// The package is an ES module with a CommonJS build: required, with its one function typed here.
const { encryptSecretItem } = jest.requireActual<{ encryptSecretItem(pem: string, namespace: string, data: string): Promise<string> }>('@linode/kubeseal-encrypt');

let keys: SealingKeyPair;
beforeAll(() => {
  keys = makeSealingKeyPair();
});

describe('sealingLabel (EncryptionLabel)', () => {
  test.each([
    ['strict', 'team-a', 'quay-pull', 'team-a/quay-pull'],
    ['namespace-wide', 'team-a', 'quay-pull', 'team-a'],
    ['cluster-wide', 'team-a', 'quay-pull', ''],
  ] as const)('%s', (scope, namespace, name, label) => {
    expect(sealingLabel(scope, namespace, name).toString('utf8')).toBe(label);
  });
});

describe('withScopeAnnotation (UpdateScopeAnnotations)', () => {
  test.each([
    ['strict', {}, {}],
    ['namespace-wide', {}, { 'sealedsecrets.bitnami.com/namespace-wide': 'true' }],
    ['cluster-wide', { a: 'b' }, { 'a': 'b', 'sealedsecrets.bitnami.com/cluster-wide': 'true' }],
    ['strict', { 'sealedsecrets.bitnami.com/cluster-wide': 'true', 'a': 'b' }, { a: 'b' }],
  ] as const)('%s over %j', (scope, given, expected) => {
    expect(withScopeAnnotation(scope, given)).toEqual(expected);
  });
});

describe('hybridEncrypt (HybridEncrypt)', () => {
  const plaintext = Buffer.from('{"auths":{"quay.io":{"username":"u","password":"p","auth":"dTpw"}}}');

  test.each([
    ['strict', 'team-a/quay-pull'],
    ['namespace-wide', 'team-a'],
    ['cluster-wide', ''],
  ] as const)('a %s value opens with its label and no other', (scope, label) => {
    const sealed = hybridEncrypt(keys.publicKey, plaintext, sealingLabel(scope, 'team-a', 'quay-pull')).toString('base64');
    expect(unseal(keys.privateKey, sealed, label)).toEqual(plaintext);
    for (const other of ['team-a/quay-pull', 'team-a', '', 'team-b/quay-pull', 'team-a/other'].filter((l) => l !== label)) {
      expect(() => unseal(keys.privateKey, sealed, other)).toThrow();
    }
  });

  test('layout: 2-byte length, RSA ciphertext of the key size, GCM ciphertext plus 16-byte tag', () => {
    const sealed = hybridEncrypt(keys.publicKey, plaintext, Buffer.from('ns/name'));
    expect(sealed.readUInt16BE(0)).toBe(256);
    expect(sealed.length).toBe(2 + 256 + plaintext.length + 16);
  });

  test('randomized: each seal has its own session key, and each opens the way the controller opens it', () => {
    const label = Buffer.from('ns/name');
    const first = hybridEncrypt(keys.publicKey, plaintext, label);
    const second = hybridEncrypt(keys.publicKey, plaintext, label);
    expect(first.equals(second)).toBe(false);
    for (const sealed of [first, second]) {
      // The controller's steps, one by one: RSA-OAEP (SHA-256, label) opens the session key, AES-256-GCM (zero nonce) the value.
      const rsaLength = sealed.readUInt16BE(0);
      const sessionKey = crypto.privateDecrypt(
        { key: keys.privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label },
        sealed.subarray(2, 2 + rsaLength));
      expect(sessionKey.length).toBe(32);
      const body = sealed.subarray(2 + rsaLength);
      const decipher = crypto.createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
      decipher.setAuthTag(body.subarray(body.length - 16));
      expect(Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()])).toEqual(plaintext);
    }
  });
});

describe('the unseal test helper, proven on an independent implementation (@linode/kubeseal-encrypt, namespace-wide)', () => {
  test.each([
    ['a docker config', '{"auths":{"ghcr.io":{"username":"robot","password":"S3cret<&>","auth":"cm9ib3Q6UzNjcmV0PCY+"}}}'],
    ['unicode', 'pässwörd ✓ 😀'],
  ])('%s sealed by kubeseal-encrypt opens with the namespace label, not another', async (_t, value) => {
    const sealed = await encryptSecretItem(keys.publicKeyPem, 'team-a', value);
    expect(unseal(keys.privateKey, sealed, 'team-a').toString('utf8')).toBe(value);
    expect(() => unseal(keys.privateKey, sealed, 'team-b')).toThrow();
    expect(() => unseal(keys.privateKey, sealed, '')).toThrow();
    expect(() => unseal(keys.privateKey, sealed, 'team-a/x')).toThrow();
  });

  test('values of both implementations have the same layout', async () => {
    const value = 'x'.repeat(100);
    const theirs = Buffer.from(await encryptSecretItem(keys.publicKeyPem, 'team-a', value), 'base64');
    const ours = hybridEncrypt(keys.publicKey, Buffer.from(value), Buffer.from('team-a'));
    expect(theirs.length).toBe(ours.length);
    expect(theirs.readUInt16BE(0)).toBe(ours.readUInt16BE(0));
  });

  test('a tampered value does not open', () => {
    const sealed = hybridEncrypt(keys.publicKey, Buffer.from('value'), Buffer.from('ns'));
    sealed[sealed.length - 1] = 255 - sealed[sealed.length - 1];
    expect(() => unseal(keys.privateKey, sealed.toString('base64'), 'ns')).toThrow();
  });
});

describe('readSealingKey', () => {
  test('a certificate as kubeseal --fetch-cert prints it, and the bare public key, give the same key', () => {
    const fromCertificate = readSealingKey(keys.certificatePem);
    const fromPublicKey = readSealingKey(keys.publicKeyPem);
    const pkcs1 = readSealingKey(keys.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString());
    if (!('key' in fromCertificate) || !('key' in fromPublicKey) || !('key' in pkcs1)) throw new Error('expected keys');
    expect(fromCertificate.key.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fromPublicKey.key.fingerprint).toBe(fromCertificate.key.fingerprint);
    expect(pkcs1.key.fingerprint).toBe(fromCertificate.key.fingerprint);
    expect(fromCertificate.key.notAfter).toBeInstanceOf(Date);
    expect(fromPublicKey.key.notAfter).toBeUndefined();
  });

  test('text around the PEM block (as in a file with comments) is ignored', () => {
    expect('key' in readSealingKey(`# controller cert\n${keys.certificatePem}\n`)).toBe(true);
  });

  const ecKey = () => makeSealingKeyPair({ type: 'ec' });
  test.each([
    ['no PEM', () => 'hello', 'is not PEM (no -----BEGIN ...----- block)'],
    ['a private key', () => keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'holds a private key'],
    ['a certificate and its private key', () => keys.certificatePem + keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), 'holds a private key'],
    ['a broken certificate', () => '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'is not a valid X.509 certificate PEM'],
    ['an EC certificate', () => ecKey().certificatePem, 'holds a key of type ec, not RSA'],
    ['an EC public key', () => ecKey().publicKeyPem, 'holds a key of type ec, not RSA'],
    ['a 1024-bit key', () => makeSealingKeyPair({ bits: 1024 }).certificatePem, 'holds a 1024-bit RSA key; at least 2048 bits are required'],
    ['another PEM block', () => '-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n', 'holds no certificate or public key (found X509 CRL)'],
  ])('%s is refused, without quoting the input', (_t, pem, problem) => {
    const text = pem();
    const result = readSealingKey(text);
    if (!('problem' in result)) throw new Error('expected a problem');
    expect(result.problem).toBe(problem);
    const body = text.split('\n').find((line) => line.length > 20 && !line.startsWith('-----'));
    if (body) expect(`${result.problem} ${result.fix}`).not.toContain(body);
  });

  test('certificateExpired', () => {
    const now = new Date('2025-06-01T00:00:00Z');
    expect(certificateExpired(new Date('2025-05-31T23:59:59Z'), now)).toBe(true);
    expect(certificateExpired(new Date('2025-06-02T00:00:00Z'), now)).toBe(false);
    expect(certificateExpired(undefined, now)).toBe(false);
  });
});

describe('the plaintext hash (scrypt)', () => {
  const plaintext = Buffer.from('{"auths":{"quay.io":{"username":"u","password":"p","auth":"dTpw"}}}');
  let phc: string;
  beforeAll(() => {
    phc = hashPlaintext(plaintext);
  });

  test('a PHC scrypt string with N = 2^17, r = 8, p = 1 and a 16-byte salt; matches only its plaintext', () => {
    expect(phc).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(plaintextMatches(plaintext, phc)).toBe(true);
    expect(plaintextMatches(Buffer.from(plaintext.toString().replace('"p"', '"q"')), phc)).toBe(false);
  });

  test('salted: the same plaintext hashes differently each time; the same salt gives the same hash', () => {
    const salt = crypto.randomBytes(16);
    expect(hashPlaintext(plaintext, salt)).toBe(hashPlaintext(plaintext, salt));
    expect(hashPlaintext(plaintext)).not.toBe(phc);
  });

  test.each([
    ['cheaper N', (s: string) => s.replace('ln=17', 'ln=10')],
    ['cheaper r', (s: string) => s.replace('r=8', 'r=1')],
    ['memory beyond 1 GiB', (s: string) => s.replace('ln=17,r=8', 'ln=20,r=16')],
    ['another algorithm', (s: string) => s.replace('$scrypt$', '$sha256$')],
    ['a short salt', (s: string) => s.replace(/\$[A-Za-z0-9+/]{22}\$/, '$AAAA$')],
  ])('%s is never accepted', (_t, change) => {
    const changed = change(phc);
    expect(parsePlaintextHash(changed)).toBeUndefined();
    expect(plaintextMatches(plaintext, changed)).toBe(false);
  });

  test('the appendHash suffix comes from the salted hash: kubectl-shaped, stable, new with a new hash', () => {
    const suffix = sealedNameSuffix('quay-pull', phc);
    expect(suffix).toMatch(/^[2-9b-df-z]{10}$/);
    expect(sealedNameSuffix('quay-pull', phc)).toBe(suffix);
    expect(sealedNameSuffix('quay-pull', hashPlaintext(plaintext))).not.toBe(suffix);
  });
});
