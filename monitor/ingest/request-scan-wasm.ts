/**
 * @module The request scan in WebAssembly (wasm/request-scan.c, SIMD): the same results as request-scan.ts at
 * several times its speed. The bytes are copied into the module's memory (one memcpy per line); what the C side
 * leaves to JavaScript (an object member that is an object, more than 4,096 members) goes to request-scan.ts.
 * The same module reads data quality's flat records (wasmFlatRecords, used by data-quality/flat-request.ts).
 */
import {
  arrayCounts,
  countRequestLines,
  decodeKey,
  K_ARRAY,
  K_NULL,
  K_OBJECT,
  objectCounts,
  scanJsonRequest,
  skipJsonString as skipJsonStringJs,
  type LinesScan,
  type Member,
  type RequestScan,
} from './request-scan.ts';
import { REQUEST_SCAN_WASM } from './wasm/request-scan-wasm.ts';
import { growMemoryTo, instantiateWasm, type WasmMemory } from '../runtime/wasm-instance.ts';

interface Exports {
  memory: WasmMemory;
  result_ptr(): number;
  members_ptr(): number;
  input_ptr(): number;
  skip_string(start: number, n: number): number;
  scan_json(start: number, n: number, stack: number): number;
  count_lines(start: number, n: number): number;
  flat_result_ptr(): number;
  flat_records(start: number, n: number, tape: number, nums: number, records: number, maxMembers: number, maxRecords: number, keepLayout: number): number;
}

const ST_OK = 0;
const ST_INVALID_REQUEST = 1;
const ST_INVALID_LINE = 2;
// The result block: [status (read through ST_*), end, top kind, ...].
const R_END = 1;
const R_TOP_KIND = 2;
const R_COUNT = 3;
const R_ALL_SCALAR = 4;
const R_MEMBERS = 5;
const MEMBER_WORDS = 5;

let instance: Exports | undefined;
/** The bytes last copied to the module's input, and where they lie in them (see skipPlacedString). */
let placedFrom: Uint8Array | undefined;
let placedStart = 0;
let placedEnd = 0;
let placementCount = 0;
let heap = new Uint8Array(0);
let words = new Uint32Array(0);
let inputAt = 0;
let resultAt = 0;
let membersAt = 0;

function load(): Exports {
  const exports = instantiateWasm<Exports>(REQUEST_SCAN_WASM);
  inputAt = exports.input_ptr();
  resultAt = exports.result_ptr() >>> 2;
  membersAt = exports.members_ptr() >>> 2;
  return exports;
}

/** Grows the module's memory to at least `bytes`, and renews the views of it when it moved. */
function reserve(wasm: Exports, bytes: number): void {
  growMemoryTo(wasm.memory, bytes);
  if (heap.buffer !== wasm.memory.buffer) {
    heap = new Uint8Array(wasm.memory.buffer);
    words = new Uint32Array(wasm.memory.buffer);
  }
}

/**
 * Zero bytes written after every copy of the input: the scans' hot loops stop at the first zero byte instead of
 * comparing their index with the input's length (PADDING in request-scan.c). What the scans keep behind the input
 * (the container stack, the flat tape) starts after them.
 */
const PADDING = 64;

/** Copies bytes[start, end) to the module's input, and the padding, with room for the container stack behind them. */
function place(bytes: Uint8Array, start: number, end: number): Exports {
  const wasm = (instance ??= load());
  const n = end - start;
  reserve(wasm, inputAt + 2 * n + PADDING + 16);
  heap.set(bytes.subarray(start, end), inputAt);
  heap.fill(0, inputAt + n, inputAt + n + PADDING);
  placedFrom = bytes;
  placedStart = start;
  placedEnd = end;
  placementCount++;
  return wasm;
}

/** How many times bytes were copied to the module: a caller that saw it change across its own scan knows the copy is of its bytes as they are now. */
export function placements(): number {
  return placementCount;
}

/**
 * The closing quote of a string whose content starts at `start` of `bytes`, found with the SIMD skip in the copy the
 * last scan made, without copying again. Only for a caller that knows the last copy was made from these bytes as
 * they are now ({@link placements} changed across its own scan of them). -1 when the module does not hold bytes[start, end) of these bytes (the
 * caller skips the string itself then) or when the string is not valid up to its closing quote (escapes, control
 * characters; the caller's own skip decides then). For a valid string it is the quote any skip finds.
 */
export function skipPlacedString(bytes: Uint8Array, start: number, end: number): number {
  if (bytes !== placedFrom || start < placedStart || end !== placedEnd || instance === undefined) return -1;
  const close = instance.skip_string(start - placedStart, end - placedStart);
  return close < 0 ? -1 : placedStart + close;
}

/**
 * skipJsonString (request-scan.ts), in WebAssembly. The JSON scan goes first: it finds the same closing quote (or
 * none) for any content, JSON or not, since a request it cannot read ends in the plain skip; on the usual requests,
 * records that repeat their keys, it is faster than the plain skip, which stops at every escaped quote.
 */
export function wasmSkipJsonString(bytes: Uint8Array, start: number, end: number): number {
  const wasm = place(bytes, start, end);
  const n = end - start;
  const status = wasm.scan_json(0, n, inputAt + n + PADDING);
  if (status === ST_OK || status === ST_INVALID_REQUEST) return start + words[resultAt + R_END]!;
  if (status === ST_INVALID_LINE) return -1;
  const close = wasm.skip_string(0, n);
  return close < 0 ? -1 : start + close;
}

/** scanJsonRequest (request-scan.ts), in WebAssembly where it can decide alone. */
export function wasmScanJsonRequest(bytes: Uint8Array, start: number, end: number): RequestScan {
  const wasm = place(bytes, start, end);
  const status = wasm.scan_json(0, end - start, inputAt + (end - start) + PADDING);
  if (status === ST_INVALID_LINE) return { status: 'invalid_line', end: -1, counts: [] };
  if (status === ST_INVALID_REQUEST) return { status: 'invalid_request', end: start + words[resultAt + R_END]!, counts: [] };
  if (status !== ST_OK) return scanJsonRequest(bytes, start, end);
  const close = start + words[resultAt + R_END]!;
  const top = words[resultAt + R_TOP_KIND]!;
  if (top === K_ARRAY) return { status: 'ok', end: close, counts: arrayCounts(words[resultAt + R_COUNT]!, words[resultAt + R_ALL_SCALAR] === 1) };
  if (top !== K_OBJECT) return { status: 'ok', end: close, counts: [1] };
  // A top-level object whose members are scalars or arrays: the count depends on their keys (last one wins).
  const map = new Map<string, Member>();
  const count = words[resultAt + R_MEMBERS]!;
  for (let k = 0; k < count; k++) {
    const w = membersAt + k * MEMBER_WORDS;
    const key = decodeKey(bytes, start + words[w]!, start + words[w + 1]!);
    if (key === undefined) return scanJsonRequest(bytes, start, end);
    const kind = words[w + 2]!;
    const size = words[w + 3]!;
    map.set(key, { kind, size, counts: kind === K_ARRAY ? arrayCounts(size, words[w + 4] === 1) : kind === K_NULL ? [1] : undefined });
  }
  return { status: 'ok', end: close, counts: objectCounts(map) };
}

/** countRequestLines (request-scan.ts), in WebAssembly. */
export function wasmCountRequestLines(bytes: Uint8Array, start: number, end: number): LinesScan {
  const wasm = place(bytes, start, end);
  const status = wasm.count_lines(0, end - start);
  if (status !== ST_OK) return { status: 'invalid_line', end: -1, count: 0 };
  return { status: 'ok', end: start + words[resultAt + R_END]!, count: words[resultAt + R_COUNT]! };
}

/** What flat_records read: views of the module's memory, valid until the next call into the module. */
export interface FlatTape {
  /** Records, members (in all), and the index of the request's closing quote in the bytes. */
  records: number;
  members: number;
  end: number;
  /** Member m: tape[5m .. 5m + 4] = key start, key end, kind (V_*), value start, value end, counted from `start`. */
  tape: Uint32Array;
  /** nums[m]: member m's number when its kind is V_NUMBER. */
  nums: Float64Array;
  /** Record r: records[2r] its member count, records[2r + 1] 1 when its keys are the record's before it. */
  recordWords: Uint32Array;
}

/** Value kinds of a flat tape (request-scan.c). */
export const V_NUMBER = 0;
export const V_NUMBER_TEXT = 1;
export const V_STRING = 2;
export const V_TRUE = 3;
export const V_FALSE = 4;
export const V_NULL = 5;

/** Who last read flat records (the module's layout is the keys of its last record). */
let layoutReader: object | undefined;

/** Requests longer than this are never read flat (the tape takes about ten times the request's bytes). */
const FLAT_MAX_BYTES = 1 << 20;

/**
 * Reads the request whose content is bytes[start, ...) up to the line's end as an array of flat objects (see
 * flat_records in request-scan.c); undefined when it is not one, or longer than FLAT_MAX_BYTES. `keepLayout`: the
 * caller still holds the names of the last record read (so a record with the same keys is marked as such); it is
 * ignored when another `reader` (any object that stands for the caller) read flat records since this one did.
 */
export function wasmFlatRecords(bytes: Uint8Array, start: number, end: number, keepLayout: boolean, reader: object = wasmFlatRecords): FlatTape | undefined {
  const n = end - start;
  if (n > FLAT_MAX_BYTES) return undefined;
  // The module keeps one layout: a reader's is kept only when no other reader (a response's, a request's) came between.
  if (reader !== layoutReader) keepLayout = false;
  layoutReader = reader;
  const wasm = place(bytes, start, end);
  const maxMembers = Math.floor(n / 6) + 1;
  const maxRecords = Math.floor(n / 3) + 1;
  const numsAt = (inputAt + n + PADDING + 7) & ~7;
  const tapeAt = numsAt + 8 * maxMembers;
  const recordsAt = tapeAt + 20 * maxMembers;
  reserve(wasm, recordsAt + 8 * maxRecords);
  if (wasm.flat_records(0, n, tapeAt, numsAt, recordsAt, maxMembers, maxRecords, keepLayout ? 1 : 0) !== ST_OK) return undefined;
  const result = wasm.flat_result_ptr() >>> 2;
  const records = words[result]!;
  const members = words[result + 1]!;
  return {
    records,
    members,
    end: start + words[result + 2]!,
    tape: new Uint32Array(wasm.memory.buffer, tapeAt, 5 * members),
    nums: new Float64Array(wasm.memory.buffer, numsAt, members),
    recordWords: new Uint32Array(wasm.memory.buffer, recordsAt, 2 * records),
  };
}

/** Whether the WebAssembly scan is used (request-scan.ts otherwise); tests and the micro-benchmark compare both. */
export let requestScanEngine: 'wasm' | 'js' = 'wasm';

export function setRequestScanEngine(engine: 'wasm' | 'js'): void {
  requestScanEngine = engine;
}

/**
 * Lines longer than this are scanned in JavaScript: the module's memory (twice the line) never shrinks, so it stays
 * bounded by this, whatever the maximum line size.
 */
export const WASM_MAX_BYTES = 16 << 20;

const useWasm = (start: number, end: number): boolean => requestScanEngine === 'wasm' && end - start <= WASM_MAX_BYTES;

/** The scans of the engine in use. */
export const requestScans = {
  skip: (bytes: Uint8Array, start: number, end: number): number => (useWasm(start, end) ? wasmSkipJsonString(bytes, start, end) : skipJsonStringJs(bytes, start, end)),
  json: (bytes: Uint8Array, start: number, end: number): RequestScan => (useWasm(start, end) ? wasmScanJsonRequest(bytes, start, end) : scanJsonRequest(bytes, start, end)),
  lines: (bytes: Uint8Array, start: number, end: number): LinesScan => (useWasm(start, end) ? wasmCountRequestLines(bytes, start, end) : countRequestLines(bytes, start, end)),
};

/** The value of member m of a flat tape read from `bytes` at `start`, as JSON.parse gives it. */
export function flatValue(bytes: Buffer, start: number, tape: Uint32Array, nums: Float64Array, m: number): unknown {
  const t = 5 * m;
  switch (tape[t + 2]) {
    case V_NUMBER:
      return nums[m];
    case V_STRING:
      return bytes.toString('utf8', start + tape[t + 3]!, start + tape[t + 4]!);
    case V_NUMBER_TEXT:
      return Number(bytes.toString('latin1', start + tape[t + 3]!, start + tape[t + 4]!));
    case V_TRUE:
      return true;
    case V_FALSE:
      return false;
    case V_NULL:
      return null;
    default:
      throw new Error(`flat records: unknown value kind ${tape[t + 2]} on the tape`);
  }
}
