import { describe, expect, it } from 'vitest';
import { binIndexEdges, decideCalibration, expectedCalibrationError, rocAuc } from './calibration-decision.ts';
import { createSeededRandom } from './seeded-random.ts';
import { approximateMode, SplitImpossible, stratifiedShuffleSplits } from './stratified-shuffle-split.ts';

describe('binIndexEdges', () => {
  it('makes NannyML\'s equal-count bins, the last one running to the end', () => {
    expect(binIndexEdges(20, 4)).toEqual([[0, 5], [5, 10], [10, 15], [15, 20]]);
    expect(binIndexEdges(25, 10)).toEqual([[0, 2], [2, 4], [4, 6], [6, 8], [8, 10], [10, 12], [12, 14], [14, 16], [16, 18], [18, 20], [20, 22], [22, 25]]);
    expect(binIndexEdges(8, 10)).toEqual([[0, 2], [2, 4], [4, 6], [6, 8]]);
    expect(binIndexEdges(3, 10)).toBeUndefined();
  });
});

describe('expectedCalibrationError', () => {
  it('weighs each bin\'s gap between mean probability and mean target by its records', () => {
    // Sorted: [0.1, 0.2 | 0.7, 0.9]; bins of 2: |0.15 - 0.5| and |0.8 - 0.5|, each weighing 1/2.
    expect(expectedCalibrationError([1, 0, 0, 1], [0.9, 0.2, 0.7, 0.1], [[0, 2], [2, 4]])).toBeCloseTo(0.325, 15);
    expect(expectedCalibrationError([0, 1], [0.0, 1.0], [[0, 1], [1, 2]])).toBe(0);
  });
});

describe('rocAuc', () => {
  it('counts tied scores half, and is NaN with one class', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(rocAuc([0.5, 0.6], [1, 1])).toBeNaN();
  });
});

describe('stratifiedShuffleSplits', () => {
  const targets = Array.from({ length: 103 }, (_, i) => (i % 4 === 0 ? 1 : 0));
  it('takes ceil(10%) of the records as test fold, stratified, disjoint from training', () => {
    const splits = stratifiedShuffleSplits(targets, 10, 0.1, createSeededRandom(42));
    expect(splits).toHaveLength(10);
    for (const { train, test } of splits) {
      expect(test.length).toBe(11);
      expect(train.length).toBe(92);
      expect(new Set([...train, ...test]).size).toBe(103);
      const positives = [...test].filter((i) => targets[i] === 1).length;
      expect(positives === 2 || positives === 3).toBe(true);
    }
    expect(splits[0]!.test).not.toEqual(splits[1]!.test);
  });
  it('refuses a class of one record and folds without one record per class', () => {
    expect(() => stratifiedShuffleSplits([0, 0, 0, 1], 10, 0.1, createSeededRandom(1))).toThrow(SplitImpossible);
    expect(() => stratifiedShuffleSplits([0, 0, 1, 1, 0, 1], 10, 0.1, createSeededRandom(1))).toThrow(/1 test records for 2 classes/);
  });
  it('spreads draws over classes by their shares, remainders to the largest fractions', () => {
    expect(approximateMode([50, 30, 20], 10, createSeededRandom(1))).toEqual([5, 3, 2]);
    // Shares 1.5, 0.9, 0.6: floors 1, 0, 0, then the two largest fractions (as scikit-learn's _approximate_mode).
    expect(approximateMode([5, 3, 2], 3, createSeededRandom(1))).toEqual([1, 1, 1]);
    const tied = approximateMode([1, 1, 1], 2, createSeededRandom(1));
    expect(tied.reduce((a, b) => a + b, 0)).toBe(2);
  });
});

describe('decideCalibration', () => {
  it('says why it cannot test calibration on a tiny reference', () => {
    const decision = decideCalibration([0.1, 0.6, 0.3, 0.7, 0.2], [0, 1, 1, 0, 0]);
    expect(decision).toMatchObject({ calibrate: false, reason: 'too_few_records' });
    expect(decision.detail).toMatch(/^cannot test calibration: 5 records give 4 training and 1 test records for 2 classes/);
  });
  it('reports the errors before and after it compared', () => {
    const random = createSeededRandom(3);
    const scores = Array.from({ length: 1000 }, () => random.next());
    const targets = scores.map((s) => (random.next() < s ** 4 ? 1 : 0));
    const decision = decideCalibration(scores, targets);
    expect(decision.calibrate).toBe(true);
    expect(decision.ece_after!).toBeLessThan(decision.ece_before!);
    expect(decision.auroc!).toBeGreaterThan(0.5);
    expect(decision.detail).toMatch(/^calibration error on 10 held-out folds: 0\.\d+ before, 0\.\d+ after isotonic calibration$/);
  });
});
