/**
 * @module Regression metrics of one state from its sums: mae, mse, rmse, r2 and mape, as scikit-learn defines them.
 */
import type { RegressionSums } from './regression-moments.ts';
import { NO_RECORDS, undefinedScalars, type ScalarSet } from './scalar-results.ts';

/** Reasons recorded in `extra.not_computed`. */
export const ONE_RECORD_R2 = 'r2 needs at least two records (scikit-learn returns NaN)';

/**
 * r2 as scikit-learn `r2_score(force_finite=True)`: `1 − SS_res / SS_tot`, except 1.0 for perfect predictions and 0.0
 * when y is constant but the predictions are not.
 */
export function rSquared(squaredErrors: number, totalSquares: number): number {
  if (squaredErrors === 0) return 1;
  if (totalSquares === 0) return 0;
  return 1 - squaredErrors / totalSquares;
}

/** Every regression scalar of one state. */
export function regressionScalars(sums: RegressionSums): ScalarSet {
  const n = sums.count;
  if (n === 0) return undefinedScalars('Regression', NO_RECORDS);
  // Means from the exact sums: finite whenever the mean is, however large one error (issue 14, item 11).
  const values: Record<string, number> = {
    mae: sums.meanAbsoluteError,
    mse: sums.meanSquaredError,
    rmse: sums.rootMeanSquaredError,
    mape: sums.meanPercentageError,
  };
  const reasons: Record<string, string> = {};
  if (n < 2) reasons.r2 = ONE_RECORD_R2;
  else values.r2 = rSquared(sums.squaredErrors, sums.totalSquares);
  return { values, reasons };
}
