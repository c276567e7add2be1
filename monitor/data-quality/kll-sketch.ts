/**
 * @module Deequ's deterministic KLL quantile sketch (`QuantileNonSample` with `NonSampleCompactor`s), the sketch the
 * SageMaker data-quality analyzer stores in statistics.json, reproduced operation for operation so that a sketch read
 * from a SageMaker baseline and one built here answer rank queries the same way.
 *
 * Semantics (awslabs/deequ, src/main/scala/com/amazon/deequ/analyzers/, commit 0b8cea54):
 * - Levels ("compactors") 0, 1, 2...; an item kept at level h stands for 2^h values.
 * - Capacity of level h (h counted from the bottom, as `QuantileNonSample.capacity` is called):
 *   `2 * (ceil(k * c^h / 2) + 1)`: 2050, 1314, 842... for k = 2048, c = 0.64, never below 4.
 * - update(x) appends x to level 0; when the items held exceed the summed capacity, the lowest level at or over its
 *   capacity is compacted once (and a level is added on top when needed).
 * - Compaction of a level: of its n items, the first n − (n mod 2) (in insertion order) are sorted, and every other
 *   one from `offset` (0 or 1) moves up one level; an odd last item stays. The offset of a level flips before its
 *   2nd, 4th, 6th... compaction (offsets 0, 1, 1, 0, 0, 1, 1, ...): there is no randomness.
 * - merge appends the other sketch's levels to this one's, level by level, then compacts while the items held are at
 *   least the summed capacity. Compactors keep their own offset state; a sketch rebuilt from statistics.json `data`
 *   starts every compactor afresh (Deequ's `reconstruct`).
 * - rank(x) is the weight of items <= x, rankExclusive(x) of items < x (IEEE comparisons). Values are stored with
 *   -0 turned into +0: Deequ sorts -0 first (Java's Double.compare) but no rank, bucket or JSON output can tell the
 *   two apart, so the sketches answer identically.
 * Deequ publishes no error bound; kll-sketch.test.ts measures it (docs/data-quality.md quotes the figures).
 */
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState, stateArray } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';
import { giveFloats, takeFloats } from './float-pool.ts';
import { sortNumbers } from './sort-numbers.ts';

/** Deequ's KLLSketch.DEFAULT_SKETCH_SIZE: the `k` SageMaker writes. */
export const KLL_SKETCH_SIZE = 2048;
/** Deequ's KLLSketch.DEFAULT_SHRINKING_FACTOR: the `c` SageMaker writes. */
export const KLL_SHRINKING_FACTOR = 0.64;
/** SageMaker materialises the distribution in 10 buckets ("You can't change this"). */
export const KLL_BUCKET_COUNT = 10;

export const KLL_KIND = 'kll';
export const KLL_VERSION = 1;

/** One equal-width bucket of the distribution, as statistics.json writes it. */
export interface KllBucket {
  lower_bound: number;
  upper_bound: number;
  count: number;
}

/** The `sketch` object of statistics.json. */
export interface KllSketchJson {
  parameters: { c: number; k: number };
  data: number[][];
}

const INITIAL_LEVEL_SIZE = 64;
/**
 * The largest level buffer kept after a compaction. Updates (runs of at most 1024 values on a level of capacity 2050)
 * never need more; merges may, and a larger buffer is swapped for one of this size once its level is compacted.
 */
const KEPT_LEVEL_SIZE = 4096;

export class KllSketch {
  readonly sketchSize: number;
  readonly shrinkingFactor: number;
  /** Level buffers (grown by doubling); only the first #lengths[h] slots are items. */
  #buffers: Float64Array[] = [];
  #lengths: number[] = [];
  /** NonSampleCompactor.numOfCompress and .offset per level. */
  #compressions: number[] = [];
  #offsets: number[] = [];
  /** QuantileNonSample.compactorActualSize and .compactorTotalSize. */
  #itemCount = 0;
  #capacityTotal = 0;
  /**
   * Per level: while #whole[h], every item of level h is a whole number of 32 bits in [#low[h], #high[h]] (bounds
   * that may be loose), as the caller of updateMany vouched for level 0 and compaction carries up: the compaction of
   * such a level counts without a check pass.
   */
  #whole: boolean[] = [];
  #low: number[] = [];
  #high: number[] = [];

  constructor(sketchSize = KLL_SKETCH_SIZE, shrinkingFactor = KLL_SHRINKING_FACTOR) {
    if (!Number.isInteger(sketchSize) || sketchSize < 2) throw new RangeError(`kll: sketch size ${sketchSize} is not an integer >= 2`);
    if (!(shrinkingFactor > 0 && shrinkingFactor <= 1)) throw new RangeError(`kll: shrinking factor ${shrinkingFactor} is not in (0, 1]`);
    this.sketchSize = sketchSize;
    this.shrinkingFactor = shrinkingFactor;
    this.#expand();
  }

  /** Level h's capacity, exactly as QuantileNonSample.capacity computes it. */
  capacity(height: number): number {
    return 2 * (Math.ceil((this.sketchSize * Math.pow(this.shrinkingFactor, height)) / 2) + 1);
  }

  /** Number of levels (compactors). */
  get levelCount(): number {
    return this.#buffers.length;
  }

  /** Items held over all levels. */
  get itemCount(): number {
    return this.#itemCount;
  }

  /** Values summarised: the total weight, Σ items of level h × 2^h. */
  count(): number {
    let n = 0;
    for (let h = 0; h < this.#lengths.length; h++) n += this.#lengths[h]! * 2 ** h;
    return n;
  }

  /** Adds one value (callers pass finite numbers; the profile never feeds NaN). */
  update(value: number): void {
    // -0 becomes +0: the two are one value to every rank query and in JSON, and the sort needs no tie rule.
    this.#whole[0] = false;
    this.#push(0, value + 0);
    this.#itemCount++;
    if (this.#itemCount > this.#capacityTotal) this.#condense();
  }

  /**
   * Adds xs[0..n) in order: the same sketch as n calls of update(). Values go to level 0 in runs that end exactly
   * where update() would condense. `bounds`, when given, vouches that every value is a whole number of 32 bits
   * within [low, high]: compactions of level 0 then count the items without checking them first.
   */
  updateMany(xs: Float64Array, n: number, bounds?: { low: number; high: number }): void {
    let i = 0;
    while (i < n) {
      const run = Math.min(n - i, Math.max(1, this.#capacityTotal - this.#itemCount + 1));
      if (bounds === undefined) this.#whole[0] = false;
      else this.#vouch(0, this.#lengths[0] === 0, true, bounds.low, bounds.high);
      const buffer = this.#room(0, run);
      const length = this.#lengths[0]!;
      for (let j = 0; j < run; j++) buffer[length + j] = xs[i + j]! + 0;
      this.#lengths[0] = length + run;
      this.#itemCount += run;
      i += run;
      if (this.#itemCount > this.#capacityTotal) this.#condense();
    }
  }

  /**
   * Level h's flag and bounds once items come that are (`whole`) or may not be whole numbers of 32 bits within
   * [low, high]; `empty`: level h held no item before them.
   */
  #vouch(h: number, empty: boolean, whole: boolean, low: number, high: number): void {
    if (!whole) this.#whole[h] = false;
    else if (empty) {
      this.#whole[h] = true;
      this.#low[h] = low;
      this.#high[h] = high;
    } else if (this.#whole[h]) {
      this.#low[h] = Math.min(this.#low[h]!, low);
      this.#high[h] = Math.max(this.#high[h]!, high);
    }
  }

  /** Folds another sketch (same k and c) into this one; `other` is not changed. */
  merge(other: KllSketch): void {
    if (other.sketchSize !== this.sketchSize || other.shrinkingFactor !== this.shrinkingFactor) {
      throw new RangeError(`kll: cannot merge a sketch with k=${other.sketchSize}, c=${other.shrinkingFactor} into one with k=${this.sketchSize}, c=${this.shrinkingFactor}`);
    }
    while (this.#buffers.length < other.#buffers.length) this.#expand();
    for (let h = 0; h < other.#buffers.length; h++) {
      const n = other.#lengths[h]!;
      if (n === 0) continue;
      this.#vouch(h, this.#lengths[h] === 0, other.#whole[h]!, other.#low[h]!, other.#high[h]!);
      this.#room(h, n).set(other.#buffers[h]!.subarray(0, n), this.#lengths[h]!);
      this.#lengths[h]! += n;
    }
    this.#itemCount = this.#countItems();
    while (this.#itemCount >= this.#capacityTotal) this.#condense();
  }

  /** Weight of the items <= x (Deequ's getRank). */
  rank(x: number): number {
    let rank = 0;
    for (let h = 0; h < this.#buffers.length; h++) {
      const buffer = this.#buffers[h]!;
      const n = this.#lengths[h]!;
      let hits = 0;
      for (let i = 0; i < n; i++) if (!(buffer[i]! > x)) hits++;
      rank += hits * 2 ** h;
    }
    return rank;
  }

  /** Weight of the items < x (Deequ's getRankExclusive). */
  rankExclusive(x: number): number {
    let rank = 0;
    for (let h = 0; h < this.#buffers.length; h++) {
      const buffer = this.#buffers[h]!;
      const n = this.#lengths[h]!;
      let hits = 0;
      for (let i = 0; i < n; i++) if (buffer[i]! < x) hits++;
      rank += hits * 2 ** h;
    }
    return rank;
  }

  /**
   * The sketch's step CDF: its distinct item values in increasing order, each with the weight of the items <= it
   * (Deequ's getRankMap; -0 and +0 are one value). The last weight is count().
   */
  cdf(): { values: Float64Array; ranks: Float64Array } {
    const items = new Float64Array(this.#itemCount);
    const weights = new Float64Array(this.#itemCount);
    let k = 0;
    for (let h = 0; h < this.#buffers.length; h++) {
      const buffer = this.#buffers[h]!;
      for (let i = 0; i < this.#lengths[h]!; i++) {
        items[k] = buffer[i]!;
        weights[k++] = 2 ** h;
      }
    }
    const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => items[a]! - items[b]!);
    const values: number[] = [];
    const ranks: number[] = [];
    let running = 0;
    for (const i of order) {
      running += weights[i]!;
      const v = items[i]! === 0 ? 0 : items[i]!;
      if (values.length > 0 && values[values.length - 1] === v) ranks[ranks.length - 1] = running;
      else {
        values.push(v);
        ranks.push(running);
      }
    }
    return { values: Float64Array.from(values), ranks: Float64Array.from(ranks) };
  }

  /** The value at normalised rank q in [0, 1]: the smallest item whose inclusive rank reaches q · count(). */
  quantile(q: number): number {
    const { values, ranks } = this.cdf();
    if (values.length === 0) return NaN;
    const target = Math.min(1, Math.max(0, q)) * ranks[ranks.length - 1]!;
    for (let i = 0; i < values.length; i++) if (ranks[i]! >= target) return values[i]!;
    return values[values.length - 1]!;
  }

  /**
   * `count` equal-width buckets over [min, max] as KLLSketch.computeMetricFrom makes them: bounds
   * `min + (max − min) · i / count`; a bucket's count is rankExclusive(upper) − rankExclusive(lower), the last one's
   * rank(upper) − rankExclusive(lower), so only the last bucket includes its upper bound.
   */
  buckets(min: number, max: number, count = KLL_BUCKET_COUNT): KllBucket[] {
    const out: KllBucket[] = [];
    // When max − min overflows (values near ±Number.MAX_VALUE), the bounds are computed on halves: they were
    // Infinity and NaN, written as null.
    const wide = !Number.isFinite(max - min);
    const bound = (i: number): number => (wide ? 2 * (min / 2 + ((max / 2 - min / 2) / count) * i) : min + ((max - min) * i) / count);
    for (let i = 0; i < count; i++) {
      const lower = bound(i);
      const upper = bound(i + 1);
      const below = this.rankExclusive(lower);
      out.push({ lower_bound: lower, upper_bound: upper, count: (i === count - 1 ? this.rank(upper) : this.rankExclusive(upper)) - below });
    }
    return out;
  }

  /** The levels' items, level 0 first, in their stored order (Deequ's getCompactorItems: statistics.json `data`). */
  levels(): number[][] {
    return this.#buffers.map((b, h) => Array.from(b.subarray(0, this.#lengths[h])));
  }

  /** The `sketch` object of statistics.json. */
  toJson(): KllSketchJson {
    return { parameters: { c: this.shrinkingFactor, k: this.sketchSize }, data: this.levels() };
  }

  /**
   * Rebuilds a sketch from statistics.json `data` (levels of finite numbers) the way Deequ's `reconstruct` does:
   * same items per level, every compactor's offset state fresh.
   */
  static fromLevels(data: readonly (readonly number[])[], sketchSize = KLL_SKETCH_SIZE, shrinkingFactor = KLL_SHRINKING_FACTOR): KllSketch {
    const sketch = new KllSketch(sketchSize, shrinkingFactor);
    while (sketch.#buffers.length < data.length) sketch.#expand();
    data.forEach((level, h) => {
      for (const v of level) sketch.#push(h, v + 0);
    });
    sketch.#itemCount = sketch.#countItems();
    return sketch;
  }

  /** A copy with the same items and compactor state. */
  clone(): KllSketch {
    return KllSketch.load(this.save());
  }

  save(): AccumulatorState {
    const lengths = Int32Array.from(this.#lengths);
    const items = new Float64Array(this.#itemCount);
    let k = 0;
    this.#buffers.forEach((b, h) => {
      items.set(b.subarray(0, this.#lengths[h]), k);
      k += this.#lengths[h]!;
    });
    return {
      kind: KLL_KIND,
      version: KLL_VERSION,
      meta: { k: this.sketchSize, c: this.shrinkingFactor },
      arrays: { lengths, items, compressions: Int32Array.from(this.#compressions), offsets: Int32Array.from(this.#offsets) },
    };
  }

  static load(state: AccumulatorState): KllSketch {
    expectState(state, KLL_KIND, KLL_VERSION);
    const meta = state.meta as { k?: unknown; c?: unknown } | null;
    if (typeof meta?.k !== 'number' || typeof meta.c !== 'number') throw new InputError('state: kll state has no numeric k and c');
    // A state's sketch merges with the run's own (KllSketch() defaults): another size is no sketch this version kept,
    // and a bad one ended as an internal error (RangeError) naming no file.
    if (meta.k !== KLL_SKETCH_SIZE || meta.c !== KLL_SHRINKING_FACTOR) {
      throw new InputError(`state: kll state has k=${meta.k}, c=${meta.c}; this version keeps sketches of k=${KLL_SKETCH_SIZE}, c=${KLL_SHRINKING_FACTOR}`);
    }
    const lengths = stateArray(state, 'lengths', Int32Array);
    const items = stateArray(state, 'items', Float64Array);
    const compressions = stateArray(state, 'compressions', Int32Array);
    const offsets = stateArray(state, 'offsets', Int32Array);
    const levels = lengths.length;
    if (levels < 1 || compressions.length !== levels || offsets.length !== levels || lengths.reduce((a, b) => a + b, 0) !== items.length || lengths.some((n) => n < 0)) {
      throw new InputError('state: kll state arrays do not agree in size');
    }
    if (!items.every(Number.isFinite)) throw new InputError('state: kll state holds an item that is not a finite number');
    const sketch = new KllSketch(meta.k, meta.c);
    while (sketch.#buffers.length < levels) sketch.#expand();
    let k = 0;
    for (let h = 0; h < levels; h++) {
      // One buffer of the level's final size, not a chain of doublings (fresh memory costs more than the copy).
      const n = lengths[h]!;
      sketch.#room(h, n).set(items.subarray(k, k + n));
      sketch.#lengths[h] = n;
      k += n;
      sketch.#compressions[h] = compressions[h]!;
      sketch.#offsets[h] = offsets[h]! === 1 ? 1 : 0;
    }
    sketch.#itemCount = items.length;
    return sketch;
  }

  /**
   * Gives the level buffers back to the pool (float-pool.ts), for a sketch that is dropped (a file's, once merged):
   * the sketch must not be used after (it holds no level, and takes no buffer it would only give back).
   */
  release(): void {
    for (const buffer of this.#buffers) giveFloats(buffer);
    this.#buffers = [];
    this.#lengths = [];
    this.#compressions = [];
    this.#offsets = [];
    this.#itemCount = 0;
    this.#capacityTotal = 0;
    this.#whole = [];
    this.#low = [];
    this.#high = [];
  }

  #expand(): void {
    const h = this.#buffers.length;
    this.#buffers.push(takeFloats(Math.min(INITIAL_LEVEL_SIZE, this.capacity(h) + 1)));
    this.#lengths.push(0);
    this.#compressions.push(0);
    this.#offsets.push(0);
    this.#whole.push(false);
    this.#low.push(0);
    this.#high.push(0);
    this.#capacityTotal += this.capacity(h);
  }

  /** Level h's buffer, grown so that `extra` more items fit. */
  #room(h: number, extra: number): Float64Array {
    const buffer = this.#buffers[h]!;
    const needed = this.#lengths[h]! + extra;
    if (needed <= buffer.length) return buffer;
    let size = buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = takeFloats(size);
    grown.set(buffer.subarray(0, this.#lengths[h]));
    giveFloats(buffer);
    this.#buffers[h] = grown;
    return grown;
  }

  #push(h: number, value: number): void {
    let buffer = this.#buffers[h]!;
    const n = this.#lengths[h]!;
    if (n === buffer.length) buffer = this.#room(h, 1);
    buffer[n] = value;
    this.#lengths[h] = n + 1;
  }

  #countItems(): number {
    let n = 0;
    for (const length of this.#lengths) n += length;
    return n;
  }

  /** QuantileNonSample.condense: compact the lowest level at or over its capacity, once. */
  #condense(): void {
    for (let h = 0; h < this.#buffers.length; h++) {
      if (this.#lengths[h]! >= this.capacity(h)) {
        if (h + 1 >= this.#buffers.length) this.#expand();
        this.#compact(h);
        this.#itemCount = this.#countItems();
        return;
      }
    }
  }

  /** NonSampleCompactor.compact, with its output appended to level h + 1. */
  #compact(h: number): void {
    const buffer = this.#buffers[h]!;
    const items = this.#lengths[h]!;
    const even = items - (items % 2);
    if (this.#compressions[h]! % 2 === 1) this.#offsets[h] = 1 - this.#offsets[h]!;
    const offset = this.#offsets[h]!;
    const up = this.#room(h + 1, even >> 1);
    let k = this.#lengths[h + 1]!;
    const upEmpty = k === 0;
    const whole = this.#whole[h]!;
    const counted = whole ? compactWholeByCounting(buffer, even, offset, up, k, this.#low[h]!, this.#high[h]!) : compactByCounting(buffer, even, offset, up, k);
    if (counted >= 0) k = counted;
    else {
      sortNumbers(buffer, even);
      for (let i = offset; i < even; i += 2) up[k++] = buffer[i]!;
    }
    // What moved up is some of level h's items: whole within its bounds when they were, or when counting found so.
    if (whole) this.#vouch(h + 1, upEmpty, true, this.#low[h]!, this.#high[h]!);
    else this.#vouch(h + 1, upEmpty, counted >= 0 && even > 0, countedLow, countedHigh);
    this.#lengths[h + 1] = k;
    // The odd last item (in insertion order; the sort left index `even` alone) stays.
    if (items % 2 === 1) {
      buffer[0] = buffer[even]!;
      this.#lengths[h] = 1;
    } else this.#lengths[h] = 0;
    this.#compressions[h]!++;
    if (buffer.length > KEPT_LEVEL_SIZE) {
      // A level that merges grew past what updates need: its buffer goes back to the pool for the level that grows
      // next, so a run's sketch holds one such buffer at a time instead of one per level (fresh memory is dear). The
      // level starts again small and grows from the pool.
      const small = takeFloats(INITIAL_LEVEL_SIZE);
      small[0] = buffer[0]!;
      giveFloats(buffer);
      this.#buffers[h] = small;
    }
  }
}

/** The bounds compactByCounting found, when it returned k >= 0 for n > 0 items (whole numbers then). */
let countedLow = 0;
let countedHigh = 0;

/** Counts of the whole numbers compactByCounting sees, by value − min (zeroed again after each use). */
let compactTally = new Uint32Array(0);

/**
 * The compaction of a[0..n) (n even) when its items are whole numbers of 32 bits over a range of at most 4·n values
 * (flags, codes, counts: most columns of tabular data): the items at sorted positions offset, offset + 2, ... are
 * written to up[k...] straight from the items' counts, without sorting a[] (the level keeps only its odd last item,
 * which lies past n). The same items in the same order as sorting and taking every other one. Returns the next k,
 * or -1 (nothing written) for any other items.
 */
function compactByCounting(a: Float64Array, n: number, offset: number, up: Float64Array, k: number): number {
  if (n === 0) return k;
  let min = a[0]!;
  let max = min;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    if ((x | 0) !== x) return -1;
    if (x < min) min = x;
    else if (x > max) max = x;
    sum += x;
  }
  countedLow = min;
  countedHigh = max;
  return countedCompaction(a, n, offset, up, k, min, max, sum);
}

/**
 * compactByCounting for items known to be whole numbers of 32 bits in [low, high] (bounds that may be loose): no check
 * pass. Returns -1 (nothing written) when the range is too wide to count.
 */
function compactWholeByCounting(a: Float64Array, n: number, offset: number, up: Float64Array, k: number, low: number, high: number): number {
  if (n === 0) return k;
  if (high - low + 1 > 4 * n) return -1;
  if (high - low > 1) return countedCompaction(a, n, offset, up, k, low, high, NaN);
  // Two values at most (flags: most columns of one-hot data): their sum gives both counts. A sum pass costs a fraction
  // of a tally's, whose every increment waits for the last one to land when the values repeat, as flags do.
  // Four partial sums: whole numbers of 32 bits, n < 2^21, so each is exact and so is their total, in any order.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i]!;
    s1 += a[i + 1]!;
    s2 += a[i + 2]!;
    s3 += a[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]!;
  return countedCompaction(a, n, offset, up, k, low, high, s0 + s1 + (s2 + s3));
}

/**
 * The counting compaction of whole numbers a[0..n) within [min, max]; `sum` is their sum when known (NaN if not),
 * which gives the two counts of a two-value range without a pass.
 */
function countedCompaction(a: Float64Array, n: number, offset: number, up: Float64Array, k: number, min: number, max: number, sum: number): number {
  const range = max - min + 1;
  if (range > 4 * n) return -1;
  // Two values at most (flags): the count of the larger one is Σ(x − min), exact below 2^53 (n < 2^21 here).
  if (range <= 2 && n < 2 ** 21 && sum === sum) return emitTwo(min, n - (sum - n * min), max, sum - n * min, offset, up, k);
  if (compactTally.length < range) compactTally = new Uint32Array(Math.max(range, 2 * compactTally.length));
  const tally = compactTally;
  for (let i = 0; i < n; i++) tally[a[i]! - min]!++;
  // Sorted positions [p, p + c) hold value min + v; of them, those with (position − offset) even move up.
  let p = 0;
  let out = k;
  for (let v = 0; v < range; v++) {
    const c = tally[v]!;
    if (c === 0) continue;
    tally[v] = 0;
    const first = p + ((p + offset) & 1);
    const end = p + c;
    p = end;
    if (first >= end) continue;
    // Positions first, first + 2, ... below end: a run of equal items, written by one fill.
    const count = (end - first + 1) >> 1;
    up.fill(min + v, out, out + count);
    out += count;
  }
  return out;
}

/** compactByCounting's output for items that are `low` (c0 times) and `high` (c1 times, sorted after). */
function emitTwo(low: number, c0: number, high: number, c1: number, offset: number, up: Float64Array, k: number): number {
  // Sorted positions offset, offset + 2, ... below c0 hold `low`; the rest, up to c0 + c1, hold `high` (+0, never -0).
  const lows = c0 > offset ? (c0 - offset + 1) >> 1 : 0;
  const all = c0 + c1 > offset ? (c0 + c1 - offset + 1) >> 1 : 0;
  up.fill(low + 0, k, k + lows);
  up.fill(high + 0, k + lows, k + all);
  return k + all;
}
