/**
 * @module A worker thread of scan-parallel.ts: reads the capture files it is sent, one at a time, each into a part of
 * the plan it was given, and posts back per file the counts, the input errors and the saved part for the main thread
 * to merge in path order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStorage } from '../storage/open-storage.ts';
import { InputErrorTally } from '../ingest/input-errors.ts';
import type { StateArray, AccumulatorState } from '../state/accumulator-state.ts';
import { emptyCaptureSummary } from './capture-summary.ts';
import { readCaptureFile } from './read-capture-file.ts';
import { planFromInit } from './plans.ts';
import type { ScanFileResult, ScanWorkerInit, ScanWorkerRequest } from './scan-parallel.ts';

const init = workerData as ScanWorkerInit;
const storage = await openStorage(init.datasetSource, { s3EndpointUrl: init.s3EndpointUrl });
const plan = planFromInit(init.plan.name, init.plan.init);

/** The buffers of a state's arrays, to transfer rather than copy (shared memory is never transferred). */
function transferables(state: AccumulatorState, into: ArrayBuffer[] = []): ArrayBuffer[] {
  for (const array of Object.values(state.arrays) as StateArray[]) {
    if (array.buffer instanceof ArrayBuffer && !into.includes(array.buffer)) into.push(array.buffer);
  }
  for (const part of Object.values(state.parts ?? {})) transferables(part, into);
  return into;
}

async function readOne(request: ScanWorkerRequest): Promise<void> {
  const tally = new InputErrorTally(init.samplesPerReason);
  const summary = emptyCaptureSummary('');
  const part = plan.startPart();
  await readCaptureFile(storage, request.path, init.lineOptions, tally, summary, (record) => plan.add(part, record));
  const saved = part.save();
  const result: ScanFileResult = { type: 'file', index: request.index, summary, tally: [...tally.byReason.entries()], part: saved };
  parentPort!.postMessage(result, transferables(saved));
}

// One file at a time, in the order sent.
let queue = Promise.resolve();
parentPort!.on('message', (request: ScanWorkerRequest) => {
  queue = queue
    .then(() => readOne(request))
    .catch((error: unknown) => {
      const e = error as Error & { code?: string };
      parentPort!.postMessage({ type: 'error', index: request.index, message: e.message, name: e.name, code: e.code, stack: e.stack });
    });
});
parentPort!.postMessage({ type: 'ready' });
