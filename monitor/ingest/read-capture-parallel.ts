/**
 * @module Reads the capture with worker threads over files (MPM_WORKERS > 1), with results identical to one thread.
 *
 * The main thread lists the files, sends them to the workers (at most two in flight each) and merges what each file
 * gave back strictly in path order: the counts, the input errors (so the samples kept are the first ones, as with one
 * thread) and the joined records, which it replays into the one accumulator (observation-batch.ts), so every
 * statistic is computed from the same observations in the same order. The workers look labels up in the main
 * thread's label store through shared memory; the decoding and the join, most of the work, run in parallel.
 */
import { Worker } from 'node:worker_threads';
import type { LabelCodec } from '../ground-truth/label-values.ts';
import type { JoinStage, JoinSummary } from '../join/join-stage.ts';
import type { LabelStore, SharedLabelStore } from '../join/label-store.ts';
import type { ObservationBatch } from '../join/observation-batch.ts';
import type { ProblemType } from '../metrics/types.ts';
import type { Storage, StorageFile } from '../storage/storage.ts';
import type { CaptureLineOptions } from './decode-capture-line.ts';
import type { InputErrorTally, ReasonTally } from './input-errors.ts';
import { captureRoot, emptyCaptureSummary, readCapture, walkCaptureFiles, type CaptureSummary } from './read-capture.ts';
import { mergeUnreadable } from './unreadable-files.ts';

/** What a worker needs to read files as the main thread would (structured-cloneable). */
export interface CaptureWorkerInit {
  datasetSource: string;
  s3EndpointUrl?: string;
  lineOptions: CaptureLineOptions;
  problemType: ProblemType;
  /** The main thread's label codec, in code order. */
  labels: string[];
  store?: SharedLabelStore;
  samplesPerReason: number;
}

export interface CaptureWorkerRequest {
  index: number;
  path: string;
  /** The listed size: the bytes an unreadable file loses are counted against it (issue 14). */
  size?: number;
}

/** What a worker posts back for one file. */
export interface CaptureFileResult {
  type: 'file';
  index: number;
  summary: CaptureSummary;
  tally: Array<[string, ReasonTally]>;
  join: JoinSummary;
  batch: ObservationBatch;
}

interface WorkerError {
  type: 'error';
  index: number;
  message: string;
  name: string;
  code?: string;
  stack?: string;
}

export interface ParallelCaptureOptions {
  workers: number;
  datasetSource: string;
  s3EndpointUrl?: string;
  problemType: ProblemType;
  codec: LabelCodec;
  store?: LabelStore;
  samplesPerReason: number;
  onFile?(path: string, index: number): void;
}

/** Starts a worker; under tsx (the .ts sources) the worker registers tsx's loader before it imports its module. */
function startWorker(init: CaptureWorkerInit): Worker {
  const source = import.meta.url.endsWith('.ts');
  const url = new URL(`./capture-worker.${source ? 'ts' : 'js'}`, import.meta.url);
  if (!source) return new Worker(url, { workerData: init });
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

function addSummary(into: CaptureSummary, from: CaptureSummary): void {
  into.lines += from.lines;
  into.requests += from.requests;
  into.predictions += from.predictions;
  into.skipped.outside_window += from.skipped.outside_window;
  into.skipped.shadow_traffic += from.skipped.shadow_traffic;
  into.warnings.records_without_inference_time += from.warnings.records_without_inference_time;
  into.keyed_by_event_id += from.keyed_by_event_id;
  mergeUnreadable(into, from);
}

/**
 * readCapture with `options.workers` worker threads, joining into `join`. Falls back to one thread when there are
 * fewer than two files.
 */
export async function readCaptureParallel(
  storage: Storage,
  o: CaptureLineOptions,
  tally: InputErrorTally,
  join: JoinStage,
  options: ParallelCaptureOptions,
  endpointName?: string,
): Promise<CaptureSummary> {
  const root = await captureRoot(storage, endpointName);
  const summary = emptyCaptureSummary(root === '' ? storage.location : storage.describe(root));
  const files: StorageFile[] = [];
  for await (const file of walkCaptureFiles(storage, root, o, summary)) files.push(file);
  const count = Math.min(options.workers, files.length);
  if (count < 2) {
    return readCapture(storage, o, tally, { onRecord: (record) => join.add(record), onFile: options.onFile }, endpointName);
  }

  const init: CaptureWorkerInit = {
    datasetSource: options.datasetSource,
    s3EndpointUrl: options.s3EndpointUrl,
    lineOptions: o,
    problemType: options.problemType,
    labels: [...options.codec.labels],
    store: options.store?.share(),
    samplesPerReason: options.samplesPerReason,
  };
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const results = new Map<number, { result: CaptureFileResult; labels: string[] }>();
      const labelTables: string[][] = [];
      const inFlight: number[] = [];
      let nextToSend = 0;
      let nextToMerge = 0;
      let failed = false;
      const fail = (error: Error): void => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      const send = (w: number): void => {
        while (inFlight[w]! < 2 && nextToSend < files.length) {
          const index = nextToSend++;
          inFlight[w]!++;
          workers[w]!.postMessage({ index, path: files[index]!.path, size: files[index]!.size } satisfies CaptureWorkerRequest);
        }
      };
      const merge = (): void => {
        for (let entry = results.get(nextToMerge); entry !== undefined; entry = results.get(nextToMerge)) {
          results.delete(nextToMerge);
          const file = files[nextToMerge]!;
          options.onFile?.(file.path, summary.files);
          summary.files++;
          summary.bytes += file.size ?? 0;
          addSummary(summary, entry.result.summary);
          tally.addFrom(entry.result.tally);
          join.replay(entry.result.batch, entry.labels, entry.result.join);
          nextToMerge++;
        }
        if (nextToMerge === files.length) resolve();
      };
      for (let w = 0; w < count; w++) {
        const worker = startWorker(init);
        workers.push(worker);
        labelTables.push([]);
        inFlight.push(0);
        worker.on('message', (message: { type: 'ready' } | CaptureFileResult | WorkerError) => {
          if (failed) return;
          if (message.type === 'ready') return send(w);
          if (message.type === 'error') {
            const error = new Error(message.message);
            error.name = message.name;
            if (message.code !== undefined) (error as NodeJS.ErrnoException).code = message.code;
            if (message.stack !== undefined) error.stack = message.stack;
            return fail(error);
          }
          // The worker's labels grow in the order it sends its files: append now, replay in file order later.
          labelTables[w]!.push(...message.batch.newLabels);
          results.set(message.index, { result: message, labels: labelTables[w]! });
          inFlight[w]!--;
          send(w);
          merge();
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (nextToMerge < files.length) fail(new Error(`capture worker ${w} stopped (exit code ${code}) before the capture was read`));
        });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return summary;
}
