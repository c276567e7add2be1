/**
 * @module Opens one input file as a stream of bytes, gunzipping `.gz` files, so that every way a file can fail to
 * read (it vanished, a read breaks, it is not gzip, it is cut short, it is a gzip bomb) reaches the reader as one
 * error class with how far the file was read, and a gzip with trailing garbage keeps its data as `gzip -d` does.
 */
import { createGunzip, type Gunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ConfigError } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';

/** A file could not be read to its end. `message` says why, without any of the file's content. */
export class UnreadableInput extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnreadableInput';
  }
}

/** Limits on one input file. */
export interface InputLimits {
  /**
   * The most a `.gz` file may decompress to, as a multiple of the compressed bytes read so far (plus
   * GZIP_RATIO_ALLOWANCE): past it the rest of the file is unreadable (a gzip bomb).
   */
  maxGzipRatio: number;
}

/** Decompressed bytes every gzip file may produce before the ratio applies, so small files of repeated text pass. */
export const GZIP_RATIO_ALLOWANCE = 16 << 20;

/** What was read of one file so far, and what was found at its end. */
export interface InputProgress {
  /** Bytes of the file (compressed, for .gz) handed to the decompressor or the reader so far. */
  rawBytes: number;
  /** Set when bytes after the last complete gzip member were not gzip and were ignored (as gzip -d does). */
  trailingGarbage?: string;
}

export interface OpenedInput {
  chunks: AsyncIterable<Buffer>;
  progress: InputProgress;
}

/** Output of the gunzip kept ahead of the reader, at most; the decompressor waits beyond it. */
const READ_AHEAD = 4 << 20;
/** Compressed bytes written to the decompressor at a time, so one write cannot produce more than ratio × this. */
const SLICE = 64 << 10;

/** Whether a path names a gzip file (by its extension, as the capture and ground-truth layouts do). */
export function isGzipPath(path: string): boolean {
  return /\.gz$/i.test(path);
}

/**
 * Opens `path` for reading. The returned chunks raise UnreadableInput for anything that stops the file from being
 * read to its end; a ConfigError (no credentials, no region) passes through unchanged.
 */
export async function openInput(storage: Storage, path: string, limits: InputLimits): Promise<OpenedInput> {
  let raw: Readable;
  try {
    raw = await storage.openRead(path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new UnreadableInput(reasonOf(error), { cause: error });
  }
  const progress: InputProgress = { rawBytes: 0 };
  const chunks = isGzipPath(path) ? gunzipChunks(raw, progress, limits) : rawChunks(raw, progress);
  return { chunks, progress };
}

/** The message of a read error, with its code: never the file's content (read errors do not carry any). */
function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const message = e?.message ?? String(error);
  return e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}

async function* rawChunks(raw: Readable, progress: InputProgress): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of raw as AsyncIterable<Buffer | string>) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      progress.rawBytes += buf.length;
      yield buf;
    }
  } catch (error) {
    throw new UnreadableInput(reasonOf(error), { cause: error });
  } finally {
    raw.destroy();
  }
}

/** zlib's errors for bytes that do not start a gzip member: after a complete member, that is trailing garbage. */
function isHeaderError(error: NodeJS.ErrnoException): boolean {
  return error.code === 'Z_DATA_ERROR' && /incorrect header check|unknown compression method/.test(error.message);
}

/**
 * Gunzips `raw` without losing what zlib produced before an error (a plain pipe drops the last chunk when zlib fails
 * on trailing garbage), ahead of the reader by at most READ_AHEAD bytes, and within the ratio bound.
 */
async function* gunzipChunks(raw: Readable, progress: InputProgress, limits: InputLimits): AsyncGenerator<Buffer> {
  const gunzip: Gunzip = createGunzip();
  const queue: Buffer[] = [];
  let queued = 0;
  let produced = 0;
  let ended = false;
  let stopped = false;
  let failure: UnreadableInput | undefined;
  let wakeReader: (() => void) | undefined;
  let wakeFeeder: (() => void) | undefined;
  const wake = (): void => {
    const r = wakeReader;
    const f = wakeFeeder;
    wakeReader = undefined;
    wakeFeeder = undefined;
    r?.();
    f?.();
  };
  const fail = (error: UnreadableInput): void => {
    failure ??= error;
    stopped = true;
    gunzip.destroy();
    raw.destroy();
    wake();
  };

  // The readable side is never paused: every chunk zlib makes before an error is seen here.
  gunzip.on('data', (chunk: Buffer) => {
    if (stopped) return;
    produced += chunk.length;
    if (produced > limits.maxGzipRatio * progress.rawBytes + GZIP_RATIO_ALLOWANCE) {
      fail(new UnreadableInput(`it decompresses to more than ${limits.maxGzipRatio} times its compressed size (MPM_MAX_GZIP_RATIO), like a gzip bomb`));
      return;
    }
    queue.push(chunk);
    queued += chunk.length;
    wake();
  });
  gunzip.on('end', () => {
    ended = true;
    wake();
  });
  gunzip.on('error', (error: NodeJS.ErrnoException) => {
    if (stopped) return;
    if (produced > 0 && isHeaderError(error)) {
      // Only complete members come before a header error: keep them, as gzip -d does ("trailing garbage ignored").
      progress.trailingGarbage = 'the bytes after the last complete gzip member are not gzip and were ignored, as gzip -d does';
      stopped = true;
      ended = true;
      raw.destroy();
      wake();
      return;
    }
    fail(new UnreadableInput(error.message === 'unexpected end of file' ? 'the gzip stream is cut short (unexpected end of file)' : `it is not valid gzip (${error.message})`, { cause: error }));
  });

  const feeder = (async (): Promise<void> => {
    try {
      for await (const chunk of raw as AsyncIterable<Buffer>) {
        for (let at = 0; at < chunk.length; at += SLICE) {
          while (queued > READ_AHEAD && !stopped) await new Promise<void>((resolve) => (wakeFeeder = resolve));
          if (stopped) return;
          const slice = chunk.subarray(at, at + SLICE);
          progress.rawBytes += slice.length;
          if (!gunzip.write(slice)) {
            await new Promise<void>((resolve) => {
              const done = (): void => {
                gunzip.off('drain', done);
                gunzip.off('close', done);
                resolve();
              };
              gunzip.on('drain', done);
              gunzip.on('close', done);
            });
          }
        }
      }
      if (!stopped) gunzip.end();
    } catch (error) {
      if (!stopped) fail(new UnreadableInput(reasonOf(error), { cause: error }));
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
      if (ended) break;
      await new Promise<void>((resolve) => (wakeReader = resolve));
    }
  } finally {
    stopped = true;
    gunzip.destroy();
    raw.destroy();
    wake();
    await feeder;
  }
}
