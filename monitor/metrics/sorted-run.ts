/**
 * @module Sorted runs of (distinct score, count): the compacted form of a stream of scores, merged in linear time.
 */

/** Distinct scores in ascending order and how many records carry each. */
export interface SortedRun {
  scores: Float64Array;
  counts: Float64Array;
}

/** A run with no score. */
export const EMPTY_RUN: SortedRun = { scores: new Float64Array(0), counts: new Float64Array(0) };

/** Run-length encodes ascending `sorted` scores (each occurrence counts 1). */
export function runOf(sorted: Float64Array): SortedRun {
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const scores = new Float64Array(distinct);
  const counts = new Float64Array(distinct);
  let k = -1;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) scores[++k] = sorted[i]!;
    counts[k]!++;
  }
  return { scores, counts };
}

/** The union of two runs, adding the counts of scores present in both. */
export function mergeRuns(a: SortedRun, b: SortedRun): SortedRun {
  if (b.scores.length === 0) return a;
  if (a.scores.length === 0) return b;
  const x = a.scores;
  const y = b.scores;
  let shared = 0;
  for (let i = 0, j = 0; i < x.length && j < y.length; ) {
    if (x[i]! < y[j]!) i++;
    else if (y[j]! < x[i]!) j++;
    else {
      shared++;
      i++;
      j++;
    }
  }
  const scores = new Float64Array(x.length + y.length - shared);
  const counts = new Float64Array(scores.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < scores.length; k++) {
    if (j === y.length || (i < x.length && x[i]! < y[j]!)) {
      scores[k] = x[i]!;
      counts[k] = a.counts[i++]!;
    } else if (i === x.length || y[j]! < x[i]!) {
      scores[k] = y[j]!;
      counts[k] = b.counts[j++]!;
    } else {
      scores[k] = x[i]!;
      counts[k] = a.counts[i++]! + b.counts[j++]!;
    }
  }
  return { scores, counts };
}

/**
 * The first index at or after `from` of ascending `values` whose value is ≥ `target`. Gallops from `from` (1, 2, 4, …
 * steps) before the binary search, so successive searches for ascending targets stay on nearby memory.
 */
export function lowerBound(values: Float64Array, target: number, from: number): number {
  let lo = from;
  let step = 1;
  while (lo + step < values.length && values[lo + step]! < target) {
    lo += step;
    step *= 2;
  }
  let hi = Math.min(lo + step, values.length);
  if (lo >= values.length || values[lo]! >= target) return lo;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
