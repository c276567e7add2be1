import { describe, expect, it } from 'vitest';
import { suggestConstraints } from './threshold-policy.ts';

describe('suggestConstraints', () => {
  it('puts higher-is-better thresholds k noise units below the value, with LessThanThreshold', () => {
    // s = 0.002 over n = 5000, runs of m = 1250: bootstrap noise 2 * 0.002 * sqrt(4) = 0.008; binomial sqrt(.8*.2/1250) = 0.0113
    const [c] = suggestConstraints({ accuracy: { value: 0.8, standard_deviation: 0.002 } }, { k: 3, baselineRecords: 5000, expectedRecords: 1250 });
    expect(c!.comparison_operator).toBe('LessThanThreshold');
    expect(c!.noise).toBeCloseTo(Math.sqrt((0.8 * 0.2) / 1250), 12);
    expect(c!.threshold).toBeCloseTo(0.8 - 3 * Math.sqrt((0.8 * 0.2) / 1250), 12);
  });

  it('uses the bootstrap noise when it is the larger one', () => {
    const [c] = suggestConstraints({ accuracy: { value: 0.8, standard_deviation: 0.02 } }, { k: 2, baselineRecords: 400 });
    expect(c!.noise).toBeCloseTo(2 * 0.02, 12);
    expect(c!.threshold).toBeCloseTo(0.8 - 2 * 0.04, 12);
  });

  it('puts error metrics above the value with GreaterThanThreshold, and never below zero', () => {
    const out = suggestConstraints(
      { mae: { value: 1.5, standard_deviation: 0.05 }, false_positive_rate: { value: 0.1, standard_deviation: 'NaN' }, r2: { value: 0.3, standard_deviation: 'NaN' } },
      { k: 3, baselineRecords: 100 },
    );
    const by = Object.fromEntries(out.map((c) => [c.metric, c]));
    expect(by.mae).toMatchObject({ comparison_operator: 'GreaterThanThreshold', threshold: 1.5 + 3 * 2 * 0.05 });
    expect(by.false_positive_rate!.comparison_operator).toBe('GreaterThanThreshold');
    expect(by.false_positive_rate!.threshold).toBeCloseTo(0.1 + 3 * Math.sqrt(0.09 / 100), 12);
    // r2 is unbounded and has no std: the threshold is the value itself.
    expect(by.r2).toMatchObject({ comparison_operator: 'LessThanThreshold', threshold: 0.3, noise: null });
  });

  it('keeps shares within [0, 1] and skips the best-constant family', () => {
    const out = suggestConstraints(
      { recall: { value: 0.05, standard_deviation: 0.1 }, accuracy_best_constant_classifier: { value: 0.5, standard_deviation: 0.01 } },
      { k: 3, baselineRecords: 300 },
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ metric: 'recall', threshold: 0 });
  });
});
