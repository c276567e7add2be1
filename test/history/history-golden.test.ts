/**
 * Issue 19: `mpm-monitor history` golden cases. demo-48h: 48 hourly runs of the demo made by the real programs
 * (test/history/make-hourly-runs.ts, clock fixed per run); mixed: SageMaker analyzer folders (model and data
 * quality, no monitoring_report.json) and mpm folders with label-free estimates (test/fixtures/history/mixed).
 * The page and the table (as CSV) are compared byte for byte with test/fixtures/history/<case>/; after a reviewed
 * change, regenerate with `npx vitest run test/history/history-golden.test.ts -u`. The demo case also changes when
 * the monitor's numbers change (model, generator, metrics): that diff is the point of a golden file.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../monitor/cli.ts';
import { FIRST_HOUR, makeHourlyRuns, type HourlyRun } from './make-hourly-runs.ts';
import { parquetAsCsv } from './table-text.ts';

const FIXTURES = path.resolve('test/fixtures/history');
const HOUR = 3_600_000;

/** Runs the command; the page and table with the temporary folder's name replaced (a failed run's message names a file). */
async function history(source: string, out: string, tmp: string): Promise<{ html: string; csv: string; rows: Array<Record<string, unknown>>; code: number }> {
  const code = await main(['history', '--source', source, '--output-path', out, '--log-level', 'silent'], { PATH: process.env.PATH });
  const html = (await readFile(path.join(out, 'history.html'), 'utf8')).replaceAll(source, '{source}').replaceAll(tmp, '{tmp}');
  const { csv, rows } = await parquetAsCsv(await readFile(path.join(out, 'history.parquet')));
  return { html, csv: csv.replaceAll(tmp, '{tmp}'), rows, code };
}

describe('history golden cases', () => {
  let dir: string;
  let runs: HourlyRun[];
  let reports: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mpm-history-golden-'));
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      ({ reports, runs } = await makeHourlyRuns(path.join(dir, 'demo'), (ms) => vi.setSystemTime(ms)));
    } finally {
      vi.useRealTimers();
    }
  }, 300_000);
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('demo-48h: 48 hourly runs of the demo', async () => {
    const { html, csv, rows, code } = await history(reports, path.join(dir, 'out-demo'), dir);
    expect(code).toBe(0);
    await expect(html).toMatchFileSnapshot(path.join(FIXTURES, 'demo-48h/history.html'));
    await expect(csv).toMatchFileSnapshot(path.join(FIXTURES, 'demo-48h/history.csv'));

    // What the golden files must show, stated apart from them.
    expect(runs).toHaveLength(48);
    expect(runs.filter((r) => r.exitCode !== 0).map((r) => [r.hour, r.exitCode])).toEqual([[40, 3]]);
    const metricRows = rows.filter((r) => r.kind === 'metric' && r.metric === 'accuracy');
    expect(rows.filter((r) => r.kind === 'run')).toHaveLength(48);
    // The failed run wrote no statistics: it has its run row (with its message) and no metric row.
    expect(metricRows).toHaveLength(47);
    expect(rows.find((r) => r.kind === 'run' && Number(r.window_start) === FIRST_HOUR + 40 * HOUR)).toMatchObject({ run_status: 'Failed', description: expect.stringMatching(/^Failed: input: /) });
    const violated = metricRows.filter((r) => r.status === 'violated').map((r) => (Number(r.window_start) - FIRST_HOUR) / HOUR);
    // The drift episode (hours 27-35) violates; the failed hour has no value.
    expect(violated.filter((h) => h >= 27 && h <= 35).length).toBeGreaterThanOrEqual(8);
    expect(html).toContain('Missing windows</dt><dd>1: 2026-01-15 20:00–21:00</dd>');
    expect(html).toContain('(plus 1 earlier evaluations of the same windows, superseded)');
    expect(html).toMatch(/<tr data-run="covertype-demo\/covertype-demo-hourly\/2026\/01\/16\/21" data-i="\d+" class="superseded">/);
    // The hour whose labels mostly never came: low coverage and no standard deviation (fewer than 200 records).
    const lowCoverage = rows.find((r) => r.kind === 'metric' && r.metric === 'accuracy' && Number(r.window_start) === FIRST_HOUR + 12 * HOUR)!;
    expect(Number(lowCoverage.ground_truth_coverage)).toBeLessThan(0.4);
    expect(lowCoverage.standard_deviation).toBeNull();
  });

  it('mixed: SageMaker analyzer folders (model and data quality) and mpm folders with estimates', async () => {
    const { html, csv, rows, code } = await history(path.join(FIXTURES, 'mixed/reports'), path.join(dir, 'out-mixed'), dir);
    expect(code).toBe(0);
    await expect(html).toMatchFileSnapshot(path.join(FIXTURES, 'mixed/expected/history.html'));
    await expect(csv).toMatchFileSnapshot(path.join(FIXTURES, 'mixed/expected/history.csv'));
    expect(rows.filter((r) => r.kind === 'estimate').map((r) => [r.run_path, r.metric, r.value, r.status])).toEqual([
      ['fraud-endpoint/fraud-mq-hourly/2026/01/15/01', 'accuracy', 0.9275, 'pass'],
      ['fraud-endpoint/fraud-mq-hourly/2026/01/15/01', 'f1', 0.5931, null],
      ['fraud-endpoint/fraud-mq-hourly/2026/01/15/02', 'accuracy', 0.8911, 'pass'],
      ['fraud-endpoint/fraud-mq-hourly/2026/01/15/02', 'f1', 0.5203, null],
      ['fraud-endpoint/fraud-mq-hourly/2026/01/15/03', 'accuracy', 0.8622, 'violated'],
      ['fraud-endpoint/fraud-mq-hourly/2026/01/15/03', 'f1', 0.4721, null],
    ]);
    expect(rows.find((r) => r.kind === 'feature' && r.feature === 'Day Mins' && r.metric === 'baseline_drift' && r.run_path === 'churn-endpoint/churn-dq-schedule/2026/01/15/02')).toMatchObject({ value: 0.3340021, threshold: 0.1, status: 'violated' });
    expect(rows.filter((r) => r.window_source === 'folder').length).toBeGreaterThan(0);
    expect(html).toContain('Missing windows</dt><dd>1: 2026-01-15 02:00–03:00</dd>');
  });
});
