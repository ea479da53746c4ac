import {
  formatOriginalImages, formatPatternList, parseDeclaredPodSpecPath, parseOriginalImages, parsePatternList,
} from '../../src/rules/declarations';

describe('public-images annotation values', () => {
  test.each([
    [['registry.k8s.io', 'docker.io/library', 'registry.k8s.io'], 'docker.io/library,registry.k8s.io'],
    [['quay.io/org'], 'quay.io/org'],
  ])('%j is written %s, and read back', (patterns, text) => {
    expect(formatPatternList(patterns)).toBe(text);
    expect(parsePatternList(text)).toEqual({ patterns: [...new Set(patterns)].sort() });
  });

  test.each([
    [' docker.io/library , registry.k8s.io ', { patterns: ['docker.io/library', 'registry.k8s.io'] }],
    ['', { problem: 'names no pattern' }],
    [',,', { problem: 'names no pattern' }],
    ['nginx', { problem: expect.stringContaining('the 1st') }],
    ['docker.io/library,docker.io/library/nginx:1', { problem: expect.stringContaining('the 2nd') }],
    ['a.io,b.io,quay.io/*', { problem: expect.stringContaining('the 3rd') }],
    [42, { problem: 'is not a string' }],
  ])('%j reads as %j', (value, expected) => {
    expect(parsePatternList(value)).toEqual(expected);
  });
});

describe('pod-spec-path annotation values', () => {
  test.each([
    ['/spec/template/spec', 'apps.example.com/v1', 'Worker', { podSpecPath: '/spec/template/spec' }],
    ['spec.template', 'apps.example.com/v1', 'Worker', { problem: expect.stringMatching(/^is not a JSON pointer/) }],
    ['/spec/0/spec', 'apps.example.com/v1', 'Worker', { problem: expect.stringMatching(/^is not a JSON pointer/) }],
    ['/spec', 'v1', 'Thing', { problem: expect.stringContaining('is not a DNS subdomain') }],
    [['/spec'], 'apps.example.com/v1', 'Worker', { problem: 'is not a string' }],
  ])('%j on %s %s', (value, apiVersion, kind, expected) => {
    expect(parseDeclaredPodSpecPath(value, apiVersion, kind)).toEqual(expected);
  });
});

describe('original-images annotation values', () => {
  test('written with sorted keys, read back', () => {
    const originals = new Map([['m.example.com/hub/library/nginx:1.27', 'nginx:1.27'], ['m.example.com/hub/a/b:1', 'a/b:1']]);
    const text = formatOriginalImages(originals);
    expect(text).toBe('{"m.example.com/hub/a/b:1":"a/b:1","m.example.com/hub/library/nginx:1.27":"nginx:1.27"}');
    expect(parseOriginalImages(text)).toEqual({ originals: new Map([...originals].sort()) });
  });

  test.each([
    ['not json', 'is not a JSON object'],
    ['[]', 'is not a JSON object'],
    ['null', 'is not a JSON object'],
    ['{"a:1":2}', 'has an entry that is not a pair of image references'],
    ['{"":"x"}', 'has an entry that is not a pair of image references'],
  ])('%s: %s', (value, problem) => {
    expect(parseOriginalImages(value)).toEqual({ problem });
  });
});
