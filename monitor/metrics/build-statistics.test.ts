/**
 * @module statistics.json: SageMaker's envelope around the section, plus mpm_extra_metrics.
 */
import { describe, expect, it } from 'vitest';
import { OutputError } from '../errors.ts';
import { buildStatistics } from './build-statistics.ts';
import { createAccumulator } from './create-accumulator.ts';

describe('buildStatistics', () => {
  it('wraps the section with version 0, the item count and the ISO evaluation time', () => {
    const accumulator = createAccumulator({ problemType: 'MulticlassClassification' });
    accumulator.update({ actual: 'a', predicted: 'a', keyHash: 1 });
    accumulator.update({ actual: 'b', predicted: 'a', keyHash: 2 });
    const result = accumulator.result();
    const statistics = buildStatistics(result, new Date('2024-05-06T07:08:09.010Z'));
    expect(statistics).toEqual({
      version: 0,
      dataset: { item_count: 2, evaluation_time: '2024-05-06T07:08:09.010Z' },
      multiclass_classification_metrics: result.metrics,
      mpm_extra_metrics: result.extra,
    });
    expect(JSON.parse(JSON.stringify(statistics))).toEqual(statistics);
  });

  it('refuses an invalid Date', () => {
    const result = createAccumulator({ problemType: 'Regression' }).result();
    expect(() => buildStatistics(result, new Date(NaN))).toThrow(OutputError);
    expect(() => buildStatistics(result, new Date(NaN))).toThrow(
      'statistics: evaluation time is an invalid Date; pass the clock time of the run',
    );
  });
});
