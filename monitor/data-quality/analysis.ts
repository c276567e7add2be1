/**
 * @module The data-quality analysis from baseline to outputs, for the pipeline's stages: it builds the scan plan
 * (data-quality-plan.ts: a profile per capture file, merged in path order, so the result does not depend on the
 * worker count), and turns the run's profile into the window's outputs: the summary, statistics.json, the checks
 * (constraint_violations.json), the suggested constraints and the CloudWatch metrics. The trunk keeps the walk, the
 * window, the error tally and the writing of files.
 */
import type { PublishableMetric } from '../publish/types.ts';
import { buildDataQualityStatistics } from './build-statistics.ts';
import type { CaptureRowOptions } from './capture-rows.ts';
import { checkDataQuality, type DataQualityCheckResult } from './check-features.ts';
import { dataQualityMetrics } from './cloudwatch-metrics.ts';
import type { DatasetProfile, DatasetSummary } from './dataset-profile.ts';
import { DataQualityPlan } from './data-quality-plan.ts';
import { ANALYZER_FALLBACKS, type DataQualityConstraints, type MonitoringConfig } from './load-constraints.ts';
import type { BaselineStatistics } from './load-statistics.ts';
import type { DataQualityStatistics } from './statistics-schema.ts';
import { suggestDataQualityConstraints, type SuggestedConstraints } from './suggest-constraints.ts';

export interface DataQualityAnalysisOptions {
  /** The capture window [start, end) in epoch ms. */
  window: { start?: number; end?: number };
  /** Column layout (captureIndexNames, output position, names, exclusions); baselineNames default to the baseline's. */
  rows?: CaptureRowOptions;
  statistics?: BaselineStatistics;
  constraints?: DataQualityConstraints;
  /** The monitoring_config without a constraints file (default: the analyzer's fallbacks). */
  config?: MonitoringConfig;
  maxFeatures?: number;
}

/** What a window gives. */
export interface DataQualityResult {
  summary: DatasetSummary;
  statistics: DataQualityStatistics;
  checks: DataQualityCheckResult;
  /** The baseline suggestion of this window (suggest-baseline). */
  suggestion: SuggestedConstraints;
  /** CloudWatch metrics (emit_metrics honoured). */
  metrics: PublishableMetric[];
}

/**
 * The scan plan of a window against its baseline: positional columns are named by the baseline (the statistics',
 * else the constraints' feature names) unless the options name them, and the baseline's columns come first and are
 * always profiled, whatever keys the window brings.
 */
export function dataQualityPlan(options: DataQualityAnalysisOptions): DataQualityPlan {
  const baselineNames = options.rows?.baselineNames ?? options.statistics?.features.map((f) => f.name) ?? options.constraints?.features.map((f) => f.name);
  const excluded = options.rows?.excludeFeatures ?? [];
  const columns = (options.constraints?.features.map((f) => f.name) ?? options.statistics?.features.map((f) => f.name) ?? []).filter((n) => !excluded.includes(n));
  return new DataQualityPlan({
    window: options.window,
    rows: { ...options.rows, ...(baselineNames ? { baselineNames } : {}) },
    columns,
    ...(options.maxFeatures !== undefined ? { maxFeatures: options.maxFeatures } : {}),
  });
}

/** The outputs of a profile against a baseline (also for a tabular dataset read outside the capture scan). */
export function dataQualityResult(profile: DatasetProfile, options: Pick<DataQualityAnalysisOptions, 'statistics' | 'constraints' | 'config' | 'rows'>): DataQualityResult {
  const summary = profile.summary();
  const config = options.constraints?.config ?? options.config ?? ANALYZER_FALLBACKS;
  const checks = checkDataQuality(summary, {
    constraints: options.constraints,
    statistics: options.statistics,
    config,
    excludeFeatures: options.rows?.excludeFeatures,
  });
  return {
    summary,
    statistics: buildDataQualityStatistics(summary),
    checks,
    suggestion: suggestDataQualityConstraints(summary, config),
    metrics: dataQualityMetrics(summary, checks.features, config.emitMetrics),
  };
}
