/**
 * @module The accumulator factory: options, merge rules, result purity and degenerate inputs.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, MonitorError } from '../errors.ts';
import { createAccumulator } from './create-accumulator.ts';
import { MAX_CLASSES } from './confusion-counts.ts';
import { InputError } from '../errors.ts';
import type { AccumulatorOptions, Observation } from './types.ts';

const binary = (actual: string, predicted: string, keyHash: number, score?: number): Observation =>
  score === undefined ? { actual, predicted, keyHash } : { actual, predicted, keyHash, score };

describe('createAccumulator options', () => {
  it('reports every invalid option in one ConfigError', () => {
    const bad = { problemType: 'Ranking', positiveLabel: ' ', seed: 1.5, minRecordsForStd: 0, maxCurvePoints: 1 };
    expect(() => createAccumulator(bad as unknown as AccumulatorOptions)).toThrow(ConfigError);
    expect(() => createAccumulator(bad as unknown as AccumulatorOptions)).toThrow(
      'metrics: invalid accumulator options: problemType "Ranking" is not one of BinaryClassification, ' +
        'MulticlassClassification, Regression; positiveLabel " " is not a usable label; seed 1.5 must be an integer ' +
        'in [-2^31, 2^32); minRecordsForStd 0 must be an integer >= 1; maxCurvePoints 1 must be an integer >= 2',
    );
  });

  it('canonicalises the positive label ("1.0" is "1")', () => {
    const accumulator = createAccumulator({ problemType: 'BinaryClassification', positiveLabel: '1.0' });
    accumulator.update(binary('1', '1', 1));
    accumulator.update(binary('0', '1', 2));
    const result = accumulator.result();
    expect(result.extra.positive_label).toBe('1');
    expect(result.scalars.recall!.value).toBe(1);
    expect(result.scalars.precision!.value).toBe(0.5);
  });
});

describe('merge', () => {
  it('refuses another problem type, other options and itself, naming both option sets', () => {
    const a = createAccumulator({ problemType: 'BinaryClassification' });
    expect(() => a.merge(createAccumulator({ problemType: 'Regression' }))).toThrow(MonitorError);
    expect(() => a.merge(createAccumulator({ problemType: 'BinaryClassification', seed: 3 }))).toThrow(
      'metrics: cannot merge an accumulator with options {"problemType":"BinaryClassification","positiveLabel":"1",' +
        '"seed":3,"minRecordsForStd":200,"maxCurvePoints":1000} into one with options {"problemType":' +
        '"BinaryClassification","positiveLabel":"1","seed":0,"minRecordsForStd":200,"maxCurvePoints":1000}; merge ' +
        'only accumulators made by createAccumulator with equal options',
    );
    expect(() => a.merge(a)).toThrow('metrics: an accumulator cannot be merged into itself');
  });
});

describe('result()', () => {
  it('does not change the state: it can be called repeatedly and updates continue', () => {
    const accumulator = createAccumulator({ problemType: 'BinaryClassification', minRecordsForStd: 2 });
    const reference = createAccumulator({ problemType: 'BinaryClassification', minRecordsForStd: 2 });
    const records = [binary('1', '1', 1, 0.9), binary('0', '1', 2, 0.6), binary('0', '0', 3, 0.2), binary('1', '0', 4, 0.4)];
    records.slice(0, 2).forEach((record) => accumulator.update(record));
    const first = accumulator.result();
    expect(accumulator.result()).toEqual(first);
    records.slice(2).forEach((record) => accumulator.update(record));
    records.forEach((record) => reference.update(record));
    expect(accumulator.result()).toEqual(reference.result());
  });
});

describe('degenerate inputs', () => {
  it.each(['BinaryClassification', 'MulticlassClassification', 'Regression'] as const)(
    '%s without records: no scalar, each with the reason',
    (problemType) => {
      const result = createAccumulator({ problemType }).result();
      expect(result.itemCount).toBe(0);
      expect(result.scalars).toEqual({});
      const notComputed = result.extra.not_computed as Record<string, string>;
      expect(notComputed.accuracy ?? notComputed.mae).toBe('no records');
      // No confusion matrix either: `{}` breaks the SageMaker SDK's model-card parser, which skips a missing one.
      expect(result.metrics).toEqual({});
    },
  );

  it('refuses more than MAX_CLASSES distinct labels with an input error, before the dense counts grow past it', () => {
    const accumulator = createAccumulator({ problemType: 'MulticlassClassification' });
    // 2,048 classes fit (1,024 records of two fresh labels each).
    for (let i = 0; i < MAX_CLASSES / 2; i++) accumulator.update({ actual: `a${i}`, predicted: `p${i}`, keyHash: i });
    expect(() => accumulator.update({ actual: 'one more', predicted: 'p0', keyHash: 0 })).toThrow(InputError);
    expect(() => accumulator.update({ actual: 'a0', predicted: 'yet another', keyHash: 0 })).toThrow(/more than 2048 distinct classes.*Check problem_type/);
  });

  it('binary: a label other than the positive one counts as negative, and accuracy needs an exact match', () => {
    const accumulator = createAccumulator({ problemType: 'BinaryClassification' });
    accumulator.update(binary('0', '2', 1)); // a true negative, but not a correct prediction
    accumulator.update(binary('1', '1', 2));
    const result = accumulator.result();
    expect(result.scalars.true_negative_rate!.value).toBe(1);
    expect(result.scalars.accuracy!.value).toBe(0.5);
    expect(result.metrics.confusion_matrix).toEqual({ 0: { 0: 0, 1: 0, 2: 1 }, 1: { 0: 0, 1: 1, 2: 0 }, 2: { 0: 0, 1: 0, 2: 0 } });
  });

  it('binary: the confusion matrix leaves out a positive label that never occurs', () => {
    const accumulator = createAccumulator({ problemType: 'BinaryClassification', positiveLabel: 'yes' });
    accumulator.update(binary('no', 'no', 1));
    expect(accumulator.result().metrics.confusion_matrix).toEqual({ no: { no: 1 } });
  });

  it('binary: non-finite scores count as missing', () => {
    const accumulator = createAccumulator({ problemType: 'BinaryClassification' });
    accumulator.update(binary('1', '1', 1, NaN));
    accumulator.update(binary('0', '0', 2, Infinity));
    expect(accumulator.result().extra).toMatchObject({ scored_item_count: 0 });
  });

  it('regression: observations without two finite numbers are dropped and counted', () => {
    const accumulator = createAccumulator({ problemType: 'Regression' });
    accumulator.update({ actual: '', predicted: '', actualValue: 1, predictedValue: 2, keyHash: 1 });
    accumulator.update({ actual: '', predicted: '', actualValue: NaN, predictedValue: 2, keyHash: 2 });
    accumulator.update({ actual: '', predicted: '', predictedValue: 2, keyHash: 3 });
    const result = accumulator.result();
    expect(result.itemCount).toBe(1);
    expect(result.extra).toMatchObject({
      dropped_non_finite: 2,
      not_computed: { r2: 'r2 needs at least two records (scikit-learn returns NaN)' },
    });
    expect(result.scalars.mae).toEqual({ value: 1, standard_deviation: 'NaN' });
  });

  it('regression: a value that overflows is left out with the reason, never written as null', () => {
    const accumulator = createAccumulator({ problemType: 'Regression' });
    // Σ(y − ȳ)² = 5e-321 (subnormal), so SS_res / SS_tot = 1 / 5e-321 overflows and r2 is −Infinity.
    accumulator.update({ actual: '', predicted: '', actualValue: 1e-160, predictedValue: 1, keyHash: 1 });
    accumulator.update({ actual: '', predicted: '', actualValue: 0, predictedValue: 0, keyHash: 2 });
    const result = accumulator.result();
    expect(result.metrics).not.toHaveProperty('r2');
    expect((result.extra.not_computed as Record<string, string>).r2).toBe(
      'the value is -Infinity: the inputs overflow double precision',
    );
  });

  it('regression: counts the actual values below float64 epsilon that dominate mape', () => {
    const accumulator = createAccumulator({ problemType: 'Regression' });
    accumulator.update({ actual: '', predicted: '', actualValue: 0, predictedValue: 1, keyHash: 1 });
    accumulator.update({ actual: '', predicted: '', actualValue: 2, predictedValue: 1, keyHash: 2 });
    const result = accumulator.result();
    expect(result.extra.mape_actuals_below_epsilon).toBe(1);
    expect(result.scalars.mape!.value).toBe((1 / Number.EPSILON + 0.5) / 2);
  });
});
