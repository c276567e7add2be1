/**
 * @module A worker thread of read-capture-parallel.ts: reads the capture files it is sent, one at a time, through its
 * own JoinStage against the main thread's label store (shared memory, not a copy), and posts back per file the
 * counts, the input errors and the joined records (an ObservationBatch) for the main thread to merge in file order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LabelCodec } from '../ground-truth/label-values.ts';
import { JoinStage, type JoinSummary } from '../join/join-stage.ts';
import { LabelStore } from '../join/label-store.ts';
import { ObservationRecorder, transferablesOf } from '../join/observation-batch.ts';
import { openStorage } from '../storage/open-storage.ts';
import { InputErrorTally } from './input-errors.ts';
import { emptyCaptureSummary, readCaptureFile } from './read-capture.ts';
import type { CaptureFileResult, CaptureWorkerInit, CaptureWorkerRequest } from './read-capture-parallel.ts';

const init = workerData as CaptureWorkerInit;
const storage = await openStorage(init.datasetSource, { s3EndpointUrl: init.s3EndpointUrl });
const codec = new LabelCodec(init.problemType);
// The same labels in the same order give the same codes as the main thread's codec.
for (const label of init.labels) codec.encode(label);
const store = init.store === undefined ? undefined : LabelStore.fromShared(init.store);
const recorder = new ObservationRecorder(init.problemType === 'Regression');
const join = new JoinStage(init.problemType, recorder, store, codec);

async function readOne(request: CaptureWorkerRequest): Promise<void> {
  const tally = new InputErrorTally(init.samplesPerReason);
  const summary = emptyCaptureSummary('');
  const before: JoinSummary = { ...join.summary };
  await readCaptureFile(storage, { path: request.path, size: request.size }, init.lineOptions, tally, summary, (record) => join.add(record));
  const counts = { ...join.summary };
  for (const k of Object.keys(counts) as Array<keyof JoinSummary>) counts[k] -= before[k];
  const batch = recorder.take();
  const result: CaptureFileResult = { type: 'file', index: request.index, summary, tally: [...tally.byReason.entries()], join: counts, batch };
  parentPort!.postMessage(result, transferablesOf(batch));
}

// One file at a time, in the order sent: the recorder's batches must not mix.
let queue = Promise.resolve();
parentPort!.on('message', (request: CaptureWorkerRequest) => {
  queue = queue
    .then(() => readOne(request))
    .catch((error: unknown) => {
      const e = error as Error & { code?: string };
      parentPort!.postMessage({ type: 'error', index: request.index, message: e.message, name: e.name, code: e.code, stack: e.stack });
    });
});
parentPort!.postMessage({ type: 'ready' });
