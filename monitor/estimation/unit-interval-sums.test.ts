import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSum } from '../metrics/exact-sum.ts';
import { UnitIntervalSums } from './unit-interval-sums.ts';

/** Probabilities across every band: ordinary, tiny, subnormal, 0 and 1. */
const probability = fc.oneof(
  { arbitrary: fc.double({ min: 0, max: 1, noNaN: true }), weight: 6 },
  { arbitrary: fc.double({ min: 0, max: 2 ** -60, noNaN: true }), weight: 2 },
  { arbitrary: fc.constantFrom(0, 1, 2 ** -1074, 2 ** -1022, 2 ** -64, 2 ** -64 - 2 ** -117, 0.1, 1 - 2 ** -53), weight: 2 },
);

describe('UnitIntervalSums', () => {
  it('gives the bits ExactSum gives, for any split and merge order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), probability), { maxLength: 200 }), fc.array(fc.nat(), { maxLength: 4 }), (adds, cuts) => {
        const reference = [new ExactSum(), new ExactSum(), new ExactSum()];
        const whole = new UnitIntervalSums(3);
        for (const [cell, x] of adds) {
          reference[cell]!.add(x);
          whole.add(cell, x);
        }
        const points = [...new Set(cuts.map((c) => (adds.length === 0 ? 0 : c % adds.length)))].sort((a, b) => a - b);
        const parts = [0, ...points, adds.length].slice(1).map((end, i, ends) => {
          const part = new UnitIntervalSums(3);
          for (const [cell, x] of adds.slice(i === 0 ? 0 : ends[i - 1], end)) part.add(cell, x);
          return part;
        });
        const merged = new UnitIntervalSums(3);
        for (const part of parts.reverse()) merged.merge(UnitIntervalSums.load(part.save()));
        for (let cell = 0; cell < 3; cell++) {
          expect(Object.is(whole.value(cell), reference[cell]!.value())).toBe(true);
          expect(Object.is(merged.value(cell), reference[cell]!.value())).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('stays exact past the limb folds (many additions to one cell)', () => {
    const sums = new UnitIntervalSums(1);
    const reference = new ExactSum();
    for (let i = 0; i < 100_000; i++) {
      const x = ((i * 2654435761) % 1000003) / 1000003;
      sums.add(0, x);
      reference.add(x);
      sums.add(0, 1);
      reference.add(1);
    }
    expect(sums.value(0)).toBe(reference.value());
  });

  it('refuses values outside [0, 1], merges of other sizes and corrupt states', () => {
    const sums = new UnitIntervalSums(2);
    expect(() => sums.add(0, 1.5)).toThrow(/1.5 is outside \[0, 1\]/);
    expect(() => sums.add(0, NaN)).toThrow(/NaN is outside/);
    expect(() => sums.merge(new UnitIntervalSums(3))).toThrow(/cannot merge 3 cells into 2/);
    expect(() => UnitIntervalSums.load({ kind: 'estimation.unit-interval-sums', version: 1, meta: { cells: 1, totals: ['-1'] }, arrays: {} })).toThrow(/total 0 is not a hexadecimal count/);
    expect(() => UnitIntervalSums.load({ kind: 'exact-sum', version: 1, meta: null, arrays: {} })).toThrow(/expected a estimation.unit-interval-sums state/);
  });
});
