/**
 * @module Copies a table that parquet-wasm decoded out of WebAssembly memory through the Arrow C data interface,
 * instead of having it written as an IPC stream and parsed again (the IPC round trip was a third of reading a stored
 * hour). Covers the types a stored part holds (strings, dictionaries of strings, 32/64-bit integers, timestamps,
 * float64, lists); for any other type it returns undefined and the caller takes the IPC path.
 */
import {
  type Data,
  DataType,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimeUnit,
  Timestamp,
  Utf8,
} from 'apache-arrow';

/** What is read of parquet-wasm's FFIStream (Table.intoFFI()). */
export interface FfiStream {
  numArrays(): number;
  schemaAddr(): number;
  arrayAddr(chunk: number): number;
}

/**
 * Buffers that tables copied out of WebAssembly memory reuse: a table made with a scratch is valid until the next
 * table made with the same scratch (a row group is read to the end before the next is decoded), so the copies of an
 * hour's row groups fault in fresh pages once, not once per row group.
 */
export class FfiScratch {
  private readonly buffers: ArrayBuffer[] = [];
  private next = 0;

  /** Starts a table: its copies take the buffers from the first again. */
  reset(): void {
    this.next = 0;
  }

  /** A buffer of at least `n` bytes (the next one in order, grown when too small). */
  take(n: number): ArrayBuffer {
    const i = this.next++;
    const old = this.buffers[i];
    if (old !== undefined && old.byteLength >= n) return old;
    const fresh = new ArrayBuffer(Math.max(n, 2 * (old?.byteLength ?? 0), 64));
    this.buffers[i] = fresh;
    return fresh;
  }
}

/** Reads the C structs of one WebAssembly memory (wasm32: 4-byte pointers, little-endian). */
class Memory {
  private readonly view: DataView;
  private readonly bytes: Uint8Array;

  constructor(
    buffer: ArrayBuffer,
    private readonly scratch: FfiScratch | undefined,
  ) {
    this.view = new DataView(buffer);
    this.bytes = new Uint8Array(buffer);
  }

  ptr(at: number): number {
    return this.view.getUint32(at, true);
  }

  i64(at: number): number {
    const n = this.view.getBigInt64(at, true);
    if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < 0n) throw new Unsupported();
    return Number(n);
  }

  i32(at: number): number {
    return this.view.getInt32(at, true);
  }

  cString(at: number): string {
    let end = at;
    while (this.bytes[end] !== 0) end++;
    return Buffer.from(this.bytes.subarray(at, end)).toString('utf8');
  }

  /** A copy of `n` bytes at `at` (the memory is freed, or grows, once the caller is done), in a scratch buffer if any. */
  copy(at: number, n: number): Uint8Array {
    if (this.scratch === undefined) return this.bytes.slice(at, at + n);
    const out = new Uint8Array(this.scratch.take(n), 0, n);
    out.set(this.bytes.subarray(at, at + n));
    return out;
  }

  /** A copy of `count` values of `width` bytes at `at`, as a typed array. */
  values<T>(Type: new (buffer: ArrayBuffer, offset: number, length: number) => T, at: number, count: number, width: number): T {
    const bytes = this.copy(at, count * width);
    return new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
  }
}

/** A type or layout this module does not read (the caller falls back to the IPC path). */
class Unsupported extends Error {}

// struct ArrowSchema { format, name, metadata (char*); int64 flags, n_children; children**, dictionary*, release, private }
const S_FORMAT = 0;
const S_NAME = 4;
const S_METADATA = 8;
const S_FLAGS = 16;
const S_N_CHILDREN = 24;
const S_CHILDREN = 32;
const S_DICTIONARY = 36;
// struct ArrowArray { int64 length, null_count, offset, n_buffers, n_children; buffers**, children**, dictionary*, ... }
const A_LENGTH = 0;
const A_NULL_COUNT = 8;
const A_OFFSET = 16;
const A_N_BUFFERS = 24;
const A_N_CHILDREN = 32;
const A_BUFFERS = 40;
const A_CHILDREN = 44;
const A_DICTIONARY = 48;
/** ArrowSchema.flags bit: the field is nullable. */
const NULLABLE = 2;

/** The key-value metadata of an ArrowSchema (int32 count, then int32-length-prefixed keys and values). */
function readMetadata(m: Memory, at: number): Map<string, string> {
  const out = new Map<string, string>();
  if (at === 0) return out;
  const decode = (p: number, n: number): string => Buffer.from(m.copy(p, n)).toString('utf8');
  let p = at;
  const count = m.i32(p);
  p += 4;
  for (let i = 0; i < count; i++) {
    const kn = m.i32(p);
    const key = decode(p + 4, kn);
    p += 4 + kn;
    const vn = m.i32(p);
    out.set(key, decode(p + 4, vn));
    p += 4 + vn;
  }
  return out;
}

/** The Arrow field an ArrowSchema describes. */
function readField(m: Memory, at: number): Field {
  const format = m.cString(m.ptr(at + S_FORMAT));
  const name = m.cString(m.ptr(at + S_NAME));
  const nullable = (m.i32(at + S_FLAGS) & NULLABLE) !== 0;
  const dictionary = m.ptr(at + S_DICTIONARY);
  const children: Field[] = [];
  const nChildren = m.i64(at + S_N_CHILDREN);
  for (let i = 0; i < nChildren; i++) children.push(readField(m, m.ptr(m.ptr(at + S_CHILDREN) + 4 * i)));
  let type: DataType;
  if (dictionary !== 0) {
    const values = readField(m, dictionary).type;
    if (format !== 'i' || !DataType.isUtf8(values)) throw new Unsupported();
    type = new Dictionary(values, new Int32());
  } else type = typeOf(format, children);
  return new Field(name, type, nullable, readMetadata(m, m.ptr(at + S_METADATA)));
}

function typeOf(format: string, children: Field[]): DataType {
  switch (format) {
    case 'u':
      return new Utf8();
    case 'i':
      return new Int32();
    case 'l':
      return new Int64();
    case 'g':
      return new Float64();
    case '+l':
      if (children.length !== 1) throw new Unsupported();
      return new List(children[0]!);
    case '+s':
      return new Struct(children);
    default: {
      const ts = /^ts([smun]):(.*)$/.exec(format);
      if (ts === null) throw new Unsupported();
      const unit = { s: TimeUnit.SECOND, m: TimeUnit.MILLISECOND, u: TimeUnit.MICROSECOND, n: TimeUnit.NANOSECOND }[ts[1] as 's' | 'm' | 'u' | 'n'];
      return new Timestamp(unit, ts[2] === '' ? null : ts[2]);
    }
  }
}

/** The Arrow data of an ArrowArray of type `type`, copied out of the memory. */
function readData(m: Memory, at: number, type: DataType): Data {
  const length = m.i64(at + A_LENGTH);
  const nullCount = m.i64(at + A_NULL_COUNT);
  // Slices (offset > 0) are not produced by parquet-wasm's reader; the IPC path handles them if they ever are.
  if (m.i64(at + A_OFFSET) !== 0) throw new Unsupported();
  const nBuffers = m.i64(at + A_N_BUFFERS);
  const buffer = (i: number): number => (i < nBuffers ? m.ptr(m.ptr(at + A_BUFFERS) + 4 * i) : 0);
  const child = (i: number): number => {
    if (i >= m.i64(at + A_N_CHILDREN)) throw new Unsupported();
    return m.ptr(m.ptr(at + A_CHILDREN) + 4 * i);
  };
  const validity = nullCount > 0 && buffer(0) !== 0 ? m.copy(buffer(0), (length + 7) >> 3) : new Uint8Array(0);
  const common = { length, nullCount: validity.length === 0 ? 0 : nullCount, nullBitmap: validity };
  if (nullCount > 0 && validity.length === 0) throw new Unsupported();
  const fixed = <T>(Type: new (b: ArrayBuffer, offset: number, length: number) => T, width: number): T => m.values(Type, buffer(1), length, width);
  if (DataType.isDictionary(type)) {
    const dictionary = m.ptr(at + A_DICTIONARY);
    if (dictionary === 0) throw new Unsupported();
    return makeData({ ...common, type, data: fixed(Int32Array, 4), dictionary: makeVector(readData(m, dictionary, type.dictionary)) });
  }
  if (DataType.isUtf8(type)) {
    const offsets = m.values(Int32Array, buffer(1), length + 1, 4);
    return makeData({ ...common, type, valueOffsets: offsets, data: m.copy(buffer(2), offsets[length]!) });
  }
  if (DataType.isList(type)) {
    const offsets = m.values(Int32Array, buffer(1), length + 1, 4);
    return makeData({ ...common, type, valueOffsets: offsets, child: readData(m, child(0), type.children[0]!.type) });
  }
  if (DataType.isStruct(type)) return makeData({ ...common, type, children: type.children.map((f, i) => readData(m, child(i), f.type)) });
  if (type instanceof Int32) return makeData({ ...common, type, data: fixed(Int32Array, 4) });
  if (type instanceof Float64) return makeData({ ...common, type, data: fixed(Float64Array, 8) });
  if (type instanceof Int64 || DataType.isTimestamp(type)) return makeData({ ...common, type: type as Int64, data: fixed(BigInt64Array, 8) });
  throw new Unsupported();
}

/**
 * The table of parquet-wasm's `stream` (a Table.intoFFI() of one decoded row group) in `memory` (its wasmMemory()
 * buffer), copied into JavaScript (into `scratch`'s buffers when given: the table is then valid until the scratch's
 * next table); undefined when it holds a type or layout this module does not read.
 */
export function tableFromFfi(memory: ArrayBuffer, stream: FfiStream, scratch?: FfiScratch): Table | undefined {
  scratch?.reset();
  const m = new Memory(memory, scratch);
  try {
    const at = stream.schemaAddr();
    const root = readField(m, at);
    if (!DataType.isStruct(root.type)) return undefined;
    const schema = new Schema(root.type.children, readMetadata(m, m.ptr(at + S_METADATA)));
    const batches: RecordBatch[] = [];
    for (let i = 0; i < stream.numArrays(); i++) batches.push(new RecordBatch(schema, readData(m, stream.arrayAddr(i), root.type) as Data<Struct>));
    return new Table(schema, batches);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
