/**
 * @module Whether the baseline's calibration (mpm_calibration of constraints.json) fits the run that reads it, checked
 * before any record is read. A binary calibration maps scores to P(its positive_label): a run whose positive_label
 * differs would apply it to the other class's scores and estimate with a confident, wrong band. A vector calibration
 * names the class of each position: MPM_CLASS_LABELS must list the same classes, in any order (the estimate reads
 * each vector by class name).
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { ConfigError } from '../errors.ts';
import type { CalibrationArtefact } from '../estimation/calibration-artefact.ts';
import { canonicalLabel } from '../metrics/labels.ts';

const label = (raw: string): string => canonicalLabel(raw) ?? raw;

/** Throws a ConfigError naming the setting, its value and the calibration's, when they do not fit. */
export function assertCalibrationFitsRun(calibration: CalibrationArtefact | undefined, config: Pick<MonitorConfig, 'problemType' | 'positiveLabel' | 'classLabels'>, source: string): void {
  if (calibration === undefined) return;
  if (config.problemType === 'BinaryClassification' && calibration.mode === 'binary' && calibration.positive_label !== undefined) {
    const run = label(config.positiveLabel);
    const fitted = label(calibration.positive_label);
    if (run !== fitted) {
      throw new ConfigError(
        `config: positive_label ${JSON.stringify(config.positiveLabel)} differs from the label the baseline's calibration was fitted for (baseline_constraints ${source}: mpm_calibration.positive_label ${JSON.stringify(calibration.positive_label)}); expected positive_label=${calibration.positive_label}, or a baseline suggested with positive_label=${config.positiveLabel}`,
      );
    }
  }
  const classes = calibration.classes;
  if (config.problemType === 'MulticlassClassification' && calibration.mode === 'multiclass_vectors' && classes !== undefined && config.classLabels !== undefined) {
    const run = config.classLabels.map(label);
    const fitted = classes.map(label);
    if (run.length !== fitted.length || !fitted.every((c) => run.includes(c))) {
      throw new ConfigError(
        `config: MPM_CLASS_LABELS ${JSON.stringify(config.classLabels.join(','))} does not list the classes the baseline's calibration was fitted for (baseline_constraints ${source}: mpm_calibration.classes ${JSON.stringify(classes.join(','))}); expected the same classes, in the order of the responses' vectors`,
      );
    }
  }
}
