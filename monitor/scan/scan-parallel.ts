/**
 * @module Worker threads over capture files. The main thread sends the files (at most two in flight per worker) and
 * merges what each gave back strictly in path order: the counts, the input errors (so the samples kept are the first
 * ones, as with one thread) and the file's part, saved by the worker and loaded here. Labels stay in the main
 * thread's label store, which the workers read through shared memory.
 */
import { Worker } from 'node:worker_threads';
import type { StorageFile } from '../storage/storage.ts';
import type { InputErrorTally, ReasonTally } from '../ingest/input-errors.ts';
import type { CaptureLineOptions } from '../ingest/decode-capture-line.ts';
import type { AccumulatorState, MergeableAccumulator } from '../state/accumulator-state.ts';
import { addFileCounts, type CaptureSummary } from './capture-summary.ts';
import type { ScanPlan } from './scan-plan.ts';
import type { ScanOptions } from './scan-capture.ts';

/** What a worker needs to read files as the main thread would (structured-cloneable). */
export interface ScanWorkerInit {
  datasetSource: string;
  s3EndpointUrl?: string;
  lineOptions: CaptureLineOptions;
  samplesPerReason: number;
  plan: { name: string; init: unknown };
}

export interface ScanWorkerRequest {
  index: number;
  path: string;
}

/** What a worker posts back for one file. */
export interface ScanFileResult {
  type: 'file';
  index: number;
  summary: CaptureSummary;
  tally: Array<[string, ReasonTally]>;
  part: AccumulatorState;
}

interface WorkerError {
  type: 'error';
  index: number;
  message: string;
  name: string;
  code?: string;
  stack?: string;
}

/** Starts a worker; under tsx (the .ts sources) the worker registers tsx's loader before it imports its module. */
function startWorker(init: ScanWorkerInit): Worker {
  const source = import.meta.url.endsWith('.ts');
  const url = new URL(`./scan-worker.${source ? 'ts' : 'js'}`, import.meta.url);
  if (!source) return new Worker(url, { workerData: init });
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

function errorFrom(message: WorkerError): Error {
  const error = new Error(message.message);
  error.name = message.name;
  if (message.code !== undefined) (error as NodeJS.ErrnoException).code = message.code;
  if (message.stack !== undefined) error.stack = message.stack;
  return error;
}

/** Reads `files` on min(workers, files) threads into `run`, merging file parts in path order. */
export async function scanParallel<Part extends MergeableAccumulator<Part>>(
  files: StorageFile[],
  plan: ScanPlan<Part>,
  run: Part,
  summary: CaptureSummary,
  tally: InputErrorTally,
  options: ScanOptions,
): Promise<void> {
  const init: ScanWorkerInit = {
    datasetSource: options.datasetSource,
    s3EndpointUrl: options.s3EndpointUrl,
    lineOptions: options.lineOptions,
    samplesPerReason: options.samplesPerReason,
    plan: { name: plan.name, init: plan.workerInit },
  };
  const count = Math.min(options.workers, files.length);
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const results = new Map<number, ScanFileResult>();
      const inFlight: number[] = [];
      let nextToSend = 0;
      let nextToMerge = 0;
      let failed = false;
      const fail = (error: Error): void => {
        if (!failed) ((failed = true), reject(error));
      };
      const send = (w: number): void => {
        while (inFlight[w]! < 2 && nextToSend < files.length) {
          const index = nextToSend++;
          inFlight[w]!++;
          workers[w]!.postMessage({ index, path: files[index]!.path } satisfies ScanWorkerRequest);
        }
      };
      const merge = (): void => {
        for (let result = results.get(nextToMerge); result !== undefined; result = results.get(nextToMerge)) {
          results.delete(nextToMerge);
          const file = files[nextToMerge]!;
          options.onFile?.(file.path, summary.files, summary);
          summary.files++;
          summary.bytes += file.size ?? 0;
          addFileCounts(summary, result.summary);
          tally.addFrom(result.tally);
          run.merge(plan.load(result.part));
          nextToMerge++;
        }
        if (nextToMerge === files.length) resolve();
      };
      for (let w = 0; w < count; w++) {
        const worker = startWorker(init);
        workers.push(worker);
        inFlight.push(0);
        worker.on('message', (message: { type: 'ready' } | ScanFileResult | WorkerError) => {
          if (failed) return;
          if (message.type === 'ready') return send(w);
          if (message.type === 'error') return fail(errorFrom(message));
          results.set(message.index, message);
          inFlight[w]!--;
          send(w);
          try {
            merge();
          } catch (error) {
            fail(error as Error);
          }
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
}
