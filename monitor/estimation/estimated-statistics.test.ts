import { describe, expect, it } from 'vitest';
import { createEstimator } from './create-estimator.ts';
import { estimatedCloudWatchMetrics, estimatedMetricsSection, regressionSection } from './estimated-statistics.ts';

describe('mpm_estimated_metrics and CloudWatch', () => {
  it('writes the window, the estimate with its band and the expected matrix; publishes estimated_<metric>', () => {
    const estimator = createEstimator({ problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0' })!;
    for (const score of [0.9, 0.8, 0.3, 0.6, 0.1]) estimator.add({ label: score >= 0.5 ? '1' : '0', score });
    const result = estimator.result();
    const section = JSON.parse(JSON.stringify(estimatedMetricsSection(result, { start_time: '2024-05-01T10:00:00Z', end_time: '2024-05-01T11:00:00Z' })));
    expect(section).toMatchObject({ version: 1, window: { start_time: '2024-05-01T10:00:00Z', end_time: '2024-05-01T11:00:00Z' }, method: 'CBPE', estimated_records: 5 });
    expect(section.metrics.accuracy.value).toBeCloseTo(0.78, 15);
    expect(Object.keys(section.metrics.accuracy)).toEqual(['value', 'standard_error', 'lower', 'upper', 'standard_error_method']);
    expect(section.expected_confusion_matrix['1']['1']).toBeCloseTo(2.3, 14);
    expect(estimatedCloudWatchMetrics(result).map((m) => m.name)).toEqual([
      'estimated_accuracy',
      'estimated_precision',
      'estimated_recall',
      'estimated_f1',
      'estimated_true_negative_rate',
      'estimated_auc',
    ]);
  });

  it('says why regression is not estimated', () => {
    expect(regressionSection({})).toEqual({ version: 1, window: {}, method: 'CBPE', not_estimated_reason: expect.stringMatching(/^CBPE estimates classification metrics/) });
  });
});
