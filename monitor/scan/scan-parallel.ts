/**
 * @module Worker threads over capture files. The main thread sends the files (at most two in flight per worker) and
 * merges what each gave back strictly in path order: the counts, the input errors (so the samples kept are the first
 * ones, as with one thread) and the file's part, saved by the worker and loaded here. Labels stay in the main
 * thread's label store, which the workers read through shared memory. When the labels are still being read as the
 * workers start (on their own thread), the workers' predictions wait in their parts and the labels are sent to them
 * once read (the plan's workerLater): the ground truth and the capture are read at once.
 */
import type { Worker } from 'node:worker_threads';
import type { StorageFile } from '../storage/storage.ts';
import type { InputErrorTally, ReasonTally } from '../ingest/input-errors.ts';
import type { CaptureLineOptions } from '../ingest/decode-capture-line.ts';
import type { AccumulatorState, MergeableAccumulator } from '../state/accumulator-state.ts';
import { addFileCounts, type CaptureSummary } from './capture-summary.ts';
import type { PredictionSinkInit, PredictionSinkResult } from '../store/prediction-sink.ts';
import type { SharedLabelStore } from '../join/label-store.ts';
import { MAX_WAITING_BYTES, type ScanOptions, type ScanPlan, type StartedWorkers } from './scan-plan.ts';
import { startModuleWorker } from '../runtime/module-worker.ts';
import { errorFromThread, type PostedError } from '../thread-errors.ts';

/** What a worker needs to read files as the main thread would (structured-cloneable). */
export interface ScanWorkerInit {
  datasetSource: string;
  s3EndpointUrl?: string;
  lineOptions?: CaptureLineOptions;
  samplesPerReason: number;
  plan: { name: string; init: unknown };
  /** The sink each worker builds (the prediction store, the label arrival), and the name of its store parts. */
  sink?: PredictionSinkInit;
  writerId?: string;
  /** Bytes of waiting work (the plan's waitingBytes) past which the worker reads no further until its parts are final. */
  maxWaitingBytes: number;
}

/** The plan's workerLater once settled (the labels read meanwhile), with the sinks' label partitions when they wait. */
export interface ScanWorkerLater {
  later: unknown;
  /** The label partitions of the sinks' label arrival (ScanOptions.sinkPartitionsLater). */
  sinkPartitions?: SharedLabelStore;
}

/** A file read whose part waits (for labels still being read): the next file may be sent; its result comes later. */
export interface ScanFileRead {
  type: 'read';
  index: number;
}

/** Asks a worker to close its sink once every file is merged; it answers with a ScanSinkClosed. */
export interface ScanWorkerClose {
  close: true;
}

/** A worker's sink, closed. */
export interface ScanSinkClosed {
  type: 'closed';
  result: PredictionSinkResult;
}

export interface ScanWorkerRequest {
  index: number;
  path: string;
  /** The listed size: the bytes an unreadable file loses are counted against it (issue 14). */
  size?: number;
}

/** What a worker posts back for one file. */
export interface ScanFileResult {
  type: 'file';
  index: number;
  summary: CaptureSummary;
  tally: Array<[string, ReasonTally]>;
  part: AccumulatorState;
  /** The file was acknowledged before (a ScanFileRead): it is no longer in flight. */
  acked?: true;
}

/** A worker's failure: the error it met reading a file (index) or closing its sink (-1). */
export interface WorkerError extends PostedError {
  type: 'error';
  index: number;
}

/**
 * Starts `count` scan workers now, before their work is known: they load their modules while the main thread does
 * something else (reads the ground truth). Pass them to the scan as ScanOptions.started.
 */
export function startScanWorkers(count: number): StartedWorkers {
  // Each loads its modules and waits for its ScanWorkerInit (the first message).
  const workers = Array.from({ length: count }, () => startModuleWorker(import.meta.url, './scan-worker'));
  // A failure before the scan listens is kept for it (and is no unhandled 'error' event).
  const failures: Array<Error | undefined> = [];
  workers.forEach((worker, w) => {
    worker.on('error', (error) => (failures[w] ??= error));
    worker.on('exit', (code) => (failures[w] ??= new Error(`capture worker ${w} stopped (exit code ${code}) before the capture was read`)));
  });
  let stopping: Promise<void> | undefined;
  return {
    workers,
    failure: (w) => failures[w],
    stop: () => (stopping ??= Promise.all(workers.map((worker) => worker.terminate())).then(() => undefined)),
  };
}

/**
 * Hands files to workers (at most two in flight each) and merges the results strictly in path order, whatever order
 * they arrive in: the counts, the input errors (the samples kept are the first ones, as with one thread) and each
 * file's saved part.
 */
class InOrderMerge<Part extends MergeableAccumulator<Part>> {
  readonly #results = new Map<number, ScanFileResult>();
  readonly #inFlight: number[] = [];
  #nextToSend = 0;
  #nextToMerge = 0;

  constructor(
    private readonly files: StorageFile[],
    private readonly workers: Worker[],
    private readonly into: { plan: ScanPlan<Part>; run: Part; summary: CaptureSummary; tally: InputErrorTally; onFile: ScanOptions['onFile'] },
  ) {}

  get done(): boolean {
    return this.#nextToMerge === this.files.length;
  }

  /** Sends worker `w` files until it has two in flight. */
  send(w: number): void {
    this.#inFlight[w] ??= 0;
    while (this.#inFlight[w]! < 2 && this.#nextToSend < this.files.length) {
      const index = this.#nextToSend++;
      this.#inFlight[w]!++;
      this.workers[w]!.postMessage({ index, path: this.files[index]!.path, size: this.files[index]!.size } satisfies ScanWorkerRequest);
    }
  }

  /** Worker `w` has read a file whose result comes later: it is sent the next. */
  acknowledge(w: number): void {
    this.#inFlight[w]!--;
    this.send(w);
  }

  /** Takes worker `w`'s result for a file, sends it the next file (unless acknowledged), and merges what is now in order. */
  receive(w: number, result: ScanFileResult): void {
    this.#results.set(result.index, result);
    if (!result.acked) this.acknowledge(w);
    const { plan, run, summary, tally, onFile } = this.into;
    for (let next = this.#results.get(this.#nextToMerge); next !== undefined; next = this.#results.get(this.#nextToMerge)) {
      this.#results.delete(this.#nextToMerge);
      const file = this.files[this.#nextToMerge]!;
      onFile?.(file.path, summary.files, summary);
      summary.files++;
      summary.bytes += file.size ?? 0;
      addFileCounts(summary, next.summary);
      tally.addFrom(next.tally);
      const part = plan.load(next.part);
      run.merge(part);
      plan.release?.(part);
      this.#nextToMerge++;
    }
  }
}

/** What every worker is told (each also gets its writerId). */
function workerInitOf<Part extends MergeableAccumulator<Part>>(plan: ScanPlan<Part>, options: ScanOptions, count: number): ScanWorkerInit {
  return {
    // The waiting work of all the workers together stays within what one thread may keep.
    maxWaitingBytes: MAX_WAITING_BYTES / count,
    datasetSource: options.datasetSource,
    s3EndpointUrl: options.s3EndpointUrl,
    lineOptions: options.lineOptions,
    samplesPerReason: options.samplesPerReason,
    plan: { name: plan.name, init: plan.workerInit },
    sink: options.sink,
  };
}

/**
 * Sends the plan's workerLater (the labels, read meanwhile) to every worker once it settles, with the sinks' label
 * partitions when they wait too (the same labels: their read's failure is the plan's). A failed label read fails the
 * scan: a worker with nothing left to read would wait for the labels forever.
 */
function sendLater<Part extends MergeableAccumulator<Part>>(plan: ScanPlan<Part>, options: ScanOptions, workers: Worker[], failed: () => boolean, fail: (error: Error) => void): void {
  if (plan.workerLater === undefined) return;
  const partitions = options.sinkPartitionsLater?.then(
    (p) => p.share(),
    () => undefined,
  );
  void Promise.all([plan.workerLater, partitions]).then(([later, sinkPartitions]) => {
    const message: ScanWorkerLater = sinkPartitions === undefined ? { later } : { later, sinkPartitions };
    if (!failed()) for (const worker of workers) worker.postMessage(message);
  });
  Promise.resolve()
    .then(() => plan.waiting?.())
    .catch(fail);
}

/** Reads `files` on min(workers, files) threads into `run`, merging file parts in path order. */
export async function scanParallel<Part extends MergeableAccumulator<Part>>(
  files: StorageFile[],
  plan: ScanPlan<Part>,
  run: Part,
  summary: CaptureSummary,
  tally: InputErrorTally,
  options: ScanOptions,
): Promise<PredictionSinkResult[] | undefined> {
  const count = Math.min(options.workers, files.length);
  const init = workerInitOf(plan, options, count);
  const workers: Worker[] = [];
  const merge = new InOrderMerge(files, workers, { plan, run, summary, tally, onFile: options.onFile });
  const started = options.started ?? startScanWorkers(count);
  const sinks: PredictionSinkResult[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (error: Error): void => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      for (let w = 0; w < count; w++) {
        const worker = started.workers[w]!;
        workers.push(worker);
        worker.postMessage({ ...init, writerId: `w${w + 1}` } satisfies ScanWorkerInit);
        worker.on('message', (message: { type: 'ready' } | ScanFileRead | ScanFileResult | ScanSinkClosed | WorkerError) => {
          if (failed) return;
          if (message.type === 'ready') return merge.send(w);
          if (message.type === 'read') return merge.acknowledge(w);
          if (message.type === 'error') return fail(errorFromThread(message));
          if (message.type === 'closed') {
            sinks[w] = message.result;
            if (sinks.filter(Boolean).length === workers.length) resolve();
            return;
          }
          try {
            merge.receive(w, message);
            if (!merge.done) return;
            if (init.sink === undefined) return resolve();
            for (const each of workers) each.postMessage({ close: true } satisfies ScanWorkerClose);
          } catch (error) {
            fail(error as Error);
          }
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (!merge.done || (init.sink !== undefined && sinks[w] === undefined)) fail(new Error(`capture worker ${w} stopped (exit code ${code}) before the capture was read`));
        });
        if (started.failure(w) !== undefined) fail(started.failure(w)!);
      }
      sendLater(plan, options, workers, () => failed, fail);
    });
  } finally {
    await started.stop();
  }
  return init.sink === undefined ? undefined : sinks;
}
