/**
 * Terminal safety: text that came from the input (file names, object names,
 * images, paths, registry and runtime messages) is printed with its control
 * characters shown as visible escapes, so an ESC, a newline or a
 * right-to-left override can neither drive the terminal nor forge a line or
 * reorder what is shown.
 */

/**
 * C0 controls (newline, carriage return and tab too), DEL, C1 controls, the
 * Arabic letter mark, zero-width and directional marks, the line and
 * paragraph separators, bidirectional embeddings, overrides and isolates,
 * word joiner and invisible operators, and the byte order mark.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One unprintable character as a visible escape: `\n`, `\r`, `\t`, `\x1b`, `\u202e`. */
function escapeOf(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` safe for a terminal and on one line: every control, bidirectional
 * or invisible formatting character shown as an escape (`\x1b`, `\n`,
 * `\u202e`). Other text, backslashes included, is left as it is.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeOf);
}

/** What JSON.stringify leaves raw but a terminal acts on: DEL, C1 and the formatting characters above. */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * JSON text safe for a terminal, meaning unchanged: JSON.stringify escapes
 * C0 controls but leaves DEL, C1 and bidirectional controls raw; these
 * become `\uXXXX` escapes (which can only be inside strings).
 */
export function printableJson(json: string): string {
  return json.replace(JSON_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
