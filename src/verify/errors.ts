/**
 * The one error the preflight throws for bad input: a path that cannot be
 * read, malformed YAML, or a document that is no Kubernetes object. The CLI
 * turns it into exit code 2. Messages name the file and the 1-based document
 * index, never the document's content (it may hold secrets).
 */
export class InputError extends Error {
  /** The file concerned, when there is one. */
  public readonly file?: string;
  /** The 1-based document index within the file, when known. */
  public readonly document?: number;

  public constructor(message: string, file?: string, document?: number) {
    super(file === undefined ? message : `${file}${document === undefined ? '' : ` (document ${document})`}: ${message}`);
    this.name = 'InputError';
    this.file = file;
    this.document = document;
  }
}
