/**
 * Issue 19: a data-quality window split at random into 2-8 hosts' parts (whole files, as ShardedByS3Key deals
 * them), each part saved in a state file, read back and merged, gives the statistics.json of one instance reading
 * every file: byte for byte (with the baseline's columns, which fix the column order; without, columns first seen on
 * the hosts come in host order, each feature otherwise the same) except the KLL distribution, whose bucket counts stay within the sketch's rank error of
 * the exact counts (item counts, presence, type counts, sum, mean, std_dev, min, max, distinct counts and
 * categorical buckets are identical).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataQualityResult } from '../data-quality/analysis.ts';
import { DatasetProfile } from '../data-quality/dataset-profile.ts';
import type { DataQualityStatistics } from '../data-quality/statistics-schema.ts';
import { InputErrorTally } from '../ingest/input-errors.ts';
import { toJson } from '../report/json-file.ts';
import { emptyCaptureSummary } from '../scan/capture-summary.ts';
import { DATA_QUALITY_STATES, loadDataQualityRun, saveDataQualityRun } from './data-quality-state.ts';
import { fingerprintOf, resultSettings } from './settings-fingerprint.ts';
import { pack, unpack } from './state-file.ts';
import type { StateHeaderInput } from './state-header.ts';
import { mulberry32 as random } from '../../test/helpers/mulberry32.ts';

const NAMES = ['age', 'city', 'score', 'flag', 'mixed', 'amount'];
const CITIES = ['Paris', 'Oslo', 'Lima', '42', '-3.5', 'true', '', 'N/A', '1e3'];

type Row = { names: string[]; values: unknown[] };

function rowsOf(seed: number, n: number): Row[] {
  const r = random(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const all: unknown[] = [
      r() < 0.1 ? null : Math.floor(r() * 100),
      pick(CITIES),
      r() * 1e3 - 500,
      r() < 0.5,
      pick<unknown>([1, 2.5, 'x', null, '7', true]),
      r() < 0.02 ? 1e15 * r() : Math.exp(r() * 20) / 7,
    ];
    const names: string[] = [];
    const values: unknown[] = [];
    NAMES.forEach((name, k) => {
      if (r() < 0.95) {
        names.push(name);
        values.push(all[k]);
      }
    });
    rows.push({ names, values });
  }
  return rows;
}

function profileOf(rows: Row[], columns?: string[]): DatasetProfile {
  const p = new DatasetProfile({ columns });
  for (const row of rows) p.addRow(row.names, row.values);
  return p;
}

const HEADER: StateHeaderInput = (() => {
  const settings = resultSettings({ analysis_type: 'DATA_QUALITY' }, { 'mpm.baseline_columns': 'null' });
  return {
    analysis: 'data_quality',
    problem_type: null,
    positive_label: null,
    seed: 0,
    label_dictionary: [],
    settings_fingerprint: fingerprintOf(settings),
    result_settings: settings,
    window: { start_time: '2026-01-15T08:00:00Z', end_time: '2026-01-15T09:00:00Z' },
    host: { current_host: 'algo-1', hosts: ['algo-1'] },
    job: { name: 'dq', source: 'run_id' },
    tool: { name: 'mpm', version: '0.1.0' },
  };
})();

/** A host's profile through a state file and back. */
function throughStateFile(profile: DatasetProfile): DatasetProfile {
  const bytes = pack(saveDataQualityRun({ profile, capture: emptyCaptureSummary('/in'), tally: new InputErrorTally(5) }), HEADER);
  const read = unpack(bytes);
  expect(Object.keys(read.states).sort()).toEqual(Object.values(DATA_QUALITY_STATES).sort());
  return loadDataQualityRun(read.states, 'part').profile;
}

/**
 * statistics.json as written, and the same with every KLL distribution taken out; `byName` puts the features in name
 * order (without a baseline, columns come in the order first seen, which is the hosts' order after a merge).
 */
function statisticsOf(profile: DatasetProfile, byName: boolean): { stats: DataQualityStatistics; exact: string } {
  const stats = dataQualityResult(profile, {}).statistics;
  const exact = JSON.parse(toJson(stats)) as { features: Array<{ name: string; numerical_statistics?: { distribution?: unknown } }> };
  for (const f of exact.features) if (f.numerical_statistics) delete f.numerical_statistics.distribution;
  if (byName) {
    exact.features.sort((a, b) => (a.name < b.name ? -1 : 1));
    stats.features.sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  return { stats, exact: toJson(exact) };
}

type Numeric = { name: string; numerical_statistics?: { common: { num_present: number }; distribution: { kll: { buckets: Array<{ lower_bound: number; upper_bound: number; count: number }> } } } };

describe('data-quality state: hosts\' parts merge into the one-instance statistics.json', () => {
  it('2-8 random parts of a window of random files, with or without baseline columns', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 7000 }), fc.integer({ min: 1, max: 24 }), fc.integer({ min: 2, max: 8 }), fc.boolean(), (seed, n, fileCount, hosts, baseline) => {
        const columns = baseline ? [...NAMES].reverse() : undefined;
        const rows = rowsOf(seed, n);
        const r = random(seed ^ 0x5bd1e995);
        const cuts = [0, ...Array.from({ length: fileCount - 1 }, () => Math.floor(r() * (n + 1))).sort((a, b) => a - b), n];
        const files = cuts.slice(1).map((end, i) => rows.slice(cuts[i], end));
        // One instance: each file profiled on its own, merged in path order.
        const whole = new DatasetProfile({ columns });
        for (const file of files) whole.merge(profileOf(file, columns));
        // Several instances: whole files dealt at random; each host merges its files in path order, writes its state;
        // the leader merges the parts read back, in host order.
        const owner = files.map(() => Math.floor(r() * hosts));
        const parts = Array.from({ length: hosts }, (_, h) => {
          const p = new DatasetProfile({ columns });
          files.forEach((file, i) => owner[i] === h && p.merge(profileOf(file, columns)));
          return throughStateFile(p);
        });
        const merged = parts[0]!;
        for (const part of parts.slice(1)) merged.merge(part);
        // With the baseline's columns the file is byte for byte the same but for the KLL distributions; without,
        // the features come in another order (first seen on the hosts in host order) and are otherwise the same.
        const one = statisticsOf(whole, !baseline);
        const many = statisticsOf(merged, !baseline);
        expect(many.exact).toBe(one.exact);
        // The KLL buckets: same bounds (min and max are exact), cumulative counts within the sketch's rank error.
        const sorted = new Map<string, number[]>();
        for (const row of rows) row.names.forEach((name, k) => typeof row.values[k] === 'number' && sorted.set(name, [...(sorted.get(name) ?? []), row.values[k] as number]));
        for (const [i, f] of (many.stats.features as Numeric[]).entries()) {
          const theirs = (one.stats.features as Numeric[])[i]!;
          if (!f.numerical_statistics || !theirs.numerical_statistics) continue;
          const a = f.numerical_statistics.distribution.kll.buckets;
          const b = theirs.numerical_statistics.distribution.kll.buckets;
          expect(a.map((x) => [x.lower_bound, x.upper_bound])).toEqual(b.map((x) => [x.lower_bound, x.upper_bound]));
          const total = f.numerical_statistics.common.num_present;
          // The buckets' total is the sketch's weight, which a compaction may move by a unit: within the error too.
          let ca = 0;
          let cb = 0;
          a.forEach((x, k) => {
            ca += x.count;
            cb += b[k]!.count;
            expect(Math.abs(ca - cb), `${f.name} bucket ${k}`).toBeLessThanOrEqual(0.01 * total + 1);
          });
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

describe('data-quality state: errors', () => {
  it("an accumulator's own refusal (an unknown version) names the state file", () => {
    const read = unpack(pack(saveDataQualityRun({ profile: new DatasetProfile(), capture: emptyCaptureSummary('/in'), tally: new InputErrorTally(5) }), HEADER));
    const profile = read.states[DATA_QUALITY_STATES.profile]!;
    const states = { ...read.states, [DATA_QUALITY_STATES.profile]: { ...profile, version: 99 } };
    expect(() => loadDataQualityRun(states, 's3://b/state/hosts/algo-2.mpmstate')).toThrow(/^state: s3:\/\/b\/state\/hosts\/algo-2\.mpmstate: expected a dq\.profile state of version 1, found "dq\.profile" version 99$/);
  });
});
