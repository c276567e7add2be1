/**
 * @module PutMetricData through the real SDK client against a loopback CloudWatch: the wire format metric by metric,
 * batching at the API limits, the SDK's retries on throttling and 5xx, and failures reported rather than thrown.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BATCH_NAMESPACE,
  batchMetricData,
  ENDPOINT_NAMESPACE,
  publishToCloudWatch,
  type PublishToCloudWatchOptions,
} from '../../monitor/publish/cloudwatch-api.ts';
import type { PublishableMetric, PublishContext } from '../../monitor/publish/types.ts';
import { startCloudWatchServer, type CloudWatchTestServer } from '../helpers/cloudwatch-server.ts';

let cw: CloudWatchTestServer;
beforeAll(async () => {
  cw = await startCloudWatchServer();
});
afterAll(async () => {
  await cw?.close();
});
beforeEach(() => {
  cw.requests.length = 0;
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const ctx: PublishContext = {
  timestamp: new Date('2024-05-06T22:00:00.500Z'),
  endpointName: 'churn-prod',
  scheduleName: 'churn-mq-hourly',
};
const epochSeconds = Date.parse('2024-05-06T22:00:00Z') / 1000;
const credentials = { accessKeyId: 'mpm-test', secretAccessKey: 'mpm-test-secret' };

function options(extra: PublishToCloudWatchOptions = {}): PublishToCloudWatchOptions {
  return { region: 'us-east-1', endpointUrl: cw.endpoint, credentials, ...extra };
}

function many(count: number, prefix = 'metric_'): PublishableMetric[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i}`, value: i / 8 }));
}

describe('publishToCloudWatch', () => {
  it('sends PutMetricData as AWS JSON 1.0 with each metric named, valued, dimensioned and timestamped', async () => {
    const metrics: PublishableMetric[] = [
      { name: 'accuracy', value: 0.9125 },
      { name: 'records_unjoined', value: 12, unit: 'Count' },
      { name: 'records_unjoined_share', value: 1.5, unit: 'Percent' },
    ];
    const result = await publishToCloudWatch(metrics, ctx, options());
    expect(result).toEqual({ namespace: ENDPOINT_NAMESPACE, requests: 1, published: 3, skipped: 0, attempts: 1 });
    expect(cw.requests).toHaveLength(1);
    const [request] = cw.requests;
    expect(request!.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request!.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.PutMetricData');
    expect(request!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=mpm-test\/\d{8}\/us-east-1\/monitoring\//u);
    const dims = [
      { Name: 'Endpoint', Value: 'churn-prod' },
      { Name: 'MonitoringSchedule', Value: 'churn-mq-hourly' },
    ];
    expect(request!.body).toEqual({
      Namespace: 'aws/sagemaker/Endpoints/model-metrics',
      MetricData: [
        { MetricName: 'accuracy', Dimensions: dims, Timestamp: epochSeconds, Value: 0.9125, Unit: 'None' },
        { MetricName: 'records_unjoined', Dimensions: dims, Timestamp: epochSeconds, Value: 12, Unit: 'Count' },
        { MetricName: 'records_unjoined_share', Dimensions: dims, Timestamp: epochSeconds, Value: 1.5, Unit: 'Percent' },
      ],
    });
  });

  it('uses the ModelMonitoring namespace and MonitoringSchedule alone without an endpoint; a namespace option wins', async () => {
    const batch = await publishToCloudWatch([{ name: 'mae', value: 0.5 }], { ...ctx, endpointName: undefined }, options());
    expect(batch.namespace).toBe(BATCH_NAMESPACE);
    expect(cw.requests[0]!.body).toEqual({
      Namespace: 'aws/sagemaker/ModelMonitoring/model-metrics',
      MetricData: [
        {
          MetricName: 'mae',
          Dimensions: [{ Name: 'MonitoringSchedule', Value: 'churn-mq-hourly' }],
          Timestamp: epochSeconds,
          Value: 0.5,
          Unit: 'None',
        },
      ],
    });
    await publishToCloudWatch([{ name: 'mae', value: 0.5 }], { timestamp: ctx.timestamp }, options({ namespace: 'Custom/mpm' }));
    expect(cw.requests[1]!.body.Namespace).toBe('Custom/mpm');
    expect(cw.requests[1]!.body.MetricData[0]).not.toHaveProperty('Dimensions');
  });

  it('skips NaN and infinite values, and makes no request when nothing is left', async () => {
    const result = await publishToCloudWatch(
      [
        { name: 'r2', value: Number.NaN },
        { name: 'mae', value: 0.5 },
        { name: 'rmse', value: Number.POSITIVE_INFINITY },
      ],
      ctx,
      options(),
    );
    expect(result).toMatchObject({ requests: 1, published: 1, skipped: 2 });
    expect(cw.requests[0]!.body.MetricData.map((d) => d.MetricName)).toEqual(['mae']);
    const none = await publishToCloudWatch([{ name: 'r2', value: Number.NaN }], ctx, options());
    expect(none).toEqual({ namespace: ENDPOINT_NAMESPACE, requests: 0, published: 0, skipped: 1, attempts: 0 });
    expect(cw.requests).toHaveLength(1);
  });

  it('splits 2500 metrics into 3 requests of at most 1000 (gzip bodies on the wire)', async () => {
    const metrics = many(2500);
    const result = await publishToCloudWatch(metrics, ctx, options());
    expect(result).toMatchObject({ requests: 3, published: 2500, skipped: 0, attempts: 3 });
    expect(result.error).toBeUndefined();
    expect(cw.requests.map((r) => r.body.MetricData.length)).toEqual([1000, 1000, 500]);
    for (const r of cw.requests) {
      expect(r.headers['content-encoding']).toBe('gzip');
      expect(r.wireBytes).toBeLessThan(r.jsonBytes);
    }
    const sent = cw.requests.flatMap((r) => r.body.MetricData);
    expect(sent.map((d) => d.MetricName)).toEqual(metrics.map((m) => m.name));
    expect(sent.map((d) => d.Value)).toEqual(metrics.map((m) => m.value));
  });

  it('splits by size before 1000 metrics when the data would pass 1 MB', async () => {
    // Long names and dimension values (CloudWatch allows 255 and 1024 characters): ~1.2 KB per metric.
    const long = { ...ctx, endpointName: 'e'.repeat(450), scheduleName: 's'.repeat(450) };
    const metrics = many(950, `${'m'.repeat(200)}_`);
    const result = await publishToCloudWatch(metrics, long, options());
    expect(result).toMatchObject({ published: 950 });
    expect(result.requests).toBeGreaterThan(1);
    for (const r of cw.requests) expect(r.jsonBytes).toBeLessThanOrEqual(1_000_000);
    expect(cw.requests.flatMap((r) => r.body.MetricData).map((d) => d.MetricName)).toEqual(metrics.map((m) => m.name));
  });

  it('retries throttling with the SDK strategy, then succeeds', async () => {
    cw.answerNext('throttle', 'throttle');
    const result = await publishToCloudWatch(many(3), ctx, options({ maxAttempts: 4 }));
    expect(result).toEqual({ namespace: ENDPOINT_NAMESPACE, requests: 1, published: 3, skipped: 0, attempts: 3 });
    expect(cw.requests.map((r) => r.status)).toEqual([400, 400, 200]);
    expect(cw.requests.map((r) => r.headers['amz-sdk-request'])).toEqual([
      'attempt=1; max=4',
      'attempt=2; max=4',
      'attempt=3; max=4',
    ]);
    // The same data each time.
    expect(new Set(cw.requests.map((r) => JSON.stringify(r.body))).size).toBe(1);
  });

  it('retries a 500, then succeeds', async () => {
    cw.answerNext('server-error');
    const result = await publishToCloudWatch(many(2), ctx, options());
    expect(result).toMatchObject({ requests: 1, published: 2, attempts: 2 });
    expect(result.error).toBeUndefined();
    expect(cw.requests.map((r) => r.status)).toEqual([500, 200]);
  });

  it('reports persistent throttling as an error instead of throwing', async () => {
    cw.answerNext('throttle', 'throttle', 'throttle');
    const result = await publishToCloudWatch(many(5), ctx, options({ maxAttempts: 3 }));
    expect(result).toEqual({
      namespace: ENDPOINT_NAMESPACE,
      requests: 1,
      published: 0,
      skipped: 0,
      attempts: 3,
      error:
        'cloudwatch: PutMetricData failed for 1 of 1 requests (5 of 5 metrics not published to namespace ' +
        '"aws/sagemaker/Endpoints/model-metrics"): Throttling: Rate exceeded (after 3 attempts)',
    });
  });

  it('still sends the later batches when one fails, and says how many metrics were lost', async () => {
    cw.answerNext('ok', 'server-error');
    const result = await publishToCloudWatch(many(2500), ctx, options({ maxAttempts: 1 }));
    expect(result).toMatchObject({ requests: 3, published: 1500, attempts: 3 });
    expect(result.error).toBe(
      'cloudwatch: PutMetricData failed for 1 of 3 requests (1000 of 2500 metrics not published to namespace ' +
        '"aws/sagemaker/Endpoints/model-metrics"): InternalServiceFault: Internal error (after 1 attempts)',
    );
    expect(cw.accepted().map((r) => (r.body.MetricData[0] as { MetricName: string }).MetricName)).toEqual([
      'metric_0',
      'metric_2000',
    ]);
  });

  it('gives up on a silent endpoint after the request timeout', async () => {
    cw.answerNext('hang', 'hang');
    const result = await publishToCloudWatch(many(1), ctx, options({ maxAttempts: 2, requestTimeoutMs: 200 }));
    expect(result).toMatchObject({ requests: 1, published: 0, attempts: 2 });
    expect(result.error).toMatch(/^cloudwatch: PutMetricData failed for 1 of 1 requests .*TimeoutError/u);
  });

  it('reports an unreachable endpoint as an error', async () => {
    const result = await publishToCloudWatch(many(1), ctx, options({ endpointUrl: 'http://127.0.0.1:1', maxAttempts: 2 }));
    expect(result).toMatchObject({ requests: 1, published: 0, attempts: 2 });
    expect(result.error).toMatch(/ECONNREFUSED/u);
  });

  it('reports a missing region as an error naming AWS_REGION', async () => {
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/mpm-aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/mpm-aws-credentials');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    const result = await publishToCloudWatch(many(1), ctx, { endpointUrl: cw.endpoint, credentials });
    expect(result).toEqual({
      namespace: ENDPOINT_NAMESPACE,
      requests: 0,
      published: 0,
      skipped: 0,
      attempts: 0,
      error:
        'cloudwatch: cannot publish to namespace "aws/sagemaker/Endpoints/model-metrics": ' +
        'no AWS region; set AWS_REGION (or a region in the AWS profile)',
    });
    expect(cw.requests).toHaveLength(0);
  });
});

describe('batchMetricData', () => {
  const datum = (name: string) => ({ MetricName: name, Timestamp: new Date(0), Value: 1 });

  it('cuts at the count limit', () => {
    const batches = batchMetricData('ns', ['a', 'b', 'c', 'd', 'e'].map(datum), { maxDatumsPerRequest: 2, maxRequestBytes: 1e6 });
    expect(batches.map((b) => b.map((d) => d.MetricName))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('cuts at the byte limit, counting the request envelope', () => {
    const one = JSON.stringify({ ...datum('a'), Timestamp: 1_000_000_000 }).length + 1;
    const envelope = JSON.stringify({ Namespace: 'ns', MetricData: [] }).length;
    const limits = { maxDatumsPerRequest: 1000, maxRequestBytes: envelope + 2 * one };
    const batches = batchMetricData('ns', ['a', 'b', 'c'].map(datum), limits);
    expect(batches.map((b) => b.length)).toEqual([2, 1]);
  });

  it('keeps a datum bigger than the limit alone rather than dropping it', () => {
    const batches = batchMetricData('ns', ['a', 'b'].map(datum), { maxDatumsPerRequest: 1000, maxRequestBytes: 10 });
    expect(batches.map((b) => b.length)).toEqual([1, 1]);
  });
});
