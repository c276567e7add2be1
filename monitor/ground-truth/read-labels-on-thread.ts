/**
 * @module Reads the ground truth on a worker thread (label-worker.ts), so that the main thread can scan the capture
 * at the same time. What comes back is what readGroundTruth gives on the main thread: the label store (its table is
 * shared memory, handed over without a copy), the codec's labels in code order, the summary, the listed bytes and
 * the input errors, which the caller adds to the run's tally before the capture's (the order a sequential run has).
 * An error of the thread is raised again on the main thread with its class (ConfigError, InputError, OutputError
 * keep their exit codes) and message.
 */
import type { Worker } from 'node:worker_threads';
import type { ReasonTally } from '../ingest/input-errors.ts';
import { LabelCodec } from '../join/label-codec.ts';
import { LabelStore, type SharedLabelStore } from '../join/label-store.ts';
import { BinaryClasses } from '../metrics/binary-classes.ts';
import type { ProblemType } from '../metrics/types.ts';
import { startModuleWorker } from '../runtime/module-worker.ts';
import { errorFromThread, type PostedError } from '../thread-errors.ts';
import type { GroundTruthOptions, GroundTruthSummary } from './read-ground-truth.ts';

/** What the thread reads (structured-cloneable: no BinaryClasses, whose learning must happen on the reading thread). */
export interface LabelThreadInit {
  location: string;
  s3EndpointUrl?: string;
  options: Omit<GroundTruthOptions, 'binary'>;
  problemType: ProblemType;
  samplesPerReason: number;
  /** Whether to keep each label's partition hour too (the prediction store's label arrival). */
  partitions: boolean;
  /** BinaryClassification: the canonical positive label; the thread learns the negative class as a main-thread read would. */
  binaryPositive?: string;
}

export type LabelThreadMessage =
  | {
      type: 'labels';
      /** Tagged with each label's partition hour when the init asked for partitions. */
      store: SharedLabelStore;
      labels: string[];
      /** BinaryClassification: the negative class learnt from the labels, if any. */
      negative?: string;
      /** BinaryClassification: whether a label was the positive one. */
      positiveSeen?: boolean;
      summary: GroundTruthSummary;
      bytes: number;
      tally: Array<[string, ReasonTally]>;
    }
  | ({ type: 'error'; tally: Array<[string, ReasonTally]> } & PostedError);

/** The ground truth as read on the thread. */
export interface LabelsRead {
  store: LabelStore;
  partitions?: LabelStore;
  codec: LabelCodec;
  /** BinaryClassification: the two classes as the labels taught them (the negative one may still be unknown). */
  binary?: BinaryClasses;
  summary: GroundTruthSummary;
  bytes: number;
  /** The thread's input errors, in the order they were met. */
  tally: Array<[string, ReasonTally]>;
}

/** A label read running on its own thread. */
export interface LabelThread {
  /** Settles with the labels, or rejects with the read's error. */
  readonly read: Promise<LabelsRead>;
  /** The input errors the thread counted (once it has answered, whether it read the labels or failed). */
  readonly tally: Array<[string, ReasonTally]>;
  /** When the thread answered or stopped (performance.now()), once it has. */
  readonly answeredAt: number | undefined;
  /** Ends the thread if it still runs (a run that failed elsewhere). */
  stop(): Promise<void>;
}

/** Starts reading the ground truth on a worker thread. */
export function readLabelsOnThread(init: LabelThreadInit): LabelThread {
  const worker: Worker = startModuleWorker(import.meta.url, './label-worker', init);
  let tally: Array<[string, ReasonTally]> = [];
  let answeredAt: number | undefined;
  const read = new Promise<LabelsRead>((resolve, reject) => {
    let settled = false;
    worker.once('message', (message: LabelThreadMessage) => {
      settled = true;
      answeredAt = performance.now();
      tally = message.tally;
      if (message.type === 'error') return reject(errorFromThread(message));
      const store = LabelStore.fromShared(message.store);
      resolve({
        store,
        ...(init.partitions ? { partitions: store } : {}),
        codec: LabelCodec.withLabels(init.problemType, message.labels),
        binary: init.binaryPositive === undefined ? undefined : Object.assign(new BinaryClasses(init.binaryPositive), { negative: message.negative, positiveSeen: message.positiveSeen === true }),
        summary: message.summary,
        bytes: message.bytes,
        tally: message.tally,
      });
    });
    worker.once('error', (error) => {
      if (!settled) reject(error);
      answeredAt ??= performance.now();
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the ground-truth thread stopped (exit code ${code}) before the labels were read`));
      answeredAt ??= performance.now();
      settled = true;
    });
  });
  // A rejection nobody awaits yet (the scan still runs) is not an unhandled one: the run awaits it later.
  read.catch(() => undefined);
  return {
    read,
    get tally() {
      return tally;
    },
    get answeredAt() {
      return answeredAt;
    },
    stop: () => worker.terminate().then(() => undefined),
  };
}
