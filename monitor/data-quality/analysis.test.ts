import { describe, expect, it } from 'vitest';
import { RecordProblem } from '../ingest/input-errors.ts';
import { dataQualityPlan, dataQualityResult } from './analysis.ts';
import { dataQualityPlanFromInit } from './data-quality-plan.ts';
import { DatasetProfile } from './dataset-profile.ts';
import { parseDataQualityConstraints } from './load-constraints.ts';
import { parseDataQualityStatistics } from './load-statistics.ts';

let seed = 42;
const rand = (): number => ((seed = (seed * 16807) % 2147483647), seed / 2147483647);

/** A capture line whose request carries `n` JSON records and whose response carries their scores. */
function line(n: number, minute: number, shift = 0): string {
  const records = Array.from({ length: n }, () => ({ age: Math.round(20 + rand() * 50 + shift), plan: rand() < 0.3 ? 'gold' : 'basic', nested: { score: rand() } }));
  const predictions = records.map((_, i) => ({ payload_index: i, label: rand() < 0.5 ? 1 : 0, score: Math.round(rand() * 1000) / 1000 }));
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: JSON.stringify(records), encoding: 'JSON' },
      endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: JSON.stringify(predictions), encoding: 'JSON' },
    },
    eventMetadata: { eventId: `e${minute}`, inferenceTime: `2024-05-01T10:${String(minute).padStart(2, '0')}:00Z` },
    eventVersion: '0',
  });
}

/** Three capture files of 20 requests of 50 records each. */
function files(shift = 0): string[][] {
  return [0, 1, 2].map((f) => Array.from({ length: 20 }, (_, i) => line(50, f * 20 + i, shift)));
}

const window = { start: Date.parse('2024-05-01T10:00:00Z'), end: Date.parse('2024-05-01T11:00:00Z') };

/** The analysis as the scan drives it, with files read by `workers` workers whose profiles travel as states. */
function run(input: string[][], workers: number, baseline?: { statistics?: string; constraints?: string }) {
  const options = {
    window,
    rows: { outputColumnsPosition: 'END' as const },
    statistics: baseline?.statistics ? parseDataQualityStatistics(baseline.statistics, 'statistics.json') : undefined,
    constraints: baseline?.constraints ? parseDataQualityConstraints(baseline.constraints, 'constraints.json') : undefined,
  };
  const plan = dataQualityPlan(options);
  // Worker threads rebuild the plan from its structured-cloned init and post each file's profile back as a state.
  const workerPlan = workers > 1 ? dataQualityPlanFromInit(structuredClone(plan.workerInit)) : plan;
  const states = input.map((lines) => {
    const part = workerPlan.startPart();
    for (const l of lines) workerPlan.readLine(part, Buffer.from(l));
    return workers > 1 ? structuredClone(part.save()) : part;
  });
  const total = plan.startPart();
  for (const s of states) total.merge(s instanceof DatasetProfile ? s : plan.load(s));
  return dataQualityResult(total, options);
}

describe('the data-quality analysis stage', () => {
  it('profiles every record of every request: 3 files × 20 requests × 50 records', () => {
    seed = 42;
    const result = run(files(), 1);
    expect(result.statistics.dataset.item_count).toBe(3000);
    expect(result.statistics.features.map((f) => [f.name, f.inferred_type])).toEqual([
      ['age', 'Integral'],
      ['plan', 'String'],
      ['nested.score', 'Fractional'],
      ['label', 'Integral'],
      ['score', 'Fractional'],
    ]);
    expect(result.checks.violations).toEqual([]);
  });

  it('writes the same statistics.json whatever the worker count', () => {
    seed = 42;
    const input = files();
    expect(JSON.stringify(run(input, 3).statistics)).toBe(JSON.stringify(run(input, 1).statistics));
  });

  it('a baseline suggested from one window flags the drifted window and not a healthy one', () => {
    seed = 42;
    const baselineRun = run(files(), 1);
    const baseline = { statistics: JSON.stringify(baselineRun.statistics), constraints: JSON.stringify(baselineRun.suggestion) };
    const healthy = run(files(), 2, baseline);
    expect(healthy.checks.violations).toEqual([]);
    const drifted = run(files(15), 2, baseline);
    expect(drifted.checks.violations.map((v) => [v.feature_name, v.constraint_check_type])).toEqual([['age', 'baseline_drift_check']]);
    expect(drifted.metrics.find((m) => m.name === 'feature_baseline_drift_age')!.value).toBeGreaterThan(0.1);
  });

  it('reads nothing outside the window and throws RecordProblem for a bad line', () => {
    const plan = dataQualityPlan({ window });
    const part = plan.startPart();
    expect(plan.readLine(part, Buffer.from(line(3, 0).replace('2024-05-01T10:00:00Z', '2024-05-01T12:00:00Z')))).toEqual({ status: 'skipped', reason: 'outside_window' });
    expect(() => plan.readLine(part, Buffer.from('not json'))).toThrow(RecordProblem);
    expect(part.itemCount).toBe(0);
    expect(plan.readLine(part, Buffer.from(line(3, 1)))).toEqual({ status: 'ok', records: 3 });
  });
});
