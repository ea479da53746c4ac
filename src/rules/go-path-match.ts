/**
 * Go's path.Match (filepath.Match on Linux), compiled once per pattern: how
 * the kubelet matches each host label of a registry key against an image's
 * (keyring.go URLsMatch). Facts and sources: docs/facts.md#go-pathmatch.
 */

type GlobToken =
  | { readonly kind: 'byte'; readonly value: number }
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
      for (const token of parsed.tokens) tokens.push(token);
      i = parsed.next;
    }
    chunks.push({ star, tokens });
  }
  return chunks;
}

function parseToken(chars: readonly string[], start: number): { tokens: GlobToken[]; next: number } | undefined {
  const ch = chars[start];
  if (ch === '?') {
    return { tokens: [{ kind: 'any' }], next: start + 1 };
  }
  if (ch === '\\') {
    return start + 1 < chars.length ? { tokens: literalBytes(chars[start + 1]), next: start + 2 } : undefined;
  }
  if (ch !== '[') {
    return { tokens: literalBytes(ch), next: start + 1 };
  }
  const parsed = parseClass(chars, start + 1);
  return parsed && { tokens: [parsed.token], next: parsed.next };
}

/** A literal character is compared byte by byte, as Go compares pattern and name bytes. */
function literalBytes(ch: string): GlobToken[] {
  return [...Buffer.from(ch, 'utf8')].map((value) => ({ kind: 'byte', value }));
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
  // A lone surrogate reaches Go as U+FFFD, as the UTF-8 encoder writes it.
  const codePoint = Buffer.from(chars[i], 'utf8').toString('utf8').codePointAt(0)!;
  return i + 1 < chars.length ? { codePoint, next: i + 1 } : undefined;
}

/**
 * path.Match's loop over the name's UTF-8 bytes, as Go runs it: literals
 * compare bytes, `?` and classes decode one rune (an invalid byte is U+FFFD
 * of width 1), and `*` skips one byte at a time, so it can stop inside a
 * multi-byte character. Each starred chunk takes its leftmost fit; the last
 * one must end the name; `*` and `?` never cross `/`.
 */
function matchGlob(chunks: readonly GlobChunk[], text: string): boolean {
  const name = Buffer.from(text, 'utf8');
  let pos = 0;
  for (let c = 0; c < chunks.length; c++) {
    const { star, tokens } = chunks[c];
    const last = c === chunks.length - 1;
    if (star && tokens.length === 0) {
      return name.indexOf(SLASH, pos) < 0;
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

const SLASH = 0x2f;

function matchAfterSkipping(tokens: readonly GlobToken[], name: Buffer, from: number, last: boolean): number {
  for (let i = from; i < name.length && name[i] !== SLASH; i++) {
    const end = matchChunk(tokens, name, i + 1);
    if (end >= 0 && (!last || end === name.length)) {
      return end;
    }
  }
  return -1;
}

/** Index after the chunk matched at `pos`, or -1. */
function matchChunk(tokens: readonly GlobToken[], name: Buffer, pos: number): number {
  let i = pos;
  for (const token of tokens) {
    if (i >= name.length) {
      return -1;
    }
    if (token.kind === 'byte') {
      if (name[i] !== token.value) return -1;
      i++;
      continue;
    }
    if (token.kind === 'any' && name[i] === SLASH) {
      return -1;
    }
    const [rune, width] = decodeRune(name, i);
    if (token.kind === 'class' && token.ranges.some(([lo, hi]) => lo <= rune && rune <= hi) === token.negated) {
      return -1;
    }
    i += width;
  }
  return i;
}

/** utf8.DecodeRuneInString: the rune at `i` and its width; an invalid or truncated sequence is U+FFFD, width 1. */
function decodeRune(bytes: Buffer, i: number): [number, number] {
  const b0 = bytes[i];
  if (b0 < 0x80) return [b0, 1];
  const width = b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc2 && b0 <= 0xdf ? 2 : 0;
  if (width === 0 || i + width > bytes.length) return [0xfffd, 1];
  const decoded = bytes.subarray(i, i + width).toString('utf8');
  const rune = decoded.codePointAt(0)!;
  // Node marks an invalid sequence with U+FFFD too: a real U+FFFD is EF BF BD.
  if (rune === 0xfffd && !(b0 === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd)) return [0xfffd, 1];
  if (Buffer.from(String.fromCodePoint(rune), 'utf8').length !== width) return [0xfffd, 1];
  return [rune, width];
}
