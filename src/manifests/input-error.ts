/**
 * The one error the preflight throws for bad input: a path that cannot be
 * read (missing, not a regular file or folder, over the size limit),
 * malformed YAML, or a document that is no Kubernetes object. The CLI turns
 * it into exit code 2. Messages name the file, the 1-based document index
 * and, where known, the line and column; they never quote the input (it may
 * hold secrets): every message is built by this library, never copied from
 * a parser.
 */
export class InputError extends Error {
  /** The file concerned, when there is one (`<stdin>` for standard input). */
  public readonly file?: string;
  /** The 1-based document index within the file, when known. */
  public readonly document?: number;
  /** The 1-based line within the file, when known. */
  public readonly line?: number;
  /** The 1-based column within the line, when known. */
  public readonly column?: number;

  /** `message` says what is wrong (and where, when `position` is given: see {@link describePosition}). */
  public constructor(message: string, file?: string, document?: number, position?: InputPosition) {
    super(file === undefined ? message : `${file}${document === undefined ? '' : ` (document ${document})`}: ${message}`);
    this.name = 'InputError';
    this.file = file;
    this.document = document;
    this.line = position?.line;
    this.column = position?.column;
  }
}

/** A place in a manifest file: 1-based line and column. */
export interface InputPosition {
  readonly line: number;
  readonly column: number;
}

/** `line L, column C`. */
export function describePosition(position: InputPosition): string {
  return `line ${position.line}, column ${position.column}`;
}
