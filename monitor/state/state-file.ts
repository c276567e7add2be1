/**
 * @module The run-state file: a binary container for a tree of AccumulatorStates, so that hosts of one job and
 * roll-ups over stored hours merge the same accumulators a single run keeps in memory. A fixed preamble (magic,
 * version, lengths), a JSON header (the run's identity and a descriptor per state and per array), the typed arrays
 * little-endian at 8-byte-aligned offsets, and a SHA-256 of everything before it. unpack() checks every length,
 * the checksum and the nesting before it trusts anything, in time and memory linear in the file's size.
 * The layout and how it grows: docs/state.md.
 */
import { createHash } from 'node:crypto';
import { InputError, OutputError } from '../errors.ts';
import type { AccumulatorState, JsonValue, StateArray } from './accumulator-state.ts';
import { canonicalHeaderInput, headerProblem, type StateHeader, type StateHeaderInput } from './state-header.ts';
import { encodeJson, jsonNestingDepth, propertyPath, StateJsonError, valueDepth } from './state-json.ts';

/** The first 8 bytes: 0x89 "MPM" CR LF 0x1A LF (PNG's trick: a text-mode transfer or a 7-bit channel breaks it). */
export const STATE_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x89, 0x4d, 0x50, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a);
/** The header's "format". */
export const STATE_FORMAT = 'mpm-state';
/** The container version this code writes and reads. */
export const STATE_CONTAINER_VERSION = 1;
/** Largest header accepted (a label dictionary of a million 15-character labels fits). */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;
/** Deepest nesting of parts (a state inside a state inside …). */
export const MAX_STATE_DEPTH = 32;
/** Deepest nesting of arrays and objects inside one state's meta. */
export const MAX_META_DEPTH = 64;

const PREAMBLE_BYTES = 32;
const CHECKSUM_BYTES = 32;
const ALIGN = 8;
/** JSON nesting of the header itself: 3 levels to the first state, 2 per level of parts, then a meta. */
const HEADER_JSON_DEPTH = 3 + 2 * MAX_STATE_DEPTH + 1 + MAX_META_DEPTH;

type ArrayConstructor = { new (length: number): StateArray; readonly BYTES_PER_ELEMENT: number; readonly name: string };

/** Type tags in the header, with their element types (all little-endian in the file). */
const ARRAY_TYPES: ReadonlyArray<readonly [string, ArrayConstructor]> = [
  ['f64', Float64Array],
  ['f32', Float32Array],
  ['i64', BigInt64Array],
  ['i32', Int32Array],
  ['u32', Uint32Array],
  ['u16', Uint16Array],
  ['u8', Uint8Array],
  ['i8', Int8Array],
];
const TYPE_BY_TAG = new Map(ARRAY_TYPES);

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** What unpack() returns. */
export interface UnpackedState {
  header: StateHeader;
  states: Record<string, AccumulatorState>;
}

interface ArrayEntry {
  name: string;
  type: string;
  offset: number;
  length: number;
}

interface StateEntry {
  name: string;
  kind: string;
  version: number;
  meta: JsonValue;
  arrays: ArrayEntry[];
  parts?: StateEntry[];
}

const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

function tagOf(array: unknown): readonly [string, ArrayConstructor] | undefined {
  return ARRAY_TYPES.find(([, type]) => array instanceof type);
}

/** Reverses the bytes of every element in place (big-endian hosts only; the file is always little-endian). */
export function swapElementBytes(bytes: Uint8Array, elementSize: number): void {
  if (elementSize === 1) return;
  for (let i = 0; i + elementSize <= bytes.length; i += elementSize) bytes.subarray(i, i + elementSize).reverse();
}

type Fail = (why: string) => never;

/** The descriptors of a tree of states, with the arrays in layout order and the data section's length. */
function describeTree(states: Record<string, AccumulatorState>, fail: Fail): { entries: StateEntry[]; arrays: StateArray[]; dataLength: number } {
  const arrays: StateArray[] = [];
  let cursor = 0;
  const describeArrays = (state: AccumulatorState, at: string): ArrayEntry[] => {
    if (typeof state.arrays !== 'object' || state.arrays === null) fail(`${at}.arrays must be an object of typed arrays`);
    return Object.keys(state.arrays).map((key) => {
      const array = state.arrays[key];
      const tag = tagOf(array);
      if (tag === undefined) fail(`${at}.arrays${propertyPath(key)} is a ${describeType(array)}; the format stores ${ARRAY_TYPES.map(([, t]) => t.name).join(', ')}`);
      const entry = { name: key, type: tag![0], offset: cursor, length: array!.length };
      arrays.push(array!);
      cursor = align(cursor + array!.byteLength);
      return entry;
    });
  };
  const describeState = (name: string, state: AccumulatorState, at: string, depth: number): StateEntry => {
    if (depth > MAX_STATE_DEPTH) fail(`${at} is nested deeper than ${MAX_STATE_DEPTH} levels of parts`);
    if (typeof state !== 'object' || state === null) fail(`${at} is not an accumulator state`);
    if (typeof state.kind !== 'string') fail(`${at}.kind must be a string`);
    if (!Number.isSafeInteger(state.version) || state.version < 0) fail(`${at}.version must be a whole number >= 0; found ${String(state.version)}`);
    try {
      encodeJson(state.meta, MAX_META_DEPTH, `${at}.meta`);
    } catch (error) {
      if (error instanceof StateJsonError) fail(error.message);
      throw error;
    }
    const entry: StateEntry = { name, kind: state.kind, version: state.version, meta: state.meta, arrays: describeArrays(state, at) };
    if (state.parts !== undefined) {
      if (typeof state.parts !== 'object' || state.parts === null) fail(`${at}.parts must be an object of states`);
      entry.parts = Object.keys(state.parts).map((key) => describeState(key, state.parts![key]!, `${at}.parts${propertyPath(key)}`, depth + 1));
    }
    return entry;
  };
  const entries = Object.keys(states).map((key) => describeState(key, states[key]!, `states${propertyPath(key)}`, 1));
  return { entries, arrays, dataLength: cursor };
}

/** The header's UTF-8 bytes, refused past MAX_HEADER_BYTES (the encoder stops there, so a huge one costs no more). */
function encodeHeader(document: object, fail: Fail): Buffer {
  let text = '';
  try {
    // A UTF-8 byte per character at least: past MAX_HEADER_BYTES characters the header is too long anyway.
    text = encodeJson(document, HEADER_JSON_DEPTH, 'header', MAX_HEADER_BYTES);
  } catch (error) {
    if (!(error instanceof StateJsonError)) throw error;
  }
  if (text === '') fail(`the header is longer than ${MAX_HEADER_BYTES} characters, above the ${MAX_HEADER_BYTES}-byte limit (a label dictionary or meta too large)`);
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_HEADER_BYTES) fail(`the header is ${bytes.length} bytes, above the ${MAX_HEADER_BYTES}-byte limit (a label dictionary or meta too large)`);
  return bytes;
}

/** Preamble, header, padding, the arrays at their offsets, and the SHA-256 of all that. */
function assemble(headerBytes: Uint8Array, arrays: StateArray[], dataLength: number): Uint8Array {
  const dataStart = align(PREAMBLE_BYTES + headerBytes.length);
  const file = new Uint8Array(dataStart + dataLength + CHECKSUM_BYTES);
  file.set(STATE_MAGIC, 0);
  const view = new DataView(file.buffer);
  view.setUint32(8, STATE_CONTAINER_VERSION, true);
  view.setUint32(12, 0, true); // flags: none in version 1
  view.setUint32(16, headerBytes.length, true);
  view.setUint32(20, 0, true); // reserved
  view.setBigUint64(24, BigInt(dataLength), true);
  file.set(headerBytes, PREAMBLE_BYTES);
  file.fill(0x20, PREAMBLE_BYTES + headerBytes.length, dataStart); // spaces: the header stays valid JSON text
  let at = dataStart;
  for (const array of arrays) {
    const target = file.subarray(at, at + array.byteLength);
    target.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    if (!LITTLE_ENDIAN_HOST) swapElementBytes(target, array.BYTES_PER_ELEMENT);
    at = align(at + array.byteLength);
  }
  file.set(createHash('sha256').update(file.subarray(0, dataStart + dataLength)).digest(), dataStart + dataLength);
  return file;
}

/**
 * The bytes of a state file holding `states` (named top-level accumulators) under `header`. The same input always
 * gives the same bytes.
 *
 * @throws OutputError when a state cannot be stored: meta that is not JSON data (NaN, a cycle, a class instance),
 *   nesting past MAX_STATE_DEPTH or MAX_META_DEPTH, an array type the format does not know, a header past its cap.
 */
export function pack(states: Record<string, AccumulatorState>, header: StateHeaderInput): Uint8Array {
  const fail: Fail = (why) => {
    throw new OutputError(`state: cannot pack the run state: ${why}`);
  };
  const run = canonicalHeaderInput(header);
  const problem = headerProblem(run as unknown as Record<string, unknown>);
  if (problem !== undefined) fail(problem);
  const { entries, arrays, dataLength } = describeTree(states, fail);
  const document = { format: STATE_FORMAT, container_version: STATE_CONTAINER_VERSION, byte_order: 'little-endian', ...run, states: entries };
  return assemble(encodeHeader(document, fail), arrays, dataLength);
}

function describeType(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

/** The preamble's fields, after checking the magic, version, flags, the lengths against the file and the checksum. */
function readPreamble(bytes: Uint8Array, fail: Fail): { version: number; headerLength: number; dataStart: number; dataLength: number } {
  if (bytes.length < PREAMBLE_BYTES + CHECKSUM_BYTES) fail(`truncated: ${bytes.length} bytes, a state file has at least ${PREAMBLE_BYTES + CHECKSUM_BYTES}`);
  if (!STATE_MAGIC.every((b, i) => bytes[i] === b)) fail(`not an mpm state file: it starts with ${hex(bytes.subarray(0, 8))}, expected ${hex(STATE_MAGIC)}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== STATE_CONTAINER_VERSION) fail(`container version ${version} is not supported; this mpm reads version ${STATE_CONTAINER_VERSION}`);
  const flags = view.getUint32(12, true);
  if (flags !== 0) fail(`flags 0x${flags.toString(16)} are not defined in container version ${version}`);
  const headerLength = view.getUint32(16, true);
  if (headerLength > MAX_HEADER_BYTES) fail(`its header is ${headerLength} bytes, above the limit of ${MAX_HEADER_BYTES}`);
  if (view.getUint32(20, true) !== 0) fail('the reserved preamble field is not zero');
  const declaredData = view.getBigUint64(24, true);
  if (declaredData > BigInt(Number.MAX_SAFE_INTEGER)) fail(`its data length ${declaredData} is not a plausible size`);
  const dataLength = Number(declaredData);
  if (dataLength % ALIGN !== 0) fail(`its data length ${dataLength} is not a multiple of ${ALIGN}`);
  const dataStart = align(PREAMBLE_BYTES + headerLength);
  const expected = dataStart + dataLength + CHECKSUM_BYTES;
  if (bytes.length < expected) fail(`truncated: its lengths say ${expected} bytes, the file has ${bytes.length}`);
  if (bytes.length > expected) fail(`the file has ${bytes.length} bytes but its lengths add up to ${expected} (data after the end)`);
  const digest = createHash('sha256').update(bytes.subarray(0, dataStart + dataLength)).digest();
  if (!digest.equals(bytes.subarray(dataStart + dataLength))) fail('checksum mismatch: the file is corrupt or was changed after it was written');
  return { version, headerLength, dataStart, dataLength };
}

/** The header as a checked object: UTF-8, bounded nesting, JSON, the container fields, the run fields, a states list. */
function readHeader(bytes: Uint8Array, headerLength: number, dataStart: number, version: number, fail: Fail): Record<string, unknown> & { states: unknown[] } {
  for (let i = PREAMBLE_BYTES + headerLength; i < dataStart; i++) if (bytes[i] !== 0x20) fail('the header padding is not spaces');
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength));
  } catch {
    fail('its header is not valid UTF-8');
  }
  if (jsonNestingDepth(text, HEADER_JSON_DEPTH) > HEADER_JSON_DEPTH) fail(`its header nests deeper than ${HEADER_JSON_DEPTH} levels`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    fail(`its header is not valid JSON (${(error as Error).message})`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) fail('its header is not a JSON object');
  const head = document as Record<string, unknown>;
  if (head.format !== STATE_FORMAT) fail(`its header format is ${JSON.stringify(head.format)}, expected "${STATE_FORMAT}"`);
  if (head.container_version !== version) fail(`its header says container version ${JSON.stringify(head.container_version)}, its preamble ${version}`);
  if (head.byte_order !== 'little-endian') fail(`its header byte order is ${JSON.stringify(head.byte_order)}, expected "little-endian"`);
  const problem = headerProblem(head);
  if (problem !== undefined) fail(problem);
  if (!Array.isArray(head.states)) fail('its header has no "states" list');
  return head as Record<string, unknown> & { states: unknown[] };
}

/** Rebuilds the tree of states from the descriptors, copying each array from the data section where the layout says. */
class StateReader {
  #cursor = 0;
  constructor(
    private readonly data: Uint8Array,
    private readonly fail: Fail,
  ) {}

  /** The states of a descriptor list (top level or parts), by name. */
  collect(list: unknown[], at: string, depth: number): Record<string, AccumulatorState> {
    const out = {} as Record<string, AccumulatorState>;
    for (const [i, entry] of list.entries()) {
      const [name, state] = this.#state(entry, `${at}[${i}]`, depth);
      if (Object.hasOwn(out, name)) this.fail(`${at} has two states named ${JSON.stringify(name)}`);
      define(out, name, state);
    }
    return out;
  }

  /** Every byte of the data section must belong to an array (no gap at the end). */
  finish(): void {
    if (this.#cursor !== this.data.length) this.fail(`lengths do not add up: the arrays end at ${this.#cursor}, the data section is ${this.data.length} bytes`);
  }

  #state(entry: unknown, at: string, depth: number): [string, AccumulatorState] {
    const fail = this.fail;
    if (depth > MAX_STATE_DEPTH) fail(`${at} is nested deeper than ${MAX_STATE_DEPTH} levels of parts`);
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail(`${at} is not a state descriptor`);
    const e = entry as Record<string, unknown>;
    if (typeof e.name !== 'string') fail(`${at}.name must be a string`);
    const where = `${at}(${JSON.stringify(e.name)})`;
    if (typeof e.kind !== 'string') fail(`${where}.kind must be a string`);
    if (!Number.isSafeInteger(e.version) || (e.version as number) < 0) fail(`${where}.version must be a whole number >= 0`);
    if (!Object.hasOwn(e, 'meta')) fail(`${where} has no meta`);
    if (valueDepth(e.meta, MAX_META_DEPTH) > MAX_META_DEPTH) fail(`${where}.meta nests deeper than ${MAX_META_DEPTH} levels`);
    if (!Array.isArray(e.arrays)) fail(`${where}.arrays must be a list`);
    const state: AccumulatorState = { kind: e.kind as string, version: e.version as number, meta: e.meta as JsonValue, arrays: this.#arrays(e.arrays as unknown[], where) };
    if (Object.hasOwn(e, 'parts')) {
      if (!Array.isArray(e.parts)) fail(`${where}.parts must be a list`);
      state.parts = this.collect(e.parts as unknown[], `${where}.parts`, depth + 1);
    }
    return [e.name as string, state];
  }

  #arrays(list: unknown[], where: string): Record<string, StateArray> {
    const fail = this.fail;
    const arrays = {} as Record<string, StateArray>;
    for (const [i, raw] of list.entries()) {
      const a = raw as Partial<ArrayEntry> | null;
      if (a === null || typeof a !== 'object' || typeof a.name !== 'string') return fail(`${where}.arrays[${i}] has no name`);
      const name = JSON.stringify(a.name);
      const type = TYPE_BY_TAG.get(a.type as string);
      if (type === undefined) fail(`${where}.arrays[${i}] (${name}) has type ${JSON.stringify(a.type)}; known types are ${[...TYPE_BY_TAG.keys()].join(', ')}`);
      if (!Number.isSafeInteger(a.offset) || !Number.isSafeInteger(a.length) || a.length! < 0) fail(`${where}.arrays[${i}] (${name}) needs whole-number offset and length`);
      if (a.offset !== this.#cursor) fail(`lengths do not add up: array ${name} of ${where} starts at ${a.offset}, the previous one ends at ${this.#cursor}`);
      const byteLength = a.length! * type!.BYTES_PER_ELEMENT;
      if (this.#cursor + byteLength > this.data.length) fail(`lengths do not add up: array ${name} of ${where} ends at ${this.#cursor + byteLength}, past the ${this.data.length}-byte data section`);
      if (Object.hasOwn(arrays, a.name)) fail(`${where} has two arrays named ${name}`);
      const array = new type!(a.length!);
      const target = new Uint8Array(array.buffer);
      target.set(this.data.subarray(this.#cursor, this.#cursor + byteLength));
      if (!LITTLE_ENDIAN_HOST) swapElementBytes(target, type!.BYTES_PER_ELEMENT);
      define(arrays, a.name, array);
      this.#cursor = align(this.#cursor + byteLength);
    }
    return arrays;
  }
}

/**
 * Reads a state file. Every check runs before the data is trusted, and each failure is an InputError that names
 * `file`: too short, wrong magic, unknown container version or flags, a header past MAX_HEADER_BYTES, lengths that
 * do not add up to the file's size, a checksum mismatch, a header that is not UTF-8 JSON or nests too deep, header
 * fields of the wrong type, arrays that overlap, leave gaps or run past the data. Time and memory are linear in
 * the file's size; the arrays returned are copies (they do not keep `bytes` alive).
 */
export function unpack(bytes: Uint8Array, file = 'state file'): UnpackedState {
  const fail: Fail = (why) => {
    throw new InputError(`state: ${file}: ${why}`);
  };
  const { version, headerLength, dataStart, dataLength } = readPreamble(bytes, fail);
  const head = readHeader(bytes, headerLength, dataStart, version, fail);
  const reader = new StateReader(bytes.subarray(dataStart, dataStart + dataLength), fail);
  const states = reader.collect(head.states, 'states', 1);
  reader.finish();
  const header: StateHeader = {
    format: STATE_FORMAT,
    container_version: version,
    byte_order: 'little-endian',
    ...canonicalHeaderInput(head as unknown as StateHeaderInput),
  };
  return { header, states };
}

/** Sets an own, enumerable property, even for a key such as "__proto__" (which plain assignment would not create). */
function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
