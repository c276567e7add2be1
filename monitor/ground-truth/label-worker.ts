/**
 * @module A worker thread that reads the ground truth (read-labels-on-thread.ts starts it): the labels go into a
 * label store whose table is shared memory, so the main thread takes it as it is, with no copy, while it has been
 * scanning the capture meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStorage } from '../storage/open-storage.ts';
import { InputErrorTally } from '../ingest/input-errors.ts';
import { LabelCodec } from '../join/label-codec.ts';
import { BinaryClasses } from '../metrics/binary-classes.ts';
import { readGroundTruth } from './read-ground-truth.ts';
import type { LabelThreadInit, LabelThreadMessage } from './read-labels-on-thread.ts';
import { postedError } from '../thread-errors.ts';

const init = workerData as LabelThreadInit;
const tally = new InputErrorTally(init.samplesPerReason);
try {
  const storage = await openStorage(init.location, { s3EndpointUrl: init.s3EndpointUrl });
  const codec = new LabelCodec(init.problemType);
  const binary = init.binaryPositive === undefined ? undefined : new BinaryClasses(init.binaryPositive);
  const read = await readGroundTruth(storage, { ...init.options, binary }, codec, tally, undefined, init.partitions);
  parentPort!.postMessage({
    type: 'labels',
    store: read.store.share(),
    labels: [...codec.labels],
    negative: binary?.negative,
    positiveSeen: binary?.positiveSeen,
    summary: read.summary,
    bytes: read.bytes,
    tally: [...tally.byReason.entries()],
  } satisfies LabelThreadMessage);
} catch (error) {
  parentPort!.postMessage({ type: 'error', ...postedError(error), tally: [...tally.byReason.entries()] } satisfies LabelThreadMessage);
}
