/**
 * @module Threshold-free binary metrics from ranked scores: ROC AUC, average precision (au_prc) and the ROC and
 * precision-recall curves, defined as scikit-learn defines them.
 */
import { downsampleIndices } from './downsample.ts';
import { lowerBound } from './sorted-run.ts';

/** Cumulative counts at each distinct score, highest score first (scikit-learn `_binary_clf_curve`). */
export interface RankedCounts {
  /** Distinct scores, descending. */
  thresholds: Float64Array;
  /** Positives with score ≥ thresholds[i]. */
  tps: Float64Array;
  /** Negatives with score ≥ thresholds[i]. */
  fps: Float64Array;
}

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
 * ROC AUC and average precision, accumulated while walking the distinct scores from the highest down (one step per
 * score, with the positive and negative records at that score).
 *
 * - auc: trapezoidal area under (FPR, TPR), ties counted as half: scikit-learn `roc_auc_score`. Undefined unless
 *   both classes are present.
 * - au_prc: `Σ (R_k − R_{k−1})·P_k` = `Σ Δtp_k · P_k / positives`, no interpolation: scikit-learn
 *   `average_precision_score`. Undefined without a positive record.
 */
export class RankingSums {
  #tp = 0;
  #fp = 0;
  #area = 0;
  #precisionSum = 0;

  /** Adds the records at the next lower distinct score. */
  step(positives: number, negatives: number): void {
    const tp = this.#tp + positives;
    const fp = this.#fp + negatives;
    this.#area += (fp - this.#fp) * (tp + this.#tp);
    if (positives > 0) this.#precisionSum += positives * (tp / (tp + fp));
    this.#tp = tp;
    this.#fp = fp;
  }

  /** Area under the ROC curve, or undefined with a single class. */
  auc(): number | undefined {
    return this.#tp === 0 || this.#fp === 0 ? undefined : this.#area / 2 / this.#tp / this.#fp;
  }

  /** Average precision, or undefined without a positive record. */
  averagePrecision(): number | undefined {
    return this.#tp === 0 ? undefined : this.#precisionSum / this.#tp;
  }
}

/**
 * One ROC point per distinct score, from (0, 0) to (1, 1) by decreasing threshold: scikit-learn
 * `roc_curve(drop_intermediate=False)`, downsampled to at most `maxPoints`. Undefined unless both classes are present.
 */
export function rocCurve(ranked: RankedCounts, maxPoints: number): RocCurve | undefined {
  const { positives, negatives } = totals(ranked);
  if (positives === 0 || negatives === 0) return undefined;
  // Point 0 is the origin; point i is the threshold ranked.thresholds[i − 1].
  const kept = downsampleIndices(ranked.tps.length + 1, maxPoints);
  return {
    false_positive_rates: kept.map((i) => (i === 0 ? 0 : ranked.fps[i - 1]! / negatives)),
    true_positive_rates: kept.map((i) => (i === 0 ? 0 : ranked.tps[i - 1]! / positives)),
  };
}

/**
 * The precision-recall curve by increasing recall: (recall 0, precision 1), then one point per distinct score by
 * decreasing threshold, up to the first threshold that reaches full recall; downsampled to at most `maxPoints`.
 * This is scikit-learn ≤ 1.0 `precision_recall_curve` read backwards (1.1+ also keeps the points after full
 * recall), and it is the shape of the SageMaker documentation's example. Undefined without a positive record.
 */
export function precisionRecallCurve(ranked: RankedCounts, maxPoints: number): PrecisionRecallCurve | undefined {
  const { positives } = totals(ranked);
  if (positives === 0) return undefined;
  const fullRecall = lowerBound(ranked.tps, positives, 0);
  // Point 0 is (recall 0, precision 1); point i is the threshold ranked.thresholds[i − 1].
  const kept = downsampleIndices(fullRecall + 2, maxPoints);
  return {
    precisions: kept.map((i) => (i === 0 ? 1 : ranked.tps[i - 1]! / (ranked.tps[i - 1]! + ranked.fps[i - 1]!))),
    recalls: kept.map((i) => (i === 0 ? 0 : ranked.tps[i - 1]! / positives)),
  };
}
