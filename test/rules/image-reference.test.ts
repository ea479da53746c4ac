import {
  defaultPullPolicy,
  InvalidImageReferenceError,
  parseImageReference,
} from '../../src/rules/image-reference';

const SHA256 = 'sha256:' + 'a'.repeat(64);
const SHA384 = 'sha384:' + 'b'.repeat(96);
const SHA512 = 'sha512:' + 'c'.repeat(128);
const PATH_255 = 'a/'.repeat(127) + 'a';

/** Expected parse of a valid reference: domain, path, tag, digest. */
type Parsed = [string, string, string | undefined, string | undefined];

describe('parseImageReference: valid references (REFERENCE §3 and distribution/reference tests)', () => {
  test.each<[string, ...Parsed]>([
    // Docker Hub familiar names
    ['nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['library/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['index.docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['docker.io/library/nginx:1.25', 'docker.io', 'library/nginx', '1.25', undefined],
    ['user/app', 'docker.io', 'user/app', undefined, undefined],
    ['docker.io/user/app', 'docker.io', 'user/app', undefined, undefined],
    ['index.docker.io/user/app:v2', 'docker.io', 'user/app', 'v2', undefined],
    ['test_com', 'docker.io', 'library/test_com', undefined, undefined],
    ['a__b/c--d/e.f', 'docker.io', 'a__b/c--d/e.f', undefined, undefined],
    ['foo/foo_bar.com:8080', 'docker.io', 'foo/foo_bar.com', '8080', undefined],
    // no "/" at all: a "host:port" is read as name:tag on Docker Hub
    ['localhost:5000', 'docker.io', 'library/localhost', '5000', undefined],
    ['test.com:5000', 'docker.io', 'library/test.com', '5000', undefined],
    // a bare hex string is a name once it carries an algorithm prefix (read as name:tag)
    [SHA256, 'docker.io', 'library/sha256', 'a'.repeat(64), undefined],
    // registries: localhost, dots, ports, IPs
    ['localhost/app', 'localhost', 'app', undefined, undefined],
    ['localhost:5000/app', 'localhost:5000', 'app', undefined, undefined],
    ['quay.io/org/app:1.2@' + SHA256, 'quay.io', 'org/app', '1.2', SHA256],
    ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', 'sub-dom1.foo.com', 'bar/baz/quux', 'some-long-tag', undefined],
    ['b.gcr.io/test.example.com/my-app:test.example.com', 'b.gcr.io', 'test.example.com/my-app', 'test.example.com', undefined],
    ['xn--n3h.com/myimage:xn--n3h.com', 'xn--n3h.com', 'myimage', 'xn--n3h.com', undefined],
    ['192.168.1.1:5000/repo:5050', '192.168.1.1:5000', 'repo', '5050', undefined],
    ['[2001:db8::1]/repo', '[2001:db8::1]', 'repo', undefined, undefined],
    ['[2001:db8::1]:5000/repo:tag', '[2001:db8::1]:5000', 'repo', 'tag', undefined],
    ['[::1]:5000/repo@' + SHA256, '[::1]:5000', 'repo', undefined, SHA256],
    // an uppercase first component is a registry, and registry hosts may be uppercase
    ['Quay.io/org/app', 'Quay.io', 'org/app', undefined, undefined],
    ['UPPER/app', 'UPPER', 'app', undefined, undefined],
    // a dotted first component that is no valid host stays in the path, with no domain
    ['my_registry.io/app', '', 'my_registry.io/app', undefined, undefined],
    // tags: case kept, up to 128 characters
    ['lowercase:Uppercase', 'docker.io', 'library/lowercase', 'Uppercase', undefined],
    ['nginx:_' + 'x'.repeat(127), 'docker.io', 'library/nginx', '_' + 'x'.repeat(127), undefined],
    // digests: sha256/384/512 with their exact lowercase lengths
    ['nginx@' + SHA256, 'docker.io', 'library/nginx', undefined, SHA256],
    ['nginx@' + SHA384, 'docker.io', 'library/nginx', undefined, SHA384],
    ['nginx@' + SHA512, 'docker.io', 'library/nginx', undefined, SHA512],
    // 255 is the limit on the path; the domain does not count (distribution/reference v0.6)
    ['x.io/' + PATH_255, 'x.io', PATH_255, undefined, undefined],
    ['registry.example.com:5000/' + PATH_255, 'registry.example.com:5000', PATH_255, undefined, undefined],
  ])('%s', (input, domain, path, tag, digest) => {
    const ref = parseImageReference(input);
    expect(ref).toEqual({
      original: input,
      domain,
      path,
      name: domain === '' ? path : `${domain}/${path}`,
      ...(tag === undefined ? {} : { tag }),
      ...(digest === undefined ? {} : { digest }),
    });
  });
});

describe('parseImageReference: invalid references', () => {
  test.each([
    ['', 'the reference is empty'],
    ['a'.repeat(64), 'a bare 64-character hex string is not a valid name'],
    ['Quay.io/Org/App', 'repository name must be lowercase'],
    ['Uppercase:tag', 'repository name must be lowercase'],
    ['test:5000/Uppercase/lowercase:tag', 'repository name must be lowercase'],
    ['nginx:' + 'x'.repeat(129), `tag "${'x'.repeat(129)}" is longer than 128 characters`],
    ['nginx:', 'tag is empty'],
    ['nginx:.bad', 'tag ".bad" must start with a letter, digit or underscore'],
    ['nginx:v1:v2', 'invalid character ":" in tag "v1:v2"'],
    ['reg.io/app:v1/x', 'invalid character "/" in tag "v1/x"'],
    ['nginx@sha256:abc', 'digest must be sha256 followed by 64 hex characters, found 3'],
    ['nginx@sha256:' + 'a'.repeat(63), 'digest must be sha256 followed by 64 hex characters, found 63'],
    ['nginx@sha256:' + 'A'.repeat(64), 'digest must be sha256 followed by 64 lowercase hex characters'],
    ['nginx@sha256:' + 'g'.repeat(64), 'digest must be sha256 followed by 64 hex characters: invalid character "g"'],
    ['nginx@sha512:' + 'a'.repeat(64), 'digest must be sha512 followed by 128 hex characters, found 64'],
    ['nginx@SHA256:' + 'a'.repeat(64), 'digest algorithm must be lowercase "sha256"'],
    ['validname@invaliddigest:' + 'f'.repeat(64), 'digest algorithm "invaliddigest" is not supported'],
    ['nginx@md5:' + 'a'.repeat(32), 'digest algorithm "md5" is not supported'],
    // What precedes an "@" that starts no digest could be user info: hidden, and so is the detail quoting it.
    ['reg.io/app@', 'it has an "@" that starts no digest'],
    ['a/'.repeat(128) + 'a:tag', 'repository path is longer than 255 characters (257)'],
    // Docker Hub's "library/" counts towards the 255
    ['n'.repeat(248), 'repository path is longer than 255 characters (256)'],
    [':justtag', 'repository path has an empty component'],
    ['@' + SHA256, 'repository path has an empty component'],
    ['reg.io//app', 'repository path has an empty component'],
    ['reg.io/app/', 'repository path has an empty component'],
    ['reg.io/', 'repository path is empty'],
    ['aa/asdf$$^/aa', 'invalid character "$" in repository path'],
    ['[2001:db8::1]', 'invalid character "[" in repository path'],
    ['reg.io/a..b', 'path component "a..b" must be lowercase letters and digits separated by'],
    ['reg.io/-app', 'path component "-app" must be lowercase letters and digits separated by'],
    ['reg.io:port/app', 'registry port "port" must be a number'],
    ['my_reg.io:5000/app', 'invalid character "_" in registry host "my_reg.io"'],
    ['[fe80::1%eth0]:5000/repo', 'registry address "[fe80::1%eth0]" must be an IPv6 address in brackets'],
  ])('%j: %s', (input, fragment) => {
    const attempt = () => parseImageReference(input);
    expect(attempt).toThrow(InvalidImageReferenceError);
    expect(attempt).toThrow(`image ${JSON.stringify(input === 'reg.io/app@' ? '***@***' : input)} is invalid: `);
    expect(attempt).toThrow(fragment);
  });

  test('the error carries the reference and the bare reason', () => {
    let caught: unknown;
    try {
      parseImageReference('Quay.io/Org/App');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidImageReferenceError);
    expect(caught).toMatchObject({
      name: 'InvalidImageReferenceError',
      message: 'image "Quay.io/Org/App" is invalid: repository name must be lowercase',
      reference: 'Quay.io/Org/App',
      reason: 'repository name must be lowercase',
    });
  });
});

describe('defaultPullPolicy (API server defaulting looks at the tag only)', () => {
  test.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['quay.io/org/app', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['nginx:Latest', 'IfNotPresent'],
    ['nginx@' + SHA256, 'IfNotPresent'],
    ['nginx:1.25@' + SHA256, 'IfNotPresent'],
    ['nginx:latest@' + SHA256, 'Always'],
  ])('%s -> %s', (input, policy) => {
    expect(defaultPullPolicy(parseImageReference(input))).toBe(policy);
  });
});
