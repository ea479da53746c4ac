import { compileGoGlob } from '../../src/rules/go-path-match';

// Registry keys cannot carry "?" (it starts a URL query) or "^", but the glob implements all of path.Match.
describe('compileGoGlob: Go path.Match', () => {
  test.each([
    ['reg?.example.com', 'reg1.example.com', true],
    ['reg?.example.com', 'reg12.example.com', false],
    ['reg?.example.com', 'reg.example.com', false],
    ['r*g?.example.com', 'rxyg1.example.com', true],
    ['*[0-9].io', 'reg9.io', true],
    ['*[0-9].io', 'reg.io', false],
    ['reg[^0-9].corp.io', 'regx.corp.io', true],
    ['reg[^0-9].corp.io', 'reg1.corp.io', false],
    // "!" is no negation in Go: "[!0-9]" is the set {!, 0-9}
    ['reg[!0-9]', 'regx', false],
    ['reg[!0-9]', 'reg!', true],
    ['a*b*c.io', 'aXbYbZc.io', true],
    ['a*b*c.io', 'aXbYcZ.io', false],
    ['\\*.io', 'x.io', false],
    ['\\*.io', '*.io', true],
    ['[a-c]x', 'bx', true],
    ['[\\]]', ']', true],
    // malformed patterns never match (ErrBadPattern counts as no match in URLsMatch)
    ['reg[0-9', 'reg1', false],
    ['[]a]', ']', false],
    ['[a-]', 'a', false],
    ['ab\\', 'ab', false],
    // plain patterns compare as strings; multi-unit code points count as one character
    ['quay', 'quay', true],
    ['?', '\u{1F600}', true],
  ])('%s vs %s -> %s', (pattern, name, expected) => {
    expect(compileGoGlob(pattern)(name)).toBe(expected);
  });
});
