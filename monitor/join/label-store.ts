/**
 * @module The in-memory side of the join: ground-truth labels keyed by the 64-bit hash of (inferenceId,
 * payload_index), in an open-addressing table (load factor at most 0.8). Capture streams past it. Each slot also
 * remembers whether a prediction has used it, so labels without a prediction and duplicate predictions can be counted.
 *
 * Memory: one slot is three 32-bit words side by side, the two hash halves and a word holding the flags (bits 16-23)
 * and the value (bits 0-15), so that a probe reads one cache line, not one per column (with the capture streaming
 * through the caches, each column of the earlier layout cost a miss of its own per lookup). A tagged table has a
 * fourth word, the tag. Values are label codes (0, 1, 2 ...) for classification, kept in the 16 bits until a value
 * that is not one arrives (a regression value), when they move to a column of 64-bit floats beside the table: 12
 * bytes per slot for classification (15 to 30 bytes per label), 20 for regression, 4 more with tags. The table grows
 * in place: its buffers are growable SharedArrayBuffers and doubling rehashes within them, so a growth never holds
 * the old and the new table at once (which took the peak to 47 bytes per label).
 *
 * Probing is linear and never wraps: keys past the end of the table go to an overflow area of PAD slots, whose last
 * slot stays empty (it ends every probe). Doubling can then rehash in place, processing slots in order: an element
 * moves either left within the processed part or into the new upper half, so it never crosses an element still to
 * be moved.
 *
 * The buffers are shared, so worker threads look labels up in the same table without a copy (share() /
 * fromShared()). The used flags are set with Atomics, so two threads taking the same label still count one reuse,
 * exactly as one thread would.
 */
import type { KeyHash } from './key-hash.ts';

const EMPTY = 0;
const FILLED = 1;
const USED = 2; // a prediction has joined this label
const REUSED = 4; // more than one prediction joined it
/** Where the flags sit in a slot's last word (the 16-bit value below them). */
const FLAG_SHIFT = 16;
/** Values below this that are whole numbers >= 0 fit the 16 bits of the slot. */
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
/** The most labels reserve() sizes the table for (a table of 2^25 slots, ~400 MB untagged). */
const MAX_RESERVED = 2 ** 24;
/** Slots the growable buffers reserve address space for (2 GB for a tagged table; beyond it growth copies). */
const MAX_GROWABLE_SLOTS = 2 ** 27 + PAD;

/** A store's table as worker threads receive it (structured-cloneable; the buffers are shared, not copied). */
export interface SharedLabelStore {
  capacity: number;
  count: number;
  duplicates: number;
  /** The slots: lo, hi, (tag,) flags and value, in 32-bit words. */
  words: SharedArrayBuffer;
  /** The 64-bit values of a table that holds values other than label codes. */
  wide?: SharedArrayBuffer;
  tagged: boolean;
}

/** lo, hi, value, flags, tag of one entry (lo and hi as the table's signed words). */
type Entry = [number, number, number, number, number];

type Column = Int32Array | Float64Array;
type ColumnType<T extends Column> = { new (buffer: SharedArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number };

/** ES2024's growable SharedArrayBuffer (Node >= 20), which the ES2023 library types do not describe. */
interface GrowableBuffer extends SharedArrayBuffer {
  readonly growable: boolean;
  readonly maxByteLength: number;
  grow(byteLength: number): void;
}
const GrowableSharedArrayBuffer = SharedArrayBuffer as unknown as new (byteLength: number, options?: { maxByteLength: number }) => GrowableBuffer;

/** A column of `length` elements (`perSlot` of them per slot) in a growable SharedArrayBuffer (a plain one past the reservation). */
function column<T extends Column>(Type: ColumnType<T>, length: number, perSlot: number): T {
  const bytes = Type.BYTES_PER_ELEMENT;
  const max = MAX_GROWABLE_SLOTS * perSlot;
  const buffer = length <= max ? new GrowableSharedArrayBuffer(length * bytes, { maxByteLength: max * bytes }) : new SharedArrayBuffer(length * bytes);
  return new Type(buffer, 0, length);
}

/** The column grown in place to `length` elements (a fixed-length view again: length-tracking views are slow), or undefined. */
function grownColumn<T extends Column>(Type: ColumnType<T>, old: T, length: number): T | undefined {
  const buffer = old.buffer as GrowableBuffer;
  if (!buffer.growable || length * Type.BYTES_PER_ELEMENT > buffer.maxByteLength) return undefined;
  buffer.grow(length * Type.BYTES_PER_ELEMENT);
  return new Type(buffer, 0, length);
}

export class LabelStore {
  private capacity: number;
  /** Words per slot: 3, or 4 in a tagged table. */
  private readonly stride: number;
  /** Offset of the flags-and-value word in a slot (the tag, when tagged, is the word before it). */
  private readonly meta: number;
  /** The slots, `stride` words each. */
  private words: Int32Array;
  /** The values once one is not a 16-bit label code (then the 16 bits of each slot are unused). */
  private wide: Float64Array | undefined;
  private count = 0;
  /** Labels that replaced an earlier label for the same key. */
  duplicates = 0;

  /**
   * `tagged`: each label also keeps a 32-bit tag (set(key, value, tag), tagOf, tagAt), in the same slot: the prediction
   * store's label arrival keeps each label's partition hour there, without a second table (4 bytes a slot, against
   * 12 or more for a table of its own, and one insert and one probe per label instead of two).
   */
  constructor(initialCapacity = 1024, tagged = false) {
    this.capacity = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.stride = tagged ? 4 : 3;
    this.meta = this.stride - 1;
    this.words = column(Int32Array, (this.capacity + PAD) * this.stride, this.stride);
  }

  /** A store over the shared table of another thread's store (see share()). */
  static fromShared(shared: SharedLabelStore): LabelStore {
    const store = new LabelStore(16, shared.tagged);
    const length = shared.capacity + PAD;
    store.capacity = shared.capacity;
    store.count = shared.count;
    store.duplicates = shared.duplicates;
    store.words = new Int32Array(shared.words, 0, length * store.stride);
    store.wide = shared.wide === undefined ? undefined : new Float64Array(shared.wide, 0, length);
    return store;
  }

  /** The table for worker threads. No label may be set while they use it. */
  share(): SharedLabelStore {
    return {
      capacity: this.capacity,
      count: this.count,
      duplicates: this.duplicates,
      words: this.words.buffer as SharedArrayBuffer,
      ...(this.wide ? { wide: this.wide.buffer as SharedArrayBuffer } : {}),
      tagged: this.stride === 4,
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
    return this.slots * (this.stride * 4 + (this.wide ? 8 : 0));
  }

  /**
   * The slot where the probe for `key` starts. Keys looked up in increasing order of it touch the table from start
   * to end instead of at random (each random touch of a large table is a cache and TLB miss).
   */
  homeSlot(key: KeyHash): number {
    return this.home(key.lo | 0, key.hi | 0);
  }

  private home(lo: number, hi: number): number {
    return (lo ^ Math.imul(hi, 0x9e3779b1)) & (this.capacity - 1);
  }

  /**
   * The slot holding the key whose hash halves are `lo` and `hi` (as signed 32-bit words), or the empty slot where it
   * would go (the last slot when the overflow area is full).
   */
  private slot(lo: number, hi: number): number {
    const { words, stride, meta } = this;
    let i = this.home(lo, hi);
    let w = i * stride;
    while (words[w + meta] !== EMPTY && (words[w] !== lo || words[w + 1] !== hi)) {
      i++;
      w += stride;
    }
    return i;
  }

  private flagsAt(slot: number): number {
    return this.words[slot * this.stride + this.meta]! >>> FLAG_SHIFT;
  }

  /** Stores a label value (and, in a tagged table, its tag); a later one for the same key wins and counts as a duplicate. */
  set(key: KeyHash, value: number, tag = 0): void {
    if ((this.count + 1) * LOAD_DENOMINATOR > this.capacity * LOAD_NUMERATOR) this.grow();
    if (this.wide === undefined && !(Number.isInteger(value) && value >= 0 && value < CODE_LIMIT)) this.widen();
    const lo = key.lo | 0;
    const hi = key.hi | 0;
    let i = this.slot(lo, hi);
    while (i === this.capacity + PAD - 1) {
      // The overflow area is full (a long run of colliding keys): a larger table spreads them.
      this.grow();
      i = this.slot(lo, hi);
    }
    let flags = this.flagsAt(i);
    if (flags === EMPTY) {
      this.count++;
      flags = FILLED;
    } else {
      this.duplicates++;
    }
    this.put(i, lo, hi, value, flags, tag);
  }

  /** Writes an entry into slot `i`. */
  private put(i: number, lo: number, hi: number, value: number, flags: number, tag: number): void {
    const w = i * this.stride;
    this.words[w] = lo;
    this.words[w + 1] = hi;
    if (this.wide !== undefined) {
      this.wide[i] = value;
      this.words[w + this.meta] = flags << FLAG_SHIFT;
    } else {
      this.words[w + this.meta] = (flags << FLAG_SHIFT) | value;
    }
    if (this.stride === 4) this.words[w + 2] = tag;
  }

  /** The tag of `key`'s label, NaN when it has none; the label is not marked used. */
  tagOf(key: KeyHash): number {
    const i = this.slot(key.lo | 0, key.hi | 0);
    return this.flagsAt(i) === EMPTY ? NaN : this.tagAt(i);
  }

  /** The tag of the label in `slot` (a filled slot, from {@link find}). */
  tagAt(slot: number): number {
    if (this.stride !== 4) throw new Error('label store: tags of a table without tags');
    return this.words[slot * 4 + 2]!;
  }

  /**
   * Looks a key up for a prediction and marks the label used. Returns NaN when there is no label.
   * `onReuse` is called when the label had already joined another prediction (in this thread or another).
   */
  take(key: KeyHash, onReuse?: () => void): number {
    const i = this.find(key);
    return i < 0 ? NaN : this.takeAt(i, onReuse);
  }

  /**
   * Reads the first slot of `key`'s probe and returns a word of it (a number to fold into something the caller keeps,
   * so the read is not dropped): touched for a batch of keys before they are taken, the table's cache misses overlap
   * instead of coming one after the other.
   */
  touch(lo: number, hi: number): number {
    return this.words[this.home(lo | 0, hi | 0) * this.stride]!;
  }

  /** The slot holding `key`'s label, or -1 when it has none (then {@link takeAt} it). */
  find(key: KeyHash): number {
    const i = this.slot(key.lo | 0, key.hi | 0);
    return this.words[i * this.stride + this.meta] === EMPTY ? -1 : i;
  }

  /** take() of the label in `slot` (a slot {@link find} gave). */
  takeAt(slot: number, onReuse?: () => void): number {
    const w = slot * this.stride + this.meta;
    // Atomic: of several threads taking one label, exactly one sees it unused.
    if ((Atomics.or(this.words, w, USED << FLAG_SHIFT) >>> FLAG_SHIFT) & USED) {
      Atomics.or(this.words, w, REUSED << FLAG_SHIFT);
      onReuse?.();
    }
    return this.valueAt(slot);
  }

  /**
   * Whether `other` holds every key of this table in the same slot and no other key (two tables filled with the
   * same keys in the same order do): then a slot {@link find} gives here is the key's slot there too, and
   * {@link valueAt} reads its value without a probe. One pass over both tables.
   */
  sameSlots(other: LabelStore): boolean {
    if (other.capacity !== this.capacity || other.count !== this.count) return false;
    // Two views of one shared table (a thread's copy of it).
    if (other.words.buffer === this.words.buffer) return true;
    const [a, b] = [this.words, other.words];
    const [sa, sb, ma, mb] = [this.stride, other.stride, this.meta, other.meta];
    for (let i = 0, x = 0, y = 0; i < this.slots; i++, x += sa, y += sb) {
      if ((a[x + ma] === EMPTY) !== (b[y + mb] === EMPTY) || a[x] !== b[y] || a[x + 1] !== b[y + 1]) return false;
    }
    return true;
  }

  /** The value in `slot` (a filled slot: from {@link find}, or from a table with {@link sameSlots}), not marked used. */
  valueAt(slot: number): number {
    return this.wide !== undefined ? this.wide[slot]! : this.words[slot * this.stride + this.meta]! & CODE_LIMIT;
  }

  /**
   * The value of `key` without marking it used, NaN when it has none. `slot` is where `key` is expected: a table
   * filled with the same keys in the same order as another (the label partitions beside the labels) holds each key
   * in the same slot, so a lookup in one gives the other's slot without hashing again; any other slot is checked and
   * the key then probed for as usual.
   */
  peek(key: KeyHash, slot = -1): number {
    const lo = key.lo | 0;
    const hi = key.hi | 0;
    const w = slot * this.stride;
    if (slot >= 0 && slot < this.slots && this.words[w + this.meta] !== EMPTY && this.words[w] === lo && this.words[w + 1] === hi) return this.valueAt(slot);
    const i = this.slot(lo, hi);
    return this.flagsAt(i) === EMPTY ? NaN : this.valueAt(i);
  }

  /** Labels that no prediction has joined. */
  unused(): number {
    let n = 0;
    const { words, stride, meta } = this;
    for (let w = meta; w < words.length; w += stride) if (words[w]! >>> FLAG_SHIFT === FILLED) n++;
    return n;
  }

  /** One bit per slot (bit i%8 of byte i>>3): the labels a prediction has joined (what another host's store merges). */
  usedBits(): Uint8Array {
    const slots = this.slots;
    const bits = new Uint8Array(Math.ceil(slots / 8));
    for (let i = 0; i < slots; i++) if (this.flagsAt(i) & USED) bits[i >> 3]! |= 1 << (i & 7);
    return bits;
  }

  /**
   * Marks the labels another host's predictions joined (its usedBits(), over a store filled with the same labels in
   * the same order, so the slots agree). Returns how many of them had already joined here: each is one more
   * prediction whose label had joined another one, as a single pass would have counted it.
   */
  markUsed(bits: Uint8Array): number {
    const slots = this.slots;
    if (bits.length !== Math.ceil(slots / 8)) throw new RangeError(`used-label bits for ${bits.length * 8} slots, this store has ${slots}`);
    let reused = 0;
    const { words, stride, meta } = this;
    for (let i = 0; i < slots; i++) {
      if (!(bits[i >> 3]! & (1 << (i & 7)))) continue;
      const w = i * stride + meta;
      if ((words[w]! >>> FLAG_SHIFT) & USED) {
        reused++;
        words[w]! |= REUSED << FLAG_SHIFT;
      } else words[w]! |= USED << FLAG_SHIFT;
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

  /** Moves the values out of the slots' 16 bits into 64-bit floats (a value that is not a small label code arrived). */
  private widen(): void {
    const slots = this.slots;
    const wide = column(Float64Array, slots, 1);
    const { words, stride, meta } = this;
    for (let i = 0, w = meta; i < slots; i++, w += stride) {
      wide[i] = words[w]! & CODE_LIMIT;
      words[w]! &= ~CODE_LIMIT;
    }
    this.wide = wide;
  }

  /** The entry in slot `i` (a filled slot). */
  private entryAt(i: number): Entry {
    const w = i * this.stride;
    const words = this.words;
    return [words[w]!, words[w + 1]!, this.valueAt(i), this.flagsAt(i), this.stride === 4 ? words[w + 2]! : 0];
  }

  /**
   * Grows the table to `capacity` slots (a power of two, twice the current by default), in place when the buffers can
   * grow, else by copying into new ones. In place works for any power-of-two factor: an entry's new home keeps its
   * old home's low bits, so it is either its old home (and the entry moves left, within the processed part) or in the
   * new upper part of the table, past every slot still to be processed.
   */
  private grow(capacity = this.capacity * 2): void {
    const length = capacity + PAD;
    const words = grownColumn(Int32Array, this.words, length * this.stride);
    const wide = words && (this.wide ? grownColumn(Float64Array, this.wide, length) : null);
    if (!words || wide === undefined) {
      this.rebuild(capacity, this.entries());
      return;
    }
    const old = this.capacity;
    this.words = words;
    this.wide = wide ?? undefined;
    // The old overflow area lies inside the new table: lift its entries out first, so that only moved entries are there.
    const lifted: Entry[] = [];
    for (let i = old; i < old + PAD; i++) {
      if (this.flagsAt(i) === EMPTY) continue;
      lifted.push(this.entryAt(i));
      this.clear(i);
    }
    this.capacity = capacity;
    for (let i = 0; i < old; i++) {
      if (this.flagsAt(i) === EMPTY) continue;
      const entry = this.entryAt(i);
      this.clear(i);
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

  /** Empties slot `i`. */
  private clear(i: number): void {
    this.words.fill(0, i * this.stride, (i + 1) * this.stride);
  }

  /** Puts an entry in its slot; false when its probe reaches the last slot. */
  private place([l, h, v, f, t]: Entry): boolean {
    const j = this.slot(l, h);
    if (j === this.capacity + PAD - 1) return false;
    this.put(j, l, h, v, f, t);
    return true;
  }

  /** Every entry of the table. */
  private entries(): Entry[] {
    const out: Entry[] = [];
    for (let j = 0; j < this.slots; j++) if (this.flagsAt(j) !== EMPTY) out.push(this.entryAt(j));
    return out;
  }

  /** Copies `entries` into new buffers of at least `capacity` slots (more when a probe still overflows). */
  private rebuild(capacity: number, entries: Entry[]): void {
    const wide = this.wide !== undefined;
    for (;;) {
      this.capacity = capacity;
      const length = capacity + PAD;
      this.words = column(Int32Array, length * this.stride, this.stride);
      this.wide = wide ? column(Float64Array, length, 1) : undefined;
      if (entries.every((entry) => this.place(entry))) return;
      capacity *= 2;
    }
  }
}
