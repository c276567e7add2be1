/**
 * @module Which classes the page shows when there are many: the `max` most frequent (actual plus predicted count,
 * ties by label order), kept in label order. The rest are summed into one "other" row and column, so totals hold.
 */
import type { ConfusionMatrix } from '../../metrics/types.ts';

/** Default number of classes drawn: a 31×31 heat map still reads on a laptop and stays under ~120 KB. */
export const MAX_CLASSES = 30;

/** The labels of a confusion matrix in its key order (actual keys, then predicted-only keys). */
export function matrixLabels(matrix: ConfusionMatrix): string[] {
  const labels = new Set<string>(Object.keys(matrix));
  for (const row of Object.values(matrix)) for (const p of Object.keys(row)) labels.add(p);
  return [...labels];
}

/** The classes shown and how many were left out. */
export interface CappedClasses {
  /** Shown labels, in label order. */
  shown: string[];
  /** Labels summed into "other". */
  hidden: string[];
}

/** Keeps the `max` most frequent of `labels` by actual plus predicted count in `matrix`. */
export function capClasses(matrix: ConfusionMatrix, labels: readonly string[], max = MAX_CLASSES): CappedClasses {
  if (labels.length <= max) return { shown: [...labels], hidden: [] };
  const frequency = new Map<string, number>(labels.map((l) => [l, 0]));
  for (const [actual, row] of Object.entries(matrix)) {
    for (const [predicted, count] of Object.entries(row)) {
      frequency.set(actual, (frequency.get(actual) ?? 0) + count);
      frequency.set(predicted, (frequency.get(predicted) ?? 0) + count);
    }
  }
  const order = new Map(labels.map((l, i) => [l, i]));
  const ranked = [...labels].sort((a, b) => frequency.get(b)! - frequency.get(a)! || order.get(a)! - order.get(b)!);
  const keep = new Set(ranked.slice(0, max));
  return { shown: labels.filter((l) => keep.has(l)), hidden: labels.filter((l) => !keep.has(l)) };
}
