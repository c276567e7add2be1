/**
 * @module Local data capture: writes the SageMaker capture lines the monitor reads, in the service's layout
 * `{root}/{endpoint}/{variant}/yyyy/mm/dd/hh/{MM}-{SS}-{mmm}-{uuid}.jsonl` (the hour of the inference time, UTC; the file
 * name from the time its first line was recorded).
 *
 * Lines are buffered in memory and appended to the file when the buffer passes `flushBytes`, every `flushIntervalMs`,
 * on rotation and on close, always whole lines. A new file starts when the hour changes, when the current one holds
 * `rotateBytes`, or when it is `rotateAgeMs` old. `close()` flushes everything: the server calls it on SIGTERM after the
 * in-flight requests finish, so no recorded line is lost. When the disk falls behind, `whenWritable()` holds the
 * responses back (backpressure) instead of letting unwritten lines pile up in memory.
 */

import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DEFAULT_CAPTURE_CONTENT_TYPES, formatCaptureLine, type CaptureContentTypes, type CapturedPayload } from './capture-line.ts';

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
  /** Append the buffer once it holds this many bytes. Default 64 KiB. */
  readonly flushBytes?: number;
  /** Append the buffer at least this often. Default 1000 ms; 0 disables the timer (tests). */
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
  /** Called when an append fails (the lines of that append are counted in `droppedLines`). */
  readonly onError?: (error: unknown, file: string) => void;
}

/** One invocation to capture. */
export interface CaptureRecord {
  readonly input: CapturedPayload;
  readonly output: CapturedPayload;
  readonly inferenceId?: string | undefined;
}

interface OpenFile {
  readonly path: string;
  readonly hour: string;
  readonly openedAt: number;
  bytes: number;
  pending: string[];
  pendingBytes: number;
  pendingLines: number;
}

/** Buffered, rotating writer of capture files. */
export class CaptureWriter {
  /** Lines recorded so far. */
  recordedLines = 0;
  /** Lines lost to failed appends. */
  droppedLines = 0;
  /** Bytes recorded and not yet appended (buffered or being written). */
  queuedBytes = 0;

  private current: OpenFile | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly createdDirs = new Set<string>();
  private readonly timer: NodeJS.Timeout | undefined;
  private closed = false;
  private waiters: (() => void)[] = [];
  private readonly o: Required<Omit<CaptureWriterOptions, 'onError'>> & Pick<CaptureWriterOptions, 'onError'>;

  constructor(options: CaptureWriterOptions) {
    this.o = {
      endpointName: 'local-endpoint',
      variantName: 'AllTraffic',
      samplingPercentage: 100,
      rotateBytes: 16 * 1024 * 1024,
      rotateAgeMs: 60_000,
      flushBytes: 64 * 1024,
      flushIntervalMs: 1000,
      maxQueuedBytes: 32 * 1024 * 1024,
      contentTypes: DEFAULT_CAPTURE_CONTENT_TYPES,
      clock: () => new Date(),
      uuid: randomUUID,
      random: Math.random,
      ...options,
    };
    if (this.o.flushIntervalMs > 0) {
      this.timer = setInterval(() => this.flush(), this.o.flushIntervalMs);
      this.timer.unref();
    }
  }

  /**
   * Records one invocation (subject to sampling). Synchronous: the line is in the buffer when this returns, so a
   * response sent after it is never missing from a later flush. Returns whether the invocation was captured.
   */
  record(record: CaptureRecord): boolean {
    if (this.closed) throw new Error('capture: record() after close()');
    if (this.o.samplingPercentage < 100 && !(this.o.random() * 100 < this.o.samplingPercentage)) return false;
    const now = this.o.clock();
    const file = this.fileFor(now);
    const line =
      formatCaptureLine({ ...record, eventId: this.o.uuid(), inferenceTime: now }, this.o.contentTypes) + '\n';
    const size = Buffer.byteLength(line);
    file.pending.push(line);
    file.pendingBytes += size;
    file.pendingLines++;
    file.bytes += size;
    this.queuedBytes += size;
    this.recordedLines++;
    if (file.pendingBytes >= this.o.flushBytes) this.flushFile(file);
    return true;
  }

  /**
   * undefined while the backlog is below `maxQueuedBytes`; otherwise a promise that resolves once half of it is on
   * disk. The app awaits it before answering, so clients slow down to what the disk can take.
   */
  whenWritable(): Promise<void> | undefined {
    if (this.queuedBytes <= this.o.maxQueuedBytes) return undefined;
    if (this.current) this.flushFile(this.current);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Appends every buffered line; resolves when they are on disk. */
  flush(): Promise<void> {
    if (this.current) this.flushFile(this.current);
    return this.chain;
  }

  /** Flushes and stops the timer. Later record() calls throw. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    for (const wake of this.waiters.splice(0)) wake();
  }

  private fileFor(now: Date): OpenFile {
    const hour = hourPath(now);
    const c = this.current;
    if (c && c.hour === hour && c.bytes < this.o.rotateBytes && now.getTime() - c.openedAt < this.o.rotateAgeMs) return c;
    if (c) this.flushFile(c);
    const dir = join(this.o.root, this.o.endpointName, this.o.variantName, hour);
    const name = `${pad(now.getUTCMinutes(), 2)}-${pad(now.getUTCSeconds(), 2)}-${pad(now.getUTCMilliseconds(), 3)}-${this.o.uuid()}.jsonl`;
    this.current = { path: join(dir, name), hour, openedAt: now.getTime(), bytes: 0, pending: [], pendingBytes: 0, pendingLines: 0 };
    return this.current;
  }

  private flushFile(file: OpenFile): void {
    if (file.pending.length === 0) return;
    const chunk = file.pending.join('');
    const lines = file.pendingLines;
    const bytes = file.pendingBytes;
    file.pending = [];
    file.pendingBytes = 0;
    file.pendingLines = 0;
    const dir = dirname(file.path);
    this.chain = this.chain.then(async () => {
      try {
        if (!this.createdDirs.has(dir)) {
          await mkdir(dir, { recursive: true });
          this.createdDirs.add(dir);
        }
        await appendFile(file.path, chunk);
      } catch (error) {
        this.droppedLines += lines;
        this.o.onError?.(error, file.path);
      }
      this.queuedBytes -= bytes;
      if (this.waiters.length > 0 && this.queuedBytes <= this.o.maxQueuedBytes / 2) {
        for (const wake of this.waiters.splice(0)) wake();
      }
    });
  }
}

/** `yyyy/mm/dd/hh` of a time in UTC. */
export function hourPath(time: Date): string {
  return `${time.getUTCFullYear()}/${pad(time.getUTCMonth() + 1, 2)}/${pad(time.getUTCDate(), 2)}/${pad(time.getUTCHours(), 2)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
