/**
 * @module Data quality's fast path for the most common request: a JSON array of flat objects (numbers, strings
 * without escapes, true, false, null). The records are read from the capture line's bytes by the WebAssembly scan
 * (flat_records in ingest/wasm/request-scan.c) into a tape, and turned into rows here: no request string, no
 * JSON.parse of it, no objects to flatten. The rows are those the general path (payload-records.ts) gives: a
 * flat object's keys are its column names in their order, its values are JSON.parse's. Where that could differ
 * (a key that is an array index, which JavaScript puts first; a key given twice, where the last one wins) or the
 * request is anything else, the reader says so and the line goes the general way.
 */
import { flatValue, wasmFlatRecords, type FlatTape } from '../ingest/request-scan-wasm.ts';
import type { PayloadRecord } from './payload-records.ts';

/** A key JavaScript orders before the others (an array index): such records go the general way. */
const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;
/** Value arrays kept for reuse: enough for the records of one request (as the general path's flattener keeps). */
const REUSED_ARRAYS = 1024;
/** Lines in a row the reader could not read before it rests, and the lines of a rest (one try in REST_LINES). */
const MISSES_BEFORE_REST = 16;
const REST_LINES = 256;

export class FlatRequestReader {
  /**
   * The names of the last record taken (records()), whose keys the WebAssembly side holds while no other scan came
   * between; undefined after a failure.
   */
  #names: readonly string[] | undefined;
  /** Value arrays, by record position, reused from request to request (rows are added before the next request). */
  readonly #arrays: unknown[][] = [];

  /** The last request read (scan()), until records() turns it into records. */
  #pending: { bytes: Uint8Array; start: number; tape: FlatTape } | undefined;
  /** What became of the current line's request: read and taken, or not readable this way (see settle()). */
  #outcome: 'none' | 'taken' | 'refused' = 'none';
  /** Lines in a row whose request this reader could not read, and lines still to leave to the general path. */
  #misses = 0;
  #rest = 0;

  /**
   * Whether to try the fast path on the next line. A capture of other request shapes (CSV, nested JSON) would pay
   * for each try (the line's request located, the rest of it parsed, then all of it parsed again the general way):
   * after MISSES_BEFORE_REST lines in a row it could not read, the reader tries one line in REST_LINES, so that
   * cost stays below 1% and a change back to flat records is still seen.
   */
  worthTrying(): boolean {
    if (this.#rest === 0) return true;
    this.#rest--;
    return false;
  }

  /** Ends the current line's try (after worthTrying() said yes): counts a miss, or clears the count on a read. */
  settle(): void {
    if (this.#outcome === 'taken') this.#misses = 0;
    else if (this.#outcome === 'refused' && ++this.#misses >= MISSES_BEFORE_REST) this.#rest = REST_LINES - 1;
    this.#outcome = 'none';
  }

  /**
   * Reads the request whose content starts at bytes[start] (the line running to `end`) as an array of flat objects:
   * the index of its closing quote, or -1 when it is not one. The records are taken with records() before anything
   * else uses the WebAssembly module.
   */
  scan(bytes: Uint8Array, start: number, end: number): number {
    // A scan whose records were never taken (its line was skipped, failed, or its request replaced) left the module
    // holding the keys of records this side has no names for: the module's layout is then not to be trusted.
    const tape = wasmFlatRecords(bytes, start, end, this.#names !== undefined && this.#pending === undefined, this);
    if (tape === undefined) {
      this.#pending = undefined;
      this.#fail();
      return -1;
    }
    this.#pending = { bytes, start, tape };
    return tape.end;
  }

  /**
   * The records of the request scan() read last, if it read this line's request at `start`; undefined when not, or
   * when they could differ from the general path's (see the module).
   */
  records(bytes: Buffer, start: number): PayloadRecord[] | undefined {
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending === undefined || pending.bytes !== bytes || pending.start !== start) return this.#fail();
    const { tape, nums, recordWords, records: count } = pending.tape;
    // The views die with the module's memory when it grows (nothing between scan() and here grows it).
    if (recordWords.length !== 2 * count) return this.#fail();
    const out = new Array<PayloadRecord>(count);
    let m = 0;
    for (let r = 0; r < count; r++) {
      const members = recordWords[2 * r]!;
      let names = this.#names;
      if (recordWords[2 * r + 1] !== 1 || names === undefined) {
        names = keyNames(bytes, start, tape, m, members);
        if (names === undefined) return this.#fail();
        this.#names = names;
      }
      let values = r < REUSED_ARRAYS ? this.#arrays[r] : undefined;
      if (values === undefined || values.length !== members) {
        values = new Array<unknown>(members);
        if (r < REUSED_ARRAYS) this.#arrays[r] = values;
      }
      for (let k = 0; k < members; k++, m++) values[k] = flatValue(bytes, start, tape, nums, m);
      out[r] = { names, values };
    }
    this.#outcome = 'taken';
    return out;
  }

  #fail(): undefined {
    this.#names = undefined;
    this.#outcome = 'refused';
    return undefined;
  }
}

/** The keys of the `count` members from member `first` on, or undefined when one is an array index or repeated. */
function keyNames(bytes: Buffer, start: number, tape: Uint32Array, first: number, count: number): string[] | undefined {
  const names = new Array<string>(count);
  const seen = new Set<string>();
  for (let k = 0; k < count; k++) {
    const t = 5 * (first + k);
    const name = bytes.toString('utf8', start + tape[t]!, start + tape[t + 1]!);
    if (INDEX_KEY.test(name) || seen.has(name)) return undefined;
    seen.add(name);
    names[k] = name;
  }
  return names;
}
