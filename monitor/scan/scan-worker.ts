/**
 * @module A worker thread of scan-parallel.ts: reads the capture files it is sent, one at a time, each into a part of
 * the plan it was given, and posts back per file the counts, the input errors and the saved part for the main thread
 * to merge in path order.
 */
import { parentPort } from 'node:worker_threads';
import { openStorage } from '../storage/open-storage.ts';
import { InputErrorTally } from '../ingest/input-errors.ts';
import type { StateArray, AccumulatorState } from '../state/accumulator-state.ts';
import { emptyCaptureSummary } from './capture-summary.ts';
import { lineHandler, readCaptureFile } from './read-capture-file.ts';
import type { CaptureRecord } from '../ingest/decode-capture-line.ts';
import { planFromInit } from './plans.ts';
import type { ScanFileRead, ScanFileResult, ScanSinkClosed, ScanWorkerClose, ScanWorkerInit, ScanWorkerLater, ScanWorkerRequest, WorkerError } from './scan-parallel.ts';
import type { PredictionSink } from '../store/prediction-sink.ts';
import { postedError } from '../thread-errors.ts';
import { LabelStore } from '../join/label-store.ts';

// The first message says what to read: the thread may be started before that is known (startScanWorkers).
const init = await new Promise<ScanWorkerInit>((resolve) => parentPort!.once('message', resolve));
const storage = await openStorage(init.datasetSource, { s3EndpointUrl: init.s3EndpointUrl });
// What the main plan sends later (model quality's labels, read while this thread scans), when its plan waits for it.
let giveLater!: (value: unknown) => void;
const later = new Promise<unknown>((resolve) => (giveLater = resolve));
const plan = planFromInit(init.plan.name, init.plan.init, later);
// The label partitions the sink counts the label arrival with, when they come later (read while this thread scans).
let givePartitions!: (partitions: LabelStore) => void;
const partitionsLater = new Promise<LabelStore>((resolve) => (givePartitions = resolve));
// The sink (apache-arrow, parquet-wasm) is imported only by workers that have one: a lighter start for the others.
const sink: PredictionSink | undefined =
  init.sink === undefined ? undefined : await (await import('../store/prediction-sink.ts')).PredictionSink.open(init.sink, init.writerId ?? 'w1', init.sink.partitionsLater ? partitionsLater : undefined);

/** The buffers of a state's arrays, to transfer rather than copy (shared memory is never transferred). */
function transferables(state: AccumulatorState, into: ArrayBuffer[] = []): ArrayBuffer[] {
  for (const array of Object.values(state.arrays) as StateArray[]) {
    if (array.buffer instanceof ArrayBuffer && !into.includes(array.buffer)) into.push(array.buffer);
  }
  for (const part of Object.values(state.parts ?? {})) transferables(part, into);
  return into;
}

function postError(index: number, error: unknown): void {
  parentPort!.postMessage({ type: 'error', index, ...postedError(error) } satisfies WorkerError);
}

/**
 * Reads one file into a part of its own and posts it back. While the plan's parts wait (labels still being read),
 * the file is acknowledged at once, so that the main thread sends the next, and its part is posted once the labels
 * are in (in file order: the callbacks of one promise run in the order they were added); past init.maxWaitingBytes
 * of waiting work this thread reads no further until then.
 */
async function readOne(request: ScanWorkerRequest): Promise<void> {
  const tally = new InputErrorTally(init.samplesPerReason);
  const summary = emptyCaptureSummary('');
  const part = plan.startPart();
  const onRecord = sink === undefined ? undefined : (record: CaptureRecord, rejected: boolean): void => sink!.add(request.path, record, rejected);
  await readCaptureFile(storage, { path: request.path, size: request.size }, tally, summary, lineHandler(plan, part, init.lineOptions, onRecord), init.lineOptions?.limits);
  await sink?.fileDone(request.path, summary, tally);
  const post = (acked: boolean): void => {
    const saved = part.save();
    plan.release?.(part);
    const result: ScanFileResult = { type: 'file', index: request.index, summary, tally: [...tally.byReason.entries()], part: saved, ...(acked ? { acked: true } : {}) };
    parentPort!.postMessage(result, transferables(saved));
  };
  const waiting = plan.waiting?.();
  if (waiting === undefined) return post(false);
  parentPort!.postMessage({ type: 'read', index: request.index } satisfies ScanFileRead);
  // A failed label read is the main thread's to report (it ends the scan); only a failure to post is this thread's.
  waiting.then(
    () => {
      try {
        post(true);
      } catch (error) {
        postError(request.index, error);
      }
    },
    () => undefined,
  );
  if ((plan.waitingBytes?.() ?? 0) + (sink?.waitingBytes ?? 0) > init.maxWaitingBytes) await waiting.catch(() => undefined);
}

/** Closes this worker's sink once every file is merged and posts its result. */
async function closeSink(): Promise<void> {
  const result = await sink!.close();
  parentPort!.postMessage({ type: 'closed', result } satisfies ScanSinkClosed);
}

// One file at a time, in the order sent.
let queue = Promise.resolve();
parentPort!.on('message', (request: ScanWorkerRequest | ScanWorkerClose | ScanWorkerLater) => {
  // Not queued: the files queued may be waiting for it.
  if ('later' in request) {
    if (request.sinkPartitions !== undefined) givePartitions(LabelStore.fromShared(request.sinkPartitions));
    return giveLater(request.later);
  }
  queue = queue
    .then(() => ('close' in request ? closeSink() : readOne(request)))
    .catch((error: unknown) => postError('close' in request ? -1 : request.index, error));
});
parentPort!.postMessage({ type: 'ready' });
