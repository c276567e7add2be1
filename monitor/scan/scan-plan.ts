/**
 * @module What a capture scan does with the records it decodes, as a plan the scan runs in whichever thread reads a
 * file: each file builds its own part (an accumulator), and the parts merge in path order into the run's. Model
 * quality's plan joins labels (join/join-plan.ts); another analysis brings its own plan and part.
 */
import type { CaptureLineOptions, CaptureRecord } from '../ingest/decode-capture-line.ts';
import type { CaptureSummary } from './capture-summary.ts';
import type { AccumulatorState, MergeableAccumulator } from '../state/accumulator-state.ts';

export interface ScanPlan<Part extends MergeableAccumulator<Part>> {
  /** The plan's name in the worker registry (scan/plans.ts). */
  readonly name: string;
  /** What a worker thread needs to build the same plan (structured-cloneable). */
  readonly workerInit: unknown;
  /** An empty part, for one file or for the whole run. */
  startPart(): Part;
  /** Feeds one record to `part`. */
  add(part: Part, record: CaptureRecord): void;
  /** The part a worker saved. */
  load(state: AccumulatorState): Part;
}

/** How a scan reads the capture. */
export interface ScanOptions {
  lineOptions: CaptureLineOptions;
  /** With a folder of this name at the root of dataset_source, only that folder is read. */
  endpointName?: string;
  /** Worker threads (1: the main thread reads every file). */
  workers: number;
  /** How worker threads open dataset_source. */
  datasetSource: string;
  s3EndpointUrl?: string;
  samplesPerReason: number;
  /** Called before each file is merged (progress), with what was counted so far. */
  onFile?(path: string, index: number, summary: CaptureSummary): void;
}

