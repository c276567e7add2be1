/**
 * @module Estimates whose reference cannot give them a band, or whose window cannot give them a value: a reference
 * whose records behind a metric were all right has no spread (a zero-wide band would claim certainty), so the
 * window's plug-in error stands in; a window without a predicted positive has no precision to estimate.
 */
import { describe, expect, it } from 'vitest';
import { createEstimator } from './create-estimator.ts';
import { fitCalibration } from './fit-calibration.ts';
import { ReferenceSample } from './reference-sample.ts';

/** A reference whose predicted positives (score 0.99) were all right; negatives (0.2 / 0.3) sometimes wrong. */
function reference() {
  const sample = new ReferenceSample('binary');
  for (let i = 0; i < 400; i++) sample.add({ actual: '1', predicted: '1', score: 0.99 });
  for (let i = 0; i < 600; i++) sample.add({ actual: i % 5 === 0 ? '1' : '0', predicted: '0', score: i % 2 === 0 ? 0.2 : 0.3 });
  return fitCalibration(sample, { positiveLabel: '1', policy: 'never' });
}

describe('degenerate estimates', () => {
  it('gives a reference spread of 0 the window plug-in error instead of a zero-wide band', () => {
    const artefact = reference();
    expect(artefact.sampling_error.precision).toMatchObject({ method: 'reference_std_fraction', std: 0 });
    const estimator = createEstimator({ problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0', calibration: artefact })!;
    for (let i = 0; i < 200; i++) estimator.add({ label: '1', score: 0.9 });
    for (let i = 0; i < 200; i++) estimator.add({ label: '0', score: 0.2 });
    const precision = estimator.result().metrics.precision!;
    expect(precision.value).toBeCloseTo(0.9, 12);
    expect(precision.standard_error_method).toBe('plug_in_binomial');
    expect(precision.standard_error).toBeCloseTo(Math.sqrt((0.9 * 0.1) / 200), 12);
    expect(precision.upper! - precision.lower!).toBeGreaterThan(0.05);
  });

  it('leaves precision and f1 unestimated in a window without a predicted positive', () => {
    const estimator = createEstimator({ problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0', calibration: reference() })!;
    for (let i = 0; i < 50; i++) estimator.add({ label: '0', score: 0.2 });
    const result = estimator.result();
    expect(result.metrics.precision).toBeUndefined();
    expect(result.metrics.f1).toBeUndefined();
    expect(result.not_estimated).toMatchObject({ precision: expect.stringMatching(/^no prediction of the positive label/), f1: expect.stringMatching(/^no prediction of the positive label/) });
    expect(result.metrics.accuracy).toBeDefined();
  });
});
