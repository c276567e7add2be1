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

/**
 * Every regression scalar of one state. The sums are exact (regression-moments.ts); when one exceeds the double
 * range (an error of 1e200 squared), mae, mse and r2 come from exact quotients and rmse from the square root of the
 * exact mean, so one huge prediction does not leave the window without metrics.
 */
export function regressionScalars(sums: RegressionSums): ScalarSet {
  const n = sums.count;
  if (n === 0) return undefinedScalars('Regression', NO_RECORDS);
  const mse = Number.isFinite(sums.squaredErrors) ? sums.squaredErrors / n : sums.exact.meanSquaredError();
  const values: Record<string, number> = {
    mae: Number.isFinite(sums.absoluteErrors) ? sums.absoluteErrors / n : sums.exact.meanAbsoluteError(),
    mse,
    rmse: Number.isFinite(mse) ? Math.sqrt(mse) : sums.exact.rootMeanSquaredError(),
    mape: sums.percentageErrors / n,
  };
  const reasons: Record<string, string> = {};
  if (n < 2) reasons.r2 = ONE_RECORD_R2;
  else if (Number.isFinite(sums.squaredErrors) && Number.isFinite(sums.totalSquares)) values.r2 = rSquared(sums.squaredErrors, sums.totalSquares);
  else values.r2 = sums.squaredErrors === 0 ? 1 : sums.totalSquares === 0 ? 0 : 1 - sums.exact.residualRatio();
  return { values, reasons };
}
