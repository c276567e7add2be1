/**
 * @module How many records carry each distinct uncalibrated score: what the estimated AUC needs, kept exactly and
 * mergeably like the realized AUC's histogram (monitor/metrics/score-histogram.ts), but with one bucket (no labels,
 * no subsamples) and a saved state. Scores are appended to a buffer and compacted into a sorted run of (score, count)
 * when the buffer reaches the run's length (at least 8192), so compaction costs O(log n) amortised per record.
 */
import { EMPTY_RUN, mergeRuns, runOf, type SortedRun } from '../metrics/sorted-run.ts';
import { expectState, stateArray, type AccumulatorState } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';

export const SCORE_COUNTS_KIND = 'estimation.score-counts';
export const SCORE_COUNTS_VERSION = 1;
const MIN_PENDING = 8192;

/** Counts per distinct score. */
export class ScoreCounts {
  #run: SortedRun = EMPTY_RUN;
  #pending = new Float64Array(0);
  #length = 0;

  /** Counts one finite score. */
  add(score: number): void {
    if (this.#length === this.#pending.length) this.#makeRoom();
    // + 0 turns -0 into +0: one score, one key.
    this.#pending[this.#length++] = score + 0;
  }

  #makeRoom(): void {
    if (this.#pending.length < Math.max(MIN_PENDING, this.#run.scores.length)) {
      const grown = new Float64Array(Math.max(MIN_PENDING, this.#pending.length * 2));
      grown.set(this.#pending);
      this.#pending = grown;
      return;
    }
    this.#compact();
  }

  #compact(): void {
    if (this.#length === 0) return;
    this.#run = mergeRuns(this.#run, runOf(this.#pending.slice(0, this.#length).sort()));
    this.#length = 0;
  }

  /** Adds every count of `other`. */
  merge(other: ScoreCounts): void {
    const theirs = other.run();
    if (theirs.scores.length > 0) this.#run = mergeRuns(this.run(), theirs);
  }

  /** The distinct scores, ascending, with their counts. */
  run(): SortedRun {
    this.#compact();
    return this.#run;
  }

  save(): AccumulatorState {
    const { scores, counts } = this.run();
    return { kind: SCORE_COUNTS_KIND, version: SCORE_COUNTS_VERSION, meta: null, arrays: { scores: scores.slice(), counts: counts.slice() } };
  }

  static load(state: AccumulatorState): ScoreCounts {
    expectState(state, SCORE_COUNTS_KIND, SCORE_COUNTS_VERSION);
    const scores = stateArray(state, 'scores', Float64Array);
    const counts = stateArray(state, 'counts', Float64Array);
    if (scores.length !== counts.length) throw new InputError('state: score-counts state has scores and counts of different lengths');
    for (let i = 0; i < scores.length; i++) {
      if (!Number.isFinite(scores[i]!) || (i > 0 && !(scores[i]! > scores[i - 1]!)) || !(counts[i]! > 0) || !Number.isSafeInteger(counts[i]!)) {
        throw new InputError(`state: score-counts state entry ${i} is not a positive count of a score above the previous one`);
      }
    }
    const out = new ScoreCounts();
    out.#run = { scores: scores.slice(), counts: counts.slice() };
    return out;
  }
}
