/**
 * @module Binary-classification metrics of one state from its confusion counts and ranked scores, with
 * scikit-learn's zero-division convention (0 when a denominator is 0).
 */
import { fBeta, ratio } from './math.ts';
import type { RankingSums } from './ranking-metrics.ts';
import { NO_RECORDS, undefinedScalars, type ScalarSet } from './scalar-results.ts';

/** Counts of one state. `correct` is the trace of the full confusion matrix (actual label === predicted label). */
export interface BinaryCounts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  correct: number;
  total: number;
}

/** Reasons recorded in `extra.not_computed`. */
export const NO_SCORES = 'no scores in the responses';
export const ONE_CLASS_AUC = 'only one class among the scored records: ROC AUC is undefined';
export const NO_POSITIVES_PR = 'no positive record among the scored records: precision-recall is undefined';

function withFScores(values: Record<string, number>, precision: number, recall: number, suffix: string): void {
  values[`f0_5${suffix}`] = fBeta(precision, recall, 0.5);
  values[`f1${suffix}`] = fBeta(precision, recall, 1);
  values[`f2${suffix}`] = fBeta(precision, recall, 2);
}

/**
 * Every binary scalar of one state. The best constant classifier always predicts the positive label.
 * `ranking` is undefined when no record of the accumulator has a score.
 */
export function binaryScalars(counts: BinaryCounts, ranking: RankingSums | undefined): ScalarSet {
  const { truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn, total } = counts;
  if (total === 0) return undefinedScalars('BinaryClassification', NO_RECORDS);
  const positives = tp + fn;
  const negatives = fp + tn;
  const recall = ratio(tp, positives);
  const precision = ratio(tp, tp + fp);
  const falsePositiveRate = ratio(fp, negatives);
  const values: Record<string, number> = {
    recall,
    precision,
    accuracy: counts.correct / total,
    // Always positive: tp = all positives, fp = all negatives, no negatives predicted.
    recall_best_constant_classifier: ratio(positives, positives),
    precision_best_constant_classifier: positives / total,
    accuracy_best_constant_classifier: positives / total,
    true_positive_rate: recall,
    // 1 − rate, as SageMaker does: its example gives true_negative_rate 0.33333333333333337 = 1 − 2/3.
    true_negative_rate: negatives === 0 ? 0 : 1 - falsePositiveRate,
    false_positive_rate: falsePositiveRate,
    false_negative_rate: positives === 0 ? 0 : 1 - recall,
  };
  withFScores(values, precision, recall, '');
  withFScores(values, positives / total, ratio(positives, positives), '_best_constant_classifier');
  const reasons: Record<string, string> = {};
  const auc = ranking?.auc();
  if (auc === undefined) reasons.auc = ranking === undefined ? NO_SCORES : ONE_CLASS_AUC;
  else values.auc = auc;
  const auPrc = ranking?.averagePrecision();
  if (auPrc === undefined) reasons.au_prc = ranking === undefined ? NO_SCORES : NO_POSITIVES_PR;
  else values.au_prc = auPrc;
  return { values, reasons };
}
