/**
 * @module Writes one Parquet file into a Storage as a stream: record batches go in, one row group each, and each row
 * group is encoded (parquet-wasm's transformParquetStream; on a thread of its own when the writer runs on the main
 * thread, parquet-encode-worker.ts) and sent on (Storage.writeStream) as it fills, so memory holds about one row
 * group and one storage part, however many rows pass. The file appears whole when closed, or
 * not at all (abort, a failure). After closing, the footer is read back from storage and its row count checked,
 * because parquet-wasm 0.7.1 ends its output quietly instead of failing when its input stream fails; the footer is
 * decoded where the file was encoded (the encoding thread, when there is one).
 */
import { createHash } from 'node:crypto';
import { isMainThread } from 'node:worker_threads';
import { makeData, RecordBatch, RecordBatchStreamWriter, Struct, vectorFromArray, type Schema } from 'apache-arrow';
import { OutputError } from '../errors.ts';
import type { FooterCounts, ParquetEncodeOptions } from './parquet-encode.ts';
import { encodeOnThisThread, WorkerEncoding, type Encoding } from './parquet-encoding.ts';
import type { Storage } from '../storage/storage.ts';
import type { ColumnBuilder } from './arrow-columns.ts';

export type { ParquetColumnSetting } from './parquet-encode.ts';

export interface ParquetWriteOptions extends ParquetEncodeOptions {
  /** Queued batch bytes above which {@link ParquetStreamWriter.needsDrain} turns true. Default 16 MiB. */
  highWaterBytes?: number;
  /**
   * Whether the row groups are encoded on a thread of their own (default: when the writer runs on the main thread;
   * a scan worker thread encodes on its own thread, the other threads being busy with their own shards).
   */
  encodeOnThread?: boolean;
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
  private queuedBytes = 0;
  private closed = false;
  private aborted = false;
  private storageFailure: unknown;
  private drained: Array<() => void> = [];
  private done!: Promise<number>;
  private encoding!: Encoding;
  private readonly hash = createHash('sha256');

  private constructor(
    private readonly storage: Storage,
    readonly path: string,
    private readonly schema: Schema,
    private readonly highWaterBytes: number,
  ) {}

  /** Starts writing `path`; nothing is visible there until {@link close} resolves. */
  static async create(storage: Storage, path: string, schema: Schema, options: ParquetWriteOptions): Promise<ParquetStreamWriter> {
    const writer = new ParquetStreamWriter(storage, path, schema, options.highWaterBytes ?? 16 << 20);
    const { highWaterBytes: _, encodeOnThread = isMainThread, ...encode } = options;
    const held = (bytes: number): void => writer.held(bytes);
    writer.encoding = encodeOnThread ? new WorkerEncoding(encode, held) : encodeOnThisThread(encode, held);
    const output = async function* (): AsyncGenerator<Uint8Array> {
      for await (const chunk of writer.encoding.output) {
        if (writer.aborted) throw new Aborted();
        writer.hash.update(chunk);
        yield chunk;
      }
      if (writer.aborted) throw new Aborted();
    };
    writer.done = storage.writeStream(path, output());
    // A storage failure (access denied, a full disk) stops the encoding: it is kept, the queue dropped, and a producer
    // waiting in drain() released, so write() and drain() report it instead of queueing or waiting forever.
    writer.done.catch((error: unknown) => {
      writer.storageFailure ??= error;
      writer.encoding.abort();
      writer.queuedBytes = 0;
      for (const resolve of writer.drained.splice(0)) resolve();
    });
    return writer;
  }

  /** The encoding holds `bytes` more (or fewer, when negative) for this file. */
  private held(bytes: number): void {
    this.queuedBytes += bytes;
    if (bytes < 0 && this.queuedBytes <= this.highWaterBytes) for (const resolve of this.drained.splice(0)) resolve();
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
    if (this.storageFailure !== undefined) return;
    this.encoding.push(RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true));
    this.rows += batch.numRows;
    this.rowGroups++;
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
      this.encoding.push(RecordBatchStreamWriter.writeAll([empty]).toUint8Array(true));
    }
    this.closed = true;
    this.encoding.end();
    let bytes: number;
    let counts: FooterCounts;
    try {
      try {
        bytes = await this.done;
      } catch (error) {
        throw new OutputError(`output: cannot write ${this.storage.describe(this.path)} (${(error as Error).message ?? String(error)})`, { cause: error });
      }
      try {
        const size = await this.storage.size(this.path);
        counts = await this.encoding.check((start, end) => this.storage.readRange(this.path, start, end), size);
      } catch (error) {
        throw new OutputError(`output: ${this.storage.describe(this.path)} was written but cannot be read back (${(error as Error).message ?? String(error)})`, { cause: error });
      }
    } finally {
      this.encoding.dispose();
    }
    if (counts.rows !== this.rows || counts.rowGroups !== this.rowGroups) {
      throw new OutputError(
        `output: ${this.storage.describe(this.path)} holds ${counts.rows} rows in ${counts.rowGroups} row groups; ${this.rows} rows in ${this.rowGroups} row groups were written`,
      );
    }
    return { path: this.path, bytes, sha256: this.hash.digest('hex'), rows: this.rows, rowGroups: this.rowGroups };
  }

  /** Gives up the file: nothing becomes visible, and no temporary file or upload is left once this resolves. */
  async abort(): Promise<void> {
    this.aborted = true;
    this.encoding.abort();
    this.queuedBytes = 0;
    for (const resolve of this.drained.splice(0)) resolve();
    await this.done.catch(() => undefined);
    this.encoding.dispose();
  }
}
