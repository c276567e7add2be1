/**
 * @module What both CloudWatch publishers share: which metrics can be published, their dimensions and timestamp.
 */
import type { PublishableMetric, PublishContext } from './types.ts';

/** A CloudWatch dimension. */
export interface MetricDimension {
  Name: string;
  Value: string;
}

/** A metric left out of a publication, and why. */
export interface SkippedMetric {
  name: string;
  value: number;
  reason: string;
}

/** CloudWatch rejects values outside ±2^360 (API reference, PutMetricData). */
const MAX_MAGNITUDE = 2 ** 360;
/** MetricName is 1..255 characters (API reference, MetricDatum). */
const MAX_NAME_LENGTH = 255;
/** Dimension names are 1..255 characters, values 1..1024 (API reference, Dimension); at most 30 per metric. */
const MAX_DIMENSION_NAME = 255;
const MAX_DIMENSION_VALUE = 1024;
const MAX_DIMENSIONS = 30;

/**
 * The dimensions Model Monitor uses: Endpoint + MonitoringSchedule for a real-time endpoint, MonitoringSchedule
 * alone for batch, none when neither name is known (a local run); then the metric's own (Feature for data quality).
 */
export function metricDimensions(ctx: PublishContext, metric?: PublishableMetric): MetricDimension[] {
  const dims: MetricDimension[] = [];
  if (ctx.endpointName) dims.push({ Name: 'Endpoint', Value: ctx.endpointName });
  if (ctx.scheduleName) dims.push({ Name: 'MonitoringSchedule', Value: ctx.scheduleName });
  if (metric?.dimensions) dims.push(...metric.dimensions);
  return dims;
}

/** The timestamp truncated to whole seconds (the file's `YYYY-MM-DDTHH:MM:SSZ` has no fraction). */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** Formats `YYYY-MM-DDTHH:MM:SSZ`, the form Model Monitor's own files use. */
export function formatMetricTimestamp(date: Date): string {
  return wholeSeconds(date).toISOString().replace(/\.\d{3}Z$/u, 'Z');
}

/** Splits metrics into the ones CloudWatch accepts and the ones it would reject (with the reason). */
export function partitionMetrics(metrics: readonly PublishableMetric[]): {
  publishable: PublishableMetric[];
  skipped: SkippedMetric[];
} {
  const publishable: PublishableMetric[] = [];
  const skipped: SkippedMetric[] = [];
  for (const metric of metrics) {
    const reason = rejectReason(metric);
    if (reason === undefined) publishable.push(metric);
    else skipped.push({ name: metric.name, value: metric.value, reason });
  }
  return { publishable, skipped };
}

function rejectReason(metric: PublishableMetric): string | undefined {
  const stats = metric.statisticValues;
  const numbers = stats ? [stats.SampleCount, stats.Sum, stats.Minimum, stats.Maximum] : [metric.value];
  if (numbers.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    return 'value is not a finite number (CloudWatch does not accept NaN or Infinity)';
  }
  if (numbers.some((v) => Math.abs(v) > MAX_MAGNITUDE)) return 'value is outside the range CloudWatch accepts (±2^360)';
  if (stats && !(stats.SampleCount > 0 && stats.Minimum <= stats.Maximum)) return 'statistic values need SampleCount > 0 and Minimum <= Maximum';
  const dims = metric.dimensions ?? [];
  if (dims.length > MAX_DIMENSIONS - 2) return `a metric has at most ${MAX_DIMENSIONS} dimensions`;
  for (const d of dims) {
    if (d.Name.length === 0 || d.Name.length > MAX_DIMENSION_NAME || d.Value.length === 0 || d.Value.length > MAX_DIMENSION_VALUE) {
      return `dimension ${d.Name} must have a name of 1 to ${MAX_DIMENSION_NAME} characters and a value of 1 to ${MAX_DIMENSION_VALUE}`;
    }
  }
  if (metric.name.length === 0 || metric.name.length > MAX_NAME_LENGTH) {
    return `metric name must be 1 to ${MAX_NAME_LENGTH} characters`;
  }
  return undefined;
}
