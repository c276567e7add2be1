/**
 * @module statistics.json of a model-quality run, in SageMaker's schema plus mpm's extra section.
 */
import { OutputError } from '../errors.ts';
import type { ModelQualityResult, ModelQualityStatistics } from './types.ts';

/**
 * `{version: 0, dataset: {item_count, evaluation_time}, <section>: result.metrics, mpm_extra_metrics: result.extra}`.
 * SageMaker writes `"version" : 0.0`; JSON has one number type, so 0 reads the same.
 */
export function buildStatistics(result: ModelQualityResult, evaluationTime: Date): ModelQualityStatistics {
  if (Number.isNaN(evaluationTime.getTime())) {
    throw new OutputError('statistics: evaluation time is an invalid Date; pass the clock time of the run');
  }
  return {
    version: 0,
    dataset: { item_count: result.itemCount, evaluation_time: evaluationTime.toISOString() },
    [result.section]: result.metrics,
    mpm_extra_metrics: result.extra,
  };
}
