import { closestName, editDistance } from '../../src/rules/edit-distance';

describe('editDistance (Levenshtein, bounded)', () => {
  test.each([
    ['quay-pull', 'quay-pull', 0],
    ['quay-pul', 'quay-pull', 1],
    ['qauy-pull', 'quay-pull', 2],
    ['quay-pull', 'ghcr-pull', 3],
    ['', 'ab', 2],
    ['abc', 'abcdef', 3],
  ])('%j vs %j', (a, b, expected) => expect(editDistance(a, b, 2)).toBe(Math.min(expected, 3)));
});

describe('closestName', () => {
  test.each<[string, string[], string | undefined]>([
    ['quay-pul', ['ghcr-pull', 'quay-pull'], 'quay-pull'],
    ['quay-pull', ['quay-pull'], undefined],
    ['quay-pl', ['quay-pull', 'quay-p'], 'quay-p'],
    ['made-by-hand', ['quay-pull'], undefined],
    ['ab', ['cd'], undefined],
  ])('%s among %j -> %s', (name, candidates, expected) => expect(closestName(name, candidates, 2)).toBe(expected));
});
