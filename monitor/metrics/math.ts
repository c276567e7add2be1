/**
 * @module Numeric helpers of the metric accumulators: zero-division rules, F-beta, population standard deviation,
 * compensated (Neumaier) sums and the merged (Chan et al.) mean and sum of squared deviations.
 */

/**
 * `numerator / denominator`, or 0 when the denominator is 0: scikit-learn's `zero_division="warn"` (and `0`)
 * convention for precision, recall and the rates.
 */
export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/**
 * F-beta from precision and recall, written exactly as scikit-learn 1.2 `precision_recall_fscore_support` does
 * (`(1 + β²)·P·R / (β²·P + R)`, 0 when both are 0). This form reproduces the SageMaker documentation's values to the
 * last bit (f0_5 = 0.3846153846153846), which the `tp`-based form does not.
 */
export function fBeta(precision: number, recall: number, beta: number): number {
  const beta2 = beta * beta;
  const denominator = beta2 * precision + recall;
  return denominator === 0 ? 0 : ((1 + beta2) * precision * recall) / denominator;
}

/** Population standard deviation (ddof = 0) of `values`, as `numpy.std` computes it (mean first, then squares). */
export function populationStd(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return Math.sqrt(squares / values.length);
}

/**
 * Adds `x` to the Neumaier-compensated sum held at `data[at]` (sum) and `data[at + 1]` (compensation).
 * See https://en.wikipedia.org/wiki/Kahan_summation_algorithm#Further_enhancements. The value is `sum + compensation`.
 */
export function addCompensated(data: Float64Array, at: number, x: number): void {
  const sum = data[at]!;
  const total = sum + x;
  if (Math.abs(sum) >= Math.abs(x)) data[at + 1]! += sum - total + x;
  else data[at + 1]! += x - total + sum;
  data[at] = total;
}

/** Folds the compensated sum at `source[from]` into the one at `target[at]`. */
export function mergeCompensated(target: Float64Array, at: number, source: Float64Array, from: number): void {
  addCompensated(target, at, source[from]!);
  target[at + 1]! += source[from + 1]!;
}

/**
 * Welford's update of the running count, mean and sum of squared deviations (M2) held at `data[at]`, `data[at + 1]`,
 * `data[at + 2]`. See https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Welford's_online_algorithm.
 */
export function addMoment(data: Float64Array, at: number, x: number): void {
  const n = data[at]! + 1;
  const mean = data[at + 1]!;
  const delta = x - mean;
  const nextMean = mean + delta / n;
  data[at] = n;
  data[at + 1] = nextMean;
  data[at + 2]! += delta * (x - nextMean);
}

/**
 * Chan, Golub and LeVeque's pairwise combination of two (count, mean, M2) triples, the merge step of Welford's
 * algorithm. See https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Parallel_algorithm.
 */
export function mergeMoment(target: Float64Array, at: number, source: Float64Array, from: number): void {
  const nb = source[from]!;
  if (nb === 0) return;
  const na = target[at]!;
  if (na === 0) {
    target[at] = nb;
    target[at + 1] = source[from + 1]!;
    target[at + 2] = source[from + 2]!;
    return;
  }
  const n = na + nb;
  const delta = source[from + 1]! - target[at + 1]!;
  target[at] = n;
  target[at + 1] = target[at + 1]! + (delta * nb) / n;
  target[at + 2] = target[at + 2]! + source[from + 2]! + ((delta * delta * na) / n) * nb;
}
