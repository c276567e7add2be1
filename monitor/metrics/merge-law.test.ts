/**
 * @module The merge law: accumulating chunks separately and merging them, in any order, equals one pass over all the
 * records. Property-tested over random data, random split points and random merge orders, for the three problem
 * types. Classification results are compared exactly (JSON text, so key order too); regression sums are floating
 * point, compared to 1e-12 relative.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAccumulator } from './create-accumulator.ts';
import type { AccumulatorOptions, ModelQualityResult, Observation, ProblemType } from './types.ts';

const keyHash = fc.integer({ min: 0, max: 0xffffffff });
const score = fc.option(
  fc.oneof(fc.constantFrom(0, 0.25, 0.5, 0.75, 1), fc.double({ min: 0, max: 1, noNaN: true })),
  { nil: undefined, freq: 5 },
);
const binaryLabel = fc.oneof({ arbitrary: fc.constantFrom('0', '1'), weight: 9 }, { arbitrary: fc.constant('2'), weight: 1 });
const multiclassLabel = fc.constantFrom('a', 'b', 'c', 'd', '10', '9', 'é', 'Z');
const number = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1000, max: 1000, noNaN: true }),
  fc.constant(0),
);
/** Mostly finite; NaN and infinities exercise the dropped count. */
const regressionValue = fc.oneof({ arbitrary: number, weight: 30 }, { arbitrary: fc.constantFrom(NaN, Infinity), weight: 1 });

const observations: Record<ProblemType, fc.Arbitrary<Observation[]>> = {
  BinaryClassification: fc.array(
    fc.record({ actual: binaryLabel, predicted: binaryLabel, score, keyHash }, { requiredKeys: ['actual', 'predicted', 'keyHash'] }),
    { maxLength: 300 },
  ),
  MulticlassClassification: fc.array(fc.record({ actual: multiclassLabel, predicted: multiclassLabel, keyHash }), {
    maxLength: 300,
  }),
  Regression: fc.array(
    fc.record({
      actual: fc.constant(''),
      predicted: fc.constant(''),
      actualValue: regressionValue,
      predictedValue: regressionValue,
      keyHash,
    }),
    { maxLength: 300 },
  ),
};

/** Options with a small std threshold and few curve points, so both code paths run on small data. */
const options = (problemType: ProblemType): fc.Arbitrary<AccumulatorOptions> =>
  fc.record({
    problemType: fc.constant(problemType),
    positiveLabel: fc.constantFrom('1', '0'),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    minRecordsForStd: fc.integer({ min: 1, max: 40 }),
    maxCurvePoints: fc.integer({ min: 2, max: 50 }),
  });

/** Cuts `records` at the given points (taken modulo the length) and merges the chunks in the given order. */
function chunkedResult(
  settings: AccumulatorOptions,
  records: readonly Observation[],
  cuts: readonly number[],
  order: readonly number[],
): ModelQualityResult {
  const points = [...new Set(cuts.map((cut) => (records.length === 0 ? 0 : cut % (records.length + 1))))].sort((a, b) => a - b);
  const bounds = [0, ...points, records.length];
  const chunks = bounds.slice(1).map((end, i) => {
    const accumulator = createAccumulator(settings);
    for (const record of records.slice(bounds[i], end)) accumulator.update(record);
    return accumulator;
  });
  const ranked = chunks.map((chunk, i) => ({ chunk, rank: order[i % Math.max(order.length, 1)] ?? i })).sort((a, b) => a.rank - b.rank);
  const [target, ...rest] = ranked.map(({ chunk }) => chunk);
  for (const other of rest) target!.merge(other);
  return target!.result();
}

function onePass(settings: AccumulatorOptions, records: readonly Observation[]): ModelQualityResult {
  const accumulator = createAccumulator(settings);
  for (const record of records) accumulator.update(record);
  return accumulator.result();
}

const cuts = fc.array(fc.nat(), { maxLength: 8 });
const order = fc.array(fc.nat(), { maxLength: 9 });

describe('merge law', () => {
  it.each(['BinaryClassification', 'MulticlassClassification'] as const)(
    '%s: chunks merged in any order give exactly the one-pass result',
    (problemType) => {
      fc.assert(
        fc.property(options(problemType), observations[problemType], cuts, order, (settings, records, at, by) => {
          expect(JSON.stringify(chunkedResult(settings, records, at, by))).toBe(JSON.stringify(onePass(settings, records)));
        }),
        { numRuns: 150 },
      );
    },
  );

  it('Regression: chunks merged in any order give the one-pass result to 1e-12', () => {
    const close = (actual: unknown, expected: unknown, scale: number, what: string): void => {
      if (typeof expected !== 'number') return void expect(actual, what).toBe(expected);
      expect(Math.abs((actual as number) - expected), what).toBeLessThanOrEqual(1e-12 * Math.max(1, scale));
    };
    fc.assert(
      fc.property(options('Regression'), observations.Regression, cuts, order, (settings, records, at, by) => {
        const merged = chunkedResult(settings, records, at, by);
        const single = onePass(settings, records);
        expect(merged.itemCount).toBe(single.itemCount);
        expect(merged.extra).toEqual(single.extra);
        expect(Object.keys(merged.metrics)).toEqual(Object.keys(single.metrics));
        for (const [name, value] of Object.entries(single.scalars)) {
          const got = merged.scalars[name]!;
          close(got.value, value.value, Math.abs(value.value), `${name}.value`);
          // Subsample values can be far larger than the full value (r2 of a subsample with a near-constant y); the
          // std is at least their spread, so it bounds their scale.
          const scale = Math.max(Math.abs(value.value), Math.abs(Number(value.standard_deviation)) || 0);
          close(got.standard_deviation, value.standard_deviation, scale, `${name}.standard_deviation`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('remaps label codes when the chunks met the labels in different orders', () => {
    const settings: AccumulatorOptions = { problemType: 'MulticlassClassification', minRecordsForStd: 1 };
    const left = createAccumulator(settings);
    const right = createAccumulator(settings);
    const all = createAccumulator(settings);
    const a: [string, string][] = [['b', 'a'], ['a', 'a'], ['b', 'b']];
    const b: [string, string][] = [['c', 'a'], ['a', 'c'], ['c', 'c'], ['b', 'c']];
    a.forEach(([actual, predicted], i) => left.update({ actual, predicted, keyHash: i }));
    b.forEach(([actual, predicted], i) => right.update({ actual, predicted, keyHash: 100 + i }));
    [...a.map((pair, i) => [pair, i] as const), ...b.map((pair, i) => [pair, 100 + i] as const)].forEach(
      ([[actual, predicted], key]) => all.update({ actual, predicted, keyHash: key }),
    );
    right.merge(left);
    expect(right.result()).toEqual(all.result());
    expect(right.result().metrics.confusion_matrix).toEqual({
      a: { a: 1, b: 0, c: 1 },
      b: { a: 1, b: 1, c: 1 },
      c: { a: 1, b: 0, c: 1 },
    });
  });
});
