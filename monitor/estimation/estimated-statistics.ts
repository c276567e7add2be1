/**
 * @module Where an estimate shows outside the run: the `mpm_estimated_metrics` section of statistics.json (which
 * SageMaker readers ignore) and the CloudWatch metrics `estimated_<metric>`.
 */
import type { PublishableMetric } from '../publish/types.ts';
import { ESTIMATED_PREFIX } from './estimated-constraints.ts';
import { REGRESSION_NOT_ESTIMATED, type EstimationResult } from './estimation-result.ts';

/** The statistics.json key of the estimate. */
export const ESTIMATED_METRICS_KEY = 'mpm_estimated_metrics';
/** Layout version of the section. */
export const ESTIMATED_METRICS_VERSION = 1;

/** The window an estimate covers (contract timestamps; absent bounds: every record read). */
export interface EstimatedWindow {
  start_time?: string;
  end_time?: string;
}

/** The section: the estimate of one window, or why there is none. */
export type EstimatedMetricsSection = { version: number; window: EstimatedWindow } & (EstimationResult | { method: 'CBPE'; not_estimated_reason: string });

/** The section of an estimate. */
export function estimatedMetricsSection(result: EstimationResult, window: EstimatedWindow): EstimatedMetricsSection {
  return { version: ESTIMATED_METRICS_VERSION, window, ...result };
}

/** The section of a run that cannot estimate (regression; no model-quality data at all). */
export function notEstimatedSection(reason: string, window: EstimatedWindow): EstimatedMetricsSection {
  return { version: ESTIMATED_METRICS_VERSION, window, method: 'CBPE', not_estimated_reason: reason };
}

/** The regression section. */
export function regressionSection(window: EstimatedWindow): EstimatedMetricsSection {
  return notEstimatedSection(REGRESSION_NOT_ESTIMATED, window);
}

/** The CloudWatch metrics of an estimate: `estimated_<metric>` = value (the publishers drop non-finite values). */
export function estimatedCloudWatchMetrics(result: EstimationResult): PublishableMetric[] {
  return Object.entries(result.metrics).map(([name, metric]) => ({ name: ESTIMATED_PREFIX + name, value: metric.value, unit: 'None' as const }));
}
