import { describe, expect, it } from 'vitest';
import { parseCalibrationArtefact } from './calibration-artefact.ts';
import { fitCalibration } from './fit-calibration.ts';
import { ReferenceSample } from './reference-sample.ts';
import { createSeededRandom } from './seeded-random.ts';

function binarySample(records: number): ReferenceSample {
  const random = createSeededRandom(9);
  const sample = new ReferenceSample('binary');
  for (let i = 0; i < records; i++) {
    const score = random.next();
    sample.add({ actual: random.next() < score ** 2 ? '1' : '0', predicted: score >= 0.5 ? '1' : '0', score });
  }
  return sample;
}

describe('the calibration artefact', () => {
  it('survives JSON (constraints.json) and validates', () => {
    const artefact = fitCalibration(binarySample(800), { positiveLabel: '1' });
    const read = parseCalibrationArtefact(JSON.parse(JSON.stringify(artefact)), 'constraints.json', 'BinaryClassification');
    expect(read).toEqual(JSON.parse(JSON.stringify(artefact)));
    expect(read.calibrations[0]!.calibrate).toBe(true);
    expect(read.reference_records).toBe(800);
    expect(read.thresholds!.chunks).toBe(10);
    expect(Object.keys(read.sampling_error)).toEqual(['accuracy', 'precision', 'recall', 'f1', 'true_negative_rate', 'auc']);
    expect(read.decision_procedure).toEqual({ splits: 10, test_size: 0.1, bins: 10, auroc_limit: 0.999, seed: 42, generator: 'sfc32 seeded by splitmix32 (monitor/estimation/seeded-random.ts)' });
  });

  it('names every problem of a bad artefact, with the file', () => {
    expect(() => parseCalibrationArtefact([], 'b.json', 'BinaryClassification')).toThrow(
      'config: baseline_constraints "b.json": mpm_calibration is []; expected the object suggest-baseline writes',
    );
    const bad = { version: 2, problem_type: 'MulticlassClassification', mode: 'vectors', reference_records: 0, calibrations: [{ calibrate: true, map: { x: [1, 0], y: [0, 1] } }], sampling_error: { accuracy: { method: 'guess' } } };
    expect(() => parseCalibrationArtefact(bad, 'b.json', 'BinaryClassification')).toThrow(
      [
        'config: baseline_constraints "b.json": mpm_calibration is not valid:',
        '- version is 2; this mpm reads version 1',
        '- problem_type is "MulticlassClassification" but the run\'s problem_type is BinaryClassification',
        '- mode is "vectors"; expected one of binary, multiclass_vectors, multiclass_top_score',
        '- reference_records is 0; expected a positive integer',
        '- calibrations[0].map has thresholds not strictly increasing at 1',
        '- sampling_error.accuracy needs a method among reference_std, reference_std_fraction, class_variances, bootstrap',
      ].join('\n'),
    );
  });

  it('is switched off for thresholds on request, and says why a small reference has none', () => {
    expect(fitCalibration(binarySample(300), { positiveLabel: '1', thresholds: false }).thresholds_not_computed).toBe('not asked for');
    expect(fitCalibration(binarySample(300), { positiveLabel: '1', chunkSize: 200 }).thresholds_not_computed).toBe(
      'the reference has 300 records: fewer than 2 chunks of 200 (the records of one monitoring window)',
    );
  });

  it('refuses a reference without a usable record, saying what was skipped', () => {
    const sample = new ReferenceSample('binary');
    sample.add({ actual: '1', predicted: '1' });
    expect(() => fitCalibration(sample, { positiveLabel: '1' })).toThrow(
      "input: no labelled reference record can calibrate the estimate (1 no_score); CBPE needs each prediction's score",
    );
  });
});
