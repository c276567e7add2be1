/**
 * @module Isotonic regression, the calibration map of CBPE: the same fit and prediction as scikit-learn's
 * `IsotonicRegression(increasing=True, out_of_bounds="clip")` (1.2), kept as a compact, serialisable map.
 *
 * Fit (scikit-learn's semantics, our code):
 * 1. records with weight <= 0 are dropped; the rest are ordered by score, then by target;
 * 2. scores closer than 1e-15 to the first score of a group form one point (scikit-learn's `_make_unique` with
 *    numpy's float64 resolution), whose target is the weighted mean of the group's targets and whose weight is the
 *    group's total;
 * 3. pool adjacent violators over those points (a point is pooled into the block before it when its target is not
 *    greater), each block taking its weighted mean;
 * 4. points whose fitted value equals both neighbours' are dropped: linear interpolation between the rest gives the
 *    same function.
 * Predict: clip the score to [first, last] threshold, then interpolate linearly between the two thresholds around it
 * (scipy's linear `interp1d`, which is numpy's `interp`: the value at a threshold is its fitted value exactly; one
 * threshold: a constant).
 */

/** A fitted map: strictly increasing thresholds `x` and their non-decreasing fitted values `y` (same length >= 1). */
export interface IsotonicMap {
  x: number[];
  y: number[];
}

/** numpy's `np.finfo(np.float64).resolution`: scikit-learn merges scores closer than this into one point. */
export const UNIQUE_TOLERANCE = 1e-15;

/**
 * Fits the map of `targets` (usually 0/1) on `scores`. Throws a RangeError for mismatched lengths, non-finite values
 * or no record of positive weight.
 */
export function fitIsotonic(scores: ArrayLike<number>, targets: ArrayLike<number>, weights?: ArrayLike<number>): IsotonicMap {
  const n = scores.length;
  if (targets.length !== n || (weights !== undefined && weights.length !== n)) {
    throw new RangeError(`isotonic: ${n} scores, ${targets.length} targets${weights ? `, ${weights.length} weights` : ''}; expected equal lengths`);
  }
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    if (!Number.isFinite(scores[i]!) || !Number.isFinite(targets[i]!) || !Number.isFinite(w)) {
      throw new RangeError(`isotonic: record ${i} has a non-finite score, target or weight`);
    }
    if (w > 0) kept.push(i);
  }
  return fitIsotonicOrdered(orderByScoreThenTarget(scores, targets, kept), scores, targets, weights);
}

/** The indexes `among` (default: all), ordered by score, then by target. */
export function orderByScoreThenTarget(scores: ArrayLike<number>, targets: ArrayLike<number>, among?: readonly number[]): Uint32Array {
  const order = among === undefined ? Uint32Array.from({ length: scores.length }, (_, i) => i) : Uint32Array.from(among);
  return order.sort((i, j) => scores[i]! - scores[j]! || targets[i]! - targets[j]!);
}

/**
 * Fits on the records `order` lists, already ordered by score then target (so that the calibrate-or-not decision
 * sorts once and fits each fold in linear time). Weights, when given, must be positive for the listed records.
 */
export function fitIsotonicOrdered(order: ArrayLike<number>, scores: ArrayLike<number>, targets: ArrayLike<number>, weights?: ArrayLike<number>): IsotonicMap {
  if (order.length === 0) throw new RangeError('isotonic: no record with a positive weight to fit');
  // Unique points: the weighted mean target of each group of (nearly) equal scores.
  const px: number[] = [];
  const py: number[] = [];
  const pw: number[] = [];
  let groupX = scores[order[0]!]!;
  let sumWY = 0;
  let sumW = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const x = scores[i]!;
    const w = weights === undefined ? 1 : weights[i]!;
    if (x - groupX >= UNIQUE_TOLERANCE) {
      px.push(groupX);
      py.push(sumWY / sumW);
      pw.push(sumW);
      groupX = x;
      sumWY = 0;
      sumW = 0;
    }
    sumWY += targets[i]! * w;
    sumW += w;
  }
  px.push(groupX);
  py.push(sumWY / sumW);
  pw.push(sumW);

  const fitted = poolAdjacentViolators(py, pw);
  // Keep the ends and every point that differs from one of its neighbours.
  const x: number[] = [];
  const y: number[] = [];
  const last = fitted.length - 1;
  for (let k = 0; k <= last; k++) {
    if (k === 0 || k === last || fitted[k] !== fitted[k - 1] || fitted[k] !== fitted[k + 1]) {
      x.push(px[k]!);
      y.push(fitted[k]!);
    }
  }
  return { x, y };
}

/**
 * The non-decreasing sequence closest to `values` in weighted least squares: blocks on a stack, a new point merging
 * into the block before it while it is not greater. O(n).
 */
export function poolAdjacentViolators(values: readonly number[], weights: readonly number[]): number[] {
  const n = values.length;
  // Block b covers points start[b]..start[b + 1] - 1 with weighted sum wy[b] and weight w[b].
  const start: number[] = [];
  const wy: number[] = [];
  const w: number[] = [];
  const mean: number[] = [];
  for (let i = 0; i < n; i++) {
    let blockStart = i;
    let blockWY = values[i]! * weights[i]!;
    let blockW = weights[i]!;
    let blockMean = values[i]!;
    while (mean.length > 0 && mean[mean.length - 1]! >= blockMean) {
      blockStart = start.pop()!;
      blockWY += wy.pop()!;
      blockW += w.pop()!;
      mean.pop();
      blockMean = blockWY / blockW;
    }
    start.push(blockStart);
    wy.push(blockWY);
    w.push(blockW);
    mean.push(blockMean);
  }
  const out = new Array<number>(n);
  for (let b = 0; b < start.length; b++) {
    const end = b + 1 < start.length ? start[b + 1]! : n;
    for (let i = start[b]!; i < end; i++) out[i] = mean[b]!;
  }
  return out;
}

/** The calibrated value of one score (clipped to the map's range, then interpolated). NaN stays NaN. */
export function predictIsotonic(map: IsotonicMap, score: number): number {
  const { x, y } = map;
  const last = x.length - 1;
  if (Number.isNaN(score)) return NaN;
  if (score <= x[0]!) return y[0]!;
  if (score >= x[last]!) return y[last]!;
  // lo = the last threshold <= score (score is strictly inside the range here), as numpy's interp finds it.
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (x[mid]! <= score) lo = mid;
    else hi = mid;
  }
  const slope = (y[lo + 1]! - y[lo]!) / (x[lo + 1]! - x[lo]!);
  return slope * (score - x[lo]!) + y[lo]!;
}

/**
 * Checks a calibration map read from a file. Returns the problem, or undefined when the map is usable (equal non-zero
 * lengths, finite numbers, strictly increasing thresholds, non-decreasing values in [0, 1]).
 */
export function isotonicMapProblem(map: unknown): string | undefined {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return 'is not an object {"x": [...], "y": [...]}';
  const { x, y } = map as Record<string, unknown>;
  if (!Array.isArray(x) || !Array.isArray(y)) return 'needs arrays "x" and "y"';
  if (x.length === 0 || x.length !== y.length) return `has ${x.length} thresholds and ${y.length} values; expected equal, non-zero lengths`;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as unknown;
    const yi = y[i] as unknown;
    if (typeof xi !== 'number' || !Number.isFinite(xi) || typeof yi !== 'number' || !Number.isFinite(yi)) return `has a non-numeric entry at ${i}`;
    if (yi < 0 || yi > 1) return `has value ${yi} at ${i}, outside [0, 1]`;
    if (i > 0 && !(xi > (x[i - 1] as number))) return `has thresholds not strictly increasing at ${i}`;
    if (i > 0 && yi < (y[i - 1] as number)) return `has values decreasing at ${i}`;
  }
  return undefined;
}
