/**
 * Just enough of Go's text/template and Sprig to run the templates External
 * Secrets Operator (engine v2) gets from this library, written from their
 * documentation rather than from our own encoder, so the tests compare two
 * independent readings of the same behaviour:
 *
 * - text/template (https://pkg.go.dev/text/template): text and `{{ }}`
 *   actions with `{{-`/`-}}` trimming; pipelines of commands joined by `|`,
 *   where the value of one command is the last argument of the next; `.key`
 *   on the data (a `map[string]string`; with `missingkey=error`, as the
 *   operator sets it, a missing key is an error); string literals; `if`,
 *   `else`, `end`, where an empty string is false. A string prints as is.
 * - `printf` is `fmt.Sprintf` (`%s`, `%v` of strings and `%%` here).
 * - Sprig `b64enc`: `base64.StdEncoding.EncodeToString([]byte(s))`.
 * - Sprig `toJson`: `json.Marshal(v)`: for a string, `"`, `\` and control
 *   characters escaped (`\b \f \n \r \t` short since Go 1.22, others
 *   `\u00XX`), `<`, `>`, `&` and U+2028, U+2029 as `\uXXXX` (HTML-safe),
 *   invalid UTF-8 as `\ufffd`, everything else as its UTF-8 bytes.
 *
 * Values are bytes (Buffers) as in Go; the result is the bytes Go writes.
 */

type Value = Buffer;

interface TextNode { readonly type: 'text'; readonly bytes: Buffer }
interface ActionNode { readonly type: 'action'; readonly pipeline: Token[] }
interface IfNode { readonly type: 'if'; readonly pipeline: Token[]; readonly then: Node[]; readonly otherwise: Node[] }
type Node = TextNode | ActionNode | IfNode;

type Token =
  | { readonly type: 'field'; readonly name: string }
  | { readonly type: 'dot' }
  | { readonly type: 'string'; readonly value: Buffer }
  | { readonly type: 'ident'; readonly name: string }
  | { readonly type: 'pipe' };

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  toJson: (v) => goJsonMarshalString(v),
  b64enc: (v) => Buffer.from(v.toString('base64'), 'latin1'),
  printf: (format, ...args) => goSprintf(format, args),
};

/** Executes `template` on `data` (keys to UTF-8 strings) like the operator: returns the bytes written. */
export function executeGoTemplate(template: string, data: Record<string, string>): Buffer {
  const values = new Map(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8')]));
  const nodes = parse(lex(template));
  return Buffer.concat(run(nodes, values));
}

/** Go's json.Marshal of a string given as its bytes. */
export function goJsonMarshalString(bytes: Buffer): Buffer {
  const out: number[] = [0x22];
  const ascii = (s: string) => out.push(...Buffer.from(s, 'latin1'));
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    if (b < 0x80) {
      if (b === 0x22 || b === 0x5c) ascii(`\\${String.fromCharCode(b)}`);
      else if (b === 0x3c || b === 0x3e || b === 0x26) ascii(`\\u00${b.toString(16)}`);
      else if (b >= 0x20) out.push(b);
      else ascii({ 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' }[b] ?? `\\u00${b.toString(16).padStart(2, '0')}`);
      i++;
      continue;
    }
    const { rune, size } = decodeRune(bytes, i);
    if (rune === undefined) ascii('\\ufffd');
    else if (rune === 0x2028 || rune === 0x2029) ascii(`\\u${rune.toString(16)}`);
    else out.push(...bytes.subarray(i, i + size));
    i += size;
  }
  out.push(0x22);
  return Buffer.from(out);
}

/** One UTF-8 sequence at `i`: the rune, or undefined (and size 1) when invalid, as Go's utf8.DecodeRune. */
function decodeRune(bytes: Buffer, i: number): { rune?: number; size: number } {
  const b = bytes[i];
  const size = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 0;
  if (size === 0 || i + size > bytes.length) return { size: 1 };
  // The lead byte keeps its low 7 - size bits; each continuation byte (10xxxxxx) adds 6.
  let rune = b % 2 ** (7 - size);
  for (let k = 1; k < size; k++) {
    const c = bytes[i + k];
    if (c < 0x80 || c >= 0xc0) return { size: 1 };
    rune = rune * 64 + (c - 0x80);
  }
  const min = [0, 0, 0x80, 0x800, 0x10000][size];
  if (rune < min || rune > 0x10ffff || (rune >= 0xd800 && rune <= 0xdfff)) return { size: 1 };
  return { rune, size };
}

function goSprintf(format: Value, args: Value[]): Value {
  const parts: Buffer[] = [];
  const text = format.toString('latin1');
  let next = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '%') {
      parts.push(format.subarray(i, i + 1));
      continue;
    }
    const verb = text[++i];
    if (verb === '%') parts.push(Buffer.from('%'));
    else if (verb === 's' || verb === 'v') parts.push(args[next++] ?? Buffer.from('%!' + verb + '(MISSING)'));
    else throw new Error(`printf verb %${verb} is not implemented by this helper`);
  }
  if (next < args.length) throw new Error('printf: extra arguments are not implemented by this helper');
  return Buffer.concat(parts);
}

type Lexed = { type: 'text'; bytes: Buffer } | { type: 'action'; tokens: Token[] };

function lex(template: string): Lexed[] {
  const items: Lexed[] = [];
  let rest = template;
  let trimNextText = false;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    let text = open < 0 ? rest : rest.slice(0, open);
    if (trimNextText) text = text.replace(/^[ \t\r\n]+/, '');
    const trimLeft = open >= 0 && /^\{\{- /.test(rest.slice(open));
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    if (text) items.push({ type: 'text', bytes: Buffer.from(text, 'utf8') });
    if (open < 0) break;
    const { tokens, end, trimRight } = lexAction(rest, open + (trimLeft ? 3 : 2));
    items.push({ type: 'action', tokens });
    trimNextText = trimRight;
    rest = rest.slice(end);
  }
  return items;
}

function lexAction(s: string, start: number): { tokens: Token[]; end: number; trimRight: boolean } {
  const tokens: Token[] = [];
  let i = start;
  for (;;) {
    while (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r') i++;
    if (s.startsWith('-}}', i) && /[ \t\r\n]/.test(s[i - 1])) return { tokens, end: i + 3, trimRight: true };
    if (s.startsWith('}}', i)) return { tokens, end: i + 2, trimRight: false };
    if (i >= s.length) throw new Error('unclosed action');
    const c = s[i];
    if (c === '|') {
      tokens.push({ type: 'pipe' });
      i++;
    } else if (c === '"') {
      const m = /^"(?:[^"\\\n]|\\.)*"/.exec(s.slice(i));
      if (!m) throw new Error('unterminated quoted string');
      tokens.push({ type: 'string', value: Buffer.from(JSON.parse(m[0]) as string, 'utf8') });
      i += m[0].length;
    } else if (c === '`') {
      const close = s.indexOf('`', i + 1);
      if (close < 0) throw new Error('unterminated raw quoted string');
      tokens.push({ type: 'string', value: Buffer.from(s.slice(i + 1, close), 'utf8') });
      i = close + 1;
    } else if (c === '.') {
      const m = /^\.([A-Za-z_][A-Za-z0-9_]*)?/.exec(s.slice(i))!;
      tokens.push(m[1] === undefined ? { type: 'dot' } : { type: 'field', name: m[1] });
      i += m[0].length;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
      if (!m) throw new Error(`unexpected "${c}" in action (not implemented by this helper)`);
      tokens.push({ type: 'ident', name: m[0] });
      i += m[0].length;
    }
  }
}

function parse(items: Lexed[]): Node[] {
  let at = 0;
  const block = (closers: string[]): { nodes: Node[]; closer?: string } => {
    const nodes: Node[] = [];
    while (at < items.length) {
      const item = items[at++];
      if (item.type === 'text') {
        nodes.push(item);
        continue;
      }
      const [first, ...rest] = item.tokens;
      const keyword = first?.type === 'ident' ? first.name : undefined;
      if (keyword === 'if') {
        const then = block(['else', 'end']);
        const otherwise = then.closer === 'else' ? block(['end']) : { nodes: [] };
        nodes.push({ type: 'if', pipeline: rest, then: then.nodes, otherwise: otherwise.nodes });
      } else if (keyword !== undefined && closers.includes(keyword)) {
        return { nodes, closer: keyword };
      } else if (keyword === 'else' || keyword === 'end' || keyword === 'range' || keyword === 'with' || keyword === 'define') {
        throw new Error(`unexpected {{${keyword}}}`);
      } else {
        nodes.push({ type: 'action', pipeline: item.tokens });
      }
    }
    if (closers.length > 0) throw new Error('unexpected EOF: missing {{end}}');
    return { nodes };
  };
  return block([]).nodes;
}

function run(nodes: Node[], data: Map<string, Value>): Buffer[] {
  const out: Buffer[] = [];
  for (const node of nodes) {
    if (node.type === 'text') out.push(node.bytes);
    else if (node.type === 'action') out.push(evalPipeline(node.pipeline, data));
    else out.push(...run(evalPipeline(node.pipeline, data).length > 0 ? node.then : node.otherwise, data));
  }
  return out;
}

function evalPipeline(tokens: Token[], data: Map<string, Value>): Value {
  const commands: Token[][] = [[]];
  for (const token of tokens) {
    if (token.type === 'pipe') commands.push([]);
    else commands[commands.length - 1].push(token);
  }
  let piped: Value | undefined;
  commands.forEach((command, index) => {
    if (command.length === 0) throw new Error('missing command in pipeline');
    const [head, ...args] = command;
    if (head.type === 'ident') {
      const fn = FUNCTIONS[head.name];
      if (!fn) throw new Error(`function "${head.name}" not defined (by this helper)`);
      const values = args.map((arg) => operand(arg, data));
      piped = fn(...(piped === undefined ? values : [...values, piped]));
      return;
    }
    if (args.length > 0) throw new Error('can\'t give argument to non-function');
    if (index > 0) throw new Error('non-function command in pipeline');
    piped = operand(head, data);
  });
  return piped!;
}

function operand(token: Token, data: Map<string, Value>): Value {
  if (token.type === 'string') return token.value;
  if (token.type === 'field') {
    const value = data.get(token.name);
    if (value === undefined) throw new Error(`map has no entry for key "${token.name}"`);
    return value;
  }
  throw new Error(`operand ${token.type} is not implemented by this helper`);
}
