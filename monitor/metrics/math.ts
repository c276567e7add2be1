/**
 * @module Numeric helpers of the metric accumulators: zero-division rules, F-beta, population standard deviation.
 * Exact sums (regression, data quality) are in exact-sum.ts.
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
  const std = unscaledStd(values);
  if (Number.isFinite(std)) return std;
  // Finite values whose squares (or sum) overflow, e.g. subsample mse values near 1e300: the same computation on
  // values divided by the largest magnitude, scaled back (only then, so that ordinary values keep their exact bits).
  let scale = 0;
  for (const v of values) scale = Math.max(scale, Math.abs(v));
  if (!Number.isFinite(scale) || scale === 0) return std;
  return unscaledStd(values.map((v) => v / scale)) * scale;
}

function unscaledStd(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return Math.sqrt(squares / values.length);
}
