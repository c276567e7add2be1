/**
 * @module The data-quality part of the run report (monitoring_report.json "data_quality"): the baseline read, what
 * the window's profile holds (records, features, capped columns, row problems), the monitoring_config applied, every
 * feature's check results and the violations. statistics.json and constraint_violations.json stay the reference.
 */
import type { DataQualityCheckResult, DataQualityViolation, FeatureCheck } from './check-features.ts';
import type { DatasetSummary, UnprofiledColumns } from './dataset-profile.ts';
import type { DataQualityConstraints, MonitoringConfig } from './load-constraints.ts';
import type { BaselineStatistics } from './load-statistics.ts';

/** One feature's checks as the run report lists them. */
export interface FeatureCheckReport {
  name: string;
  in_baseline: boolean;
  in_current: boolean;
  evaluated: boolean;
  expected_type?: string;
  type_match?: number;
  completeness?: number;
  expected_completeness?: number;
  domain_share?: number;
  is_non_negative?: { expected: boolean; min: number; holds: boolean };
  drift?: { status: 'pass' | 'violated'; kind: string; method: string; value: number; threshold: number; distance: number } | { status: 'not_evaluated'; why: string };
}

export interface DataQualityRunSection {
  baseline: { statistics?: string; constraints?: string; warnings?: string[] };
  /** The monitoring_config applied (the constraints file's, else the analyzer's fallbacks), in the file's spelling. */
  monitoring_config: Record<string, string | number | boolean>;
  item_count: number;
  features: number;
  /** Values dropped because their row already had a value for the column. */
  duplicate_values: number;
  /** The columns those values were given for (the first ten), when any. */
  duplicate_columns?: string[];
  unprofiled_columns: UnprofiledColumns;
  row_problems: Record<string, number>;
  max_features: number;
  /** Model-quality settings given to this run, which it does not read. */
  ignored_settings?: string[];
  checks: FeatureCheckReport[];
  violations: DataQualityViolation[];
}

function checkReport(c: FeatureCheck): FeatureCheckReport {
  const d = c.drift;
  return {
    name: c.name,
    in_baseline: c.inBaseline,
    in_current: c.inCurrent,
    evaluated: c.evaluated,
    ...(c.expectedType === undefined ? {} : { expected_type: c.expectedType }),
    ...(c.typeMatch === undefined ? {} : { type_match: c.typeMatch }),
    ...(c.completeness === undefined ? {} : { completeness: c.completeness }),
    ...(c.expectedCompleteness === undefined ? {} : { expected_completeness: c.expectedCompleteness }),
    ...(c.domainShare === undefined ? {} : { domain_share: c.domainShare }),
    ...(c.nonNegative === undefined ? {} : { is_non_negative: c.nonNegative }),
    ...(d === undefined
      ? {}
      : d.status === 'not_evaluated'
        ? { drift: d }
        : { drift: { status: d.status, kind: d.kind, method: d.method, value: d.value, threshold: d.threshold, distance: d.distance.simple } }),
  };
}

/** A monitoring_config as constraints.json spells its keys. */
function monitoringConfigReport(c: MonitoringConfig): Record<string, string | number | boolean> {
  return {
    evaluate_constraints: c.evaluateConstraints,
    emit_metrics: c.emitMetrics,
    datatype_check_threshold: c.datatypeCheckThreshold,
    domain_content_threshold: c.domainContentThreshold,
    perform_comparison: c.performComparison,
    comparison_threshold: c.comparisonThreshold,
    comparison_method: c.comparisonMethod,
    ...(c.categoricalComparisonThreshold === undefined ? {} : { categorical_comparison_threshold: c.categoricalComparisonThreshold }),
    categorical_drift_method: c.categoricalDriftMethod,
  };
}

export interface DataQualitySectionParts {
  summary: DatasetSummary;
  checks: DataQualityCheckResult;
  config: MonitoringConfig;
  statistics?: BaselineStatistics;
  constraints?: DataQualityConstraints;
  ignoredSettings: string[];
}

/** The run report's data_quality section. */
export function dataQualitySection(p: DataQualitySectionParts): DataQualityRunSection {
  const warnings = p.statistics?.warnings ?? [];
  return {
    baseline: {
      ...(p.statistics ? { statistics: p.statistics.source } : {}),
      ...(p.constraints ? { constraints: p.constraints.source } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    },
    monitoring_config: monitoringConfigReport(p.config),
    item_count: p.summary.itemCount,
    features: p.summary.features.length,
    duplicate_values: p.summary.duplicateValues,
    ...(p.summary.duplicateColumns.length > 0 ? { duplicate_columns: p.summary.duplicateColumns } : {}),
    unprofiled_columns: p.summary.unprofiled,
    row_problems: p.summary.problems,
    max_features: p.summary.maxFeatures,
    ...(p.ignoredSettings.length > 0 ? { ignored_settings: p.ignoredSettings } : {}),
    checks: p.checks.features.map(checkReport),
    violations: p.checks.violations,
  };
}
