/**
 * @module The in-memory side of the join: ground-truth labels keyed by the 64-bit hash of (inferenceId,
 * payload_index), in an open-addressing table of typed arrays (load factor at most 0.8). Capture streams past it.
 * Each slot also remembers whether a prediction has used it, so labels without a prediction and duplicate
 * predictions can be counted.
 *
 * Memory: a slot holds the two hash halves (8 bytes), a flag byte and the value. Values are label codes (0, 1, 2 ...)
 * for classification, kept as 16-bit integers until a value that is not one arrives (a regression value), when the
 * column widens to 64-bit floats: 11 bytes per slot for classification (14 to 28 bytes per label), 17 for regression.
 * The table grows in place: its columns are growable SharedArrayBuffers and doubling rehashes within them, so a
 * growth never holds the old and the new table at once (which took the peak to 47 bytes per label).
 *
 * Probing is linear and never wraps: keys past the end of the table go to an overflow area of PAD slots, whose last
 * slot stays empty (it ends every probe). Doubling can then rehash in place, processing slots in order: an element
 * moves either left within the processed part or into the new upper half, so it never crosses an element still to
 * be moved.
 *
 * The columns are shared, so worker threads look labels up in the same table without a copy (share() /
 * fromShared()). The used flags are set with Atomics, so two threads taking the same label still count one reuse,
 * exactly as one thread would.
 */
import type { KeyHash } from './key-hash.ts';

const EMPTY = 0;
const FILLED = 1;
const USED = 2; // a prediction has joined this label
const REUSED = 4; // more than one prediction joined it
/** Values below this that are whole numbers >= 0 fit the 16-bit column. */
const CODE_LIMIT = 0xffff;
/**
 * The most labels per slot, as a fraction (4/5). Linear probing at 0.8 still finds a label in about 3 slots and misses
 * in about 13 (neighbours in the same cache lines), and a table of 0.7 would be twice as large for the label counts
 * between the two (1 GB bench: 787 k labels reserved, 2^20 slots against 2^21; the ground truth read 30% faster).
 */
const LOAD_NUMERATOR = 4;
const LOAD_DENOMINATOR = 5;
/** Overflow slots after the table (the last one is never filled). */
const PAD = 1024;
/** The most labels reserve() sizes the table for (a table of 2^25 slots, ~370 MB with 16-bit values). */
const MAX_RESERVED = 2 ** 24;
/** Slots the growable columns reserve address space for (~1.5 GB per 64-bit column; beyond it growth copies). */
const MAX_GROWABLE_SLOTS = 2 ** 27 + PAD;

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
  /** The tag column of a tagged table. */
  tags?: SharedArrayBuffer;
}

/** lo, hi, value, flags, tag of one entry. */
type Entry = [number, number, number, number, number];

type Column = Uint32Array | Int32Array | Uint16Array | Float64Array | Uint8Array;
type ColumnType<T extends Column> = { new (buffer: SharedArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number };

/** ES2024's growable SharedArrayBuffer (Node >= 20), which the ES2023 library types do not describe. */
interface GrowableBuffer extends SharedArrayBuffer {
  readonly growable: boolean;
  readonly maxByteLength: number;
  grow(byteLength: number): void;
}
const GrowableSharedArrayBuffer = SharedArrayBuffer as unknown as new (byteLength: number, options?: { maxByteLength: number }) => GrowableBuffer;

/** A column of `length` slots in a growable SharedArrayBuffer (a plain one when it would exceed the reservation). */
function column<T extends Column>(Type: ColumnType<T>, length: number): T {
  const bytes = Type.BYTES_PER_ELEMENT;
  const buffer = length <= MAX_GROWABLE_SLOTS ? new GrowableSharedArrayBuffer(length * bytes, { maxByteLength: MAX_GROWABLE_SLOTS * bytes }) : new SharedArrayBuffer(length * bytes);
  return new Type(buffer, 0, length);
}

/** The column grown in place to `length` slots (a fixed-length view again: length-tracking views are slow), or undefined. */
function grownColumn<T extends Column>(Type: ColumnType<T>, old: T, length: number): T | undefined {
  const buffer = old.buffer as GrowableBuffer;
  if (!buffer.growable || length * Type.BYTES_PER_ELEMENT > buffer.maxByteLength) return undefined;
  buffer.grow(length * Type.BYTES_PER_ELEMENT);
  return new Type(buffer, 0, length);
}

export class LabelStore {
  private capacity: number;
  private lo: Uint32Array;
  private hi: Uint32Array;
  private values: Uint16Array | Float64Array;
  private flags: Uint8Array;
  /** A tagged table's second value per label, a 32-bit integer (the label's ground-truth partition hour). */
  private tags: Int32Array | undefined;
  private count = 0;
  /** Labels that replaced an earlier label for the same key. */
  duplicates = 0;

  /**
   * `tagged`: each label also keeps a 32-bit tag (set(key, value, tag), tagOf, tagAt), in the same slot: the prediction
   * store's label arrival keeps each label's partition hour there, without a second table (4 bytes a slot, against
   * 17 for a table of its own, and one insert and one probe per label instead of two).
   */
  constructor(initialCapacity = 1024, tagged = false) {
    this.capacity = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    const length = this.capacity + PAD;
    this.lo = column(Uint32Array, length);
    this.hi = column(Uint32Array, length);
    this.values = column(Uint16Array, length);
    this.flags = column(Uint8Array, length);
    if (tagged) this.tags = column(Int32Array, length);
  }

  /** A store over the shared table of another thread's store (see share()). */
  static fromShared(shared: SharedLabelStore): LabelStore {
    const store = new LabelStore(16);
    const length = shared.capacity + PAD;
    store.capacity = shared.capacity;
    store.count = shared.count;
    store.duplicates = shared.duplicates;
    store.lo = new Uint32Array(shared.lo, 0, length);
    store.hi = new Uint32Array(shared.hi, 0, length);
    store.values = shared.wide ? new Float64Array(shared.values, 0, length) : new Uint16Array(shared.values, 0, length);
    store.flags = new Uint8Array(shared.flags, 0, length);
    store.tags = shared.tags === undefined ? undefined : new Int32Array(shared.tags, 0, length);
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
      ...(this.tags ? { tags: this.tags.buffer as SharedArrayBuffer } : {}),
    };
  }

  get size(): number {
    return this.count;
  }

  /** Slots of the table, overflow area included (at least size / 0.8). */
  get slots(): number {
    return this.capacity + PAD;
  }

  /** Bytes held by the table (for the benchmark's memory figure). */
  get byteLength(): number {
    return this.slots * (4 + 4 + 1 + this.values.BYTES_PER_ELEMENT + (this.tags ? 4 : 0));
  }

  /**
   * The slot where the probe for `key` starts. Keys looked up in increasing order of it touch the table from start
   * to end instead of at random (each random touch of a large table is a cache and TLB miss).
   */
  homeSlot(key: KeyHash): number {
    return this.home(key.lo, key.hi);
  }

  private home(lo: number, hi: number): number {
    return (lo ^ Math.imul(hi, 0x9e3779b1)) & (this.capacity - 1);
  }

  /** The slot holding `key`, or the empty slot where it would go (the last slot when the overflow area is full). */
  private slot(lo: number, hi: number): number {
    const flags = this.flags;
    let i = this.home(lo, hi);
    while (flags[i] !== EMPTY && (this.lo[i] !== lo || this.hi[i] !== hi)) i++;
    return i;
  }

  /** Stores a label value (and, in a tagged table, its tag); a later one for the same key wins and counts as a duplicate. */
  set(key: KeyHash, value: number, tag = 0): void {
    if ((this.count + 1) * LOAD_DENOMINATOR > this.capacity * LOAD_NUMERATOR) this.grow();
    if (this.values instanceof Uint16Array && !(Number.isInteger(value) && value >= 0 && value < CODE_LIMIT)) this.widen();
    let i = this.slot(key.lo, key.hi);
    while (i === this.capacity + PAD - 1) {
      // The overflow area is full (a long run of colliding keys): a larger table spreads them.
      this.grow();
      i = this.slot(key.lo, key.hi);
    }
    if (this.flags[i] === EMPTY) {
      this.count++;
      this.lo[i] = key.lo;
      this.hi[i] = key.hi;
      this.flags[i] = FILLED;
    } else {
      this.duplicates++;
    }
    this.values[i] = value;
    if (this.tags) this.tags[i] = tag;
  }

  /** The tag of `key`'s label, NaN when it has none; the label is not marked used. */
  tagOf(key: KeyHash): number {
    const i = this.slot(key.lo, key.hi);
    return this.flags[i] === EMPTY ? NaN : this.tags![i]!;
  }

  /** The tag of the label in `slot` (a filled slot, from {@link find}). */
  tagAt(slot: number): number {
    return this.tags![slot]!;
  }

  /**
   * Looks a key up for a prediction and marks the label used. Returns NaN when there is no label.
   * `onReuse` is called when the label had already joined another prediction (in this thread or another).
   */
  take(key: KeyHash, onReuse?: () => void): number {
    const i = this.find(key);
    return i < 0 ? NaN : this.takeAt(i, onReuse);
  }

  /** The slot holding `key`'s label, or -1 when it has none (then {@link takeAt} it). */
  find(key: KeyHash): number {
    const i = this.slot(key.lo, key.hi);
    return this.flags[i] === EMPTY ? -1 : i;
  }

  /** take() of the label in `slot` (a slot {@link find} gave). */
  takeAt(slot: number, onReuse?: () => void): number {
    // Atomic: of several threads taking one label, exactly one sees it unused.
    if (Atomics.or(this.flags, slot, USED) & USED) {
      Atomics.or(this.flags, slot, REUSED);
      onReuse?.();
    }
    return this.values[slot]!;
  }

  /**
   * Whether `other` holds every key of this table in the same slot and no other key (two tables filled with the
   * same keys in the same order do): then a slot {@link find} gives here is the key's slot there too, and
   * {@link valueAt} reads its value without a probe. One pass over both tables.
   */
  sameSlots(other: LabelStore): boolean {
    if (other.capacity !== this.capacity || other.count !== this.count) return false;
    // Two views of one shared table (a thread's copy of it).
    if (other.flags.buffer === this.flags.buffer) return true;
    const { lo, hi, flags } = this;
    for (let i = 0; i < flags.length; i++) {
      if ((flags[i] === EMPTY) !== (other.flags[i] === EMPTY) || lo[i] !== other.lo[i] || hi[i] !== other.hi[i]) return false;
    }
    return true;
  }

  /** The value in `slot` (a filled slot: from {@link find}, or from a table with {@link sameSlots}), not marked used. */
  valueAt(slot: number): number {
    return this.values[slot]!;
  }

  /**
   * The value of `key` without marking it used, NaN when it has none. `slot` is where `key` is expected: a table
   * filled with the same keys in the same order as another (the label partitions beside the labels) holds each key
   * in the same slot, so a lookup in one gives the other's slot without hashing again; any other slot is checked and
   * the key then probed for as usual.
   */
  peek(key: KeyHash, slot = -1): number {
    if (slot >= 0 && slot < this.flags.length && this.flags[slot] !== EMPTY && this.lo[slot] === key.lo && this.hi[slot] === key.hi) return this.values[slot]!;
    const i = this.slot(key.lo, key.hi);
    return this.flags[i] === EMPTY ? NaN : this.values[i]!;
  }

  /** Labels that no prediction has joined. */
  unused(): number {
    let n = 0;
    const flags = this.flags;
    for (let i = 0; i < flags.length; i++) if (flags[i] === FILLED) n++;
    return n;
  }

  /** One bit per slot (bit i%8 of byte i>>3): the labels a prediction has joined (what another host's store merges). */
  usedBits(): Uint8Array {
    const flags = this.flags;
    const bits = new Uint8Array(Math.ceil(flags.length / 8));
    for (let i = 0; i < flags.length; i++) if (flags[i]! & USED) bits[i >> 3]! |= 1 << (i & 7);
    return bits;
  }

  /**
   * Marks the labels another host's predictions joined (its usedBits(), over a store filled with the same labels in
   * the same order, so the slots agree). Returns how many of them had already joined here: each is one more
   * prediction whose label had joined another one, as a single pass would have counted it.
   */
  markUsed(bits: Uint8Array): number {
    const flags = this.flags;
    if (bits.length !== Math.ceil(flags.length / 8)) throw new RangeError(`used-label bits for ${bits.length * 8} slots, this store has ${flags.length}`);
    let reused = 0;
    for (let i = 0; i < flags.length; i++) {
      if (!(bits[i >> 3]! & (1 << (i & 7)))) continue;
      if (flags[i]! & USED) {
        reused++;
        flags[i]! |= REUSED;
      } else flags[i]! |= USED;
    }
    return reused;
  }

  /**
   * Grows the table now so that `expected` labels fit without doubling again (each doubling rehashes every label
   * already in). At most MAX_RESERVED labels are reserved: past it the table grows as labels come.
   */
  reserve(expected: number): void {
    const labels = Math.min(expected, MAX_RESERVED);
    let capacity = this.capacity;
    while (labels * LOAD_DENOMINATOR > capacity * LOAD_NUMERATOR) capacity *= 2;
    // One rehash to the final size: doubling step by step rehashed the labels already in once per step, in code the
    // JIT had not compiled yet (0.11 s of a 1 GB ground-truth read, per table).
    if (capacity > this.capacity) this.grow(capacity);
  }

  /** Turns the 16-bit value column into 64-bit floats (a value that is not a small label code arrived). */
  private widen(): void {
    const wide = column(Float64Array, this.values.length);
    wide.set(this.values);
    this.values = wide;
  }

  /**
   * Grows the table to `capacity` slots (a power of two, twice the current by default), in place when the columns can
   * grow, else by copying into new columns. In place works for any power-of-two factor: an entry's new home keeps its
   * old home's low bits, so it is either its old home (and the entry moves left, within the processed part) or in the
   * new upper part of the table, past every slot still to be processed.
   */
  private grow(capacity = this.capacity * 2): void {
    const length = capacity + PAD;
    const lo = grownColumn(Uint32Array, this.lo, length);
    const hi = lo && grownColumn(Uint32Array, this.hi, length);
    const values = hi && (this.values instanceof Float64Array ? grownColumn(Float64Array, this.values, length) : grownColumn(Uint16Array, this.values, length));
    const flags = values && grownColumn(Uint8Array, this.flags, length);
    const tags = flags && (this.tags ? grownColumn(Int32Array, this.tags, length) : null);
    if (!lo || !hi || !values || !flags || tags === undefined) {
      this.rebuild(capacity, this.entries());
      return;
    }
    const old = this.capacity;
    // The old overflow area lies inside the new table: lift its entries out first, so that only moved entries are there.
    const lifted: Entry[] = [];
    for (let i = old; i < old + PAD; i++) {
      if (flags[i] === EMPTY) continue;
      lifted.push([lo[i]!, hi[i]!, values[i]!, flags[i]!, tags ? tags[i]! : 0]);
      flags[i] = EMPTY;
    }
    this.capacity = capacity;
    this.lo = lo;
    this.hi = hi;
    this.values = values;
    this.flags = flags;
    this.tags = tags ?? undefined;
    for (let i = 0; i < old; i++) {
      const f = flags[i]!;
      if (f === EMPTY) continue;
      const entry: Entry = [lo[i]!, hi[i]!, values[i]!, f, tags ? tags[i]! : 0];
      flags[i] = EMPTY;
      if (!this.place(entry)) {
        // A probe reached the end of the overflow area (very unlikely at this load): copy into a larger table.
        this.rebuild(capacity * 2, [...this.entries(), entry, ...lifted]);
        return;
      }
    }
    for (let k = 0; k < lifted.length; k++) {
      if (!this.place(lifted[k]!)) {
        this.rebuild(capacity * 2, [...this.entries(), ...lifted.slice(k)]);
        return;
      }
    }
  }

  /** Puts an entry in its slot; false when its probe reaches the last slot. */
  private place([l, h, v, f, t]: Entry): boolean {
    const j = this.slot(l, h);
    if (j === this.capacity + PAD - 1) return false;
    this.lo[j] = l;
    this.hi[j] = h;
    this.values[j] = v;
    this.flags[j] = f;
    if (this.tags) this.tags[j] = t;
    return true;
  }

  /** Every entry of the table. */
  private entries(): Entry[] {
    const out: Entry[] = [];
    const flags = this.flags;
    for (let j = 0; j < flags.length; j++) if (flags[j] !== EMPTY) out.push([this.lo[j]!, this.hi[j]!, this.values[j]!, flags[j]!, this.tags ? this.tags[j]! : 0]);
    return out;
  }

  /** Copies `entries` into new columns of at least `capacity` slots (more when a probe still overflows). */
  private rebuild(capacity: number, entries: Entry[]): void {
    const wide = this.values instanceof Float64Array;
    for (;;) {
      this.capacity = capacity;
      const length = capacity + PAD;
      this.lo = column(Uint32Array, length);
      this.hi = column(Uint32Array, length);
      this.values = wide ? column(Float64Array, length) : column(Uint16Array, length);
      this.flags = column(Uint8Array, length);
      if (this.tags) this.tags = column(Int32Array, length);
      if (entries.every((entry) => this.place(entry))) return;
      capacity *= 2;
    }
  }
}
