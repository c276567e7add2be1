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
    | { status: string; exit_code: number; message: string; violations?: unknown[]; join?: { joined: number }; endpoint?: string; monitoring_schedule?: string }
    | undefined;
  if (run.exitCode === 0) {
    // The status line in the built-in analyzer's exact words, with the count of constraint_violations.json.
    expect(violations, 'constraint_violations.json').toBeDefined();
    if (violations!.length === 0) expect(firstLine).toBe(COMPLETED);
    else {
      expect(firstLine).toMatch(WITH_VIOLATIONS);
      expect(Number(WITH_VIOLATIONS.exec(firstLine)![1])).toBe(violations!.length);
    }
    expect(report?.status).toBe(violations!.length === 0 ? 'Completed' : 'CompletedWithViolations');
    expect(report?.violations).toEqual(violations);
    const stats = run.outputs['statistics.json'] as { dataset: { item_count: number } };
    expect(stats.dataset.item_count, 'statistics item_count = joined records').toBe(report?.join?.joined);
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
    expect(l.Dimensions ?? [], `${String(l.MetricName)} Dimensions`).toEqual(dimensions);
    expect(typeof l.MetricName).toBe('string');
    expect(l.Timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Number.isFinite(l.Value), `${String(l.MetricName)} Value`).toBe(true);
    expect(l).not.toHaveProperty('StatisticValues');
    expect(l).not.toHaveProperty('Namespace');
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
