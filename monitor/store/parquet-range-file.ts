/**
 * @module Reads the footer of a Parquet file in a Storage (a folder or S3) by byte ranges (the footer and its page
 * indexes only, however large the file): rows, row groups, key-value metadata and column sizes. parquet-wasm reads
 * through a Blob-like object whose slices are Storage.readRange calls (range-blob.ts: a failed read is that
 * failure). Anything unreadable is an InputError naming the file.
 */
import { InputError, MonitorError } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';
import type { ParquetFile } from 'parquet-wasm/esm';
import { openParquetByRanges } from './range-blob.ts';


/** One Parquet file opened for reading by ranges. */
export interface ParquetRangeFile {
  /** Where the file is (for messages). */
  readonly location: string;
  readonly bytes: number;
  readonly numRows: number;
  readonly numRowGroups: number;
  /** The file's key-value metadata (ARROW:schema included). */
  readonly metadata: ReadonlyMap<string, string>;
  /** Rows in row group `i`. */
  rowGroupRows(i: number): number;
  /** Compressed bytes per column (leaf path, e.g. "probabilities.list.item"), summed over the row groups. */
  columnBytes(): Record<string, number>;
  /** Frees the WebAssembly side. */
  close(): void;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/** The InputError for an unreadable Parquet file; storage errors (missing file, access denied) are kept as they are. */
function unreadable(location: string, error: unknown): MonitorError {
  if (error instanceof MonitorError) return error;
  if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') return new InputError(`store: ${location} does not exist`, { cause: error });
  return new InputError(`store: ${location} is not a readable Parquet file (${describeError(error)})`, { cause: error });
}

/** Opens `path` of `storage`, reading only its footer. */
export async function openParquetRange(storage: Storage, path: string): Promise<ParquetRangeFile> {
  const location = storage.describe(path);
  let handle: ParquetFile;
  let size: number;
  try {
    size = await storage.size(path);
    handle = await openParquetByRanges(size, (start, end) => storage.readRange(path, start, end));
  } catch (error) {
    throw unreadable(location, error);
  }
  try {
    const meta = handle.metadata();
    const groups = meta.numRowGroups();
    const rows: number[] = [];
    for (let i = 0; i < groups; i++) rows.push(meta.rowGroup(i).numRows());
    const file = meta.fileMetadata();
    const kv = new Map<string, string>();
    for (const [k, v] of file.keyValueMetadata() as Map<unknown, unknown>) if (typeof k === 'string' && typeof v === 'string') kv.set(k, v);
    const numRows = file.numRows();
    return {
      location,
      bytes: size,
      numRows,
      numRowGroups: groups,
      metadata: kv,
      rowGroupRows: (i) => rows[i]!,
      columnBytes: () => {
        const out: Record<string, number> = {};
        for (let g = 0; g < groups; g++) {
          for (const c of meta.rowGroup(g).columns()) {
            const name = c.columnPath().join('.');
            out[name] = (out[name] ?? 0) + c.compressedSize();
          }
        }
        return out;
      },
      close: () => handle.free(),
    };
  } catch (error) {
    handle.free();
    throw unreadable(location, error);
  }
}
