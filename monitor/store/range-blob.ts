/**
 * @module Opens a Parquet file by ranged reads (its footer and page indexes only): parquet-wasm's ParquetFile over a
 * Blob-like view whose slices are the reads. The reads go wherever `read` sends them (a Storage, or the thread that
 * holds the Storage).
 *
 * A read that fails must not reach parquet-wasm as a rejected promise: parquet-wasm 0.7.1 then panics outside any
 * promise ("unreachable"), the call it was serving never settles, and the thread is left with an uncaught error.
 * The failure is kept instead, parquet-wasm is given zeros of the asked length (its metadata reads then fail as a
 * corrupt footer or a protocol error, both ordinary rejections), and the caller throws the kept failure in place of
 * whatever parquet-wasm made of the zeros, even when it made something of them (see {@link RangeBlob.settle}).
 */

import type { ParquetFile } from 'parquet-wasm/esm';
import { loadParquetWasm } from '../ingest/parquet.ts';

/** Reads bytes [start, end) of a file. */
export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

class RangeBlob {
  /** The first read that failed, if one did. */
  failure: unknown = undefined;
  readonly blob: Blob;

  constructor(size: number, read: ReadRange) {
    const blob = {
      size,
      slice: (start: number, end: number) => ({
        arrayBuffer: async (): Promise<ArrayBuffer> => {
          try {
            const bytes = await read(start, end);
            return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
          } catch (error) {
            this.failure ??= error ?? new Error('a ranged read failed');
            return new ArrayBuffer(Math.max(0, end - start));
          }
        },
      }),
    };
    this.blob = blob as unknown as Blob;
  }

  /**
   * What parquet-wasm gave for a call served by this blob: `call`'s result, unless a read failed (then that
   * failure, thrown; also when parquet-wasm accepted the zeros). A rejection of `call` is thrown as it is otherwise.
   */
  async settle<T>(call: Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await call;
    } catch (error) {
      throw this.failure ?? error;
    }
    if (this.failure !== undefined) throw this.failure;
    return result;
  }
}

/** The Parquet file of `size` bytes that `read` reads, opened (footer and page indexes read); the caller frees it. */
export async function openParquetByRanges(size: number, read: ReadRange): Promise<ParquetFile> {
  // The smallest Parquet file is 12 bytes ("PAR1", a 4-byte footer length, "PAR1"); parquet-wasm panics on less.
  if (size < 12) throw new Error(`${size} bytes is too short for a Parquet file`);
  const pw = await loadParquetWasm();
  const ranges = new RangeBlob(size, read);
  return ranges.settle(pw.ParquetFile.fromFile(ranges.blob));
}
