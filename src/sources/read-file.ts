/**
 * Files the constructs are given (a docker config, a sealing certificate,
 * the sealing state), read with the one bounded reader: regular files only,
 * at most `maxBytes`, never quoted in an error.
 */
import { IConstruct } from 'constructs';
import { BoundedReadError, BoundedReadFailure, readRegularFile } from '../io/bounded-file';
import { constructError } from '../wiring/construct-errors';

/** How a construct words a file it cannot read. */
export interface FileReadMessages {
  /** What the file is, e.g. `docker config file "x.json"`. */
  readonly what: string;
  /** The fix for a missing, unreadable or special file. */
  readonly fix: string;
  /** The fix for a special file, when it differs from `fix`. @default fix */
  readonly notRegularFix?: string;
  /** The problem and fix for a file over the limit (`size` when known before reading). */
  readonly tooLarge: (size: number | undefined) => { readonly problem: string; readonly fix: string };
}

/** The bytes of the file at `path`, or a construct error on `scope` worded by `messages`. */
export function readFileOf(scope: IConstruct, path: string, maxBytes: number, messages: FileReadMessages): Buffer {
  try {
    return readRegularFile(path, maxBytes);
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    const { what, fix } = messages;
    switch (error.failure) {
      case BoundedReadFailure.TOO_LARGE: {
        const tooLarge = messages.tooLarge(error.size);
        throw constructError(scope, `${what} ${tooLarge.problem}`, tooLarge.fix);
      }
      case BoundedReadFailure.NOT_REGULAR:
        throw constructError(scope, `${what} is not a regular file (it is ${error.fileType})`, messages.notRegularFix ?? fix);
      default:
        throw constructError(scope, `cannot read ${what} (${error.code})`, fix);
    }
  }
}
