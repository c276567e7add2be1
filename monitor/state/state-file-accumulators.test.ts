/**
 * Issue 19: the model-quality accumulators as the hosts of one run would hand them over: each part of a window saves,
 * packs and writes its state file; the files are read back, checked as mergeable and merged; the statistics equal a
 * single pass over the whole window, bit for bit (JSON text), for every problem type.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAccumulator, loadAccumulator } from '../metrics/create-accumulator.ts';
import type { AccumulatorOptions, Observation, ProblemType } from '../metrics/types.ts';
import { settingsFingerprint } from './settings-fingerprint.ts';
import { pack, unpack } from './state-file.ts';
import { assertMergeable, type StateHeaderInput } from './state-header.ts';

const keyHash = fc.integer({ min: 0, max: 0xffffffff });
const label = (problem: ProblemType): fc.Arbitrary<string> =>
  problem === 'BinaryClassification' ? fc.constantFrom('0', '1') : fc.constantFrom('a', 'b', 'c', '__proto__', 'é', '10');
const observation = (problem: ProblemType): fc.Arbitrary<Observation> =>
  problem === 'Regression'
    ? fc.record({ actual: fc.constant(''), predicted: fc.constant(''), actualValue: fc.double({ min: -1e6, max: 1e6, noNaN: true }), predictedValue: fc.double({ min: -1e6, max: 1e6, noNaN: true }), keyHash })
    : fc.record({ actual: label(problem), predicted: label(problem), score: fc.double({ min: 0, max: 1, noNaN: true }), keyHash });

function header(problem: ProblemType, host: string, options: AccumulatorOptions): StateHeaderInput {
  return {
    analysis: 'model_quality',
    problem_type: problem,
    positive_label: options.positiveLabel ?? null,
    seed: options.seed ?? 0,
    label_dictionary: [],
    settings_fingerprint: settingsFingerprint({ problem_type: problem, positive_label: options.positiveLabel, MPM_SEED: String(options.seed) }),
    window: { start_time: '2026-01-15T08:00:00Z', end_time: '2026-01-15T09:00:00Z' },
    host: { current_host: host, hosts: ['algo-1', 'algo-2', 'algo-3'] },
    job: { name: 'mq-2026-01-15-0905', source: 'processing_job' },
    tool: { name: 'mpm', version: '0.1.0' },
  };
}

describe('accumulator states through state files', () => {
  for (const problem of ['BinaryClassification', 'MulticlassClassification', 'Regression'] as const) {
    it(`${problem}: three hosts' files merge into the one-pass statistics`, () => {
      fc.assert(
        fc.property(fc.array(observation(problem), { maxLength: 400 }), fc.array(fc.nat(2), { minLength: 400, maxLength: 400 }), fc.nat(), (records, hostOf, seed) => {
          const options: AccumulatorOptions = { problemType: problem, positiveLabel: '1', seed, minRecordsForStd: 20 };
          const whole = createAccumulator(options);
          const parts = [0, 1, 2].map(() => createAccumulator(options));
          records.forEach((r, i) => {
            whole.update(r);
            parts[hostOf[i]!]!.update(r);
          });
          const files = parts.map((part, i) => ({ file: `algo-${i + 1}.mpmstate`, bytes: pack({ model_quality: part.save() }, header(problem, `algo-${i + 1}`, options)) }));
          const read = files.map(({ file, bytes }) => ({ file, ...unpack(bytes, file) }));
          for (const other of read.slice(1)) assertMergeable(read[0]!, other, 'hosts');
          const merged = loadAccumulator(read[0]!.states.model_quality!);
          for (const other of read.slice(1)) merged.merge(loadAccumulator(other.states.model_quality!));
          expect(JSON.stringify(merged.result())).toBe(JSON.stringify(whole.result()));
        }),
        { numRuns: 40 },
      );
    });
  }
});
