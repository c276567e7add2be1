/**
 * @module Accumulators saved as AccumulatorState (structured-cloned, as worker threads and state files carry them),
 * loaded and merged in any order and split give exactly the one-pass result, to the last bit for every problem type:
 * the regression sums are exact (exact-sum.ts), so even regression metrics do not depend on the split.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAccumulator, loadAccumulator } from './create-accumulator.ts';
import type { AccumulatorOptions, ModelQualityAccumulator, Observation, ProblemType } from './types.ts';

const keyHash = fc.integer({ min: 0, max: 0xffffffff });
const label = fc.constantFrom('0', '1', '2', '__proto__', 'é');
const value = fc.oneof(
  { arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }), weight: 20 },
  { arbitrary: fc.constantFrom(1e308, -1e308, 1e-300, NaN), weight: 1 },
);
const observation = (problemType: ProblemType): fc.Arbitrary<Observation> =>
  problemType === 'Regression'
    ? fc.record({ actual: fc.constant(''), predicted: fc.constant(''), actualValue: value, predictedValue: value, keyHash })
    : fc.record(
        { actual: label, predicted: label, keyHash, score: fc.double({ min: 0, max: 1, noNaN: true }) },
        { requiredKeys: ['actual', 'predicted', 'keyHash'] },
      );

function run(options: AccumulatorOptions, records: readonly Observation[]): ModelQualityAccumulator {
  const accumulator = createAccumulator(options);
  for (const record of records) accumulator.update(record);
  return accumulator;
}

describe('saved accumulators', () => {
  it.each(['BinaryClassification', 'MulticlassClassification', 'Regression'] as const)(
    '%s: parts saved, cloned, loaded and merged in a random order equal one pass, bit for bit',
    (problemType) => {
      fc.assert(
        fc.property(
          fc.array(observation(problemType), { maxLength: 250 }),
          fc.array(fc.nat(), { maxLength: 6 }),
          fc.integer({ min: 1, max: 60 }),
          (records, cuts, minRecordsForStd) => {
            const options: AccumulatorOptions = { problemType, positiveLabel: '1', minRecordsForStd, seed: 7 };
            const points = [...new Set(cuts.map((c) => c % (records.length + 1)))].sort((a, b) => a - b);
            const bounds = [0, ...points, records.length];
            const parts = bounds.slice(1).map((end, i) => structuredClone(run(options, records.slice(bounds[i], end)).save()));
            const order = [...parts.keys()].sort((a, b) => ((a * 7919) % 13) - ((b * 7919) % 13));
            const merged = loadAccumulator(parts[order[0]!]!);
            for (const i of order.slice(1)) merged.merge(loadAccumulator(parts[i]!));
            expect(JSON.stringify(merged.result())).toBe(JSON.stringify(run(options, records).result()));
          },
        ),
        { numRuns: 120 },
      );
    },
  );

  it('keeps mae and rmse when one prediction is 1e308, and r2 when both sums exceed the double range', () => {
    const records: Observation[] = [
      { actual: '', predicted: '', actualValue: 1, predictedValue: 1e308, keyHash: 1 },
      { actual: '', predicted: '', actualValue: 2, predictedValue: 2, keyHash: 2 },
      { actual: '', predicted: '', actualValue: 3, predictedValue: 4, keyHash: 3 },
    ];
    const result = run({ problemType: 'Regression' }, records).result();
    expect(result.scalars.mae!.value).toBe(1e308 / 3);
    expect(result.scalars.rmse!.value / (1e308 / Math.sqrt(3))).toBeCloseTo(1, 12);
    // mse is about 3e615 and r2 about -5e615: beyond the double range, said so rather than written as numbers.
    const notComputed = result.extra.not_computed as Record<string, string>;
    expect(result.scalars.mse).toBeUndefined();
    expect(notComputed.mse).toMatch(/overflow/);
    expect(notComputed.r2).toMatch(/overflow/);

    const spread: Observation[] = [1e200, -1e200, 0].map((y, i) => ({ actual: '', predicted: '', actualValue: y, predictedValue: 0, keyHash: i }));
    const wide = run({ problemType: 'Regression' }, spread).result();
    // SS_res = SS_tot = 2e400: each overflows, their ratio does not.
    expect(wide.scalars.r2!.value).toBe(0);
    expect(wide.scalars.mae!.value).toBe(2e200 / 3);
  });

  it('refuses a state of another kind, and one whose parts do not add up', () => {
    const saved = run({ problemType: 'MulticlassClassification' }, [{ actual: 'a', predicted: 'b', keyHash: 1 }]).save();
    expect(() => loadAccumulator({ ...saved, kind: 'kll' })).toThrow(/not a model-quality accumulator state/);
    const counts = saved.parts!.counts!;
    expect(() => loadAccumulator({ ...saved, parts: { ...saved.parts, counts: { ...counts, arrays: { cells: new Float64Array(3) } } } })).toThrow(
      /do not match 3 cells/,
    );
  });
});
