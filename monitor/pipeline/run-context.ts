/**
 * @module What every stage of a run shares: the configuration, the clock and the log, the input-error tally, the
 * stage timings, and what the run has learned so far, so that a failed run still reports what it read.
 */
import type { Logger } from 'pino';
import type { MonitorConfig } from '../config/load-config.ts';
import type { ConstraintSet } from '../constraints/parse-constraints.ts';
import type { GroundTruthSummary } from '../ground-truth/read-ground-truth.ts';
import { InputErrorTally } from '../ingest/input-errors.ts';
import type { CaptureSummary } from '../scan/capture-summary.ts';
import type { StoreReport } from '../store/store-report.ts';

export interface RunDeps {
  log: Logger;
  now: () => Date;
}

/** What a run has learned so far (all of it goes into the run report, of a failed run too). */
export interface RunFacts {
  constraints?: ConstraintSet;
  capture?: CaptureSummary;
  groundTruth?: GroundTruthSummary;
  /** The bytes the ground-truth files were listed with (the error gate weighs unreadable bytes against them). */
  groundTruthBytes?: number;
  /** What the run committed to the prediction store: a run that fails after the commit still reports it. */
  store?: StoreReport;
}

export class RunContext {
  readonly tally: InputErrorTally;
  readonly timings: Record<string, number> = {};
  readonly facts: RunFacts = {};
  readonly #started = performance.now();

  constructor(
    readonly config: MonitorConfig,
    readonly deps: RunDeps,
  ) {
    this.tally = new InputErrorTally(config.samplesPerReason);
  }

  get log(): Logger {
    return this.deps.log;
  }

  /** Runs one named stage and records how long it took (timings_ms in the run report). */
  async stage<T>(name: string, work: () => Promise<T> | T): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.timings[name] = Math.round(performance.now() - start);
    }
  }

  /** Records the run's total time. */
  finish(): void {
    this.timings.total = Math.round(performance.now() - this.#started);
  }
}
