/**
 * @module Whether calibrating a score with isotonic regression helps, by NannyML's rule (nannyml/calibration.py,
 * `needs_calibration`): not when the labelled reference holds one class, nor when its ROC AUC is above 0.999 (the
 * scores separate the classes; an isotonic map would collapse them to 0 and 1); otherwise over 10 stratified shuffle
 * splits (test size 0.1) fit the map on each training fold, pool the test folds, and calibrate only if the expected
 * calibration error over 10 equal-count bins is smaller after than before.
 *
 * Differences from NannyML, by design: the splits come from our seeded generator (seed 42), not numpy's, so a
 * borderline decision may differ; records tied on a probability keep their pooled order when sorted into bins
 * (numpy's quicksort leaves that order unspecified); too few records for the splits or the bins is a "do not
 * calibrate" decision with its reason, where NannyML raises an error.
 */
import { RankingSums } from '../metrics/ranking-metrics.ts';
import { fitIsotonicOrdered, orderByScoreThenTarget, predictIsotonic } from './isotonic-regression.ts';
import { createSeededRandom } from './seeded-random.ts';
import { SplitImpossible, stratifiedShuffleSplits } from './stratified-shuffle-split.ts';

/** Why a score is or is not calibrated. */
export type DecisionReason =
  | 'one_class'
  | 'separable'
  | 'too_few_records'
  | 'lowers_calibration_error'
  | 'does_not_lower_calibration_error'
  | 'forced_on'
  | 'forced_off';

/** The decision for one score (the binary score, one class of a probability vector, or the top score). */
export interface CalibrationDecision {
  calibrate: boolean;
  reason: DecisionReason;
  /** A sentence saying why, for the report. */
  detail: string;
  /** ROC AUC of the uncalibrated score on the reference (absent with one class). */
  auroc?: number;
  /** Expected calibration error on the pooled test folds, before and after calibration. */
  ece_before?: number;
  ece_after?: number;
}

/** The decision procedure's parameters (all have NannyML's defaults; the seed is ours). */
export interface DecisionOptions {
  /** Shuffle splits. Default 10. */
  splits?: number;
  /** Share of records in each test fold. Default 0.1. */
  testSize?: number;
  /** Equal-count bins of the calibration error. Default 10. */
  bins?: number;
  /** Above this reference ROC AUC the score is left alone. Default 0.999. */
  aurocLimit?: number;
  /** Seed of the splits. Default 42. */
  seed?: number;
}

export const DECISION_DEFAULTS: Required<DecisionOptions> = { splits: 10, testSize: 0.1, bins: 10, aurocLimit: 0.999, seed: 42 };

/** Decides for `scores` (uncalibrated) against `targets` (1 for the class, 0 otherwise). */
export function decideCalibration(scores: ArrayLike<number>, targets: ArrayLike<number>, options: DecisionOptions = {}): CalibrationDecision {
  const o = { ...DECISION_DEFAULTS, ...options };
  let positives = 0;
  for (let i = 0; i < targets.length; i++) positives += targets[i]!;
  if (positives === 0 || positives === targets.length) {
    return { calibrate: false, reason: 'one_class', detail: `the reference holds only ${positives === 0 ? 'negative' : 'positive'} records for this score` };
  }
  const auroc = rocAuc(scores, targets);
  if (auroc > o.aurocLimit) {
    return { calibrate: false, reason: 'separable', detail: `reference ROC AUC ${auroc} is above ${o.aurocLimit}: the scores separate the classes`, auroc };
  }
  let splits;
  try {
    splits = stratifiedShuffleSplits(targets, o.splits, o.testSize, createSeededRandom(o.seed));
  } catch (error) {
    if (!(error instanceof SplitImpossible)) throw error;
    return { calibrate: false, reason: 'too_few_records', detail: `cannot test calibration: ${error.message}`, auroc };
  }
  const pooled = splits.reduce((sum, s) => sum + s.test.length, 0);
  const edges = binIndexEdges(pooled, o.bins);
  if (edges === undefined) {
    return { calibrate: false, reason: 'too_few_records', detail: `cannot test calibration: ${pooled} pooled test records make fewer than 2 bins`, auroc };
  }
  const y = new Float64Array(pooled);
  const before = new Float64Array(pooled);
  const after = new Float64Array(pooled);
  let at = 0;
  // One sort; each training fold is then the sorted order filtered by membership.
  const order = orderByScoreThenTarget(scores, targets);
  const inTrain = new Uint8Array(scores.length);
  for (const { train, test } of splits) {
    inTrain.fill(0);
    for (const i of train) inTrain[i] = 1;
    const map = fitIsotonicOrdered(
      order.filter((i) => inTrain[i] === 1),
      scores,
      targets,
    );
    for (const i of test) {
      y[at] = targets[i]!;
      before[at] = scores[i]!;
      after[at] = predictIsotonic(map, scores[i]!);
      at++;
    }
  }
  const eceBefore = expectedCalibrationError(y, before, edges);
  const eceAfter = expectedCalibrationError(y, after, edges);
  const calibrate = eceAfter < eceBefore;
  return {
    calibrate,
    reason: calibrate ? 'lowers_calibration_error' : 'does_not_lower_calibration_error',
    detail: `calibration error on ${o.splits} held-out folds: ${eceBefore} before, ${eceAfter} after isotonic calibration`,
    auroc,
    ece_before: eceBefore,
    ece_after: eceAfter,
  };
}

/**
 * NannyML's equal-count bins over `length` sorted records, as [start, end) index pairs: width floor(length / bins)
 * (with at most length / 2 bins), the last bin running to the end. Undefined when fewer than 2 bins fit.
 */
export function binIndexEdges(length: number, bins: number): Array<[number, number]> | undefined {
  let count = bins;
  if (length <= 2 * count) {
    count = Math.floor(length / 2);
    if (count < 2) return undefined;
  }
  const width = Math.floor(length / count);
  const starts: number[] = [];
  for (let edge = 0; edge <= length; edge += width) starts.push(edge);
  starts[starts.length - 1] = length;
  const out: Array<[number, number]> = [];
  for (let k = 0; k + 1 < starts.length; k++) out.push([starts[k]!, starts[k + 1]!]);
  return out;
}

/**
 * Expected calibration error: records sorted by probability (ties keep their order), and over the bins the
 * record-weighted sum of |mean probability - mean target|.
 */
export function expectedCalibrationError(targets: ArrayLike<number>, probabilities: ArrayLike<number>, edges: ReadonlyArray<readonly [number, number]>): number {
  const n = probabilities.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probabilities[a]! - probabilities[b]! || a - b);
  let ece = 0;
  for (const [start, end] of edges) {
    let p = 0;
    let y = 0;
    for (let k = start; k < end; k++) {
      p += probabilities[order[k]!]!;
      y += targets[order[k]!]!;
    }
    const size = end - start;
    ece += (size / n) * Math.abs(p / size - y / size);
  }
  return ece;
}

/** ROC AUC of `scores` for 0/1 `targets` (ties count half, as scikit-learn's roc_auc_score); NaN with one class. */
export function rocAuc(scores: ArrayLike<number>, targets: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const sums = new RankingSums();
  for (let k = 0; k < order.length; ) {
    const score = scores[order[k]!]!;
    let positives = 0;
    let negatives = 0;
    for (; k < order.length && scores[order[k]!] === score; k++) {
      if (targets[order[k]!] === 1) positives++;
      else negatives++;
    }
    sums.step(positives, negatives);
  }
  return sums.auc() ?? NaN;
}
