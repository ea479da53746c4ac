/**
 * Go's string order: byte-wise over UTF-8 (sort.Strings, and the key order
 * of encoding/json maps). Facts and sources: docs/facts.md#go-string-order.
 */

/**
 * Go string order on JS strings: compares their UTF-8 bytes. UTF-16 order
 * differs above U+FFFF, and a lone surrogate is U+FFFD to Go (as it is to
 * the UTF-8 encoder), so the strings are encoded, not compared unit by unit.
 */
export function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
