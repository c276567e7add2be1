/**
 * @module Public API of the model-quality metrics (re-exports only).
 */
export { createAccumulator } from './create-accumulator.ts';
export { buildStatistics } from './build-statistics.ts';
export { canonicalLabel } from './labels.ts';
export { metricNames, sectionKeys, sectionName } from './metric-names.ts';
export { PROBLEM_TYPES } from './types.ts';
export type {
  AccumulatorOptions,
  ConfusionMatrix,
  MetricValue,
  ModelQualityAccumulator,
  ModelQualityResult,
  ModelQualityStatistics,
  Observation,
  ProblemType,
} from './types.ts';
