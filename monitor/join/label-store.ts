/**
 * @module The in-memory side of the join: ground-truth labels keyed by the 64-bit hash of (inferenceId,
 * payload_index), in an open-addressing table of typed arrays (about 17 bytes per slot, load factor at most 0.7).
 * Capture streams past it. Each slot also remembers whether a prediction has used it, so labels without a
 * prediction and duplicate predictions can be counted.
 */
import type { KeyHash } from './key-hash.ts';

const EMPTY = 0;
const FILLED = 1;
const USED = 2; // a prediction has joined this label
const REUSED = 4; // more than one prediction joined it

export class LabelStore {
  private capacity: number;
  private lo: Uint32Array;
  private hi: Uint32Array;
  private values: Float64Array;
  private flags: Uint8Array;
  private count = 0;
  /** Labels that replaced an earlier label for the same key. */
  duplicates = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.lo = new Uint32Array(this.capacity);
    this.hi = new Uint32Array(this.capacity);
    this.values = new Float64Array(this.capacity);
    this.flags = new Uint8Array(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table (for the benchmark's memory figure). */
  get byteLength(): number {
    return this.capacity * (4 + 4 + 8 + 1);
  }

  private slot(key: KeyHash): number {
    const mask = this.capacity - 1;
    let i = (key.lo ^ Math.imul(key.hi, 0x9e3779b1)) & mask;
    while (this.flags[i] !== EMPTY && (this.lo[i] !== key.lo || this.hi[i] !== key.hi)) i = (i + 1) & mask;
    return i;
  }

  /** Stores a label value; a later value for the same key wins and counts as a duplicate. */
  set(key: KeyHash, value: number): void {
    if ((this.count + 1) * 10 > this.capacity * 7) this.grow();
    const i = this.slot(key);
    if (this.flags[i] === EMPTY) {
      this.count++;
      this.lo[i] = key.lo;
      this.hi[i] = key.hi;
      this.flags[i] = FILLED;
    } else {
      this.duplicates++;
    }
    this.values[i] = value;
  }

  /**
   * Looks a key up for a prediction and marks the label used. Returns NaN when there is no label.
   * `onReuse` is called when the label had already joined another prediction.
   */
  take(key: KeyHash, onReuse?: () => void): number {
    const i = this.slot(key);
    const f = this.flags[i]!;
    if (f === EMPTY) return NaN;
    if (f & USED) {
      this.flags[i] = f | REUSED;
      onReuse?.();
    } else {
      this.flags[i] = f | USED;
    }
    return this.values[i]!;
  }

  /** Labels that no prediction has joined. */
  unused(): number {
    let n = 0;
    for (let i = 0; i < this.capacity; i++) if (this.flags[i] === FILLED) n++;
    return n;
  }

  private grow(): void {
    const { lo, hi, values, flags } = this;
    this.capacity *= 2;
    this.lo = new Uint32Array(this.capacity);
    this.hi = new Uint32Array(this.capacity);
    this.values = new Float64Array(this.capacity);
    this.flags = new Uint8Array(this.capacity);
    const key = { lo: 0, hi: 0 };
    for (let j = 0; j < flags.length; j++) {
      if (flags[j] === EMPTY) continue;
      key.lo = lo[j]!;
      key.hi = hi[j]!;
      const i = this.slot(key);
      this.lo[i] = key.lo;
      this.hi[i] = key.hi;
      this.values[i] = values[j]!;
      this.flags[i] = flags[j]!;
    }
  }
}
