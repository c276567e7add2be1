import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GridHistogram, MIN_EXPONENT, TINY } from './grid-histogram.ts';
import { RegressionShape } from './regression-shape.ts';

const value = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.integer({ min: -50, max: 50 }),
  fc.constantFrom(0, -0, 1e-12, 1e300, -1e300, 5e300, Infinity, NaN),
);
const pairs = fc.array(fc.tuple(value, value), { maxLength: 120 });

function fill(dims: 1 | 2, bins: number, points: ReadonlyArray<readonly [number, number]>): GridHistogram {
  const h = new GridHistogram(dims, bins);
  for (const [x, y] of points) h.observe(x, y);
  return h;
}

describe('GridHistogram', () => {
  it('merging chunked histograms equals one pass, for any split', () => {
    fc.assert(
      fc.property(pairs, fc.nat(), fc.constantFrom<1 | 2>(1, 2), fc.integer({ min: 2, max: 12 }), (points, cut, dims, bins) => {
        const at = points.length === 0 ? 0 : cut % (points.length + 1);
        const a = fill(dims, bins, points.slice(0, at));
        a.merge(fill(dims, bins, points.slice(at)));
        expect(a.summary()).toEqual(fill(dims, bins, points).summary());
      }),
    );
  });

  it('does not depend on the order of the values', () => {
    fc.assert(
      fc.property(pairs, fc.constantFrom<1 | 2>(1, 2), (points, dims) => {
        expect(fill(dims, 6, [...points].reverse()).summary()).toEqual(fill(dims, 6, points).summary());
      }),
    );
  });

  it('puts every value in the bin that holds it and keeps at most `bins` bins per axis', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 80 }), (xs) => {
        const s = fill(1, 8, xs.map((x) => [x, 0] as const)).summary();
        const axis = s.axes[0]!;
        expect(axis.bins).toBeLessThanOrEqual(8);
        const counts = s.counts as number[];
        expect(counts.reduce((a, b) => a + b, 0)).toBe(xs.length);
        const expected = new Array<number>(axis.bins).fill(0);
        // Index arithmetic, as the histogram does it: exact, unlike (x - start) / width for tiny x.
        for (const x of xs) expected[Math.floor((Math.abs(x) < TINY ? 0 : x) / axis.width) - Math.round(axis.start / axis.width)]!++;
        expect(counts).toEqual(expected);
      }),
    );
  });

  it('uses the smallest power-of-two width that fits', () => {
    const s = fill(1, 4, [[0, 0], [3.5, 0]]).summary();
    expect(s.axes[0]).toEqual({ start: 0, width: 1, bins: 4 });
    expect(s.counts).toEqual([1, 0, 0, 1]);
    expect(fill(1, 4, [[2, 0]]).summary().axes[0]!.width).toBe(2 ** MIN_EXPONENT);
  });

  it('counts non-finite and huge values as out of range', () => {
    const s = fill(2, 4, [[NaN, 1], [1, Infinity], [2e300, 0], [1, 1]]).summary();
    expect(s).toMatchObject({ total: 1, outOfRange: 3 });
  });

  it('refuses to merge histograms of another shape', () => {
    expect(() => new GridHistogram(1, 4).merge(new GridHistogram(2, 4))).toThrow('cannot merge 2D/4 bins into 1D/4 bins');
  });
});

describe('RegressionShape', () => {
  it('histograms residuals as actual − predicted and pairs as (actual, predicted)', () => {
    const shape = new RegressionShape();
    shape.observe(10, 8);
    shape.observe(10, 12);
    shape.observe(NaN, 1);
    const s = shape.summary();
    expect(s.residuals.total).toBe(2);
    expect(s.residuals.axes[0]!.start).toBe(-2);
    expect(s.actualVsPredicted.total).toBe(2);
    expect(s.actualVsPredicted.axes[0]!.start).toBeLessThanOrEqual(10);
    expect(s.actualVsPredicted.axes[1]!.start).toBeLessThanOrEqual(8);
  });
});
