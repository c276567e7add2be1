/**
 * @module The Parquet encoding of a streamed file: Arrow IPC record batches in (one row group each), the file's bytes
 * out as parquet-wasm's transformParquetStream makes them. ParquetStreamWriter runs it on a thread of its own
 * (parquet-encode-worker.ts) or, inside a worker thread, on its own thread.
 */
import { loadParquetWasm } from '../ingest/parquet.ts';
import { openParquetByRanges, type ReadRange } from './range-blob.ts';

/** Per-column choices (top-level columns only: parquet-wasm 0.7.1 cannot address the leaves of a list by path). */
export interface ParquetColumnSetting {
  /** Dictionary encoding (default true, the writer's default). */
  dictionary?: boolean;
  /** Encoding when not dictionary-encoded, or as its fallback. */
  encoding?: 'PLAIN' | 'BYTE_STREAM_SPLIT' | 'DELTA_BINARY_PACKED' | 'DELTA_BYTE_ARRAY';
}

/** How the file is encoded (structured-cloneable: it is handed to the encoding thread). */
export interface ParquetEncodeOptions {
  /** Rows per row group; every batch written must hold at most this many rows. */
  rowGroupRows: number;
  /** Key-value metadata of the file (schema versions and the like). */
  metadata?: Record<string, string>;
  columns?: Record<string, ParquetColumnSetting>;
  /** Compression of every column (default ZSTD: read by pandas/pyarrow, DuckDB, Athena and Spark). */
  compression?: 'ZSTD' | 'SNAPPY' | 'UNCOMPRESSED';
}

/**
 * To the encoding thread: one row group's IPC message, the end of the file, or its abandonment; once the file is
 * stored, the check of its footer (`size`: the stored file's bytes), and the bytes of each range the check asked for
 * (or why they could not be read).
 */
export type EncodeRequest =
  | { type: 'batch'; ipc: Uint8Array }
  | { type: 'end' }
  | { type: 'abort' }
  | { type: 'check'; size: number }
  | { type: 'range'; id: number; bytes?: Uint8Array; error?: string };

/**
 * From the encoding thread: a batch went to the encoder (`taken`: the writer's queue shrinks by its bytes), the
 * file's next bytes, then the end of the file or the encoder's failure; during the check, a range of the stored file
 * to read, then the footer's counts or why the footer could not be read.
 */
export type EncodeReply =
  | { type: 'taken'; bytes: number }
  | { type: 'chunk'; bytes: Uint8Array }
  | { type: 'done' }
  | { type: 'error'; message: string }
  | { type: 'range'; id: number; start: number; end: number }
  | { type: 'checked'; counts: FooterCounts }
  | { type: 'check-error'; message: string };

/** What a written file's footer says. */
export interface FooterCounts {
  rows: number;
  rowGroups: number;
}

/**
 * `bytes` in an ArrayBuffer of their own, to be transferred to another thread: a view into a larger buffer (or a
 * WebAssembly memory) is copied, since posting a view sends its whole buffer.
 */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? bytes : bytes.slice();
}

/**
 * The batches waiting for the encoder (the `next` of encodeParquet), on whichever thread it runs. `taken(bytes)` is
 * told of each batch the encoder takes, and of each one an abort drops.
 */
export class BatchQueue {
  private readonly queue: Uint8Array[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(private readonly taken: (bytes: number) => void = () => undefined) {}

  push(ipc: Uint8Array): void {
    this.queue.push(ipc);
    this.wake?.();
  }

  /** No more batches: the encoder takes those queued, then finishes. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  /** No more batches, and those queued are dropped. */
  abort(): void {
    for (const ipc of this.queue.splice(0)) this.taken(ipc.length);
    this.end();
  }

  /** The next batch, or undefined once the queue has ended and is empty. */
  readonly next = async (): Promise<Uint8Array | undefined> => {
    while (this.queue.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    const ipc = this.queue.shift();
    if (ipc !== undefined) this.taken(ipc.length);
    return ipc;
  };
}

/**
 * Encodes the IPC messages `next()` gives (undefined: no more) into the bytes of one Parquet file. A message that is
 * not a record batch fails the file: the output ends and the failure is thrown after the bytes made so far (which
 * the caller must not keep).
 */
export async function* encodeParquet(options: ParquetEncodeOptions, next: () => Promise<Uint8Array | undefined>): AsyncGenerator<Uint8Array> {
  const pw = await loadParquetWasm('write');
  let props = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression[options.compression ?? 'ZSTD'])
    .setMaxRowGroupSize(options.rowGroupRows)
    .setCreatedBy('mpm (parquet-wasm 0.7.1)');
  if (options.metadata) props = props.setKeyValueMetadata(new Map(Object.entries(options.metadata)));
  for (const [column, setting] of Object.entries(options.columns ?? {})) {
    if (setting.dictionary !== undefined) props = props.setColumnDictionaryEnabled(column, setting.dictionary);
    if (setting.encoding !== undefined) props = props.setColumnEncoding(column, pw.Encoding[setting.encoding]);
  }
  let failure: unknown;
  const input = new ReadableStream(
    {
      pull: async (controller) => {
        const ipc = await next();
        if (ipc === undefined) {
          controller.close();
          return;
        }
        try {
          const table = pw.Table.fromIPCStream(ipc);
          const batch = table.recordBatch(0);
          table.free();
          if (batch === undefined) throw new Error('an IPC message without a record batch');
          controller.enqueue(batch);
        } catch (error) {
          failure ??= error;
          controller.close();
        }
      },
    },
    { highWaterMark: 0 },
  );
  const bytes = (await pw.transformParquetStream(input, props.build())) as unknown as AsyncIterable<Uint8Array>;
  for await (const chunk of bytes) yield chunk;
  if (failure !== undefined) throw failure;
}

/**
 * The rows and row groups a stored file's footer gives, read back through `read` (only the footer and its page
 * indexes are asked for). Runs where the file was encoded, so parquet-wasm is compiled on that thread only.
 */
export async function footerCounts(read: ReadRange, size: number): Promise<FooterCounts> {
  const file = await openParquetByRanges(size, read);
  try {
    const meta = file.metadata();
    const fileMeta = meta.fileMetadata();
    const counts = { rows: fileMeta.numRows(), rowGroups: meta.numRowGroups() };
    fileMeta.free();
    meta.free();
    return counts;
  } finally {
    file.free();
  }
}

/** An error's message, for a message to the other thread. */
export const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));
