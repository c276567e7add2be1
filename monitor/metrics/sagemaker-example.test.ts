/**
 * @module The SageMaker documentation's binary example and the SageMaker SDK's model-quality samples, reproduced as
 * far as their data allows (see test/fixtures/metrics/sagemaker/SOURCE.md).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildStatistics } from './build-statistics.ts';
import { createAccumulator } from './create-accumulator.ts';
import { metricNames, sectionKeys } from './metric-names.ts';
import type { MetricValue, ModelQualityResult } from './types.ts';

const SAMPLES = fileURLToPath(new URL('../../test/fixtures/metrics/sagemaker/', import.meta.url));
const readSample = (file: string): Record<string, Record<string, unknown>> =>
  JSON.parse(readFileSync(SAMPLES + file, 'utf8')) as Record<string, Record<string, unknown>>;

const docs = readSample('docs-binary-example.json').binary_classification_metrics!;
const sdk = readSample('model_monitor_model_quality_binary_classification.json').binary_classification_metrics!;
const CURVES_AND_AUC = new Set(['receiver_operating_characteristic_curve', 'precision_recall_curve', 'auc']);

/** The 4 records of the example's confusion matrix {"0":{"0":1,"1":2},"1":{"0":0,"1":1}}, without scores. */
function matrixExample(): ModelQualityResult {
  const accumulator = createAccumulator({ problemType: 'BinaryClassification' });
  const records: [string, string][] = [
    ['0', '0'],
    ['0', '1'],
    ['0', '1'],
    ['1', '1'],
  ];
  records.forEach(([actual, predicted], keyHash) => accumulator.update({ actual, predicted, keyHash }));
  return accumulator.result();
}

/** Scores that draw the example's curves: 4 positives ranked above every negative. */
function curveExample(): ModelQualityResult {
  const accumulator = createAccumulator({ problemType: 'BinaryClassification' });
  [0.9, 0.8, 0.7, 0.6].forEach((score, keyHash) => accumulator.update({ actual: '1', predicted: '1', score, keyHash }));
  for (let i = 0; i < 3; i++) accumulator.update({ actual: '0', predicted: '0', score: 0.1, keyHash: 10 + i });
  return accumulator.result();
}

describe('the SageMaker documentation binary example', () => {
  const result = matrixExample();

  it('reproduces the confusion matrix with string keys, [actual][predicted]', () => {
    expect(result.metrics.confusion_matrix).toEqual(docs.confusion_matrix);
  });

  it('reproduces every value derived from the matrix to the last bit, best constant classifiers included', () => {
    for (const [name, expected] of Object.entries(docs)) {
      if (name === 'confusion_matrix' || CURVES_AND_AUC.has(name)) continue;
      expect(result.metrics[name], name).toStrictEqual(expected);
    }
  });

  it('reproduces the curves and auc = 1 from scores that rank the 4 positives first', () => {
    const scored = curveExample();
    expect(scored.metrics.receiver_operating_characteristic_curve).toStrictEqual(
      docs.receiver_operating_characteristic_curve,
    );
    expect(scored.metrics.precision_recall_curve).toStrictEqual(docs.precision_recall_curve);
    expect(scored.metrics.auc).toStrictEqual(docs.auc);
    expect(scored.scalars.au_prc).toStrictEqual({ value: 1, standard_deviation: 'NaN' });
  });

  it('writes its keys in the documented order (au_prc, which the docs do not list, after auc)', () => {
    const documented = Object.keys(docs);
    expect(sectionKeys('BinaryClassification').filter((key) => key !== 'au_prc')).toEqual(documented);
  });

  it('leaves out auc and the curves without scores, and says why', () => {
    for (const name of [...CURVES_AND_AUC, 'au_prc']) expect(result.metrics).not.toHaveProperty(name);
    expect(result.extra.not_computed).toEqual({
      auc: 'no scores in the responses',
      au_prc: 'no scores in the responses',
      receiver_operating_characteristic_curve: 'no scores in the responses',
      precision_recall_curve: 'no scores in the responses',
    });
  });
});

describe('the SageMaker SDK model-quality samples', () => {
  it('binary: every key of the sample is a key of our section', () => {
    const ours = new Set(sectionKeys('BinaryClassification'));
    for (const key of Object.keys(sdk)) expect(ours.has(key), key).toBe(true);
  });

  it('binary: the matrix-derived values agree with the 14 printed decimals of the sample', () => {
    const result = matrixExample();
    for (const [name, expected] of Object.entries(sdk)) {
      if (name === 'confusion_matrix' || CURVES_AND_AUC.has(name)) continue;
      expect((result.metrics[name] as MetricValue).value, name).toBeCloseTo((expected as MetricValue).value, 13);
    }
  });

  it('binary: the curves and auc of the sample come from the scored data set', () => {
    const scored = curveExample();
    expect(scored.metrics.receiver_operating_characteristic_curve).toEqual(sdk.receiver_operating_characteristic_curve);
    expect(scored.metrics.precision_recall_curve).toEqual(sdk.precision_recall_curve);
    expect((scored.metrics.auc as MetricValue).value).toBe((sdk.auc as MetricValue).value);
  });

  it('binary: below 200 records the standard deviation is "NaN" (the sample\'s 0.2 and 0.1 beside 4 records are hand-edited)', () => {
    expect((sdk.accuracy_best_constant_classifier as MetricValue).standard_deviation).toBe(0.2);
    for (const value of Object.values(matrixExample().scalars)) expect(value.standard_deviation).toBe('NaN');
  });

  it('regression: statistics.json has the sample\'s envelope and metric names (plus mape and our extra section)', () => {
    const sample = readSample('model_monitor_model_quality_regression.json');
    const accumulator = createAccumulator({ problemType: 'Regression' });
    for (let i = 0; i < 10; i++) accumulator.update({ actual: '', predicted: '', actualValue: i, predictedValue: i + 0.5, keyHash: i });
    const statistics = buildStatistics(accumulator.result(), new Date(Date.UTC(2023, 2, 30, 21, 8, 34, 729)));
    expect(Object.keys(statistics)).toEqual([...Object.keys(sample), 'mpm_extra_metrics']);
    expect(statistics.version).toBe(sample.version);
    expect(statistics.dataset.evaluation_time).toBe(sample.dataset!.evaluation_time);
    expect(Object.keys(statistics.regression_metrics!)).toEqual([...Object.keys(sample.regression_metrics!), 'mape']);
    expect(metricNames('Regression')).toEqual(Object.keys(statistics.regression_metrics!));
  });
});
