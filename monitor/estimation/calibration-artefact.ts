/**
 * @module The calibration artefact: what suggest-baseline learns from the labelled reference for CBPE, written under
 * the `mpm_calibration` key of constraints.json (for model quality, Model Monitor mounts only the baseline
 * constraints) and read back by every monitoring run. Labels are kept in arrays, never as object keys.
 */
import { ConfigError, showValue } from '../errors.ts';
import { isotonicMapProblem, type IsotonicMap } from './isotonic-regression.ts';
import type { CalibrationDecision } from './calibration-decision.ts';

/** Layout version of the artefact; a reader refuses a version it does not know. */
export const CALIBRATION_VERSION = 1;
/** The key of constraints.json that holds the artefact. */
export const CALIBRATION_KEY = 'mpm_calibration';

/**
 * What the estimate reads from each prediction:
 * - binary: the predicted label and P(positive label);
 * - multiclass_vectors: the predicted label and the probability vector (one entry per class, in `classes` order);
 * - multiclass_top_score: the predicted label and its probability only (accuracy alone can be estimated).
 */
export type EstimationMode = 'binary' | 'multiclass_vectors' | 'multiclass_top_score';

/** How the calibrate-or-not decision was taken: NannyML's rule, or forced by the user. */
export type CalibrationPolicy = 'auto' | 'always' | 'never';

/** The calibration of one score: the binary P(positive), one class of the vector, or the top score. */
export interface ScoreCalibration extends CalibrationDecision {
  /** Vector mode: the class this score is the probability of (binary: the positive label; top score: absent). */
  class?: string;
  /** The isotonic map, when `calibrate`. */
  map?: IsotonicMap;
}

/**
 * The reference figures a metric's standard error is computed from, for a window of n estimated records:
 * - reference_std: std / sqrt(n), std being the per-record standard deviation of the metric on the reference
 *   (accuracy: of 0/1 correctness);
 * - reference_std_fraction: std / sqrt(n * fraction) (NannyML's binary precision, recall, f1, specificity, auc);
 * - class_variances: sqrt(sum_k variances[k] / (n * fractions[k])) / K (NannyML's multiclass macro averages);
 * - bootstrap: std * sqrt(sample_size / n), std being the spread of the metric over `resamples` resamples of
 *   `sample_size` reference records drawn with replacement (seeded).
 * A figure the reference cannot give (no record of the kind a fraction counts) is null: no standard error then.
 */
export type SamplingErrorComponents =
  | { method: 'reference_std'; std: number | null }
  | { method: 'reference_std_fraction'; std: number | null; fraction: number | null }
  | { method: 'class_variances'; variances: (number | null)[]; fractions: (number | null)[] }
  | { method: 'bootstrap'; std: number | null; sample_size: number; resamples: number; seed: number };

/** Reference-chunk alert thresholds of one metric: mean -/+ 3 standard deviations, clipped to [0, 1]. */
export interface MetricThreshold {
  mean: number;
  std: number;
  lower: number;
  upper: number;
}

/** The thresholds suggested for `estimated_<metric>` constraints. */
export interface ReferenceThresholds {
  chunk_size: number;
  chunks: number;
  std_multiplier: number;
  metrics: Record<string, MetricThreshold>;
  /** Metrics whose chunk values were all undefined (e.g. auc in chunks with one class). */
  not_computed?: Record<string, string>;
}

/** The artefact under `mpm_calibration`. */
export interface CalibrationArtefact {
  version: typeof CALIBRATION_VERSION;
  method: 'CBPE';
  problem_type: 'BinaryClassification' | 'MulticlassClassification';
  mode: EstimationMode;
  /** Labelled reference records the artefact was fitted on. */
  reference_records: number;
  /** Reference records left out of the fit, by reason. */
  reference_skipped: Record<string, number>;
  /** Binary: the label whose probability the score is. */
  positive_label?: string;
  /** Vector mode: the class of each vector position. */
  classes?: string[];
  policy: CalibrationPolicy;
  decision_procedure: { splits: number; test_size: number; bins: number; auroc_limit: number; seed: number; generator: string };
  /** One entry per calibrated score (binary and top score: one; vectors: one per class, in `classes` order). */
  calibrations: ScoreCalibration[];
  /** Per estimated metric (the realized metric's name, e.g. "accuracy", "weighted_f1"). */
  sampling_error: Record<string, SamplingErrorComponents>;
  /** Absent when suggest-baseline was asked not to suggest thresholds, or the reference was too small. */
  thresholds?: ReferenceThresholds;
  /** Why there are no thresholds, when there are none. */
  thresholds_not_computed?: string;
}

const MODES: readonly EstimationMode[] = ['binary', 'multiclass_vectors', 'multiclass_top_score'];
const METHODS = ['reference_std', 'reference_std_fraction', 'class_variances', 'bootstrap'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function finite(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Validates an `mpm_calibration` value read from `source` (a constraints file) for a problem type. Throws one
 * ConfigError naming every problem; returns the artefact otherwise.
 */
export function parseCalibrationArtefact(value: unknown, source: string, problemType: string): CalibrationArtefact {
  const where = `baseline_constraints ${showValue(source)}: ${CALIBRATION_KEY}`;
  if (!isRecord(value)) throw new ConfigError(`config: ${where} is ${showValue(value)}; expected the object suggest-baseline writes`);
  const problems: string[] = [];
  if (value.version !== CALIBRATION_VERSION) problems.push(`version is ${showValue(value.version)}; this mpm reads version ${CALIBRATION_VERSION}`);
  if (value.problem_type !== problemType) problems.push(`problem_type is ${showValue(value.problem_type)} but the run's problem_type is ${problemType}`);
  const mode = value.mode as EstimationMode;
  if (!MODES.includes(mode)) problems.push(`mode is ${showValue(value.mode)}; expected one of ${MODES.join(', ')}`);
  if (mode === 'binary' && problemType !== 'BinaryClassification') problems.push('mode "binary" needs problem_type BinaryClassification');
  if (mode !== 'binary' && problemType === 'BinaryClassification' && MODES.includes(mode)) problems.push(`mode ${showValue(mode)} needs problem_type MulticlassClassification`);
  if (!(Number.isSafeInteger(value.reference_records) && (value.reference_records as number) > 0)) problems.push(`reference_records is ${showValue(value.reference_records)}; expected a positive integer`);
  const calibrations = value.calibrations;
  if (!Array.isArray(calibrations) || calibrations.length === 0) problems.push('calibrations must be a non-empty array');
  if (mode === 'binary' && typeof value.positive_label !== 'string') problems.push('positive_label must be a string in binary mode');
  if (mode === 'multiclass_vectors') {
    const classes = value.classes;
    if (!Array.isArray(classes) || classes.length < 2 || !classes.every((c) => typeof c === 'string')) problems.push('classes must list at least 2 class labels in vector mode');
    else if (new Set(classes).size !== classes.length) problems.push('classes has a label twice');
    else if (Array.isArray(calibrations) && calibrations.length !== classes.length) problems.push(`calibrations has ${calibrations.length} entries for ${classes.length} classes`);
  } else if (Array.isArray(calibrations) && calibrations.length !== 1) problems.push(`calibrations has ${calibrations.length} entries; mode ${showValue(mode)} has one score`);
  if (Array.isArray(calibrations)) {
    calibrations.forEach((c: unknown, i) => {
      if (!isRecord(c) || typeof c.calibrate !== 'boolean') return void problems.push(`calibrations[${i}] needs a boolean "calibrate"`);
      if (c.calibrate) {
        const problem = isotonicMapProblem(c.map);
        if (problem !== undefined) problems.push(`calibrations[${i}].map ${problem}`);
      }
    });
  }
  if (!isRecord(value.sampling_error)) problems.push('sampling_error must be an object');
  else {
    for (const [metric, spec] of Object.entries(value.sampling_error)) {
      const problem = componentsProblem(spec);
      if (problem !== undefined) problems.push(`sampling_error.${metric} ${problem}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`config: ${where} is not valid:\n- ${problems.join('\n- ')}`);
  return value as unknown as CalibrationArtefact;
}

function componentsProblem(spec: unknown): string | undefined {
  if (!isRecord(spec) || !METHODS.includes(spec.method as string)) return `needs a method among ${METHODS.join(', ')}`;
  // A standard deviation may be null when the reference could not give one (JSON has no NaN): no standard error then.
  const std = (v: unknown): boolean => v === null || (finite(v) && (v as number) >= 0);
  switch (spec.method) {
    case 'reference_std':
      return std(spec.std) ? undefined : 'needs a non-negative std';
    case 'reference_std_fraction':
      return std(spec.std) && (spec.fraction === null || finite(spec.fraction)) ? undefined : 'needs a std and a fraction';
    case 'class_variances': {
      const v = spec.variances;
      const f = spec.fractions;
      return Array.isArray(v) && Array.isArray(f) && v.length === f.length && v.every(std) && f.every((x) => x === null || finite(x)) ? undefined : 'needs variances and fractions of equal length';
    }
    default:
      return std(spec.std) && Number.isSafeInteger(spec.sample_size) && (spec.sample_size as number) > 0 ? undefined : 'needs a std and a positive sample_size';
  }
}
