/**
 * @module Mergeable sums behind the regression metrics, for the full data and the 5 subsamples: the count, the mean
 * and sum of squared deviations of y (Welford, merged with Chan et al.), and exact sums (ExactSum) of |e|, e² and the
 * absolute percentage error. Exact sums cannot overflow: one prediction of ±1e308 used to turn Σe² (and so mae, mse,
 * rmse and r2) into Infinity for the whole window (issue 14, item 11); now each metric is finite whenever its own
 * value is within double range.
 */
import { EXACT_SUM_SCALE, ExactSum, roundQuotient, roundScaled } from './exact-sum.ts';
import { addMoment, mergeMoment } from './math.ts';
import { STATE_COUNT, SUBSAMPLE_COUNT } from './subsample.ts';

/** Offsets inside one state's block of (n, mean, M2) of y, the triple of math.ts. */
const COUNT = 0;
const M2 = 2;
const STRIDE = 3;

/** scikit-learn's ε in mean_absolute_percentage_error: `np.finfo(np.float64).eps`. */
export const MAPE_EPSILON = Number.EPSILON;

/** The sums of one state. */
export interface RegressionSums {
  count: number;
  /** Σ (y − ȳ)², the total sum of squares of r2. */
  totalSquares: number;
  /** Σ|e|, Σe², Σ|e|/max(|y|, ε), each the exact sum rounded once (±Infinity only beyond double range). */
  absoluteErrors: number;
  squaredErrors: number;
  percentageErrors: number;
  /** The means of those sums over count, from the exact sums: finite whenever the mean itself is. */
  meanAbsoluteError: number;
  meanSquaredError: number;
  /** √(Σe²/n), from the exact sum when Σe²/n itself is beyond double range. */
  rootMeanSquaredError: number;
  meanPercentageError: number;
}

/** Σ/n rounded once: Σ's double divided by n when Σ is finite (as before), else from the exact sum. */
function meanOf(sum: ExactSum, count: number): number {
  const value = sum.value();
  if (Number.isFinite(value) || Number.isNaN(value)) return value / count;
  const scaled = sum.scaled();
  return scaled === undefined ? value : roundQuotient(scaled, BigInt(count), -EXACT_SUM_SCALE);
}

/** ⌊√n⌋ of a BigInt (Newton's method). */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // Start above the root (2^⌈bits/2⌉): Newton's steps then decrease to ⌊√n⌋.
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** √(Σ/n) from an exact sum of squares, for when Σ/n is beyond double range but its root is not. */
function rootMeanOf(sum: ExactSum, count: number, mean: number): number {
  if (Number.isFinite(mean) || Number.isNaN(mean)) return Math.sqrt(mean);
  const scaled = sum.scaled();
  if (scaled === undefined || scaled < 0n) return Math.sqrt(mean);
  // Σ/n = scaled·2^-S / n; with 2k extra bits, √(scaled·2^2k / n) · 2^-(k + S/2), S even.
  const k = 64;
  const radicand = (scaled << BigInt(2 * k)) / BigInt(count);
  const root = isqrt(radicand);
  const exact = root * root === radicand && radicand * BigInt(count) === scaled << BigInt(2 * k);
  // A sticky bit below the root's last place breaks ties when the root is not exact.
  return exact ? roundScaled(root, -(k + EXACT_SUM_SCALE / 2)) : roundScaled((root << 1n) | 1n, -(k + EXACT_SUM_SCALE / 2) - 1);
}

/** Six states: Welford's triple of y in one Float64Array, and three exact sums each. */
export class RegressionMoments {
  readonly #data = new Float64Array(STATE_COUNT * STRIDE);
  readonly #absolute = Array.from({ length: STATE_COUNT }, () => new ExactSum());
  readonly #squared = Array.from({ length: STATE_COUNT }, () => new ExactSum());
  readonly #percentage = Array.from({ length: STATE_COUNT }, () => new ExactSum());

  #addTo(state: number, actual: number, error: number, absolute: number, percentage: number): void {
    addMoment(this.#data, state * STRIDE + COUNT, actual);
    this.#absolute[state]!.add(absolute);
    this.#squared[state]!.addSquare(error);
    this.#percentage[state]!.add(percentage);
  }

  /** Counts one pair of finite numbers in the full state and in the subsamples of `mask`. */
  add(actual: number, predicted: number, mask: number): void {
    const error = predicted - actual;
    const absolute = Math.abs(error);
    const percentage = absolute / Math.max(Math.abs(actual), MAPE_EPSILON);
    this.#addTo(0, actual, error, absolute, percentage);
    for (let j = 0; j < SUBSAMPLE_COUNT; j++) {
      if ((mask >>> j) & 1) this.#addTo(j + 1, actual, error, absolute, percentage);
    }
  }

  /** Folds in every state of `other`. */
  addFrom(other: RegressionMoments): void {
    for (let state = 0; state < STATE_COUNT; state++) {
      const at = state * STRIDE;
      mergeMoment(this.#data, at + COUNT, other.#data, at + COUNT);
      this.#absolute[state]!.merge(other.#absolute[state]!);
      this.#squared[state]!.merge(other.#squared[state]!);
      this.#percentage[state]!.merge(other.#percentage[state]!);
    }
  }

  /** The sums of `state` (0 = full data, j + 1 = subsample j). */
  sums(state: number): RegressionSums {
    const data = this.#data;
    const at = state * STRIDE;
    const count = data[at + COUNT]!;
    const squared = this.#squared[state]!;
    const meanSquaredError = meanOf(squared, count);
    return {
      count,
      totalSquares: data[at + M2]!,
      absoluteErrors: this.#absolute[state]!.value(),
      squaredErrors: squared.value(),
      percentageErrors: this.#percentage[state]!.value(),
      meanAbsoluteError: meanOf(this.#absolute[state]!, count),
      meanSquaredError,
      rootMeanSquaredError: count === 0 ? NaN : rootMeanOf(squared, count, meanSquaredError),
      meanPercentageError: meanOf(this.#percentage[state]!, count),
    };
  }
}
