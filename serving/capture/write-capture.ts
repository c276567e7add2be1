/**
 * @module Local data capture: writes the SageMaker capture lines the monitor reads, in the service's layout
 * `{root}/{endpoint}/{variant}/yyyy/mm/dd/hh/{MM}-{SS}-{mmm}-{uuid}.jsonl` (the hour of the inference time, UTC; the file
 * name from the time its first line was recorded).
 *
 * Cheap on the request path: `record()` encodes the line straight into a pooled byte batch (encode-capture-line.ts) and
 * returns; the file is kept open, and batches reach it by `writev` on libuv's thread pool when the batch passes
 * `flushBytes`, every `flushIntervalMs`, on rotation and on close; while one write runs, the next batches wait and go
 * out together. Only whole lines are written: a write that fails half-way is cut back to the last whole line. With
 * `escapeOnThread`, `record()` copies the bodies raw into shared chunks and a full batch goes to the escaping thread
 * (escape-thread.ts) at once; the writing loop writes what comes back, in order (or escapes here if that thread fails).
 *
 * A new file starts when the hour changes, when the current one holds `rotateBytes`, or when it is `rotateAgeMs` old;
 * the old file is closed then, or by the flush timer once it is due and no line came (so a file that is closed is
 * complete). `close()` flushes everything and closes the file: the server calls it on SIGTERM after the in-flight
 * requests finish, so no recorded line is lost. When the disk falls behind, `whenWritable()` holds the responses back
 * (backpressure) instead of letting unwritten lines pile up in memory. Folders are created when first written to, so
 * the capture root need not exist beforehand.
 */

import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeFolder } from '../../monitor/runtime/make-folder.ts';
import { DEFAULT_CAPTURE_CONTENT_TYPES, type CaptureContentTypes, type CapturedPayload } from './capture-line.ts';
import { appendCaptureLine } from './encode-capture-line.ts';
import { escapeTaken } from './escape-batch.ts';
import { EscapeThread, type EscapedBytes } from './escape-thread.ts';
import { ChunkPool, LineBuffer, type TakenBytes } from './line-buffer.ts';

/** Settings of a CaptureWriter; clock, ids and randomness are injectable for tests and golden fixtures. */
export interface CaptureWriterOptions {
  /** Root folder; lines go under {root}/{endpointName}/{variantName}/yyyy/mm/dd/hh/. */
  readonly root: string;
  /** Default "local-endpoint". */
  readonly endpointName?: string;
  /** Default "AllTraffic". */
  readonly variantName?: string;
  /** Share of invocations captured, 0..100. Default 100. */
  readonly samplingPercentage?: number;
  /** Start a new file once the current one holds this many bytes. Default 16 MiB. */
  readonly rotateBytes?: number;
  /** Start a new file once the current one is this old. Default 60 000 ms. */
  readonly rotateAgeMs?: number;
  /** Write the batch once it holds this many bytes. Default 256 KiB. */
  readonly flushBytes?: number;
  /** Write the batch at least this often (and close a file due for rotation). Default 1000 ms; 0 disables the timer (tests). */
  readonly flushIntervalMs?: number;
  /**
   * Backpressure: above this many bytes recorded but not yet on disk, `whenWritable()` makes the caller wait until
   * half of it is written. Default 32 MiB. Without it a disk slower than the traffic grows the heap without bound.
   */
  readonly maxQueuedBytes?: number;
  /** Content types captured as JSON/CSV text; others as BASE64. Default: application/json, text/csv. */
  readonly contentTypes?: CaptureContentTypes;
  /** Default `() => new Date()`. */
  readonly clock?: () => Date;
  /** Default crypto.randomUUID. Used for eventId and file names. */
  readonly uuid?: () => string;
  /** Uniform [0, 1) for sampling. Default Math.random. */
  readonly random?: () => number;
  /**
   * Escape the bodies on a thread of their own (escape-thread.ts): the request thread only copies them. Then
   * `rotateBytes` counts the bodies' bytes before escaping (a file may pass it by the escapes of its lines). Default
   * false; the server turns it on when the machine has more than one CPU (MPM_CAPTURE_THREAD).
   */
  readonly escapeOnThread?: boolean;
  /** Called when a write fails (its lines are counted in `droppedLines`), or closing a file fails. */
  readonly onError?: (error: unknown, file: string) => void;
  /** Called once if the escaping thread fails: escaping goes on on the writer's thread, no line is lost. */
  readonly onThreadFailure?: (error: unknown) => void;
}

/** One invocation to capture. */
export interface CaptureRecord {
  readonly input: CapturedPayload;
  readonly output: CapturedPayload;
  readonly inferenceId?: string | undefined;
}

interface CaptureFile {
  readonly path: string;
  readonly hour: string;
  readonly openedAt: number;
  /** Bytes recorded into this file (on disk or queued). */
  bytes: number;
  /** Bytes on disk, always the end of a whole line: where a failed write is cut back to. */
  written: number;
  /** Open while lines go to this file; opened by its first write. */
  handle: FileHandle | undefined;
  /** A failed write could not be cut back: the next line starts a new file. */
  broken: boolean;
}

/** A batch escaped on the thread, or why it was not (the writer then escapes it itself). Never rejects. */
type Escaping = Promise<{ readonly escaped: EscapedBytes } | { readonly error: unknown }>;

/** A batch for the writing loop: its bytes as recorded, and the thread's escaping of them when they have bodies to escape. */
interface WriteJob {
  readonly kind: 'write';
  readonly file: CaptureFile;
  readonly raw: TakenBytes;
  readonly lines: number;
  readonly escaping: Escaping | undefined;
}

/** A batch ready to write, and what to do with its memory once written. */
interface ReadyBytes {
  readonly views: Buffer[];
  readonly bytes: number;
  readonly release: () => void;
}

/** Work for the writing loop, done in order. */
type Job =
  | WriteJob
  | { readonly kind: 'close'; readonly file: CaptureFile }
  | { readonly kind: 'barrier'; readonly done: () => void };

/** Buffered, rotating writer of capture files. */
export class CaptureWriter {
  /** Lines recorded so far. */
  recordedLines = 0;
  /** Lines lost to failed writes. */
  droppedLines = 0;
  /** Bytes recorded and not yet written (buffered or being written). */
  queuedBytes = 0;

  private current: CaptureFile | undefined;
  private readonly escaper: EscapeThread | undefined;
  private readonly pool: ChunkPool;
  private readonly batch: LineBuffer;
  private batchLines = 0;
  /** The close under way (close() is called by the shutdown, and again by a shutdown that timed out). */
  private closing: Promise<void> | undefined;
  /** A flush was asked for while a write ran: the writing loop takes the batch when that write ends. */
  private flushWanted = false;
  private readonly jobs: Job[] = [];
  private writing: Promise<void> | undefined;
  private readonly createdDirs = new Set<string>();
  private readonly timer: NodeJS.Timeout | undefined;
  private closed = false;
  private threadFailureSaid = false;
  private waiters: (() => void)[] = [];
  private readonly o: Required<Omit<CaptureWriterOptions, 'onError' | 'onThreadFailure'>> &
    Pick<CaptureWriterOptions, 'onError' | 'onThreadFailure'>;

  constructor(options: CaptureWriterOptions) {
    this.o = {
      endpointName: 'local-endpoint',
      variantName: 'AllTraffic',
      samplingPercentage: 100,
      rotateBytes: 16 * 1024 * 1024,
      rotateAgeMs: 60_000,
      flushBytes: 256 * 1024,
      flushIntervalMs: 1000,
      maxQueuedBytes: 32 * 1024 * 1024,
      contentTypes: DEFAULT_CAPTURE_CONTENT_TYPES,
      clock: () => new Date(),
      uuid: randomUUID,
      random: Math.random,
      escapeOnThread: false,
      ...options,
    };
    this.escaper = this.o.escapeOnThread ? new EscapeThread() : undefined;
    this.pool = new ChunkPool(undefined, this.escaper !== undefined);
    this.batch = new LineBuffer(this.pool);
    if (this.o.flushIntervalMs > 0) {
      this.timer = setInterval(() => this.tick(), this.o.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** `{root}/{endpoint}/{variant}`: the folder this writer's hour folders go under. */
  get folder(): string {
    return join(this.o.root, this.o.endpointName, this.o.variantName);
  }

  /**
   * Creates the capture folder if needed and checks it is writable, so a server can say at startup that capture
   * would fail (rather than at the first flush). Rejects with the file-system error.
   */
  async checkWritable(): Promise<void> {
    // Bounded: Node's recursive mkdir never settles on a path below /proc (it would spin a thread-pool thread).
    await makeFolder(this.folder);
    await access(this.folder, constants.W_OK);
  }

  /**
   * Records one invocation (subject to sampling). Synchronous: the line is in the batch when this returns, so a
   * response sent after it is never missing from a later flush. Returns whether the invocation was captured.
   */
  record(record: CaptureRecord): boolean {
    if (this.closed) throw new Error('capture: record() after close()');
    if (this.o.samplingPercentage < 100 && !(this.o.random() * 100 < this.o.samplingPercentage)) return false;
    const now = this.o.clock();
    const file = this.fileFor(now);
    // With the escaping thread, a batch goes before the line that would take it past flushBytes: one batch, one
    // pooled chunk (a line that starts the next chunk would leave the batch holding two, the second nearly empty).
    if (this.escaper && this.batch.length > 0 && this.batch.length + lineBound(record) > this.o.flushBytes) this.takeBatch();
    const before = this.batch.length;
    appendCaptureLine(this.batch, { ...record, eventId: this.o.uuid(), inferenceTime: now }, this.o.contentTypes, this.escaper !== undefined);
    const size = this.batch.length - before;
    this.batchLines++;
    file.bytes += size;
    this.queuedBytes += size;
    this.recordedLines++;
    if (this.batch.length >= this.o.flushBytes) this.requestFlush();
    return true;
  }

  /**
   * undefined while the backlog is below `maxQueuedBytes`; otherwise a promise that resolves once half of it is on
   * disk. The app awaits it before answering, so clients slow down to what the disk can take.
   */
  whenWritable(): Promise<void> | undefined {
    if (this.queuedBytes <= this.o.maxQueuedBytes) return undefined;
    this.requestFlush();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Writes every recorded line; resolves when they are on disk (or counted in droppedLines). */
  flush(): Promise<void> {
    this.takeBatch();
    return new Promise((done) => this.enqueue({ kind: 'barrier', done }));
  }

  /** Flushes, closes the file and stops the timer. Later record() calls throw. A second call waits for the first. */
  close(): Promise<void> {
    return (this.closing ??= this.closeOnce());
  }

  private async closeOnce(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.retire();
    await this.flush();
    for (const wake of this.waiters.splice(0)) wake();
    await this.escaper?.close();
  }

  /** The flush timer: writes the batch, and closes the current file once it is due for rotation. */
  private tick(): void {
    const c = this.current;
    if (c && this.dueForRotation(c, this.o.clock())) this.retire();
    else this.requestFlush();
  }

  private dueForRotation(file: CaptureFile, now: Date): boolean {
    return file.broken || file.hour !== hourPath(now) || file.bytes >= this.o.rotateBytes || now.getTime() - file.openedAt >= this.o.rotateAgeMs;
  }

  private fileFor(now: Date): CaptureFile {
    const c = this.current;
    if (c && !this.dueForRotation(c, now)) return c;
    this.retire();
    const hour = hourPath(now);
    const name = `${pad(now.getUTCMinutes(), 2)}-${pad(now.getUTCSeconds(), 2)}-${pad(now.getUTCMilliseconds(), 3)}-${this.o.uuid()}.jsonl`;
    this.current = { path: join(this.folder, hour, name), hour, openedAt: now.getTime(), bytes: 0, written: 0, handle: undefined, broken: false };
    return this.current;
  }

  /** Writes the batch of the current file and closes it; the next line starts a new file. */
  private retire(): void {
    const c = this.current;
    if (!c) return;
    this.takeBatch();
    this.enqueue({ kind: 'close', file: c });
    this.current = undefined;
  }

  /**
   * Writes the batch now when no write runs; else when the running one ends. Lines keep joining the batch meanwhile, so
   * a busy disk gets fewer, larger writes, and the batch's chunks stay full (memory close to the bytes queued).
   */
  private requestFlush(): void {
    // With the escaping thread, a full batch goes to it at once (escaped while a write runs; consecutive batches of one
    // file still reach it in one writev), so batches stay the size the pools are made for.
    if (this.writing && !this.escaper) this.flushWanted = true;
    else this.takeBatch();
  }

  /** Hands the batch (whole lines of the current file) to the writing loop. */
  private takeBatch(): void {
    this.flushWanted = false;
    if (this.batch.length === 0 || !this.current) return;
    const raw = this.batch.take();
    const lines = this.batchLines;
    this.batchLines = 0;
    this.enqueue({ kind: 'write', file: this.current, raw, lines, escaping: this.startEscaping(raw) });
  }

  /** Hands a batch with bodies to escape to the escaping thread, while it works. */
  private startEscaping(raw: TakenBytes): Escaping | undefined {
    if (raw.regions.length === 0 || !this.escaper || this.escaper.failed) return undefined;
    return this.escaper.escape(raw).then(
      (escaped) => {
        // The recorded bytes are done with as soon as they are escaped (the escaped ones wait for the write).
        this.pool.give(raw.chunks);
        return { escaped };
      },
      (error: unknown) => ({ error }),
    );
  }

  /** The bytes of a batch as they go to the file: escaped by the thread, or here. */
  private async ready(job: WriteJob): Promise<ReadyBytes> {
    const { raw } = job;
    if (raw.regions.length === 0) return { views: raw.views, bytes: raw.bytes, release: () => this.pool.give(raw.chunks) };
    if (job.escaping) {
      const result = await job.escaping;
      if ('escaped' in result) {
        const { views, bytes, chunks } = result.escaped;
        return { views, bytes, release: () => this.escaper?.giveBack(chunks) };
      }
      if (!this.threadFailureSaid) {
        this.threadFailureSaid = true;
        this.o.onThreadFailure?.(result.error);
      }
    }
    const escaped = escapeTaken(raw, this.pool);
    this.pool.give(raw.chunks);
    return { views: escaped.views, bytes: escaped.bytes, release: () => this.pool.give(escaped.chunks) };
  }

  private enqueue(job: Job): void {
    this.jobs.push(job);
    this.writing ??= this.writeLoop();
  }

  /** Runs the jobs in order, one at a time; consecutive writes to one file go out as one writev. */
  private async writeLoop(): Promise<void> {
    // Yield first, so `writing` is set before the loop can end.
    await Promise.resolve();
    try {
      for (;;) {
        if (this.jobs.length === 0 && this.flushWanted) this.takeBatch();
        const job = this.jobs.shift();
        if (!job) break;
        if (job.kind === 'barrier') job.done();
        else if (job.kind === 'close') await this.closeFile(job.file);
        else {
          const batches = [job];
          for (let next = this.jobs[0]; next?.kind === 'write' && next.file === job.file; next = this.jobs[0]) {
            batches.push(next);
            this.jobs.shift();
          }
          await this.write(job.file, batches);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** Writes consecutive batches of one file with one writev (or counts their lines as dropped). */
  private async write(file: CaptureFile, batches: readonly WriteJob[]): Promise<void> {
    const ready: ReadyBytes[] = [];
    let lines = 0;
    let recorded = 0;
    for (const batch of batches) {
      lines += batch.lines;
      recorded += batch.raw.bytes;
    }
    try {
      for (const batch of batches) ready.push(await this.ready(batch));
      // A failed write could not be cut back: the file may end in part of a line, so nothing more is appended to it.
      if (file.broken) throw new Error(`capture: ${file.path} may end in part of a line after a failed write; lines for it are dropped`);
      const views = ready.length === 1 ? ready[0]!.views : ready.flatMap((r) => r.views);
      let bytes = 0;
      for (const r of ready) bytes += r.bytes;
      file.handle ??= await this.openFile(file.path);
      await writeAll(file.handle, views, bytes);
      file.written += bytes;
    } catch (error) {
      this.droppedLines += lines;
      this.o.onError?.(error, file.path);
      if (!file.broken) await this.cutBack(file);
    }
    for (const r of ready) r.release();
    this.queuedBytes -= recorded;
    if (this.waiters.length > 0 && this.queuedBytes <= this.o.maxQueuedBytes / 2) {
      for (const wake of this.waiters.splice(0)) wake();
    }
  }

  private async openFile(path: string): Promise<FileHandle> {
    const dir = dirname(path);
    if (!this.createdDirs.has(dir)) {
      await makeFolder(dir);
      this.createdDirs.add(dir);
    }
    return open(path, 'a');
  }

  /** After a failed write: removes any part of it that reached the file, so the file holds whole lines only. */
  private async cutBack(file: CaptureFile): Promise<void> {
    const handle = file.handle;
    if (!handle) return;
    try {
      if ((await handle.stat()).size !== file.written) await handle.truncate(file.written);
    } catch (error) {
      // The file may now end in part of a line: no more lines go to it.
      file.broken = true;
      this.o.onError?.(error, file.path);
      await this.closeFile(file);
    }
  }

  private async closeFile(file: CaptureFile): Promise<void> {
    const handle = file.handle;
    if (!handle) return;
    file.handle = undefined;
    try {
      await handle.close();
    } catch (error) {
      this.o.onError?.(error, file.path);
    }
  }
}

/** Writes all of `views` (`bytes` in total), going on after a short write; throws when no progress is made. */
async function writeAll(handle: FileHandle, views: Buffer[], bytes: number): Promise<void> {
  let rest = views;
  for (let done = 0; done < bytes; ) {
    const { bytesWritten } = await handle.writev(rest);
    if (bytesWritten <= 0) throw new Error(`capture: short write (${done} of ${bytes} bytes)`);
    done += bytesWritten;
    rest = skipBytes(rest, bytesWritten);
  }
}

/** The views after their first `count` bytes. */
function skipBytes(views: Buffer[], count: number): Buffer[] {
  let i = 0;
  let left = count;
  while (i < views.length && left >= views[i]!.length) left -= views[i++]!.length;
  const rest = views.slice(i);
  if (left > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(left);
  return rest;
}

/** About the bytes of a capture line before its bodies are escaped (the bodies and the line's fixed part). */
function lineBound(record: CaptureRecord): number {
  return record.input.body.length + record.output.body.length + 512;
}

/** `yyyy/mm/dd/hh` of a time in UTC. */
export function hourPath(time: Date): string {
  return `${time.getUTCFullYear()}/${pad(time.getUTCMonth() + 1, 2)}/${pad(time.getUTCDate(), 2)}/${pad(time.getUTCHours(), 2)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
