/**
 * Go's path.Match (filepath.Match on Linux), compiled once per pattern: how
 * the kubelet matches each host label of a registry key against an image's
 * (keyring.go URLsMatch). Facts and sources: docs/facts.md#go-pathmatch.
 */

type GlobToken =
  | { readonly kind: 'char'; readonly codePoint: number }
  | { readonly kind: 'any' }
  | { readonly kind: 'class'; readonly negated: boolean; readonly ranges: ReadonlyArray<readonly [number, number]> };

interface GlobChunk {
  /** Whether `*` precedes the chunk. */
  readonly star: boolean;
  readonly tokens: readonly GlobToken[];
}

/**
 * Compiles a glob into a matcher with path.Match's semantics. A malformed
 * pattern never matches (Match returns ErrBadPattern, which URLsMatch treats
 * as no match). Patterns without metacharacters compare as plain strings.
 */
export function compileGoGlob(pattern: string): (name: string) => boolean {
  if (!/[*?[\\]/.test(pattern)) {
    return (name) => name === pattern;
  }
  const chunks = parseGlob(pattern);
  return chunks === undefined ? () => false : (name) => matchGlob(chunks, name);
}

function parseGlob(pattern: string): GlobChunk[] | undefined {
  const chunks: GlobChunk[] = [];
  const chars = Array.from(pattern);
  let i = 0;
  while (i < chars.length) {
    let star = false;
    while (chars[i] === '*') {
      star = true;
      i++;
    }
    const tokens: GlobToken[] = [];
    while (i < chars.length && chars[i] !== '*') {
      const parsed = parseToken(chars, i);
      if (parsed === undefined) {
        return undefined;
      }
      tokens.push(parsed.token);
      i = parsed.next;
    }
    chunks.push({ star, tokens });
  }
  return chunks;
}

function parseToken(chars: readonly string[], start: number): { token: GlobToken; next: number } | undefined {
  const ch = chars[start];
  if (ch === '?') {
    return { token: { kind: 'any' }, next: start + 1 };
  }
  if (ch === '\\') {
    return start + 1 < chars.length
      ? { token: { kind: 'char', codePoint: chars[start + 1].codePointAt(0)! }, next: start + 2 }
      : undefined;
  }
  if (ch !== '[') {
    return { token: { kind: 'char', codePoint: ch.codePointAt(0)! }, next: start + 1 };
  }
  return parseClass(chars, start + 1);
}

/** A `[...]` class after its `[`: path.Match's getEsc rules (no empty class, `-`/`]` need escaping). */
function parseClass(chars: readonly string[], start: number): { token: GlobToken; next: number } | undefined {
  let i = start;
  const negated = chars[i] === '^';
  if (negated) {
    i++;
  }
  const ranges: Array<[number, number]> = [];
  while (!(chars[i] === ']' && ranges.length > 0)) {
    const lo = classChar(chars, i);
    if (lo === undefined) {
      return undefined;
    }
    i = lo.next;
    let hi = lo;
    if (chars[i] === '-') {
      const parsedHi = classChar(chars, i + 1);
      if (parsedHi === undefined) {
        return undefined;
      }
      hi = parsedHi;
      i = hi.next;
    }
    ranges.push([lo.codePoint, hi.codePoint]);
  }
  return { token: { kind: 'class', negated, ranges }, next: i + 1 };
}

function classChar(chars: readonly string[], start: number): { codePoint: number; next: number } | undefined {
  let i = start;
  if (i >= chars.length || chars[i] === '-' || chars[i] === ']') {
    return undefined;
  }
  if (chars[i] === '\\') {
    i++;
    if (i >= chars.length) {
      return undefined;
    }
  }
  // getEsc also insists that something (at least the closing `]`) follows.
  return i + 1 < chars.length ? { codePoint: chars[i].codePointAt(0)!, next: i + 1 } : undefined;
}

/** path.Match's loop: each starred chunk takes its leftmost fit; the last one must end the name. */
function matchGlob(chunks: readonly GlobChunk[], name: string): boolean {
  let pos = 0;
  for (let c = 0; c < chunks.length; c++) {
    const { star, tokens } = chunks[c];
    const last = c === chunks.length - 1;
    if (star && tokens.length === 0) {
      return true; // trailing `*` (host labels never contain `/`)
    }
    const here = matchChunk(tokens, name, pos);
    if (here >= 0 && (here === name.length || !last)) {
      pos = here;
      continue;
    }
    const skipped = star ? matchAfterSkipping(tokens, name, pos, last) : -1;
    if (skipped < 0) {
      return false;
    }
    pos = skipped;
  }
  return pos === name.length;
}

function matchAfterSkipping(tokens: readonly GlobToken[], name: string, from: number, last: boolean): number {
  for (let i = from; i < name.length; i = nextIndex(name, i)) {
    const end = matchChunk(tokens, name, nextIndex(name, i));
    if (end >= 0 && (!last || end === name.length)) {
      return end;
    }
  }
  return -1;
}

/** Index after the chunk matched at `pos`, or -1. */
function matchChunk(tokens: readonly GlobToken[], name: string, pos: number): number {
  let i = pos;
  for (const token of tokens) {
    if (i >= name.length) {
      return -1;
    }
    const cp = name.codePointAt(i)!;
    if (token.kind === 'char' && token.codePoint !== cp) {
      return -1;
    }
    if (token.kind === 'class' && token.ranges.some(([lo, hi]) => lo <= cp && cp <= hi) === token.negated) {
      return -1;
    }
    i = nextIndex(name, i);
  }
  return i;
}

function nextIndex(text: string, i: number): number {
  return i + (text.codePointAt(i)! > 0xffff ? 2 : 1);
}
