import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BoundedReadError, BoundedReadFailure, openRegularFile, readRegularFile } from '../../src/io/bounded-file';
import { tempDir } from '../support/sealing-keys';

const { dir, remove } = tempDir('bounded-');
afterAll(() => remove());

/** The failure `fn` throws, as a plain record. */
function failureOf(fn: () => unknown): Pick<BoundedReadError, 'failure' | 'code' | 'fileType' | 'size'> {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    return { failure: error.failure, code: error.code, fileType: error.fileType, size: error.size };
  }
  throw new Error('expected a BoundedReadError');
}

test('a regular file within the limit is read whole, the limit included', () => {
  const file = path.join(dir, 'ten');
  fs.writeFileSync(file, '0123456789');
  expect(readRegularFile(file, 10).toString()).toBe('0123456789');
  expect(readRegularFile(file, 1_000_000).toString()).toBe('0123456789');
});

test('an empty file is empty', () => {
  const file = path.join(dir, 'empty');
  fs.writeFileSync(file, '');
  expect(readRegularFile(file, 10).length).toBe(0);
});

test('a file over the limit is refused from fstat, before any read, with its size', () => {
  const file = path.join(dir, 'eleven');
  fs.writeFileSync(file, '01234567890');
  expect(failureOf(() => readRegularFile(file, 10)))
    .toEqual({ failure: BoundedReadFailure.TOO_LARGE, code: undefined, fileType: undefined, size: 11 });
});

test('a sparse file far over the limit is refused without reading it', () => {
  const file = path.join(dir, 'sparse');
  fs.writeFileSync(file, '');
  fs.truncateSync(file, 64 * 1024 * 1024 * 1024);
  expect(failureOf(() => readRegularFile(file, 1024)).failure).toBe(BoundedReadFailure.TOO_LARGE);
});

test('a missing file is UNREADABLE with its errno code', () => {
  expect(failureOf(() => readRegularFile(path.join(dir, 'nope'), 10))).toMatchObject({ failure: BoundedReadFailure.UNREADABLE, code: 'ENOENT' });
});

test('a folder is NOT_REGULAR', () => {
  expect(failureOf(() => readRegularFile(dir, 10))).toMatchObject({ failure: BoundedReadFailure.NOT_REGULAR, fileType: 'a folder' });
});

test('a character device is NOT_REGULAR, and /dev/zero is never read', () => {
  expect(failureOf(() => readRegularFile('/dev/zero', 10))).toMatchObject({ failure: BoundedReadFailure.NOT_REGULAR, fileType: 'a character device' });
});

test('a FIFO with no writer neither hangs the open nor the read: refused after a non-blocking open', () => {
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  expect(failureOf(() => openRegularFile(fifo, 10))).toMatchObject({ failure: BoundedReadFailure.NOT_REGULAR, fileType: 'a FIFO (named pipe)' });
});

test('a symbolic link to a regular file is followed; one to a FIFO is refused', () => {
  const target = path.join(dir, 'target');
  fs.writeFileSync(target, 'x');
  fs.symlinkSync(target, path.join(dir, 'link'));
  expect(readRegularFile(path.join(dir, 'link'), 10).toString()).toBe('x');
  const fifo = path.join(dir, 'fifo2');
  execFileSync('mkfifo', [fifo]);
  fs.symlinkSync(fifo, path.join(dir, 'fifo-link'));
  expect(failureOf(() => readRegularFile(path.join(dir, 'fifo-link'), 10)).failure).toBe(BoundedReadFailure.NOT_REGULAR);
});

test('messages say what is wrong and never quote the content', () => {
  const file = path.join(dir, 'secret');
  fs.writeFileSync(file, 'hunter2-hunter2');
  try {
    readRegularFile(file, 5);
  } catch (error) {
    expect((error as Error).message).toBe('is 15 bytes, too large');
    expect((error as Error).message).not.toContain('hunter2');
  }
  expect.assertions(2);
});
