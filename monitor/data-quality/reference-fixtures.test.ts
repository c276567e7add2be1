/**
 * Exact agreement with numpy and scipy (test/fixtures/data-quality/reference.json, made by
 * scripts/fixtures/data_quality_reference.py with Debian's python3-numpy and python3-scipy).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chiSquareSurvival } from './chi-square.ts';
import { DatasetProfile } from './dataset-profile.ts';
import { categoricalDistance, chiSquareTest, numericalDistance } from './drift-distance.ts';
import { KllSketch } from './kll-sketch.ts';

interface Reference {
  columns: Record<string, { values: number[]; expected: { count: number; sum: number; mean: number; std_dev: number; min: number; max: number; numpy: { sum: number; mean: number; std: number; min: number; max: number } } }>;
  ks: Array<{ name: string; a?: number[]; b?: number[]; lcg?: { seed_a: number; n: number; seed_b: number; m: number; squared_b: boolean }; statistic: number; robust: number }>;
  chi2_sf: Array<{ x: number; df: number; sf: number }>;
  chisquare: Array<{ name: string; baseline: Record<string, number>; current: Record<string, number>; statistic: number; p_value: number }>;
}

const reference = JSON.parse(readFileSync(new URL('../../test/fixtures/data-quality/reference.json', import.meta.url), 'utf8')) as Reference;

/** The fixture script's 32-bit LCG, bit for bit. */
function lcg(seed: number, n: number): number[] {
  const out: number[] = [];
  let state = seed >>> 0;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(state / 4294967296);
  }
  return out;
}

function sketchOf(values: number[]): KllSketch {
  const s = new KllSketch();
  for (const v of values) s.update(v);
  return s;
}

const relative = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

describe('data-quality statistics agree with numpy', () => {
  it.each(Object.keys(reference.columns))('column %s: count, sum, mean, std_dev, min, max bit for bit (and numpy to 1e-9)', (name) => {
    const { values, expected } = reference.columns[name]!;
    const profile = new DatasetProfile();
    const names = ['x'];
    // As CSV text and as JSON numbers: the same numbers either way.
    for (const v of values) profile.addRow(names, [v]);
    const numeric = profile.summary().features[0]!.numeric!;
    expect({ count: numeric.count, sum: numeric.sum, mean: numeric.mean, std_dev: numeric.stdDev, min: numeric.min, max: numeric.max }).toEqual({
      count: expected.count,
      sum: expected.sum,
      mean: expected.mean,
      std_dev: expected.std_dev,
      min: expected.min,
      max: expected.max,
    });
    // numpy sums pairwise, so it differs in the last bits where cancellation is heavy; the figures still agree.
    const scale = Math.max(...values.map(Math.abs));
    expect(Math.abs(numeric.sum - expected.numpy.sum) / (scale * values.length)).toBeLessThan(1e-12);
    expect(relative(numeric.stdDev, expected.numpy.std)).toBeLessThan(1e-9);
    expect(numeric.min).toBe(expected.numpy.min);
    expect(numeric.max).toBe(expected.numpy.max);
  });

  it('reads the same numbers from CSV text', () => {
    const { values, expected } = reference.columns.normal!;
    const profile = new DatasetProfile();
    for (const v of values) profile.addRow(['x'], [String(v)]);
    const numeric = profile.summary().features[0]!.numeric!;
    expect([numeric.sum, numeric.mean, numeric.stdDev]).toEqual([expected.sum, expected.mean, expected.std_dev]);
  });
});

describe('numerical drift agrees with the exact two-sample Kolmogorov-Smirnov statistic (scipy.stats.ks_2samp)', () => {
  it.each(reference.ks.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const a = c.a ?? lcg(c.lcg!.seed_a, c.lcg!.n);
    const b = c.b ?? lcg(c.lcg!.seed_b, c.lcg!.m).map((u) => (c.lcg!.squared_b ? u * u : u));
    const d = numericalDistance(sketchOf(a), sketchOf(b))!;
    expect([d.n, d.m]).toEqual([a.length, b.length]);
    if (a.length <= 2050 && b.length <= 2050) {
      // Sketches that never compacted hold every value: the distance is the KS statistic itself (to the last bits:
      // Deequ, like mpm, subtracts rank/n from rank/m in doubles, where scipy rounds the exact fraction once).
      expect(Math.abs(d.simple - c.statistic)).toBeLessThan(1e-15);
      expect(d.robust).toBeCloseTo(c.robust, 15);
    } else {
      // Compacted sketches: within the sketches' rank error (measured below 0.2% each, kll-sketch.test.ts).
      expect(Math.abs(d.simple - c.statistic)).toBeLessThan(0.005);
      expect(Math.abs(d.robust - c.robust)).toBeLessThan(0.005);
    }
  });
});

describe('chi-squared agrees with scipy', () => {
  it('chi2.sf over a grid of statistics and degrees of freedom', () => {
    for (const { x, df, sf } of reference.chi2_sf) {
      const ours = chiSquareSurvival(x, df);
      if (sf < 1e-300) expect(ours).toBeLessThan(1e-290);
      else expect(relative(ours, sf)).toBeLessThan(1e-10);
    }
  });

  it.each(reference.chisquare.map((c) => [c.name, c] as const))('goodness of fit: %s', (_name, c) => {
    const result = chiSquareTest(new Map(Object.entries(c.baseline)), new Map(Object.entries(c.current)))!;
    expect(result.statistic).toBeCloseTo(c.statistic, 9);
    expect(relative(result.pValue, c.p_value)).toBeLessThan(1e-9);
    expect(result.degreesOfFreedom).toBe(Object.keys(c.baseline).length - 1);
  });
});

describe("Deequ's categorical rules", () => {
  it('regroups small categories into the next smallest before the test', () => {
    // Expected counts scaled to the current total of 100: a 50, b 40, c 6, d 4. d (4 < 5) is one of 4 categories,
    // and 20% of 4 rounds down to 0 allowed: d merges into c, leaving a 50, b 40, c+d 10 (3 categories: 0 allowed,
    // none below 5).
    const r = chiSquareTest(new Map([['a', 500], ['b', 400], ['c', 60], ['d', 40]]), new Map([['a', 45], ['b', 40], ['c', 5], ['d', 10]]))!;
    expect(r.categories).toBe(3);
    expect(r.statistic).toBeCloseTo(25 / 50 + 0 / 40 + 25 / 10, 12);
    expect(relative(r.pValue, chiSquareSurvival(3, 2))).toBeLessThan(1e-12);
    // Two categories need 10 expected each (Cochran): 95/5 of 100 leaves one category, so no result.
    expect(chiSquareTest(new Map([['a', 95], ['b', 5]]), new Map([['a', 90], ['b', 10]]))).toBeUndefined();
  });

  it('L-infinity: the largest difference of shares over the union of categories, Robust corrected', () => {
    const d = categoricalDistance(new Map([['a', 60], ['b', 40]]), new Map([['a', 30], ['b', 50], ['c', 20]]))!;
    // a: 0.6 vs 0.3, b: 0.4 vs 0.5, c: 0 vs 0.2.
    expect(d.simple).toBeCloseTo(0.3, 15);
    expect(d.robust).toBeCloseTo(Math.max(0, 0.3 - 1.8 * Math.sqrt(200 / 10000)), 15);
  });
});
