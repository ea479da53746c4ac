import { printable, printableJson } from '../../src/rules/printable';
import { redactUserInfo, redactUserInfoIn } from '../../src/rules/redact';

const PW = 'S3cr3t-Pw';
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('redactUserInfo: whatever a parser could take as user info becomes ***@', () => {
  test.each([
    // after scheme://, with one slash, with none, after //
    [`https://robot:${PW}@quay.io`, 'https://***@quay.io'],
    [`https:/robot:${PW}@quay.io`, 'https:/***@quay.io'],
    [`http:///robot:${PW}@quay.io/v2/`, 'http:///***@quay.io/v2/'],
    [`https:robot:${PW}@quay.io`, '***@quay.io'],
    [`//robot:${PW}@quay.io/team`, '//***@quay.io/team'],
    // before the first /, several @, a password with @ or /
    [`robot:${PW}@quay.io`, '***@quay.io'],
    [`robot:${PW}@quay.io:5000/team`, '***@quay.io:5000/team'],
    [`a@b:${PW}@quay.io`, '***@quay.io'],
    [`robot:${PW}/x@quay.io/a`, '***@***/a'],
    // an @ in the path: both sides of it hidden
    [`quay.io/org@${PW}`, '***@***'],
    [`https://quay.io/org@${PW}/v2/`, 'https://***@***/v2/'],
    [`quay.io/team/app@${PW}:1`, '***@***'],
    ['reg.io/app@', '***@***'],
    // images
    [`robot:${PW}@quay.io/a/b:1`, '***@quay.io/a/b:1'],
    [`robot:${PW}@quay.io/a/b@${DIGEST}`, `***@quay.io/a/b@${DIGEST}`],
    [`robot:${PW}@registry:5000/a`, '***@registry:5000/a'],
    [`robot:${PW}@sha256:443`, '***@sha256:443'],
  ])('%j → %j', (text, shown) => {
    expect(redactUserInfo(text)).toBe(shown);
    expect(redactUserInfo(text)).not.toContain(PW);
  });

  test.each([
    '@', '@quay.io', 'quay.io', 'https://index.docker.io/v1/', 'registry.example.com:5000/team', '[::1]:5000/app',
    `quay.io/a/b@${DIGEST}`, `nginx@${DIGEST}`, 'nginx@sha256:abc', `nginx@SHA256:${'a'.repeat(64)}`, `x/y:1@sha512:${'b'.repeat(128)}`,
  ])('%j is kept as written', (text) => {
    expect(redactUserInfo(text)).toBe(text);
  });

  test('in free text, every word with an @ is redacted; quotes and spaces delimit words', () => {
    expect(redactUserInfoIn(`image "robot:${PW}@quay.io/a:1" and key 'https:/u:${PW}@ghcr.io', Head https://quay.io/v2/x@${PW}/m`))
      .toBe('image "***@quay.io/a:1" and key \'https:/***@ghcr.io\', Head https://***@***/m');
    expect(redactUserInfoIn(`pulled quay.io/a@${DIGEST} fine`)).toBe(`pulled quay.io/a@${DIGEST} fine`);
    expect(redactUserInfoIn('no at sign')).toBe('no at sign');
    expect(redactUserInfoIn('must not contain a query, fragment or "@"')).toBe('must not contain a query, fragment or "@"');
    // A quoted password may hold spaces: the quoted string is one value.
    expect(redactUserInfoIn(`server "robot:pa ss ${PW}@quay.io" and "quay.io/org@pa ss${PW}" end`))
      .toBe('server "***@quay.io" and "***@***" end');
    expect(redactUserInfoIn(`"a" robot:${PW}@x "b"`)).toBe('"a" ***@x "b"');
    expect(redactUserInfoIn(`image "nginx@${DIGEST}" is fine`)).toBe(`image "nginx@${DIGEST}" is fine`);
  });
});

test('linear on hostile text: long words without "@", many quotes, many "@"', () => {
  const started = Date.now();
  for (const text of ['a'.repeat(1_000_000) + ' @', `"${'a'.repeat(1_000_000)} @`, '"x@'.repeat(300_000), 'a@'.repeat(500_000), `${'/'.repeat(500_000)}@`]) {
    expect(redactUserInfoIn(text)).not.toBeUndefined();
    expect(redactUserInfo(text)).not.toBeUndefined();
  }
  // Quadratic scans took minutes here; linear ones take milliseconds.
  expect(Date.now() - started).toBeLessThan(10_000);
});

describe('printable: control characters shown as escapes', () => {
  test.each([
    ['a\u001b[31mred', 'a\\x1b[31mred'],
    ['line\nforged', 'line\\nforged'],
    ['cr\roverwrite', 'cr\\roverwrite'],
    ['tab\there', 'tab\\there'],
    ['nul\u0000 del\u007f', 'nul\\x00 del\\x7f'],
    ['c1 csi\u009b2J nel\u0085', 'c1 csi\\x9b2J nel\\x85'],
    ['rlo \u202egnp.exe', 'rlo \\u202egnp.exe'],
    ['isolates \u2066\u2067\u2068\u2069 marks \u200e\u200f\u061c', 'isolates \\u2066\\u2067\\u2068\\u2069 marks \\u200e\\u200f\\u061c'],
    ['separators \u2028\u2029 bom \ufeff zwsp \u200b', 'separators \\u2028\\u2029 bom \\ufeff zwsp \\u200b'],
    ['plain ünïcødé 東京 C:\\dir', 'plain ünïcødé 東京 C:\\dir'],
  ])('%j', (text, shown) => {
    expect(printable(text)).toBe(shown);
    expect(printable(printable(text))).toBe(shown);
  });

  test('JSON: the same data, with DEL, C1 and bidirectional controls as \\u escapes', () => {
    const value = { name: 'a\u001b\u007f\u009b\u202e\u2028b', plain: 'ünïcødé' };
    const json = printableJson(JSON.stringify(value));
    expect(json).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\u2028]/);
    expect(json).toContain('\\u009b');
    expect(JSON.parse(json)).toEqual(value);
  });
});
