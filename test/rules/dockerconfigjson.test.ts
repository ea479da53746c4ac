import { encodeDockerConfigJson, goJsonString, parseDockerConfig } from '../../src/rules/dockerconfigjson';

describe('goJsonString', () => {
  test.each([
    ['plain', '"plain"'],
    ['a<b>c&d', '"a\\u003cb\\u003ec\\u0026d"'],
    ['line\u2028para\u2029', '"line\\u2028para\\u2029"'],
    ['quote" back\\', '"quote\\" back\\\\"'],
    ['tab\tnl\n', '"tab\\tnl\\n"'],
    ['ctl\u0001', '"ctl\\u0001"'],
    ['héllo ✓ 😀', '"héllo ✓ 😀"'],
    ['lone\uD800', '"lone\uFFFD"'],
  ])('%j encodes as Go does', (input, expected) => {
    expect(goJsonString(input)).toBe(expected);
  });
});

describe('encodeDockerConfigJson', () => {
  test('kubectl field order, no email when empty', () => {
    expect(encodeDockerConfigJson({ 'quay.io': { username: 'u', password: 'p' } }))
      .toBe('{"auths":{"quay.io":{"username":"u","password":"p","auth":"dTpw"}}}');
  });
  test('email between password and auth', () => {
    expect(encodeDockerConfigJson({ s: { username: 'u', password: 'p', email: 'e@x' } }))
      .toBe('{"auths":{"s":{"username":"u","password":"p","email":"e@x","auth":"dTpw"}}}');
  });
  test('servers sorted like Go map keys', () => {
    const out = encodeDockerConfigJson({ b: { username: 'u', password: 'p' }, a: { username: 'u', password: 'p' } });
    expect(Object.keys(JSON.parse(out).auths)).toEqual(['a', 'b']);
  });
});

describe('parseDockerConfig', () => {
  test('separates usable from helper-only entries', () => {
    const parsed = parseDockerConfig(JSON.stringify({
      auths: { 'a.io': { auth: 'dTpw' }, 'b.io': {}, 'c.io': { username: 'u', password: 'p' } },
      credsStore: 'desktop',
    }));
    expect(parsed).toEqual({ usableServers: ['a.io', 'c.io'], usesCredentialHelpers: true, entryProblems: [] });
  });
  test.each([['not json', 'is not valid JSON'], ['[]', 'is not a JSON object'], ['{"auths":[]}', 'not an object']])(
    '%s is rejected', (text, message) => {
      expect(() => parseDockerConfig(text)).toThrow(message);
    });
});
