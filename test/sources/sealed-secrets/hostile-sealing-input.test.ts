/**
 * Hostile sealing input (issue 22, item 2): the state file is committed
 * input and the certificate PEM may come from anywhere, so neither may choose
 * how much work a synth does. Time is bounded by the result, never by the
 * clock: PEM inputs run in a child process that is killed after a generous
 * timeout, and scrypt is counted (a stale hash is never computed).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as cryptoModule from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { Project, ProjectRegistry, RegistryCredentials, RegistrySecret, SealingCertificate, SealingScope } from '../../../src';
import { MAX_CERTIFICATE_BYTES } from '../../../src/sources/sealed-secrets/certificate';
import { hashPlaintext, parsePlaintextHash, plaintextMatches } from '../../../src/sources/sealed-secrets/sealing-hash';
import { SEALED_PASSWORD, sealedSecretsIn, sealedValueOf, sealedWith, withEnv } from '../../support/sealed';
import { makeSealingKeyPair, SealingKeyPair, tempDir } from '../../support/sealing-keys';

// The module object itself: the library's `import * as crypto` reads its properties live, so a spy here sees every scrypt.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeCrypto: typeof cryptoModule = require('crypto');

const ROOT = path.join(__dirname, '..', '..', '..');
let keys: SealingKeyPair;
let dir: string;
let removeDir: () => void;
beforeAll(() => {
  keys = makeSealingKeyPair();
  ({ dir, remove: removeDir } = tempDir('hostile-sealing-'));
});
afterAll(() => removeDir());

/** Runs `fn` and returns its result with the scrypt cost of every call made meanwhile. */
function countingScrypt<T>(fn: () => T): { result: T; calls: { N?: number; r?: number; p?: number }[] } {
  const calls: { N?: number; r?: number; p?: number }[] = [];
  const original = nodeCrypto.scryptSync;
  const spy = jest.spyOn(nodeCrypto, 'scryptSync').mockImplementation(((password: any, salt: any, keylen: number, options?: any) => {
    calls.push({ N: options?.N, r: options?.r, p: options?.p });
    return original(password, salt, keylen, options);
  }) as typeof nodeCrypto.scryptSync);
  try {
    return { result: fn(), calls };
  } finally {
    spy.mockRestore();
  }
}

describe('the files sealing reads, when they are no regular file or too large: refused at once, never read', () => {
  let run = 0;
  /** A special or huge file at a fresh path, made by `make`. */
  const special = (name: string, make: (file: string) => void) => () => {
    const file = path.join(dir, `${name}-${run++}`);
    make(file);
    return file;
  };
  const fifo = special('fifo', (file) => execFileSync('mkfifo', [file]));
  const folder = special('folder', (file) => fs.mkdirSync(file));
  const sparse = (bytes: number) => special('sparse', (file) => {
    fs.writeFileSync(file, '');
    fs.truncateSync(file, bytes);
  });
  const devices = ['/dev/zero', '/dev/urandom'].filter((device) => fs.existsSync(device));

  const stateRows: [string, () => string, string][] = [
    ['a FIFO', fifo, 'is not a regular file (it is a FIFO (named pipe))'],
    ['a folder', folder, 'is not a regular file (it is a folder)'],
    ['a 64 GiB sparse file', sparse(64 * 1024 ** 3), 'is over 16 MiB, more than any sealing state needs'],
    ['a file one byte over 16 MiB', sparse(16 * 1024 * 1024 + 1), 'is over 16 MiB, more than any sealing state needs'],
    ...devices.map((device): [string, () => string, string] => [device, () => device, 'is not a regular file (it is a character device)']),
  ];
  test.each(stateRows)('state file: %s', (_name, make, expected) => {
    const stateFile = make();
    const chart = new Chart(Testing.app(), 'chart', { namespace: 'team-a' });
    const credentials = sealedWith(keys, stateFile, RegistryCredentials.fromUsernamePassword('robot', SEALED_PASSWORD));
    expect(() => new RegistrySecret(chart, 'quay', { name: 'quay', server: 'quay.io', credentials }))
      .toThrow(`[chart/quay] sealing state file "${stateFile}" ${expected}. Fix: `);
  });

  const certificateRows: [string, () => string, string][] = [
    ['a FIFO', fifo, 'is not a regular file (it is a FIFO (named pipe))'],
    ['a folder', folder, 'is not a regular file (it is a folder)'],
    ['a 64 GiB sparse file', sparse(64 * 1024 ** 3), `is ${64 * 1024 ** 3} bytes, too large for a certificate`],
    ['a file one byte over 256 KiB', sparse(MAX_CERTIFICATE_BYTES + 1), `is ${MAX_CERTIFICATE_BYTES + 1} bytes, too large for a certificate`],
    ...devices.map((device): [string, () => string, string] => [device, () => device, 'is not a regular file (it is a character device)']),
  ];
  test.each(certificateRows)('certificate file: %s', (_name, make, expected) => {
    const file = make();
    const chart = new Chart(Testing.app(), 'chart', { namespace: 'team-a' });
    const credentials = RegistryCredentials.sealed(RegistryCredentials.fromUsernamePassword('robot', SEALED_PASSWORD), {
      certificate: SealingCertificate.fromFile(file), stateFile: path.join(dir, `unused-${run++}.json`),
    });
    expect(() => new RegistrySecret(chart, 'quay', { name: 'quay', server: 'quay.io', credentials }))
      .toThrow(`[chart/quay] certificate file "${file}" ${expected}. Fix: `);
  });
});

describe('hostile state file content: an error naming the file, or no entry (sealed afresh), soon', () => {
  let run = 0;
  /** Synthesizes one sealed secret against a state file holding `content`: the error, or "sealed" when it sealed afresh. */
  const outcome = (content: string): string => {
    const stateFile = path.join(dir, `content-${run++}.json`);
    fs.writeFileSync(stateFile, content);
    const chart = new Chart(Testing.app(), 'chart', { namespace: 'team-a' });
    try {
      new RegistrySecret(chart, 'quay', { name: 'quay', server: 'quay.io', credentials: sealedWith(keys, stateFile, RegistryCredentials.fromUsernamePassword('robot', SEALED_PASSWORD)) });
      Testing.synth(chart);
    } catch (e) {
      return (e as Error).message.replace(stateFile, 'FILE');
    }
    return 'sealed';
  };
  const entry = { namespace: 'team-a', name: 'quay', scope: 'strict', server: 'quay.io', servers: ['quay.io'], certificate: 'sha256:00', plaintextHash: 'x', sealed: 'AAAA' };
  const state = (secrets: unknown) => JSON.stringify({ version: 1, secrets });
  const NOT_STATE = '[chart/quay] sealing state file "FILE" is not a version 1 sealing state';

  test.each<[string, () => string, string]>([
    ['8 million nested brackets', () => '['.repeat(8_000_000) + ']'.repeat(8_000_000), `${NOT_STATE} (nested more than 16 deep)`],
    ['nested objects in an entry', () => state({ 'team-a/quay': { ...entry, servers: JSON.parse('['.repeat(20) + ']'.repeat(20)) } }), `${NOT_STATE} (nested more than 16 deep)`],
    ['brackets inside strings do not count', () => state({ 'team-a/quay': { ...entry, name: '['.repeat(1000) } }), 'sealed'],
    ['not JSON', () => '{"version": 1, "secrets": {', '[chart/quay] sealing state file "FILE" is not valid JSON'],
    ['a list', () => '[]', NOT_STATE],
    ['secrets a list', () => JSON.stringify({ version: 1, secrets: [entry] }), NOT_STATE],
    ['version "1"', () => JSON.stringify({ version: '1', secrets: {} }), NOT_STATE],
    ['200,000 malformed entries', () => state(Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`ns-${i}/quay`, { name: i }]))), 'sealed'],
    ['__proto__ and constructor keys', () => `{"version":1,"secrets":{"__proto__":${JSON.stringify(entry)},"constructor":${JSON.stringify(entry)}}}`, 'sealed'],
    ['a megabyte name and sealed value', () => state({ 'team-a/quay': { ...entry, name: 'q'.repeat(1024 * 1024), sealed: 'A'.repeat(1024 * 1024) } }), 'sealed'],
    ['an entry sealed "not base64"', () => state({ 'team-a/quay': { ...entry, sealed: 'not base64!' } }), 'sealed'],
    ['an entry of an unknown scope', () => state({ 'team-a/quay': { ...entry, scope: 'everywhere' } }), 'sealed'],
  ])('%s', (_name, content, expected) => {
    const message = outcome(content());
    if (expected === 'sealed') expect(message).toBe('sealed');
    else expect(message.startsWith(expected)).toBe(true);
    expect(message).not.toContain(SEALED_PASSWORD);
  });
});

describe('the sealing certificate PEM: one linear scan, capped like a certificate file', () => {
  // Built in the child from these recipes, so the test process never holds or scans them.
  const cases: [string, string][] = [
    ['110,000 BEGIN lines (3 MB)', "'-----BEGIN CERTIFICATE-----\\n'.repeat(110000)"],
    ['14,000 short BEGIN lines, under the cap', "'-----BEGIN A-----\\n'.repeat(14000)"],
    ['BEGIN without END, then 250 KB of base64', "'-----BEGIN CERTIFICATE-----\\n' + ('QUFB'.repeat(16) + '\\n').repeat(3800)"],
    ['7,000 BEGIN/END pairs of different types', "'-----BEGIN CERTIFICATE-----\\nQUFB\\n-----END PUBLIC KEY-----\\n'.repeat(3500)"],
    ['4 MB of base64 garbage', "'QUFB'.repeat(1048576)"],
    ['250 KB of base64 garbage on one line', "'QUFB'.repeat(62000)"],
    ['a BEGIN line 250,000 characters long', "'-----BEGIN ' + 'A'.repeat(250000) + '-----\\n'"],
    ['lines of spaces ending in a letter', "(' '.repeat(60000) + 'x\\n').repeat(4)"],
    ['BEGIN with 200,000 spaces before its line end', "'-----BEGIN CERTIFICATE-----' + ' '.repeat(200000) + '\\nQUFB'"],
    ['100,000 three-byte characters (300 KB, 100,000 characters)', "'\\u20ac'.repeat(100000)"],
  ];

  test('every hostile input gives a problem, never the content, in a child process that finishes well within its timeout', () => {
    const script = `
      const { readSealingKey } = require(${JSON.stringify(path.join(ROOT, 'src/sources/sealed-secrets/certificate.ts'))});
      const cases = ${JSON.stringify(cases)};
      const out = cases.map(([name, recipe]) => {
        const result = readSealingKey(eval(recipe));
        return { name, problem: result.problem, fix: result.fix, key: 'key' in result };
      });
      process.stdout.write(JSON.stringify(out));`;
    // Before the scan was linear, the first row alone took minutes (quadratic regex); now all rows take milliseconds.
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: ROOT, encoding: 'utf8', timeout: 60_000, maxBuffer: 1024 * 1024,
    });
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
    const results: { name: string; problem?: string; fix?: string; key: boolean }[] = JSON.parse(run.stdout);
    expect(results.map((result) => [result.name, result.problem])).toEqual([
      [cases[0][0], 'is 3080000 bytes, too large for a certificate (at most 262144)'],
      [cases[1][0], 'is not PEM (a -----BEGIN ...----- line without its -----END ...----- line)'],
      [cases[2][0], 'is not PEM (a -----BEGIN ...----- line without its -----END ...----- line)'],
      [cases[3][0], 'is not PEM (a -----BEGIN ...----- line without its -----END ...----- line)'],
      [cases[4][0], 'is 4194304 bytes, too large for a certificate (at most 262144)'],
      [cases[5][0], 'is not PEM (no -----BEGIN ...----- block)'],
      [cases[6][0], 'is not PEM (no -----BEGIN ...----- block)'],
      [cases[7][0], 'is not PEM (no -----BEGIN ...----- block)'],
      [cases[8][0], 'is not PEM (a -----BEGIN ...----- line without its -----END ...----- line)'],
      [cases[9][0], 'is 300000 bytes, too large for a certificate (at most 262144)'],
    ]);
    for (const result of results) {
      expect(result.key).toBe(false);
      expect(`${result.problem} ${result.fix}`).not.toMatch(/QUFB|AAAA|\u20ac/);
    }
  });

  test('junk BEGIN lines before a real certificate, and CRLF line ends, still read the certificate', () => {
    const { readSealingKey } = jest.requireActual('../../../src/sources/sealed-secrets/certificate');
    const junk = '-----BEGIN CERTIFICATE-----\n'.repeat(1000);
    expect('key' in readSealingKey(junk + keys.certificatePem)).toBe(true);
    expect('key' in readSealingKey(keys.certificatePem.replace(/\n/g, '\r\n'))).toBe(true);
    expect('key' in readSealingKey(keys.certificatePem.replace(/\n/g, '  \t\n'))).toBe(true);
  });

  test.each<[string, () => string]>([
    ['over the cap by its bytes', () => '-----BEGIN CERTIFICATE-----\n'.repeat(110_000)],
    ['a real certificate padded past the cap', () => keys.certificatePem + '#'.repeat(MAX_CERTIFICATE_BYTES)],
  ])('inline PEM %s: a construct error naming the construct and the fix, never the content', (_name, pem) => {
    const chart = new Chart(Testing.app(), 'chart', { namespace: 'team-a' });
    const credentials = RegistryCredentials.sealed(RegistryCredentials.fromUsernamePassword('robot', SEALED_PASSWORD), {
      certificate: SealingCertificate.fromPem(pem()), stateFile: path.join(dir, 'cap.json'),
    });
    let message = 'no error';
    try {
      new RegistrySecret(chart, 'quay', { name: 'quay', server: 'quay.io', credentials });
      Testing.synth(chart);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^\[chart\/quay\] the inline certificate is \d+ bytes, too large for a certificate \(at most 262144\)\. Fix: pass the certificate `kubeseal --fetch-cert` prints/);
    expect(message.length).toBeLessThan(300);
    expect(message).not.toContain(keys.certificatePem.split('\n')[1]);
    expect(message).not.toContain(SEALED_PASSWORD);
  });
});

describe('the plaintext hash: one fixed scrypt cost, never chosen by the state file', () => {
  const plaintext = Buffer.from('{"auths":{"quay.io":{"auth":"cm9ib3Q6cHc="}}}');
  let phc: string;
  beforeAll(() => {
    phc = hashPlaintext(plaintext);
  });

  const hostile: [string, (s: string) => string][] = [
    ['N = 2^20, p = 4 (1 GiB, tens of seconds)', (s) => s.replace('ln=17,r=8,p=1', 'ln=20,r=8,p=4')],
    ['N = 2^18', (s) => s.replace('ln=17', 'ln=18')],
    ['N = 2^99', (s) => s.replace('ln=17', 'ln=99')],
    ['N = 2^1000000', (s) => s.replace('ln=17', 'ln=1000000')],
    ['huge r', (s) => s.replace('r=8', 'r=99999999')],
    ['r = 16', (s) => s.replace('r=8', 'r=16')],
    ['huge p', (s) => s.replace('p=1', 'p=1000000000')],
    ['p = 2', (s) => s.replace('p=1', 'p=2')],
    ['cheaper N', (s) => s.replace('ln=17', 'ln=4')],
    ['non-numeric ln', (s) => s.replace('ln=17', 'ln=abc')],
    ['ln in exponent notation', (s) => s.replace('ln=17', 'ln=1.7e1')],
    ['ln in hex', (s) => s.replace('ln=17', 'ln=0x11')],
    ['ln with a leading zero', (s) => s.replace('ln=17', 'ln=017')],
    ['negative r', (s) => s.replace('r=8', 'r=-8')],
    ['an extra parameter', (s) => s.replace('p=1', 'p=1,maxmem=99999999999')],
    ['parameters reordered', (s) => s.replace('ln=17,r=8,p=1', 'r=8,ln=17,p=1')],
    ['N instead of ln', (s) => s.replace('ln=17', 'N=131072')],
    ['no parameters', (s) => s.replace('ln=17,r=8,p=1$', '')],
    ['a megabyte of salt', (s) => s.replace(/\$[A-Za-z0-9+/]{22}\$/, `$${'A'.repeat(1024 * 1024)}$`)],
    ['another algorithm', (s) => s.replace('$scrypt$', '$argon2id$')],
  ];

  test.each(hostile)('%s: not accepted, and nothing is computed', (_name, change) => {
    const changed = change(phc);
    const { result, calls } = countingScrypt(() => [parsePlaintextHash(changed), plaintextMatches(plaintext, changed)]);
    expect(result).toEqual([undefined, false]);
    expect(calls).toEqual([]);
  });

  test('the fixed parameters: one scrypt with N = 2^17, r = 8, p = 1', () => {
    const { result, calls } = countingScrypt(() => plaintextMatches(plaintext, phc));
    expect(result).toBe(true);
    expect(calls).toEqual([{ N: 2 ** 17, r: 8, p: 1 }]);
  });
});

describe('state entries with another scrypt cost are stale', () => {
  const env = (values: Record<string, string | undefined>) => ({ QUAY_USER: undefined, QUAY_PASS: undefined, ...values });
  let run = 0;
  const appWith = (stateFile: string, inner: RegistryCredentials): App => {
    const app = Testing.app();
    const chart = new Chart(app, 'chart', { namespace: 'team-a' });
    new RegistrySecret(chart, 'quay', { name: 'quay', server: 'quay.io', credentials: sealedWith(keys, stateFile, inner) });
    return app;
  };
  const valueOf = (app: App) => sealedValueOf(sealedSecretsIn(app.charts.flatMap((c) => c.toJson()))[0]);
  /** A state file whose one entry has its plaintextHash changed by `change`, and the value it held. */
  const tampered = (change: (phc: string) => string): { stateFile: string; sealed: string } => {
    const stateFile = path.join(dir, `stale-${run++}.json`);
    const app = withEnv(env({ QUAY_USER: 'robot', QUAY_PASS: SEALED_PASSWORD }), () => appWith(stateFile, RegistryCredentials.fromEnv('QUAY_USER', 'QUAY_PASS')));
    app.synthYaml();
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    const entry = state.secrets['team-a/quay'];
    entry.plaintextHash = change(entry.plaintextHash);
    fs.writeFileSync(stateFile, JSON.stringify(state));
    return { stateFile, sealed: entry.sealed };
  };

  const rows: [string, (s: string) => string][] = [
    ['N = 2^20, p = 4', (s) => s.replace('ln=17,r=8,p=1', 'ln=20,r=8,p=4')],
    ['N = 2^64', (s) => s.replace('ln=17', 'ln=64')],
    ['huge r', (s) => s.replace('r=8', 'r=4294967296')],
    ['huge p', (s) => s.replace('p=1', 'p=99')],
    ['non-numeric parameters', (s) => s.replace('ln=17,r=8,p=1', 'ln=x,r=y,p=z')],
    ['cheaper N', (s) => s.replace('ln=17', 'ln=10')],
  ];

  test.each(rows)('%s, with the credential: sealed afresh with the fixed cost; the stale hash is never computed', (_name, change) => {
    const { stateFile, sealed } = tampered(change);
    const { result: value, calls } = countingScrypt(() => withEnv(env({ QUAY_USER: 'robot', QUAY_PASS: SEALED_PASSWORD }), () => {
      const app = appWith(stateFile, RegistryCredentials.fromEnv('QUAY_USER', 'QUAY_PASS'));
      app.synthYaml();
      return valueOf(app);
    }));
    expect(value).not.toBe(sealed);
    expect(calls).toEqual([{ N: 2 ** 17, r: 8, p: 1 }]); // the new hash, and nothing else
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8')).secrets['team-a/quay'].plaintextHash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
  });

  test.each(rows)('%s, without the credential: an error naming the entry, the file and the fix', (_name, change) => {
    const { stateFile } = tampered(change);
    const { result: message, calls } = countingScrypt(() => withEnv(env({}), () => {
      try {
        appWith(stateFile, RegistryCredentials.fromEnv('QUAY_USER', 'QUAY_PASS')).synthYaml();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    }));
    expect(message).toBe(`[chart/quay] $QUAY_USER, $QUAY_PASS not set, and the sealed value of "team-a/quay" in ${stateFile} ` +
      'has a plaintextHash that is not scrypt with ln=17,r=8,p=1 (the only parameters computed), so it cannot be reused. ' +
      'Fix: export QUAY_USER and QUAY_PASS before running cdk8s synth, to seal it again');
    expect(calls).toEqual([]);
  });

  test('thousands of look-alike cluster-wide entries cost a few scrypts, not one each', () => {
    const stateFile = path.join(dir, 'look-alikes.json');
    const credentials = () => sealedWith(keys, stateFile, RegistryCredentials.fromUsernamePassword('robot', SEALED_PASSWORD), SealingScope.CLUSTER_WIDE);
    const projectChart = (namespaces: string[]) => {
      const chart = new Chart(Testing.app(), 'chart');
      new ProjectRegistry(chart, 'ghcr', { project: new Project(chart, 'team', { namespaces }), name: 'ghcr-pull', server: 'ghcr.io', credentials: credentials() });
      return chart;
    };
    Testing.synth(projectChart(['team-a']));
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    const real = state.secrets['team-a/ghcr-pull'];
    // Entries first in the file, each with its own salt: one scrypt each would be 3,000 scrypts (minutes).
    const secrets: Record<string, unknown> = {};
    for (let i = 0; i < 3000; i++) {
      secrets[`ns-${i}/ghcr-pull`] = { ...real, namespace: `ns-${i}`, plaintextHash: hashOfSalt(real.plaintextHash, i) };
    }
    secrets['team-a/ghcr-pull'] = real;
    fs.writeFileSync(stateFile, JSON.stringify({ ...state, secrets }));
    const { result, calls } = countingScrypt(() => sealedSecretsIn(Testing.synth(projectChart(['team-b', 'team-a']))).map(sealedValueOf));
    expect(calls.length).toBeLessThanOrEqual(6);
    expect(calls.every((call) => call.N === 2 ** 17 && call.r === 8 && call.p === 1)).toBe(true);
    // team-a's own entry is intact and still reused; team-b is sealed afresh, since its look-alike siblings ran out the budget.
    expect(result).toHaveLength(2);
    expect(result).toContain(real.sealed);
  });
});

/** `phc` with a salt made from `i` (a well-formed hash of nothing in particular). */
function hashOfSalt(phc: string, i: number): string {
  const salt = Buffer.alloc(16);
  salt.writeUInt32BE(i + 1);
  return phc.replace(/\$[A-Za-z0-9+/]{22}\$/, `$${salt.toString('base64').replace(/=+$/, '')}$`);
}
