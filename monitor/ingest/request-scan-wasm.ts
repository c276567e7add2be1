/**
 * @module The request scan in WebAssembly (wasm/request-scan.c, SIMD): the same results as request-scan.ts at
 * several times its speed. The bytes are copied into the module's memory (one memcpy per line); what the C side
 * leaves to JavaScript (an object member that is an object, more than 4,096 members) goes to request-scan.ts.
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

/** The parts of the WebAssembly API used here (the project's lib settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  result_ptr(): number;
  members_ptr(): number;
  input_ptr(): number;
  skip_string(start: number, n: number): number;
  scan_json(start: number, n: number, stack: number): number;
  count_lines(start: number, n: number): number;
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
const PAGE = 65536;

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
  const module = new Wasm.Module(Buffer.from(REQUEST_SCAN_WASM, 'base64'));
  const exports = new Wasm.Instance(module, {}).exports as Exports;
  inputAt = exports.input_ptr();
  resultAt = exports.result_ptr() >>> 2;
  membersAt = exports.members_ptr() >>> 2;
  return exports;
}

/** Copies bytes[start, end) to the module's input, with room for the container stack behind it. */
function place(bytes: Uint8Array, start: number, end: number): Exports {
  const wasm = (instance ??= load());
  const n = end - start;
  const need = inputAt + 2 * n + 16;
  if (wasm.memory.buffer.byteLength < need) wasm.memory.grow(Math.ceil((need - wasm.memory.buffer.byteLength) / PAGE));
  if (heap.buffer !== wasm.memory.buffer) {
    heap = new Uint8Array(wasm.memory.buffer);
    words = new Uint32Array(wasm.memory.buffer);
  }
  heap.set(bytes.subarray(start, end), inputAt);
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

/** skipJsonString (request-scan.ts), in WebAssembly. */
export function wasmSkipJsonString(bytes: Uint8Array, start: number, end: number): number {
  const wasm = place(bytes, start, end);
  const close = wasm.skip_string(0, end - start);
  return close < 0 ? -1 : start + close;
}

/** scanJsonRequest (request-scan.ts), in WebAssembly where it can decide alone. */
export function wasmScanJsonRequest(bytes: Uint8Array, start: number, end: number): RequestScan {
  const wasm = place(bytes, start, end);
  const status = wasm.scan_json(0, end - start, inputAt + (end - start));
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
