/**
 * @module Publishes run metrics with CloudWatch PutMetricData directly, for runs outside a SageMaker schedule (where
 * nobody reads the metrics file). Batched within the API limits, retried by the SDK, and never throws.
 */
// The SDK is imported when metrics are published (start-up of a run that does not publish stays lighter).
import type { CloudWatchClient, CloudWatchClientConfig, MetricDatum } from '@aws-sdk/client-cloudwatch';
import { metricDimensions, partitionMetrics, wholeSeconds } from './metric-datum.ts';
import type { PublishableMetric, PublishContext } from './types.ts';

/** Namespace Model Monitor uses for model-quality metrics of a real-time endpoint. */
export const ENDPOINT_NAMESPACE = 'aws/sagemaker/Endpoints/model-metrics';
/** Namespace Model Monitor uses for model-quality metrics of batch transform jobs (no endpoint). */
export const BATCH_NAMESPACE = 'aws/sagemaker/ModelMonitoring/model-metrics';
/** Namespace of the built-in data-quality metrics of a real-time endpoint (the SDK's data-quality dashboard). */
export const DATA_ENDPOINT_NAMESPACE = 'aws/sagemaker/Endpoints/data-metrics';
/** Namespace of the built-in data-quality metrics of batch transform jobs. */
export const DATA_BATCH_NAMESPACE = 'aws/sagemaker/ModelMonitoring/data-metrics';

/** The default PutMetricData namespace of an analysis: model-metrics or data-metrics, endpoint or batch. */
export function defaultNamespace(analysis: 'MODEL_QUALITY' | 'DATA_QUALITY', endpointName?: string): string {
  if (analysis === 'DATA_QUALITY') return endpointName ? DATA_ENDPOINT_NAMESPACE : DATA_BATCH_NAMESPACE;
  return endpointName ? ENDPOINT_NAMESPACE : BATCH_NAMESPACE;
}

/**
 * PutMetricData limits (API reference, checked 2026): at most 1000 metric data per request and 1 MB per HTTP POST.
 * The byte budget stays under 1,000,000 with room to spare, measured on the uncompressed JSON body.
 */
export const PUT_METRIC_DATA_LIMITS = { maxDatumsPerRequest: 1000, maxRequestBytes: 1_000_000 - 4096 } as const;

/** Options of {@link publishToCloudWatch}. */
export interface PublishToCloudWatchOptions {
  /** Default: {@link ENDPOINT_NAMESPACE}, or {@link BATCH_NAMESPACE} when there is no endpoint. */
  namespace?: string;
  /** Default: the standard AWS SDK chain (AWS_REGION, profile, instance metadata). */
  region?: string;
  /** Endpoint override (else the SDK reads AWS_ENDPOINT_URL_CLOUDWATCH / AWS_ENDPOINT_URL). */
  endpointUrl?: string;
  /** Attempts per request, including the first, for throttling, 5xx and network errors. Default 5. */
  maxAttempts?: number;
  /** Per-attempt timeout in milliseconds. Default 30000. */
  requestTimeoutMs?: number;
  /** A ready client; when given, region, endpointUrl, maxAttempts and requestTimeoutMs are ignored. */
  client?: CloudWatchClient;
  /** Credentials; default the standard AWS SDK chain. Ignored with `client`. */
  credentials?: CloudWatchClientConfig['credentials'];
}

/** What {@link publishToCloudWatch} did. `error` is set when some metrics could not be published. */
export interface PublishToCloudWatchResult {
  namespace: string;
  /** PutMetricData requests made (one per batch). */
  requests: number;
  /** Metrics CloudWatch accepted. */
  published: number;
  /** Metrics left out because CloudWatch would reject them (NaN, Infinity, out of range, bad name). */
  skipped: number;
  /** HTTP attempts over all requests (retries included). */
  attempts: number;
  error?: string;
}

/** Splits metric data into requests within the count and size limits. */
export function batchMetricData(
  namespace: string,
  data: readonly MetricDatum[],
  limits: { maxDatumsPerRequest: number; maxRequestBytes: number } = PUT_METRIC_DATA_LIMITS,
): MetricDatum[][] {
  const envelope = Buffer.byteLength(JSON.stringify({ Namespace: namespace, MetricData: [] }));
  const batches: MetricDatum[][] = [];
  let batch: MetricDatum[] = [];
  let bytes = envelope;
  for (const datum of data) {
    // The SDK sends the same fields as JSON with the timestamp as epoch seconds; +1 for the separating comma.
    const size = Buffer.byteLength(JSON.stringify({ ...datum, Timestamp: 1_000_000_000 })) + 1;
    if (batch.length > 0 && (batch.length >= limits.maxDatumsPerRequest || bytes + size > limits.maxRequestBytes)) {
      batches.push(batch);
      batch = [];
      bytes = envelope;
    }
    batch.push(datum);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

function attemptsOf(value: unknown): number {
  const attempts = (value as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 0 ? attempts : 1;
}

function describeError(error: unknown): string {
  const err = error as Error & { $metadata?: { attempts?: number } };
  const name = err?.name && err.name !== 'Error' ? `${err.name}: ` : '';
  const tries = err?.$metadata?.attempts ? ` (after ${err.$metadata.attempts} attempts)` : '';
  return `${name}${err?.message ?? String(error)}${tries}`;
}

/**
 * Publishes the metrics with PutMetricData: one datum per metric, with the Model Monitor dimensions and the run's
 * timestamp. Throttling, 5xx and network errors are retried by the SDK's standard strategy (exponential backoff with
 * full jitter, up to `maxAttempts`). Never throws: a failure comes back in `error`, and later batches are still sent.
 */
export async function publishToCloudWatch(
  metrics: readonly PublishableMetric[],
  ctx: PublishContext,
  options: PublishToCloudWatchOptions = {},
): Promise<PublishToCloudWatchResult> {
  const namespace = options.namespace || (ctx.endpointName ? ENDPOINT_NAMESPACE : BATCH_NAMESPACE);
  const result: PublishToCloudWatchResult = { namespace, requests: 0, published: 0, skipped: 0, attempts: 0 };
  let client: CloudWatchClient | undefined;
  try {
    const { publishable, skipped } = partitionMetrics(metrics);
    result.skipped = skipped.length;
    if (publishable.length === 0) return result;
    if (Number.isNaN(ctx.timestamp.getTime())) throw new Error('the metric timestamp is not a valid date');
    const timestamp = wholeSeconds(ctx.timestamp);
    const data = publishable.map((m): MetricDatum => {
      const dims = metricDimensions(ctx, m);
      return {
        MetricName: m.name,
        ...(dims.length > 0 ? { Dimensions: dims } : {}),
        Timestamp: timestamp,
        ...(m.statisticValues ? { StatisticValues: { ...m.statisticValues } } : { Value: m.value }),
        Unit: m.unit ?? 'None',
      };
    });
    const sdk = await import('@aws-sdk/client-cloudwatch');
    client = options.client ?? createClient(sdk.CloudWatchClient, options);
    if (!options.client && !options.region) {
      const region = await client.config.region().catch(() => undefined);
      if (!region) throw new Error('no AWS region; set AWS_REGION (or a region in the AWS profile)');
    }
    const failures: string[] = [];
    let unpublished = 0;
    for (const batch of batchMetricData(namespace, data)) {
      result.requests++;
      try {
        const out = await client.send(new sdk.PutMetricDataCommand({ Namespace: namespace, MetricData: batch }));
        result.attempts += attemptsOf(out);
        result.published += batch.length;
      } catch (error) {
        result.attempts += attemptsOf(error);
        unpublished += batch.length;
        failures.push(describeError(error));
      }
    }
    if (failures.length > 0) {
      result.error =
        `cloudwatch: PutMetricData failed for ${failures.length} of ${result.requests} requests ` +
        `(${unpublished} of ${data.length} metrics not published to namespace ${JSON.stringify(namespace)}): ` +
        [...new Set(failures)].join('; ');
    }
  } catch (error) {
    result.error = `cloudwatch: cannot publish to namespace ${JSON.stringify(namespace)}: ${describeError(error)}`;
  } finally {
    if (client !== undefined && options.client === undefined) client.destroy();
  }
  return result;
}

function createClient(Client: typeof CloudWatchClient, options: PublishToCloudWatchOptions): CloudWatchClient {
  return new Client({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 5,
    // Without timeouts a silent endpoint would hold the job until its MaxRuntimeInSeconds.
    // (throwOnRequestTimeout: without it the handler only logs a warning when requestTimeout passes.)
    requestHandler: {
      connectionTimeout: 5000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      throwOnRequestTimeout: true,
    },
  });
}
