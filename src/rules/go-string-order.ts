/**
 * Go's string order: byte-wise over UTF-8 (sort.Strings, and the key order
 * of encoding/json maps). Facts and sources: docs/facts.md#go-string-order.
 */

/** Go string order (UTF-8 bytes, i.e. code points) on JS strings, without encoding them. */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      return codePointRank(x) - codePointRank(y);
    }
  }
  return a.length - b.length;
}

/** UTF-16 units sort like code points except surrogates, which stand for code points above U+FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) {
    return unit + 0x2000;
  }
  return unit >= 0xe000 ? unit - 0x800 : unit;
}
