/**
 * @module Writes a window's profile as SageMaker's data-quality statistics.json: item_count, then per feature (in
 * column order) its inferred_type and either numerical_statistics (num_present, num_missing, mean, sum, population
 * std_dev, min, max, the 10 KLL buckets and the sketch with `data` as levels) or string_statistics (distinct_count and
 * the categorical buckets, by count then value). An Unknown feature (never a value) carries string_statistics with
 * its counts and distinct_count 0. Columns that never appeared in the window are not written, as Spark's schema
 * would not have them. Boolean features are written as String (value-type.ts).
 */
import type { DatasetSummary } from './dataset-profile.ts';
import type { FeatureSummary } from './feature-profile.ts';
import { KLL_BUCKET_COUNT } from './kll-sketch.ts';
import type { DataQualityStatistics, StatisticsFeature } from './statistics-schema.ts';

/** The file's "version" (SageMaker writes 0.0). */
export const STATISTICS_VERSION = 0;

function featureStatistics(f: FeatureSummary, itemCount: number): StatisticsFeature {
  const common = { num_present: f.present, num_missing: itemCount - f.present };
  if (f.numeric !== undefined) {
    const n = f.numeric;
    return {
      name: f.name,
      inferred_type: f.inferredType,
      numerical_statistics: {
        common,
        mean: n.mean,
        sum: n.sum,
        std_dev: n.stdDev,
        min: n.min,
        max: n.max,
        distribution: { kll: { buckets: n.sketch.buckets(n.min, n.max, KLL_BUCKET_COUNT), sketch: n.sketch.toJson() } },
      },
    };
  }
  if (f.categorical !== undefined) {
    return {
      name: f.name,
      inferred_type: f.inferredType,
      string_statistics: { common, distinct_count: f.distinct, distribution: { categorical: { buckets: f.categorical.buckets.map((b) => ({ value: b.value, count: b.count })) } } },
    };
  }
  return { name: f.name, inferred_type: f.inferredType, string_statistics: { common, distinct_count: 0 } };
}

/** statistics.json for a profile summary. */
export function buildDataQualityStatistics(summary: DatasetSummary): DataQualityStatistics {
  return {
    version: STATISTICS_VERSION,
    dataset: { item_count: summary.itemCount },
    features: summary.features.map((f) => featureStatistics(f, summary.itemCount)),
  };
}
