/**
 * @module Mergeable sums behind the regression metrics, for the full data and the 5 subsamples: the count, and exact
 * sums (ExactSum) of y, y², |e|, e² and the absolute percentage error. Exact sums make every metric independent of
 * how the records were split into chunks, threads or hosts and of the merge order, to the last bit, and they cannot
 * overflow: a prediction of 1e308 leaves mae and r2 computable.
 */
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';
import { centralMoment, ExactSum, roundQuotient, roundScaled, SCALE } from './exact-sum.ts';
import { STATE_COUNT, SUBSAMPLE_COUNT } from './subsample.ts';

/** scikit-learn's ε in mean_absolute_percentage_error: `np.finfo(np.float64).eps`. */
export const MAPE_EPSILON = Number.EPSILON;

/** The sums of one state, each rounded once from its exact value. */
export interface RegressionSums {
  count: number;
  /** Σ (y − ȳ)², the total sum of squares of r2. */
  totalSquares: number;
  absoluteErrors: number;
  squaredErrors: number;
  percentageErrors: number;
  /** Exact quotients for sums beyond the double range (mae, mse and r2 stay computable). */
  exact: { meanAbsoluteError(): number; meanSquaredError(): number; rootMeanSquaredError(): number; residualRatio(): number };
}

/** The exact sums of one state. */
class StateSums {
  count = 0;
  readonly y = new ExactSum();
  readonly ySquares = new ExactSum();
  readonly absolute = new ExactSum();
  readonly squares = new ExactSum();
  readonly percentage = new ExactSum();

  add(actual: number, error: number, absolute: number, percentage: number): void {
    this.count++;
    this.y.add(actual);
    this.ySquares.addSquare(actual);
    this.absolute.add(absolute);
    this.squares.addSquare(error);
    this.percentage.add(percentage);
  }

  merge(other: StateSums): void {
    this.count += other.count;
    this.y.merge(other.y);
    this.ySquares.merge(other.ySquares);
    this.absolute.merge(other.absolute);
    this.squares.merge(other.squares);
    this.percentage.merge(other.percentage);
  }
}

const SUMS = ['y', 'ySquares', 'absolute', 'squares', 'percentage'] as const;

export class RegressionMoments {
  readonly #states = Array.from({ length: STATE_COUNT }, () => new StateSums());

  /** Counts one pair of finite numbers in the full state and in the subsamples of `mask`. */
  add(actual: number, predicted: number, mask: number): void {
    const error = predicted - actual;
    const absolute = Math.abs(error);
    const percentage = absolute / Math.max(Math.abs(actual), MAPE_EPSILON);
    this.#states[0]!.add(actual, error, absolute, percentage);
    for (let j = 0; j < SUBSAMPLE_COUNT; j++) {
      if ((mask >>> j) & 1) this.#states[j + 1]!.add(actual, error, absolute, percentage);
    }
  }

  /** Folds in every state of `other`. */
  addFrom(other: RegressionMoments): void {
    for (let state = 0; state < STATE_COUNT; state++) this.#states[state]!.merge(other.#states[state]!);
  }

  /** The sums of `state` (0 = full data, j + 1 = subsample j). */
  sums(state: number): RegressionSums {
    const s = this.#states[state]!;
    const n = BigInt(s.count);
    return {
      count: s.count,
      totalSquares: centralMoment(s.count, s.y, s.ySquares),
      absoluteErrors: s.absolute.value(),
      squaredErrors: s.squares.value(),
      percentageErrors: s.percentage.value(),
      exact: {
        meanAbsoluteError: () => quotient(s.absolute, n),
        meanSquaredError: () => quotient(s.squares, n),
        rootMeanSquaredError: () => rootOfQuotient(s.squares, n),
        // SS_res / SS_tot = n·E·2^S / (n·Q·2^S − Y²) with E, Q, Y the scaled sums of e², y², y.
        residualRatio: () => {
          const e = s.squares.scaled();
          const q = s.ySquares.scaled();
          const y = s.y.scaled();
          if (e === undefined || q === undefined || y === undefined) return NaN;
          const total = n * q * (1n << BigInt(SCALE)) - y * y;
          return total === 0n ? NaN : roundQuotient(n * e * (1n << BigInt(SCALE)), total, 0);
        },
      },
    };
  }

  save(): AccumulatorState {
    return {
      kind: 'regression-moments',
      version: 1,
      meta: { counts: this.#states.map((s) => s.count) },
      arrays: {},
      parts: Object.fromEntries(this.#states.flatMap((s, state) => SUMS.map((name) => [`${state}.${name}`, s[name].save()]))),
    };
  }

  static load(state: AccumulatorState): RegressionMoments {
    expectState(state, 'regression-moments', 1);
    const counts = (state.meta as { counts?: unknown } | null)?.counts;
    if (!Array.isArray(counts) || counts.length !== STATE_COUNT || counts.some((c) => !Number.isSafeInteger(c) || (c as number) < 0)) {
      throw new InputError('state: a regression-moments state has no valid counts');
    }
    const moments = new RegressionMoments();
    moments.#states.forEach((s, i) => {
      const loaded = new StateSums();
      loaded.count = counts[i] as number;
      for (const name of SUMS) {
        const part = state.parts?.[`${i}.${name}`];
        if (part === undefined) throw new InputError(`state: a regression-moments state lacks the sum ${i}.${name}`);
        loaded[name].merge(ExactSum.load(part));
      }
      s.merge(loaded);
    });
    return moments;
  }
}

/** An exact sum divided by n, rounded once. */
function quotient(sum: ExactSum, n: bigint): number {
  const scaled = sum.scaled();
  if (scaled === undefined || n === 0n) return NaN;
  return roundQuotient(scaled, n, -SCALE);
}

/** √(sum / n), within one unit in the last place: the integer square root of the exact quotient, 64 bits wide. */
function rootOfQuotient(sum: ExactSum, n: bigint): number {
  const scaled = sum.scaled();
  if (scaled === undefined || n === 0n || scaled < 0n) return NaN;
  // sum/n = scaled·2^-S/n; with 2k extra bits, √ = isqrt(scaled·2^2k / n)·2^(-(S/2) − k).
  const k = Math.max(0, 70 - Math.floor((scaled.toString(2).length - n.toString(2).length) / 2));
  return roundScaled(isqrt((scaled << BigInt(2 * k)) / n), -(SCALE / 2) - k);
}

/** ⌊√x⌋ for x ≥ 0 (Newton's method on BigInt). */
function isqrt(x: bigint): bigint {
  if (x < 2n) return x;
  let r = 1n << BigInt(Math.ceil(x.toString(2).length / 2));
  for (;;) {
    const next = (r + x / r) >> 1n;
    if (next >= r) return r;
    r = next;
  }
}
