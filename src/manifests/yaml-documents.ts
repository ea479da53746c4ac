/**
 * Parsing the text of one YAML document (as split by manifest-stream.ts)
 * into plain values. Errors point at file, document, line and column and
 * describe the problem in words of this library, from the parser's error
 * code: the parser's own messages may quote the source (an unresolved
 * alias names it, for one), and the source may hold secrets.
 *
 * What a document means follows kubectl's parser (go-yaml v2, through
 * sigs.k8s.io/yaml) where the two differ in ways that hide or show
 * containers: YAML 1.1 merge keys (`<<`) are merged (see yaml-merge-keys.ts).
 * What a document may expand to through aliases is bounded
 * (see {@link expansionBudget}), and a large `List` is parsed an item at a
 * time (see {@link parseListInPieces}), so memory follows the document's
 * text and its largest item.
 */
import { Alias, Composer, Document, ErrorCode, isMap, isScalar, isSeq, Lexer, LineCounter, Parser, visit } from 'yaml';
import { describePosition, InputError, InputPosition } from './input-error';
import { checkExpansion, expansionBudget } from './yaml-expansion';
import { countLines, listSection } from './yaml-list-section';
import { MergeError, withKubectlMergeKeys } from './yaml-merge-keys';

export { expansionBudget, MIN_EXPANSION_BUDGET } from './yaml-expansion';

/**
 * How deeply collections may nest in a manifest. Kubernetes objects stay
 * far below; deeper input is refused before it can exhaust the call stack.
 */
export const MAX_NESTING = 128;
/** How many alias expansions one document may make (a "billion laughs" stops here). */
const MAX_ALIAS_COUNT = 100;
/** The parser's stack holds the stream and the document besides one entry per collection. */
const PARSER_STACK_BASE = 2;
/** The first character of an alias (`*name`) as the lexer passes it on. */
const ALIAS_START = 0x2a;

/** One parsed document. */
export interface ParsedDocument {
  /** The document's value (null for an empty document). */
  readonly value: unknown;
  /** 1-based index of the document in its file. */
  readonly document: number;
  /** Where the node at a JSON pointer of the document is (where the document starts when it cannot tell). */
  locate(pointer: string): InputPosition;
}

/** What each yaml error code means, in words that quote nothing. */
const YAML_ERRORS: Readonly<Record<ErrorCode, string>> = {
  ALIAS_PROPS: 'an alias has an anchor or a tag',
  BAD_ALIAS: 'an alias or anchor is malformed',
  BAD_COLLECTION_TYPE: 'a collection does not fit its tag',
  BAD_DIRECTIVE: 'a directive is malformed',
  BAD_DQ_ESCAPE: 'a double-quoted string has an invalid escape',
  BAD_INDENT: 'the indentation is wrong',
  BAD_PROP_ORDER: 'an anchor or tag is misplaced',
  BAD_SCALAR_START: 'a plain value starts with a reserved character (quote it)',
  BLOCK_AS_IMPLICIT_KEY: 'a block collection is used as a key',
  BLOCK_IN_FLOW: 'block syntax inside a flow collection',
  DUPLICATE_KEY: 'a mapping has the same key twice',
  IMPOSSIBLE: 'the parser reached an impossible state',
  KEY_OVER_1024_CHARS: 'an implicit key is longer than 1024 characters',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  MULTILINE_IMPLICIT_KEY: 'an implicit key spans more than one line',
  MULTIPLE_ANCHORS: 'a node has more than one anchor',
  MULTIPLE_DOCS: 'more than one document',
  MULTIPLE_TAGS: 'a node has more than one tag',
  NON_STRING_KEY: 'a key is not a string',
  RESOURCE_EXHAUSTION: 'collections are nested too deeply',
  TAB_AS_INDENT: 'a tab is used for indentation',
  TAG_RESOLVE_FAILED: 'a tag cannot be resolved',
  UNEXPECTED_TOKEN: 'unexpected content',
};

/** Thrown from inside the token stream when nesting goes past {@link MAX_NESTING}. */
class NestingTooDeep {
  public constructor(public readonly offset: number) {}
}

/**
 * Parses `text`, the text of (usually) one YAML document starting on line
 * `firstLine` of `file`, and passes each document to `onDocument`;
 * `documentsBefore` is how many documents of the file came before. Returns
 * how many documents the text held. A text that starts with `{` or `[` is
 * tried as JSON first (much cheaper than YAML for large files).
 */
export function parseDocumentText(
  text: string, firstLine: number, file: string, documentsBefore: number, onDocument: (document: ParsedDocument) => void,
): number {
  const json = parseJson(text);
  if (json !== undefined) {
    const start: InputPosition = { line: firstLine + leadingLineBreaks(text), column: 1 };
    onDocument({ value: json.value, document: documentsBefore + 1, locate: () => start });
    return 1;
  }
  const list = text.length >= LARGE_DOCUMENT_CHARACTERS ? parseListInPieces(text, firstLine, file) : undefined;
  if (list !== undefined) {
    onDocument({
      value: list,
      document: documentsBefore + 1,
      // Only an error asks where a node is: the whole text is parsed again for that (as one, its tree takes many times the text).
      locate: (pointer) => {
        let position: InputPosition = { line: firstLine, column: 1 };
        parseYamlText(text, firstLine, file, documentsBefore, (document) => (position = document.locate(pointer)));
        return position;
      },
    });
    return 1;
  }
  return parseYamlText(text, firstLine, file, documentsBefore, onDocument);
}

/** {@link parseDocumentText} for YAML, all of the text at once; `depth`: how many collections hold the text's content. */
function parseYamlText(
  text: string, firstLine: number, file: string, documentsBefore: number, onDocument: (document: ParsedDocument) => void, depth = 0,
): number {
  const lineCounter = new LineCounter();
  const toFile = (offset: number): InputPosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + firstLine - 1, column: col };
  };
  const parser = new Parser(lineCounter.addNewLine);
  // Whether the text may hold an alias (a block scalar's text may start with `*` too): only then can a document expand.
  let aliases = false;
  function* tokens() {
    lineCounter.addNewLine(0);
    for (const lexeme of new Lexer().lex(text, false)) {
      if (lexeme.charCodeAt(0) === ALIAS_START) aliases = true;
      yield* parser.next(lexeme);
      if (parser.stack.length + depth > MAX_NESTING + PARSER_STACK_BASE) {
        throw new NestingTooDeep(parser.offset);
      }
    }
    yield* parser.end();
  }
  const composer = new Composer({ uniqueKeys: true, merge: false, customTags: withKubectlMergeKeys });
  let index = documentsBefore;
  try {
    for (const doc of composer.compose(tokens())) {
      index++;
      onDocument(toParsed(doc, index, file, toFile, aliases ? expansionBudget(text.length) : undefined));
    }
  } catch (error) {
    if (error instanceof NestingTooDeep) {
      const position = toFile(error.offset);
      throw new InputError(`malformed YAML at ${describePosition(position)}: collections are nested more than ${MAX_NESTING} levels deep`, file, index + 1, position);
    }
    if (error instanceof InputError) {
      throw error;
    }
    if (error instanceof MergeError) {
      const position = toFile(error.offset);
      throw new InputError(`malformed YAML at ${describePosition(position)}: ${error.problem}`, file, index, position);
    }
    // Anything else the parser throws may quote the text: only its kind is told.
    const position: InputPosition = { line: firstLine, column: 1 };
    throw new InputError(`cannot be parsed from ${describePosition(position)} on (${error instanceof Error ? error.name : 'error'})`, file, index + 1, position);
  }
  return index - documentsBefore;
}

/** `budget`: how many values the document may expand to, when it may hold aliases. */
function toParsed(
  doc: Document.Parsed, index: number, file: string, toFile: (offset: number) => InputPosition, budget: number | undefined,
): ParsedDocument {
  const error = doc.errors[0];
  if (error !== undefined) {
    const position = toFile(error.pos[0]);
    throw new InputError(`malformed YAML at ${describePosition(position)}: ${YAML_ERRORS[error.code] ?? 'the YAML is malformed'}`, file, index, position);
  }
  if (budget !== undefined) {
    // Before conversion, which would build what the aliases expand to (a merge key copies what it merges).
    const expansion = checkExpansion(doc, budget);
    if (expansion !== undefined) {
      const position = toFile(expansion.offset);
      throw new InputError(`malformed YAML at ${describePosition(position)}: ${expansion.problem}`, file, index, position);
    }
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof MergeError) throw e;
    throw conversionError(doc, e, index, file, toFile);
  }
  const start = toFile(doc.range[0]);
  return { value, document: index, locate: (pointer) => locateNode(doc, pointer, toFile) ?? start };
}

/**
 * `toJS` throws for an alias without an anchor before it and for too many
 * alias expansions; its messages quote the alias, so they are replaced.
 */
function conversionError(doc: Document.Parsed, error: unknown, index: number, file: string, toFile: (offset: number) => InputPosition): InputError {
  let unresolved: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) === undefined) {
        unresolved = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (unresolved?.range) {
    const position = toFile(unresolved.range[0]);
    return new InputError(`malformed YAML at ${describePosition(position)}: an alias (a value starting with "*") names no anchor defined before it; quote the value if it is text`,
      file, index, position);
  }
  const position = toFile(doc.range[0]);
  const problem = error instanceof ReferenceError && /alias/i.test(error.message)
    ? `aliases expand more than ${MAX_ALIAS_COUNT} times`
    : `it cannot be converted (${error instanceof Error ? error.name : 'error'})`;
  return new InputError(`malformed YAML in the document starting at ${describePosition(position)}: ${problem}`, file, index, position);
}


/**
 * A large document that is a mapping with a block sequence `items` at the
 * start of a line (a `List`, as `kubectl get -o yaml` writes it), parsed an
 * item at a time: the parser's tree of a document takes about 75 times its
 * text (1.5 GB for a 20 MiB `List`), so memory then follows the largest
 * item rather than the whole list. Only for documents without anchors or
 * directives (an item could name another's anchor), and only when each
 * piece parses without error on its own and the pieces fit together (no
 * key twice); anything else is parsed whole, as before, so the value, and
 * every error and its position, is what parsing the whole text gives.
 * Returns the document's value, or undefined to parse it whole.
 */
export function parseListInPieces(text: string, firstLine: number, file: string): Record<string, unknown> | undefined {
  if (text.includes('&') || /^%/m.test(text)) return undefined;
  const section = listSection(text);
  if (section === undefined) return undefined;
  /** `line`: the 1-based line of the text the piece starts on; `depth`: how many collections hold it in the document. */
  const parsePiece = (from: number, to: number, line: number, depth: number): unknown => {
    const piece = text.slice(from, to);
    let value: unknown;
    let documents: number;
    try {
      documents = parseYamlText(piece, firstLine + line - 1, file, 0, (document) => (value = document.value), depth);
    } catch (error) {
      if (error instanceof InputError) return INVALID;
      throw error;
    }
    return documents <= 1 ? value ?? null : INVALID;
  };
  const head = parsePiece(0, section.itemsLine, 1, 0);
  let line = 1 + countLines(text, 0, section.items[0]);
  const tail = parsePiece(section.end, text.length, line + countLines(text, section.items[0], section.end), 0);
  if (!isPlainMap(head) || !isPlainMap(tail)) return undefined;
  const value: Record<string, unknown> = {};
  for (const part of [head ?? {}, tail ?? {}]) {
    for (const key of Object.keys(part)) {
      if (key === 'items' || Object.prototype.hasOwnProperty.call(value, key)) return undefined; // parsed whole, it is an error
      Object.defineProperty(value, key, { value: part[key], writable: true, enumerable: true, configurable: true });
    }
  }
  const items: unknown[] = [];
  for (let i = 0; i < section.items.length; i++) {
    const end = i + 1 < section.items.length ? section.items[i + 1] : section.end;
    const item = parsePiece(section.items[i], end, line, 1); // in the document, the mapping holds the sequence
    if (!Array.isArray(item) || item.length !== 1) return undefined;
    items.push(item[0]);
    line += countLines(text, section.items[i], end);
  }
  value.items = items;
  return value;
}

/** From this size on, a document is tried in pieces ({@link parseListInPieces}). */
export const LARGE_DOCUMENT_CHARACTERS = 1024 * 1024;
/** A piece that does not parse alone. */
const INVALID = Symbol('invalid');

function isPlainMap(value: unknown): value is Record<string, unknown> | null {
  return value === null || (typeof value === 'object' && !Array.isArray(value));
}


/** The position of the node at a JSON pointer (of plain keys and indexes), or of the nearest key on the way. */
function locateNode(doc: Document.Parsed, pointer: string, toFile: (offset: number) => InputPosition): InputPosition | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (doc.contents as { range?: number[] } | null)?.range?.[0];
  for (const key of pointer.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === key);
      if (pair === undefined) break;
      offset = (pair.key as { range?: number[] } | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[Number(key)];
    } else {
      break;
    }
    offset = (node as { range?: number[] } | null)?.range?.[0] ?? offset;
  }
  return offset === undefined ? undefined : toFile(offset);
}

/** A text that starts with `{` or `[` and is JSON: its value. */
function parseJson(text: string): { value: unknown } | undefined {
  const first = text.search(/\S/);
  const c = first < 0 ? '' : text.charAt(first);
  if (c !== '{' && c !== '[') return undefined;
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined; // perhaps flow-style YAML; the YAML parser says what is wrong, if anything
  }
}

function leadingLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length && /\s/.test(text.charAt(i)); i++) {
    if (text.charCodeAt(i) === 0x0a) count++;
  }
  return count;
}
