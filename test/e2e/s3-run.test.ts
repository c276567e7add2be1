/**
 * @module End to end through S3 and CloudWatch: the real monitor CLI, as a child process, reads capture (1100 objects
 * under nested hour prefixes, one of them gzip), ground truth and constraints from an S3-compatible server started by
 * the test, writes its outputs there, and publishes its metrics with PutMetricData to a loopback CloudWatch that
 * records the SDK's real requests, first answering with throttling.
 */
import { spawn } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, TEST_CREDENTIALS, TEST_REGION, type S3TestServer } from '../helpers/s3-server.ts';
import { startCloudWatchServer, type CloudWatchTestServer } from '../helpers/cloudwatch-server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUCKET = 'mpm-e2e';

function captureLine(id: string, labels: number[], time: string): string {
  const input = JSON.stringify(labels.map((_, i) => ({ f0: i, f1: i * 2 })));
  const output = JSON.stringify(labels.map((label, i) => ({ payload_index: i, label, score: 0.9 })));
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: input, encoding: 'JSON' },
      endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: output, encoding: 'JSON' },
    },
    eventMetadata: { eventId: `event-${id}`, inferenceId: id, inferenceTime: time },
    eventVersion: '0',
  });
}

function runCli(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'monitor/cli.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

describe('a monitoring run whose inputs and outputs all live in S3', () => {
  let s3: S3TestServer;
  let cloudwatch: CloudWatchTestServer;
  let tmp: string;
  const put = (key: string, body: string | Buffer) => s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  const get = async (key: string) => (await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
  // 1100 requests of 2 records: predictions are [1, 0]; labels are [1, 1] for ids divisible by 4, else [1, 0].
  const REQUESTS = 1100;
  let expectedCorrect = 0;

  beforeAll(async () => {
    s3 = await startS3Server();
    cloudwatch = await startCloudWatchServer();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'mpm-s3-e2e-'));
    await writeFile(path.join(tmp, 'processingjobconfig.json'), '{}\n');
    await s3.createBucket(BUCKET);
    const gt: string[] = [];
    const puts: Array<Promise<unknown>> = [];
    for (let r = 0; r < REQUESTS; r++) {
      const id = `req-${r}`;
      const minute = String(r % 60).padStart(2, '0');
      const hour = r % 2 === 0 ? '03' : '3'; // zero-padded and unpadded hour prefixes
      const key = `capture/ep/AllTraffic/2024/01/02/${hour}/${minute}-00-000-${r}.jsonl`;
      const line = `${captureLine(id, [1, 0], `2024-01-02T03:${minute}:00Z`)}\n`;
      puts.push(r === 0 ? put(`${key}.gz`, gzipSync(line)) : put(key, line));
      const labels = r % 4 === 0 ? [1, 1] : [1, 0];
      labels.forEach((label, i) => gt.push(JSON.stringify({ InferenceId: id, payload_index: i, groundTruthLabel: label })));
      expectedCorrect += 1 + (labels[1] === 0 ? 1 : 0);
      if (puts.length >= 100) await Promise.all(puts.splice(0));
    }
    await Promise.all(puts);
    // An object in hour 13 and one outside the window: neither may be read as capture of hour 3.
    await put('capture/ep/AllTraffic/2024/01/02/13/00-00-000-x.jsonl', `${captureLine('other', [1, 0], '2024-01-02T13:00:00Z')}\n`);
    await put('groundtruth/2024/01/02/04/labels.jsonl', `${gt.join('\n')}\n`);
    await put('baseline/constraints.json', JSON.stringify({ version: 0, multiclass_classification_constraints: { accuracy: { threshold: 0.9, comparison_operator: 'LessThanThreshold' } } }));
  }, 120_000);

  afterAll(async () => {
    await s3?.close();
    await cloudwatch?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('reads capture, labels and constraints from S3, writes the reports there and publishes through PutMetricData despite throttling', async () => {
    cloudwatch.answerNext('throttle', 'throttle');
    const { code, stderr } = await runCli({
      dataset_source: `s3://${BUCKET}/capture`,
      ground_truth_s3_uri_path: `s3://${BUCKET}/groundtruth`,
      baseline_constraints: `s3://${BUCKET}/baseline/constraints.json`,
      output_path: `s3://${BUCKET}/out/ep/schedule/2024/01/02/03`,
      start_time: '2024-01-02T03:00:00Z',
      end_time: '2024-01-02T04:00:00Z',
      sagemaker_endpoint_name: 'ep',
      sagemaker_monitoring_schedule_name: 'schedule',
      problem_type: 'MulticlassClassification',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.endpoint,
      AWS_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      MPM_CLOUDWATCH_PUT_METRIC_DATA: 'Enabled',
      MPM_MESSAGE_FILE: path.join(tmp, 'message'),
      MPM_JOB_CONFIG_FILE: path.join(tmp, 'processingjobconfig.json'),
      CLOUDWATCH_METRICS_DIRECTORY: path.join(tmp, 'cloudwatch'),
      MPM_LOG_LEVEL: 'warn',
    });
    expect(code, stderr).toBe(0);
    const accuracy = expectedCorrect / (2 * REQUESTS);
    expect(accuracy).toBeLessThan(0.9);
    expect(await readFile(path.join(tmp, 'message'), 'utf8')).toBe('CompletedWithViolations: Job completed successfully with 1 violations.');

    const prefix = 'out/ep/schedule/2024/01/02/03';
    const statistics = JSON.parse(await get(`${prefix}/statistics.json`));
    expect(statistics.dataset.item_count).toBe(2 * REQUESTS);
    expect(statistics.multiclass_classification_metrics.accuracy.value).toBeCloseTo(accuracy, 12);
    expect(statistics.multiclass_classification_metrics.confusion_matrix).toEqual({
      '1': { '1': REQUESTS, '0': REQUESTS / 4 },
      '0': { '0': (3 * REQUESTS) / 4, '1': 0 },
    });
    const violations = JSON.parse(await get(`${prefix}/constraint_violations.json`));
    expect(violations.violations.map((v: { metric_name: string }) => v.metric_name)).toEqual(['accuracy']);
    const report = JSON.parse(await get(`${prefix}/monitoring_report.json`));
    expect(report.capture.files).toBe(REQUESTS);
    expect(report.capture.location).toBe(`s3://${BUCKET}/capture/ep`);
    expect(report.capture.pruned_folders).toBe(1); // hour 13
    expect(report.join.labels_without_prediction).toBe(0);
    expect(report.publish.putMetricData.error).toBeUndefined();

    // The SDK's real requests: two throttled, then accepted, with every metric of the run.
    expect(cloudwatch.requests.length).toBeGreaterThanOrEqual(3);
    const accepted = cloudwatch.accepted();
    expect(accepted).toHaveLength(1);
    const body = accepted[0]!.body;
    expect(body.Namespace).toBe('aws/sagemaker/Endpoints/model-metrics');
    const byName = new Map(body.MetricData.map((d) => [d.MetricName as string, d]));
    expect(byName.get('accuracy')?.Value).toBeCloseTo(accuracy, 12);
    expect(byName.get('joined_records')?.Value).toBe(2 * REQUESTS);
    expect(byName.get('accuracy')?.Dimensions).toEqual([
      { Name: 'Endpoint', Value: 'ep' },
      { Name: 'MonitoringSchedule', Value: 'schedule' },
    ]);
    expect(byName.get('accuracy')?.Timestamp).toBe(Date.parse('2024-01-02T04:00:00Z') / 1000);
  }, 180_000);
});
