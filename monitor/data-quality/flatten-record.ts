/**
 * @module Flattens a JSON record into columns: nested objects with dotted names ({"a": {"b": 1}} gives "a.b"),
 * arrays with their indices ({"v": [1, 2]} gives "v.0" and "v.1"). Empty objects and arrays give no column. Depth is
 * capped (MAX_DEPTH): a value nested deeper stays one column holding its JSON text. Consecutive records with the
 * same columns share one names array, so the profile resolves them once.
 */
import { jsonText } from './json-text.ts';

/** Levels of nesting flattened; deeper values are kept as their JSON text. */
export const MAX_DEPTH = 16;

/** A flattened record. */
export interface FlatRecord {
  names: readonly string[];
  values: unknown[];
}

/** Value arrays a flattener keeps for reuse (see reuse()): enough for the records of one request. */
const REUSED_ARRAYS = 1024;

export class RecordFlattener {
  #last: string[] = [];
  /** Value arrays of earlier records, handed out again after reuse() (see there). */
  #arrays: unknown[][] = [];
  #used = 0;

  /**
   * Says that the records this flattener returned so far are no longer read: their value arrays may be reused by the
   * next records (a request's records are added as rows before the next request is decoded). Without calls to it,
   * every record gets arrays of its own.
   */
  reuse(): void {
    this.#used = 0;
  }

  /** The columns of one record (an object, or an array as a record whose columns are its indices). */
  flatten(record: object, skip?: (key: string) => boolean): FlatRecord {
    if (!Array.isArray(record)) {
      // The most common case: an object of scalars with the keys of the previous record, in the same order. for-in
      // walks V8's enum cache of the object's shape, so no key array is allocated.
      const same = this.#sameKeys(record, skip);
      if (same !== undefined) return { names: this.#last, values: same };
      // An object of scalars: its keys are the names, no concatenation.
      const keys = Object.keys(record);
      const values = new Array<unknown>(keys.length);
      let flat = true;
      let skipped = false;
      for (let i = 0; i < keys.length; i++) {
        const v = (record as Record<string, unknown>)[keys[i]!];
        if (v !== null && typeof v === 'object') {
          flat = false;
          break;
        }
        if (skip?.(keys[i]!)) skipped = true;
        values[i] = v;
      }
      if (flat && !skipped) return { names: this.#share(keys), values };
    }
    const names: string[] = [];
    const values: unknown[] = [];
    walk(record, '', 0, names, values, skip);
    return { names: this.#share(names), values };
  }

  /**
   * The values of an object of scalars whose keys, less those `skip` drops, are #last's, in order; undefined for any
   * other object.
   */
  #sameKeys(record: object, skip?: (key: string) => boolean): unknown[] | undefined {
    const last = this.#last;
    const n = last.length;
    if (n === 0) return undefined;
    const reused = this.#used < REUSED_ARRAYS ? this.#arrays[this.#used] : undefined;
    const values = reused !== undefined && reused.length === n ? reused : new Array<unknown>(n);
    let i = 0;
    for (const key in record) {
      // A skipped key is dropped whatever its value, as walk() drops it at the top level.
      if (skip !== undefined && skip(key)) continue;
      if (i === n || key !== last[i]) return undefined;
      const v = (record as Record<string, unknown>)[key];
      if (v !== null && typeof v === 'object') return undefined;
      values[i++] = v;
    }
    if (i !== n) return undefined;
    if (this.#used < REUSED_ARRAYS) this.#arrays[this.#used++] = values;
    return values;
  }

  #share(names: string[]): readonly string[] {
    const last = this.#last;
    if (last.length === names.length) {
      let same = true;
      for (let i = 0; i < names.length; i++) {
        if (last[i] !== names[i]) {
          same = false;
          break;
        }
      }
      if (same) return last;
    }
    this.#last = names;
    return names;
  }
}

function walk(value: object, prefix: string, depth: number, names: string[], values: unknown[], skip?: (key: string) => boolean): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) visit(value[i], prefix === '' ? String(i) : `${prefix}.${i}`, depth, names, values);
    return;
  }
  for (const key of Object.keys(value)) {
    if (depth === 0 && skip?.(key)) continue;
    visit((value as Record<string, unknown>)[key], prefix === '' ? key : `${prefix}.${key}`, depth, names, values);
  }
}

function visit(v: unknown, name: string, depth: number, names: string[], values: unknown[]): void {
  if (v !== null && typeof v === 'object') {
    if (depth + 1 >= MAX_DEPTH) {
      names.push(name);
      values.push(jsonText(v));
      return;
    }
    walk(v, name, depth + 1, names, values);
    return;
  }
  names.push(name);
  values.push(v);
}
