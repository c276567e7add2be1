import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import type { CalibrationArtefact } from '../estimation/calibration-artefact.ts';
import { assertCalibrationFitsRun } from './calibration-fits-run.ts';

const binary = { mode: 'binary', positive_label: '1' } as unknown as CalibrationArtefact;
const vectors = { mode: 'multiclass_vectors', classes: ['oak', 'pine', 'fir'] } as unknown as CalibrationArtefact;

describe('assertCalibrationFitsRun', () => {
  it("refuses a binary run whose positive_label is not the calibration's, naming both", () => {
    const run = { problemType: 'BinaryClassification' as const, positiveLabel: '0', classLabels: undefined };
    expect(() => assertCalibrationFitsRun(binary, run, 's3://b/constraints.json')).toThrow(ConfigError);
    expect(() => assertCalibrationFitsRun(binary, run, 's3://b/constraints.json')).toThrow(
      'config: positive_label "0" differs from the label the baseline\'s calibration was fitted for (baseline_constraints s3://b/constraints.json: mpm_calibration.positive_label "1"); expected positive_label=1, or a baseline suggested with positive_label=0',
    );
    // The same label however it is written ("1.0" reads as the label 1).
    expect(() => assertCalibrationFitsRun(binary, { ...run, positiveLabel: '1.0' }, 'c.json')).not.toThrow();
  });

  it('accepts class labels in another order (the estimate reads vectors by name) and refuses other classes', () => {
    const run = { problemType: 'MulticlassClassification' as const, positiveLabel: '1', classLabels: ['fir', 'pine', 'oak'] };
    expect(() => assertCalibrationFitsRun(vectors, run, 'c.json')).not.toThrow();
    expect(() => assertCalibrationFitsRun(vectors, { ...run, classLabels: undefined }, 'c.json')).not.toThrow();
    expect(() => assertCalibrationFitsRun(vectors, { ...run, classLabels: ['fir', 'pine', 'elm'] }, 'c.json')).toThrow(
      'config: MPM_CLASS_LABELS "fir,pine,elm" does not list the classes the baseline\'s calibration was fitted for (baseline_constraints c.json: mpm_calibration.classes "oak,pine,fir"); expected the same classes, in the order of the responses\' vectors',
    );
    expect(() => assertCalibrationFitsRun(vectors, { ...run, classLabels: ['fir', 'pine'] }, 'c.json')).toThrow(ConfigError);
    expect(() => assertCalibrationFitsRun(undefined, run, 'c.json')).not.toThrow();
  });
});
