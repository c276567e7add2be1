/**
 * @module Where a ParquetStreamWriter's batches are encoded: on this thread, or on a worker thread of their own
 * (parquet-encode-worker.ts) while this one goes on. Either way the stored file's footer is read back where the file
 * was encoded, so a writer on the main thread never compiles parquet-wasm there.
 */
import { startModuleWorker } from '../runtime/module-worker.ts';
import { BatchQueue, describeError, encodeParquet, footerCounts, ownBytes, type EncodeReply, type EncodeRequest, type FooterCounts, type ParquetEncodeOptions } from './parquet-encode.ts';
import type { ReadRange } from './range-blob.ts';

/**
 * Where a writer's batches are encoded. `held(bytes)` is told of the bytes the encoding holds for the writer (IPC
 * batches not yet taken by the encoder, encoded bytes not yet sent to storage), for the writer's high-water mark.
 */
export interface Encoding {
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
export function encodeOnThisThread(options: ParquetEncodeOptions, held: (bytes: number) => void): Encoding {
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
 * The batches encoded on a worker thread (parquet-encode-worker.ts); its encoded bytes come back and are sent to
 * storage from here. A failure of the thread (a WebAssembly panic included) fails the file. After a whole file the
 * thread stays for the check of the stored footer (it asks this thread for the ranges); it ends at dispose(), or
 * when the output stops before the file's end.
 */
export class WorkerEncoding implements Encoding {
  readonly output: AsyncIterable<Uint8Array>;
  private readonly worker;
  private readonly chunks: Uint8Array[] = [];
  private finished: { error?: Error } | undefined;
  private stopped: Error | undefined;
  private wake: (() => void) | undefined;
  private checking: { read: ReadRange; resolve: (counts: FooterCounts) => void; reject: (error: Error) => void } | undefined;

  constructor(
    options: ParquetEncodeOptions,
    private readonly held: (bytes: number) => void,
  ) {
    this.worker = startModuleWorker(import.meta.url, './parquet-encode-worker', options);
    this.worker.on('message', (reply: EncodeReply) => this.receive(reply));
    this.worker.on('error', (error) => this.stop(error));
    this.worker.on('exit', (code) => this.stop(new Error(`the Parquet encoding thread stopped (exit code ${code}) before the file was encoded and checked`)));
    this.output = this.chunksOut();
  }

  push(ipc: Uint8Array): void {
    const own = ownBytes(ipc);
    this.held(own.length);
    this.post({ type: 'batch', ipc: own }, [own.buffer as ArrayBuffer]);
  }

  end(): void {
    this.post({ type: 'end' });
  }

  abort(): void {
    this.post({ type: 'abort' });
  }

  check(read: ReadRange, size: number): Promise<FooterCounts> {
    return new Promise<FooterCounts>((resolve, reject) => {
      if (this.stopped !== undefined) return reject(this.stopped);
      this.checking = { read, resolve, reject };
      this.worker.ref();
      this.worker.postMessage({ type: 'check', size } satisfies EncodeRequest);
    });
  }

  dispose(): void {
    void this.worker.terminate();
  }

  private post(request: EncodeRequest, transfer: ArrayBuffer[] = []): void {
    if (this.finished === undefined) this.worker.postMessage(request, transfer);
  }

  private receive(reply: EncodeReply): void {
    if (reply.type === 'taken') this.held(-reply.bytes);
    else if (reply.type === 'chunk') {
      this.chunks.push(reply.bytes);
      this.held(reply.bytes.length);
    } else if (reply.type === 'done') {
      // Waiting for the check, the thread does not keep the process alive (a writer given up is not awaited).
      this.worker.unref();
      this.finish();
    } else if (reply.type === 'error') this.finish(new Error(reply.message));
    else if (reply.type === 'range') this.answerRange(reply.id, reply.start, reply.end);
    else if (reply.type === 'checked') this.checking?.resolve(reply.counts);
    else this.checking?.reject(new Error(reply.message));
    this.wake?.();
  }

  /** Reads a range of the stored file for the thread's check, and sends it the bytes or why they could not be read. */
  private answerRange(id: number, start: number, end: number): void {
    const read = this.checking?.read;
    if (read === undefined) return;
    read(start, end).then(
      (bytes) => {
        const own = ownBytes(bytes);
        this.worker.postMessage({ type: 'range', id, bytes: own } satisfies EncodeRequest, [own.buffer as ArrayBuffer]);
      },
      (error: unknown) => this.worker.postMessage({ type: 'range', id, error: describeError(error) } satisfies EncodeRequest),
    );
  }

  private finish(error?: Error): void {
    this.finished ??= error === undefined ? {} : { error };
    this.wake?.();
  }

  private stop(error: Error): void {
    this.stopped ??= error;
    this.finish(error);
    this.checking?.reject(error);
  }

  private async *chunksOut(): AsyncGenerator<Uint8Array> {
    let whole = false;
    try {
      for (;;) {
        while (this.chunks.length === 0 && this.finished === undefined) await new Promise<void>((resolve) => (this.wake = resolve));
        const chunk = this.chunks.shift();
        if (chunk !== undefined) {
          this.held(-chunk.length);
          yield chunk;
        } else if (this.finished?.error) throw this.finished.error;
        else {
          whole = true;
          return;
        }
      }
    } finally {
      if (!whole) this.dispose();
    }
  }
}
