/**
 * @module The Model Monitor metrics file, checked line by line against the BYOC contract (sagemaker-contract.md §2.3).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError } from '../../monitor/errors.ts';
import { CLOUDWATCH_METRICS_FILE, writeCloudWatchMetricsFile } from '../../monitor/publish/cloudwatch-file.ts';
import type { PublishableMetric, PublishContext } from '../../monitor/publish/types.ts';

const UNITS = new Set(['Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes',
  'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second',
  'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second',
  'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None']);

/** The contract's schema for one line; returns the problems found (none for a valid line). */
function lineProblems(line: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const allowed = new Set(['MetricName', 'Timestamp', 'Dimensions', 'Value', 'StatisticValues', 'Unit']);
  for (const key of Object.keys(line)) if (!allowed.has(key)) problems.push(`unexpected key ${key}`);
  if ('Namespace' in line) problems.push('a namespace in the file (the service sets it)');
  if (typeof line.MetricName !== 'string' || line.MetricName.length === 0) problems.push('MetricName missing');
  if (typeof line.Timestamp !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/u.test(line.Timestamp)) {
    problems.push('Timestamp missing or not YYYY-MM-DDTHH:MM:SSZ');
  }
  const hasValue = 'Value' in line;
  const hasStats = 'StatisticValues' in line;
  if (hasValue === hasStats) problems.push('exactly one of Value and StatisticValues is required');
  if (hasValue && (typeof line.Value !== 'number' || !Number.isFinite(line.Value))) problems.push('Value not finite');
  if ('Dimensions' in line) {
    const dims = line.Dimensions;
    if (!Array.isArray(dims) || dims.length === 0 || dims.length > 30) problems.push('Dimensions not a 1..30 array');
    else for (const d of dims as Array<Record<string, unknown>>) {
      if (Object.keys(d).sort().join() !== 'Name,Value' || typeof d.Name !== 'string' || typeof d.Value !== 'string' ||
        d.Value.length === 0) problems.push(`bad dimension ${JSON.stringify(d)}`);
    }
  }
  if ('Unit' in line && !UNITS.has(line.Unit as string)) problems.push(`unknown Unit ${String(line.Unit)}`);
  return problems;
}

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mpm-cw-file-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function readLines(file: string): Promise<{ text: string; lines: Array<Record<string, unknown>> }> {
  const text = await readFile(file, 'utf8');
  const raw = text.split('\n');
  expect(raw.pop()).toBe(''); // ends with a newline, no blank lines
  return { text, lines: raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const ctx: PublishContext = {
  timestamp: new Date('2024-05-06T22:00:00.987Z'),
  endpointName: 'churn-prod',
  scheduleName: 'churn-mq-hourly',
};
const metrics: PublishableMetric[] = [
  { name: 'accuracy', value: 0.9125 },
  { name: 'weighted_f1', value: 0.875, unit: 'None' },
  { name: 'records_unjoined', value: 12, unit: 'Count' },
  { name: 'records_unjoined_share', value: 1.5, unit: 'Percent' },
];

describe('writeCloudWatchMetricsFile', () => {
  it('writes one compact JSON object per metric with the endpoint and schedule dimensions', async () => {
    const dir = path.join(await freshDir(), 'metrics', 'cloudwatch');
    const result = await writeCloudWatchMetricsFile(dir, metrics, ctx);
    expect(result).toEqual({ file: path.join(dir, CLOUDWATCH_METRICS_FILE), lines: 4, skipped: [] });
    const { text, lines } = await readLines(result.file);
    expect(text).not.toContain('\n '); // not pretty-printed
    for (const line of lines) expect(lineProblems(line)).toEqual([]);
    const dims = [
      { Name: 'Endpoint', Value: 'churn-prod' },
      { Name: 'MonitoringSchedule', Value: 'churn-mq-hourly' },
    ];
    expect(lines).toEqual([
      { MetricName: 'accuracy', Timestamp: '2024-05-06T22:00:00Z', Dimensions: dims, Value: 0.9125, Unit: 'None' },
      { MetricName: 'weighted_f1', Timestamp: '2024-05-06T22:00:00Z', Dimensions: dims, Value: 0.875, Unit: 'None' },
      { MetricName: 'records_unjoined', Timestamp: '2024-05-06T22:00:00Z', Dimensions: dims, Value: 12, Unit: 'Count' },
      {
        MetricName: 'records_unjoined_share',
        Timestamp: '2024-05-06T22:00:00Z',
        Dimensions: dims,
        Value: 1.5,
        Unit: 'Percent',
      },
    ]);
    expect(text.split('\n')[0]).toBe(
      '{"MetricName":"accuracy","Timestamp":"2024-05-06T22:00:00Z","Dimensions":[{"Name":"Endpoint","Value":"churn-prod"},' +
        '{"Name":"MonitoringSchedule","Value":"churn-mq-hourly"}],"Value":0.9125,"Unit":"None"}',
    );
  });

  it('uses MonitoringSchedule alone without an endpoint (batch), and no dimensions when neither is known', async () => {
    const dir = await freshDir();
    const batch = await writeCloudWatchMetricsFile(dir, metrics.slice(0, 1), { ...ctx, endpointName: undefined });
    const [line] = (await readLines(batch.file)).lines;
    expect(lineProblems(line!)).toEqual([]);
    expect(line!.Dimensions).toEqual([{ Name: 'MonitoringSchedule', Value: 'churn-mq-hourly' }]);
    const local = await writeCloudWatchMetricsFile(dir, metrics.slice(0, 1), { timestamp: ctx.timestamp });
    const [bare] = (await readLines(local.file)).lines;
    expect(lineProblems(bare!)).toEqual([]);
    expect(bare).not.toHaveProperty('Dimensions');
  });

  it('skips NaN and infinite values and reports them', async () => {
    const dir = await freshDir();
    const result = await writeCloudWatchMetricsFile(
      dir,
      [
        { name: 'mae', value: 0.25 },
        { name: 'r2', value: Number.NaN },
        { name: 'rmse', value: Number.POSITIVE_INFINITY },
        { name: 'mse', value: Number.NEGATIVE_INFINITY },
      ],
      ctx,
    );
    expect(result.lines).toBe(1);
    expect(result.skipped.map((s) => s.name)).toEqual(['r2', 'rmse', 'mse']);
    expect(result.skipped[0]!.reason).toBe('value is not a finite number (CloudWatch does not accept NaN or Infinity)');
    const { text, lines } = await readLines(result.file);
    expect(lines.map((l) => l.MetricName)).toEqual(['mae']);
    expect(text).not.toMatch(/NaN|Infinity|null/u);
  });

  it('replaces an existing file atomically and leaves no temporary file', async () => {
    const dir = await freshDir();
    await writeFile(path.join(dir, CLOUDWATCH_METRICS_FILE), 'old content that is longer than the new one\n'.repeat(99));
    const result = await writeCloudWatchMetricsFile(dir, metrics.slice(0, 2), ctx);
    expect((await readLines(result.file)).lines).toHaveLength(2);
    expect(await readdir(dir)).toEqual([CLOUDWATCH_METRICS_FILE]);
  });

  it('writes an empty file when there is nothing to publish', async () => {
    const dir = await freshDir();
    const result = await writeCloudWatchMetricsFile(dir, [], ctx);
    expect(result.lines).toBe(0);
    expect(await readFile(result.file, 'utf8')).toBe('');
  });

  it('fails with an OutputError naming the file when the folder cannot be made', async () => {
    const dir = await freshDir();
    await writeFile(path.join(dir, 'not-a-folder'), 'x');
    const target = path.join(dir, 'not-a-folder', 'cloudwatch');
    const write = writeCloudWatchMetricsFile(target, metrics, ctx);
    await expect(write).rejects.toThrow(OutputError);
    await expect(write).rejects.toThrow(
      `cloudwatch: cannot write the metrics file ${path.join(target, CLOUDWATCH_METRICS_FILE)}: `,
    );
  });

  it('rejects an invalid timestamp with an OutputError', async () => {
    await expect(writeCloudWatchMetricsFile(await freshDir(), metrics, { timestamp: new Date('nope') })).rejects.toThrow(
      'cloudwatch: the metric timestamp is not a valid date; expected metric_time, end_time or now',
    );
  });
});
