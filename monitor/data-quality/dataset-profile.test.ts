import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetProfile, type DatasetSummary } from './dataset-profile.ts';
import type { FeatureSummary } from './feature-profile.ts';
import { HyperLogLog } from './hyperloglog.ts';
import { hashNumber } from './value-hash.ts';
import { KIND, numberKind, textKind } from './value-type.ts';

type Row = { names: string[]; values: unknown[] };

function profileOf(rows: Row[], options?: ConstructorParameters<typeof DatasetProfile>[0]): DatasetProfile {
  const p = new DatasetProfile(options);
  for (const r of rows) p.addRow(r.names, r.values);
  return p;
}

/** Everything exact in a summary; the sketch compared separately. */
function exactPart(s: DatasetSummary): unknown {
  return {
    ...s,
    features: s.features.map((f: FeatureSummary) => ({ ...f, numeric: f.numeric && { ...f.numeric, sketch: f.numeric.sketch.count() } })),
  };
}

const NAMES = ['age', 'city', 'score', 'flag', 'mixed'];

const value = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.constantFrom('Paris', 'Oslo', 'Lima', '42', '-3.5', 'true', 'false', '', 'N/A', '1e3', '042', '42.0', '1000'),
  fc.boolean(),
);
const row = fc.record({
  pick: fc.array(fc.boolean(), { minLength: NAMES.length, maxLength: NAMES.length }),
  values: fc.array(value, { minLength: NAMES.length, maxLength: NAMES.length }),
}).map(({ pick, values }): Row => {
  const names: string[] = [];
  const vals: unknown[] = [];
  NAMES.forEach((n, i) => {
    if (pick[i]) {
      names.push(n);
      vals.push(values[i]);
    }
  });
  return { names, values: vals };
});

describe('DatasetProfile', () => {
  it('types JSON numbers a batch at a time and numeric text by its text, whatever the batch boundaries', () => {
    // JSON numbers (whole, fractional, -0, large) and numeric text ("3.0" is Fractional text) in one column, over
    // several 1,024-value batches; the counts are read before and after batches end.
    const values: unknown[] = [];
    for (let i = 0; i < 5000; i++) {
      const r = (i * 7919) % 13;
      values.push(r === 0 ? -0 : r === 1 ? '3.0' : r === 2 ? String(i) : r === 3 ? i + 0.5 : r === 4 ? 2 ** 40 + i : r === 5 ? `${i}.25` : r === 6 ? 1e300 : r === 7 ? -i : i);
    }
    const expected = { integral: 0, fractional: 0, boolean: 0, string: 0, integralText: 0 };
    const p = new DatasetProfile();
    values.forEach((v, i) => {
      const kind = typeof v === 'number' ? numberKind(v) : textKind(v as string);
      if (kind === KIND.integral) expected.integral++;
      else expected.fractional++;
      if (kind === KIND.integral && typeof v === 'string') expected.integralText++;
      p.addRow(['x'], [v]);
      if (i % 997 === 0 || i === 1023 || i === 1024) expect(p.feature('x')!.counts).toEqual(expected);
    });
    expect(expected.integral).toBeGreaterThan(0);
    expect(expected.fractional).toBeGreaterThan(0);
    expect(p.feature('x')!.present).toBe(values.length);
    const whole = new DatasetProfile();
    whole.merge(p);
    expect(whole.summary().features[0]!.counts).toEqual(expected);
  });

  it('counts present and missing values and types each one as Deequ does', () => {
    const p = profileOf([
      { names: ['a', 'b', 'c'], values: [1, 'x', true] },
      { names: ['a', 'b', 'c'], values: ['2', null, 'false'] },
      { names: ['a', 'b'], values: [2.5, 'y'] },
      { names: ['b', 'c'], values: ['3', 5] },
    ]);
    const s = p.summary();
    expect(s.itemCount).toBe(4);
    const [a, b, c] = s.features;
    expect(a).toMatchObject({ name: 'a', deequType: 'Fractional', inferredType: 'Fractional', present: 3, occurrences: 3, counts: { integral: 2, fractional: 1, boolean: 0, string: 0, integralText: 1 } });
    expect(a!.numeric).toMatchObject({ count: 3, sum: 5.5, min: 1, max: 2.5 });
    // "3" is Integral text, mixed with strings: String.
    expect(b).toMatchObject({ deequType: 'String', present: 3, counts: { string: 2, integral: 1 } });
    expect(b!.categorical!.buckets).toEqual([
      { value: '3', count: 1 },
      { value: 'x', count: 1 },
      { value: 'y', count: 1 },
    ]);
    // Booleans mixed with a number: String; the booleans are categories "true" and "false".
    expect(c).toMatchObject({ deequType: 'String', inferredType: 'String', counts: { boolean: 2, integral: 1 } });
    expect(b!.distinct).toBe(3);
  });

  it('types a feature of JSON booleans as Boolean, written as String', () => {
    const s = profileOf([{ names: ['ok'], values: [true] }, { names: ['ok'], values: ['false'] }]).summary();
    expect(s.features[0]).toMatchObject({ deequType: 'Boolean', inferredType: 'String', categorical: { buckets: [{ value: 'false', count: 1 }, { value: 'true', count: 1 }], approximate: false } });
  });

  it('computes population std_dev and exact sums', () => {
    const s = profileOf([1, 2, 3, 4].map((v) => ({ names: ['x'], values: [v] }))).summary();
    expect(s.features[0]!.numeric).toMatchObject({ count: 4, sum: 10, mean: 2.5, stdDev: Math.sqrt(1.25), min: 1, max: 4 });
    // 0.1 + 0.2 + 0.3 summed exactly, then rounded once.
    const t = profileOf([0.1, 0.2, 0.3].map((v) => ({ names: ['x'], values: [v] }))).summary();
    expect(t.features[0]!.numeric!.sum).toBe(0.6);
  });

  it('gives mean and std_dev of values past 1e154, whose squares or sum pass Number.MAX_VALUE while the results fit', () => {
    const wide = profileOf([1e200, -1e200, 3e200].map((v) => ({ names: ['x'], values: [v] }))).summary().features[0]!.numeric!;
    expect(wide.sum).toBe(3e200);
    expect(wide.mean).toBe(1e200);
    expect(wide.stdDev / (Math.sqrt(8 / 3) * 1e200)).toBeCloseTo(1, 14);
    // The sum itself is past the largest double (written as null); mean and std_dev are not.
    const huge = profileOf([1.7e308, 1.7e308, 1.6e308].map((v) => ({ names: ['x'], values: [v] }))).summary().features[0]!.numeric!;
    expect(huge.sum).toBe(Infinity);
    expect(huge.mean / ((1.7e308 / 3) * 2 + 1.6e308 / 3)).toBeCloseTo(1, 14);
    expect(huge.stdDev / (Math.sqrt(2 / 9) * 1e307)).toBeCloseTo(1, 12);
  });

  it('treats bad values as data: wrong types, non-numeric text, a column twice, objects', () => {
    const p = profileOf([
      { names: ['n', 'n'], values: [1, 2] },
      { names: ['n'], values: ['abc'] },
      { names: ['n'], values: [{ nested: 1 }] },
      { names: ['n'], values: [Infinity] },
    ]);
    p.countProblem('row_width_mismatch');
    const s = p.summary();
    expect(s.duplicateValues).toBe(1);
    expect(s.features[0]).toMatchObject({ deequType: 'String', present: 4, counts: { integral: 1, string: 3 } });
    expect(s.features[0]!.categorical!.buckets.map((b) => b.value)).toEqual(['1', 'Infinity', 'abc', '{"nested":1}']);
    expect(s.problems).toEqual({ row_width_mismatch: 1 });
  });

  it('keeps the spelling of numeric text in the categories and distinct count of a String feature ("05" is not "5")', () => {
    const rows = ['05', '5', '5.0', '5', 'abc', '+5', '007', ' 7', '7', '1e3', '1000'].map((v): Row => ({ names: ['zip'], values: [v] }));
    const whole = profileOf(rows);
    const f = whole.summary().features[0]!;
    expect(f.deequType).toBe('String');
    expect(new Map(f.categorical!.buckets.map((b) => [b.value, b.count]))).toEqual(
      new Map([['5', 2], ['05', 1], ['5.0', 1], ['+5', 1], ['abc', 1], ['007', 1], [' 7', 1], ['7', 1], ['1e3', 1], ['1000', 1]]),
    );
    expect(f.distinct).toBe(10);
    // Halves merged, and a saved and loaded profile, give the same.
    const merged = profileOf(rows.slice(0, 4));
    merged.merge(profileOf(rows.slice(4)));
    expect(exactPart(merged.summary())).toEqual(exactPart(whole.summary()));
    expect(exactPart(DatasetProfile.load(merged.save()).summary())).toEqual(exactPart(whole.summary()));
    // A numeric feature keeps counting by value.
    const numeric = profileOf(['05', '5', '5.0'].map((v): Row => ({ names: ['n'], values: [v] }))).summary().features[0]!;
    expect(numeric).toMatchObject({ deequType: 'Fractional', distinct: 1 });
    expect(numeric.categorical!.buckets).toEqual([{ value: '05', count: 1 }, { value: '5', count: 1 }, { value: '5.0', count: 1 }]);
  });

  it('profiles at most maxFeatures columns; values of further columns are counted, not profiled', () => {
    const p = new DatasetProfile({ maxFeatures: 3, columns: ['keep'] });
    for (let i = 0; i < 50; i++) p.addRow([`k${i}`, 'keep', `k${i + 1}`], [i, i, null]);
    const s = p.summary();
    expect(s.features.map((f) => f.name)).toEqual(['keep', 'k0', 'k1']);
    expect(s.unprofiled.columns).toBe(49);
    expect(s.unprofiled.values).toBe(48);
    expect(s.unprofiled.examples.length).toBe(10);
  });

  it('lists preset (baseline) columns first and leaves out columns never seen', () => {
    const s = profileOf([{ names: ['b', 'z'], values: [1, 2] }], { columns: ['a', 'b'] }).summary();
    expect(s.features.map((f) => f.name)).toEqual(['b', 'z']);
  });

  it('merging the profiles of two halves equals the profile of the whole (counts, sums, min, max exact; quantiles within error)', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 120 }), fc.nat(), (rows, cut) => {
        const k = rows.length === 0 ? 0 : cut % (rows.length + 1);
        const whole = profileOf(rows);
        const merged = profileOf(rows.slice(0, k));
        merged.merge(profileOf(rows.slice(k)));
        const w = whole.summary();
        const m = merged.summary();
        expect(exactPart(m)).toEqual(exactPart(w));
        // Below 2,051 values the sketch holds every value: the ranks agree exactly.
        for (const f of w.features) {
          if (!f.numeric) continue;
          const other = m.features.find((g) => g.name === f.name)!.numeric!.sketch;
          for (const q of [f.numeric.min, f.numeric.mean, f.numeric.max]) expect(other.rank(q)).toBe(f.numeric.sketch.rank(q));
        }
        // And a saved and loaded profile is the same profile.
        expect(exactPart(DatasetProfile.load(merged.save()).summary())).toEqual(exactPart(m));
      }),
      { numRuns: 150 },
    );
  });

  it('merges large halves with quantiles within the sketch error and exact moments', () => {
    let seed = 7;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    const values = Array.from({ length: 60_000 }, () => next() * 100 - 20);
    const names = ['x'];
    const whole = new DatasetProfile();
    const a = new DatasetProfile();
    const b = new DatasetProfile();
    values.forEach((v, i) => {
      whole.addRow(names, [v]);
      (i < 25_000 ? a : b).addRow(names, [v]);
    });
    a.merge(b);
    const w = whole.summary().features[0]!.numeric!;
    const m = a.summary().features[0]!.numeric!;
    expect({ ...m, sketch: 0 }).toEqual({ ...w, sketch: 0 });
    const sorted = [...values].sort((x, y) => x - y);
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.99]) {
      const x = sorted[Math.floor(q * sorted.length)]!;
      expect(Math.abs(m.sketch.rank(x) - w.sketch.rank(x)) / values.length).toBeLessThan(0.01);
    }
  });

  it('is deterministic: the same rows give the same saved state', () => {
    const rows = Array.from({ length: 3000 }, (_, i): Row => ({ names: ['a', 'b'], values: [i % 17, `c${i % 5}`] }));
    const save = (): string => JSON.stringify(profileOf(rows).save(), (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));
    expect(save()).toBe(save());
  });

  it('keeps the count of whole text values through save and load; a state saved before that count existed reads as none', () => {
    const p = profileOf([{ names: ['a'], values: ['7'] }, { names: ['a'], values: [8] }, { names: ['a'], values: ['7.5'] }]);
    const state = p.save();
    expect(DatasetProfile.load(state).summary().features[0]!.counts).toEqual({ integral: 2, integralText: 1, fractional: 1, boolean: 0, string: 0 });
    const feature = state.parts!.f0!;
    const older = { ...state, parts: { ...state.parts, f0: { ...feature, arrays: { ...feature.arrays, counts: (feature.arrays.counts as Float64Array).subarray(0, 5) } } } };
    expect(DatasetProfile.load(older).summary().features[0]!.counts).toEqual({ integral: 2, integralText: 0, fractional: 1, boolean: 0, string: 0 });
  });

  it('counts numeric values exactly up to the category cap and estimates past it, whatever the batches (narrow whole numbers, wide ones, fractions)', () => {
    const draw = (seed: number): (() => number) => {
      let a = seed >>> 0;
      return () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    };
    for (const [distinct, make] of [
      [7, (r: number) => Math.floor(r * 7) - 3],
      [900, (r: number) => Math.floor(r * 900) * 1000],
      [1000, (r: number) => Math.floor(r * 1000) / 4],
      [3000, (r: number) => Math.floor(r * 3000) - 1500],
    ] as const) {
      const rand = draw(distinct);
      const xs = Array.from({ length: 20_000 }, () => make(rand()));
      const expected = new Map<string, number>();
      for (const x of xs) expected.set(String(x), (expected.get(String(x)) ?? 0) + 1);
      const f = profileOf(xs.map((x) => ({ names: ['x'], values: [x] }))).summary().features[0]!;
      if (expected.size <= 1000) {
        expect(f.distinct).toBe(expected.size);
        expect(f.categorical!.approximate).toBe(false);
        expect(new Map(f.categorical!.buckets.map((b) => [b.value, b.count]))).toEqual(expected);
      } else {
        expect(f.distinctExact).toBe(false);
        expect(f.categorical!.approximate).toBe(true);
        expect(Math.abs(f.distinct - expected.size) / expected.size).toBeLessThan(0.05);
        // The same estimate as a HyperLogLog fed value by value, however the batches reached it.
        const one = new HyperLogLog();
        for (const x of xs) one.add(hashNumber(x));
        expect(f.distinct).toBe(Math.round(one.estimate()));
      }
      expect(f.numeric!.count).toBe(xs.length);
      expect(f.numeric!.min).toBe(Math.min(...xs));
      expect(f.numeric!.max).toBe(Math.max(...xs));
    }
  });

  it('keeps frequent numbers among the categories past 1,000 distinct ones, within the Misra-Gries bound, through merges and states', () => {
    // A String feature (one text value) whose ten frequent numbers (0-9, 100 each) are hidden among 2,000 numbers
    // seen once: the numeric value table used to give way to a HyperLogLog alone, and the ten vanished.
    let a = 7;
    const rand = (): number => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const values: unknown[] = [...Array.from({ length: 1000 }, (_, i) => i % 10), ...Array.from({ length: 2000 }, (_, i) => 10 + i + rand()), ...Array.from({ length: 10 }, () => 'x')];
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [values[i], values[j]] = [values[j], values[i]];
    }
    const rows = values.map((v): Row => ({ names: ['t'], values: [v] }));
    const whole = profileOf(rows);
    const parts = [0, 1, 2].map((k) => profileOf(rows.filter((_, i) => i % 3 === k)));
    const merged = DatasetProfile.load(parts[0]!.save());
    merged.merge(DatasetProfile.load(parts[1]!.save()));
    merged.merge(parts[2]!);
    for (const profile of [whole, merged, DatasetProfile.load(whole.save())]) {
      const f = profile.summary().features[0]!;
      expect(f.inferredType).toBe('String');
      expect(f.categorical!.approximate).toBe(true);
      const counts = new Map(f.categorical!.buckets.map((b) => [b.value, b.count]));
      const kept = f.categorical!.buckets.reduce((sum, b) => sum + b.count, 0);
      // Each kept count is low by at most (values - kept) / 1001; x (10 of 3,010) may fall below it.
      const bound = (values.length - kept) / 1001;
      for (let d = 0; d < 10; d++) {
        expect(counts.get(String(d))).toBeLessThanOrEqual(100);
        expect(counts.get(String(d))).toBeGreaterThanOrEqual(100 - bound);
      }
      expect(Math.abs(f.distinct - 2011) / 2011).toBeLessThan(0.05);
    }
  });

  it('leaves out a null-only column that is the parent of nested ones ("addr": null beside "addr.zip"), and keeps one without', () => {
    // Flattened records: {"addr": {"zip": 1}}, {"addr": null}, {"gone": null}. addr was an Unknown feature: an extra
    // column against a baseline without it, a missing one against a baseline with it.
    const rows: Row[] = [{ names: ['addr.zip', 'gone'], values: [1, null] }, { names: ['addr', 'gone'], values: [null, null] }];
    const f = profileOf(rows).summary().features;
    expect(f.map((x) => [x.name, x.present])).toEqual([['addr.zip', 1], ['gone', 0]]);
    // Null everywhere in this window, but nested under a baseline column: still no column of its own.
    const p = new DatasetProfile({ columns: ['addr.zip'] });
    p.addRow(['addr'], [null]);
    expect(p.summary().features.map((x) => x.name)).toEqual([]);
  });

  it('names the columns given twice in a row (the first value kept), through merges and states', () => {
    const a = profileOf([{ names: ['label', 'x', 'label'], values: ['req', 1, 'resp'] }]);
    const b = profileOf([{ names: ['a.b', 'a.b', 'x'], values: [1, 2, 3] }]);
    expect(a.summary()).toMatchObject({ duplicateValues: 1, duplicateColumns: ['label'] });
    const merged = DatasetProfile.load(a.save());
    merged.merge(DatasetProfile.load(b.save()));
    expect(merged.summary()).toMatchObject({ duplicateValues: 2, duplicateColumns: ['label', 'a.b'] });
    expect(merged.summary().features.find((f) => f.name === 'label')!.categorical!.buckets).toEqual([{ value: 'req', count: 1 }]);
    // A state written before the names were kept reads as naming none.
    const older = a.save();
    delete (older.meta as Record<string, unknown>).duplicateColumns;
    expect(DatasetProfile.load(older).summary()).toMatchObject({ duplicateValues: 1, duplicateColumns: [] });
  });

  it('keeps memory flat in the number of records', () => {
    const p = new DatasetProfile();
    const names = ['u', 'id'];
    const sizes: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      p.addRow(names, [i * 0.5, `user-${i}`]);
      if (i === 50_000 || i === 199_999) sizes.push(JSON.stringify(p.save(), (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)).length);
    }
    // Four times the records, about the same state (sketch levels and the category table are bounded).
    expect(sizes[1]! / sizes[0]!).toBeLessThan(1.3);
    const f = p.summary().features[1]!;
    expect(f.categorical!.approximate).toBe(true);
    expect(Math.abs(f.distinct - 200_000) / 200_000).toBeLessThan(0.05);
  });
});
