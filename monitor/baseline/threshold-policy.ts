/**
 * @module How suggest-baseline turns baseline metrics into constraints, so that a healthy model does not alert on
 * sampling noise.
 *
 * For each scalar metric (the *_best_constant_classifier family is skipped: it describes the label mix, not the
 * model) the threshold sits k noise units on the bad side of the baseline value:
 *   higher-is-better (accuracy, f1, auc, r2, ...):  threshold = value - k * noise, LessThanThreshold
 *   lower-is-better (mae, mse, rmse, mape, false_positive_rate, false_negative_rate): value + k * noise, GreaterThanThreshold
 * noise is the expected standard deviation of the metric over one monitoring run of m records. The baseline's
 * standard_deviation s is the spread over 80% subsamples of its n records; for a mean-like metric that spread is
 * sigma * sqrt(0.2 / (0.8 n)), while a fresh sample of m records spreads by sigma / sqrt(m), so
 *   noise = s * sqrt(0.8 n / (0.2 m)) = 2 s sqrt(n / m).
 * m defaults to n (runs as large as the baseline). Five subsamples give a rough estimate of s (it is often low by half),
 * so for metrics that are shares of records (bounded to [0, 1]: accuracy, precision, recall, f-scores, rates, auc)
 * the noise is at least the binomial standard deviation sqrt(v (1 - v) / m) of a share v over m records.
 * Metrics bounded to [0, 1] keep their thresholds in [0, 1]. Without any noise estimate (an unbounded metric with
 * fewer records than MPM_MIN_RECORDS_FOR_STD) the threshold is the value itself.
 */
import type { ComparisonOperator } from '../constraints/operators.ts';
import type { MetricValue } from '../metrics/types.ts';

export const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['mae', 'mse', 'rmse', 'mape', 'false_positive_rate', 'false_negative_rate']);
const UNBOUNDED: ReadonlySet<string> = new Set(['mae', 'mse', 'rmse', 'mape', 'r2']);

export interface PolicyOptions {
  /** Noise units between the baseline value and the threshold. Default 3. */
  k: number;
  /** Records in the baseline. */
  baselineRecords: number;
  /** Records expected in one monitoring run. Default: baselineRecords. */
  expectedRecords?: number;
}

export interface SuggestedConstraint {
  metric: string;
  threshold: number;
  comparison_operator: ComparisonOperator;
  baseline_value: number;
  noise: number | null;
}

export function suggestConstraints(scalars: Record<string, MetricValue>, policy: PolicyOptions): SuggestedConstraint[] {
  const n = policy.baselineRecords;
  const m = policy.expectedRecords ?? n;
  const out: SuggestedConstraint[] = [];
  for (const [metric, { value, standard_deviation: s }] of Object.entries(scalars)) {
    if (metric.endsWith('_best_constant_classifier') || !Number.isFinite(value)) continue;
    const bootstrap = typeof s === 'number' && Number.isFinite(s) && n > 0 && m > 0 ? 2 * s * Math.sqrt(n / m) : null;
    const binomial = !UNBOUNDED.has(metric) && m > 0 ? Math.sqrt((Math.min(1, Math.max(0, value)) * (1 - Math.min(1, Math.max(0, value)))) / m) : null;
    const noise = bootstrap === null && binomial === null ? null : Math.max(bootstrap ?? 0, binomial ?? 0);
    const lower = LOWER_IS_BETTER.has(metric);
    let threshold = noise === null ? value : lower ? value + policy.k * noise : value - policy.k * noise;
    if (!UNBOUNDED.has(metric)) threshold = Math.min(1, Math.max(0, threshold));
    if (lower && UNBOUNDED.has(metric)) threshold = Math.max(0, threshold);
    out.push({ metric, threshold, comparison_operator: lower ? 'GreaterThanThreshold' : 'LessThanThreshold', baseline_value: value, noise });
  }
  return out;
}
