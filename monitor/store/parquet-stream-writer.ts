/**
 * @module Writes one Parquet file into a Storage as a stream: record batches go in, one row group each, and each row
 * group is encoded (parquet-wasm's transformParquetStream) and sent on (Storage.writeStream) as it fills, so memory
 * holds about one row group and one storage part, however many rows pass. The file appears whole when closed, or
 * not at all (abort, a failure). After closing, the footer is read back and its row count checked, because
 * parquet-wasm 0.7.1 ends its output quietly instead of failing when its input stream fails.
 */
import { createHash } from 'node:crypto';
import { makeData, RecordBatch, RecordBatchStreamWriter, Struct, vectorFromArray, type Schema } from 'apache-arrow';
import { OutputError } from '../errors.ts';
import { loadParquetWasm } from '../ingest/parquet.ts';
import type { Storage } from '../storage/storage.ts';
import { openParquetRange } from './parquet-range-file.ts';
import type { ColumnBuilder } from './arrow-columns.ts';

/** Per-column choices (top-level columns only: parquet-wasm 0.7.1 cannot address the leaves of a list by path). */
export interface ParquetColumnSetting {
  /** Dictionary encoding (default true, the writer's default). */
  dictionary?: boolean;
  /** Encoding when not dictionary-encoded, or as its fallback. */
  encoding?: 'PLAIN' | 'BYTE_STREAM_SPLIT' | 'DELTA_BINARY_PACKED' | 'DELTA_BYTE_ARRAY';
}

export interface ParquetWriteOptions {
  /** Rows per row group; every batch written must hold at most this many rows. */
  rowGroupRows: number;
  /** Key-value metadata of the file (schema versions and the like). */
  metadata?: Record<string, string>;
  columns?: Record<string, ParquetColumnSetting>;
  /** Compression of every column (default ZSTD: read by pandas/pyarrow, DuckDB, Athena and Spark). */
  compression?: 'ZSTD' | 'SNAPPY' | 'UNCOMPRESSED';
  /** Queued batch bytes above which {@link ParquetStreamWriter.needsDrain} turns true. Default 16 MiB. */
  highWaterBytes?: number;
}

export interface ParquetWriteResult {
  path: string;
  bytes: number;
  /** SHA-256 of the file's bytes (hex), computed as they streamed out. */
  sha256: string;
  rows: number;
  rowGroups: number;
}

class Aborted extends Error {
  constructor() {
    super('the Parquet writer was aborted');
  }
}

/** A Parquet file being written. Use {@link ParquetStreamWriter.create}. */
export class ParquetStreamWriter {
  rows = 0;
  rowGroups = 0;
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private closed = false;
  private aborted = false;
  private failure: unknown;
  private storageFailure: unknown;
  private wake: (() => void) | undefined;
  private drained: Array<() => void> = [];
  private done!: Promise<number>;
  private readonly hash = createHash('sha256');

  private constructor(
    private readonly storage: Storage,
    readonly path: string,
    private readonly schema: Schema,
    private readonly highWaterBytes: number,
  ) {}

  /** Starts writing `path`; nothing is visible there until {@link close} resolves. */
  static async create(storage: Storage, path: string, schema: Schema, options: ParquetWriteOptions): Promise<ParquetStreamWriter> {
    const pw = await loadParquetWasm('write');
    const writer = new ParquetStreamWriter(storage, path, schema, options.highWaterBytes ?? 16 << 20);
    let props = new pw.WriterPropertiesBuilder()
      .setCompression(pw.Compression[options.compression ?? 'ZSTD'])
      .setMaxRowGroupSize(options.rowGroupRows)
      .setCreatedBy('mpm (parquet-wasm 0.7.1)');
    if (options.metadata) props = props.setKeyValueMetadata(new Map(Object.entries(options.metadata)));
    for (const [column, setting] of Object.entries(options.columns ?? {})) {
      if (setting.dictionary !== undefined) props = props.setColumnDictionaryEnabled(column, setting.dictionary);
      if (setting.encoding !== undefined) props = props.setColumnEncoding(column, pw.Encoding[setting.encoding]);
    }
    const input = new ReadableStream(
      {
        pull: async (controller) => {
          while (writer.queue.length === 0 && !writer.closed && !writer.aborted) await new Promise<void>((resolve) => (writer.wake = resolve));
          const next = writer.aborted ? undefined : writer.queue.shift();
          if (next === undefined) {
            controller.close();
            return;
          }
          writer.queuedBytes -= next.length;
          if (writer.queuedBytes <= writer.highWaterBytes) for (const resolve of writer.drained.splice(0)) resolve();
          try {
            const table = pw.Table.fromIPCStream(next);
            const batch = table.recordBatch(0);
            table.free();
            if (batch === undefined) throw new Error('an IPC message without a record batch');
            controller.enqueue(batch);
          } catch (error) {
            writer.failure ??= error;
            controller.close();
          }
        },
      },
      { highWaterMark: 0 },
    );
    const output = async function* (): AsyncGenerator<Uint8Array> {
      const bytes = (await pw.transformParquetStream(input, props.build())) as unknown as AsyncIterable<Uint8Array>;
      for await (const chunk of bytes) {
        if (writer.aborted) throw new Aborted();
        writer.hash.update(chunk);
        yield chunk;
      }
      if (writer.aborted) throw new Aborted();
      if (writer.failure !== undefined) throw writer.failure;
    };
    writer.done = storage.writeStream(path, output());
    // A storage failure (access denied, a full disk) stops the pulls: it is kept, the queue dropped, and a producer
    // waiting in drain() released, so write() and drain() report it instead of queueing or waiting forever.
    writer.done.catch((error: unknown) => {
      writer.storageFailure ??= error;
      writer.queue.length = 0;
      writer.queuedBytes = 0;
      for (const resolve of writer.drained.splice(0)) resolve();
    });
    return writer;
  }

  /** Queues one batch (at most rowGroupRows rows; it becomes one row group). */
  write(batch: RecordBatch): void {
    if (this.closed || this.aborted) throw new Error(`write after close: ${this.storage.describe(this.path)}`);
    this.throwIfFailed();
    if (batch.numRows === 0) return;
    this.enqueue(batch);
  }

  /** Queues the `rows` rows the builders hold (one per schema field, in order) as one batch, and empties them. */
  writeColumns(columns: readonly ColumnBuilder[], rows: number): void {
    if (rows === 0) return;
    const data = makeData({ type: new Struct(this.schema.fields), length: rows, nullCount: 0, children: columns.map((c) => c.finish()) });
    this.write(new RecordBatch(this.schema, data));
    for (const c of columns) c.reset();
  }

  private enqueue(batch: RecordBatch): void {
    const ipc = RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
    this.queue.push(ipc);
    this.queuedBytes += ipc.length;
    this.rows += batch.numRows;
    this.rowGroups++;
    this.wake?.();
  }

  /** Whether the batches queued exceed the high-water mark (await {@link drain} before writing more). */
  get needsDrain(): boolean {
    return this.queuedBytes > this.highWaterBytes;
  }

  /** Resolves once the queued batches are below the high-water mark; rejects when the storage write failed. */
  async drain(): Promise<void> {
    if (this.needsDrain) await new Promise<void>((resolve) => this.drained.push(resolve));
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.storageFailure === undefined) return;
    const why = this.storageFailure instanceof Error ? this.storageFailure.message : String(this.storageFailure);
    throw new OutputError(`output: cannot write ${this.storage.describe(this.path)} (${why})`, { cause: this.storageFailure });
  }

  /**
   * Finishes the file: the last row group, the footer, then the storage commit; reads the footer back to check the
   * row count. A file with no row has the schema and no row group.
   */
  async close(): Promise<ParquetWriteResult> {
    if (this.rows === 0 && !this.closed) {
      // The encoder takes its schema from the first batch: an empty one gives an empty file with the right columns.
      const empty = new RecordBatch(
        this.schema,
        makeData({ type: new Struct(this.schema.fields), length: 0, nullCount: 0, children: this.schema.fields.map((f) => vectorFromArray([], f.type).data[0]!) }),
      );
      const ipc = RecordBatchStreamWriter.writeAll([empty]).toUint8Array(true);
      this.queue.push(ipc);
      this.queuedBytes += ipc.length;
    }
    this.closed = true;
    this.wake?.();
    let bytes: number;
    try {
      bytes = await this.done;
    } catch (error) {
      throw new OutputError(`output: cannot write ${this.storage.describe(this.path)} (${(error as Error).message ?? String(error)})`, { cause: error });
    }
    const check = await openParquetRange(this.storage, this.path).catch((error: Error) => {
      throw new OutputError(`output: ${this.storage.describe(this.path)} was written but cannot be read back (${error.message})`, { cause: error });
    });
    try {
      if (check.numRows !== this.rows || check.numRowGroups !== this.rowGroups) {
        throw new OutputError(
          `output: ${this.storage.describe(this.path)} holds ${check.numRows} rows in ${check.numRowGroups} row groups; ${this.rows} rows in ${this.rowGroups} row groups were written`,
        );
      }
    } finally {
      check.close();
    }
    return { path: this.path, bytes, sha256: this.hash.digest('hex'), rows: this.rows, rowGroups: this.rowGroups };
  }

  /** Gives up the file: nothing becomes visible, and no temporary file or upload is left once this resolves. */
  async abort(): Promise<void> {
    this.aborted = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    for (const resolve of this.drained.splice(0)) resolve();
    this.wake?.();
    await this.done.catch(() => undefined);
  }
}
