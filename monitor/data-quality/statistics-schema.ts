/**
 * @module The shape of a data-quality statistics.json, as SageMaker's analyzer writes it (developer guide,
 * "Schema for Statistics"; the SDK's sample tests/data/monitor/statistics.json): the types the writer produces and
 * the loader accepts.
 */
import type { KllBucket, KllSketchJson } from './kll-sketch.ts';
import type { InferredType } from './value-type.ts';

export interface CommonStatistics {
  num_present: number;
  num_missing: number;
}

export interface NumericalStatistics {
  common: CommonStatistics;
  mean: number;
  sum: number;
  std_dev: number;
  min: number;
  max: number;
  distribution: { kll: { buckets: KllBucket[]; sketch: KllSketchJson } };
}

export interface StringStatistics {
  common: CommonStatistics;
  distinct_count: number;
  distribution?: { categorical: { buckets: Array<{ value: string; count: number }> } };
}

export interface StatisticsFeature {
  name: string;
  inferred_type: InferredType;
  numerical_statistics?: NumericalStatistics;
  string_statistics?: StringStatistics;
}

/** A data-quality statistics.json. */
export interface DataQualityStatistics {
  version: number;
  dataset: { item_count: number };
  features: StatisticsFeature[];
}
