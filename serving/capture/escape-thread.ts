/**
 * @module The capture writer's side of its escaping thread (escape-worker.ts). A batch taken from the writer's shared
 * chunks is handed over without a copy (the chunks are SharedArrayBuffers, and the writer does not touch them until
 * the reply); the escaped bytes come back in the thread's own chunks, transferred, and go back to it with a later batch
 * once they are written, so steady traffic allocates nothing on either side. Replies come in the order of the batches.
 *
 * When the thread fails (it cannot start, or exits), every batch waiting on it and every later one is rejected; the
 * writer then escapes on its own thread from its chunks, which it still holds, so no line is lost.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../monitor/runtime/module-worker.ts';
import { THREAD_POOL_LIMIT, type TakenBytes } from './line-buffer.ts';

/** A batch for the thread: views over shared chunks, and the `[start, end)` pairs of the bodies to escape. */
export interface EscapeRequest {
  readonly id: number;
  readonly views: readonly Uint8Array[];
  readonly regions: readonly number[];
  /** Chunks of earlier replies, written: the thread's pool takes them back. */
  readonly spare: readonly ArrayBuffer[];
}

/** The escaped batch (views over `chunks`, which are transferred), or why it could not be escaped. */
export type EscapeReply =
  | { readonly id: number; readonly views: readonly Uint8Array[]; readonly chunks: readonly ArrayBuffer[]; readonly bytes: number }
  | { readonly id: number; readonly error: string };

/** Escaped bytes from the thread: `views` to write, then `chunks` to give back with `giveBack`. */
export interface EscapedBytes {
  readonly views: Buffer[];
  readonly chunks: ArrayBuffer[];
  readonly bytes: number;
}

/** Written chunks kept for the thread (as many as its pool keeps). */
const SPARE_LIMIT = THREAD_POOL_LIMIT;

interface Waiting {
  readonly resolve: (escaped: EscapedBytes) => void;
  readonly reject: (error: Error) => void;
}

/** A thread that escapes the bodies of capture batches. */
export class EscapeThread {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();
  private failure: Error | undefined;
  private spare: ArrayBuffer[] = [];
  private closed = false;

  constructor() {
    this.worker = startModuleWorker(import.meta.url, './escape-worker');
    // The thread keeps the process alive only while a batch waits on it (a server that is done may exit).
    this.worker.unref();
    this.worker.on('message', (reply: EscapeReply) => this.answer(reply));
    this.worker.on('error', (error) => this.fail(new Error(`capture: the escaping thread failed: ${error.message}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`capture: the escaping thread exited (code ${code})`)));
  }

  /** Whether the thread has failed (batches are then escaped on the caller's thread). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Escapes `raw`'s regions; `raw`'s chunks must not change until this settles. */
  escape(raw: TakenBytes): Promise<EscapedBytes> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const spare = this.spare;
    this.spare = [];
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, views: raw.views, regions: raw.regions, spare } satisfies EscapeRequest, spare);
    });
  }

  /** Chunks of a reply whose bytes are written: they go back to the thread with the next batch. */
  giveBack(chunks: readonly ArrayBuffer[]): void {
    for (const chunk of chunks) if (this.spare.length < SPARE_LIMIT) this.spare.push(chunk);
  }

  /** Stops the thread (after the writer's last batch is written). */
  async close(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }

  private answer(reply: EscapeReply): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    if ('error' in reply) waiting.reject(new Error(`capture: the escaping thread could not escape a batch: ${reply.error}`));
    else waiting.resolve({ views: reply.views.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)), chunks: [...reply.chunks], bytes: reply.bytes });
  }

  private fail(error: Error): void {
    if (this.closed || this.failure) return;
    this.failure = error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
    this.worker.unref();
  }
}
