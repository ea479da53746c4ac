import { InvalidImageReferenceError, parseImageReference } from '../../src/rules/image-reference';
import {
  matchingRegistryKeys,
  parseRegistryKey,
  RegistryKeyring,
} from '../../src/rules/keyring';

describe('parseRegistryKey: normalisation as BasicDockerKeyring.Add (REFERENCE §2.2)', () => {
  test.each([
    // key, normalized, host, port, path
    ['https://index.docker.io/v1/', 'index.docker.io', 'index.docker.io', '', ''],
    ['index.docker.io/v1/', 'index.docker.io', 'index.docker.io', '', ''],
    ['index.docker.io', 'index.docker.io', 'index.docker.io', '', ''],
    ['http://index.docker.io/v2/', 'index.docker.io', 'index.docker.io', '', ''],
    ['docker.io', 'docker.io', 'docker.io', '', ''],
    ['https://quay.io/v1/', 'quay.io', 'quay.io', '', ''],
    ['reg.io/', 'reg.io', 'reg.io', '', ''],
    ['reg.io/team', 'reg.io/team', 'reg.io', '', '/team'],
    ['https://reg.io/v2/team', 'reg.io/team', 'reg.io', '', '/team'],
    // only "/v1/" and "/v2/" with the trailing slash are stripped
    ['reg.io/v1', 'reg.io/v1', 'reg.io', '', '/v1'],
    ['localhost:5000', 'localhost:5000', 'localhost', '5000', ''],
    ['reg.io:', 'reg.io:', 'reg.io', '', ''],
    // url.Parse keeps the host's case
    ['Quay.IO', 'Quay.IO', 'Quay.IO', '', ''],
    ['*.example.com', '*.example.com', '*.example.com', '', ''],
    // userinfo, query and fragment are dropped
    ['user:pw@reg.io:443/x?y#z', 'reg.io:443/x', 'reg.io', '443', '/x'],
    // "?" starts a query, so it can never act as a glob in a key
    ['reg?.example.com', 'reg', 'reg', '', ''],
    ['[::1]:5000', '[::1]:5000', '::1', '5000', ''],
    // net.SplitHostPort needs a port to strip the brackets
    ['[::1]', '[::1]', '[::1]', '', ''],
    // only lowercase http:// and https:// count as a scheme
    ['HTTPS://reg.io', 'HTTPS://reg.io', 'HTTPS', '', '//reg.io'],
  ])('%s -> %s', (key, normalized, host, port, path) => {
    expect(parseRegistryKey(key)).toEqual({ key, normalized, host, port, path });
  });

  test.each([
    ['reg.io/%zz', 'invalid URL escape "%zz"'],
    ['reg.%41.io', 'invalid URL escape "%41"'],
    ['reg.io:abc', 'invalid port ":abc" after host'],
    ['reg io', 'invalid character " " in host name'],
    ['reg.io\u0001', 'invalid control character in URL'],
    ['[::1', "missing ']' in host"],
    ['[fo]:5000', 'invalid IP-literal "fo"'],
    ['[1.2.3.4]', 'invalid IP-literal "1.2.3.4"'],
    ['a:b:5000', 'too many colons'],
    ['us er@reg.io', 'invalid userinfo'], // quoted as "***@reg.io": see below
    // current Go refuses a "[" anywhere but first in the host: bracket globs cannot be written in a key
    ['a[bc].example.com', 'invalid IP-literal'],
    ['reg[^0-9].corp.io', 'invalid IP-literal'],
  ])('%j cannot be parsed: %s', (key, fragment) => {
    const attempt = () => parseRegistryKey(key);
    expect(attempt).toThrow(`registry key ${JSON.stringify(key.replace(/^[^@]*@/, '***@'))} cannot be parsed as a URL: `);
    expect(attempt).toThrow(fragment);
  });
});

describe('one key against one image: URLsMatch (keyring_test.go)', () => {
  test.each([
    // host globs: one label per label, same number of labels
    ['*.example.com', 'a.example.com/app', true],
    ['*.example.com', 'example.com/app', false],
    ['*.example.com', 'a.b.example.com/app', false],
    ['*.*.example.com', 'a.b.example.com/app', true],
    ['prefix.*.io', 'prefix.kubernetes.io/x', true],
    ['prefix.kubernetes.*', 'prefix.kubernetes.io/x', true],
    ['*-good.kubernetes.io', 'prefix-good.kubernetes.io/x', true],
    ['k*.io', 'quay.io/x', false],
    ['*', 'localhost/app', true],
    ['*', 'quay.io/app', false],
    // a "[" after the host's first character makes the key unparseable in current Go: it never matches
    ['reg[0-9].corp.io', 'reg7.corp.io/x', false],
    ['reg[0-9.corp.io', 'reg1.corp.io/x', false],
    // "?" cannot be written in a key: it starts the URL query
    ['reg?.example.com', 'reg1.example.com/app', false],
    // ports must be equal, absent on both sides or the same string
    ['reg.io:5000', 'reg.io:5000/app', true],
    ['reg.io', 'reg.io:5000/app', false],
    ['reg.io:5000', 'reg.io/app', false],
    ['reg.io:5001', 'reg.io:5000/app', false],
    ['*.kubernetes.io:1111/blah', 'prefix.kubernetes.io:1111/blah/x', true],
    ['prefix.*.io/foo', 'prefix.kubernetes.io:1111/foo/bar', false],
    // the key path is a raw string prefix of the image path
    ['reg.io/team', 'reg.io/team/app', true],
    ['reg.io/team', 'reg.io/teamfoo/x', true],
    ['reg.io/team', 'reg.io/other/app', false],
    ['reg.io/team/', 'reg.io/team/app', true],
    ['reg.io/team/', 'reg.io/teamfoo/x', false],
    ['https://reg.io/v2/team', 'reg.io/team/app', true],
    ['reg.io/v1', 'reg.io/app', false],
    ['https://quay.io/v1/', 'quay.io/foo/bar', true],
    // Docker Hub: images are matched by their normalised name
    ['docker.io', 'nginx', true],
    ['docker.io', 'library/nginx', true],
    ['docker.io', 'docker.io/user/app', true],
    ['docker.io/library', 'nginx', true],
    ['docker.io/user', 'nginx', false],
    // (index.docker.io applies to Docker Hub images through the keyring fallback: see Lookup below)
    // case-sensitive both ways
    ['Quay.io', 'quay.io/x', false],
    ['quay.io', 'Quay.io/x', false],
    // IPv6: brackets are stripped only together with a port
    ['[::1]:5000', '[::1]:5000/app', true],
    ['[::1]', '[::1]/app', false],
    // a dotted non-host first component (no domain) is still matched as the URL host
    ['my_reg.io', 'my_reg.io/app', true],
  ])('%s vs %s -> %s', (key, image, expected) => {
    expect(matchingRegistryKeys([key], image)).toEqual(expected ? [key] : []);
  });

  test('an IPv6 image that Go cannot parse as a URL host matches nothing', () => {
    expect(matchingRegistryKeys(['*'], '[::::::::::]/app')).toEqual([]);
  });

  test('skips a key Go cannot parse, as the kubelet does, and throws for an invalid image', () => {
    expect(() => parseRegistryKey('reg.io/%zz')).toThrow('cannot be parsed as a URL');
    expect(matchingRegistryKeys(['reg.io/%zz', 'reg.io'], 'reg.io/app')).toEqual(['reg.io']);
    expect(() => matchingRegistryKeys(['reg.io'], 'Reg.io/App')).toThrow(InvalidImageReferenceError);
  });
});

describe('matchingRegistryKeys: keyring Lookup (REFERENCE §2.4-2.5)', () => {
  const HUB = 'https://index.docker.io/v1/';

  test.each<[string, string[], string, string[]]>([
    // Docker Hub fallback: index.docker.io applies when nothing matched directly
    ['kubectl default server, familiar name', [HUB], 'nginx', [HUB]],
    ['bare index.docker.io key', ['index.docker.io'], 'library/nginx', ['index.docker.io']],
    ['schemeless /v1/ key, user image', ['index.docker.io/v1/'], 'docker.io/user/app', ['index.docker.io/v1/']],
    ['docker.io matches directly', ['docker.io'], 'nginx', ['docker.io']],
    ['no fallback once something matched', ['docker.io', HUB], 'nginx', ['docker.io']],
    ['all index.docker.io aliases, input order', [HUB, 'index.docker.io'], 'nginx', [HUB, 'index.docker.io']],
    ['fallback only for the exact host', ['index.docker.io/library'], 'nginx', []],
    ['not for other registries', [HUB], 'quay.io/org/app', []],
    ['not for registry-1.docker.io', [HUB], 'registry-1.docker.io/library/nginx', []],
    ['not with a port', [HUB], 'localhost:5000/app', []],
    // upstream's isDefaultRegistryMatch only looks for "." or ":" in the first part
    ['localhost counts as Docker Hub', [HUB], 'localhost/app', [HUB]],
    // every matching key, reverse-lexicographic by normalised key
    ['most specific first', ['quay.io', 'quay.io/team', '*.io', 'quay.io/teamfoo', 'ghcr.io'], 'quay.io/teamfoo/x',
      ['quay.io/teamfoo', 'quay.io/team', 'quay.io', '*.io']],
    ['globs and exact hosts together', ['*.example.com', 'a.example.com', 'example.com'], 'a.example.com/app',
      ['a.example.com', '*.example.com']],
    ['keys normalising alike keep input order', ['reg.io', 'https://reg.io/v2/', 'http://reg.io'], 'reg.io/app',
      ['reg.io', 'https://reg.io/v2/', 'http://reg.io']],
    ['exact duplicates reported once', ['quay.io', 'quay.io'], 'quay.io/x', ['quay.io']],
    ['unparseable keys are skipped', ['reg.io/%zz', 'reg.io'], 'reg.io/app', ['reg.io']],
    ['no keys', [], 'nginx', []],
  ])('%s', (_name, keys, image, expected) => {
    expect(matchingRegistryKeys(keys, image)).toEqual(expected);
  });

  test('throws for an invalid image', () => {
    expect(() => matchingRegistryKeys([HUB], 'Nginx:latest')).toThrow(InvalidImageReferenceError);
  });
});

describe('RegistryKeyring', () => {
  test('orders keys as the kubelet index and reuses them across images', () => {
    const ring = new RegistryKeyring(['docker.io', 'quay.io', 'bad key', 'quay.io/team', 'https://index.docker.io/v1/']);
    expect(ring.keys.map((k) => k.normalized)).toEqual(['quay.io/team', 'quay.io', 'index.docker.io', 'docker.io']);
    expect(ring.matchingKeys('quay.io/team/app')).toEqual(['quay.io/team', 'quay.io']);
    expect(ring.matchingKeys('nginx')).toEqual(['docker.io']);
    expect(ring.matchingKeys(parseImageReference('ghcr.io/x/y'))).toEqual([]);
  });

  test('sorts by code point, as Go compares UTF-8 bytes', () => {
    // UTF-16 order would put U+FFFD (\uFFFD) after the surrogate pair of U+1F600.
    const ring = new RegistryKeyring(['*.io/\uFFFD', '*.io/\u{1F600}', '*.io/a']);
    expect(ring.keys.map((k) => k.key)).toEqual(['*.io/\u{1F600}', '*.io/\uFFFD', '*.io/a']);
  });
});
