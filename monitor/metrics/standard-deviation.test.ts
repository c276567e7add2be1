/**
 * @module standard_deviation: "NaN" below minRecordsForStd, otherwise the population standard deviation over the 5
 * subsamples, which depend only on the record keys and the seed (not on order, chunking or runs).
 */
import { describe, expect, it } from 'vitest';
import { createAccumulator } from './create-accumulator.ts';
import { populationStd } from './math.ts';
import { SUBSAMPLE_COUNT, subsampleMask } from './subsample.ts';
import type { AccumulatorOptions, ModelQualityResult, Observation, ProblemType } from './types.ts';
import { mulberry32 as random } from '../../test/helpers/mulberry32.ts';

function dataset(problemType: ProblemType, n: number, seed = 1): Observation[] {
  const next = random(seed);
  return Array.from({ length: n }, (_, i) => {
    const keyHash = Math.floor(next() * 2 ** 32);
    if (problemType === 'Regression') {
      const actualValue = next() * 10;
      return { actual: '', predicted: '', actualValue, predictedValue: actualValue + next() - 0.5, keyHash };
    }
    const classes = problemType === 'BinaryClassification' ? 2 : 4;
    const actual = String(Math.floor(next() * classes));
    const predicted = next() < 0.7 ? actual : String(Math.floor(next() * classes));
    const score = Number(actual) === 1 ? 0.3 + 0.7 * next() : 0.8 * next();
    return { actual, predicted, score: Math.round(score * 100) / 100, keyHash: keyHash ^ i };
  });
}

function run(options: AccumulatorOptions, observations: readonly Observation[], chunks = 1): ModelQualityResult {
  const accumulators = Array.from({ length: chunks }, () => createAccumulator(options));
  observations.forEach((observation, i) => accumulators[i % chunks]!.update(observation));
  const [first, ...rest] = accumulators;
  for (const other of rest.reverse()) first!.merge(other);
  return first!.result();
}

const PROBLEMS: ProblemType[] = ['BinaryClassification', 'MulticlassClassification', 'Regression'];

describe.each(PROBLEMS)('%s standard deviations', (problemType) => {
  it('are "NaN" with 199 records and numbers from 200', () => {
    const small = run({ problemType }, dataset(problemType, 199));
    for (const value of Object.values(small.scalars)) expect(value.standard_deviation).toBe('NaN');
    const enough = run({ problemType }, dataset(problemType, 200));
    for (const [name, value] of Object.entries(enough.scalars)) {
      expect(typeof value.standard_deviation, name).toBe('number');
    }
  });

  it('are the same on every run, for any record order and chunking', () => {
    const observations = dataset(problemType, 1000, 7);
    const once = run({ problemType }, observations);
    expect(run({ problemType }, observations)).toEqual(once);
    const shuffled = [...observations].sort((a, b) => a.keyHash - b.keyHash);
    const chunked = run({ problemType }, shuffled, 7);
    if (problemType !== 'Regression') {
      expect(chunked).toEqual(once);
      return;
    }
    for (const [name, value] of Object.entries(once.scalars)) {
      expect(chunked.scalars[name]!.value).toBeCloseTo(value.value, 12);
      expect(chunked.scalars[name]!.standard_deviation).toBeCloseTo(value.standard_deviation as number, 12);
    }
  });

  it('change with the seed while the values do not', () => {
    const observations = dataset(problemType, 600, 3);
    const a = run({ problemType, seed: 1 }, observations);
    const b = run({ problemType, seed: 2 }, observations);
    const name = problemType === 'Regression' ? 'mae' : 'accuracy';
    expect(b.scalars[name]!.value).toBeCloseTo(a.scalars[name]!.value, 12);
    expect(b.scalars[name]!.standard_deviation).not.toBe(a.scalars[name]!.standard_deviation);
  });

  it('follow minRecordsForStd', () => {
    const result = run({ problemType, minRecordsForStd: 10 }, dataset(problemType, 10));
    expect(typeof result.scalars[problemType === 'Regression' ? 'mae' : 'accuracy']!.standard_deviation).toBe('number');
  });
});

describe('the standard deviation itself', () => {
  it('is the population standard deviation (ddof = 0) of the metric on the 5 subsamples', () => {
    const observations = dataset('MulticlassClassification', 500, 11);
    const accuracies = Array.from({ length: SUBSAMPLE_COUNT }, (_, j) => {
      const members = observations.filter((o) => (subsampleMask(o.keyHash, 0) >>> j) & 1);
      return members.filter((o) => o.actual === o.predicted).length / members.length;
    });
    const result = run({ problemType: 'MulticlassClassification' }, observations);
    expect(result.scalars.accuracy!.standard_deviation).toBe(populationStd(accuracies));
  });

  it("stays finite for finite subsample values whose squares overflow (mse near 1e300), as numpy's std of the scaled values", () => {
    const values = [1.058e300, 0.855e300, 1.055e300, 1.01e300, 0.964e300];
    const scaled = values.map((v) => v / 1e300);
    const mean = scaled.reduce((a, b) => a + b, 0) / scaled.length;
    const expected = Math.sqrt(scaled.reduce((a, v) => a + (v - mean) ** 2, 0) / scaled.length) * 1e300;
    expect(populationStd(values) / expected).toBeCloseTo(1, 12);
    // Ordinary values keep the plain computation's bits; an infinite value still gives a non-finite result.
    expect(populationStd([1, 2, 3, 4])).toBe(Math.sqrt(1.25));
    expect(Number.isFinite(populationStd([1, Infinity]))).toBe(false);
  });

  it('is "NaN" for a metric a subsample cannot compute (AUC without a positive record)', () => {
    // One positive record, kept out of subsample 0: every subsample has recall (0 by convention), only 4 have an AUC.
    let keyHash = 0;
    while (subsampleMask(keyHash, 0) & 1) keyHash++;
    const accumulator = createAccumulator({ problemType: 'BinaryClassification' });
    accumulator.update({ actual: '1', predicted: '1', score: 0.9, keyHash });
    for (let i = 0; i < 300; i++) {
      accumulator.update({ actual: '0', predicted: '0', score: (i % 9) / 10, keyHash: 100_000 + i });
    }
    const result = accumulator.result();
    expect(result.scalars.auc).toEqual({ value: 1, standard_deviation: 'NaN' });
    expect(typeof result.scalars.recall!.standard_deviation).toBe('number');
  });
});
