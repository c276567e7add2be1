/**
 * @module The records of a request (endpointInput) and the prediction items of a response (endpointOutput), fully
 * decoded for data quality: every value of every record, not just a count (monitor/ingest/count-request.ts is the
 * count-only path model quality uses). A record is either named (JSON objects, flattened) or positional (CSV
 * lines, JSON arrays, scalars).
 *
 * Request shapes, the ones the monitor reads (count-request.ts): a JSON array of records (objects, arrays or
 * scalars); {"instances" | "inputs" | "data" | "records" | "rows": ...} wrapping any of these; a columnar object
 * (pandas orient=list {"col": [v0, v1]}, orient=dict {"col": {"0": v0}}); one JSON object (one record); CSV; JSON
 * Lines. Two shapes are ambiguous and settled by the response's item count when the response is captured: a flat
 * array of scalars is n one-value records or one n-value record (without a response: n records inside a wrapper
 * key, as TensorFlow Serving's "instances" means, one record at the top level); a columnar object is n records or
 * one record whose fields are arrays (without a response: n records).
 *
 * Response shapes (explode-response.ts): a JSON array of items; {"predictions" | "outputs" | "results": [...]};
 * a columnar object ({"label": [...], "score": [...]}); one object; a scalar; CSV (one item per line: one value, or
 * a vector of values); JSON Lines. An item's payload_index (or payloadIndex), when every item has one, places it
 * at that record and is not a column.
 */
import type { DecodedPayload } from '../ingest/decode-payload.ts';
import { parsePayloadJson, payloadLines } from '../ingest/decode-payload.ts';
import { RecordProblem } from '../ingest/input-errors.ts';
import { parseCsvRecords, type CsvRecord } from '../ingest/csv-records.ts';
import { RecordFlattener } from './flatten-record.ts';
import { jsonText } from './json-text.ts';

/** A decoded record: named when `names` is set (values[i] is column names[i]), else positional. */
export interface PayloadRecord {
  names?: readonly string[];
  values: readonly unknown[];
}

const REQUEST_WRAPPERS = ['instances', 'inputs', 'data', 'records', 'rows'];
const RESPONSE_LISTS = ['predictions', 'outputs', 'results'];
/** Keys that make an object of equal-length arrays a columnar response without a request to count against. */
const PREDICTION_KEYS = new Set(['label', 'predicted_label', 'prediction', 'predicted_class', 'class', 'score', 'probability', 'probabilities', 'scores', 'confidence', 'payload_index']);

/** An item's placing key, which is not a column. */
const isIndexKey = (key: string): boolean => key === 'payload_index' || key === 'payloadIndex';
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown): boolean => v === null || typeof v !== 'object';

/** A payload parsed once, before the request and the response are read against each other. */
export type ParsedPayload = { kind: 'csv'; records: CsvRecord[] } | { kind: 'jsonlines'; items: unknown[] } | { kind: 'json'; value: unknown };

/** Parses a decoded payload; throws RecordProblem when it is not valid JSON. */
export function parsePayload(payload: DecodedPayload, which: 'endpointInput' | 'endpointOutput'): ParsedPayload {
  if (payload.kind === 'csv') return { kind: 'csv', records: parseCsvRecords(payload.text) };
  if (payload.kind === 'jsonlines') return { kind: 'jsonlines', items: payloadLines(payload.text).map((line, i) => parsePayloadJson(line, `${which} line ${i + 1}`)) };
  return { kind: 'json', value: parsePayloadJson(payload.text, which) };
}

/**
 * Decodes payload records, one flattener per stream so that records of one layout share their names array. The
 * records a call returns are valid until the next call for the same side (request or response): their value arrays
 * are reused, since the caller adds them as rows before it decodes the next payload.
 */
export class PayloadDecoder {
  // One flattener per side, so that consecutive requests (and responses) of one layout share a names array.
  readonly #requests = new RecordFlattener();
  readonly #responses = new RecordFlattener();
  #flattener = this.#requests;

  /**
   * The records of a request. `expected`, the response's item count when the response is captured, settles the
   * ambiguous shapes.
   */
  requestRecords(payload: ParsedPayload, expected?: number): PayloadRecord[] {
    this.#flattener = this.#requests;
    this.#requests.reuse();
    if (payload.kind === 'csv') return payload.records.map((values) => ({ values }));
    if (payload.kind === 'jsonlines') return payload.items.map((item) => this.#record(item));
    return this.#requestJson(payload.value, expected, false);
  }

  /** The prediction items of a response; `expected`, the request's record count when known, settles ambiguities. */
  responseItems(payload: ParsedPayload, expected?: number): PayloadRecord[] {
    this.#flattener = this.#responses;
    this.#responses.reuse();
    if (payload.kind === 'csv') {
      // One line of one value per record of the request (SageMaker's XGBoost before 1.2: `0.2,0.8,0.6`), as the
      // model-quality reader reads it (decode-capture-line.ts).
      const only = payload.records.length === 1 ? payload.records[0]! : undefined;
      if (only !== undefined && expected !== undefined && expected > 1 && only.length === expected) return only.map((value) => ({ values: [value] }));
      return payload.records.map((values) => ({ values }));
    }
    return this.#placeItems(payload.kind === 'jsonlines' ? payload.items : responseList(payload.value, expected));
  }

  /**
   * Reads a request and its response against each other: the response as it reads alone, the request by that count,
   * and the response again by the request's count when the two disagree. Throws RecordProblem count_mismatch when
   * no reading gives the same number of records and items.
   */
  pair(request: ParsedPayload, response: ParsedPayload): { records: PayloadRecord[]; items: PayloadRecord[] } {
    const items = this.responseItems(response);
    return this.pairRecords(this.requestRecords(request, items.length), response, items);
  }

  /**
   * pair() for request records read already (a shape whose records do not depend on the response's count):
   * `items`, the response as it reads alone, when read already.
   */
  pairRecords(records: PayloadRecord[], response: ParsedPayload, items = this.responseItems(response)): { records: PayloadRecord[]; items: PayloadRecord[] } {
    if (records.length !== items.length) items = this.responseItems(response, records.length);
    if (records.length !== items.length) {
      throw new RecordProblem('count_mismatch', `request has ${records.length} records, response has ${items.length} predictions`);
    }
    return { records, items };
  }

  #requestJson(value: unknown, expected: number | undefined, wrapped: boolean): PayloadRecord[] {
    if (Array.isArray(value)) {
      if (value.length > 0 && value.every(isScalar)) {
        const asOne = expected !== undefined ? expected === 1 && value.length !== 1 : !wrapped;
        return asOne ? [{ values: value }] : value.map((v) => ({ values: [v] }));
      }
      return value.map((v) => this.#record(v));
    }
    if (isObject(value)) {
      for (const key of REQUEST_WRAPPERS) {
        const inner = value[key];
        if (inner !== null && typeof inner === 'object') return this.#requestJson(inner, expected, true);
      }
      const columns = columnar(value);
      if (columns !== undefined && expected !== 1 && (expected === undefined || expected === columns.rows)) return this.#transpose(value, columns);
      return [this.#record(value)];
    }
    return [{ values: [value] }];
  }

  #record(v: unknown): PayloadRecord {
    if (isObject(v)) return this.#flattener.flatten(v);
    if (Array.isArray(v)) return { values: v.map((x) => (x !== null && typeof x === 'object' ? jsonText(x) : x)) };
    return { values: [v] };
  }

  #transpose(value: Record<string, unknown>, columns: { rows: number; dict: boolean }): PayloadRecord[] {
    const keys = Object.keys(value);
    const lists = keys.map((k) => (columns.dict ? Object.values(value[k] as object) : (value[k] as unknown[])));
    return Array.from({ length: columns.rows }, (_, i) => this.#record(Object.fromEntries(keys.map((k, j) => [k, lists[j]![i]]))));
  }

  /** Items to records, ordered by payload_index when every object item carries a valid one. */
  #placeItems(items: unknown[]): PayloadRecord[] {
    const indexed = items.length > 0 && items.every((it) => isObject(it) && (it.payload_index !== undefined || it.payloadIndex !== undefined));
    if (!indexed) return items.map((it) => this.#record(it));
    const out = new Array<PayloadRecord>(items.length);
    for (const it of items as Array<Record<string, unknown>>) {
      const raw = it.payload_index ?? it.payloadIndex;
      const index = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= items.length || out[index] !== undefined) {
        throw new RecordProblem('invalid_payload_index', `payload_index ${JSON.stringify(raw)} is not a unique whole number below ${items.length}`);
      }
      out[index] = this.#flattener.flatten(it, isIndexKey);
    }
    return out;
  }
}

/** A columnar object: every value an array of one length (orient=list) or an object of one size (orient=dict). */
function columnar(value: Record<string, unknown>): { rows: number; dict: boolean } | undefined {
  const values = Object.values(value);
  if (values.length === 0) return undefined;
  if (values.every(Array.isArray)) {
    const n = (values[0] as unknown[]).length;
    return values.every((v) => (v as unknown[]).length === n) ? { rows: n, dict: false } : undefined;
  }
  if (values.every(isObject)) {
    const n = Object.keys(values[0] as object).length;
    return values.every((v) => Object.keys(v as object).length === n) ? { rows: n, dict: true } : undefined;
  }
  return undefined;
}

/** The list of per-record items of a parsed JSON response. */
function responseList(value: unknown, expected: number | undefined): unknown[] {
  if (Array.isArray(value)) {
    // [0.2, 0.8] for a one-record request is that record's probability vector.
    if (expected === 1 && value.length > 1 && value.every(isScalar)) return [value];
    return value;
  }
  if (isObject(value)) {
    for (const key of RESPONSE_LISTS) if (Array.isArray(value[key])) return responseList(value[key], expected);
    const columns = columnar(value);
    if (columns !== undefined && !columns.dict && expected !== 1) {
      const byCount = expected !== undefined && expected === columns.rows;
      if (byCount || (expected === undefined && Object.keys(value).some((k) => PREDICTION_KEYS.has(k)))) {
        const keys = Object.keys(value);
        return Array.from({ length: columns.rows }, (_, i) => Object.fromEntries(keys.map((k) => [k, (value[k] as unknown[])[i]])));
      }
    }
    return [value];
  }
  return [value];
}
