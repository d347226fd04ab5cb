/**
 * Reads one input file (an environment, a service, a workload, metrics, a plan) safely: it must
 * be a regular file (not a directory, FIFO, device or a symbolic link to one, and not a link
 * loop), at most MAX_INPUT_BYTES long, and valid UTF-8. A FIFO or /dev/zero would otherwise hang
 * the command, a 50 MB file would take minutes, and Latin-1 bytes would silently become U+FFFD.
 */
import { closeSync, constants, fstatSync, openSync, readSync, Stats } from 'node:fs';
import { Problem, UserInputError } from './errors';

/** The largest input file read: 1 MiB, far above any real environment (the examples are under 10 KiB). */
export const MAX_INPUT_BYTES = 1024 * 1024;
/** The largest `terraform show -json` plan read by `review --plan`: plans of big stacks run to several MiB. */
export const MAX_PLAN_BYTES = 64 * 1024 * 1024;

function mebibytes(bytes: number): string {
  return `${bytes / (1024 * 1024)} MiB`;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let length: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000];
    else return i;
    if (i + length > bytes.length) return i;
    let code = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) return i;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += length;
  }
  return -1;
}

/**
 * The text of `path`, or a UserInputError at `where` (the file as the user named it, or the
 * flag it came from) saying why it cannot be read.
 */
export function readInputFile(path: string, where: Pick<Problem, 'file' | 'path'>, what = 'a YAML file', maxBytes = MAX_INPUT_BYTES): string {
  const refuse = (message: string): never => {
    throw new UserInputError([{ ...where, message }]);
  };
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return refuse(`is a symbolic link loop; pass ${what}`);
    if (code === 'ENOENT') return refuse(`does not exist (or is a broken symbolic link); pass ${what}`);
    if (code === 'EACCES') return refuse(`cannot be read: permission denied; pass ${what}`);
    return refuse(`cannot be read (${code ?? String(error)}); pass ${what}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return refuse(`is ${kindOf(stats)}, not a regular file; pass ${what}`);
    if (stats.size > maxBytes) return refuse(`is ${stats.size} bytes; this input may be at most ${maxBytes} bytes (${mebibytes(maxBytes)})`);
    // Read at most one byte past the limit: a file growing while it is read is still bounded.
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, stats.size + 1));
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > maxBytes) return refuse(`is more than ${maxBytes} bytes; this input may be at most ${maxBytes} bytes (${mebibytes(maxBytes)})`);
    const bytes = buffer.subarray(0, length);
    const bad = invalidUtf8Offset(bytes);
    if (bad >= 0) {
      return refuse(`is not valid UTF-8: byte 0x${bytes[bad].toString(16).padStart(2, '0')} at byte offset ${bad}; save the file as UTF-8`);
    }
    return bytes.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
