/**
 * @module Column builders that fill Arrow buffers row by row and hand out one record batch's columns at a time, then
 * start over in the same buffers: the Parquet writers stay at one row group of memory however many rows pass.
 */
import { type Data, Float64, type Int64, type List, makeData, makeVector, type Timestamp, Utf8, type DataType, type Dictionary, type Int32 } from 'apache-arrow';

const encoder = new TextEncoder();

/** A growable validity bitmap (bit set = value present). */
class Validity {
  bits = new Uint8Array(1024);
  nulls = 0;

  set(row: number, valid: boolean): void {
    if (row >> 3 >= this.bits.length) {
      const grown = new Uint8Array(this.bits.length * 2);
      grown.set(this.bits);
      this.bits = grown;
    }
    if (valid) this.bits[row >> 3]! |= 1 << (row & 7);
    else {
      this.bits[row >> 3]! &= ~(1 << (row & 7));
      this.nulls++;
    }
  }

  /** The bitmap of `rows` rows, or an empty one when no value is null (Arrow's convention). */
  take(rows: number): Uint8Array {
    return this.nulls === 0 ? new Uint8Array(0) : this.bits.subarray(0, (rows + 7) >> 3);
  }

  reset(): void {
    if (this.bits.length > 1 << 16) this.bits = new Uint8Array(1024);
    else this.bits.fill(0);
    this.nulls = 0;
  }
}

function grow<T extends Float64Array | Int32Array | Uint8Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  let size = array.length * 2;
  while (size < needed) size *= 2;
  const out = new (array.constructor as new (n: number) => T)(size);
  out.set(array);
  return out;
}

/** Shared shape of the builders. */
export interface ColumnBuilder {
  readonly length: number;
  /** The Arrow data of the rows appended since the last reset (views into the builder's buffers). */
  finish(): Data;
  reset(): void;
}

/** A nullable UTF-8 column. A value equal to the previous one reuses its bytes (ids repeat for every record of a request). */
export class Utf8Column implements ColumnBuilder {
  length = 0;
  private offsets = new Int32Array(1025);
  private bytes = new Uint8Array(1 << 16);
  private readonly validity = new Validity();
  private previous: string | undefined;
  private previousStart = 0;

  append(value: string | null | undefined): void {
    const row = this.length++;
    const start = this.offsets[row]!;
    this.offsets = grow(this.offsets, row + 2);
    if (value === null || value === undefined) {
      this.validity.set(row, false);
      this.offsets[row + 1] = start;
      return;
    }
    this.validity.set(row, true);
    if (value === this.previous) {
      const size = this.offsets[row]! - this.previousStart;
      this.bytes = grow(this.bytes, start + size);
      this.bytes.copyWithin(start, this.previousStart, this.previousStart + size);
      this.previousStart = start;
      this.offsets[row + 1] = start + size;
      return;
    }
    this.bytes = grow(this.bytes, start + value.length * 3);
    const { written } = encoder.encodeInto(value, this.bytes.subarray(start));
    this.previous = value;
    this.previousStart = start;
    this.offsets[row + 1] = start + written;
  }

  finish(): Data<Utf8> {
    return makeData({
      type: new Utf8(),
      length: this.length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.take(this.length),
      valueOffsets: this.offsets.subarray(0, this.length + 1),
      data: this.bytes.subarray(0, this.offsets[this.length]!),
    });
  }

  reset(): void {
    this.length = 0;
    this.validity.reset();
    this.previous = undefined;
    this.previousStart = 0;
    this.offsets[0] = 0;
  }
}

/**
 * A nullable dictionary-encoded UTF-8 column (Arrow Dictionary<Utf8, Int32>): each distinct value is encoded once
 * per batch, rows hold indices. Ids repeat for every record of a request and labels are few, so a reader decodes a
 * small dictionary instead of a string per row, and the Parquet file is dictionary-encoded as well.
 */
export class DictionaryUtf8Column implements ColumnBuilder {
  length = 0;
  private indices = new Int32Array(1024);
  private readonly validity = new Validity();
  private readonly entries = new Utf8Column();
  private readonly lookup = new Map<string, number>();
  private previous: string | undefined;
  private previousIndex = -1;

  constructor(private readonly type: Dictionary<Utf8, Int32>) {}

  append(value: string | null | undefined): void {
    const row = this.length++;
    this.indices = grow(this.indices, row + 1);
    if (value === null || value === undefined) {
      this.validity.set(row, false);
      this.indices[row] = 0;
      return;
    }
    this.validity.set(row, true);
    if (value !== this.previous) {
      let index = this.lookup.get(value);
      if (index === undefined) {
        index = this.entries.length;
        this.entries.append(value);
        this.lookup.set(value, index);
      }
      this.previous = value;
      this.previousIndex = index;
    }
    this.indices[row] = this.previousIndex;
  }

  finish(): Data<Dictionary<Utf8, Int32>> {
    return makeData({
      type: this.type,
      length: this.length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.take(this.length),
      data: this.indices.subarray(0, this.length),
      dictionary: makeVector(this.entries.finish()),
    });
  }

  reset(): void {
    this.length = 0;
    this.validity.reset();
    this.entries.reset();
    this.lookup.clear();
    this.previous = undefined;
    this.previousIndex = -1;
  }
}

/** A nullable float64 column (undefined and null are null). */
export class Float64Column implements ColumnBuilder {
  length = 0;
  private values = new Float64Array(1024);
  private readonly validity = new Validity();

  append(value: number | null | undefined): void {
    const row = this.length++;
    this.values = grow(this.values, row + 1);
    const present = value !== null && value !== undefined;
    this.validity.set(row, present);
    this.values[row] = present ? value : 0;
  }

  finish(): Data<Float64> {
    return makeData({ type: new Float64(), length: this.length, nullCount: this.validity.nulls, nullBitmap: this.validity.take(this.length), data: this.values.subarray(0, this.length) });
  }

  reset(): void {
    this.length = 0;
    this.validity.reset();
  }
}

/**
 * A 64-bit integer column (Int64, or a Timestamp type) of whole numbers that JavaScript holds exactly as doubles.
 * Values are written as two 32-bit halves, so no BigInt is made per row. Null is written for undefined.
 */
export class Int64Column<T extends Int64 | Timestamp = Int64> implements ColumnBuilder {
  length = 0;
  private halves = new Int32Array(2048);
  private readonly validity = new Validity();

  constructor(private readonly type: T) {}

  /** Whether `value` fits the column: a whole number in [-2^63, 2^63). */
  static fits(value: number): boolean {
    return Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63;
  }

  append(value: number | undefined): void {
    const row = this.length++;
    this.halves = grow(this.halves, 2 * row + 2);
    if (value === undefined) {
      this.validity.set(row, false);
      this.halves[2 * row] = 0;
      this.halves[2 * row + 1] = 0;
      return;
    }
    this.validity.set(row, true);
    const hi = Math.floor(value / 4294967296);
    this.halves[2 * row] = value - hi * 4294967296; // little-endian: low half first
    this.halves[2 * row + 1] = hi;
  }

  finish(): Data<T> {
    const words = new BigInt64Array(this.halves.buffer, this.halves.byteOffset, this.length);
    return makeData({ type: this.type as DataType, length: this.length, nullCount: this.validity.nulls, nullBitmap: this.validity.take(this.length), data: words } as never) as unknown as Data<T>;
  }

  reset(): void {
    this.length = 0;
    this.validity.reset();
  }
}

/** A nullable list<float64> column (probability vectors). */
export class Float64ListColumn implements ColumnBuilder {
  length = 0;
  private offsets = new Int32Array(1025);
  private values = new Float64Array(4096);
  private readonly validity = new Validity();

  constructor(private readonly type: List<Float64>) {}

  append(vector: readonly number[] | null | undefined): void {
    const row = this.length++;
    this.offsets = grow(this.offsets, row + 2);
    const start = this.offsets[row]!;
    if (vector === null || vector === undefined) {
      this.validity.set(row, false);
      this.offsets[row + 1] = start;
      return;
    }
    this.validity.set(row, true);
    this.values = grow(this.values, start + vector.length);
    for (let i = 0; i < vector.length; i++) this.values[start + i] = vector[i]!;
    this.offsets[row + 1] = start + vector.length;
  }

  finish(): Data<List<Float64>> {
    const size = this.offsets[this.length]!;
    const child = makeData({ type: new Float64(), length: size, nullCount: 0, data: this.values.subarray(0, size) });
    return makeData({
      type: this.type,
      length: this.length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.take(this.length),
      valueOffsets: this.offsets.subarray(0, this.length + 1),
      child,
    });
  }

  reset(): void {
    this.length = 0;
    this.validity.reset();
    this.offsets[0] = 0;
  }
}
