import { parseWwwAuthenticate } from '../../src/verify/www-authenticate';

describe('parseWwwAuthenticate', () => {
  test.each<[string, ReturnType<typeof parseWwwAuthenticate>]>([
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    ['Basic', [{ scheme: 'basic', params: {} }]],
    ['Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } }]],
    // quoted commas, escaped quotes, spaces around `=`, unquoted values, case
    ['BEARER Realm = "https://a/t?x=1,y=2" , Service=svc, scope="repository:a:pull,push", error="say \\"no\\""',
      [{ scheme: 'bearer', params: { realm: 'https://a/t?x=1,y=2', service: 'svc', scope: 'repository:a:pull,push', error: 'say "no"' } }]],
    // two challenges in one value (as node joins repeated headers)
    ['Bearer realm="https://a/token",service="s", Basic realm="b, c"',
      [{ scheme: 'bearer', params: { realm: 'https://a/token', service: 's' } }, { scheme: 'basic', params: { realm: 'b, c' } }]],
    ['', []],
  ])('%s', (header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });
});
