import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORY_CAP } from './category-table.ts';
import { FeatureProfile } from './feature-profile.ts';
import { NumberTable } from './number-table.ts';

/** The straightforward table the NumberTable replaced. */
function mapOf(adds: Array<[number, number]>): Map<number, number> {
  const m = new Map<number, number>();
  for (const [x, c] of adds) m.set(x + 0, (m.get(x + 0) ?? 0) + c);
  return m;
}

function entries(t: NumberTable): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  t.forEach((x, c) => out.push([x, c]));
  return out.sort(([a], [b]) => a - b);
}

const key = fc.oneof(
  fc.integer({ min: -50, max: 50 }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 0.1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE),
);

describe('NumberTable', () => {
  it('holds the keys, counts and size a Map holds after any adds (-0 as +0), through growth', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.integer({ min: 1, max: 5 })), { maxLength: 3000 }), (adds) => {
        const t = new NumberTable();
        const m = new Map<number, number>();
        for (const [x, c] of adds) {
          m.set(x + 0, (m.get(x + 0) ?? 0) + c);
          expect(t.add(x, c)).toBe(m.size);
        }
        expect(entries(t)).toEqual([...mapOf(adds)].sort(([a], [b]) => a - b));
        for (const [x, c] of m) expect(t.count(x)).toBe(c);
        expect(t.count(0.5)).toBe(m.get(0.5) ?? 0);
        t.release();
      }),
      { numRuns: 200 },
    );
  });

  it('a table from reused (pooled) buffers starts empty', () => {
    const a = new NumberTable();
    for (let i = 0; i < 5000; i++) a.add(i * 0.25, 1);
    a.release();
    const b = new NumberTable();
    expect(b.size).toBe(0);
    expect(entries(b)).toEqual([]);
    b.add(3, 2);
    expect(entries(b)).toEqual([[3, 2]]);
    b.release();
  });
});

/** The feature's value table as saved, or 'sketch' once it has given way to the HyperLogLog. */
function savedTable(p: FeatureProfile): Array<[number, number]> | 'sketch' {
  const state = p.save();
  if (state.parts?.numberSketch) return 'sketch';
  const values = state.arrays.numberValues as Float64Array;
  const counts = state.arrays.numberCounts as Float64Array;
  return [...values].map((x, i) => [x, counts[i]!]);
}

describe('FeatureProfile value table', () => {
  it('counts exactly what a Map counts and gives way past CATEGORY_CAP distinct values, whatever the split', () => {
    const values = fc.oneof(
      fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 3000 }),
      fc.array(fc.integer({ min: -20, max: 1200 }), { maxLength: 4000 }),
      fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 2500 }),
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 2500 }),
      fc.array(fc.integer({ min: 0, max: 2000 }).map((n) => n / 4), { maxLength: 4000 }),
    );
    fc.assert(
      fc.property(values, fc.nat(), (xs, cut) => {
        const reference = mapOf(xs.map((x) => [x, 1]));
        const expected = reference.size > CATEGORY_CAP ? 'sketch' : [...reference].sort(([a], [b]) => a - b);
        const whole = new FeatureProfile('f');
        for (const x of xs) whole.add(x);
        expect(savedTable(whole)).toEqual(expected);
        const k = xs.length === 0 ? 0 : cut % xs.length;
        const first = new FeatureProfile('f');
        const second = new FeatureProfile('f');
        for (const x of xs.slice(0, k)) first.add(x);
        for (const x of xs.slice(k)) second.add(x);
        first.merge(second);
        second.release();
        expect(savedTable(first)).toEqual(expected);
        expect(first.distinct()).toEqual(whole.distinct());
        expect(FeatureProfile.load(first.save()).summary().categorical).toEqual(whole.summary().categorical);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a saved value table with a zero count or a repeated value', () => {
    const p = new FeatureProfile('f');
    p.add(1);
    p.add(2);
    const state = p.save();
    const zero = { ...state, arrays: { ...state.arrays, numberCounts: Float64Array.of(1, 0) } };
    expect(() => FeatureProfile.load(zero)).toThrow(/bad numeric value table/);
    const repeated = { ...state, arrays: { ...state.arrays, numberValues: Float64Array.of(1, 1) } };
    expect(() => FeatureProfile.load(repeated)).toThrow(/repeats a value/);
  });
});
