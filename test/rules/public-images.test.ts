import { parseImageReference } from '../../src/rules/image-reference';
import { publicImagePatternProblem, publicImagePatterns, publicPatternOf } from '../../src/rules/public-images';

describe('publicImagePatternProblem: normalized repository prefixes only', () => {
  test.each(['registry.k8s.io', 'docker.io/library', 'docker.io/library/nginx', 'quay.io/org', 'localhost:5000', 'ghcr.io/org/app'])(
    '%s is a pattern', (pattern) => expect(publicImagePatternProblem(pattern)).toBeUndefined());

  test.each([
    ['', 'is empty'],
    ['nginx', 'is not normalized; write "docker.io/library/nginx"'],
    ['library/nginx', 'is not normalized; write "docker.io/library/nginx"'],
    ['index.docker.io/library', 'is not normalized; write "docker.io/library"'],
    ['docker.io/', 'ends with "/"; write "docker.io"'],
    ['quay.io/*', 'has a wildcard'],
    ['quay.io/org/app:1.0', 'has a tag or digest'],
    ['quay.io/Org', 'is not a valid repository prefix'],
    ['bad host', 'does not start with a registry host'],
  ])('%j: %s', (pattern, problem) => expect(publicImagePatternProblem(pattern)).toContain(problem));
});

describe('publicPatternOf: a prefix at a path boundary of the normalized name', () => {
  const patterns = publicImagePatterns(['registry.k8s.io', 'docker.io/library', 'quay.io/org/app']);
  test.each([
    ['nginx', true],
    ['library/nginx:1.27', true],
    ['registry.k8s.io/pause:3.9', true],
    ['registry.k8s.io/sig/tool', true],
    ['quay.io/org/app@sha256:' + 'a'.repeat(64), true],
    ['quay.io/org/app-two', false],
    ['quay.io/org', false],
    ['bitnami/redis', false],
    ['registry.k8s.io.evil.example/x', false],
  ])('%s -> %s', (image, expected) => expect(publicPatternOf(parseImageReference(image), patterns) !== undefined).toBe(expected));
});
