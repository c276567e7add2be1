/**
 * @module A feature's exact table of numeric values and their counts, as an open-addressing hash table over two
 * Float64Arrays from the float pool instead of a Map<number, number>: the scan builds one per numeric column of every
 * capture file and drops it once merged, and a Map's growing backing stores (and a boxed key per fractional value)
 * lived long enough to be promoted to the old heap, so they were collected by full mark-compacts. The table's buffers
 * go back to the pool when it is released. It holds what the Map held: the same keys (finite numbers, -0 as +0) with
 * the same counts, and the same size, so the profile gives way to its HyperLogLog at the same point.
 */
import { giveFloats, takeFloats } from './float-pool.ts';

/** Slots of a new table (a power of two). */
const INITIAL_SLOTS = 16;

/** What a released table holds (no buffer of its own). */
const NONE = new Float64Array(0);
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** The slot a key's probe starts at, for a table of mask + 1 slots. */
function home(x: number, mask: number): number {
  let h: number;
  if ((x | 0) === x) h = x | 0;
  else {
    bits[0] = x;
    h = words[0]! ^ Math.imul(words[1]!, 0x9e3779b1);
  }
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) & mask;
}

export class NumberTable {
  /** Slot i holds key #keys[i] with count #counts[i]; a count of 0 marks an empty slot (every kept count is >= 1). */
  #keys: Float64Array;
  #counts: Float64Array;
  #mask: number;
  #size = 0;

  constructor() {
    this.#keys = takeFloats(INITIAL_SLOTS);
    this.#counts = takeFloats(INITIAL_SLOTS).fill(0);
    this.#mask = INITIAL_SLOTS - 1;
  }

  /** Distinct keys held. */
  get size(): number {
    return this.#size;
  }

  /** Adds `count` (>= 1) occurrences of x (a finite number; -0 is counted as +0). Returns the table's size after. */
  add(x: number, count: number): number {
    const key = x + 0;
    const keys = this.#keys;
    const counts = this.#counts;
    const mask = this.#mask;
    let i = home(key, mask);
    for (;;) {
      const c = counts[i]!;
      if (c === 0) break;
      if (keys[i] === key) {
        counts[i] = c + count;
        return this.#size;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    counts[i] = count;
    if (++this.#size * 2 > mask + 1) this.#grow();
    return this.#size;
  }

  /** The count of x (0 when absent). */
  count(x: number): number {
    const key = x + 0;
    const mask = this.#mask;
    for (let i = home(key, mask); ; i = (i + 1) & mask) {
      const c = this.#counts[i]!;
      if (c === 0) return 0;
      if (this.#keys[i] === key) return c;
    }
  }

  /** Calls f(key, count) for every key held, in no particular order. */
  forEach(f: (key: number, count: number) => void): void {
    const keys = this.#keys;
    const counts = this.#counts;
    for (let i = 0; i <= this.#mask; i++) if (counts[i]! > 0) f(keys[i]!, counts[i]!);
  }

  /** Empties the table (a new table's size, its larger buffers back in the pool). */
  reset(): void {
    if (this.#mask + 1 !== INITIAL_SLOTS) {
      this.release();
      this.#keys = takeFloats(INITIAL_SLOTS);
      this.#counts = takeFloats(INITIAL_SLOTS);
      this.#mask = INITIAL_SLOTS - 1;
    }
    this.#counts.fill(0);
    this.#size = 0;
  }

  /** Gives the buffers back to the float pool: the table must not be used after. */
  release(): void {
    giveFloats(this.#keys);
    giveFloats(this.#counts);
    this.#keys = NONE;
    this.#counts = NONE;
    this.#mask = -1;
    this.#size = 0;
  }

  #grow(): void {
    const oldKeys = this.#keys;
    const oldCounts = this.#counts;
    const slots = 2 * (this.#mask + 1);
    const keys = takeFloats(slots);
    const counts = takeFloats(slots).fill(0);
    const mask = slots - 1;
    for (let j = 0; j < oldCounts.length; j++) {
      const c = oldCounts[j]!;
      if (c === 0) continue;
      const key = oldKeys[j]!;
      let i = home(key, mask);
      while (counts[i] !== 0) i = (i + 1) & mask;
      keys[i] = key;
      counts[i] = c;
    }
    giveFloats(oldKeys);
    giveFloats(oldCounts);
    this.#keys = keys;
    this.#counts = counts;
    this.#mask = mask;
  }
}
