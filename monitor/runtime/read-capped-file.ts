/**
 * @module Reads a whole local file of bounded size (processingjobconfig.json, a constraints file; the server's model
 * file), refusing what is not a regular file (a FIFO would block forever, /dev/zero never end) or is larger than the
 * cap, before reading it. Shared with the server image: Node alone.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

function tooBig(file: string, maxBytes: number): Error {
  return new Error(`${file} holds more than ${maxBytes} bytes, more than a file of this kind ever needs`);
}

function notRegular(file: string): Error {
  return new Error(`${file} is not a regular file (a folder, FIFO, socket or device)`);
}

/** Reads `file` (at most `maxBytes`) as UTF-8 text. */
export async function readCappedFile(file: string, maxBytes: number): Promise<string> {
  return (await readCappedBytes(file, maxBytes)).toString('utf8');
}

/** Reads `file` (a regular file of at most `maxBytes`) whole. */
export async function readCappedBytes(file: string, maxBytes: number): Promise<Buffer> {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegular(file);
    if (info.size > maxBytes) throw tooBig(file, maxBytes);
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw tooBig(file, maxBytes);
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** readCappedFile, synchronously (for the configuration, read before anything runs). */
export function readCappedFileSync(file: string, maxBytes: number): string {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw notRegular(file);
    if (info.size > maxBytes) throw tooBig(file, maxBytes);
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw tooBig(file, maxBytes);
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}
