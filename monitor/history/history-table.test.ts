/**
 * Issue 19: the history's Parquet table: one row per run, window and metric (estimates at their own window,
 * data-quality feature statistics, the violations), written in row groups and read back exactly.
 */
import { describe, expect, it } from 'vitest';
import { readParquetTable } from '../ingest/parquet.ts';
import { BATCH_ROWS, HISTORY_COLUMNS, HistoryTableWriter, rowsOfRun } from './history-table.ts';
import type { RunRecord } from './run-record.ts';

const H = (hour: number): number => Date.UTC(2026, 0, 15, hour);

function run(edit: Partial<RunRecord>): RunRecord {
  return {
    path: 'ep/sched/2026/01/15/02',
    endpoint: 'ep',
    schedule: 'sched',
    analysis: 'model_quality',
    problemType: 'BinaryClassification',
    window: { start: H(1), end: H(2) },
    windowSource: 'monitoring_report',
    evaluationTime: H(2) + 60_000,
    status: 'CompletedWithViolations',
    message: 'm',
    itemCount: 1000,
    predictions: 1100,
    joined: 1000,
    coverage: 1000 / 1100,
    metrics: [],
    estimates: [],
    estimateWindow: null,
    features: [],
    featuresDropped: 0,
    violations: [],
    violationsDropped: 0,
    files: [],
    ...edit,
  };
}

describe('rowsOfRun', () => {
  it('model quality: a row per metric, estimates at the window they estimate, a row per violation', () => {
    const rows = rowsOfRun(
      run({
        metrics: [{ metric: 'accuracy', value: 0.9, standardDeviation: 0.01, threshold: 0.91, operator: 'LessThanThreshold', status: 'violated' }],
        estimates: [{ metric: 'accuracy', value: 0.88, standardError: 0.006, lower: 0.862, upper: 0.898, threshold: 0.85, operator: 'LessThanThreshold', status: 'pass' }],
        estimateWindow: { start: H(5), end: H(6) },
        violations: [
          { subject: 'accuracy', feature: false, checkType: 'LessThanThreshold', description: 'd', value: 0.9, threshold: 0.91 },
          { subject: 'mpm_synthetic_violation_test', feature: false, checkType: 'SyntheticViolationTest', description: 's', value: -1, threshold: 0 },
        ],
      }),
    );
    expect(rows.map((r) => [r.kind, r.metric, r.window_start, r.value, r.status, r.synthetic])).toEqual([
      ['run', 'violation_count', H(1), 2, null, false],
      ['metric', 'accuracy', H(1), 0.9, 'violated', false],
      ['estimate', 'accuracy', H(5), 0.88, 'pass', false],
      ['violation', 'accuracy', H(1), 0.9, 'violated', false],
      ['violation', 'mpm_synthetic_violation_test', H(1), -1, 'violated', true],
    ]);
    expect(rows[0]).toMatchObject({ description: 'm', feature: null });
    expect(rows[1]).toMatchObject({ standard_deviation: 0.01, threshold: 0.91, comparison_operator: 'LessThanThreshold', run_status: 'CompletedWithViolations', item_count: 1000, ground_truth_coverage: 1000 / 1100 });
    expect(rows[2]).toMatchObject({ standard_error: 0.006, lower: 0.862, upper: 0.898, window_end: H(6), run_path: 'ep/sched/2026/01/15/02' });
    expect(rows[3]).toMatchObject({ check_type: 'LessThanThreshold', description: 'd', feature: null });
  });

  it('data quality: feature statistics, the drift a violation states, violations by feature', () => {
    const rows = rowsOfRun(
      run({
        analysis: 'data_quality',
        problemType: null,
        features: [
          { feature: '__proto__', inferredType: 'Fractional', numPresent: 9, numMissing: 1, completeness: 0.9, mean: 2, standardDeviation: 1, min: 0, max: 4, distinctCount: null },
          { feature: 'State', inferredType: 'String', numPresent: 10, numMissing: 0, completeness: 1, mean: null, standardDeviation: null, min: null, max: null, distinctCount: 3 },
        ],
        violations: [
          { subject: '__proto__', feature: true, checkType: 'baseline_drift_check', description: 'Numerical distance: 0.3 exceeds numerical threshold: 0.1', value: 0.3, threshold: 0.1 },
          { subject: '__proto__', feature: true, checkType: 'completeness_check', description: 'Value: 0.9 does not meet the constraint requirement! ', value: 0.9, threshold: null },
        ],
      }),
    );
    expect(rows.map((r) => [r.kind, r.feature, r.metric, r.value, r.threshold, r.status])).toEqual([
      ['run', null, 'violation_count', 2, null, null],
      ['feature', '__proto__', 'completeness', 0.9, null, 'violated'],
      ['feature', '__proto__', 'num_present', 9, null, null],
      ['feature', '__proto__', 'num_missing', 1, null, null],
      ['feature', '__proto__', 'mean', 2, null, null],
      ['feature', '__proto__', 'standard_deviation', 1, null, null],
      ['feature', '__proto__', 'min', 0, null, null],
      ['feature', '__proto__', 'max', 4, null, null],
      ['feature', '__proto__', 'baseline_drift', 0.3, 0.1, 'violated'],
      ['feature', 'State', 'completeness', 1, null, null],
      ['feature', 'State', 'num_present', 10, null, null],
      ['feature', 'State', 'num_missing', 0, null, null],
      ['feature', 'State', 'distinct_count', 3, null, null],
      ['violation', '__proto__', 'baseline_drift_check', 0.3, 0.1, 'violated'],
      ['violation', '__proto__', 'completeness_check', 0.9, null, 'violated'],
    ]);
  });
});

describe('HistoryTableWriter', () => {
  it('writes every row in row groups of BATCH_ROWS and reads back the same values and types', async () => {
    const writer = new HistoryTableWriter();
    const metrics = Array.from({ length: 50 }, (_, i) => ({ metric: `m${i}`, value: i / 7, standardDeviation: i % 3 === 0 ? null : i / 100, threshold: null, operator: null, status: null }));
    const runs = 800;
    for (let i = 0; i < runs; i++) await writer.addRun(run({ path: `p/${i}`, window: { start: H(0) + i * 3_600_000, end: H(1) + i * 3_600_000 }, metrics, itemCount: i, evaluationTime: i % 2 ? null : H(0) }));
    const bytes = await writer.finish();
    expect(writer.rowCount).toBe(runs * 51);
    expect(runs * 51).toBeGreaterThan(2 * BATCH_ROWS);
    const table = await readParquetTable(bytes);
    expect(table.numRows).toBe(runs * 51);
    expect(table.schema.fields.map((f) => f.name)).toEqual(HISTORY_COLUMNS.map(([n]) => n));
    expect(table.schema.fields.map((f) => f.nullable)).toEqual(HISTORY_COLUMNS.map(([, , nullable]) => nullable));
    const row = table.get(777 * 51 + 14)!.toJSON();
    expect(row).toMatchObject({ run_path: 'p/777', metric: 'm13', value: 13 / 7, standard_deviation: 0.13, item_count: 777n, window_start: H(0) + 777 * 3_600_000, evaluation_time: null, status: null, synthetic: false });
    expect(table.get(0)!.toJSON()).toMatchObject({ kind: 'run', value: 0, description: 'm', evaluation_time: H(0) });
    expect(table.get(1)!.toJSON()).toMatchObject({ kind: 'metric', standard_deviation: null });
  });

  it('an empty history still writes a table with every column', async () => {
    const writer = new HistoryTableWriter();
    const table = await readParquetTable(await writer.finish());
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(HISTORY_COLUMNS.map(([n]) => n));
  });
});
