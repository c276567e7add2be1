/**
 * @module Threshold-free binary metrics from ranked score counts: ROC AUC, average precision (au_prc) and the ROC and
 * precision-recall curves, defined as scikit-learn defines them.
 */
import type { RankedCounts } from './score-histogram.ts';

/** The ROC curve as SageMaker writes it. */
export interface RocCurve {
  false_positive_rates: number[];
  true_positive_rates: number[];
}

/** The precision-recall curve as SageMaker writes it. */
export interface PrecisionRecallCurve {
  precisions: number[];
  recalls: number[];
}

function totals(ranked: RankedCounts): { positives: number; negatives: number } {
  const last = ranked.tps.length - 1;
  return last < 0 ? { positives: 0, negatives: 0 } : { positives: ranked.tps[last]!, negatives: ranked.fps[last]! };
}

/**
 * Area under the ROC curve by the trapezoidal rule over every distinct score (= scikit-learn `roc_auc_score`, ties
 * counted as half). Undefined (returns undefined) unless both classes are present.
 */
export function rocAuc(ranked: RankedCounts): number | undefined {
  const { positives, negatives } = totals(ranked);
  if (positives === 0 || negatives === 0) return undefined;
  let area = 0;
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < ranked.tps.length; i++) {
    const nextTp = ranked.tps[i]!;
    const nextFp = ranked.fps[i]!;
    area += (nextFp - fp) * (nextTp + tp);
    tp = nextTp;
    fp = nextFp;
  }
  return area / 2 / positives / negatives;
}

/**
 * Average precision, `Σ (R_k − R_{k−1})·P_k` over distinct scores in decreasing order (= scikit-learn
 * `average_precision_score`; no interpolation). Undefined when there is no positive record.
 */
export function averagePrecision(ranked: RankedCounts): number | undefined {
  const { positives } = totals(ranked);
  if (positives === 0) return undefined;
  let sum = 0;
  let tp = 0;
  for (let i = 0; i < ranked.tps.length; i++) {
    const nextTp = ranked.tps[i]!;
    if (nextTp !== tp) sum += ((nextTp - tp) / positives) * (nextTp / (nextTp + ranked.fps[i]!));
    tp = nextTp;
  }
  return sum;
}

/**
 * One ROC point per distinct score, from (0, 0) to (1, 1) by decreasing threshold: scikit-learn
 * `roc_curve(drop_intermediate=False)`. Undefined unless both classes are present.
 */
export function rocCurve(ranked: RankedCounts): RocCurve | undefined {
  const { positives, negatives } = totals(ranked);
  if (positives === 0 || negatives === 0) return undefined;
  const false_positive_rates = [0];
  const true_positive_rates = [0];
  for (let i = 0; i < ranked.tps.length; i++) {
    false_positive_rates.push(ranked.fps[i]! / negatives);
    true_positive_rates.push(ranked.tps[i]! / positives);
  }
  return { false_positive_rates, true_positive_rates };
}

/**
 * The precision-recall curve by increasing recall: (recall 0, precision 1), then one point per distinct score by
 * decreasing threshold, up to the first threshold that reaches full recall. This is scikit-learn ≤ 1.0
 * `precision_recall_curve` read backwards (1.1+ also keeps the points after full recall), and it is the shape of the
 * SageMaker documentation's example. Undefined when there is no positive record.
 */
export function precisionRecallCurve(ranked: RankedCounts): PrecisionRecallCurve | undefined {
  const { positives } = totals(ranked);
  if (positives === 0) return undefined;
  const precisions = [1];
  const recalls = [0];
  for (let i = 0; i < ranked.tps.length; i++) {
    const tp = ranked.tps[i]!;
    precisions.push(tp / (tp + ranked.fps[i]!));
    recalls.push(tp / positives);
    if (tp === positives) break;
  }
  return { precisions, recalls };
}
