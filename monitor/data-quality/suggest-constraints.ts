/**
 * @module Suggests a data-quality constraints.json from a baseline profile, in SageMaker's schema: per feature its
 * inferred_type, its completeness (the baseline's share of present values), num_constraints.is_non_negative for
 * numeric features (true when the minimum is >= 0, Deequ's NonNegativeNumbersRule) and string_constraints.domains for
 * low-cardinality String features; then the monitoring_config, written out in full with the built-in analyzer's
 * fallbacks (or the settings given).
 *
 * Domains follow Deequ's CategoricalRangeRule on its low-cardinality histograms: a String feature gets a domain
 * when it has at most DOMAIN_MAX_DISTINCT (120, ColumnProfiler.DEFAULT_CARDINALITY_THRESHOLD) distinct values, its
 * category counts are exact, and at most 10% of its categories were seen only once. The domain lists every
 * category, most frequent first.
 */
import type { DatasetSummary } from './dataset-profile.ts';
import type { FeatureSummary } from './feature-profile.ts';
import { ANALYZER_FALLBACKS, categoricalThreshold, type MonitoringConfig } from './load-constraints.ts';

/** Most distinct values of a String feature that gets a domain. */
export const DOMAIN_MAX_DISTINCT = 120;
/** Most share of categories seen once for a domain. */
export const DOMAIN_MAX_SINGLETON_SHARE = 0.1;

/** A constraints.json feature as written. */
export interface SuggestedFeature {
  name: string;
  inferred_type: string;
  completeness: number;
  num_constraints?: { is_non_negative: boolean };
  string_constraints?: { domains: string[] };
}

/** A data-quality constraints.json as written. */
export interface SuggestedConstraints {
  version: number;
  features: SuggestedFeature[];
  monitoring_config: {
    evaluate_constraints: 'Enabled' | 'Disabled';
    emit_metrics: 'Enabled' | 'Disabled';
    datatype_check_threshold: number;
    domain_content_threshold: number;
    distribution_constraints: {
      perform_comparison: 'Enabled' | 'Disabled';
      comparison_threshold: number;
      comparison_method: string;
      categorical_comparison_threshold: number;
      categorical_drift_method: string;
    };
  };
}

const onOff = (b: boolean): 'Enabled' | 'Disabled' => (b ? 'Enabled' : 'Disabled');

/** The domain of a String feature, or undefined when it should have none. */
export function suggestDomain(f: FeatureSummary): string[] | undefined {
  if (f.inferredType !== 'String' || f.categorical === undefined || f.categorical.approximate) return undefined;
  const buckets = f.categorical.buckets;
  if (buckets.length === 0 || buckets.length > DOMAIN_MAX_DISTINCT) return undefined;
  const singletons = buckets.filter((b) => b.count === 1).length;
  if (singletons / buckets.length > DOMAIN_MAX_SINGLETON_SHARE) return undefined;
  return buckets.map((b) => b.value);
}

function suggestFeature(f: FeatureSummary, itemCount: number): SuggestedFeature {
  const out: SuggestedFeature = { name: f.name, inferred_type: f.inferredType, completeness: itemCount === 0 ? 0 : f.present / itemCount };
  if (f.numeric !== undefined) out.num_constraints = { is_non_negative: f.numeric.min >= 0 };
  const domains = suggestDomain(f);
  if (domains !== undefined) out.string_constraints = { domains };
  return out;
}

/** constraints.json for a baseline profile. */
export function suggestDataQualityConstraints(summary: DatasetSummary, config: MonitoringConfig = ANALYZER_FALLBACKS): SuggestedConstraints {
  return {
    version: 0,
    features: summary.features.map((f) => suggestFeature(f, summary.itemCount)),
    monitoring_config: {
      evaluate_constraints: onOff(config.evaluateConstraints),
      emit_metrics: onOff(config.emitMetrics),
      datatype_check_threshold: config.datatypeCheckThreshold,
      domain_content_threshold: config.domainContentThreshold,
      distribution_constraints: {
        perform_comparison: onOff(config.performComparison),
        comparison_threshold: config.comparisonThreshold,
        comparison_method: config.comparisonMethod,
        categorical_comparison_threshold: categoricalThreshold(config),
        categorical_drift_method: config.categoricalDriftMethod,
      },
    },
  };
}
