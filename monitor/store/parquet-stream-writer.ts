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
import { startModuleWorker } from '../runtime/module-worker.ts';
import { BatchQueue, encodeParquet, footerCounts, ownBytes, type EncodeReply, type EncodeRequest, type FooterCounts, type ParquetEncodeOptions } from './parquet-encode.ts';
import type { Storage } from '../storage/storage.ts';
import type { ReadRange } from './range-blob.ts';
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

/**
 * Where a writer's batches are encoded. `held(bytes)` is told of the bytes the encoding holds for the writer (IPC
 * batches not yet taken by the encoder, encoded bytes not yet sent to storage), for the writer's high-water mark.
 */
interface Encoding {
  push(ipc: Uint8Array): void;
  /** No more batches: the encoder finishes the file. */
  end(): void;
  /** Drops the batches not yet encoded and ends the file early (the caller discards it). */
  abort(): void;
  /** The file's bytes in order; throws the encoder's failure. */
  readonly output: AsyncIterable<Uint8Array>;
  /** What the stored file's footer says, read back through `read` where the file was encoded. */
  check(read: ReadRange, size: number): Promise<FooterCounts>;
  /** Ends the encoding's thread, if it has one (after the check, or when the file is given up). */
  dispose(): void;
}

/** The batches encoded on this thread, as storage asks for the file's bytes. */
function encodeOnThisThread(options: ParquetEncodeOptions, held: (bytes: number) => void): Encoding {
  const queue = new BatchQueue((bytes) => held(-bytes));
  return {
    push: (ipc) => {
      held(ipc.length);
      queue.push(ipc);
    },
    end: () => queue.end(),
    abort: () => queue.abort(),
    output: encodeParquet(options, queue.next),
    check: footerCounts,
    dispose: () => undefined,
  };
}

/**
 * The batches encoded on a worker thread (parquet-encode-worker.ts) while this one goes on; its encoded bytes come
 * back and are sent to storage from here. A failure of the thread (a WebAssembly panic included) fails the file.
 * After a whole file, the thread stays for the check of the stored footer (it asks this thread for the ranges), so
 * that parquet-wasm is compiled there only; it ends at dispose(), or when the output stops before the file's end.
 */
function encodeOnWorker(options: ParquetEncodeOptions, held: (bytes: number) => void): Encoding {
  const worker = startModuleWorker(import.meta.url, './parquet-encode-worker', options);
  const chunks: Uint8Array[] = [];
  let finished: { error?: Error } | undefined;
  let stopped: Error | undefined;
  let wake: (() => void) | undefined;
  let checking: { read: ReadRange; resolve: (counts: FooterCounts) => void; reject: (error: Error) => void } | undefined;
  const finish = (error?: Error): void => {
    finished ??= error === undefined ? {} : { error };
    wake?.();
  };
  const stop = (error: Error): void => {
    stopped ??= error;
    finish(error);
    checking?.reject(error);
  };
  const answerRange = (id: number, start: number, end: number, read: ReadRange): void => {
    read(start, end).then(
      (bytes) => {
        const own = ownBytes(bytes);
        worker.postMessage({ type: 'range', id, bytes: own } satisfies EncodeRequest, [own.buffer as ArrayBuffer]);
      },
      (error: unknown) => worker.postMessage({ type: 'range', id, error: error instanceof Error ? error.message : String(error) } satisfies EncodeRequest),
    );
  };
  worker.on('message', (reply: EncodeReply) => {
    if (reply.type === 'taken') held(-reply.bytes);
    else if (reply.type === 'chunk') {
      chunks.push(reply.bytes);
      held(reply.bytes.length);
    } else if (reply.type === 'done') {
      // Waiting for the check, the thread does not keep the process alive (a writer given up is not awaited).
      worker.unref();
      finish();
    }
    else if (reply.type === 'error') finish(new Error(reply.message));
    else if (reply.type === 'range') {
      if (checking !== undefined) answerRange(reply.id, reply.start, reply.end, checking.read);
    } else if (reply.type === 'checked') checking?.resolve(reply.counts);
    else checking?.reject(new Error(reply.message));
    wake?.();
  });
  worker.on('error', (error) => stop(error));
  worker.on('exit', (code) => stop(new Error(`the Parquet encoding thread stopped (exit code ${code}) before the file was encoded and checked`)));
  const output = async function* (): AsyncGenerator<Uint8Array> {
    let whole = false;
    try {
      for (;;) {
        while (chunks.length === 0 && finished === undefined) await new Promise<void>((resolve) => (wake = resolve));
        const chunk = chunks.shift();
        if (chunk !== undefined) {
          held(-chunk.length);
          yield chunk;
        } else if (finished?.error) throw finished.error;
        else {
          whole = true;
          return;
        }
      }
    } finally {
      if (!whole) void worker.terminate();
    }
  };
  const post = (request: EncodeRequest, transfer: ArrayBuffer[] = []): void => {
    if (finished === undefined) worker.postMessage(request, transfer);
  };
  return {
    push: (ipc) => {
      const own = ownBytes(ipc);
      held(own.length);
      post({ type: 'batch', ipc: own }, [own.buffer as ArrayBuffer]);
    },
    end: () => post({ type: 'end' }),
    abort: () => post({ type: 'abort' }),
    output: output(),
    check: (read, size) =>
      new Promise<FooterCounts>((resolve, reject) => {
        if (stopped !== undefined) return reject(stopped);
        checking = { read, resolve, reject };
        worker.ref();
        worker.postMessage({ type: 'check', size } satisfies EncodeRequest);
      }),
    dispose: () => void worker.terminate(),
  };
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
    writer.encoding = encodeOnThread ? encodeOnWorker(encode, held) : encodeOnThisThread(encode, held);
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
