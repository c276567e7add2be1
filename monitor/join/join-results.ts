/**
 * @module What the join of one part of a window produced: the model-quality accumulator, the regression shape for the
 * report page, the join's counts, the label-free estimate over every prediction (labelled or not) and, for
 * suggest-baseline, the labelled reference the calibration is fitted on. A part is one capture file, in whichever thread read it; parts merge (in any
 * split and order, with the same result) and save as an AccumulatorState, so threads and hosts combine them the same
 * way.
 */
import type { AccumulatorState, MergeableAccumulator } from '../state/accumulator-state.ts';
import { expectState, stateCount } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';
import { createAccumulator, loadAccumulator } from '../metrics/create-accumulator.ts';
import { RegressionShape } from '../metrics/regression-shape.ts';
import type { AccumulatorOptions, ModelQualityAccumulator } from '../metrics/types.ts';
import { createEstimator, loadEstimator, type Estimator, type EstimatorOptions } from '../estimation/create-estimator.ts';
import { ReferenceCollector } from '../estimation/reference-sample.ts';

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

/** What a part holds besides the metrics: the estimate (classification) and, for suggest-baseline, the reference. */
export interface JoinExtras {
  estimator?: EstimatorOptions;
  collectReference?: boolean;
}

export class JoinResults implements MergeableAccumulator<JoinResults> {
  readonly summary: JoinSummary = emptyJoinSummary();

  constructor(
    readonly metrics: ModelQualityAccumulator,
    /** Regression only: the residual and predicted-versus-actual histograms of report.html. */
    readonly shape: RegressionShape | undefined,
    /** The label-free estimate over every prediction; undefined for regression. */
    readonly estimate?: Estimator,
    /** suggest-baseline: the labelled records the calibration is fitted on. */
    readonly reference?: ReferenceCollector,
  ) {}

  /** Empty results for these accumulator options. */
  static create(options: AccumulatorOptions, extras: JoinExtras = {}): JoinResults {
    const classification = options.problemType !== 'Regression';
    return new JoinResults(
      createAccumulator(options),
      classification ? undefined : new RegressionShape(),
      extras.estimator === undefined ? undefined : createEstimator(extras.estimator),
      extras.collectReference && classification ? new ReferenceCollector(options.problemType as 'BinaryClassification' | 'MulticlassClassification') : undefined,
    );
  }

  merge(other: JoinResults): void {
    this.metrics.merge(other.metrics);
    if (this.shape && other.shape) this.shape.merge(other.shape);
    if (this.estimate && other.estimate) this.estimate.merge(other.estimate);
    if (this.reference && other.reference) this.reference.merge(other.reference);
    for (const key of SUMMARY_KEYS) this.summary[key] += other.summary[key];
  }

  save(): AccumulatorState {
    return {
      kind: 'mq.join',
      version: 1,
      meta: { summary: SUMMARY_KEYS.map((key) => this.summary[key]) },
      arrays: {},
      parts: {
        metrics: this.metrics.save(),
        ...(this.shape ? { shape: this.shape.save() } : {}),
        ...(this.estimate ? { estimate: this.estimate.save() } : {}),
        ...(this.reference ? { reference: this.reference.save() } : {}),
      },
    };
  }

  static load(state: AccumulatorState, extras: JoinExtras = {}): JoinResults {
    expectState(state, 'mq.join', 1);
    const counts = (state.meta as { summary?: unknown } | null)?.summary;
    const metrics = state.parts?.metrics;
    if (!Array.isArray(counts) || counts.length !== SUMMARY_KEYS.length || metrics === undefined) {
      throw new InputError('state: a join state lacks its counts or its metrics');
    }
    const { shape, estimate, reference } = state.parts ?? {};
    if ((estimate === undefined) !== (extras.estimator === undefined || extras.estimator.problemType === 'Regression')) {
      throw new InputError('state: a join state and this run disagree on whether predictions are estimated');
    }
    const results = new JoinResults(
      loadAccumulator(metrics),
      shape === undefined ? undefined : RegressionShape.load(shape),
      estimate === undefined ? undefined : loadEstimator(estimate, extras.estimator!),
      reference === undefined ? undefined : ReferenceCollector.load(reference),
    );
    SUMMARY_KEYS.forEach((key, i) => (results.summary[key] = stateCount(counts[i], `join count ${key}`)));
    return results;
  }
}
