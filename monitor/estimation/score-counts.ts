/**
 * @module How many records carry each distinct uncalibrated score: what the estimated AUC needs, kept mergeably like
 * the realized AUC's histogram (monitor/metrics/score-histogram.ts), with one bucket (no labels, no subsamples) and a
 * saved state. Scores are appended to a buffer and compacted into a sorted run of (score, count) when the buffer
 * reaches the run's length (at least 8192), so compaction costs O(log n) amortised per record.
 *
 * Bound, as the realized histogram's (metrics/score-grid.ts): the run holds at most MAX_SCORE_ENTRIES scores (16 MiB,
 * in memory and in a state file, so a week's roll-up stays the size of one state). Above it the scores are floored
 * to the finest grid 2^-g (g from 30 down) at which they fit, the same grid for any split of the records.
 */
import { EMPTY_RUN, mergeRuns, runOf, type SortedRun } from '../metrics/sorted-run.ts';
import { coarsenRun, EXACT, FIRST_GRID_BITS, LAST_GRID_BITS, MAX_SCORE_ENTRIES, onGrid } from '../metrics/score-grid.ts';
import { expectState, stateArray, type AccumulatorState } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';

export const SCORE_COUNTS_KIND = 'estimation.score-counts';
/** Version 2 records the grid (meta.grid_bits); version 1 (exact, meta null) is still read. */
export const SCORE_COUNTS_VERSION = 2;
const MIN_PENDING = 8192;

/** Counts per distinct score. */
export class ScoreCounts {
  #run: SortedRun = EMPTY_RUN;
  #pending = new Float64Array(0);
  #length = 0;
  /** The grid in bits (EXACT: none); it only ever gets coarser. */
  #bits = EXACT;

  /** `limit`: the distinct scores kept at most (MAX_SCORE_ENTRIES; smaller in tests), at least 2. */
  constructor(readonly limit: number = MAX_SCORE_ENTRIES) {
    if (!(Number.isInteger(limit) && limit >= 2)) throw new RangeError(`score counts: limit ${limit} is not a whole number >= 2`);
  }

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
    const pending = this.#pending.subarray(0, this.#length);
    if (this.#bits !== EXACT) for (let i = 0; i < pending.length; i++) pending[i] = onGrid(pending[i]!, this.#bits);
    this.#run = mergeRuns(this.#run, runOf(pending.slice().sort()));
    this.#length = 0;
    this.#fit();
  }

  /** Coarsens the grid, one bit at a time, until the run holds at most `limit` scores. */
  #fit(): void {
    while (this.#run.scores.length > this.limit && this.#bits > LAST_GRID_BITS) this.#coarsen(this.#bits === EXACT ? FIRST_GRID_BITS : this.#bits - 1);
  }

  #coarsen(bits: number): void {
    if (bits >= this.#bits) return;
    this.#bits = bits;
    this.#run = coarsenRun(this.#run, bits);
  }

  /** Adds every count of `other`, on the coarser of the two grids, then fits. */
  merge(other: ScoreCounts): void {
    const theirs = other.run();
    this.#compact();
    this.#coarsen(other.#bits);
    if (theirs.scores.length > 0) this.#run = mergeRuns(this.#run, other.#bits > this.#bits ? coarsenRun(theirs, this.#bits) : theirs);
    this.#fit();
  }

  /** The distinct scores (on the grid, when there is one), ascending, with their counts. */
  run(): SortedRun {
    this.#compact();
    return this.#run;
  }

  /** Null when every distinct score was kept; else the grid (2^-bits) the scores were floored to. */
  get gridBits(): number | null {
    this.#compact();
    return this.#bits === EXACT ? null : this.#bits;
  }

  save(): AccumulatorState {
    const { scores, counts } = this.run();
    return { kind: SCORE_COUNTS_KIND, version: SCORE_COUNTS_VERSION, meta: { grid_bits: this.gridBits }, arrays: { scores: scores.slice(), counts: counts.slice() } };
  }

  static load(state: AccumulatorState, limit: number = MAX_SCORE_ENTRIES): ScoreCounts {
    expectState(state, SCORE_COUNTS_KIND, state.version === 1 ? 1 : SCORE_COUNTS_VERSION);
    const gridBits = state.version === 1 ? null : (state.meta as { grid_bits?: unknown } | null)?.grid_bits;
    if (gridBits !== null && !(typeof gridBits === 'number' && Number.isInteger(gridBits) && gridBits <= FIRST_GRID_BITS && gridBits >= LAST_GRID_BITS)) {
      throw new InputError(`state: a score-counts state has an invalid grid ${JSON.stringify(gridBits)}`);
    }
    const scores = stateArray(state, 'scores', Float64Array);
    const counts = stateArray(state, 'counts', Float64Array);
    if (scores.length !== counts.length) throw new InputError('state: score-counts state has scores and counts of different lengths');
    for (let i = 0; i < scores.length; i++) {
      if (!Number.isFinite(scores[i]!) || (i > 0 && !(scores[i]! > scores[i - 1]!)) || !(counts[i]! > 0) || !Number.isSafeInteger(counts[i]!)) {
        throw new InputError(`state: score-counts state entry ${i} is not a positive count of a score above the previous one`);
      }
      if (gridBits !== null && onGrid(scores[i]!, gridBits) !== scores[i]) throw new InputError('state: a score-counts state has scores off its grid');
    }
    const out = new ScoreCounts(limit);
    out.#run = { scores: scores.slice(), counts: counts.slice() };
    out.#bits = gridBits ?? EXACT;
    out.#fit();
    return out;
  }
}
