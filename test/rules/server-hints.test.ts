import { firstServerHint, serverHint } from '../../src/rules/server-hints';

describe('serverHint', () => {
  test.each([
    ['quay.io', 'quay.oi', '"quay.oi" is not the image\'s registry "quay.io": did you mean "quay.io"?'],
    ['quay.io', 'https://qauy.io/v1/', '"https://qauy.io/v1/" is not the image\'s registry "quay.io": did you mean "quay.io"?'],
    ['harbor.corp.example:8443', 'harbor.corp.example', '"harbor.corp.example" names no port but the image\'s registry "harbor.corp.example:8443" names port 8443: the port must be the same'],
    ['harbor.corp.example', 'harbor.corp.example:5000', '"harbor.corp.example:5000" names port 5000 but the image\'s registry "harbor.corp.example" names none: the port must be the same'],
    ['ghcr.io', 'GHCR.IO:443', '"GHCR.IO:443" names port 443 but the image\'s registry "ghcr.io" names none: the port must be the same'],
  ])('image on %s, key %s', (domain, key, hint) => {
    expect(serverHint(domain, key)).toBe(hint);
  });

  test.each([
    ['quay.io', 'quay.io'], // the same registry: no near miss
    ['quay.io', 'ghcr.io'], // far apart
    ['quay.io', 'registry.example.com'],
    ['ab.io', 'cd.io'],
    ['quay.io', 'not a url ::'],
    ['gcr.io', 'ghcr.io'], // two real registries, a letter apart: meant as written
    ['reg.io', '*.reg.io'], // a glob key is a pattern, not a typo
    ['ghcr.io', 'gcr.io'],
  ])('image on %s, key %s: no hint', (domain, key) => {
    expect(serverHint(domain, key)).toBeUndefined();
  });

  test('the first key with a hint wins; credentials in a key are never echoed', () => {
    expect(firstServerHint('quay.io', ['ghcr.io', 'https://robot:s3cret@quay.oi'])).toBe('"https://***@quay.oi" is not the image\'s registry "quay.io": did you mean "quay.io"?');
    expect(firstServerHint('quay.io', ['ghcr.io'])).toBeUndefined();
  });
});
