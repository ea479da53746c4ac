/**
 * Where a `List`'s block sequence `items` lies in a document's text, found
 * by a line scan (no parse), so that a large List can be parsed an item at
 * a time (yaml-documents.ts parseListInPieces).
 */

/** Where a List's block sequence `items` is in a document's text. */
export interface ListSection {
  /** Where the `items:` line starts. */
  readonly itemsLine: number;
  /** Where each item (its `- ` line) starts. */
  readonly items: readonly number[];
  /** Where the first line after the sequence starts (the text's length when none). */
  readonly end: number;
}

/**
 * The first line that is exactly `items:` (a comment aside) at the start
 * of a line, and the block sequence below it: items start with `-` at one
 * indentation; blank lines, comments and lines indented more belong to the
 * item above; the first other line ends it. Undefined when there is none.
 */
export function listSection(text: string): ListSection | undefined {
  const itemsKey = /^items:[ \t]*(?:#[^\n]*)?\r?\n/m.exec(text);
  if (itemsKey === null) return undefined;
  const items: number[] = [];
  let indent = -1;
  let line = itemsKey.index + itemsKey[0].length;
  while (line < text.length) {
    const newline = text.indexOf('\n', line);
    const next = newline < 0 ? text.length : newline + 1;
    let column = line;
    while (text.charCodeAt(column) === 0x20) column++;
    const c = text.charAt(column);
    const blank = c === '' || c === '\n' || c === '\r' || c === '#';
    if (!blank) {
      const after = text.charAt(column + 1);
      const dash = c === '-' && (after === ' ' || after === '\t' || after === '\n' || after === '\r' || after === '');
      if (indent < 0) {
        if (!dash) return undefined;
        indent = column - line;
      }
      if (dash && column - line === indent) {
        items.push(line);
      } else if (column - line <= indent) {
        return items.length === 0 ? undefined : { itemsLine: itemsKey.index, items, end: line };
      }
    }
    line = next;
  }
  return items.length === 0 ? undefined : { itemsLine: itemsKey.index, items, end: text.length };
}

/** How many line breaks `text` has from `from` to `to`. */
export function countLines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
