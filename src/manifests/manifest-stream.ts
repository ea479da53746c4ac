/**
 * Reading one manifest file (or standard input) as a stream of YAML
 * document texts, so that memory follows the largest document, not the
 * file: the bytes are read in chunks of {@link CHUNK_BYTES}, decoded as
 * UTF-8 across chunk boundaries, and split at document markers. A line
 * that starts at column 0 with `---` or `...` followed by a space, a tab or
 * the end of the line ends any scalar or collection (YAML 1.2.2, §9.1.4),
 * so each part can be parsed alone: `---` starts the next document (what
 * follows it on the line belongs to that document), `...` ends the current one.
 */
import * as fs from 'fs';
import { StringDecoder } from 'string_decoder';
import { InputError } from './input-error';
import { BoundedReadError, BoundedReadFailure, openRegularFile } from '../io/bounded-file';

/** The largest manifest file (or standard input) `verify` reads: 64 MiB. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
/** The path that names standard input. */
export const STDIN_PATH = '-';
/** How findings and errors name standard input. */
export const STDIN_NAME = '<stdin>';
/** Bytes read at a time. */
const CHUNK_BYTES = 64 * 1024;

/** Receives each document's text and the 1-based line of the file it starts on. */
export type DocumentTextSink = (text: string, firstLine: number) => void;

/**
 * Splits text, fed in pieces, into the texts of its YAML documents. A part
 * holding only blank lines, comments and directives stays with the document
 * that follows it (directives belong to the next document). A document's
 * text is kept in pieces of the text as fed (a chunk each, not a line each:
 * a string per line costs tens of bytes apiece, many times a short line's
 * own size), and joined once, when the document is complete.
 */
export class DocumentSplitter {
  /** The current document's text so far. */
  private pieces: string[] = [];
  /** The line being read when the last piece of text ended (it is read as a text of its own once complete). */
  private partial = '';
  /** The text being split, and where in it the current document's text not yet in {@link pieces} starts. */
  private source = '';
  private pieceStart = 0;
  /** Whether the current part has a `---` or content (a `---` then starts the next document). */
  private hasContent = false;
  /** 1-based number of the next line to complete. */
  private line = 1;
  private firstLine = 1;

  public constructor(private readonly sink: DocumentTextSink) {}

  /** Feeds the next piece of text. */
  public push(text: string): void {
    let start = 0;
    if (this.partial !== '') {
      const newline = text.indexOf('\n');
      if (newline < 0) {
        this.partial += text;
        return;
      }
      start = newline + 1;
      this.readLines(this.partial + text.slice(0, start), 0);
      this.partial = '';
    }
    const end = this.readLines(text, start);
    if (end < text.length) this.partial = text.slice(end);
  }

  /** Ends the text: the last line and document are passed on. */
  public end(): void {
    if (this.partial !== '') {
      const line = this.partial;
      this.partial = '';
      this.source = line;
      this.pieceStart = 0;
      this.addLine(0);
      this.keep(line.length);
    }
    this.flush();
  }

  /** Reads the complete lines of `text` from `start` on, keeping them; returns where the incomplete last line starts. */
  private readLines(text: string, start: number): number {
    this.source = text;
    this.pieceStart = start;
    let next = start;
    for (;;) {
      const newline = text.indexOf('\n', next);
      if (newline < 0) break;
      this.addLine(next);
      next = newline + 1;
    }
    this.keep(next);
    this.source = '';
    return next;
  }

  /** Reads the line of {@link source} that starts at `from`. */
  private addLine(from: number): void {
    const marker = documentMarker(this.source, from);
    if (marker === '---') {
      if (this.hasContent) {
        this.keep(from);
        this.flush();
      }
      this.hasContent = true;
    } else if (marker === '...') {
      this.line++;
      const newline = this.source.indexOf('\n', from);
      this.keep(newline < 0 ? this.source.length : newline + 1);
      this.flush();
      return;
    } else if (!this.hasContent && !isPrologueLine(this.source, from)) {
      this.hasContent = true;
    }
    this.line++;
  }

  /** Keeps the current document's text of {@link source} up to `end`. */
  private keep(end: number): void {
    if (end > this.pieceStart) this.pieces.push(this.source.slice(this.pieceStart, end));
    this.pieceStart = end;
  }

  private flush(): void {
    if (this.pieces.length > 0) {
      const text = this.pieces.length === 1 ? this.pieces[0] : this.pieces.join('');
      this.pieces = [];
      this.sink(text, this.firstLine);
    }
    this.firstLine = this.line;
    this.hasContent = false;
  }
}

/** `---` or `...` when the line of `text` that starts at `from` is a document marker. */
function documentMarker(text: string, from: number): '---' | '...' | undefined {
  const first = text.charCodeAt(from);
  if (first !== 0x2d && first !== 0x2e) return undefined; // '-' or '.'
  const marker = text.slice(from, from + 3);
  if (marker !== '---' && marker !== '...') return undefined;
  const next = text.charAt(from + 3);
  return next === '' || next === ' ' || next === '\t' || next === '\n' || next === '\r' ? marker : undefined;
}

/** Blank, a comment, or a directive: what may come before a document's content (at the start of a line, to its end). */
const PROLOGUE_LINE = /%|[ \t]*(?:#|\r?\n|\r?$)/y;

/** Whether the line of `text` that starts at `from` comes before a document's content. */
function isPrologueLine(text: string, from: number): boolean {
  PROLOGUE_LINE.lastIndex = from;
  return PROLOGUE_LINE.test(text);
}

/**
 * Reads the manifest at `file` (or standard input for {@link STDIN_PATH})
 * in chunks and passes each document's text to `sink`. Only regular files
 * are read; the size is bounded by {@link MAX_MANIFEST_BYTES}. Throws
 * {@link InputError} naming the file (`<stdin>` for standard input).
 */
export function readDocumentTexts(file: string, sink: DocumentTextSink): void {
  const stdin = file === STDIN_PATH;
  const name = stdin ? STDIN_NAME : file;
  const fd = stdin ? 0 : openManifestFile(file);
  try {
    const decoder = new StringDecoder('utf8');
    const splitter = new DocumentSplitter(sink);
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let total = 0;
    let first = true;
    for (;;) {
      const read = readChunk(fd, buffer, name);
      if (read === 0) break;
      total += read;
      if (total > MAX_MANIFEST_BYTES) {
        throw tooLarge(name);
      }
      let text = decoder.write(buffer.subarray(0, read));
      if (first && text !== '') {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte order mark is no content
      }
      splitter.push(text);
    }
    splitter.push(decoder.end());
    splitter.end();
  } finally {
    if (!stdin) fs.closeSync(fd);
  }
}

/** Opens the manifest file `file` (a regular file of at most {@link MAX_MANIFEST_BYTES}) with the one bounded opener. */
function openManifestFile(file: string): number {
  try {
    return openRegularFile(file, MAX_MANIFEST_BYTES);
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    if (error.failure === BoundedReadFailure.TOO_LARGE) throw tooLarge(file);
    throw new InputError(error.failure === BoundedReadFailure.NOT_REGULAR ? `is ${error.fileType}, not a regular file or folder` : error.message, file);
  }
}

function readChunk(fd: number, buffer: Buffer, name: string): number {
  for (;;) {
    try {
      return fs.readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // Standard input in non-blocking mode with nothing to read yet: wait a little.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (code === 'EOF') return 0; // Windows: the end of a pipe
      throw new InputError(`cannot be read (${code ?? 'error'})`, name);
    }
  }
}

function tooLarge(name: string): InputError {
  return new InputError(`is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB, the most verify reads from one manifest file; split it into smaller files`, name);
}
