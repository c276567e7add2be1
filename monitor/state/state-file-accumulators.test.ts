/**
 * Issue 19: the model-quality accumulators as the hosts of one run would hand them over: a window split at random
 * into 2-8 parts, each part saves, packs and writes its state file; the files are read back, checked as mergeable and
 * merged in any order; the statistics.json the merge gives equals that of a single pass over the whole window, byte
 * for byte, for every problem type.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildStatistics } from '../metrics/build-statistics.ts';
import { createAccumulator, loadAccumulator } from '../metrics/create-accumulator.ts';
import { toJson } from '../report/json-file.ts';
import type { AccumulatorOptions, Observation, ProblemType } from '../metrics/types.ts';
import { fingerprintOf, resultSettings } from './settings-fingerprint.ts';
import { pack, unpack } from './state-file.ts';
import { assertMergeable, type StateHeaderInput } from './state-header.ts';

const keyHash = fc.integer({ min: 0, max: 0xffffffff });
const label = (problem: ProblemType): fc.Arbitrary<string> =>
  problem === 'BinaryClassification' ? fc.constantFrom('0', '1') : fc.constantFrom('a', 'b', 'c', '__proto__', 'é', '10');
const observation = (problem: ProblemType): fc.Arbitrary<Observation> =>
  problem === 'Regression'
    ? fc.record({ actual: fc.constant(''), predicted: fc.constant(''), actualValue: fc.double({ min: -1e6, max: 1e6, noNaN: true }), predictedValue: fc.double({ min: -1e6, max: 1e6, noNaN: true }), keyHash })
    : fc.record({ actual: label(problem), predicted: label(problem), score: fc.double({ min: 0, max: 1, noNaN: true }), keyHash });

function header(problem: ProblemType, host: string, hosts: string[], options: AccumulatorOptions): StateHeaderInput {
  const settings = resultSettings({ problem_type: problem, positive_label: options.positiveLabel, MPM_SEED: String(options.seed) });
  return {
    analysis: 'model_quality',
    problem_type: problem,
    positive_label: options.positiveLabel ?? null,
    seed: options.seed ?? 0,
    label_dictionary: [],
    settings_fingerprint: fingerprintOf(settings),
    result_settings: settings,
    window: { start_time: '2026-01-15T08:00:00Z', end_time: '2026-01-15T09:00:00Z' },
    host: { current_host: host, hosts },
    job: { name: 'mq-2026-01-15-0905', source: 'processing_job' },
    tool: { name: 'mpm', version: '0.1.0' },
  };
}

describe('accumulator states through state files', () => {
  for (const problem of ['BinaryClassification', 'MulticlassClassification', 'Regression'] as const) {
    it(`${problem}: 2-8 hosts' files merge, in any order, into the one-pass statistics.json`, () => {
      const time = new Date('2026-01-15T09:05:00Z');
      fc.assert(
        fc.property(
          fc.array(observation(problem), { maxLength: 400 }),
          fc.integer({ min: 2, max: 8 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.nat(n - 1), { minLength: 400, maxLength: 400 }), fc.shuffledSubarray([...Array(n).keys()], { minLength: n }))),
          fc.nat(),
          (records, [n, hostOf, order], seed) => {
            const options: AccumulatorOptions = { problemType: problem, positiveLabel: '1', seed, minRecordsForStd: 20 };
            const hosts = Array.from({ length: n }, (_, i) => `algo-${i + 1}`);
            const whole = createAccumulator(options);
            const parts = hosts.map(() => createAccumulator(options));
            records.forEach((r, i) => {
              whole.update(r);
              parts[hostOf[i]!]!.update(r);
            });
            const files = parts.map((part, i) => ({ file: `${hosts[i]}.mpmstate`, bytes: pack({ model_quality: part.save() }, header(problem, hosts[i]!, hosts, options)) }));
            const read = order.map((i) => ({ file: files[i]!.file, ...unpack(files[i]!.bytes, files[i]!.file) }));
            for (const other of read.slice(1)) assertMergeable(read[0]!, other, 'hosts');
            const merged = loadAccumulator(read[0]!.states.model_quality!);
            for (const other of read.slice(1)) merged.merge(loadAccumulator(other.states.model_quality!));
            expect(toJson(buildStatistics(merged.result(), time))).toBe(toJson(buildStatistics(whole.result(), time)));
          },
        ),
        { numRuns: 40 },
      );
    });
  }
});
