/**
 * @module What a binary roll-up says about its auc: exact while the merged state keeps every distinct (score, code)
 * pair, up to a bound (MAX_SCORE_ENTRIES); above it the scores are floored to a grid and the auc is within a reported
 * error of the exact one. The note gives the bound, the pairs kept and their bytes, and the approximation if used,
 * so a reader of a week's report knows how exact its auc is and what it cost.
 */
import type { JoinResults } from '../join/join-results.ts';
import { MAX_SCORE_ENTRIES } from '../metrics/score-grid.ts';

/** The auc section of a binary roll-up report. */
export interface AucNote {
  /** True while every distinct score of the span is kept (auc, average precision and the curves exact). */
  exact: boolean;
  /** (score, code) pairs kept exactly at most; above it the scores are floored to a grid. */
  bound: number;
  /** (score, code) pairs the merged state keeps: a code is the actual label with the record's subsample mask (64 codes). */
  score_entries: number;
  /** Bytes of those pairs in a state file (16 each). */
  score_bytes: number;
  /** Above the bound: the grid the scores were floored to, and the bound on |auc − exact auc|. */
  approximation: { grid: number; auc_error_bound: number } | null;
  note: string;
}

const NOTE =
  `auc, average precision and the curves are exact while the merged state keeps every distinct (score, code) pair, up to ${MAX_SCORE_ENTRIES.toLocaleString('en-US')} pairs ` +
  '(16 bytes each, 16 MiB). Above that bound the scores are floored to the finest grid 2^-g (g from 30 down) at which the pairs fit: records on one grid ' +
  'point count as tied, so the auc is within auc_error_bound = 0.5 x (positive-negative pairs sharing a grid point) / (positives x negatives) of the ' +
  'exact auc, and the grid depends only on the data (the same for any split of the span). Scores rounded to 3 decimals never reach the bound.';

/** The auc note of a merged binary accumulator, from its statistics and its saved score histogram; undefined without one. */
export function aucNote(results: JoinResults): AucNote | undefined {
  const scores = results.metrics.save().parts?.scores?.arrays.scores;
  if (!(scores instanceof Float64Array)) return undefined;
  const approximation = (results.metrics.result().extra as { score_approximation?: { grid: number; auc_error_bound: number } }).score_approximation;
  return {
    exact: approximation === undefined,
    bound: MAX_SCORE_ENTRIES,
    score_entries: scores.length,
    score_bytes: scores.length * 16,
    approximation: approximation === undefined ? null : { grid: approximation.grid, auc_error_bound: approximation.auc_error_bound },
    note: NOTE,
  };
}
