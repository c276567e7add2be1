/**
 * @module Gunzips a byte stream member by member, as `gzip -d` does: every member's data is kept, a CRC or length
 * mismatch is an error, and bytes after the last member that do not start another one are trailing garbage, ignored
 * with a note. Node's Gunzip fails on such garbage inside the write that ends the last member and drops that write's
 * output, so a file lost its last lines (issue 14, item 3). Here the gzip framing (header, trailer) is read by hand and
 * each member's deflate data goes through zlib's InflateRaw, which stops at the end of the data and says how much
 * it consumed. The output stays at most READ_AHEAD bytes ahead of the reader, and within a ratio of the input read.
 */
import { createInflateRaw, crc32, type InflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';

/** Output kept ahead of the reader, at most; the decompressor waits beyond it. */
const READ_AHEAD = 4 << 20;
/** Compressed bytes written to zlib at a time: one write can produce at most ratio × this before the bound is checked. */
const SLICE = 64 << 10;
/** A gzip header longer than this (a name or comment without its terminating zero) is not a header. */
const MAX_HEADER = 1 << 20;
const EMPTY = Buffer.alloc(0);

/** Why the stream stopped being read. */
export class GzipError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GzipError';
  }
}

export interface GunzipProgress {
  /** Compressed bytes read from the source so far. */
  rawBytes: number;
  /** Set when bytes after the last complete member are not gzip (ignored, as gzip -d does). */
  trailingGarbage?: string;
}

export interface GunzipOptions {
  /** Output allowed per compressed byte read (see MPM_MAX_GZIP_RATIO), beyond `ratioAllowance` bytes. */
  maxRatio: number;
  ratioAllowance: number;
  /** Turns a failure of the source itself into the error to raise. */
  sourceError: (error: unknown) => Error;
}

/**
 * The decompressed bytes of `raw`, a gzip file of one or more members. Rejects with GzipError when the data is not
 * gzip, is cut short, is corrupt, or passes the ratio bound; with `sourceError(e)` when the source fails.
 */
export async function* gunzipMembers(raw: Readable, progress: GunzipProgress, options: GunzipOptions): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let queued = 0;
  let produced = 0;
  let done = false;
  let stopped = false;
  let failure: Error | undefined;
  let wakeReader: (() => void) | undefined;
  let wakeFeeder: (() => void) | undefined;
  const wake = (): void => {
    const r = wakeReader;
    const f = wakeFeeder;
    wakeReader = wakeFeeder = undefined;
    r?.();
    f?.();
  };
  const fail = (error: Error): void => {
    failure ??= error;
    stopped = true;
    wake();
  };
  let inflate: InflateRaw | undefined;

  /** Hands decompressed bytes to the reader, within the ratio bound. */
  const deliver = (chunk: Buffer): void => {
    if (stopped) return;
    produced += chunk.length;
    if (produced > options.maxRatio * progress.rawBytes + options.ratioAllowance) {
      fail(new GzipError(`it decompresses to more than ${options.maxRatio} times its compressed size (MPM_MAX_GZIP_RATIO), like a gzip bomb`));
      return;
    }
    queue.push(chunk);
    queued += chunk.length;
    wake();
  };

  const feeder = (async (): Promise<void> => {
    const source = (raw as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    let pending: Buffer = EMPTY;
    let sourceDone = false;
    /** Makes `pending` hold at least n bytes, unless the source ends first. */
    const need = async (n: number): Promise<boolean> => {
      while (pending.length < n && !sourceDone) {
        let r: IteratorResult<Buffer>;
        try {
          r = await source.next();
        } catch (error) {
          throw options.sourceError(error);
        }
        if (r.done) {
          sourceDone = true;
          break;
        }
        const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        progress.rawBytes += chunk.length;
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      }
      return pending.length >= n;
    };
    const cutShort = (): GzipError => new GzipError('the gzip stream is cut short (unexpected end of file)');

    /** Reads a member header; returns its length in `pending`. */
    const header = async (): Promise<number> => {
      if (!(await need(10))) throw cutShort();
      if (pending[2] !== 8) throw new GzipError('it is not valid gzip (unknown compression method)');
      const flags = pending[3]!;
      if (flags & 0xe0) throw new GzipError('it is not valid gzip (reserved header flags set)');
      let at = 10;
      if (flags & 0x04) {
        if (!(await need(at + 2))) throw cutShort();
        at += 2 + pending.readUInt16LE(at);
      }
      for (const bit of [0x08, 0x10]) {
        if (!(flags & bit)) continue;
        // A zero-terminated file name or comment.
        for (;;) {
          if (at >= MAX_HEADER) throw new GzipError('it is not valid gzip (a header field has no end)');
          if (!(await need(at + 1))) throw cutShort();
          if (pending[at++] === 0) break;
        }
      }
      if (flags & 0x02) at += 2;
      if (!(await need(at))) throw cutShort();
      return at;
    };

    /** Inflates one member's deflate data from `pending` (and the source); returns its CRC-32 and length. */
    const body = async (): Promise<{ crc: number; size: number }> => {
      const z = createInflateRaw();
      inflate = z;
      let crc = 0;
      let size = 0;
      let zlibError: Error | undefined;
      // 'close' too: a stream destroyed before its end (the reader stopped) never emits 'end'.
      const ended = new Promise<void>((resolve) => {
        z.once('end', resolve);
        z.once('close', resolve);
      });
      z.on('data', (chunk: Buffer) => {
        crc = crc32(chunk, crc);
        size = (size + chunk.length) % 0x1_0000_0000;
        deliver(chunk);
      });
      z.on('error', (error) => (zlibError ??= error));
      let fed = 0;
      try {
        for (;;) {
          if (pending.length === 0 && !(await need(1))) throw cutShort();
          while (queued > READ_AHEAD && !stopped) await new Promise<void>((resolve) => (wakeFeeder = resolve));
          if (stopped) return { crc, size };
          const slice = pending.subarray(0, SLICE);
          pending = pending.subarray(slice.length);
          fed += slice.length;
          await written(z, slice);
          if (zlibError !== undefined) throw new GzipError(`it is not valid gzip (${zlibError.message})`, { cause: zlibError });
          // zlib consumes every byte it is given until the deflate data ends: what it left is the trailer and beyond.
          const left = fed - z.bytesWritten;
          if (left > 0) {
            pending = pending.length === 0 ? slice.subarray(slice.length - left) : Buffer.concat([slice.subarray(slice.length - left), pending]);
            break;
          }
        }
        // Every byte of the member is delivered once its end is.
        await ended;
        return { crc: crc >>> 0, size };
      } finally {
        z.destroy();
        inflate = undefined;
      }
    };

    try {
      let members = 0;
      for (;;) {
        if (!(await need(1))) break; // the end of the file (an empty file holds nothing)
        if (members > 0 && pending[0] === 0) break; // zero padding after a member, ignored as gzip and zlib do
        const magic = (await need(2)) && pending[0] === 0x1f && pending[1] === 0x8b;
        if (!magic) {
          if (members === 0) throw new GzipError('it is not valid gzip (no gzip header)');
          progress.trailingGarbage = 'the bytes after the last complete gzip member are not gzip and were ignored, as gzip -d does';
          break;
        }
        // Not pending.subarray(await header()): that would slice the buffer from before header() read more.
        const headerLength = await header();
        pending = pending.subarray(headerLength);
        const { crc, size } = await body();
        if (stopped) return;
        if (!(await need(8))) throw cutShort();
        if (pending.readUInt32LE(0) !== crc || pending.readUInt32LE(4) !== size) throw new GzipError('it is not valid gzip (the data does not match its CRC-32 or length: corrupt)');
        pending = pending.subarray(8);
        members++;
      }
      done = true;
      wake();
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      raw.destroy();
    }
  })();

  try {
    for (;;) {
      if (queue.length > 0) {
        const chunk = queue.shift()!;
        queued -= chunk.length;
        if (queued <= READ_AHEAD) wake();
        yield chunk;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (done) break;
      await new Promise<void>((resolve) => (wakeReader = resolve));
    }
  } finally {
    stopped = true;
    inflate?.destroy();
    raw.destroy();
    wake();
    await feeder;
  }
}

/** Writes a slice and waits until zlib has taken it, or failed (after an error zlib never calls the write back). */
function written(z: InflateRaw, slice: Buffer): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      z.off('error', done);
      z.off('close', done);
      resolve();
    };
    z.once('error', done);
    z.once('close', done);
    z.write(slice, done);
  });
}
