/**
 * @module What a capture scan does with the records it decodes, as a plan the scan runs in whichever thread reads a
 * file: each file builds its own part (an accumulator), and the parts merge in path order into the run's. Model
 * quality's plan joins labels (join/join-plan.ts); another analysis brings its own plan and part.
 */
import type { CaptureDeal } from '../state/input-distribution.ts';
import type { Worker } from 'node:worker_threads';
import type { CaptureLineOptions, CaptureRecord } from '../ingest/decode-capture-line.ts';
import type { CaptureSummary } from './capture-summary.ts';
import type { AccumulatorState, MergeableAccumulator } from '../state/accumulator-state.ts';
import type { PredictionSinkInit } from '../store/prediction-sink.ts';
import type { LabelStore } from '../join/label-store.ts';

interface ScanPlanBase<Part extends MergeableAccumulator<Part>> {
  /** The plan's name in the worker registry (scan/plans.ts). */
  readonly name: string;
  /** What a worker thread needs to build the same plan (structured-cloneable). */
  readonly workerInit: unknown;
  /**
   * What worker threads are sent once it settles (structured-cloneable), when their plans wait for it: model quality's
   * labels, read on another thread while the workers scan. It never rejects (a failure is told as a value).
   */
  readonly workerLater?: Promise<unknown>;
  /** An empty part, for one file or for the whole run. */
  startPart(): Part;
  /** The part a worker saved. */
  load(state: AccumulatorState): Part;
  /** Called when a file's part has been merged (or saved) and is dropped: the plan may reuse its buffers. */
  release?(part: Part): void;
  /**
   * While the plan's parts are not final (model quality's predictions wait for labels still being read on another
   * thread), a promise that settles when they are; undefined once they are. The scan keeps such parts unmerged (a
   * worker thread: unsaved) until then; sinks never get such a plan.
   */
  waiting?(): Promise<void> | undefined;
  /** Bytes held by the work that waits (see waiting()): past MAX_WAITING_BYTES the scan stops reading until it is done. */
  waitingBytes?(): number;
}

/** The most bytes of waiting work (waitingBytes) for which the main thread's scan reads on (it checks between files). */
export const MAX_WAITING_BYTES = 64 * 1024 * 1024;

/** A plan fed the records the shared decoder gives (the response's predictions, model quality's join). */
export interface RecordScanPlan<Part extends MergeableAccumulator<Part>> extends ScanPlanBase<Part> {
  /** Feeds one record to `part`. */
  add(part: Part, record: CaptureRecord): void;
}

/** What a line plan made of one capture line (a line it cannot read throws a RecordProblem). */
export type LineRead = { status: 'ok'; records: number; inferenceTime?: number } | { status: 'skipped'; reason: 'outside_window' | 'shadow_traffic' };

/**
 * A plan that decodes each capture line itself (data quality decodes every request in full): the scan keeps the
 * walk, the counts and the error accounting, and hands it the line's text.
 */
export interface LineScanPlan<Part extends MergeableAccumulator<Part>> extends ScanPlanBase<Part> {
  /**
   * Reads one line (its bytes, valid during the call only) into `part`; `warn` counts a record without
   * inferenceTime. Throws RecordProblem on a bad line.
   */
  readLine(part: Part, line: Buffer, warn: () => void): LineRead;
}

/** Scan worker threads started before their work is known (scan-parallel.ts). */
export interface StartedWorkers {
  /** The threads, each waiting for its ScanWorkerInit. */
  readonly workers: Worker[];
  /** Why worker `w` can no longer work (it failed or stopped before the scan listened), if it cannot. */
  failure(w: number): Error | undefined;
  /** Stops them (idempotent). */
  stop(): Promise<void>;
}

export type ScanPlan<Part extends MergeableAccumulator<Part>> = RecordScanPlan<Part> | LineScanPlan<Part>;

/** How a scan reads the capture. */
export interface ScanOptions {
  /** The window [start, end): hour folders outside it are pruned. */
  window: { start?: number; end?: number };
  /** How the shared decoder reads a line, for record plans (a line plan decodes lines itself). */
  lineOptions?: CaptureLineOptions;
  /** With a folder of this name at the root of dataset_source, only that folder is read. */
  endpointName?: string;
  /** Worker threads (1: the main thread reads every file). */
  workers: number;
  /**
   * Worker threads started earlier (startScanWorkers), which have loaded their modules meanwhile (while the ground
   * truth was read); the scan uses them, and stops them all when it ends.
   */
  started?: StartedWorkers;
  /** How worker threads open dataset_source. */
  datasetSource: string;
  s3EndpointUrl?: string;
  samplesPerReason: number;
  /** Where each thread also hands its records (the prediction store, the label arrival); none by default. */
  sink?: PredictionSinkInit;
  /** With sink.partitionsLater (labels read on their own thread): the partitions, once read (sent to worker threads). */
  sinkPartitionsLater?: Promise<LabelStore>;
  /** Called before each file is merged (progress), with what was counted so far. */
  onFile?(path: string, index: number, summary: CaptureSummary): void;
  /** A host of a multi-instance job whose capture reaches every host whole reads only its share of the files. */
  deal?: CaptureDeal;
}

