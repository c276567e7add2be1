/**
 * @module Data quality as a capture scan plan (monitor/scan/scan-plan.ts): a part is a DatasetProfile, one per capture
 * file, merged in path order into the run's; a worker thread rebuilds the plan from `workerInit` (plain data) and
 * posts its file's profile back as an AccumulatorState. Unlike model quality's plan, this one decodes the capture
 * line itself (readLine: the full decode of every request), so the scan hands it lines, not decoded records.
 */
import type { LineRead, LineScanPlan } from '../scan/scan-plan.ts';
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { CaptureRowBuilder, type CaptureRowOptions } from './capture-rows.ts';
import { DatasetProfile } from './dataset-profile.ts';
import { decodeDataQualityBytes } from './decode-capture-rows.ts';
import { FlatRequestReader } from './flat-request.ts';
import { PayloadDecoder } from './payload-records.ts';

/** The plan's name in the worker registry (scan/plans.ts). */
export const DATA_QUALITY_PLAN = 'data-quality';

/** What a worker needs to build the same plan (structured-cloneable). */
export interface DataQualityPlanInit {
  window: { start?: number; end?: number };
  rows: CaptureRowOptions;
  /** Columns profiled first (the baseline's). */
  columns: string[];
  maxFeatures?: number;
}

export class DataQualityPlan implements LineScanPlan<DatasetProfile> {
  readonly name = DATA_QUALITY_PLAN;
  readonly workerInit: DataQualityPlanInit;
  readonly #rows: CaptureRowBuilder;
  /** One decoder per thread: it only caches column layouts, so sharing it between files changes nothing. */
  readonly #decoder = new PayloadDecoder();
  /** The fast path for requests of flat records (it holds the last record layout, so one per thread too). */
  readonly #flat = new FlatRequestReader();

  constructor(init: DataQualityPlanInit) {
    this.workerInit = init;
    this.#rows = new CaptureRowBuilder(init.rows);
  }

  /** An empty profile (for a file, or for the whole run). */
  startPart(): DatasetProfile {
    return new DatasetProfile({ columns: this.workerInit.columns, maxFeatures: this.workerInit.maxFeatures });
  }

  /**
   * Decodes one capture line into `part`: every record of its request becomes a row. Throws RecordProblem when the
   * line cannot be read (the scan counts it by reason with file and line); a line without inferenceTime (read when
   * the window is open) calls `warn`.
   */
  readLine(part: DatasetProfile, line: Buffer, warn: () => void = () => {}): LineRead {
    const read = decodeDataQualityBytes(line, { window: this.workerInit.window, rows: this.#rows }, this.#decoder, this.#flat, part, warn);
    return read.status === 'ok' ? { status: 'ok', records: read.rows } : read;
  }

  /** A file's part, merged or saved: its buffers go to the next file's. */
  release(part: DatasetProfile): void {
    part.release();
  }

  /** A part a worker saved. */
  load(state: AccumulatorState): DatasetProfile {
    return DatasetProfile.load(state);
  }
}

/** The plan rebuilt in a worker thread (for scan/plans.ts). */
export function dataQualityPlanFromInit(init: DataQualityPlanInit): DataQualityPlan {
  return new DataQualityPlan(init);
}
