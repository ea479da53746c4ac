/**
 * Parsing the text of one YAML document (as split by manifest-stream.ts)
 * into plain values. Errors point at file, document, line and column and
 * describe the problem in words of this library, from the parser's error
 * code: the parser's own messages may quote the source (an unresolved
 * alias names it, for one), and the source may hold secrets.
 *
 * What a document means follows kubectl's parser (go-yaml v2, through
 * sigs.k8s.io/yaml) where the two differ in ways that hide or show
 * containers: YAML 1.1 merge keys (`<<`) are merged (see {@link MERGE_KEY_TAG}).
 * What a document may expand to through aliases is bounded
 * (see {@link expansionBudget}), and a large `List` is parsed an item at a
 * time (see {@link parseListInPieces}), so memory follows the document's
 * text and its largest item.
 */
import { Alias, Composer, Document, ErrorCode, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, Scalar, ScalarTag, Tags, visit } from 'yaml';
import { toJS, ToJSContext } from 'yaml/util';
import { describePosition, InputError, InputPosition } from './input-error';

/**
 * How deeply collections may nest in a manifest. Kubernetes objects stay
 * far below; deeper input is refused before it can exhaust the call stack.
 */
export const MAX_NESTING = 128;
/** How many alias expansions one document may make (a "billion laughs" stops here). */
const MAX_ALIAS_COUNT = 100;
/**
 * The fewest values (scalars and collections, counted with every alias
 * expanded) a document may expand to; a larger document may expand to as
 * many values as it has characters (see {@link expansionBudget}).
 */
export const MIN_EXPANSION_BUDGET = 1_000_000;
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
 * How many values (scalars and collections, with every alias expanded to
 * what it names, merge keys included) a document of `characters`
 * characters may expand to: as many as it has characters, and at least
 * {@link MIN_EXPANSION_BUDGET}. A document without aliases holds fewer
 * values than characters, so the budget only stops aliases, and what a
 * document may make of them is what a document of its size without them
 * could hold: memory follows the text, not the aliases (the alias cap
 * alone limits alias uses, not what each copies).
 */
export function expansionBudget(characters: number): number {
  return Math.max(MIN_EXPANSION_BUDGET, characters);
}

/** A node that the expansion walk stopped at, and why. */
interface ExpansionProblem {
  readonly offset: number;
  readonly problem: string;
}

/** Marks an anchor whose node is being counted: an alias to it is inside it. */
const COUNTING = -1;

/**
 * Counts the values of `doc` with every alias expanded, in document order,
 * remembering each anchored node's count, so the walk visits each node of
 * the text once however often it is aliased. Stops at the first alias that
 * takes the count past `budget`, and at an alias inside the node it names
 * (go-yaml refuses those: "anchor ... value contains itself"). Nesting is
 * bounded already ({@link MAX_NESTING}), and so is the recursion.
 */
function checkExpansion(doc: Document.Parsed, budget: number): ExpansionProblem | undefined {
  const anchors = new Map<string, number>();
  let total = 0;
  let problem: ExpansionProblem | undefined;
  const count = (node: unknown): number => {
    if (problem !== undefined || node === null || node === undefined) return 0;
    if (isAlias(node)) {
      const size = anchors.get(node.source);
      if (size === undefined) return 1; // no anchor before it: conversion reports that
      const offset = node.range?.[0] ?? 0;
      if (size === COUNTING) {
        problem = { offset, problem: 'an alias names an anchor of a node that contains the alias (a node cannot contain itself)' };
        return 0;
      }
      total += size;
      if (total > budget) {
        problem = {
          offset,
          problem: `aliases expand the document to more than ${budget.toLocaleString('en')} values, the most verify reads from a document of its size `
            + `(as many values as it has characters, at least ${MIN_EXPANSION_BUDGET.toLocaleString('en')})`,
        };
      }
      return size;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor !== undefined) anchors.set(anchor, COUNTING);
    let size = 1;
    total++;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) {
          size += count(item.key) + count(item.value);
        } else {
          size += count(item);
        }
      }
    }
    // Unless the node redefines its own anchor inside: an alias after both names the inner one (defined later).
    if (anchor !== undefined && anchors.get(anchor) === COUNTING) anchors.set(anchor, size);
    return size;
  };
  count(doc.contents);
  return problem;
}

/** Thrown while converting, for a merge key whose value is not a mapping or a list of mappings. */
class MergeError {
  public constructor(public readonly offset: number, public readonly problem: string) {}
}

/**
 * The YAML 1.1 merge key `<<` (a plain `<<`, or one tagged `!!merge`), as
 * kubectl's parser (go-yaml v2) merges it: the map's pairs are applied in
 * document order, a merge setting every key of what it merges (so a key
 * written before the `<<` is overwritten by the merged value, and one
 * written after it wins); for a list of maps (`<<: [*a, *b]`), earlier maps
 * win over later ones. Its value must be a mapping, an alias of one, or a
 * list of those.
 */
const MERGE_KEY_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:merge',
  default: 'key',
  test: /^<<$/,
  identify: (value) => typeof value === 'symbol' && value.description === '<<',
  resolve: () => Object.assign(new Scalar(Symbol('<<')), { addToJSMap: mergeIntoMap }),
  stringify: () => '<<',
};

/** The schema's tags with {@link MERGE_KEY_TAG} for the parser's own merge key (which lets keys before `<<` win). */
function withKubectlMergeKeys(tags: Tags): Tags {
  return tags.filter((tag) => typeof tag === 'string' || tag.tag !== MERGE_KEY_TAG.tag).concat(MERGE_KEY_TAG);
}

function mergeIntoMap(ctx: ToJSContext | undefined, map: unknown, value: unknown): void {
  const sources = isSeq(value) ? value.items : [value];
  // Backwards, as go-yaml does, so that earlier maps take precedence.
  for (let i = sources.length - 1; i >= 0; i--) {
    const source = sources[i];
    // An alias gives the value it names, shared, not copied (and counted against the alias cap once).
    const merged: unknown = isMap(source) || isAlias(source) ? toJS(source, '', ctx) : undefined;
    if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) {
      const offset = (source as { range?: number[] } | null)?.range?.[0] ?? (value as { range?: number[] } | null)?.range?.[0] ?? 0;
      throw new MergeError(offset, 'a merge key ("<<") takes a mapping, an alias of one, or a list of those');
    }
    for (const key of Object.keys(merged)) {
      Object.defineProperty(map, key, { value: (merged as Record<string, unknown>)[key], writable: true, enumerable: true, configurable: true });
    }
  }
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

/** Where a List's block sequence `items` is in a document's text. */
interface ListSection {
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
function listSection(text: string): ListSection | undefined {
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
function countLines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
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
