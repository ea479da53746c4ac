/**
 * The one way this library reads a file it is given: regular files only, of
 * a bounded size, with no check-then-use race. The file is opened
 * non-blocking (a FIFO put in its place cannot hang the open), then `fstat`
 * on the open descriptor refuses anything that is no regular file, or is too
 * large, before a byte is read; reading stops as soon as the file has grown
 * past the limit. Callers turn a {@link BoundedReadError} into their own
 * message (a construct error, a CLI input error); no message quotes content.
 */
import * as fs from 'fs';

/** Why a bounded read failed. */
export enum BoundedReadFailure {
  /** Missing, not permitted, or an I/O error: see `code`. */
  UNREADABLE = 'UNREADABLE',
  /** A folder, FIFO, device or socket: see `fileType`. */
  NOT_REGULAR = 'NOT_REGULAR',
  /** Larger than the limit: see `size` when it is known before reading. */
  TOO_LARGE = 'TOO_LARGE',
}

/** A file that could not be read within the bounds. */
export class BoundedReadError extends Error {
  public constructor(
    public readonly failure: BoundedReadFailure,
    public readonly file: string,
    /** For UNREADABLE: the errno code, e.g. `ENOENT`. */
    public readonly code?: string,
    /** For NOT_REGULAR: what the path is, e.g. "a FIFO (named pipe)". */
    public readonly fileType?: string,
    /** For TOO_LARGE: the size `fstat` reported, when the file was too large before reading. */
    public readonly size?: number,
  ) {
    super(describe(failure, code, fileType, size));
    this.name = 'BoundedReadError';
  }
}

function describe(failure: BoundedReadFailure, code?: string, fileType?: string, size?: number): string {
  switch (failure) {
    case BoundedReadFailure.UNREADABLE: return `cannot be read (${code ?? 'error'})`;
    case BoundedReadFailure.NOT_REGULAR: return `is ${fileType}, not a regular file`;
    default: return size === undefined ? 'is too large' : `is ${size} bytes, too large`;
  }
}

/** Opens `file` for reading when it is a regular file of at most `maxBytes`; the caller closes the descriptor. */
export function openRegularFile(file: string, maxBytes: number): number {
  let fd: number;
  try {
    // O_RDONLY is 0, so the sum is the flags' union (O_NONBLOCK is undefined on Windows, where FIFOs are no concern).
    fd = fs.openSync(file, fs.constants.O_RDONLY + (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new BoundedReadError(BoundedReadFailure.UNREADABLE, file, errnoCode(error));
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new BoundedReadError(BoundedReadFailure.NOT_REGULAR, file, undefined, fileTypeOf(stat));
    if (stat.size > maxBytes) throw new BoundedReadError(BoundedReadFailure.TOO_LARGE, file, undefined, undefined, stat.size);
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  return fd;
}

/** The bytes of `file`, a regular file of at most `maxBytes` (checked before reading and while reading). */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  const fd = openRegularFile(file, maxBytes);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1));
    for (;;) {
      let read: number;
      try {
        read = fs.readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        throw new BoundedReadError(BoundedReadFailure.UNREADABLE, file, errnoCode(error));
      }
      if (read === 0) break;
      total += read;
      if (total > maxBytes) throw new BoundedReadError(BoundedReadFailure.TOO_LARGE, file); // grew while read
      chunks.push(Buffer.from(buffer.subarray(0, read)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** What a path is, for messages: "a FIFO (named pipe)", "a folder", ... */
export function fileTypeOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a folder';
  return 'a special file';
}

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}
