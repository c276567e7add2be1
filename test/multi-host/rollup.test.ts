/**
 * Issue 19: `mpm-monitor rollup --from --to` merges the stored states of the hours of a span into the statistics
 * and violations of the whole span, reading no capture: equal, byte for byte apart from the clock, to one run over
 * the whole span; the latest state of an hour wins (the earlier is listed as superseded); hours without a state are
 * listed; states made under other settings are refused.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../monitor/cli.ts';
import { windowInputs, writeCapture, writeLabels } from './multi-host-inputs.ts';

let root: string;
const HOURS = ['08', '09'];

function jobArgs(out: string, extra: string[], state = 'state'): string[] {
  return [
    ...['--problem-type', 'BinaryClassification', '--sagemaker-endpoint-name', 'mh-ep', '--dataset-source', path.join(root, 'capture')],
    ...['--ground-truth-source', path.join(root, 'groundtruth'), '--output-path', out, '--baseline-constraints', path.join(root, 'constraints.json')],
    ...['--max-input-error-rate', '0.5', '--state-uri', path.join(root, state), '--message-file', path.join(out, '..', 'message'), '--log-level', 'silent'],
    ...['--job-config-file', path.join(root, 'job.json'), '--resource-config-file', path.join(root, 'no-resourceconfig.json'), ...extra],
  ];
}

/** statistics.json without its clock. */
function statistics(out: string): string {
  const text = readFileSync(path.join(out, 'statistics.json'), 'utf8');
  const clock = (JSON.parse(text) as { dataset: { evaluation_time: string } }).dataset.evaluation_time;
  return text.split(clock).join('<clock>');
}

beforeAll(async () => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'mpm-rollup-')));
  writeFileSync(path.join(root, 'constraints.json'), JSON.stringify({ accuracy: { threshold: 0.9 } }));
  writeFileSync(path.join(root, 'job.json'), '{}');
  for (const [i, hour] of HOURS.entries()) {
    const inputs = windowInputs(11 + i, hour);
    writeCapture(path.join(root, 'capture'), inputs.capture);
    writeLabels(path.join(root, 'groundtruth'), inputs.labels, hour);
  }
  for (const hour of HOURS) {
    const window = ['--start-time', `2026-01-15T${hour}:00:00Z`, '--end-time', `2026-01-15T${String(Number(hour) + 1).padStart(2, '0')}:00:00Z`];
    expect(await main(jobArgs(path.join(root, `run-${hour}`, 'out'), [...window, '--run-id', `hourly-${hour}`]))).toBe(0);
  }
  // Hour 08 judged again later (matured labels): its state replaces the first in the roll-up.
  expect(await main(jobArgs(path.join(root, 'run-08b', 'out'), ['--start-time', '2026-01-15T08:00:00Z', '--end-time', '2026-01-15T09:00:00Z', '--run-id', 'hourly-08-late']))).toBe(0);
  // One run over both hours, to compare with (its state elsewhere: a two-hour window would overlap the hours).
  expect(await main(jobArgs(path.join(root, 'whole', 'out'), ['--start-time', '2026-01-15T08:00:00Z', '--end-time', '2026-01-15T10:00:00Z', '--run-id', 'whole'], 'state-whole'))).toBe(0);
  // Hour 09 judged in two halves (states in one hour folder), and in two windows that overlap.
  for (const [state, from, to] of [
    ['state-halves', '09:00', '09:30'],
    ['state-halves', '09:30', '10:00'],
    ['state-overlap', '09:00', '09:40'],
    ['state-overlap', '09:20', '10:00'],
  ] as const) {
    const window = ['--start-time', `2026-01-15T${from}:00Z`, '--end-time', `2026-01-15T${to}:00Z`, '--run-id', `part-${from.replace(':', '')}`];
    expect(await main(jobArgs(path.join(root, `${state}-${from.replace(':', '')}`, 'out'), window, state))).toBe(0);
  }
  // Hour 08 with the default seed, hour 09 with another.
  for (const [hour, extra] of [['08', []], ['09', ['--seed', '7']]] as const) {
    const window = ['--start-time', `2026-01-15T${hour}:00:00Z`, '--end-time', `2026-01-15T${String(Number(hour) + 1).padStart(2, '0')}:00:00Z`, '--run-id', `seed-${hour}`];
    expect(await main(jobArgs(path.join(root, `seed-${hour}`, 'out'), [...window, ...extra], 'state-seed'))).toBe(0);
  }
}, 600_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('mpm-monitor rollup', () => {
  it('merges the hours into the statistics of one run over the span, reading no capture; the latest state of an hour wins', async () => {
    const out = path.join(root, 'rollup', 'out');
    rmSync(path.join(root, 'capture'), { recursive: true, force: true });
    expect(await main(['rollup', '--from', '2026-01-15T08:00:00Z', '--to', '2026-01-15T10:00:00Z', ...jobArgs(out, [])])).toBe(0);
    expect(statistics(out)).toBe(statistics(path.join(root, 'whole', 'out')));
    expect(readFileSync(path.join(out, 'constraint_violations.json'), 'utf8')).toBe(readFileSync(path.join(root, 'whole', 'out', 'constraint_violations.json'), 'utf8'));
    // The message file says what the job's would (for a roll-up run as a processing job).
    expect(readFileSync(path.join(out, '..', 'message'), 'utf8')).toBe(readFileSync(path.join(root, 'whole', 'message'), 'utf8'));
    const report = JSON.parse(readFileSync(path.join(out, 'rollup_report.json'), 'utf8')) as {
      hours: { hour: string; job: string; superseded: string[] }[];
      missing_hours: string[];
      note: string;
      settings_from_states: unknown[];
      auc: { exact: boolean; bound: number; score_entries: number; score_bytes: number; approximation: unknown; note: string };
    };
    expect(report.hours.map((h) => [h.hour, h.job])).toEqual([
      ['2026-01-15T08:00:00Z', 'hourly-08-late'],
      ['2026-01-15T09:00:00Z', 'hourly-09'],
    ]);
    expect(report.hours[0]!.superseded).toEqual([path.join(root, 'state/2026/01/15/08/hourly-08/run.mpmstate')]);
    expect(report.missing_hours).toEqual([]);
    expect(report.note).toMatch(/loose/);
    expect(report.settings_from_states).toEqual([]);
    // Scores with 3 decimals: the auc is exact, far below the bound, and the report says what the pairs cost.
    expect(report.auc).toMatchObject({ exact: true, bound: 1 << 20, approximation: null });
    expect(report.auc.score_entries).toBeGreaterThan(0);
    expect(report.auc.score_bytes).toBe(report.auc.score_entries * 16);
    expect(report.auc.note).toMatch(/within auc_error_bound/);
  });

  it('merges runs over parts of one hour (only a state of the same window replaces another); refuses parts that overlap', async () => {
    // The latest state of the hour folder used to win whatever its window: the first half was dropped, exit 0.
    const out = path.join(root, 'rollup-halves', 'out');
    expect(await main(['rollup', '--from', '2026-01-15T09:00:00Z', '--to', '2026-01-15T10:00:00Z', ...jobArgs(out, [], 'state-halves')])).toBe(0);
    expect(statistics(out)).toBe(statistics(path.join(root, 'run-09', 'out')));
    const report = JSON.parse(readFileSync(path.join(out, 'rollup_report.json'), 'utf8')) as { hours: { hour: string; job: string; superseded: string[] }[] };
    expect(report.hours.map((h) => [h.hour, h.job, h.superseded])).toEqual([
      ['2026-01-15T09:00:00Z', 'part-0900', []],
      ['2026-01-15T09:00:00Z', 'part-0930', []],
    ]);
    const overlap = path.join(root, 'rollup-overlap', 'out');
    expect(await main(['rollup', '--from', '2026-01-15T09:00:00Z', '--to', '2026-01-15T10:00:00Z', ...jobArgs(overlap, [], 'state-overlap')])).toBe(3);
    const states = path.join(root, 'state-overlap', '2026', '01', '15', '09');
    expect(readFileSync(path.join(overlap, '..', 'message'), 'utf8')).toBe(
      `Failed: input: the run states ${path.join(states, 'part-0900', 'run.mpmstate')} (2026-01-15T09:00:00Z to 2026-01-15T09:40:00Z) and ${path.join(states, 'part-0920', 'run.mpmstate')} (2026-01-15T09:20:00Z to 2026-01-15T10:00:00Z) cover overlapping windows of one hour; neither replaces the other (only a state of the same window does) and merging both would count records twice: remove the one that should not count`,
    );
  });

  it("a state whose settings differ from the roll-up's is a configuration error in any hour (a later hour's was exit 3)", async () => {
    const out = path.join(root, 'rollup-seed', 'out');
    expect(await main(['rollup', '--from', '2026-01-15T08:00:00Z', '--to', '2026-01-15T10:00:00Z', ...jobArgs(out, [], 'state-seed')])).toBe(2);
    expect(readFileSync(path.join(out, '..', 'message'), 'utf8')).toMatch(new RegExp(`^Failed: config: the roll-up's settings differ from those of ${path.join(root, 'state-seed', '2026', '01', '15', '09', 'seed-09', 'run.mpmstate')}: .*MPM_SEED`));
    // Given the seed of hour 09, hour 08 is the one that differs: the same exit.
    expect(await main(['rollup', '--from', '2026-01-15T08:00:00Z', '--to', '2026-01-15T10:00:00Z', ...jobArgs(out, ['--seed', '7'], 'state-seed')])).toBe(2);
  });

  it('lists the hours without a state; fails on a span without any; refuses another problem type', async () => {
    const out = path.join(root, 'rollup-day', 'out');
    expect(await main(['rollup', '--from', '2026-01-15', '--to', '2026-01-16', ...jobArgs(out, [])])).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'rollup_report.json'), 'utf8')) as { hours: unknown[]; missing_hours: string[] };
    expect(report.hours).toHaveLength(2);
    expect(report.missing_hours).toHaveLength(22);
    expect(report.missing_hours).not.toContain('2026-01-15T09:00:00Z');
    expect(await main(['rollup', '--from', '2026-01-16', '--to', '2026-01-17', ...jobArgs(path.join(root, 'none', 'out'), [])])).toBe(3);
    expect(readFileSync(path.join(root, 'none', 'message'), 'utf8')).toMatch(/^Failed: input: no model-quality run state in /);
    const other = jobArgs(path.join(root, 'other', 'out'), []).map((a) => (a === 'BinaryClassification' ? 'MulticlassClassification' : a));
    expect(await main(['rollup', '--from', '2026-01-15', '--to', '2026-01-16', ...other])).toBe(2);
    // The span's errors name --from and --to, as typed (they named start_time and end_time).
    const reversed = path.join(root, 'reversed', 'out');
    expect(await main(['rollup', '--from', '2026-01-16', '--to', '2026-01-15', ...jobArgs(reversed, [])])).toBe(2);
    expect(readFileSync(path.join(reversed, '..', 'message'), 'utf8')).toBe('Failed: config: --to "2026-01-15T00:00:00Z" is not after --from "2026-01-16T00:00:00Z"; expected a span from --from up to --to');
    // The states are listed hour by hour: a span is counted first (1970 to 9999 listed hours for hours).
    expect(await main(['rollup', '--from', '1970-01-01', '--to', '9999-01-01', ...jobArgs(reversed, [])])).toBe(2);
    expect(readFileSync(path.join(reversed, '..', 'message'), 'utf8')).toBe(
      `Failed: config: --to "9999-01-01T00:00:00Z" is ${(Date.parse('9999-01-01T00:00:00Z') - Date.parse('1970-01-01T00:00:00Z')) / 3_600_000} hours after --from "1970-01-01T00:00:00Z"; expected at most 8784 hours (a year and a day) per roll-up`,
    );
    expect(await main(['rollup', '--from', 'yesterday', '--to', '2026-01-15', ...jobArgs(reversed, [])])).toBe(2);
    expect(readFileSync(path.join(reversed, '..', 'message'), 'utf8')).toMatch(/^Failed: config: --from "yesterday" is not valid; expected a UTC time/);
  });
});
