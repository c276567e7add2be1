/**
 * @module A bounded, mergeable histogram in one or two dimensions whose bins need no range known in advance.
 *
 * Bins have width 2^k and edges at multiples of it, so doubling the width merges bin pairs exactly. The width is
 * always the smallest 2^k (k >= MIN_EXPONENT) for which every occupied bin index lies within `bins` consecutive
 * indices on each axis and stays an exact integer. Both conditions only get easier as k grows, so the result does
 * not depend on the order of the values or on how they were split and merged (property-tested). Memory is
 * `bins^dims` counts whatever the number of values; indices map to slots modulo `bins`, which is unique because the
 * span of occupied indices never exceeds `bins`. Magnitudes below TINY count as 0 and beyond MAX_MAGNITUDE as out of
 * range.
 */

import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState, isCount, stateCountArray } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';

/** Smallest bin width exponent: 2^-30 ≈ 9.3e-10. */
export const MIN_EXPONENT = -30;
/** Indices stay below 2^52, so index arithmetic is exact. */
const MAX_INDEX = 2 ** 52;
/** Values beyond this magnitude are counted as out of range (their index would overflow). */
export const MAX_MAGNITUDE = 1e300;
/**
 * Magnitudes below 2^-60 count as 0. Far below the smallest bin width, they would otherwise underflow to ±0 when
 * scaled by a large width, and land in a different bin than on a merge path.
 */
export const TINY = 2 ** -60;

/** The occupied bins of one axis, in the summary. */
export interface HistogramAxis {
  /** Lower edge of the first occupied bin. */
  start: number;
  /** Bin width, a power of two. */
  width: number;
  /** Number of bins from start (every bin up to the last occupied one). */
  bins: number;
}

/** The histogram as plain data: counts[i] (one dimension) or counts[i][j] (two), by axis order. */
export interface HistogramSummary {
  total: number;
  /** Values that were not finite or beyond ±1e300, left out. */
  outOfRange: number;
  axes: HistogramAxis[];
  counts: number[] | number[][];
}

const mod = (i: number, n: number): number => ((i % n) + n) % n;

/** A histogram over `dims` (1 or 2) axes sharing one bin width, with at most `bins` bins per axis. */
export class GridHistogram {
  #k = MIN_EXPONENT;
  #scale = 2 ** -MIN_EXPONENT;
  #counts: Float64Array;
  readonly #lo: number[];
  readonly #hi: number[];
  readonly #index: number[];
  #total = 0;
  #outOfRange = 0;

  /** `bins` >= 2 bins per axis, `dims` 1 or 2. */
  constructor(
    readonly dims: 1 | 2,
    readonly bins: number,
  ) {
    if (!Number.isInteger(bins) || bins < 2) throw new RangeError(`grid histogram: bins ${bins} is not an integer >= 2`);
    this.#counts = new Float64Array(bins ** dims);
    this.#lo = new Array<number>(dims).fill(Infinity);
    this.#hi = new Array<number>(dims).fill(-Infinity);
    this.#index = new Array<number>(dims).fill(0);
  }

  /** Counts one point (`y` only in two dimensions). */
  observe(x: number, y = 0): void {
    if (!(Math.abs(x) <= MAX_MAGNITUDE) || !(Math.abs(y) <= MAX_MAGNITUDE)) {
      this.#outOfRange++;
      return;
    }
    this.#place(Math.abs(x) < TINY ? 0 : x, Math.abs(y) < TINY ? 0 : y, 1);
  }

  /** Folds another histogram of the same shape into this one. */
  merge(other: GridHistogram): void {
    if (other.dims !== this.dims || other.bins !== this.bins) {
      throw new RangeError(`grid histogram: cannot merge ${other.dims}D/${other.bins} bins into ${this.dims}D/${this.bins} bins`);
    }
    while (this.#k < other.#k) this.#double();
    this.#outOfRange += other.#outOfRange;
    // Each occupied bin of `other` is placed through its lower edge, which lands in the matching bin here (k >= k').
    const w = 2 ** other.#k;
    other.#forEach((idx, count) => this.#place(idx[0]! * w, this.dims === 2 ? idx[1]! * w : 0, count));
  }

  save(): AccumulatorState {
    return {
      kind: 'grid-histogram',
      version: 1,
      meta: { dims: this.dims, bins: this.bins, k: this.#k, lo: [...this.#lo], hi: [...this.#hi], total: this.#total, out_of_range: this.#outOfRange },
      arrays: { counts: this.#counts.slice() },
    };
  }

  static load(state: AccumulatorState): GridHistogram {
    expectState(state, 'grid-histogram', 1);
    const meta = state.meta as { dims?: unknown; bins?: unknown; k?: unknown; lo?: unknown; hi?: unknown; total?: unknown; out_of_range?: unknown };
    const counts = stateCountArray(state, 'counts');
    const dims = meta.dims;
    const bins = meta.bins;
    const bounds = (b: unknown): b is Array<number | null> => Array.isArray(b) && b.length === dims && b.every((x) => x === null || typeof x === 'number');
    if ((dims !== 1 && dims !== 2) || typeof bins !== 'number' || !Number.isInteger(bins) || bins < 2 || counts.length !== bins ** dims) {
      throw new InputError('state: a grid-histogram state has an invalid shape');
    }
    if (typeof meta.k !== 'number' || !Number.isInteger(meta.k) || !bounds(meta.lo) || !bounds(meta.hi) || !isCount(meta.total) || !isCount(meta.out_of_range)) {
      throw new InputError('state: a grid-histogram state has invalid bounds or totals');
    }
    const histogram = new GridHistogram(dims, bins);
    histogram.#k = meta.k;
    histogram.#scale = 2 ** -meta.k;
    histogram.#counts = counts.slice();
    // JSON writes ±Infinity (an empty axis) as null.
    meta.lo.forEach((v, d) => (histogram.#lo[d] = v ?? Infinity));
    meta.hi.forEach((v, d) => (histogram.#hi[d] = v ?? -Infinity));
    histogram.#total = meta.total;
    histogram.#outOfRange = meta.out_of_range;
    return histogram;
  }

  /** The occupied range and counts. */
  summary(): HistogramSummary {
    const width = 2 ** this.#k;
    if (this.#total === 0) return { total: 0, outOfRange: this.#outOfRange, axes: [], counts: [] };
    const axes = this.#lo.map((lo, d) => ({ start: lo * width, width, bins: this.#hi[d]! - lo + 1 }));
    let counts: number[] | number[][];
    if (this.dims === 1) {
      counts = new Array<number>(axes[0]!.bins).fill(0);
      this.#forEach((idx, c) => ((counts as number[])[idx[0]! - this.#lo[0]!] = c));
    } else {
      counts = Array.from({ length: axes[0]!.bins }, () => new Array<number>(axes[1]!.bins).fill(0));
      this.#forEach((idx, c) => ((counts as number[][])[idx[0]! - this.#lo[0]!]![idx[1]! - this.#lo[1]!] = c));
    }
    return { total: this.#total, outOfRange: this.#outOfRange, axes, counts };
  }

  #place(x: number, y: number, count: number): void {
    for (;;) {
      const ix = Math.floor(x * this.#scale) + 0; // + 0 turns -0 into 0
      const iy = this.dims === 2 ? Math.floor(y * this.#scale) + 0 : 0;
      if (this.#fits(0, ix) && (this.dims === 1 || this.#fits(1, iy))) {
        this.#index[0] = ix;
        if (this.dims === 2) this.#index[1] = iy;
        this.#add(this.#index, count);
        return;
      }
      this.#double();
    }
  }

  #fits(d: number, i: number): boolean {
    if (Math.abs(i) >= MAX_INDEX) return false;
    return Math.max(this.#hi[d]!, i) - Math.min(this.#lo[d]!, i) < this.bins;
  }

  #add(idx: readonly number[], count: number): void {
    let slot = mod(idx[0]!, this.bins);
    if (this.dims === 2) slot = slot * this.bins + mod(idx[1]!, this.bins);
    this.#counts[slot]! += count;
    this.#total += count;
    for (let d = 0; d < this.dims; d++) {
      if (idx[d]! < this.#lo[d]!) this.#lo[d] = idx[d]!;
      if (idx[d]! > this.#hi[d]!) this.#hi[d] = idx[d]!;
    }
  }

  /** Visits every occupied bin with its indices. */
  #forEach(visit: (idx: readonly number[], count: number) => void): void {
    if (this.#total > 0) visitBins(this.#counts, this.#lo, this.#hi, this.bins, visit);
  }

  /** Doubles the bin width: bin i goes to floor(i / 2), exactly, because edges are multiples of the width. */
  #double(): void {
    const counts = this.#counts;
    const lo = [...this.#lo];
    const hi = [...this.#hi];
    const occupied = this.#total > 0;
    this.#k++;
    this.#scale = 2 ** -this.#k;
    this.#counts = new Float64Array(this.bins ** this.dims);
    this.#lo.fill(Infinity);
    this.#hi.fill(-Infinity);
    this.#total = 0;
    const half: number[] = new Array<number>(this.dims).fill(0);
    if (occupied) {
      visitBins(counts, lo, hi, this.bins, (idx, c) => {
        for (let d = 0; d < this.dims; d++) half[d] = Math.floor(idx[d]! / 2);
        this.#add(half, c);
      });
    }
  }
}

/** Visits the non-empty slots of `counts` for the indices lo..hi of each axis (1 or 2 axes). */
function visitBins(counts: Float64Array, lo: readonly number[], hi: readonly number[], bins: number, visit: (idx: readonly number[], count: number) => void): void {
  const idx = new Array<number>(lo.length).fill(0);
  for (let i = lo[0]!; i <= hi[0]!; i++) {
    idx[0] = i;
    if (lo.length === 1) {
      const c = counts[mod(i, bins)]!;
      if (c > 0) visit(idx, c);
      continue;
    }
    for (let j = lo[1]!; j <= hi[1]!; j++) {
      idx[1] = j;
      const c = counts[mod(i, bins) * bins + mod(j, bins)]!;
      if (c > 0) visit(idx, c);
    }
  }
}
