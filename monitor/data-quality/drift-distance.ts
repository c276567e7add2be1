/**
 * @module Drift distances between a baseline and the current window, exactly as Deequ's Distance.scala computes
 * them (awslabs/deequ, commit 0b8cea54):
 * - numerical: the L-infinity distance between the two sketches' CDFs, evaluated at every item either sketch holds
 *   (the two-sample Kolmogorov-Smirnov statistic, exact when the sketches hold every value);
 * - categorical L-infinity: max over the union of categories of |share_a − share_b|, shares of each sample's total;
 * - Robust (Deequ's default, correctForLowNumberOfSamples = false): max(0, linf − cα·sqrt((n + m)/(n·m))) with
 *   cα = 1.8 (α = 0.003); Simple: linf itself. SageMaker's comparison_method picks one of the two;
 * - chi-squared (categorical_drift_method ChiSquared): a goodness-of-fit test of the current counts against the
 *   baseline's shares scaled to the current total, over the baseline's categories (current-only categories are
 *   the categorical_values_check's business). Categories are regrouped first, smallest expected count into the
 *   next smallest, until 2 categories have every expected count >= 10 (Cochran) or more categories have at most
 *   20% (rounded down) below 5 (Yates); fewer than 2 left gives no result. Deequ then returns the p-value (its
 *   statistic only when correctForLowNumberOfSamples is set, which SageMaker does not use for the p-value test), so
 *   drift is a p-value BELOW the threshold. Ties between equally small categories, which Deequ breaks by hash-map
 *   order, are broken by the category text here, so the result is deterministic.
 */
import { chiSquareSurvival } from './chi-square.ts';
import type { KllSketch } from './kll-sketch.ts';

/** SageMaker's comparison_method. */
export type ComparisonMethod = 'Simple' | 'Robust';

/** Deequ's default cα, for α = 0.003 (Knuth, TAOCP vol. 2, 3rd ed., §3.3.1 eq. 15). */
export const DEFAULT_C_ALPHA = 1.8;

/** A distance with both of Deequ's variants and the sample sizes behind them. */
export interface Distance {
  simple: number;
  robust: number;
  /** Sample sizes (baseline, current). */
  n: number;
  m: number;
}

/** Deequ's selectMetrics: the Robust correction. */
export function robustDistance(linfSimple: number, n: number, m: number, cAlpha = DEFAULT_C_ALPHA): number {
  return Math.max(0, linfSimple - cAlpha * Math.sqrt((n + m) / (n * m)));
}

function withRobust(simple: number, n: number, m: number): Distance {
  return { simple, robust: robustDistance(simple, n, m), n, m };
}

/** The numerical distance between two sketches; undefined when either is empty. */
export function numericalDistance(baseline: KllSketch, current: KllSketch): Distance | undefined {
  const a = baseline.cdf();
  const b = current.cdf();
  if (a.values.length === 0 || b.values.length === 0) return undefined;
  const n = a.ranks[a.ranks.length - 1]!;
  const m = b.ranks[b.ranks.length - 1]!;
  let i = 0;
  let j = 0;
  let linf = 0;
  while (i < a.values.length || j < b.values.length) {
    const x = j >= b.values.length || (i < a.values.length && a.values[i]! <= b.values[j]!) ? a.values[i]! : b.values[j]!;
    while (i < a.values.length && a.values[i]! <= x) i++;
    while (j < b.values.length && b.values[j]! <= x) j++;
    const fa = i === 0 ? 0 : a.ranks[i - 1]! / n;
    const fb = j === 0 ? 0 : b.ranks[j - 1]! / m;
    linf = Math.max(linf, Math.abs(fa - fb));
  }
  return withRobust(linf, n, m);
}

/** Category counts, by category text. */
export type Counts = ReadonlyMap<string, number>;

/** The categorical L-infinity distance; undefined when either sample is empty. */
export function categoricalDistance(baseline: Counts, current: Counts): Distance | undefined {
  let n = 0;
  let m = 0;
  for (const c of baseline.values()) n += c;
  for (const c of current.values()) m += c;
  if (n === 0 || m === 0) return undefined;
  let linf = 0;
  for (const key of new Set([...baseline.keys(), ...current.keys()])) {
    linf = Math.max(linf, Math.abs((baseline.get(key) ?? 0) / n - (current.get(key) ?? 0) / m));
  }
  return withRobust(linf, n, m);
}

/** A chi-squared goodness-of-fit result. */
export interface ChiSquareResult {
  pValue: number;
  statistic: number;
  degreesOfFreedom: number;
  /** Categories left after regrouping. */
  categories: number;
}

const MIN_CATEGORIES = 2;
const YATES_ABSOLUTE = 5;
const YATES_SHARE = 0.2;
const COCHRAN_ABSOLUTE = 10;

function smallest(expected: Map<string, number>): string {
  let best: string | undefined;
  for (const [k, v] of expected) {
    const b = best === undefined ? undefined : expected.get(best)!;
    if (b === undefined || v < b || (v === b && k < best!)) best = k;
  }
  return best!;
}

/**
 * Deequ's chi-squared test of the current counts against the baseline's; undefined when fewer than 2 categories
 * remain or no current value falls in a baseline category (the statistic is undefined then).
 */
export function chiSquareTest(baseline: Counts, current: Counts): ChiSquareResult | undefined {
  let sampleSum = 0;
  let expectedSum = 0;
  for (const [k, c] of baseline) {
    expectedSum += c;
    sampleSum += current.get(k) ?? 0;
  }
  if (expectedSum === 0) return undefined;
  const expected = new Map<string, number>();
  for (const [k, c] of baseline) expected.set(k, (c / expectedSum) * sampleSum);
  const sample = new Map<string, number>();
  for (const k of expected.keys()) sample.set(k, current.get(k) ?? 0);
  // Regroup (Deequ's regroupCategories, a loop instead of tail recursion).
  while (expected.size >= MIN_CATEGORIES) {
    const two = expected.size === MIN_CATEGORIES;
    const threshold = two ? COCHRAN_ABSOLUTE : YATES_ABSOLUTE;
    const allowed = two ? 0 : Math.trunc(YATES_SHARE * expected.size);
    let below = 0;
    for (const v of expected.values()) if (v < threshold) below++;
    if (below <= allowed) break;
    const min = smallest(expected);
    const minExpected = expected.get(min)!;
    const minSample = sample.get(min) ?? 0;
    expected.delete(min);
    sample.delete(min);
    const second = smallest(expected);
    expected.set(second, expected.get(second)! + minExpected);
    sample.set(second, (sample.get(second) ?? 0) + minSample);
  }
  if (expected.size < MIN_CATEGORIES) return undefined;
  // Spark mllib's Statistics.chiSqTest(observed, expected), Pearson.
  let obsSum = 0;
  let expSum = 0;
  for (const [k, e] of expected) {
    obsSum += sample.get(k) ?? 0;
    expSum += e;
  }
  const scale = Math.abs(obsSum - expSum) < 1e-7 ? 1 : obsSum / expSum;
  const df = expected.size - 1;
  let statistic = 0;
  for (const [k, e] of expected) {
    const obs = sample.get(k) ?? 0;
    if (e === 0) {
      if (obs === 0) return undefined;
      return { pValue: 0, statistic: Infinity, degreesOfFreedom: df, categories: expected.size };
    }
    const exp = scale === 1 ? e : e * scale;
    statistic += ((obs - exp) * (obs - exp)) / exp;
  }
  return { pValue: chiSquareSurvival(statistic, df), statistic, degreesOfFreedom: df, categories: expected.size };
}
