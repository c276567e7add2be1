/**
 * @module The one shape every mergeable accumulator saves itself as, so that worker threads, several hosts and
 * roll-ups over stored hours all combine results the same way: a small JSON part (options, label lists) plus named
 * typed arrays for the bulk numbers, each tagged with a kind and a layout version. The run-state file packs these
 * (monitor/state/state-file.ts); nothing here touches bytes on disk.
 */
import { InputError } from '../errors.ts';

/** A typed array kept in a state. */
export type StateArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array | Int8Array | BigInt64Array;

/** JSON data. Objects in a state's meta are plain data: keys that come from input (labels, feature names) go in arrays. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** What an accumulator saves. */
export interface AccumulatorState {
  /** What wrote it, e.g. "mq.binary", "dq.profile", "kll", "exact-sum". */
  kind: string;
  /** Version of this kind's layout; a reader refuses a version it does not know. */
  version: number;
  /** Small data: options, label lists, counts. */
  meta: JsonValue;
  /** Bulk numbers by name. */
  arrays: Record<string, StateArray>;
  /** Nested accumulators by name. */
  parts?: Record<string, AccumulatorState>;
}

/**
 * An accumulator that merges and saves. `merge` folds in another accumulator made with the same options, and merging
 * the accumulators of the parts of a window, in any split, gives the accumulator of the whole (exactly, except where
 * a kind documents a bounded error, as sketches do).
 */
export interface MergeableAccumulator<Self> {
  merge(other: Self): void;
  save(): AccumulatorState;
}

/** Throws unless `state` is of `kind` at `version` (a state file from another mpm, or corrupt). */
export function expectState(state: AccumulatorState, kind: string, version: number): void {
  if (state.kind !== kind || state.version !== version) {
    throw new InputError(`state: expected a ${kind} state of version ${version}, found ${JSON.stringify(state.kind)} version ${JSON.stringify(state.version)}`);
  }
}

/** The array `name` of `state`, of the expected constructor; throws when it is missing or of another type. */
export function stateArray<T extends StateArray>(state: AccumulatorState, name: string, type: { new (length: number): T; name: string }): T {
  const array = state.arrays[name];
  if (!(array instanceof type)) {
    throw new InputError(`state: ${state.kind} state lacks the ${type.name} array ${JSON.stringify(name)}`);
  }
  return array as T;
}

/** Whether x is a count: a non-negative safe whole number. */
export function isCount(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

/** Whether every entry is a count. */
export function isCountArray(array: ArrayLike<number>): boolean {
  for (let i = 0; i < array.length; i++) if (!isCount(array[i])) return false;
  return true;
}

/**
 * The Float64Array `name` of `state` whose entries are counts: each a non-negative safe whole number. A negative,
 * fractional, huge or NaN count (a tampered or broken file: the checksum is no signature) would merge into results
 * that look valid (an accuracy of 2.95), so it is refused here.
 */
export function stateCountArray(state: AccumulatorState, name: string): Float64Array {
  const array = stateArray(state, name, Float64Array);
  for (let i = 0; i < array.length; i++) {
    const x = array[i]!;
    if (!isCount(x)) throw new InputError(`state: ${state.kind} state has ${x} at ${name}[${i}]; expected a count (a whole number >= 0)`);
  }
  return array;
}

/** A non-negative whole count read from a state's meta; throws when it is anything else. */
export function stateCount(value: unknown, what = 'record count'): number {
  if (isCount(value)) return value;
  throw new InputError(`state: ${JSON.stringify(value)} is not a valid ${what}`);
}

/**
 * Runs `load`, giving an InputError that does not name `file` (an accumulator's own check: "state: expected a
 * mq.join state of version 1, ...") the file, as every other state error does.
 */
export function namingFile<T>(file: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof InputError) || error.message.includes(file)) throw error;
    throw new InputError(`state: ${file}: ${error.message.replace(/^state: /, '')}`, { cause: error });
  }
}
