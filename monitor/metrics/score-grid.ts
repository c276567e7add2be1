/**
 * @module The grid that bounds a summary of distinct scores (the realized AUC's histogram, the estimate's score
 * counts): above MAX_SCORE_ENTRIES entries the scores are floored to multiples of 2^-g, for the largest g from 30
 * down at which the entries fit. Floors to 2^-g nest, and a part never needs a coarser grid than the whole, so
 * merging parts (each coarsened to the coarser grid, then fitted) lands on the grid of one pass.
 */
import type { SortedRun } from './sorted-run.ts';

/** Entries kept exactly at most: 2^20, 16 MiB in the runs and in a state file. */
export const MAX_SCORE_ENTRIES = 1 << 20;
/** The first grid above the bound: 2^-30 (finer than any score printed with 9 decimals). */
export const FIRST_GRID_BITS = 30;
/** The coarsest grid: 2^1100, past any finite double's magnitude (every score lands on one of two points). */
export const LAST_GRID_BITS = -1100;
/** No grid: every distinct score is kept. */
export const EXACT = Number.POSITIVE_INFINITY;

/** `x` floored to a multiple of 2^-bits (exact powers of two, so no rounding error); x itself when already on it. */
export function onGrid(x: number, bits: number): number {
  if (bits === EXACT || !(Math.abs(x) < 2 ** (53 - bits))) return x;
  const scale = 2 ** bits;
  return Math.floor(x * scale) / scale + 0;
}

/** A run with its scores floored to the grid, equal scores combined (floors keep the order). */
export function coarsenRun(run: SortedRun, bits: number): SortedRun {
  const n = run.scores.length;
  if (n === 0) return run;
  const scores = new Float64Array(n);
  const counts = new Float64Array(n);
  let k = -1;
  for (let i = 0; i < n; i++) {
    const x = onGrid(run.scores[i]!, bits);
    if (k >= 0 && scores[k] === x) counts[k]! += run.counts[i]!;
    else {
      scores[++k] = x;
      counts[k] = run.counts[i]!;
    }
  }
  return { scores: scores.slice(0, k + 1), counts: counts.slice(0, k + 1) };
}
