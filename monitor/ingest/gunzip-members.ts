/**
 * @module Gunzips a byte stream member by member, as `gzip -d` does: every member's data is kept, a CRC or length
 * mismatch is an error, and bytes after the last member that do not start another one are trailing garbage, ignored
 * with a note. Node's Gunzip fails on such garbage inside the write that ends the last member and drops that write's
 * output, so a file lost its last lines (issue 14, item 3). Here the gzip framing (header, trailer) is read by hand and
 * each member's deflate data goes through zlib's InflateRaw, which stops at the end of the data and says how much
 * it consumed. The output stays at most READ_AHEAD bytes ahead of the reader, and within a ratio of the input read.
 */
import { createInflateRaw, crc32, inflateRawSync, type InflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';

/** Output kept ahead of the reader, at most; the decompressor waits beyond it. */
const READ_AHEAD = 4 << 20;
/** Compressed bytes written to zlib at a time: one write can produce at most ratio × this before the bound is checked. */
const SLICE = 64 << 10;
/** A gzip header longer than this (a name or comment without its terminating zero) is not a header. */
const MAX_HEADER = 1 << 20;
/** A member is inflated in one call when the rest of it is in the first this many bytes in memory (else as a stream)... */
const WHOLE_INPUT = 256 << 10;
/** ...and inflates to at most this many (a larger one, a gzip bomb included, goes to the stream and its ratio bound). */
const WHOLE_OUTPUT = 1 << 20;
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

const cutShort = (): GzipError => new GzipError('the gzip stream is cut short (unexpected end of file)');

/** The reading of one gzip file: a feeder parses members into zlib, the reader takes the output from a queue. */
class GunzipReader {
  readonly #queue: Buffer[] = [];
  #queued = 0;
  #produced = 0;
  #done = false;
  #stopped = false;
  #failure: Error | undefined;
  #wakeReader: (() => void) | undefined;
  #wakeFeeder: (() => void) | undefined;
  #inflate: InflateRaw | undefined;
  readonly #source: AsyncIterator<Buffer>;
  /** Compressed bytes read from the source and not yet parsed or written to zlib. */
  #pending: Buffer = EMPTY;
  #sourceDone = false;

  constructor(
    private readonly raw: Readable,
    private readonly progress: GunzipProgress,
    private readonly options: GunzipOptions,
  ) {
    this.#source = (raw as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** The decompressed chunks, in order. */
  async *chunks(): AsyncGenerator<Buffer> {
    const feeder = this.#feed();
    try {
      for (;;) {
        if (this.#queue.length > 0) {
          const chunk = this.#queue.shift()!;
          this.#queued -= chunk.length;
          if (this.#queued <= READ_AHEAD) this.#wake();
          yield chunk;
          continue;
        }
        if (this.#failure !== undefined) throw this.#failure;
        if (this.#done) break;
        await new Promise<void>((resolve) => (this.#wakeReader = resolve));
      }
    } finally {
      this.#stopped = true;
      this.#inflate?.destroy();
      this.raw.destroy();
      this.#wake();
      await feeder;
    }
  }

  #wake(): void {
    const r = this.#wakeReader;
    const f = this.#wakeFeeder;
    this.#wakeReader = this.#wakeFeeder = undefined;
    r?.();
    f?.();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#stopped = true;
    this.#wake();
  }

  /** Hands decompressed bytes to the reader, within the ratio bound. */
  #deliver(chunk: Buffer): void {
    if (this.#stopped) return;
    this.#produced += chunk.length;
    if (this.#produced > this.options.maxRatio * this.progress.rawBytes + this.options.ratioAllowance) {
      this.#fail(new GzipError(`it decompresses to more than ${this.options.maxRatio} times its compressed size (MPM_MAX_GZIP_RATIO), like a gzip bomb`));
      return;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    this.#wake();
  }

  /** Makes `pending` hold at least n bytes, unless the source ends first. */
  async #need(n: number): Promise<boolean> {
    while (this.#pending.length < n && !this.#sourceDone) {
      let r: IteratorResult<Buffer>;
      try {
        r = await this.#source.next();
      } catch (error) {
        throw this.options.sourceError(error);
      }
      if (r.done) {
        this.#sourceDone = true;
        break;
      }
      const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      this.progress.rawBytes += chunk.length;
      this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    }
    return this.#pending.length >= n;
  }

  /** Parses the members one after the other; ends the output, or fails it. */
  async #feed(): Promise<void> {
    try {
      let members = 0;
      for (;;) {
        if (!(await this.#need(1))) break; // the end of the file (an empty file holds nothing)
        if (members > 0 && this.#pending[0] === 0) break; // zero padding after a member, ignored as gzip and zlib do
        const magic = (await this.#need(2)) && this.#pending[0] === 0x1f && this.#pending[1] === 0x8b;
        if (!magic) {
          if (members === 0) throw new GzipError('it is not valid gzip (no gzip header)');
          this.progress.trailingGarbage = 'the bytes after the last complete gzip member are not gzip and were ignored, as gzip -d does';
          break;
        }
        // Not pending.subarray(await header()): that would slice the buffer from before header() read more.
        const headerLength = await this.#header();
        this.#pending = this.#pending.subarray(headerLength);
        const { crc, size } = (await this.#wholeMember()) ?? (await this.#body());
        if (this.#stopped) return;
        if (!(await this.#need(8))) throw cutShort();
        if (this.#pending.readUInt32LE(0) !== crc || this.#pending.readUInt32LE(4) !== size) {
          throw new GzipError('it is not valid gzip (the data does not match its CRC-32 or length: corrupt)');
        }
        this.#pending = this.#pending.subarray(8);
        members++;
      }
      this.#done = true;
      this.#wake();
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.raw.destroy();
    }
  }

  /** Reads a member header; returns its length in `pending`. */
  async #header(): Promise<number> {
    if (!(await this.#need(10))) throw cutShort();
    if (this.#pending[2] !== 8) throw new GzipError('it is not valid gzip (unknown compression method)');
    const flags = this.#pending[3]!;
    if (flags & 0xe0) throw new GzipError('it is not valid gzip (reserved header flags set)');
    let at = 10;
    if (flags & 0x04) {
      if (!(await this.#need(at + 2))) throw cutShort();
      at += 2 + this.#pending.readUInt16LE(at);
    }
    for (const bit of [0x08, 0x10]) {
      if (!(flags & bit)) continue;
      // A zero-terminated file name or comment.
      for (;;) {
        if (at >= MAX_HEADER) throw new GzipError('it is not valid gzip (a header field has no end)');
        if (!(await this.#need(at + 1))) throw cutShort();
        if (this.#pending[at++] === 0) break;
      }
    }
    if (flags & 0x02) at += 2;
    if (!(await this.#need(at))) throw cutShort();
    return at;
  }

  /**
   * A member whose deflate data is all in `pending` and inflates to at most WHOLE_OUTPUT bytes, inflated in one call;
   * undefined (nothing consumed) otherwise, for #body's stream. A file of many small members (one per line, say) paid
   * a zlib stream per member: about 0.2-0.5 ms each, 10.7 s for a 20,000-line file written one member per line.
   */
  async #wholeMember(): Promise<{ crc: number; size: number } | undefined> {
    let inflated: Buffer;
    let consumed: number;
    try {
      const { buffer, engine } = inflateRawSync(this.#pending.subarray(0, WHOLE_INPUT), { info: true, maxOutputLength: WHOLE_OUTPUT }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      inflated = buffer;
      consumed = engine.bytesWritten;
    } catch {
      // Cut short here (the member goes on in the next chunk), too large, or corrupt: the stream says which.
      return undefined;
    }
    this.#pending = this.#pending.subarray(consumed);
    if (inflated.length > 0) this.#deliver(inflated);
    while (this.#queued > READ_AHEAD && !this.#stopped) await new Promise<void>((resolve) => (this.#wakeFeeder = resolve));
    return { crc: crc32(inflated) >>> 0, size: inflated.length % 0x1_0000_0000 };
  }

  /** Inflates one member's deflate data from `pending` (and the source); returns its CRC-32 and length. */
  async #body(): Promise<{ crc: number; size: number }> {
    // 64 KiB output chunks: a quarter of the per-chunk work of the default 16 KiB on the way to the line splitter.
    const z = createInflateRaw({ chunkSize: 64 << 10 });
    this.#inflate = z;
    const sum = { crc: 0, size: 0 };
    let zlibError: Error | undefined;
    // 'close' too: a stream destroyed before its end (the reader stopped) never emits 'end'.
    const ended = new Promise<void>((resolve) => {
      z.once('end', resolve);
      z.once('close', resolve);
    });
    z.on('data', (chunk: Buffer) => {
      sum.crc = crc32(chunk, sum.crc);
      sum.size = (sum.size + chunk.length) % 0x1_0000_0000;
      this.#deliver(chunk);
    });
    z.on('error', (error) => (zlibError ??= error));
    let fed = 0;
    try {
      for (;;) {
        if (this.#pending.length === 0 && !(await this.#need(1))) throw cutShort();
        while (this.#queued > READ_AHEAD && !this.#stopped) await new Promise<void>((resolve) => (this.#wakeFeeder = resolve));
        if (this.#stopped) return sum;
        const slice = this.#pending.subarray(0, SLICE);
        this.#pending = this.#pending.subarray(slice.length);
        fed += slice.length;
        await written(z, slice);
        if (zlibError !== undefined) throw new GzipError(`it is not valid gzip (${zlibError.message})`, { cause: zlibError });
        // zlib consumes every byte it is given until the deflate data ends: what it left is the trailer and beyond.
        const left = fed - z.bytesWritten;
        if (left > 0) {
          const tail = slice.subarray(slice.length - left);
          this.#pending = this.#pending.length === 0 ? tail : Buffer.concat([tail, this.#pending]);
          break;
        }
      }
      // Every byte of the member is delivered once its end is.
      await ended;
      return { crc: sum.crc >>> 0, size: sum.size };
    } finally {
      z.destroy();
      this.#inflate = undefined;
    }
  }
}

/**
 * The decompressed bytes of `raw`, a gzip file of one or more members. Rejects with GzipError when the data is not
 * gzip, is cut short, is corrupt, or passes the ratio bound; with `sourceError(e)` when the source fails.
 */
export function gunzipMembers(raw: Readable, progress: GunzipProgress, options: GunzipOptions): AsyncGenerator<Buffer> {
  return new GunzipReader(raw, progress, options).chunks();
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
