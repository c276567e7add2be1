/**
 * @module What an estimator gives at the end of a window, the input it reads per prediction, and the pieces the
 * three estimators share (skip counts, the calibration fingerprint that makes sure merged estimators used the same
 * calibration).
 */
import type { ConfusionMatrix } from '../metrics/types.ts';
import { InputError } from '../errors.ts';
import { isCountArray } from '../state/accumulator-state.ts';
import type { CalibrationArtefact, EstimationMode } from './calibration-artefact.ts';
import type { EstimatedMetric } from './sampling-error.ts';

/** Why a regression run has no estimate (here, not in create-estimator.ts, so that naming it loads no estimator). */
export const REGRESSION_NOT_ESTIMATED =
  'CBPE estimates classification metrics from the model\'s confidence; regression would need a second model of the ' +
  'expected error (NannyML\'s DLE), which mpm does not build';

/** The fields of a prediction the estimate reads (a Prediction of monitor/ingest/explode-response.ts, no label). */
export interface EstimationInput {
  /** The predicted label, decided as for the realized metrics (binary threshold, MPM_BINARY_SCORE). */
  label?: string;
  /** Binary: P(positive label). Multiclass: the probability of the predicted label. */
  score?: number;
  /** Multiclass: the probability vector, one entry per class in the calibration's class order. */
  probabilities?: ArrayLike<number>;
}

/** The estimate of one window. */
export interface EstimationResult {
  method: 'CBPE';
  mode: EstimationMode;
  /** "baseline": the baseline's mpm_calibration was used; "none": no artefact (uncalibrated, plug-in errors). */
  calibration_source: 'baseline' | 'none';
  /** Whether any score went through a calibration map. */
  calibrated: boolean;
  /** Predictions seen in the window, labelled or not. */
  predictions: number;
  /** Predictions the estimate covers. */
  estimated_records: number;
  /** Predictions left out, by reason (no score, unknown class, ...). */
  skipped: Record<string, number>;
  /** Estimated metrics by the realized metric's name. */
  metrics: Record<string, EstimatedMetric>;
  /** Metrics not estimated, with why. */
  not_estimated: Record<string, string>;
  /** The expected confusion matrix {actual: {predicted: expected count}} (not in top-score mode). */
  expected_confusion_matrix?: ConfusionMatrix;
  /**
   * Binary, past MAX_SCORE_ENTRIES distinct scores: the grid the scores were floored to for the estimated auc, and a
   * bound on that auc's error from the grid (expected positive and negative records on one grid point tie).
   */
  score_approximation?: { grid: number; max_score_entries: number; auc_error_bound: number };
}

/** Reasons a prediction is left out of the estimate. */
export const SKIP_REASONS = [
  'no_predicted_label',
  'no_score',
  'score_out_of_range',
  'no_probabilities',
  'probabilities_length_mismatch',
  'invalid_probabilities',
  'probabilities_out_of_range',
  'unknown_predicted_class',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Counts of skipped predictions, by reason, in SKIP_REASONS order. */
export class SkipCounts {
  readonly counts = new Float64Array(SKIP_REASONS.length);

  add(reason: SkipReason): void {
    this.counts[SKIP_REASONS.indexOf(reason)]!++;
  }

  merge(other: SkipCounts): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
  }

  /** The non-zero counts by reason. */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    SKIP_REASONS.forEach((reason, i) => {
      if (this.counts[i]! > 0) out[reason] = this.counts[i]!;
    });
    return out;
  }

  static fromArray(array: Float64Array): SkipCounts {
    const out = new SkipCounts();
    if (array.length !== SKIP_REASONS.length || !isCountArray(array)) {
      throw new InputError(`state: an estimate has ${array.length} skip counts, expected ${SKIP_REASONS.length} non-negative integers`);
    }
    out.counts.set(array);
    return out;
  }
}

/** Whether every entry is a non-negative safe integer (a count read from a state). */

/**
 * A short fingerprint of what changes an estimate (mode, labels, maps, error components): estimators merge only
 * with estimators of the same fingerprint. FNV-1a (32-bit) of the artefact's JSON; "none" without one.
 */
export function calibrationFingerprint(artefact: CalibrationArtefact | undefined): string {
  if (artefact === undefined) return 'none';
  const text = JSON.stringify([artefact.mode, artefact.positive_label, artefact.classes, artefact.calibrations.map((c) => c.map ?? null), artefact.sampling_error]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** A plain object safe for keys that come from data (a label named "__proto__" is an ordinary key). */
export function dataKeyed<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * `result` with the class `from` called `to` in its expected confusion matrix (rows and columns in label order, as
 * the estimators make them). A delayed run estimates its fresh window before any label is read, so a binary problem's
 * negative class has its placeholder name ("not spam") there until the judged window's labels teach it ("ham").
 */
export function renameClass(result: EstimationResult, from: string, to: string): EstimationResult {
  const matrix = result.expected_confusion_matrix;
  if (matrix === undefined || from === to || !Object.hasOwn(matrix, from)) return result;
  const name = (label: string): string => (label === from ? to : label);
  const byName = (a: string, b: string): number => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
  const renamed = dataKeyed<Record<string, number>>();
  for (const actual of Object.keys(matrix).sort(byName)) {
    const row = matrix[actual]!;
    const out = dataKeyed<number>();
    for (const predicted of Object.keys(row).sort(byName)) out[name(predicted)] = row[predicted]!;
    renamed[name(actual)] = out;
  }
  return { ...result, expected_confusion_matrix: renamed };
}

