/**
 * @module Multiclass metrics of one state from its confusion marginals: accuracy, support-weighted
 * precision/recall/F-beta (scikit-learn `average="weighted"` over the union of actual and predicted labels), the most
 * frequent class as best constant classifier, and the per-class and macro details.
 */
import type { Marginals } from './confusion-counts.ts';
import { fBeta, ratio } from './math.ts';
import { NO_RECORDS, undefinedScalars, type ScalarSet } from './scalar-results.ts';


/** Per-class metrics, as scikit-learn `precision_recall_fscore_support(average=None)` gives them. */
export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/**
 * The best constant classifier: scikit-learn `DummyClassifier(strategy="most_frequent")`, the most frequent actual
 * label, ties broken by the smallest label (`codes` must be in label order). Undefined without records.
 */
export function mostFrequentCode(marginals: Marginals, codes: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const code of codes) {
    if (marginals.actual[code]! > (best === undefined ? 0 : marginals.actual[best]!)) best = code;
  }
  return best;
}

/**
 * Every multiclass scalar of one state. `codes` lists the label codes in label order; sums run in that order so the
 * result does not depend on how codes were assigned (chunks, merges).
 */
export function multiclassScalars(marginals: Marginals, codes: readonly number[]): ScalarSet {
  const { actual, predicted, diagonal, total } = marginals;
  if (total === 0) return undefinedScalars('MulticlassClassification', NO_RECORDS);
  let correct = 0;
  let recall = 0;
  let precision = 0;
  let f05 = 0;
  let f1 = 0;
  let f2 = 0;
  for (const code of codes) {
    const support = actual[code]!;
    correct += diagonal[code]!;
    // Labels only ever predicted have weight 0 in a support-weighted average.
    if (support === 0) continue;
    const classRecall = diagonal[code]! / support;
    const classPrecision = ratio(diagonal[code]!, predicted[code]!);
    recall += support * classRecall;
    precision += support * classPrecision;
    f05 += support * fBeta(classPrecision, classRecall, 0.5);
    f1 += support * fBeta(classPrecision, classRecall, 1);
    f2 += support * fBeta(classPrecision, classRecall, 2);
  }
  // The constant classifier predicting label c: its class has precision s = support_c / n and recall 1; every other
  // class has precision and recall 0. Weighted by support: recall s, precision s², F-beta s·F-beta(s, 1).
  const share = actual[mostFrequentCode(marginals, codes)!]! / total;
  const values: Record<string, number> = {
    accuracy: correct / total,
    weighted_recall: recall / total,
    weighted_precision: precision / total,
    weighted_f0_5: f05 / total,
    weighted_f1: f1 / total,
    weighted_f2: f2 / total,
    accuracy_best_constant_classifier: share,
    weighted_recall_best_constant_classifier: share,
    weighted_precision_best_constant_classifier: share * share,
    weighted_f0_5_best_constant_classifier: share * fBeta(share, 1, 0.5),
    weighted_f1_best_constant_classifier: share * fBeta(share, 1, 1),
    weighted_f2_best_constant_classifier: share * fBeta(share, 1, 2),
  };
  return { values, reasons: {} };
}

/** Per-class metrics of the labels with at least one actual or predicted record, and their macro averages. */
export function perClassMetrics(
  marginals: Marginals,
  labels: readonly string[],
  codes: readonly number[],
): { perClass: Record<string, ClassMetrics>; macro: { precision: number; recall: number; f1: number } } {
  // No prototype: a class named "__proto__" is a key like any other.
  const perClass = Object.create(null) as Record<string, ClassMetrics>;
  let precisionSum = 0;
  let recallSum = 0;
  let f1Sum = 0;
  let count = 0;
  for (const code of codes) {
    const support = marginals.actual[code]!;
    if (support === 0 && marginals.predicted[code]! === 0) continue;
    const precision = ratio(marginals.diagonal[code]!, marginals.predicted[code]!);
    const recall = ratio(marginals.diagonal[code]!, support);
    const f1 = fBeta(precision, recall, 1);
    perClass[labels[code]!] = { precision, recall, f1, support };
    precisionSum += precision;
    recallSum += recall;
    f1Sum += f1;
    count++;
  }
  const macro = { precision: ratio(precisionSum, count), recall: ratio(recallSum, count), f1: ratio(f1Sum, count) };
  return { perClass, macro };
}
