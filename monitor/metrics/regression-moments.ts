/**
 * @module Mergeable sums behind the regression metrics, for the full data and the 5 subsamples: the count, the mean
 * and sum of squared deviations of y (Welford, merged with Chan et al.), and compensated sums of |e|, e² and the
 * absolute percentage error.
 */
import { addCompensated, addMoment, mergeCompensated, mergeMoment } from './math.ts';
import { STATE_COUNT, SUBSAMPLE_COUNT } from './subsample.ts';

/** Offsets inside one state's block. */
const COUNT = 0; // count, mean of y, M2 of y: the (n, mean, M2) triple of math.ts
const M2 = 2;
const ABS = 3; // Σ|e| (sum, compensation)
const SQUARED = 5; // Σe²
const PERCENT = 7; // Σ|e| / max(|y|, ε)
const STRIDE = 9;

/** scikit-learn's ε in mean_absolute_percentage_error: `np.finfo(np.float64).eps`. */
export const MAPE_EPSILON = Number.EPSILON;

/** The sums of one state. */
export interface RegressionSums {
  count: number;
  /** Σ (y − ȳ)², the total sum of squares of r2. */
  totalSquares: number;
  absoluteErrors: number;
  squaredErrors: number;
  percentageErrors: number;
}

/** Six blocks of STRIDE doubles in one Float64Array. */
export class RegressionMoments {
  readonly #data = new Float64Array(STATE_COUNT * STRIDE);

  #addTo(at: number, actual: number, error: number, absolute: number, percentage: number): void {
    const data = this.#data;
    addMoment(data, at + COUNT, actual);
    addCompensated(data, at + ABS, absolute);
    addCompensated(data, at + SQUARED, error * error);
    addCompensated(data, at + PERCENT, percentage);
  }

  /** Counts one pair of finite numbers in the full state and in the subsamples of `mask`. */
  add(actual: number, predicted: number, mask: number): void {
    const error = predicted - actual;
    const absolute = Math.abs(error);
    const percentage = absolute / Math.max(Math.abs(actual), MAPE_EPSILON);
    this.#addTo(0, actual, error, absolute, percentage);
    for (let j = 0; j < SUBSAMPLE_COUNT; j++) {
      if ((mask >>> j) & 1) this.#addTo((j + 1) * STRIDE, actual, error, absolute, percentage);
    }
  }

  /** Folds in every state of `other`. */
  addFrom(other: RegressionMoments): void {
    for (let state = 0; state < STATE_COUNT; state++) {
      const at = state * STRIDE;
      mergeMoment(this.#data, at + COUNT, other.#data, at + COUNT);
      mergeCompensated(this.#data, at + ABS, other.#data, at + ABS);
      mergeCompensated(this.#data, at + SQUARED, other.#data, at + SQUARED);
      mergeCompensated(this.#data, at + PERCENT, other.#data, at + PERCENT);
    }
  }

  /** The sums of `state` (0 = full data, j + 1 = subsample j). */
  sums(state: number): RegressionSums {
    const data = this.#data;
    const at = state * STRIDE;
    return {
      count: data[at + COUNT]!,
      totalSquares: data[at + M2]!,
      absoluteErrors: data[at + ABS]! + data[at + ABS + 1]!,
      squaredErrors: data[at + SQUARED]! + data[at + SQUARED + 1]!,
      percentageErrors: data[at + PERCENT]! + data[at + PERCENT + 1]!,
    };
  }
}
