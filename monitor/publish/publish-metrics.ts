/**
 * @module Publishes a run's metrics: every scalar statistic plus join health, to the Model Monitor metrics file
 * (publish_cloudwatch_metrics=Enabled) and/or PutMetricData (MPM_CLOUDWATCH_PUT_METRIC_DATA=Enabled), on every run.
 * A failure to publish never fails the job: it is reported in the run report and the log.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import type { InputErrorTally } from '../ingest/input-errors.ts';
import type { JoinSummary } from '../join/join-results.ts';
import type { ModelQualityResult } from '../metrics/types.ts';
import type { Violation } from '../constraints/evaluate.ts';
import { SYNTHETIC_METRIC } from '../constraints/synthetic.ts';
import { writeCloudWatchMetricsFile } from './cloudwatch-file.ts';
import { publishToCloudWatch, type PublishToCloudWatchResult } from './cloudwatch-api.ts';
import type { PublishableMetric, PublishContext } from './types.ts';
import type { Logger } from 'pino';
import { estimatedCloudWatchMetrics } from '../estimation/estimated-statistics.ts';
import type { EstimationResult } from '../estimation/estimation-result.ts';

export interface PublishSummary {
  timestamp: string;
  metrics: number;
  file?: { path: string; lines: number; skipped: number };
  putMetricData?: PublishToCloudWatchResult;
}

/** Join-health metric names (published beside the statistics keys). */
export const HEALTH_METRICS = {
  joined: 'joined_records',
  coverage: 'ground_truth_coverage',
  predictions: 'predictions',
  withoutLabel: 'predictions_without_ground_truth',
  inputErrors: 'input_errors',
  violations: 'violations',
} as const;

export function collectMetrics(result: ModelQualityResult, join: JoinSummary, tally: InputErrorTally, violations: Violation[], synthetic?: string, estimate?: EstimationResult): PublishableMetric[] {
  const metrics: PublishableMetric[] = Object.entries(result.scalars).map(([name, m]) => ({ name, value: m.value, unit: 'None' }));
  // The label-free estimates, as estimated_<metric> (published whether or not labels have come).
  if (estimate !== undefined) metrics.push(...estimatedCloudWatchMetrics(estimate));
  metrics.push({ name: HEALTH_METRICS.joined, value: join.joined, unit: 'Count' });
  // A window without predictions has no coverage: a 0% point would set off a low-coverage alarm in every hour without
  // traffic (the predictions metric, 0, says what happened; the alarm's missing-data rule decides).
  if (join.predictions > 0) metrics.push({ name: HEALTH_METRICS.coverage, value: (100 * join.joined) / join.predictions, unit: 'Percent' });
  metrics.push(
    { name: HEALTH_METRICS.predictions, value: join.predictions, unit: 'Count' },
    { name: HEALTH_METRICS.withoutLabel, value: join.predictions_without_label, unit: 'Count' },
    { name: HEALTH_METRICS.inputErrors, value: tally.total(), unit: 'Count' },
    { name: HEALTH_METRICS.violations, value: violations.length, unit: 'Count' },
  );
  if (synthetic !== undefined) metrics.push({ name: synthetic, value: -1, unit: 'None' });
  return metrics;
}

export async function publishMetrics(
  config: MonitorConfig,
  verdict: { result: ModelQualityResult; violations: Violation[]; estimate?: EstimationResult },
  join: JoinSummary,
  tally: InputErrorTally,
  deps: { log: Logger; now: () => Date },
  evaluationTime: Date,
): Promise<PublishSummary> {
  const synthetic = config.createViolationTests ? SYNTHETIC_METRIC : undefined;
  const metrics = collectMetrics(verdict.result, join, tally, verdict.violations, synthetic, verdict.estimate);
  return publishMetricList(config, metrics, config.cloudwatch.namespace, deps, evaluationTime);
}

/**
 * Publishes `metrics` to the metrics file and/or PutMetricData (in `namespace`, else the model-metrics default),
 * stamped with metric_time, else end_time, else the evaluation time. A PutMetricData failure goes into the summary
 * (the run goes on); a metrics file that cannot be written throws OutputError.
 */
export async function publishMetricList(
  config: MonitorConfig,
  metrics: PublishableMetric[],
  namespace: string | undefined,
  deps: { log: Logger },
  evaluationTime: Date,
): Promise<PublishSummary> {
  const timestamp = new Date(config.metricTime ?? config.window.end ?? evaluationTime.getTime());
  const ctx: PublishContext = { timestamp, endpointName: config.endpointName, scheduleName: config.scheduleName };
  const summary: PublishSummary = { timestamp: timestamp.toISOString(), metrics: metrics.length };
  if (config.publishCloudWatchMetrics) {
    // The file is one of the job's outputs (the service publishes from it): failing to write it fails the run (exit
    // 4, OutputError), as a report file does. It used to be logged while the run said Completed, publishing nothing.
    const written = await writeCloudWatchMetricsFile(config.paths.cloudwatchDir, metrics, ctx);
    summary.file = { path: written.file, lines: written.lines, skipped: written.skipped.length };
  }
  if (config.cloudwatch.putMetricData) {
    summary.putMetricData = await publishToCloudWatch(metrics, ctx, { namespace, endpointUrl: config.cloudwatch.endpointUrl });
    if (summary.putMetricData.error) deps.log.error({ error: summary.putMetricData.error }, 'PutMetricData failed');
  }
  return summary;
}
