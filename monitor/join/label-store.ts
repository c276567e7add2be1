/**
 * @module The in-memory side of the join: ground-truth labels keyed by the 64-bit hash of (inferenceId,
 * payload_index), in an open-addressing table of typed arrays (load factor at most 0.7). Capture streams past it.
 * Each slot also remembers whether a prediction has used it, so labels without a prediction and duplicate
 * predictions can be counted.
 *
 * Memory: a slot holds the two hash halves (8 bytes), a flag byte and the value. Values are label codes (0, 1, 2 ...)
 * for classification, kept as 16-bit integers until a value that is not one arrives (a regression value), when the
 * column widens to 64-bit floats: 11 bytes per slot for classification (16 to 31 bytes per label), 17 for regression.
 *
 * The arrays live in SharedArrayBuffers, so worker threads look labels up in the same table without a copy
 * (share() / fromShared()). The used flags are set with Atomics, so two threads taking the same label still count
 * one reuse, exactly as one thread would.
 */
import type { KeyHash } from './key-hash.ts';

const EMPTY = 0;
const FILLED = 1;
const USED = 2; // a prediction has joined this label
const REUSED = 4; // more than one prediction joined it
/** Values below this that are whole numbers >= 0 fit the 16-bit column. */
const CODE_LIMIT = 0xffff;

/** A store's table as worker threads receive it (structured-cloneable; the buffers are shared, not copied). */
export interface SharedLabelStore {
  capacity: number;
  count: number;
  duplicates: number;
  lo: SharedArrayBuffer;
  hi: SharedArrayBuffer;
  values: SharedArrayBuffer;
  /** Whether values holds 64-bit floats (else 16-bit codes). */
  wide: boolean;
  flags: SharedArrayBuffer;
}

function sharedArray<T>(Type: new (buffer: SharedArrayBuffer) => T, bytesPerElement: number, length: number): T {
  return new Type(new SharedArrayBuffer(length * bytesPerElement));
}

export class LabelStore {
  private capacity: number;
  private lo: Uint32Array;
  private hi: Uint32Array;
  private values: Uint16Array | Float64Array;
  private flags: Uint8Array;
  private count = 0;
  /** Labels that replaced an earlier label for the same key. */
  duplicates = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.lo = sharedArray(Uint32Array, 4, this.capacity);
    this.hi = sharedArray(Uint32Array, 4, this.capacity);
    this.values = sharedArray(Uint16Array, 2, this.capacity);
    this.flags = sharedArray(Uint8Array, 1, this.capacity);
  }

  /** A store over the shared table of another thread's store (see share()). */
  static fromShared(shared: SharedLabelStore): LabelStore {
    const store = new LabelStore(16);
    store.capacity = shared.capacity;
    store.count = shared.count;
    store.duplicates = shared.duplicates;
    store.lo = new Uint32Array(shared.lo);
    store.hi = new Uint32Array(shared.hi);
    store.values = shared.wide ? new Float64Array(shared.values) : new Uint16Array(shared.values);
    store.flags = new Uint8Array(shared.flags);
    return store;
  }

  /** The table for worker threads. No label may be set while they use it. */
  share(): SharedLabelStore {
    return {
      capacity: this.capacity,
      count: this.count,
      duplicates: this.duplicates,
      lo: this.lo.buffer as SharedArrayBuffer,
      hi: this.hi.buffer as SharedArrayBuffer,
      values: this.values.buffer as SharedArrayBuffer,
      wide: this.values instanceof Float64Array,
      flags: this.flags.buffer as SharedArrayBuffer,
    };
  }

  get size(): number {
    return this.count;
  }

  /** Slots of the table (at least size / 0.7). */
  get slots(): number {
    return this.capacity;
  }

  /** Bytes held by the table (for the benchmark's memory figure). */
  get byteLength(): number {
    return this.capacity * (4 + 4 + 1 + this.values.BYTES_PER_ELEMENT);
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
    if (this.values instanceof Uint16Array && !(Number.isInteger(value) && value >= 0 && value < CODE_LIMIT)) this.widen();
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
   * `onReuse` is called when the label had already joined another prediction (in this thread or another).
   */
  take(key: KeyHash, onReuse?: () => void): number {
    const i = this.slot(key);
    if (this.flags[i] === EMPTY) return NaN;
    // Atomic: of several threads taking one label, exactly one sees it unused.
    if (Atomics.or(this.flags, i, USED) & USED) {
      Atomics.or(this.flags, i, REUSED);
      onReuse?.();
    }
    return this.values[i]!;
  }

  /** Labels that no prediction has joined. */
  unused(): number {
    let n = 0;
    for (let i = 0; i < this.capacity; i++) if (this.flags[i] === FILLED) n++;
    return n;
  }

  /** Turns the 16-bit value column into 64-bit floats (a value that is not a small label code arrived). */
  private widen(): void {
    const wide = sharedArray(Float64Array, 8, this.capacity);
    wide.set(this.values);
    this.values = wide;
  }

  private grow(): void {
    const { lo, hi, values, flags } = this;
    this.capacity *= 2;
    this.lo = sharedArray(Uint32Array, 4, this.capacity);
    this.hi = sharedArray(Uint32Array, 4, this.capacity);
    this.values = values instanceof Float64Array ? sharedArray(Float64Array, 8, this.capacity) : sharedArray(Uint16Array, 2, this.capacity);
    this.flags = sharedArray(Uint8Array, 1, this.capacity);
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
