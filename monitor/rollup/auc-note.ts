/**
 * @module What a binary roll-up says about its auc: the metric is exact over the whole span because the merged state
 * keeps every distinct (score, code) pair, so its size grows with the distinct scores of the span; this note gives
 * that size, the bound (none) and the approximation used above it (none), so a reader of a week's report knows the
 * auc is not an estimate and what it cost.
 */
import type { JoinResults } from '../join/join-results.ts';

/** The auc section of a binary roll-up report. */
export interface AucNote {
  /** True: auc, average precision and the curves are computed from every distinct score of the span. */
  exact: true;
  /** Distinct scores over the span (all labels). */
  distinct_scores: number;
  /** (score, code) pairs the merged state keeps: a code is the actual label with the record's subsample mask (64 codes). */
  score_entries: number;
  /** Bytes of those pairs in a state file (16 each). */
  score_bytes: number;
  note: string;
}

const NOTE =
  'auc, average precision and the curves are exact over the whole span: the merged state keeps every distinct (score, code) pair, 16 bytes each. ' +
  'No bound applies and no approximation is used, so the state grows with the distinct scores of the span: scores rounded to 3 decimals stay under ' +
  '1,001 x 64 pairs (about 1 MB) whatever the span; continuous scores cost about 16 bytes per scored record (a week of 100 million continuous ' +
  'scores, about 1.6 GB). Round the scores at the endpoint if a long span must stay small.';

/** The auc note of a merged binary accumulator, read from its saved score histogram; undefined for other problem types. */
export function aucNote(results: JoinResults): AucNote | undefined {
  const scores = results.metrics.save().parts?.scores?.arrays.scores;
  if (!(scores instanceof Float64Array)) return undefined;
  const sorted = Float64Array.from(scores).sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  return { exact: true, distinct_scores: distinct, score_entries: scores.length, score_bytes: scores.length * 16, note: NOTE };
}
