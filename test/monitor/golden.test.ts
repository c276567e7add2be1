/**
 * @module One loop over the golden cases in test/fixtures/monitor/: each runs the real CLI on its input tree and
 * must end with the case's exit code, write exactly the files in its expected/ folder (normalized), satisfy its
 * hand-checked facts, and keep the invariants every run keeps (status line, run report, CloudWatch lines).
 * Regenerate expected/ with `npx tsx scripts/update-golden.ts [case]` and review the diff.
 */
import { describe, expect, it } from 'vitest';
import { CLOUDWATCH_FILE } from '../helpers/run-monitor.ts';
import type { MonitorRun } from '../helpers/run-monitor.ts';
import { checkedValue, listCases, loadCase, normalizeRun, readExpected, runCase, type CaseSpec } from './golden-cases.ts';

/** The seed script's failure table (docs: seed-script-notes.md, "Failure table"): each row needs a golden case. */
const SEED_FAILURES = [
  'no ground truth for the hour',
  'no capture files',
  'one malformed JSONL line',
  'capture without inferenceId',
  'UUID inference id',
  'BASE64 capture',
  'start_time in another format',
  'nothing joins',
  'duplicate labels (retries)',
  'hour 1 window',
] as const;

const COMPLETED = 'Completed: Job completed successfully with no violations.';
const WITH_VIOLATIONS = /^CompletedWithViolations: Job completed successfully with (\d+) violations\.$/;

/** At most two monitor processes at a time: the machine has two cores, shared with other test files. */
function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    while (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
const limit = limiter(2);

/** What every run keeps, whatever the case. */
function checkInvariants(run: MonitorRun, spec: CaseSpec): void {
  const firstLine = (run.message ?? '').split('\n')[0]!;
  const violations = (run.outputs['constraint_violations.json'] as { violations?: unknown[] } | undefined)?.violations;
  const report = run.outputs['monitoring_report.json'] as
    | {
        status: string;
        exit_code: number;
        message: string;
        violations?: unknown[];
        join?: { joined: number };
        endpoint?: string;
        monitoring_schedule?: string;
        analysis_type?: string;
        data_quality?: { violations: unknown[]; item_count: number };
      }
    | undefined;
  const dataQuality = report?.analysis_type === 'DATA_QUALITY';
  // suggest-baseline (a baselining job) writes the message file as the monitoring job does: Completed when the
  // baseline is written.
  const suggest = spec.args?.[0] === 'suggest-baseline';
  if (run.exitCode === 0) {
    // The status line in the built-in analyzer's exact words, with the count of constraint_violations.json.
    expect(violations, 'constraint_violations.json').toBeDefined();
    if (suggest) expect(run.message, 'suggest-baseline: the baseline was written').toBe(COMPLETED);
    else if (violations!.length === 0) expect(firstLine).toBe(COMPLETED);
    else {
      expect(firstLine).toMatch(WITH_VIOLATIONS);
      expect(Number(WITH_VIOLATIONS.exec(firstLine)![1])).toBe(violations!.length);
    }
    expect(report?.status).toBe(violations!.length === 0 ? 'Completed' : 'CompletedWithViolations');
    const stats = run.outputs['statistics.json'] as { dataset?: { item_count: number } } | undefined;
    if (dataQuality) {
      // Data quality: the violations and the records profiled are in the report's data_quality section.
      expect(report?.data_quality?.violations).toEqual(violations);
      if (stats?.dataset) expect(stats.dataset.item_count, 'statistics item_count = records profiled').toBe(report?.data_quality?.item_count);
    } else {
      expect(report?.violations).toEqual(violations);
      expect(stats?.dataset?.item_count, 'statistics item_count = joined records').toBe(report?.join?.joined);
      // The SageMaker SDK's model-card parser takes a matrix's column names from its last row (and fails on {}): a
      // confusion matrix has rows, each with the same columns in the same order.
      for (const section of Object.values((stats ?? {}) as Record<string, unknown>)) {
        const matrix = (section as { confusion_matrix?: Record<string, Record<string, number>> } | null)?.confusion_matrix;
        if (matrix === undefined) continue;
        const rows = Object.values(matrix);
        expect(rows.length, 'confusion_matrix rows').toBeGreaterThan(0);
        for (const row of rows) expect(Object.keys(row), 'confusion_matrix columns').toEqual(Object.keys(rows[0]!));
      }
    }
  } else {
    expect(firstLine).toMatch(/^Failed: \S/);
    expect(run.outputs['statistics.json'], 'a failed run writes no statistics').toBeUndefined();
    if (spec.exit_code !== 2 && spec.exit_code !== 4) {
      // Input failures still leave the run report, with the reason.
      expect(report?.status).toBe('Failed');
      expect(report?.exit_code).toBe(run.exitCode);
    }
  }
  if (report) expect(report.message).toBe(run.message);
  if (run.exitCode !== 1) expect(run.message ?? '').not.toContain('internal error');
  // Model Monitor's dimensions: Endpoint + MonitoringSchedule for an endpoint, MonitoringSchedule alone for batch.
  const dimensions = [
    ...(report?.endpoint ? [{ Name: 'Endpoint', Value: report.endpoint }] : []),
    ...(report?.monitoring_schedule ? [{ Name: 'MonitoringSchedule', Value: report.monitoring_schedule }] : []),
  ];
  for (const line of run.cloudwatch ?? []) {
    const l = line as Record<string, unknown>;
    expect(typeof l.MetricName).toBe('string');
    expect(l.Timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(l).not.toHaveProperty('Namespace');
    if (dataQuality) {
      // The built-in data-quality metrics: the Feature dimension after the run's; feature_data_* as StatisticValues only.
      expect((l.Dimensions as unknown[]).slice(0, dimensions.length), `${String(l.MetricName)} Dimensions`).toEqual(dimensions);
      expect((l.Dimensions as Array<{ Name: string }>)[dimensions.length]?.Name).toBe('Feature');
      if (String(l.MetricName).startsWith('feature_data_')) expect(l).not.toHaveProperty('Value');
      else expect(Number.isFinite(l.Value), `${String(l.MetricName)} Value`).toBe(true);
      continue;
    }
    expect(l.Dimensions ?? [], `${String(l.MetricName)} Dimensions`).toEqual(dimensions);
    expect(Number.isFinite(l.Value), `${String(l.MetricName)} Value`).toBe(true);
    expect(l).not.toHaveProperty('StatisticValues');
  }
}

describe('golden end-to-end cases (test/fixtures/monitor)', () => {
  const names = listCases();

  it('finds the cases', () => {
    expect(names.length).toBeGreaterThan(30);
  });

  it("covers every failure of the seed script's table with a case that names it", () => {
    const named = new Set(names.map((n) => loadCase(n).spec.seed_failure).filter((s) => s !== undefined));
    expect([...named].filter((s) => !(SEED_FAILURES as readonly string[]).includes(s!)), 'unknown seed_failure names').toEqual([]);
    expect(SEED_FAILURES.filter((s) => !named.has(s))).toEqual([]);
  });

  for (const name of names) {
    const c = loadCase(name);
    it.concurrent(`${name}: ${c.spec.title}`, async () => {
      const run = await limit(() => runCase(c));
      expect(run.timedOut, 'timed out').toBe(false);
      expect(run.exitCode, `exit code; stderr:\n${run.stderr.slice(-2000)}`).toBe(c.spec.exit_code);

      const actual = normalizeRun(run);
      const expected = readExpected(c);
      expect([...actual.keys()].sort(), 'files written (update with scripts/update-golden.ts)').toEqual([...expected.keys()].sort());
      for (const [file, text] of expected) {
        const got = actual.get(file)!;
        if (file.endsWith('.json')) expect(JSON.parse(got), file).toEqual(JSON.parse(text));
        else if (file === CLOUDWATCH_FILE) expect(got.split('\n').map((l) => (l ? JSON.parse(l) : l)), file).toEqual(text.split('\n').map((l) => (l ? JSON.parse(l) : l)));
        else expect(got, file).toBe(text);
      }

      for (const check of c.spec.checks ?? []) {
        const value = checkedValue(actual, check);
        const what = `${check.file}${check.path ? `:${check.path}` : ''} (${check.why})`;
        if ('equals' in check) expect(value, what).toEqual(check.equals);
        if (check.close_to !== undefined) {
          expect(typeof value, what).toBe('number');
          expect(Math.abs((value as number) - check.close_to), what).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(check.close_to)));
        }
        if (check.contains !== undefined) expect(String(value), what).toContain(check.contains);
      }

      checkInvariants(run, c.spec);
    });
  }
});
