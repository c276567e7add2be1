/**
 * @module The Model Monitor CloudWatch metrics file (BYOC contract): JSON Lines that the service publishes for us.
 */
import path from 'node:path';
import { OutputError } from '../errors.ts';
import { writeFileAtomic } from '../storage/local.ts';
import { formatMetricTimestamp, metricDimensions, partitionMetrics, type SkippedMetric } from './metric-datum.ts';
import type { PublishableMetric, PublishContext } from './types.ts';

/** The file name AWS's BYOC samples use. */
export const CLOUDWATCH_METRICS_FILE = 'cloudwatch_metrics.jsonl';

/** One line of the file. Never a Namespace (the service sets it), never StatisticValues next to Value. */
export interface CloudWatchMetricsLine {
  MetricName: string;
  Timestamp: string;
  Dimensions?: Array<{ Name: string; Value: string }>;
  Value: number;
  Unit: string;
}

/** What {@link writeCloudWatchMetricsFile} wrote. */
export interface CloudWatchMetricsFileResult {
  /** Absolute path of the file. */
  file: string;
  /** Lines written, one per published metric. */
  lines: number;
  /** Metrics left out because CloudWatch would reject them (NaN, Infinity...). */
  skipped: SkippedMetric[];
}

/** Builds the file's lines (one object per publishable metric). */
export function buildCloudWatchMetricsLines(
  metrics: readonly PublishableMetric[],
  ctx: PublishContext,
): { lines: CloudWatchMetricsLine[]; skipped: SkippedMetric[] } {
  if (Number.isNaN(ctx.timestamp.getTime())) {
    throw new OutputError(
      'cloudwatch: the metric timestamp is not a valid date; expected metric_time, end_time or now',
    );
  }
  const { publishable, skipped } = partitionMetrics(metrics);
  const timestamp = formatMetricTimestamp(ctx.timestamp);
  const dims = metricDimensions(ctx);
  const lines = publishable.map(
    (m): CloudWatchMetricsLine => ({
      MetricName: m.name,
      Timestamp: timestamp,
      ...(dims.length > 0 ? { Dimensions: dims } : {}),
      Value: m.value,
      Unit: m.unit ?? 'None',
    }),
  );
  return { lines, skipped };
}

/**
 * Writes `cloudwatch_metrics.jsonl` into `dir` (created if needed), atomically (temporary file + rename), so the
 * service never reads half a file. An empty metric list writes an empty file.
 *
 * @throws OutputError when the file cannot be written.
 */
export async function writeCloudWatchMetricsFile(
  dir: string,
  metrics: readonly PublishableMetric[],
  ctx: PublishContext,
): Promise<CloudWatchMetricsFileResult> {
  const { lines, skipped } = buildCloudWatchMetricsLines(metrics, ctx);
  const file = path.resolve(dir, CLOUDWATCH_METRICS_FILE);
  const body = lines.map((line) => `${JSON.stringify(line)}\n`).join('');
  try {
    await writeFileAtomic(file, body);
  } catch (error) {
    throw new OutputError(`cloudwatch: cannot write the metrics file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { file, lines: lines.length, skipped };
}
