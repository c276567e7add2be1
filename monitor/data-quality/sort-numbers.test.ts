import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortNumbers } from './sort-numbers.ts';

describe('sortNumbers', () => {
  it('sorts any prefix like the built-in sort, leaving the rest alone', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 600 }), fc.nat(), (values, cut) => {
        const a = Float64Array.from(values, (v) => v + 0);
        const n = values.length === 0 ? 0 : cut % (values.length + 1);
        const expected = [...Array.from(a.subarray(0, n)).sort((x, y) => x - y), ...Array.from(a.subarray(n))];
        sortNumbers(a, n);
        expect(Array.from(a)).toEqual(expected);
      }),
    );
  });

  it('sorts long prefixes (the radix path) with negatives, subnormals, infinities and duplicates', () => {
    const values = [-Infinity, Infinity, -1e308, 1e308, -5e-324, 5e-324, 0, -2.5, 2.5, 1, 1, -1, 123.456, -0.001];
    const a = Float64Array.from({ length: 2050 }, (_, i) => values[i % values.length]! * (i % 3 === 0 ? 1 : 0.5) + 0);
    const expected = Array.from(a).sort((x, y) => x - y);
    sortNumbers(a, a.length);
    expect(Array.from(a)).toEqual(expected);
  });

  it('sorts whole numbers over a narrow range (the counting path) and falls back past it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: 128, maxLength: 1500 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (values, spread) => {
        for (const scale of [1, spread]) {
          const a = Float64Array.from(values, (v) => ((v * scale) % 2 ** 31) + 0);
          const expected = Array.from(a).sort((x, y) => x - y);
          sortNumbers(a, a.length);
          expect(Array.from(a)).toEqual(expected);
        }
      }),
    );
  });

  it('handles adversarial shapes (sorted, reversed, organ pipe, all equal) of 5,000 items', () => {
    const n = 5000;
    const shapes = [
      (i: number) => i,
      (i: number) => n - i,
      (i: number) => (i < n / 2 ? i : n - i),
      () => 7,
      (i: number) => i % 3,
    ];
    for (const shape of shapes) {
      const a = Float64Array.from({ length: n }, (_, i) => shape(i));
      const expected = Array.from(a).sort((x, y) => x - y);
      sortNumbers(a, n);
      expect(Array.from(a)).toEqual(expected);
    }
  });
});
