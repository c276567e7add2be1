/**
 * @module Opens one input file as a stream of bytes, gunzipping `.gz` files, so that every way a file can fail to
 * read (it vanished, a read breaks, it is not gzip, it is cut short, it is a gzip bomb) reaches the reader as one
 * error class with how far the file was read, and a gzip with trailing garbage keeps its data as `gzip -d` does.
 */
import type { Readable } from 'node:stream';
import { ConfigError } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';
import { GzipError, gunzipMembers } from './gunzip-members.ts';

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

/** Whether a path names a gzip file (by its extension, as the capture and ground-truth layouts do). */
export function isGzipPath(path: string): boolean {
  return /\.gz$/i.test(path);
}

/**
 * Opens `path` for reading. The returned chunks raise UnreadableInput for anything that stops the file from being
 * read to its end; a ConfigError (no credentials, no region) passes through unchanged.
 */
export async function openInput(storage: Storage, path: string, limits: InputLimits, options: { transientChunks?: boolean } = {}): Promise<OpenedInput> {
  const progress: InputProgress = { rawBytes: 0 };
  const gzip = isGzipPath(path);
  let raw: AsyncIterable<Buffer | string> & { destroy?: () => void };
  try {
    // A reader that only splits lines (forEachLine copies what it keeps) can take one reused buffer.
    raw = options.transientChunks === true && !gzip && storage.readChunks !== undefined ? await storage.readChunks(path) : await storage.openRead(path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new UnreadableInput(reasonOf(error), { cause: error });
  }
  const chunks = gzip ? gunzipChunks(raw as Readable, progress, limits) : plainOrGzip(raw, progress, limits);
  return { chunks, progress };
}

/** The first bytes of every gzip member. No JSON, JSON Lines or CSV text starts with them (0x1f is a control byte). */
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * A file not named `.gz`: its bytes, or, when they start as gzip does (a capture uploader that compressed without
 * renaming), the gunzipped bytes. Read as text, such a file lost every line as invalid_json while the few newline
 * bytes of its compressed data stayed under the error limit, and the run said Completed.
 */
async function* plainOrGzip(raw: AsyncIterable<Buffer | string> & { destroy?: () => void }, progress: InputProgress, limits: InputLimits): AsyncGenerator<Buffer> {
  const source = raw[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer | string>;
  try {
    first = await source.next();
  } catch (error) {
    raw.destroy?.();
    throw new UnreadableInput(reasonOf(error), { cause: error });
  }
  const head = first.done === true ? undefined : typeof first.value === 'string' ? Buffer.from(first.value) : first.value;
  // The file's chunks again, the first one included; destroying them releases the file.
  const chunks = (async function* (): AsyncGenerator<Buffer | string> {
    if (head !== undefined) yield head;
    yield* { [Symbol.asyncIterator]: () => source };
  })();
  const release = { destroy: (): void => raw.destroy?.() };
  if (head !== undefined && head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) {
    // The decompressor keeps slices of its input across reads: each chunk is copied (a reused buffer would change).
    const copies = (async function* (): AsyncGenerator<Buffer> {
      for await (const chunk of chunks) yield Buffer.from(chunk);
    })();
    yield* gunzipChunks(Object.assign(copies, release) as unknown as Readable, progress, limits);
    return;
  }
  yield* rawChunks(Object.assign(chunks, release), progress);
}

/** The gunzipped bytes, with every way of failing turned into UnreadableInput. */
async function* gunzipChunks(raw: Readable, progress: InputProgress, limits: InputLimits): AsyncGenerator<Buffer> {
  const source = (error: unknown): Error => new UnreadableInput(reasonOf(error), { cause: error });
  try {
    yield* gunzipMembers(raw, progress, { maxRatio: limits.maxGzipRatio, ratioAllowance: GZIP_RATIO_ALLOWANCE, sourceError: source });
  } catch (error) {
    if (error instanceof GzipError) throw new UnreadableInput(error.message, { cause: error });
    throw error;
  }
}

/** The message of a read error, with its code: never the file's content (read errors do not carry any). */
function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const message = e?.message ?? String(error);
  return e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}

async function* rawChunks(raw: AsyncIterable<Buffer | string> & { destroy?: () => void }, progress: InputProgress): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of raw as AsyncIterable<Buffer | string>) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      progress.rawBytes += buf.length;
      yield buf;
    }
  } catch (error) {
    throw new UnreadableInput(reasonOf(error), { cause: error });
  } finally {
    raw.destroy?.();
  }
}
