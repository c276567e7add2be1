import { describe, expect, it } from 'vitest';
import { KllSketch, KLL_SKETCH_SIZE } from './kll-sketch.ts';
import { mulberry32 as random } from '../../test/helpers/mulberry32.ts';

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * A literal transcription of Deequ's QuantileNonSample / NonSampleCompactor (immutable appends, whole-buffer
 * copies), independent of the optimised class: the two must agree item for item.
 */
class ReferenceSketch {
  compactors: Array<{ numOfCompress: number; offset: number; buffer: number[] }> = [];
  actual = 0;
  total = 0;
  constructor(
    readonly k: number,
    readonly c: number,
  ) {
    this.expand();
  }
  capacity(h: number): number {
    return 2 * (Math.ceil((this.k * Math.pow(this.c, h)) / 2) + 1);
  }
  expand(): void {
    this.compactors = [...this.compactors, { numOfCompress: 0, offset: 0, buffer: [] }];
    this.total = this.compactors.reduce((s, _, h) => s + this.capacity(h), 0);
  }
  update(x: number): void {
    this.compactors[0]!.buffer = [...this.compactors[0]!.buffer, x];
    this.actual += 1;
    if (this.actual > this.total) this.condense();
  }
  condense(): void {
    for (let h = 0; h < this.compactors.length; h++) {
      if (this.compactors[h]!.buffer.length >= this.capacity(h)) {
        if (h + 1 >= this.compactors.length) this.expand();
        const out = this.compact(this.compactors[h]!);
        for (const e of out) this.compactors[h + 1]!.buffer = [...this.compactors[h + 1]!.buffer, e];
        this.actual = this.compactors.reduce((s, c) => s + c.buffer.length, 0);
        break;
      }
    }
  }
  compact(c: { numOfCompress: number; offset: number; buffer: number[] }): number[] {
    const items = c.buffer.length;
    const len = items - (items % 2);
    if (c.numOfCompress % 2 === 1) c.offset = 1 - c.offset;
    const sorted = c.buffer.slice(0, len).sort((a, b) => (Object.is(a, -0) && b === 0 ? -1 : a === 0 && Object.is(b, -0) ? 1 : a - b));
    const output: number[] = [];
    for (let i = c.offset; i < len; i += 2) output.push(sorted[i]!);
    const tail = items % 2 === 1 ? [c.buffer[Math.max(items - 1, 0)]!] : [];
    c.buffer = tail;
    c.numOfCompress += 1;
    return output;
  }
  merge(that: ReferenceSketch): void {
    while (this.compactors.length < that.compactors.length) this.expand();
    for (let i = 0; i < that.compactors.length; i++) this.compactors[i]!.buffer = [...this.compactors[i]!.buffer, ...that.compactors[i]!.buffer];
    this.actual = this.compactors.reduce((s, c) => s + c.buffer.length, 0);
    while (this.actual >= this.total) this.condense();
  }
}

function exactRank(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Largest |sketch rank − exact rank| / n over 200 query points spread over the data's quantiles. */
function maxRankError(sketch: KllSketch, data: Float64Array): number {
  const sorted = Float64Array.from(data).sort();
  let worst = 0;
  for (let q = 0; q <= 200; q++) {
    const x = sorted[Math.min(sorted.length - 1, Math.floor((q / 200) * sorted.length))]!;
    worst = Math.max(worst, Math.abs(sketch.rank(x) - exactRank(sorted, x)) / sorted.length);
  }
  return worst;
}

const DATASETS: Array<[string, (n: number, seed: number) => Float64Array]> = [
  ['uniform', (n, seed) => Float64Array.from({ length: n }, random(seed))],
  ['normal', (n, seed) => { const r = random(seed); return Float64Array.from({ length: n }, () => normal(r)); }],
  ['sorted ascending', (n) => Float64Array.from({ length: n }, (_, i) => i)],
  ['sorted descending', (n) => Float64Array.from({ length: n }, (_, i) => n - i)],
  ['few distinct values', (n, seed) => { const r = random(seed); return Float64Array.from({ length: n }, () => Math.floor(r() * 7)); }],
  ['flags (two values, runs of one)', (n, seed) => { const r = random(seed); return Float64Array.from({ length: n }, (_, i) => (i % 5000 < 2500 ? (r() < 0.1 ? -3 : -2) : 4)); }],
];

describe('KllSketch (Deequ QuantileNonSample semantics)', () => {
  it('has the level capacities of Deequ for k=2048, c=0.64', () => {
    const s = new KllSketch();
    expect([0, 1, 2, 3, 10, 16, 30].map((h) => s.capacity(h))).toEqual([2050, 1314, 842, 540, 26, 4, 4]);
  });

  it('keeps every value exactly while the sketch holds fewer than 2051 items', () => {
    const s = new KllSketch();
    for (let i = 0; i < 2050; i++) s.update(i % 10);
    expect(s.levelCount).toBe(1);
    expect(s.count()).toBe(2050);
    expect(s.rank(4)).toBe(205 * 5);
    expect(s.rankExclusive(4)).toBe(205 * 4);
  });

  it('compacts the first time at item 2051: 1025 items move up, the odd last item stays', () => {
    const s = new KllSketch();
    for (let i = 0; i < 2051; i++) s.update(2050 - i);
    const levels = s.levels();
    expect(levels.length).toBe(2);
    // The last value added (0) is the odd one out; of the sorted 1..2050 the even positions (offset 0) move up.
    expect(levels[0]).toEqual([0]);
    expect(levels[1]!.length).toBe(1025);
    expect(levels[1]!.slice(0, 3)).toEqual([1, 3, 5]);
    expect(s.count()).toBe(1 + 2 * 1025);
  });

  it('alternates the compaction offset of a level 0, 1, 1, 0', () => {
    // A tiny sketch (k=2, c=1: every level holds 4) makes each compaction visible.
    const s = new KllSketch(2, 1);
    const level1After = (n: number): number[] => {
      while (s.count() < n) s.update(s.count() + 1);
      return s.levels()[1]!;
    };
    // 1st compaction of level 0, offset 0: sorted [1,2,3,4] keeps 1 and 3; 5 (odd, last) stays.
    expect(level1After(5)).toEqual([1, 3]);
    // 2nd, offset flips to 1: [5..10] keeps 6, 8, 10.
    expect(level1After(11)).toEqual([1, 3, 6, 8, 10]);
    // 3rd, offset stays 1: [11..14] keeps 12 and 14.
    expect(level1After(14)).toEqual([1, 3, 6, 8, 10, 12, 14]);
    // Level 1 compacts once (offset 0: 1, 6, 10 move up, 14 stays); the 4th compaction of level 0 flips back to 0.
    expect(level1After(16)).toEqual([14]);
    expect(s.levels()[2]).toEqual([1, 6, 10]);
    expect(level1After(23)).toEqual([14, 15, 17, 19, 21]);
  });

  it.each(DATASETS)('matches a literal transcription of Deequ item for item (%s, with merges)', (_name, make) => {
    for (const [k, c] of [[64, 0.64], [KLL_SKETCH_SIZE, 0.64], [8, 0.5]] as const) {
      const data = make(20_000, 7);
      const fast = new KllSketch(k, c);
      const ref = new ReferenceSketch(k, c);
      const parts = [new KllSketch(k, c), new KllSketch(k, c), new KllSketch(k, c)];
      const refParts = [new ReferenceSketch(k, c), new ReferenceSketch(k, c), new ReferenceSketch(k, c)];
      data.forEach((v, i) => {
        fast.update(v);
        ref.update(v);
        parts[i % 3]!.update(v);
        refParts[i % 3]!.update(v);
      });
      expect(fast.levels()).toEqual(ref.compactors.map((cmp) => cmp.buffer));
      for (let p = 1; p < 3; p++) {
        parts[0]!.merge(parts[p]!);
        refParts[0]!.merge(refParts[p]!);
      }
      expect(parts[0]!.levels()).toEqual(refParts[0]!.compactors.map((cmp) => cmp.buffer));
    }
  });

  it.each([...DATASETS, ['whole numbers with negatives', (n: number, seed: number) => { const r = random(seed); return Float64Array.from({ length: n }, () => Math.round(normal(r) * 900)); }] as const])(
    'updateMany in runs of any length matches the transcription item for item (%s)',
    (_name, make) => {
      for (const [k, c] of [[64, 0.64], [KLL_SKETCH_SIZE, 0.64], [8, 0.5]] as const) {
        const data = make(20_000, 5);
        const fast = new KllSketch(k, c);
        const ref = new ReferenceSketch(k, c);
        const rand = random(k);
        for (let i = 0; i < data.length; ) {
          const run = Math.min(data.length - i, 1 + Math.floor(rand() * 3000));
          fast.updateMany(data.subarray(i, i + run), run);
          for (let j = i; j < i + run; j++) ref.update(data[j]!);
          i += run;
        }
        expect(fast.levels()).toEqual(ref.compactors.map((cmp) => cmp.buffer));
      }
    },
  );

  it('updateMany with vouched bounds (tight or loose) matches the transcription, with update() and merge() between', () => {
    const r = random(17);
    // Two-value makers with tight bounds take the counting compaction's sum path (skewed, negative flags too).
    const makers: Array<(i: number) => number> = [(i) => i % 2, () => (r() < 0.1 ? -3 : -2), (i) => (i % 4000 < 3000 ? 0 : 1), (i) => (i * 31) % 7, () => Math.round((r() - 0.5) * 5000) + 0, (i) => 150 - ((i * 13) % 300)];
    for (const make of makers) {
      for (const [k, c] of [[64, 0.64], [KLL_SKETCH_SIZE, 0.64]] as const) {
        const fast = new KllSketch(k, c);
        const ref = new ReferenceSketch(k, c);
        let i = 0;
        for (let round = 0; round < 40; round++) {
          const run = 1 + Math.floor(r() * 1500);
          const xs = Float64Array.from({ length: run }, () => make(i++));
          const low = Math.min(...xs) - (round % 3 === 0 ? 5 : 0);
          const high = Math.max(...xs) + (round % 4 === 0 ? 7 : 0);
          fast.updateMany(xs, run, { low, high });
          for (const x of xs) ref.update(x);
          if (round % 7 === 3) {
            // An unvouched value, then a merged sketch, on level 0: the flag must drop.
            fast.update(0.5);
            ref.update(0.5);
            const other = new KllSketch(k, c);
            const otherRef = new ReferenceSketch(k, c);
            for (let j = 0; j < 300; j++) {
              other.update(j * 1.5);
              otherRef.update(j * 1.5);
            }
            fast.merge(other);
            ref.merge(otherRef);
          }
        }
        expect(fast.levels()).toEqual(ref.compactors.map((cmp) => cmp.buffer));
      }
    }
  });

  it.each(DATASETS)('ranks within 0.5%% of the exact ranks on 300,000 values (%s)', (_name, make) => {
    const data = make(300_000, 11);
    const s = new KllSketch();
    for (const v of data) s.update(v);
    expect(s.count()).toBe(data.length);
    // Measured worst errors are below 0.2% (docs/data-quality.md); the bound leaves room.
    expect(maxRankError(s, data)).toBeLessThan(0.005);
  });

  it.each(DATASETS)('merging the sketches of two halves stays within the same error (%s)', (_name, make) => {
    const data = make(300_000, 13);
    const split = 123_457;
    const a = new KllSketch();
    const b = new KllSketch();
    data.forEach((v, i) => (i < split ? a : b).update(v));
    a.merge(b);
    expect(a.count()).toBe(data.length);
    expect(maxRankError(a, data)).toBeLessThan(0.005);
  });

  it('is deterministic: the same values in the same order give the same levels, however merged in a fixed order', () => {
    const data = DATASETS[1]![1](50_000, 3);
    const build = (): KllSketch => {
      const whole = new KllSketch();
      const parts = [new KllSketch(), new KllSketch()];
      data.forEach((v, i) => parts[i < 20_000 ? 0 : 1]!.update(v));
      whole.merge(parts[0]!);
      whole.merge(parts[1]!);
      return whole;
    };
    expect(build().levels()).toEqual(build().levels());
  });

  it('saves and loads with its compactor state, so later updates continue identically', () => {
    const r = random(5);
    const a = new KllSketch();
    for (let i = 0; i < 9_000; i++) a.update(r());
    const b = KllSketch.load(a.save());
    for (let i = 0; i < 9_000; i++) {
      const v = r();
      a.update(v);
      b.update(v);
    }
    expect(b.levels()).toEqual(a.levels());
  });

  it('round-trips the statistics.json sketch and rebuilds it with fresh compactors (Deequ reconstruct)', () => {
    const r = random(9);
    const a = new KllSketch();
    for (let i = 0; i < 5_000; i++) a.update(r());
    const json = JSON.parse(JSON.stringify(a.toJson())) as ReturnType<KllSketch['toJson']>;
    expect(json.parameters).toEqual({ c: 0.64, k: 2048 });
    const b = KllSketch.fromLevels(json.data, json.parameters.k, json.parameters.c);
    expect(b.levels()).toEqual(a.levels());
    expect(b.count()).toBe(a.count());
    expect(b.rank(0.5)).toBe(a.rank(0.5));
  });

  it('makes finite bucket bounds when max − min overflows (values near ±Number.MAX_VALUE were null bounds)', () => {
    const s = new KllSketch();
    for (const x of [1.7e308, 1.7e308, 1, -1.7e308]) s.update(x);
    const buckets = s.buckets(-1.7e308, 1.7e308);
    expect(buckets.every((b) => Number.isFinite(b.lower_bound) && Number.isFinite(b.upper_bound) && b.lower_bound < b.upper_bound)).toBe(true);
    expect([buckets[0]!.lower_bound, buckets[9]!.upper_bound]).toEqual([-1.7e308, 1.7e308]);
    expect(buckets.map((b) => b.count)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
    // Ordinary ranges keep the plain formula's bits.
    expect(new KllSketch().buckets(0, 0.3).map((b) => b.upper_bound)).toEqual(Array.from({ length: 10 }, (_, i) => 0 + ((0.3 - 0) * (i + 1)) / 10));
  });

  it('makes the 10 equal-width buckets of KLLSketch.computeMetricFrom; only the last includes its upper bound', () => {
    const s = new KllSketch();
    for (const v of [0, 1, 1, 2, 5, 9, 10, 10]) s.update(v);
    const buckets = s.buckets(0, 10);
    expect(buckets.map((b) => b.count)).toEqual([1, 2, 1, 0, 0, 1, 0, 0, 0, 3]);
    expect(buckets[3]).toEqual({ lower_bound: 3, upper_bound: 4, count: 0 });
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(8);
    // One value: nine empty buckets and everything in the last.
    const one = new KllSketch();
    one.update(4);
    one.update(4);
    expect(one.buckets(4, 4).map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
  });

  it('gives a step CDF and quantiles', () => {
    const s = new KllSketch();
    for (const v of [3, 1, 2, 2, -0, 0]) s.update(v);
    const { values, ranks } = s.cdf();
    expect(Array.from(values)).toEqual([0, 1, 2, 3]);
    expect(Array.from(ranks)).toEqual([2, 3, 5, 6]);
    expect(s.quantile(0.5)).toBe(1);
    expect(s.quantile(1)).toBe(3);
  });

  it('refuses to merge sketches of different parameters and loads only its own state', () => {
    expect(() => new KllSketch().merge(new KllSketch(1024))).toThrow(/cannot merge a sketch with k=1024/);
    const state = new KllSketch().save();
    expect(() => KllSketch.load({ ...state, kind: 'other' })).toThrow(/expected a kll state/);
    expect(() => KllSketch.load({ ...state, arrays: { ...state.arrays, lengths: Int32Array.of(3) } })).toThrow(/do not agree/);
  });
});
