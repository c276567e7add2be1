/**
 * @module The built-in data-quality CloudWatch metrics, per feature, with the Feature dimension, as the SageMaker
 * documentation ("CloudWatch Metrics" of the built-in container) and the SDK's data-quality dashboard name them:
 * - feature_data_{f}: numeric features, as StatisticValues {SampleCount, Sum, Minimum, Maximum} (the dashboard
 *   reads Max, Min, Sum, SampleCount and Average from it);
 * - feature_non_null_{f} and feature_null_{f}: present and missing values (Count);
 * - feature_completeness_{f}: the share of rows with a value;
 * - feature_estimated_unique_values_{f}: the distinct count;
 * - feature_{fractional|integral|string|boolean|unknown}_counts_{f}: values of each type (unknown: missing);
 * - feature_baseline_drift_{f}: the value the drift check compared (distance, or ChiSquared p-value), when it ran.
 * emit_metrics Disabled (globally, or in a feature's overrides) leaves a feature's metrics out. The metrics go to
 * the existing writers (monitor/publish/): the metrics file, or PutMetricData in the data-metrics namespace
 * (defaultNamespace('DATA_QUALITY', endpoint)).
 */
import type { PublishableMetric } from '../publish/types.ts';
import type { FeatureCheck } from './check-features.ts';
import type { DatasetSummary } from './dataset-profile.ts';

/** The Feature dimension's name. */
export const FEATURE_DIMENSION = 'Feature';

/**
 * The metrics of a window. `checks` (from checkDataQuality) carries each feature's emit_metrics and drift; without
 * it every feature is emitted when `emitMetrics` (the global setting) is on.
 */
export function dataQualityMetrics(summary: DatasetSummary, checks: readonly FeatureCheck[] | undefined, emitMetrics = true): PublishableMetric[] {
  const byName = new Map((checks ?? []).map((c) => [c.name, c]));
  const metrics: PublishableMetric[] = [];
  for (const f of summary.features) {
    const check = byName.get(f.name);
    if (!(check?.emitMetrics ?? emitMetrics)) continue;
    const dimensions = [{ Name: FEATURE_DIMENSION, Value: f.name }];
    const add = (name: string, value: number, unit: PublishableMetric['unit']): void => {
      metrics.push({ name: `${name}${f.name}`, value, unit, dimensions });
    };
    if (f.numeric !== undefined) {
      const n = f.numeric;
      metrics.push({ name: `feature_data_${f.name}`, value: n.mean, unit: 'None', statisticValues: { SampleCount: n.count, Sum: n.sum, Minimum: n.min, Maximum: n.max }, dimensions });
    }
    add('feature_non_null_', f.present, 'Count');
    add('feature_null_', summary.itemCount - f.present, 'Count');
    if (summary.itemCount > 0) add('feature_completeness_', f.present / summary.itemCount, 'None');
    add('feature_estimated_unique_values_', f.distinct, 'Count');
    add('feature_fractional_counts_', f.counts.fractional, 'Count');
    add('feature_integral_counts_', f.counts.integral, 'Count');
    add('feature_string_counts_', f.counts.string, 'Count');
    add('feature_boolean_counts_', f.counts.boolean, 'Count');
    add('feature_unknown_counts_', summary.itemCount - f.present, 'Count');
    if (check?.drift !== undefined && check.drift.status !== 'not_evaluated') add('feature_baseline_drift_', check.drift.value, 'None');
  }
  return metrics;
}
