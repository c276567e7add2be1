/**
 * @module `npm run demo` works as the README says: serving, capture, a suggested baseline, late labels and the
 * monitor per hour; the baseline suggested from the demo's validation set lets the healthy hours pass and makes
 * the drifted hours violate (issue 7), the summary prints a verdict and where the files are (issue 6), and the
 * label-free estimate made at the end of each hour, before any label, falls in the drifted hours (issue 18), and the
 * late-labels story with the prediction store (issue 17), and the history page and table of the hourly runs are written
 * (issue 19).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { slowdown } from '../helpers/run-monitor.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('npm run demo', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpm-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the healthy hours and flags the drifted ones with the suggested baseline', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MPM_DEMO_DIR: dir },
      encoding: 'utf8',
      timeout: 420_000 * slowdown(),
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('as expected, the healthy hours pass and the drifted hours violate their constraints');
    // Model quality first, then the data-quality section (issue 16) with its own table of the same hours.
    const [beforeLate, lateLabels = ''] = run.stdout.split('\nlate labels:');
    const [modelQuality, dataQuality = ''] = beforeLate!.split('\ndata quality:');
    const hourRows = (text: string): string[] => text.split('\n').filter((l) => /^\d{4}-\d{2}-\d{2}T/.test(l));
    const rows = hourRows(modelQuality!);
    expect(rows).toHaveLength(4);
    const dqRows = hourRows(dataQuality);
    expect(dqRows).toHaveLength(4);
    expect(dqRows.filter((r) => r.includes('healthy')).every((r) => r.trim().endsWith('Completed'))).toBe(true);
    expect(dqRows.filter((r) => r.includes('drifted')).every((r) => r.includes('VIOLATIONS ('))).toBe(true);
    expect(rows.filter((r) => r.includes('healthy')).every((r) => r.trim().endsWith('Completed'))).toBe(true);
    expect(rows.filter((r) => r.includes('drifted')).every((r) => r.includes('VIOLATIONS (accuracy'))).toBe(true);
    // Issue 18: each hour was also estimated at its end, before any label: the estimate falls in the drifted hours.
    expect(run.stdout).toContain('estimated accuracy before any label: lower in every drifted hour than in any healthy hour');
    expect(rows.every((r) => /\d\.\d{4} ± \d\.\d{4}/.test(r))).toBe(true);
    const early = JSON.parse(readFileSync(path.join(dir, 'runs/2026-01-15-10-at-hour-end/monitoring_report.json'), 'utf8'));
    expect(early.join.joined).toBe(0);
    expect(early.estimate.estimated_records).toBe(early.join.predictions);

    // Issue 17: each told hour judged at minute 0 of the next hour with the labels come so far, and 2 hours later from
    // the prediction store with nearly all of them; the two verdicts side by side.
    const lateRows = hourRows(lateLabels);
    expect(lateRows).toHaveLength(2);
    for (const row of lateRows) {
      const [early, late] = [...row.matchAll(/(\d+\.\d)%/g)].map((m) => Number(m[1]));
      expect(early, row).toBeLessThan(60);
      expect(late, row).toBeGreaterThanOrEqual(90);
      expect(row.includes('drifted') ? row.match(/VIOLATIONS \(accuracy/g) : row.match(/Completed/g), row).toHaveLength(2);
    }
    expect(lateLabels).toContain('as expected: judged 2 hours later from the store (no capture read again), each hour had at least 90% of its labels');
    const delayed = JSON.parse(readFileSync(path.join(dir, 'late-labels/2026-01-15T110000Z-judged-2h-later/monitoring_report.json'), 'utf8'));
    expect(delayed.evaluation).toMatchObject({ delay_hours: 2, judged_window: { start_time: '2026-01-15T11:00:00Z' }, stored_hours: ['2026-01-15T11:00:00Z'], missing_hours: [] });
    expect(delayed.label_arrival.coverage).toBeGreaterThanOrEqual(0.9);

    // The constraints came from suggest-baseline, in SageMaker's schema, and the hours' files exist.
    const constraints = JSON.parse(readFileSync(path.join(dir, 'baseline/result/constraints.json'), 'utf8'));
    expect(constraints.multiclass_classification_constraints.accuracy.comparison_operator).toBe('LessThanThreshold');
    const last = path.join(dir, 'runs/2026-01-15-11');
    for (const f of ['statistics.json', 'constraint_violations.json', 'monitoring_report.json', 'message', 'cloudwatch/cloudwatch_metrics.jsonl']) {
      expect(existsSync(path.join(last, f)), f).toBe(true);
    }
    expect(readFileSync(path.join(last, 'message'), 'utf8')).toMatch(/^CompletedWithViolations: /);
    expect(run.stdout).toContain(path.join(last, 'report.html'));

    // Issue 19: the history of the demo's hourly runs (model and data quality, not the runs at hour end): the page
    // and the Parquet table, written by mpm-monitor history from the report folders laid out as Model Monitor does.
    expect(run.stdout).toMatch(/\nhistory: 8 runs in 2 series from 8 report folders\n/);
    const tableRows = Number(/history\.parquet \((\d+) rows/.exec(run.stdout)?.[1]);
    expect(tableRows).toBeGreaterThan(0);
    const page = readFileSync(path.join(dir, 'history/history.html'), 'utf8');
    expect(page).toContain('covertype-demo-hourly');
    expect(page).toContain('accuracy');
    expect(existsSync(path.join(dir, 'history/history.parquet'))).toBe(true);
    expect(run.stdout).toContain(`open the history page: file://${path.join(dir, 'history/history.html')}`);
  }, 480_000 * slowdown());
});
