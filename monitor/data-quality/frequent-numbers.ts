/**
 * @module A feature's numeric value counts: exact while there are at most CATEGORY_CAP distinct values, then a
 * Misra-Gries frequent-items summary in its mergeable form (Agarwal et al., "Mergeable summaries", PODS 2012), as the
 * category table keeps text (category-table.ts). Past the cap the table grows to 2 × CATEGORY_CAP entries, then the
 * (CATEGORY_CAP + 1)-th largest count is taken from every count and the values left at zero go: each reduction takes
 * that amount from at least CATEGORY_CAP + 1 counts, so every kept count is low by at most
 * (values − Σ kept) / (CATEGORY_CAP + 1) and every value more frequent than that is kept.
 *
 * The counts live in an open-addressing table over typed arrays (keys and counts side by side, linear probing), not a
 * Map: a continuous feature meets a new value at almost every record, and a Map of number keys cost it about twice
 * the whole profile's time once past the cap. The table starts small and doubles (a feature with a few values costs
 * a few hundred bytes) up to 4,096 slots (64 KiB), kept at most half full.
 */
import { CATEGORY_CAP } from './category-table.ts';

/** Most entries kept between reductions. */
const MAX_ENTRIES = 2 * CATEGORY_CAP;
const FIRST_SLOTS = 16;

/** The counts of a table being reduced (one reduction at a time: JavaScript runs one at a time). */
const held = new Float64Array(MAX_ENTRIES + 1);
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** A slot of a table of mask + 1 slots (a power of two) for x (-0 made +0 first), by its bits. */
function slotOf(x: number, mask: number): number {
  bits[0] = x;
  let h = Math.imul(words[0]! ^ Math.imul(words[1]!, 0x85ebca6b), 0x9e3779b1);
  h ^= h >>> 15;
  return h & mask;
}

export class FrequentNumbers {
  #keys = new Float64Array(FIRST_SLOTS);
  /** 0 marks an empty slot (a kept count is never 0). */
  #counts = new Float64Array(FIRST_SLOTS);
  #size = 0;
  #approximate = false;

  /** Distinct values held. */
  get size(): number {
    return this.#size;
  }

  /** True once more than CATEGORY_CAP distinct values were seen: the counts are lower bounds since. */
  get approximate(): boolean {
    return this.#approximate;
  }

  /** Adds `count` (> 0) occurrences of the finite number x. */
  add(x: number, count: number): void {
    const key = x + 0;
    const keys = this.#keys;
    const counts = this.#counts;
    const mask = keys.length - 1;
    let i = slotOf(key, mask);
    while (counts[i] !== 0) {
      if (keys[i] === key) {
        counts[i] += count;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    counts[i] = count;
    this.#size++;
    if (this.#size > CATEGORY_CAP) this.#approximate = true;
    if (this.#size > MAX_ENTRIES) this.#reduce();
    else if (this.#size * 2 > keys.length) this.#rehash(keys.length * 2, 0);
  }

  /** Each value and its count, in table order. */
  *entries(): IterableIterator<[number, number]> {
    const keys = this.#keys;
    const counts = this.#counts;
    for (let i = 0; i < keys.length; i++) if (counts[i] !== 0) yield [keys[i]!, counts[i]!];
  }

  /** Folds in another table: counts add, then one reduction when the entries pass the bound. */
  merge(other: FrequentNumbers): void {
    this.#approximate ||= other.#approximate;
    for (const [x, c] of other.entries()) this.add(x, c);
  }

  /** Marks the counts as lower bounds (a state saved past the cap). */
  markApproximate(): void {
    this.#approximate = true;
  }

  /** Takes the (CATEGORY_CAP + 1)-th largest count from every count, dropping those that reach zero. */
  #reduce(): void {
    const counts = this.#counts;
    let n = 0;
    let aboveOne = 0;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c === 0) continue;
      held[n++] = c;
      if (c > 1) aboveOne++;
    }
    // Counts are whole numbers >= 1: with at most CATEGORY_CAP above 1, the (CATEGORY_CAP + 1)-th largest is 1 (a
    // continuous feature, whose values are nearly all new, always), found without a selection.
    const cut = aboveOne <= CATEGORY_CAP ? 1 : kthLargest(held.subarray(0, n), CATEGORY_CAP);
    this.#rehash(this.#keys.length, cut);
  }

  /** Moves every entry into `slots` slots, each count less `cut` (entries left at zero or below are dropped). */
  #rehash(slots: number, cut: number): void {
    const oldKeys = this.#keys;
    const oldCounts = this.#counts;
    const keys = new Float64Array(slots);
    const counts = new Float64Array(slots);
    const mask = slots - 1;
    let size = 0;
    for (let j = 0; j < oldKeys.length; j++) {
      const c = oldCounts[j]! - cut;
      if (!(c > 0) || oldCounts[j] === 0) continue;
      let i = slotOf(oldKeys[j]!, mask);
      while (counts[i] !== 0) i = (i + 1) & mask;
      keys[i] = oldKeys[j]!;
      counts[i] = c;
      size++;
    }
    this.#keys = keys;
    this.#counts = counts;
    this.#size = size;
  }
}

/** The k-th largest (0-based) of `xs` (reordered in place): Hoare's selection. */
function kthLargest(xs: Float64Array, k: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (xs[i]! > pivot) i++;
      while (xs[j]! < pivot) j--;
      if (i <= j) {
        const t = xs[i]!;
        xs[i] = xs[j]!;
        xs[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return xs[k]!;
  }
  return xs[k]!;
}
