/**
 * @module What the join of one part of a window produced: the model-quality accumulator, the regression shape for the
 * report page, and the join's counts. A part is one capture file, in whichever thread read it; parts merge (in any
 * split and order, with the same result) and save as an AccumulatorState, so threads and hosts combine them the same
 * way.
 */
import type { AccumulatorState, MergeableAccumulator } from '../state/accumulator-state.ts';
import { expectState, stateCount } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';
import { createAccumulator, loadAccumulator } from '../metrics/create-accumulator.ts';
import { RegressionShape } from '../metrics/regression-shape.ts';
import type { AccumulatorOptions, ModelQualityAccumulator } from '../metrics/types.ts';

export interface JoinSummary {
  predictions: number;
  joined: number;
  predictions_without_label: number;
  /** Predictions whose key had already joined a label (an inference id reused across requests). */
  duplicate_predictions: number;
  /** Merged records (sagemakerMergeJson) whose label is missing for a payload index. */
  labels_missing_in_record: number;
}

const SUMMARY_KEYS = ['predictions', 'joined', 'predictions_without_label', 'duplicate_predictions', 'labels_missing_in_record'] as const;

/** A join summary with nothing counted. */
export function emptyJoinSummary(): JoinSummary {
  return { predictions: 0, joined: 0, predictions_without_label: 0, duplicate_predictions: 0, labels_missing_in_record: 0 };
}

export class JoinResults implements MergeableAccumulator<JoinResults> {
  readonly summary: JoinSummary = emptyJoinSummary();

  constructor(
    readonly metrics: ModelQualityAccumulator,
    /** Regression only: the residual and predicted-versus-actual histograms of report.html. */
    readonly shape: RegressionShape | undefined,
  ) {}

  /** Empty results for these accumulator options. */
  static create(options: AccumulatorOptions): JoinResults {
    return new JoinResults(createAccumulator(options), options.problemType === 'Regression' ? new RegressionShape() : undefined);
  }

  merge(other: JoinResults): void {
    this.metrics.merge(other.metrics);
    if (this.shape && other.shape) this.shape.merge(other.shape);
    for (const key of SUMMARY_KEYS) this.summary[key] += other.summary[key];
  }

  save(): AccumulatorState {
    return {
      kind: 'mq.join',
      version: 1,
      meta: { summary: SUMMARY_KEYS.map((key) => this.summary[key]) },
      arrays: {},
      parts: { metrics: this.metrics.save(), ...(this.shape ? { shape: this.shape.save() } : {}) },
    };
  }

  static load(state: AccumulatorState): JoinResults {
    expectState(state, 'mq.join', 1);
    const counts = (state.meta as { summary?: unknown } | null)?.summary;
    const metrics = state.parts?.metrics;
    if (!Array.isArray(counts) || counts.length !== SUMMARY_KEYS.length || metrics === undefined) {
      throw new InputError('state: a join state lacks its counts or its metrics');
    }
    const shape = state.parts?.shape;
    const results = new JoinResults(loadAccumulator(metrics), shape === undefined ? undefined : RegressionShape.load(shape));
    SUMMARY_KEYS.forEach((key, i) => (results.summary[key] = stateCount(counts[i], `join count ${key}`)));
    return results;
  }
}
