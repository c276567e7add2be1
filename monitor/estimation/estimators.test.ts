/**
 * @module The estimators' state: any split of a window, merged in any order through save and load, gives the same
 * result to the bit; skipped predictions are counted by reason; estimates of other calibrations do not merge.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toPrediction } from '../ingest/explode-response.ts';
import type { CalibrationArtefact } from './calibration-artefact.ts';
import { createEstimator, loadEstimator, type Estimator, type EstimatorOptions } from './create-estimator.ts';
import { renameClass, type EstimationInput } from './estimation-result.ts';
import { fitCalibration } from './fit-calibration.ts';
import { ReferenceSample } from './reference-sample.ts';
import { createSeededRandom } from './seeded-random.ts';

const CLASSES = ['a', 'b', 'c'];

function binaryArtefact(policy: 'always' | 'never' = 'always'): CalibrationArtefact {
  const random = createSeededRandom(5);
  const sample = new ReferenceSample('binary');
  for (let i = 0; i < 500; i++) {
    const score = Math.round(random.next() * 100) / 100;
    sample.add({ actual: random.next() < score * score ? '1' : '0', predicted: score >= 0.5 ? '1' : '0', score });
  }
  return fitCalibration(sample, { positiveLabel: '1', policy });
}

function vectorArtefact(): CalibrationArtefact {
  const random = createSeededRandom(6);
  const sample = new ReferenceSample('multiclass_vectors');
  for (let i = 0; i < 600; i++) {
    const raw = CLASSES.map(() => random.next() + 0.05);
    const total = raw.reduce((a, b) => a + b, 0);
    const vector = raw.map((v) => v / total);
    const best = vector.indexOf(Math.max(...vector));
    sample.add({ actual: CLASSES[random.next() < 0.7 ? best : random.below(3)]!, predicted: CLASSES[best], probabilities: vector });
  }
  return fitCalibration(sample, { classes: CLASSES, policy: 'always' });
}

function topScoreArtefact(): CalibrationArtefact {
  const random = createSeededRandom(7);
  const sample = new ReferenceSample('multiclass_top_score');
  for (let i = 0; i < 400; i++) {
    const score = 0.34 + random.next() * 0.66;
    sample.add({ actual: random.next() < score ? 'a' : 'b', predicted: 'a', score });
  }
  return fitCalibration(sample, { policy: 'always' });
}

const probability = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.5, 1, 0.25));
const vector = fc.array(probability, { minLength: 3, maxLength: 3 });
const prediction: fc.Arbitrary<EstimationInput> = fc.oneof(
  { arbitrary: fc.record({ label: fc.constantFrom('0', '1', 'a', 'b', 'c'), score: probability, probabilities: vector }), weight: 12 },
  { arbitrary: fc.record({ label: fc.constantFrom('0', '1', 'a', 'b', 'c', 'z') }, { requiredKeys: [] }), weight: 1 },
  { arbitrary: fc.record({ label: fc.constantFrom('1', 'a'), score: fc.constantFrom(NaN, 2, -1), probabilities: fc.constant([0.5, 0.5]) }), weight: 1 },
);

const kinds: Array<[string, () => EstimatorOptions]> = [
  ['binary, calibrated', () => ({ problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0', calibration: binaryArtefact() })],
  ['binary, no baseline', () => ({ problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0' })],
  ['vectors, calibrated', () => ({ problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0', calibration: vectorArtefact() })],
  ['top score, calibrated', () => ({ problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0', calibration: topScoreArtefact() })],
  ['multiclass, no baseline', () => ({ problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0', classes: CLASSES })],
];

describe.each(kinds)('the %s estimate', (_name, makeOptions) => {
  const options = makeOptions();
  it('is the same, to the bit, for any split of the window merged through save and load', () => {
    fc.assert(
      fc.property(fc.array(prediction, { maxLength: 150 }), fc.array(fc.nat(), { maxLength: 4 }), (predictions, cuts) => {
        const whole = createEstimator(options)!;
        for (const p of predictions) whole.add(p);
        const points = [...new Set(cuts.map((c) => (predictions.length === 0 ? 0 : c % predictions.length)))].sort((a, b) => a - b);
        const ends = [...points, predictions.length];
        const parts: Estimator[] = ends.map((end, i) => {
          const part = createEstimator(options)!;
          for (const p of predictions.slice(i === 0 ? 0 : ends[i - 1], end)) part.add(p);
          return loadEstimator(part.save(), options);
        });
        const merged = createEstimator(options)!;
        for (const part of parts.reverse()) merged.merge(part);
        expect(JSON.stringify(merged.result())).toBe(JSON.stringify(whole.result()));
        expect(merged.result().predictions).toBe(predictions.length);
      }),
      { numRuns: 60 },
    );
  });

  it('says why nothing is estimated in an empty window', () => {
    const result = createEstimator(options)!.result();
    expect(result.estimated_records).toBe(0);
    expect(result.metrics).toEqual({});
    expect(result.not_estimated.accuracy).toBe('no predictions in the window');
  });
});

describe('vector estimate with the run\'s classes in another order than the calibration\'s', () => {
  it('reads each vector by class name: the same estimate as vectors sent in the calibration\'s order', () => {
    const calibration = vectorArtefact();
    const inOrder = createEstimator({ problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0', calibration })!;
    const reversed = createEstimator({ problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0', calibration, classes: [...CLASSES].reverse() })!;
    const random = createSeededRandom(9);
    for (let i = 0; i < 300; i++) {
      const raw = CLASSES.map(() => random.next() + 0.05);
      const total = raw.reduce((a, b) => a + b, 0);
      const vector = raw.map((v) => v / total);
      const label = CLASSES[vector.indexOf(Math.max(...vector))]!;
      inOrder.add({ label, probabilities: vector });
      reversed.add({ label, probabilities: [...vector].reverse() });
    }
    expect(JSON.stringify(reversed.result())).toBe(JSON.stringify(inOrder.result()));
    expect(inOrder.result().estimated_records).toBe(300);
    expect(() => createEstimator({ problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0', calibration, classes: ['a', 'b', 'z'] })).toThrow("differ from the calibration's classes");
  });

  it('says why nothing was estimated when every predicted label is none of the classes (a run without MPM_CLASS_LABELS)', () => {
    const estimator = createEstimator({ problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0', calibration: vectorArtefact() })!;
    estimator.add({ label: '0', probabilities: [0.7, 0.2, 0.1] });
    estimator.add({ label: '2', probabilities: [0.1, 0.2, 0.7] });
    expect(estimator.result().not_estimated.accuracy).toBe('no prediction in the window could be estimated (skipped: unknown_predicted_class 2; the classes are a, b, c)');
  });
});

describe('binary estimate', () => {
  it('counts the predicted label the realized metrics count: threshold 0.3, and scores that are the predicted label\'s confidence', () => {
    const estimator = createEstimator({ problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0' })!;
    const threshold = { problemType: 'BinaryClassification' as const, positiveLabel: '1', negativeLabel: '0', threshold: 0.3 };
    estimator.add(toPrediction(0, undefined, 0.35, undefined, threshold)); // positive: 0.35 >= 0.3
    const confidence = { problemType: 'BinaryClassification' as const, positiveLabel: '1', negativeLabel: '0', binaryScore: 'predicted' as const };
    estimator.add(toPrediction(1, '0', 0.9, undefined, confidence)); // negative, P(positive) = 0.1
    const matrix = estimator.result().expected_confusion_matrix!;
    expect(matrix['1']!['1']).toBeCloseTo(0.35, 15);
    expect(matrix['0']!['1']).toBeCloseTo(0.65, 15);
    expect(matrix['1']!['0']).toBeCloseTo(0.1, 15);
    expect(matrix['0']!['0']).toBeCloseTo(0.9, 15);
  });

  it('counts skipped predictions by reason and estimates over the rest', () => {
    const estimator = createEstimator({ problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0' })!;
    estimator.add({ label: '1' });
    estimator.add({ score: 0.4 });
    estimator.add({ label: '1', score: 1.5 });
    estimator.add({ label: '1', score: 0.8 });
    const result = estimator.result();
    expect(result.skipped).toEqual({ no_predicted_label: 1, no_score: 1, score_out_of_range: 1 });
    expect(result.predictions).toBe(4);
    expect(result.estimated_records).toBe(1);
    expect(result.metrics.accuracy!.value).toBeCloseTo(0.8, 15);
    // One score: one step of 0.8 expected positives and 0.2 negatives, the diagonal.
    expect(result.metrics.auc!.value).toBe(0.5);
    expect(result.calibration_source).toBe('none');
    expect(result.metrics.accuracy!.standard_error_method).toBe('plug_in_binomial');
  });

  it('renames a class of the expected confusion matrix, in label order, and leaves the rest as it was', () => {
    const estimator = createEstimator({ problemType: 'BinaryClassification', positiveLabel: 'spam', negativeLabel: 'not spam' })!;
    estimator.add({ label: 'spam', score: 0.75 });
    estimator.add({ label: 'not spam', score: 0.25 });
    const before = estimator.result();
    expect(Object.keys(before.expected_confusion_matrix!)).toEqual(['not spam', 'spam']);
    const after = renameClass(before, 'not spam', 'ham');
    // "ham" sorts before "spam" as "not spam" did; a name after it moves it last.
    expect(Object.keys(after.expected_confusion_matrix!)).toEqual(['ham', 'spam']);
    expect(after.expected_confusion_matrix!['ham']).toEqual({ ham: 0.75, spam: 0.25 });
    expect(Object.keys(renameClass(before, 'not spam', 'valid').expected_confusion_matrix!)).toEqual(['spam', 'valid']);
    expect(Object.keys(renameClass(before, 'not spam', 'valid').expected_confusion_matrix!['spam']!)).toEqual(['spam', 'valid']);
    expect({ ...after, expected_confusion_matrix: undefined }).toEqual({ ...before, expected_confusion_matrix: undefined });
    expect(renameClass(before, 'absent', 'x')).toBe(before);
  });

  it('with a calibration map, reads any finite score (margins too)', () => {
    const estimator = createEstimator({ problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0', calibration: binaryArtefact() })!;
    estimator.add({ label: '1', score: 7.5 });
    expect(estimator.result().estimated_records).toBe(1);
  });
});

describe('multiclass estimate', () => {
  it('skips predictions of unknown classes, without vectors or with vectors of another length', () => {
    const estimator = createEstimator({ problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0', calibration: vectorArtefact() })!;
    estimator.add({ label: 'z', probabilities: [0.2, 0.3, 0.5] });
    estimator.add({ label: 'a', score: 0.6 });
    estimator.add({ label: 'a', probabilities: [0.5, 0.5] });
    estimator.add({ label: 'a', probabilities: [0.5, NaN, 0.5] });
    estimator.add({ label: 'c', probabilities: [0.2, 0.3, 0.5] });
    const result = estimator.result();
    expect(result.skipped).toEqual({ unknown_predicted_class: 1, no_probabilities: 1, probabilities_length_mismatch: 1, invalid_probabilities: 1 });
    expect(result.estimated_records).toBe(1);
    expect(result.mode).toBe('multiclass_vectors');
  });

  it('without a baseline uses the vectors when the responses carry them, the top score otherwise', () => {
    const options: EstimatorOptions = { problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0' };
    const withVectors = createEstimator(options)!;
    withVectors.add({ label: '2', score: 0.5, probabilities: [0.2, 0.3, 0.5] });
    const vectorResult = withVectors.result();
    expect(vectorResult.mode).toBe('multiclass_vectors');
    expect(Object.keys(vectorResult.expected_confusion_matrix!)).toEqual(['0', '1', '2']);
    const topOnly = createEstimator(options)!;
    topOnly.add({ label: 'cat', score: 0.75 });
    const topResult = topOnly.result();
    expect(topResult.mode).toBe('multiclass_top_score');
    expect(topResult.metrics.accuracy!.value).toBe(0.75);
    expect(topResult.not_estimated.weighted_f1).toMatch(/^the responses give only the predicted label's probability/);
    // A worker that saw vectors and one that did not merge into the vector estimate.
    topOnly.merge(loadEstimator(withVectors.save(), options));
    expect(topOnly.result().mode).toBe('multiclass_vectors');
  });

  it('without a baseline keeps the vector length that covers the most predictions, counting the others as skipped', () => {
    const options: EstimatorOptions = { problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0' };
    const estimator = createEstimator(options)!;
    estimator.add({ label: '0', probabilities: [0.9, 0.1] });
    for (let i = 0; i < 3; i++) estimator.add({ label: '2', probabilities: [0.1, 0.2, 0.7] });
    estimator.add({ label: '1' });
    const result = estimator.result();
    expect(Object.keys(result.expected_confusion_matrix!)).toEqual(['0', '1', '2']);
    expect(result.estimated_records).toBe(3);
    expect(result.predictions).toBe(5);
    expect(result.skipped).toEqual({ no_probabilities: 1, probabilities_length_mismatch: 1 });
  });

  it('keeps labels that are object keys elsewhere as plain data', () => {
    const estimator = createEstimator({ problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0', classes: ['__proto__', 'constructor'] })!;
    estimator.add({ label: '__proto__', probabilities: [0.8, 0.2] });
    const matrix = estimator.result().expected_confusion_matrix!;
    expect(Object.keys(matrix)).toEqual(['__proto__', 'constructor']);
    expect(JSON.parse(JSON.stringify(matrix))).toEqual(JSON.parse('{"__proto__": {"__proto__": 0.8, "constructor": 0}, "constructor": {"__proto__": 0.2, "constructor": 0}}'));
  });
});

describe('estimates of different calibrations', () => {
  it('do not merge, and a saved state does not load under another calibration', () => {
    const calibrated: EstimatorOptions = { problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0', calibration: binaryArtefact('always') };
    const plain: EstimatorOptions = { ...calibrated, calibration: binaryArtefact('never') };
    expect(() => createEstimator(calibrated)!.merge(createEstimator(plain)!)).toThrow(/cannot merge binary estimators made with different calibrations/);
    expect(() => loadEstimator(createEstimator(calibrated)!.save(), plain)).toThrow(/made with another calibration/);
    expect(() => createEstimator(calibrated)!.merge(createEstimator({ ...calibrated, problemType: 'MulticlassClassification', calibration: topScoreArtefact() })!)).toThrow(/different kinds/);
  });

  it('refuses a saved state with corrupt counts', () => {
    const options: EstimatorOptions = { problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0' };
    const state = createEstimator(options)!.save();
    state.arrays.predicted = new Float64Array([1.5, 0]);
    expect(() => loadEstimator(state, options)).toThrow(/lacks its counts, sums or scores/);
    const skipped = createEstimator(options)!.save();
    skipped.arrays.skipped = new Float64Array(3);
    expect(() => loadEstimator(skipped, options)).toThrow(/has 3 skip counts, expected 8 non-negative integers/);
  });

  it('regression has no estimator, and an unknown state is refused', () => {
    expect(createEstimator({ problemType: 'Regression', positiveLabel: '1', negativeLabel: '0' })).toBeUndefined();
    expect(() => loadEstimator({ kind: 'mq.binary', version: 1, meta: null, arrays: {} }, { problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0' })).toThrow(/"mq.binary" is not an estimate/);
  });
});
