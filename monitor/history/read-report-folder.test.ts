/**
 * Issue 19: history reads report folders from mpm and from SageMaker's built-in analyzer (no monitoring_report.json:
 * window from the path, verdict from the violations, thresholds from constraints.json), data-quality features,
 * label-free estimates, and counts broken files instead of failing.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../storage/local.ts';
import { findReportFolders } from './find-report-folders.ts';
import { HistoryIssues } from './history-issues.ts';
import { readReportFolder, type ReadFolderContext, type ReportFolder } from './read-report-folder.ts';
import { DEFAULT_FOLDER_WINDOW, locationSegments } from './report-path.ts';
import type { RunRecord } from './run-record.ts';

const MIXED = path.resolve('test/fixtures/history/mixed/reports');
const H = (hour: number, minute = 0): number => Date.UTC(2026, 0, 15, hour, minute);

async function readAll(root: string, issues = new HistoryIssues()): Promise<{ runs: RunRecord[]; issues: HistoryIssues; folders: ReportFolder[] }> {
  const storage = new LocalStorage(root);
  const ctx: ReadFolderContext = { storage, rootSegments: locationSegments(storage.location), maxFileBytes: 1 << 20, folderWindow: DEFAULT_FOLDER_WINDOW, issues };
  const folders: ReportFolder[] = [];
  const runs: RunRecord[] = [];
  for await (const folder of findReportFolders(storage, { issues })) {
    folders.push(folder);
    const run = await readReportFolder(ctx, folder);
    if (run) runs.push(run);
  }
  return { runs, issues, folders };
}

describe('reading the mixed fixture', () => {
  let runs: RunRecord[];
  let issues: HistoryIssues;
  const run = (p: string): RunRecord => runs.find((r) => r.path === p)!;
  beforeAll(async () => ({ runs, issues } = await readAll(MIXED)));

  it('finds every report folder in path order and reads them without problems', () => {
    expect(runs.map((r) => r.path)).toEqual([
      'churn-endpoint/churn-dq-schedule/2026/01/15/01',
      'churn-endpoint/churn-dq-schedule/2026/01/15/02',
      'churn-endpoint/churn-mq-schedule/2026/01/15/01',
      'churn-endpoint/churn-mq-schedule/2026/01/15/02',
      'churn-endpoint/churn-mq-schedule/2026/01/15/04',
      'fraud-endpoint/fraud-mq-hourly/2026/01/15/01',
      'fraud-endpoint/fraud-mq-hourly/2026/01/15/02',
      'fraud-endpoint/fraud-mq-hourly/2026/01/15/03',
    ]);
    expect(issues.total()).toBe(0);
  });

  it("built-in analyzer folders: window is the hour before the folder's, verdicts from constraints.json and the violations", () => {
    const r = run('churn-endpoint/churn-mq-schedule/2026/01/15/04');
    expect(r).toMatchObject({ endpoint: 'churn-endpoint', schedule: 'churn-mq-schedule', analysis: 'model_quality', problemType: 'BinaryClassification' });
    expect(r.window).toEqual({ start: H(3), end: H(4) });
    expect(r.windowSource).toBe('folder');
    expect(r.evaluationTime).toBe(Date.parse('2026-01-15T04:08:41.104Z'));
    expect(r.status).toBe('CompletedWithViolations');
    expect(r.message).toBeNull();
    expect(r.itemCount).toBe(1011);
    expect(r.coverage).toBeNull();
    // Curves and the confusion matrix are not metrics; "NaN" standard deviations are null.
    expect(r.metrics.map((m) => m.metric)).toEqual([
      'recall', 'precision', 'accuracy', 'recall_best_constant_classifier', 'precision_best_constant_classifier', 'accuracy_best_constant_classifier', 'auc', 'f2', 'f2_best_constant_classifier',
    ]);
    expect(r.metrics.find((m) => m.metric === 'accuracy')).toEqual({ metric: 'accuracy', value: 0.6912, standardDeviation: 0.0149, threshold: 0.7, operator: 'LessThanThreshold', status: 'violated' });
    expect(r.metrics.find((m) => m.metric === 'auc')).toEqual({ metric: 'auc', value: 0.811, standardDeviation: null, threshold: null, operator: null, status: null });
    // The description's "+/-" numbers are read.
    expect(r.violations[0]).toMatchObject({ subject: 'accuracy', feature: false, checkType: 'LessThanThreshold', value: 0.6912, threshold: 0.7 });
    const passed = run('churn-endpoint/churn-mq-schedule/2026/01/15/01');
    expect(passed.status).toBe('Completed');
    expect(passed.metrics.find((m) => m.metric === 'f2')!.status).toBe('pass');
  });

  it('data-quality folders: features with completeness, violations with the numbers their text states', () => {
    const r = run('churn-endpoint/churn-dq-schedule/2026/01/15/02');
    expect(r.analysis).toBe('data_quality');
    expect(r.metrics).toEqual([]);
    expect(r.features.map((f) => f.feature)).toEqual(['Account Length', 'Day Mins', 'State', '__proto__']);
    expect(r.features[2]).toMatchObject({ inferredType: 'String', numPresent: 998, numMissing: 2, completeness: 0.998, distinctCount: 51, mean: null });
    expect(r.features[3]).toMatchObject({ feature: '__proto__', completeness: 0 });
    expect(r.violations.map((v) => [v.subject, v.checkType, v.value, v.threshold])).toEqual([
      ['Day Mins', 'baseline_drift_check', 0.3340021, 0.1],
      ['Account Length', 'data_type_check', 99.64592817400101 / 100, 1],
      ['__proto__', 'completeness_check', 0, null],
      ['Intl Plan', 'missing_column_check', null, null],
    ]);
    expect(r.violations.every((v) => v.feature)).toBe(true);
  });

  it('mpm folders: window and coverage from the run report, estimates with their own constraint', () => {
    const r = run('fraud-endpoint/fraud-mq-hourly/2026/01/15/03');
    expect(r.window).toEqual({ start: H(2), end: H(3) });
    expect(r.windowSource).toBe('monitoring_report');
    expect(r).toMatchObject({ predictions: 3120, joined: 0, coverage: 0, status: 'CompletedWithViolations', message: 'CompletedWithViolations: Job completed successfully with 2 violations.' });
    // No label: the realized metrics were not evaluated; estimated_accuracy judged the estimate and is not a metric row.
    expect(r.metrics).toEqual([
      { metric: 'accuracy', value: null, standardDeviation: null, threshold: 0.91, operator: 'LessThanThreshold', status: 'not_evaluated' },
      { metric: 'f1', value: null, standardDeviation: null, threshold: 0.5, operator: 'LessThanThreshold', status: 'not_evaluated' },
    ]);
    expect(r.estimates).toEqual([
      { metric: 'accuracy', value: 0.8622, standardError: 0.0066, lower: 0.8424, upper: 0.882, threshold: 0.88, operator: 'LessThanThreshold', status: 'violated' },
      { metric: 'f1', value: 0.4721, standardError: 0.0171, lower: 0.4208, upper: 0.5234, threshold: null, operator: null, status: null },
    ]);
    expect(r.estimateWindow).toEqual({ start: H(2), end: H(3) });
  });
});

describe('broken and unusual folders', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(path.join(tmpdir(), 'mpm-history-read-'))));
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function folder(rel: string, files: Record<string, string>): Promise<void> {
    await mkdir(path.join(dir, rel), { recursive: true });
    for (const [name, body] of Object.entries(files)) await writeFile(path.join(dir, rel, name), body);
  }

  it('counts broken files by reason and still places the run when it can', async () => {
    await folder('ep/sched/2026/01/15/05', { 'statistics.json': '{"binary_classification_metrics": {"accuracy": ', 'constraint_violations.json': '{"violations":[{"metric_name":"accuracy","constraint_check_type":"LessThanThreshold","description":"x"}]}' });
    await folder('ep/sched/2026/01/15/06', { 'statistics.json': '[1,2]', 'monitoring_report.json': `\ufeff${JSON.stringify({ status: 'Failed', message: 'Failed: input: too many errors', window: { start_time: '2026-01-15T05:00:00Z', end_time: '2026-01-15T06:00:00Z' } })}` });
    await folder('ep/sched/2026/01/15/07', { 'statistics.json': `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}, "regression_metrics": {"mae": {"value": 1.5, "standard_deviation": "NaN"}}}` });
    await folder('loose/no-layout', { 'constraint_violations.json': '{"violations": []}' });
    await folder('loose/evaluated', { 'statistics.json': '{"dataset": {"item_count": 5, "evaluation_time": "2026-01-15T09:20:00.000Z"}, "regression_metrics": {}}' });
    await folder('loose/too-big', { 'statistics.json': `{"pad": "${'x'.repeat(2 << 20)}"}` });
    // Objects of no report's shape (an empty statistics.json, a run report of unknown keys) are no run: no green cell.
    await folder('ep/sched/2026/01/15/08', { 'statistics.json': '{}' });
    await folder('ep/sched/2026/01/15/09', { 'monitoring_report.json': '{"__proto__": {"status": "Failed"}, "constructor": 1, "junk": true}' });
    const { runs, issues } = await readAll(dir);
    expect(Object.fromEntries(issues.list().map((i) => [i.reason, i.samples.map((s) => s.path)]))).toEqual({
      invalid_json: ['ep/sched/2026/01/15/05/statistics.json'],
      too_large: ['loose/too-big/statistics.json'],
      unexpected_shape: ['ep/sched/2026/01/15/06/statistics.json', 'ep/sched/2026/01/15/08/statistics.json', 'ep/sched/2026/01/15/09/monitoring_report.json'],
      no_report: ['ep/sched/2026/01/15/08', 'ep/sched/2026/01/15/09', 'loose/too-big'],
      no_window: ['loose/no-layout'],
    });
    expect(runs.map((r) => r.path)).not.toContain('ep/sched/2026/01/15/08');
    expect(runs.map((r) => r.path)).not.toContain('ep/sched/2026/01/15/09');
    const byPath = new Map(runs.map((r) => [r.path, r]));
    expect(byPath.get('ep/sched/2026/01/15/05')).toMatchObject({ status: 'CompletedWithViolations', window: { start: H(4), end: H(5) }, metrics: [] });
    // A byte-order mark before the run report is accepted; the failed run keeps its verdict and message.
    expect(byPath.get('ep/sched/2026/01/15/06')).toMatchObject({ status: 'Failed', message: 'Failed: input: too many errors', windowSource: 'monitoring_report' });
    // Deep nesting elsewhere in the file costs nothing: only known paths are visited.
    expect(byPath.get('ep/sched/2026/01/15/07')!.metrics).toEqual([{ metric: 'mae', value: 1.5, standardDeviation: null, threshold: null, operator: null, status: null }]);
    expect(byPath.get('loose/evaluated')).toMatchObject({ windowSource: 'evaluation_time', window: { start: H(8), end: H(9) }, endpoint: null, schedule: null, problemType: 'Regression' });
  });

  it('a window without predictions has no coverage (its run report says 0): a gap, not a fall to 0%', async () => {
    const report = (predictions: number, joined: number): string =>
      JSON.stringify({ status: 'CompletedWithViolations', window: { start_time: '2026-01-15T10:00:00Z', end_time: '2026-01-15T11:00:00Z' }, join: { predictions, joined, ground_truth_coverage: predictions === 0 ? 0 : joined / predictions } });
    await folder('quiet/ep/sched/2026/01/15/11', { 'monitoring_report.json': report(0, 0) });
    await folder('quiet/ep/sched/2026/01/15/12', { 'monitoring_report.json': report(40, 0) });
    const { runs } = await readAll(path.join(dir, 'quiet'));
    expect(runs.map((r) => [r.predictions, r.coverage])).toEqual([
      [0, null],
      [40, 0],
    ]);
  });

  it('a source pointed at the schedule folder still knows the endpoint and schedule from its own path', async () => {
    const { runs } = await readAll(path.join(MIXED, 'churn-endpoint/churn-mq-schedule'));
    expect(runs.map((r) => [r.path, r.endpoint, r.schedule])).toEqual([
      ['2026/01/15/01', 'churn-endpoint', 'churn-mq-schedule'],
      ['2026/01/15/02', 'churn-endpoint', 'churn-mq-schedule'],
      ['2026/01/15/04', 'churn-endpoint', 'churn-mq-schedule'],
    ]);
  });
});
