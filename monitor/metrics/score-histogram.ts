/**
 * @module Exact, mergeable summary of binary scores: how many positive and negative records carry each distinct
 * score, in the full data and in each of the 5 subsamples. ROC, PR, AUC and average precision come from it exactly,
 * whatever the chunking.
 *
 * Records are bucketed by a 6-bit code (positive bit + subsample mask), so the hot path is one typed-array write:
 * no hash map (a Map with double keys costs about 1 µs per new key). A bucket is compacted into a sorted run of
 * (score, count) by the native typed-array sort when it fills; a bucket may grow up to its run's length first, so the
 * merges cost O(1) amortised per record. Memory: 16 bytes per distinct (score, code) pair in the runs, plus buckets
 * of at most the same size (at least 64 KB each once used).
 *
 * Bound: the runs hold at most MAX_SCORE_ENTRIES pairs (16 MiB). Above it (a week of continuous scores) the scores are
 * floored to a grid of 2^-g, for the largest g from 30 down at which the pairs fit, and records on one grid point
 * count as tied. The grid depends only on the data, not on the split: floors to 2^-g nest, and a part never needs a
 * coarser grid than the whole, so merging parts (each coarsened to the coarser grid, then fitted) lands on the grid
 * of one pass. rank() then reports the grid and a bound on the auc's error (see `Ranking.aucErrorBound`).
 */
import { EMPTY_RUN, lowerBound, mergeRuns, runOf, type SortedRun } from './sorted-run.ts';
import { coarsenRun, EXACT, FIRST_GRID_BITS, LAST_GRID_BITS, MAX_SCORE_ENTRIES, onGrid } from './score-grid.ts';
import { RankingSums, type RankedCounts } from './ranking-metrics.ts';
import { STATE_COUNT, SUBSAMPLE_COUNT } from './subsample.ts';
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState, stateArray, stateCountArray } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';

/** Bit 0: positive record; bits 1..5: subsample mask. */
const CODES = 2 << SUBSAMPLE_COUNT;
/** A bucket compacts once it holds max(MIN_PENDING, its run's length) scores: at least 8192 (64 KB) per bucket. */
const MIN_PENDING = 8192;

/** What the binary metrics need from the scores, built by ScoreHistogram.rank(). */
export interface Ranking {
  /** Distinct scores over all records. */
  distinctCount: number;
  /** AUC and average precision sums of each state (0 = full data, j + 1 = subsample j). */
  sums: RankingSums[];
  /** Cumulative counts of the full data, for the curves. */
  full: RankedCounts;
  /** Null when every distinct score was kept; else the grid (2^-bits) the scores were floored to. */
  gridBits: number | null;
  /**
   * With a grid: an upper bound on |auc − exact auc| of the full data, 0.5 · Σ over grid points of positives ·
   * negatives / (P · N): a (positive, negative) pair on one grid point counts 0.5 where the exact scores give 0, 0.5
   * or 1; pairs on different points are ranked as by the exact scores. 0 without a grid.
   */
  aucErrorBound: number;
}

/** Positive and negative counts per distinct score, for the full data and the 5 subsamples. */
export class ScoreHistogram {
  readonly #runs: SortedRun[] = new Array<SortedRun>(CODES).fill(EMPTY_RUN);
  readonly #pending: Float64Array[] = new Array<Float64Array>(CODES).fill(new Float64Array(0));
  readonly #pendingLength = new Int32Array(CODES);
  /** The grid in bits (EXACT: none); it only ever gets coarser. */
  #bits = EXACT;

  /**
   * `limit`: the pairs kept exactly at most (MAX_SCORE_ENTRIES; smaller in tests), at least 128: the coarsest grid
   * leaves at most two points (below 0 and from 0) for each of the 64 codes.
   */
  constructor(readonly limit: number = MAX_SCORE_ENTRIES) {
    if (!(Number.isInteger(limit) && limit >= 2 * CODES)) throw new RangeError(`score histogram: limit ${limit} is not a whole number >= ${2 * CODES}`);
  }

  /** Counts one record with a finite `score`, in the full state and in the subsamples of `mask`. */
  add(score: number, positive: boolean, mask: number): void {
    const code = (mask << 1) | (positive ? 1 : 0);
    const length = this.#pendingLength[code]!;
    if (length === this.#pending[code]!.length) this.#makeRoom(code);
    // + 0 turns -0 into +0: one score, one key.
    this.#pending[code]![this.#pendingLength[code]!++] = score + 0;
  }

  #makeRoom(code: number): void {
    const pending = this.#pending[code]!;
    const run = this.#runs[code]!;
    if (pending.length < Math.max(MIN_PENDING, run.scores.length)) {
      const grown = new Float64Array(Math.max(MIN_PENDING, pending.length * 2));
      grown.set(pending);
      this.#pending[code] = grown;
      return;
    }
    this.#compact(code);
    this.#fit();
  }

  /** Moves the pending scores of `code` (floored to the grid) into its run. */
  #compact(code: number): void {
    const length = this.#pendingLength[code]!;
    if (length === 0) return;
    const pending = this.#pending[code]!.subarray(0, length);
    if (this.#bits !== EXACT) for (let i = 0; i < length; i++) pending[i] = onGrid(pending[i]!, this.#bits);
    this.#runs[code] = mergeRuns(this.#runs[code]!, runOf(pending.sort()));
    this.#pendingLength[code] = 0;
  }

  /** Coarsens the grid, one bit at a time, until the runs hold at most `limit` pairs. */
  #fit(): void {
    let total = this.#runs.reduce((sum, run) => sum + run.scores.length, 0);
    while (total > this.limit && this.#bits > LAST_GRID_BITS) {
      this.#coarsen(this.#bits === EXACT ? FIRST_GRID_BITS : this.#bits - 1);
      total = this.#runs.reduce((sum, run) => sum + run.scores.length, 0);
    }
  }

  #coarsen(bits: number): void {
    if (bits >= this.#bits) return;
    this.#bits = bits;
    for (let code = 0; code < CODES; code++) this.#runs[code] = coarsenRun(this.#runs[code]!, bits);
  }

  /** Every pending score in the runs, on the finest grid at which the pairs fit (the same for any split). */
  #settle(): void {
    for (let code = 0; code < CODES; code++) this.#compact(code);
    this.#fit();
  }

  /** The settled run of `code`. */
  #view(code: number): SortedRun {
    return this.#runs[code]!;
  }

  /** Adds every count of `other` (whose counts are left unchanged), on the coarser of the two grids, then fits. */
  addFrom(other: ScoreHistogram): void {
    this.#settle();
    other.#settle();
    this.#coarsen(other.#bits);
    for (let code = 0; code < CODES; code++) {
      const theirs = other.#bits > this.#bits ? coarsenRun(other.#view(code), this.#bits) : other.#view(code);
      if (theirs.scores.length > 0) this.#runs[code] = mergeRuns(this.#runs[code]!, theirs);
    }
    this.#fit();
  }

  /** The runs of every code, compacted, as a state: 16 bytes per distinct (score, code) pair. */
  save(): AccumulatorState {
    this.#settle();
    const views = Array.from({ length: CODES }, (_, code) => this.#view(code));
    const offsets = new Uint32Array(CODES + 1);
    views.forEach((view, code) => (offsets[code + 1] = offsets[code]! + view.scores.length));
    return {
      kind: 'score-histogram',
      version: 2,
      meta: { grid_bits: this.#bits === EXACT ? null : this.#bits },
      arrays: { offsets, scores: concatenate(views.map((v) => v.scores)), counts: concatenate(views.map((v) => v.counts)) },
    };
  }

  /** Reads version 2, or version 1 (written before the bound: exact, meta null). */
  static load(state: AccumulatorState, limit: number = MAX_SCORE_ENTRIES): ScoreHistogram {
    if (state.version !== 1) expectState(state, 'score-histogram', 2);
    const gridBits = state.version === 1 ? null : (state.meta as { grid_bits?: unknown } | null)?.grid_bits;
    if (gridBits !== null && !(typeof gridBits === 'number' && Number.isInteger(gridBits) && gridBits <= FIRST_GRID_BITS && gridBits >= LAST_GRID_BITS)) {
      throw new InputError(`state: a score histogram state has an invalid grid ${JSON.stringify(gridBits)}`);
    }
    const offsets = stateArray(state, 'offsets', Uint32Array);
    const scores = stateArray(state, 'scores', Float64Array);
    const counts = stateCountArray(state, 'counts');
    if (offsets.length !== CODES + 1 || offsets[CODES] !== scores.length || counts.length !== scores.length || offsets[0] !== 0) {
      throw new InputError('state: a score histogram state has offsets that do not match its scores');
    }
    const histogram = new ScoreHistogram(limit);
    histogram.#bits = gridBits ?? EXACT;
    for (let code = 0; code < CODES; code++) {
      const from = offsets[code]!;
      const to = offsets[code + 1]!;
      if (to < from) throw new InputError('state: a score histogram state has decreasing offsets');
      const run = { scores: scores.slice(from, to), counts: counts.slice(from, to) };
      for (let i = 1; i < run.scores.length; i++) {
        if (!(run.scores[i - 1]! < run.scores[i]!)) throw new InputError('state: a score histogram run is not strictly ascending');
      }
      if (gridBits !== null && run.scores.some((x) => onGrid(x, gridBits) !== x)) throw new InputError('state: a score histogram run has scores off its grid');
      histogram.#runs[code] = run.scores.length === 0 ? EMPTY_RUN : run;
    }
    histogram.#fit();
    return histogram;
  }

  /** Ranks the distinct scores and walks them once, from the highest, for all 6 states. */
  rank(): Ranking {
    this.#settle();
    const views = Array.from({ length: CODES }, (_, code) => this.#view(code));
    const distinct = runOf(concatenate(views.map((view) => view.scores)).sort()).scores;
    // Counting sort of every (code, score, count) entry by the rank of its score, so that the walk is sequential.
    const groupEnd = new Uint32Array(distinct.length + 1);
    const positions = views.map((view) => {
      const at = new Uint32Array(view.scores.length);
      let from = 0;
      for (let i = 0; i < at.length; i++) {
        at[i] = from = lowerBound(distinct, view.scores[i]!, from);
        groupEnd[from + 1]!++;
      }
      return at;
    });
    for (let d = 0; d < distinct.length; d++) groupEnd[d + 1]! += groupEnd[d]!;
    const fill = groupEnd.slice(0, distinct.length);
    const codes = new Uint8Array(groupEnd[distinct.length]!);
    const counts = new Float64Array(codes.length);
    views.forEach((view, code) => {
      const at = positions[code]!;
      for (let i = 0; i < at.length; i++) {
        const slot = fill[at[i]!]!++;
        codes[slot] = code;
        counts[slot] = view.counts[i]!;
      }
    });
    return walk({ distinct, groupEnd, codes, counts }, this.#bits === EXACT ? null : this.#bits);
  }
}

/** Entries grouped by distinct score: group d (scores[d]) holds entries groupEnd[d]..groupEnd[d + 1] − 1. */
interface Groups {
  distinct: Float64Array;
  groupEnd: Uint32Array;
  codes: Uint8Array;
  counts: Float64Array;
}

function concatenate(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((sum, array) => sum + array.length, 0));
  let at = 0;
  for (const array of arrays) {
    out.set(array, at);
    at += array.length;
  }
  return out;
}

function walk({ distinct, groupEnd, codes, counts }: Groups, gridBits: number | null): Ranking {
  const sums = Array.from({ length: STATE_COUNT }, () => new RankingSums());
  const thresholds = new Float64Array(distinct.length);
  const tps = new Float64Array(distinct.length);
  const fps = new Float64Array(distinct.length);
  const positives = new Float64Array(STATE_COUNT);
  const negatives = new Float64Array(STATE_COUNT);
  let tp = 0;
  let fp = 0;
  let tiedPairs = 0;
  for (let d = distinct.length - 1, k = 0; d >= 0; d--, k++) {
    positives.fill(0);
    negatives.fill(0);
    for (let e = groupEnd[d]!; e < groupEnd[d + 1]!; e++) {
      const code = codes[e]!;
      const target = code & 1 ? positives : negatives;
      target[0]! += counts[e]!;
      // Bit s of the code (s ≥ 1) is subsample s − 1, i.e. state s.
      for (let state = 1; state < STATE_COUNT; state++) if ((code >>> state) & 1) target[state]! += counts[e]!;
    }
    for (let state = 0; state < STATE_COUNT; state++) {
      if (positives[state] !== 0 || negatives[state] !== 0) sums[state]!.step(positives[state]!, negatives[state]!);
    }
    tiedPairs += positives[0]! * negatives[0]!;
    tp += positives[0]!;
    fp += negatives[0]!;
    thresholds[k] = distinct[d]!;
    tps[k] = tp;
    fps[k] = fp;
  }
  const aucErrorBound = gridBits === null || tp === 0 || fp === 0 ? 0 : (0.5 * tiedPairs) / tp / fp;
  return { distinctCount: distinct.length, sums, full: { thresholds, tps, fps }, gridBits, aucErrorBound };
}
