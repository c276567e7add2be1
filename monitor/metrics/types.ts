import type { MergeableAccumulator } from '../state/accumulator-state.ts';

/**
 * @module Shapes shared by the metric accumulators and the stages around them.
 *
 * The join stage hands every joined record to one ModelQualityAccumulator. Accumulators merge: computing over
 * chunks and merging gives the same result as one pass (property-tested).
 */

export const PROBLEM_TYPES = ['BinaryClassification', 'MulticlassClassification', 'Regression'] as const;
export type ProblemType = (typeof PROBLEM_TYPES)[number];

/** A scalar metric as SageMaker writes it: standard_deviation is the string "NaN" below 200 records. */
export interface MetricValue {
  value: number;
  standard_deviation: number | 'NaN';
}

/** confusion_matrix[actual][predicted] = count, with string keys. */
export type ConfusionMatrix = Record<string, Record<string, number>>;

/**
 * One joined record. For classification, `actual` and `predicted` are canonical label strings (see
 * canonicalLabel in metrics/labels.ts); `score` is the probability of the positive class for binary problems,
 * when known. For regression, `actualValue` and `predictedValue` are the numbers.
 */
export interface Observation {
  actual: string;
  predicted: string;
  score?: number;
  actualValue?: number;
  predictedValue?: number;
  /**
   * A 32-bit unsigned hash of the record's key (inferenceId, payload_index). It decides, deterministically and
   * independently of chunking and order, which of the 5 bootstrap subsamples the record belongs to.
   */
  keyHash: number;
}

export interface AccumulatorOptions {
  problemType: ProblemType;
  /** Binary only: the label counted as positive. Default "1". */
  positiveLabel?: string;
  /** Seed of the subsample assignment (mixed with keyHash). Default 0. */
  seed?: number;
  /** Number of records below which standard_deviation is "NaN". Default 200. */
  minRecordsForStd?: number;
  /** Most points kept in each output curve (ROC, PR). The AUCs are exact regardless. Default 1000. */
  maxCurvePoints?: number;
}

/** statistics.json in SageMaker's model-quality schema, plus mpm's own extra section that SageMaker readers ignore. */
export interface ModelQualityStatistics {
  version: 0;
  dataset: { item_count: number; evaluation_time: string };
  binary_classification_metrics?: Record<string, unknown>;
  multiclass_classification_metrics?: Record<string, unknown>;
  regression_metrics?: Record<string, unknown>;
  /** Per-class metrics, macro averages and other details; not read by SageMaker. */
  mpm_extra_metrics?: Record<string, unknown>;
  /** The label-free estimate of the window (monitor/estimation/); not read by SageMaker. */
  mpm_estimated_metrics?: unknown;
}

export interface ModelQualityResult {
  problemType: ProblemType;
  itemCount: number;
  /** The section name, e.g. "multiclass_classification_metrics". */
  section: 'binary_classification_metrics' | 'multiclass_classification_metrics' | 'regression_metrics';
  /** The metrics of the section, exactly as they go into statistics.json. */
  metrics: Record<string, unknown>;
  /** Scalar metric values by name (the keys a constraint may target and CloudWatch publishes). */
  scalars: Record<string, MetricValue>;
  /** Extra details (per-class, macro averages), in mpm_extra_metrics. */
  extra: Record<string, unknown>;
}

export interface ModelQualityAccumulator extends MergeableAccumulator<ModelQualityAccumulator> {
  update(observation: Observation): void;
  /** Folds another accumulator of the same options into this one. */
  merge(other: ModelQualityAccumulator): void;
  result(): ModelQualityResult;
}
