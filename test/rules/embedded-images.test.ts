import { embeddedImageReference, embeddedImagesOf, MAX_EMBEDDED_IMAGES } from '../../src/rules/embedded-images';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('embeddedImageReference: only fully-qualified references with a tag or digest', () => {
  test.each<[string, string | undefined]>([
    ['--acme-http01-solver-image=quay.io/jetstack/cert-manager-acmesolver:v1.15.0', 'quay.io/jetstack/cert-manager-acmesolver:v1.15.0'],
    ['quay.io/org/app:1.0', 'quay.io/org/app:1.0'],
    ['IMAGE=registry.example.com/team/app:2', 'registry.example.com/team/app:2'],
    [`ghcr.io/org/app@${DIGEST}`, `ghcr.io/org/app@${DIGEST}`],
    [`ghcr.io/org/app:1@${DIGEST}`, `ghcr.io/org/app:1@${DIGEST}`],
    ['127.0.0.1:5000/team/app:1', '127.0.0.1:5000/team/app:1'],
    ['localhost:5000/app:1', 'localhost:5000/app:1'],
    ['docker.io/library/nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['quay.io/org/app', undefined], // no tag or digest: a path or a URL as likely as an image
    ['nginx:1.27', undefined], // not fully qualified
    ['library/nginx:1.27', undefined],
    ['localhost/app:1', undefined], // no dot, no port
    ['https://quay.io/org/app:1', undefined],
    ['--path=/var/lib/data', undefined],
    ['quay.io/Org/App:1', undefined], // invalid: uppercase path
    ['my_reg.io/app:1', undefined], // upstream takes `my_reg.io` for a path: no registry
    ['quay.io/org/app:1 --other', undefined],
    ['', undefined],
  ])('%j -> %j', (text, expected) => {
    expect(embeddedImageReference(text)).toBe(expected);
  });

  test('a string too long for a reference is not looked at', () => {
    expect(embeddedImageReference(`--x=quay.io/${'a/'.repeat(300)}b:1`)).toBeUndefined();
  });
});

describe('embeddedImagesOf', () => {
  test('command and args are "args", env values "env"; each once, in order; other fields ignored', () => {
    expect(embeddedImagesOf({
      command: ['/manager', '--image=quay.io/a/b:1'],
      args: ['--x=quay.io/a/b:1', 'quay.io/c/d:2', 42],
      env: [{ name: 'A', value: 'ghcr.io/e/f:3' }, { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }, 'junk', { name: 'C', value: 'plain' }],
      workingDir: 'quay.io/g/h:4',
    })).toEqual({ args: ['quay.io/a/b:1', 'quay.io/c/d:2'], env: ['ghcr.io/e/f:3'] });
  });

  test(`at most ${MAX_EMBEDDED_IMAGES} kept per field kind`, () => {
    const args = Array.from({ length: 100 }, (_, i) => `--i${i}=quay.io/org/app:${i}`);
    const { args: kept } = embeddedImagesOf({ args });
    expect(kept).toHaveLength(MAX_EMBEDDED_IMAGES);
    expect(kept[0]).toBe('quay.io/org/app:0');
  });

  test('malformed lists give nothing', () => {
    expect(embeddedImagesOf({ args: 'quay.io/a/b:1', env: { value: 'quay.io/a/b:1' } })).toEqual({ args: [], env: [] });
  });
});
