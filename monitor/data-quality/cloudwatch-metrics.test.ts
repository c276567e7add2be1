import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudWatchServer, type CloudWatchTestServer } from '../../test/helpers/cloudwatch-server.ts';
import { DATA_BATCH_NAMESPACE, DATA_ENDPOINT_NAMESPACE, defaultNamespace, publishToCloudWatch } from '../publish/cloudwatch-api.ts';
import { writeCloudWatchMetricsFile } from '../publish/cloudwatch-file.ts';
import type { PublishContext } from '../publish/types.ts';
import { checkDataQuality } from './check-features.ts';
import { dataQualityMetrics } from './cloudwatch-metrics.ts';
import { DatasetProfile } from './dataset-profile.ts';
import { parseDataQualityConstraints } from './load-constraints.ts';

function summary() {
  const p = new DatasetProfile();
  for (const [age, city] of [[30, 'Oslo'], [40, 'Lima'], [null, 'Oslo'], [50, null]] as const) p.addRow(['age', 'city'], [age, city]);
  return p.summary();
}

const ctx: PublishContext = { timestamp: new Date('2024-05-06T22:00:00Z'), endpointName: 'ep', scheduleName: 'dq-hourly' };

describe('data-quality CloudWatch metrics', () => {
  it('names the built-in metrics per feature, with the Feature dimension and feature_data_ as StatisticValues', () => {
    const metrics = dataQualityMetrics(summary(), undefined);
    const age = metrics.filter((m) => m.dimensions?.[0]?.Value === 'age');
    expect(age.map((m) => m.name)).toEqual([
      'feature_data_age',
      'feature_non_null_age',
      'feature_null_age',
      'feature_completeness_age',
      'feature_estimated_unique_values_age',
      'feature_fractional_counts_age',
      'feature_integral_counts_age',
      'feature_string_counts_age',
      'feature_boolean_counts_age',
      'feature_unknown_counts_age',
    ]);
    expect(age[0]).toEqual({ name: 'feature_data_age', value: 40, unit: 'None', statisticValues: { SampleCount: 3, Sum: 120, Minimum: 30, Maximum: 50 }, dimensions: [{ Name: 'Feature', Value: 'age' }] });
    expect(age.find((m) => m.name === 'feature_completeness_age')!.value).toBe(0.75);
    expect(metrics.some((m) => m.name === 'feature_data_city')).toBe(false);
  });

  it('adds the drift value when the drift check ran, and honours emit_metrics per feature', () => {
    const constraints = parseDataQualityConstraints(
      JSON.stringify({ features: [{ name: 'age', monitoringConfigOverrides: { emit_metrics: 'Disabled' } }, { name: 'city' }] }),
      'c.json',
    );
    const checks = checkDataQuality(summary(), { constraints, statistics: { source: 's', features: [{ name: 'city', inferredType: 'String', categorical: { buckets: [{ value: 'Oslo', count: 1 }] } }], warnings: [] } });
    const metrics = dataQualityMetrics(summary(), checks.features);
    expect(metrics.some((m) => m.dimensions?.[0]?.Value === 'age')).toBe(false);
    const drift = metrics.find((m) => m.name === 'feature_baseline_drift_city')!;
    expect(drift.value).toBeGreaterThanOrEqual(0);
  });

  it('writes StatisticValues instead of Value in the metrics file, with Endpoint, MonitoringSchedule and Feature', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mpm-dq-cw-'));
    const result = await writeCloudWatchMetricsFile(dir, dataQualityMetrics(summary(), undefined), ctx);
    const lines = (await readFile(result.file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({
      MetricName: 'feature_data_age',
      Timestamp: '2024-05-06T22:00:00Z',
      Dimensions: [{ Name: 'Endpoint', Value: 'ep' }, { Name: 'MonitoringSchedule', Value: 'dq-hourly' }, { Name: 'Feature', Value: 'age' }],
      StatisticValues: { SampleCount: 3, Sum: 120, Minimum: 30, Maximum: 50 },
      Unit: 'None',
    });
    expect(lines.every((l) => !('Value' in l && 'StatisticValues' in l))).toBe(true);
    expect(lines[1]).toMatchObject({ MetricName: 'feature_non_null_age', Value: 3, Unit: 'Count' });
  });

  it('skips a metric CloudWatch would reject (an empty feature name as a dimension value)', async () => {
    const p = new DatasetProfile();
    p.addRow([''], [1]);
    const dir = await mkdtemp(path.join(tmpdir(), 'mpm-dq-cw-'));
    const result = await writeCloudWatchMetricsFile(dir, dataQualityMetrics(p.summary(), undefined), ctx);
    expect(result.lines).toBe(0);
    expect(result.skipped[0]!.reason).toMatch(/dimension Feature must have a name of 1 to 255 characters and a value of 1 to 1024/);
  });

  describe('PutMetricData', () => {
    let cw: CloudWatchTestServer;
    beforeAll(async () => {
      cw = await startCloudWatchServer();
    });
    afterAll(async () => {
      await cw?.close();
    });

    it('publishes to the data-metrics namespace with StatisticValues on the wire', async () => {
      expect(defaultNamespace('DATA_QUALITY', 'ep')).toBe(DATA_ENDPOINT_NAMESPACE);
      expect(defaultNamespace('DATA_QUALITY', undefined)).toBe(DATA_BATCH_NAMESPACE);
      const result = await publishToCloudWatch(dataQualityMetrics(summary(), undefined), ctx, {
        namespace: defaultNamespace('DATA_QUALITY', ctx.endpointName),
        region: 'us-east-1',
        endpointUrl: cw.endpoint,
        credentials: { accessKeyId: 'mpm-test', secretAccessKey: 'mpm-test-secret' },
      });
      expect(result).toMatchObject({ namespace: 'aws/sagemaker/Endpoints/data-metrics', published: 19, skipped: 0 });
      const body = cw.requests[0]!.body;
      expect(body.Namespace).toBe('aws/sagemaker/Endpoints/data-metrics');
      expect(body.MetricData[0]).toEqual({
        MetricName: 'feature_data_age',
        Dimensions: [{ Name: 'Endpoint', Value: 'ep' }, { Name: 'MonitoringSchedule', Value: 'dq-hourly' }, { Name: 'Feature', Value: 'age' }],
        Timestamp: Date.parse('2024-05-06T22:00:00Z') / 1000,
        StatisticValues: { SampleCount: 3, Sum: 120, Minimum: 30, Maximum: 50 },
        Unit: 'None',
      });
    });
  });
});
