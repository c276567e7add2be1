/**
 * @module CBPE for binary classification: from each prediction's label and calibrated P(positive) p, the expected
 * confusion matrix (a positive prediction adds p true positives and 1 - p false positives, a negative one p false
 * negatives and 1 - p true negatives), and from it accuracy, precision, recall, f1 and specificity
 * (true_negative_rate); the AUC from the uncalibrated scores ranked high to low, each adding p expected positives and
 * 1 - p negatives (a weighted ROC curve; NannyML's estimate_roc_auc, with tied scores taken as one step).
 *
 * State: the expected true positives and false negatives as exact sums (UnitIntervalSums), counts per predicted
 * class, and the counts per distinct uncalibrated score; every split of a window merges to the same bits.
 */
import { fBeta, ratio } from '../metrics/math.ts';
import { RankingSums } from '../metrics/ranking-metrics.ts';
import { InputError } from '../errors.ts';
import { expectState, isCountArray, stateArray, type AccumulatorState, type MergeableAccumulator } from '../state/accumulator-state.ts';
import type { CalibrationArtefact } from './calibration-artefact.ts';
import { calibrationFingerprint, dataKeyed, SkipCounts, type EstimationInput, type EstimationResult } from './estimation-result.ts';
import { predictIsotonic, type IsotonicMap } from './isotonic-regression.ts';
import { binomialStandardError, estimatedMetric, hanleyMcNeilStandardError, standardError, usableComponents, type EstimatedMetric } from './sampling-error.ts';
import { ScoreCounts } from './score-counts.ts';
import { UnitIntervalSums } from './unit-interval-sums.ts';

export const BINARY_ESTIMATOR_KIND = 'estimation.binary';
export const BINARY_ESTIMATOR_VERSION = 1;

/** Cells of the exact sums: expected true positives (p over positive predictions), false negatives (p over negative). */
const TP = 0;
const FN = 1;

export interface BinaryEstimatorOptions {
  /** The label counted as positive (canonical). */
  positiveLabel: string;
  /** The name of the negative class in the expected confusion matrix (the ingest's negative label). */
  negativeLabel: string;
  /** The baseline's artefact (mode "binary"); without it the scores are taken as calibrated probabilities. */
  calibration?: CalibrationArtefact;
}

export class BinaryEstimator implements MergeableAccumulator<BinaryEstimator> {
  readonly options: BinaryEstimatorOptions;
  readonly fingerprint: string;
  readonly #map: IsotonicMap | undefined;
  readonly #sums = new UnitIntervalSums(2);
  /** Records predicted negative (0) and positive (1). */
  readonly #predicted = new Float64Array(2);
  readonly #scores = new ScoreCounts();
  readonly #skipped = new SkipCounts();

  constructor(options: BinaryEstimatorOptions) {
    if (options.calibration !== undefined && options.calibration.mode !== 'binary') {
      throw new RangeError(`estimation: a ${options.calibration.mode} calibration cannot estimate a binary problem`);
    }
    this.options = options;
    this.fingerprint = calibrationFingerprint(options.calibration);
    const score = options.calibration?.calibrations[0];
    this.#map = score?.calibrate ? score.map : undefined;
  }

  /** Adds one prediction (labelled or not). */
  add(prediction: EstimationInput): void {
    const label = prediction.label;
    if (label === undefined) return this.#skipped.add('no_predicted_label');
    const score = prediction.score;
    if (score === undefined || !Number.isFinite(score)) return this.#skipped.add('no_score');
    let p: number;
    if (this.#map !== undefined) p = predictIsotonic(this.#map, score);
    else if (score >= 0 && score <= 1) p = score;
    else return this.#skipped.add('score_out_of_range');
    const positive = label === this.options.positiveLabel;
    if (positive) this.#sums.add(TP, p);
    else this.#sums.add(FN, p);
    this.#predicted[positive ? 1 : 0]!++;
    this.#scores.add(score);
  }

  merge(other: BinaryEstimator): void {
    if (other.fingerprint !== this.fingerprint || other.options.positiveLabel !== this.options.positiveLabel) {
      throw new RangeError('estimation: cannot merge binary estimators made with different calibrations or positive labels');
    }
    this.#sums.merge(other.#sums);
    this.#predicted[0]! += other.#predicted[0]!;
    this.#predicted[1]! += other.#predicted[1]!;
    this.#scores.merge(other.#scores);
    this.#skipped.merge(other.#skipped);
  }

  save(): AccumulatorState {
    return {
      kind: BINARY_ESTIMATOR_KIND,
      version: BINARY_ESTIMATOR_VERSION,
      meta: { fingerprint: this.fingerprint, positive_label: this.options.positiveLabel },
      arrays: { predicted: this.#predicted.slice(), skipped: this.#skipped.counts.slice() },
      parts: { sums: this.#sums.save(), scores: this.#scores.save() },
    };
  }

  /** Rebuilds a saved estimator; `options` must be those it was made with (the fingerprint is checked). */
  static load(state: AccumulatorState, options: BinaryEstimatorOptions): BinaryEstimator {
    expectState(state, BINARY_ESTIMATOR_KIND, BINARY_ESTIMATOR_VERSION);
    const out = new BinaryEstimator(options);
    const meta = state.meta as { fingerprint?: unknown; positive_label?: unknown } | null;
    if (meta?.fingerprint !== out.fingerprint || meta?.positive_label !== options.positiveLabel) {
      throw new InputError('state: the binary estimate was made with another calibration or positive label');
    }
    const predicted = stateArray(state, 'predicted', Float64Array);
    if (!isCountArray(predicted) || predicted.length !== 2 || state.parts?.sums === undefined || state.parts.scores === undefined) {
      throw new InputError('state: binary estimate state lacks its counts, sums or scores');
    }
    out.#predicted.set(predicted);
    out.#skipped.merge(SkipCounts.fromArray(stateArray(state, 'skipped', Float64Array)));
    out.#sums.merge(UnitIntervalSums.load(state.parts.sums));
    out.#scores.merge(ScoreCounts.load(state.parts.scores));
    return out;
  }

  result(): EstimationResult {
    const negatives = this.#predicted[0]!;
    const positives = this.#predicted[1]!;
    const n = negatives + positives;
    const skipped = this.#skipped.toRecord();
    const predictions = n + Object.values(skipped).reduce((a, b) => a + b, 0);
    const base = {
      method: 'CBPE' as const,
      mode: 'binary' as const,
      calibration_source: this.options.calibration === undefined ? ('none' as const) : ('baseline' as const),
      calibrated: this.#map !== undefined,
      predictions,
      estimated_records: n,
      skipped,
    };
    if (n === 0) {
      const why = predictions === 0 ? 'no predictions in the window' : 'no prediction in the window has a usable score';
      return { ...base, metrics: {}, not_estimated: Object.fromEntries(BINARY_METRICS.map((m) => [m, why])) };
    }
    const tp = this.#sums.value(TP);
    const fn = this.#sums.value(FN);
    const fp = positives - tp;
    const tn = negatives - fn;
    const precision = ratio(tp, positives);
    const recall = ratio(tp, tp + fn);
    const values: Record<string, number> = {
      accuracy: (tp + tn) / n,
      precision,
      recall,
      f1: fBeta(precision, recall, 1),
      true_negative_rate: ratio(tn, tn + fp),
    };
    const notEstimated: Record<string, string> = {};
    if (positives === 0) {
      // No predicted positive: precision is 0/0 (the realized metric's zero-division rule would say 0, a number an
      // estimated_precision constraint could fire on); f1 follows it.
      delete values.precision;
      delete values.f1;
      notEstimated.precision = notEstimated.f1 = 'no prediction of the positive label in the window: precision is undefined';
    }
    const { auc, errorBound } = this.#auc();
    if (auc === undefined) notEstimated.auc = 'the expected confusion matrix has a single class: ROC AUC is undefined';
    else values.auc = auc;
    const metrics: Record<string, EstimatedMetric> = {};
    const components = this.options.calibration?.sampling_error;
    // The share of the window each metric is about (its own predicted positives, expected positives, ...).
    const windowFraction: Record<string, number> = {
      precision: positives / n,
      recall: (tp + fn) / n,
      f1: (tp + fp + fn) / n,
      true_negative_rate: (tn + fp) / n,
      auc: Math.min(tp + fn, fp + tn) / n,
    };
    for (const [metric, value] of Object.entries(values)) {
      const spec = usableComponents(components?.[metric]);
      if (spec !== undefined) metrics[metric] = estimatedMetric(value, standardError(spec, n, windowFraction[metric]), spec.method);
      else metrics[metric] = plugIn(metric, value, { tp, fp, fn, tn, n });
    }
    const matrix = dataKeyed<Record<string, number>>();
    const { positiveLabel, negativeLabel } = this.options;
    // Rows are actual classes, columns predicted classes, in label order (as the realized matrix).
    const order = negativeLabel < positiveLabel ? [negativeLabel, positiveLabel] : [positiveLabel, negativeLabel];
    const cell = (actual: string, predicted: string): number =>
      actual === positiveLabel ? (predicted === positiveLabel ? tp : fn) : predicted === positiveLabel ? fp : tn;
    for (const actual of order) {
      const row = dataKeyed<number>();
      for (const predicted of order) row[predicted] = cell(actual, predicted);
      matrix[actual] = row;
    }
    const grid = this.#scores.gridBits;
    const approximation = grid === null || auc === undefined ? {} : { score_approximation: { grid: 2 ** grid, max_score_entries: this.#scores.limit, auc_error_bound: errorBound } };
    return { ...base, metrics, not_estimated: notEstimated, expected_confusion_matrix: matrix, ...approximation };
  }

  /**
   * The expected AUC: distinct uncalibrated scores from the highest, each adding c * p positives, c - c * p negatives.
   * On a grid (past MAX_SCORE_ENTRIES distinct scores) records on one grid point tie; the error that can make is at
   * most 0.5 * Σ positives * negatives over the points / (P * N), as for the realized auc.
   */
  #auc(): { auc: number | undefined; errorBound: number } {
    const { scores, counts } = this.#scores.run();
    const sums = new RankingSums();
    let tied = 0;
    let positives = 0;
    let total = 0;
    for (let d = scores.length - 1; d >= 0; d--) {
      const p = this.#map === undefined ? scores[d]! : predictIsotonic(this.#map, scores[d]!);
      const expectedPositives = counts[d]! * p;
      const expectedNegatives = counts[d]! - expectedPositives;
      sums.step(expectedPositives, expectedNegatives);
      tied += expectedPositives * expectedNegatives;
      positives += expectedPositives;
      total += counts[d]!;
    }
    const pairs = positives * (total - positives);
    return { auc: sums.auc(), errorBound: pairs > 0 ? (0.5 * tied) / pairs : 0 };
  }
}

/** The metrics the binary estimate gives, by the realized metrics' names. */
export const BINARY_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'true_negative_rate', 'auc'] as const;

/** Standard errors from the window's own expected counts, when no baseline artefact gives reference figures. */
function plugIn(metric: string, value: number, c: { tp: number; fp: number; fn: number; tn: number; n: number }): EstimatedMetric {
  switch (metric) {
    case 'precision':
      return estimatedMetric(value, binomialStandardError(value, c.tp + c.fp), 'plug_in_binomial');
    case 'recall':
      return estimatedMetric(value, binomialStandardError(value, c.tp + c.fn), 'plug_in_binomial');
    case 'true_negative_rate':
      return estimatedMetric(value, binomialStandardError(value, c.tn + c.fp), 'plug_in_binomial');
    case 'f1': {
      // NannyML's f1 components (see reference-sampling-error.ts) with the window's expected counts.
      const relevant = c.tp + c.fp + c.fn;
      const share = ratio(c.tp, relevant);
      const scale = ratio(relevant, c.tp + 0.5 * (c.fp + c.fn));
      return estimatedMetric(value, relevant > 0 ? (scale * Math.sqrt(share * (1 - share))) / Math.sqrt(relevant) : NaN, 'plug_in_binomial');
    }
    case 'auc':
      return estimatedMetric(value, hanleyMcNeilStandardError(value, c.tp + c.fn, c.fp + c.tn), 'plug_in_hanley_mcneil');
    default:
      return estimatedMetric(value, binomialStandardError(value, c.n), 'plug_in_binomial');
  }
}
