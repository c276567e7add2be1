/**
 * @module Counts the records of a request payload, to catch responses that do not match their request.
 *
 * Request shapes: a JSON array of objects (the seed's), an array of arrays, a columnar object (pandas to_dict()
 * with orient=list or the default orient=dict), {"instances": [...]}, {"inputs": ...}, CSV with one record per line
 * and JSON Lines. A flat array of scalars is ambiguous (one feature vector, or one scalar per record), so it
 * accepts either count; so is a columnar object, which may be one record whose fields are arrays or objects
 * ({"features": [...]}, {"input_ids": [...], "attention_mask": [...]}).
 */
import { csvRecordTexts } from './csv-records.ts';
import { parsePayloadJson, payloadLines, type DecodedPayload } from './decode-payload.ts';

export interface RequestCount {
  /** The record counts the request is consistent with. */
  counts: number[];
}

const WRAPPER_KEYS = ['instances', 'inputs', 'data', 'records', 'rows'];

/**
 * The record counts of a request already parsed (the full decode of data quality parses it anyway: count from the
 * value instead of parsing twice).
 */
export function countJson(top: unknown): number[] {
  // A loop, not a recursion, through wrappers: {"instances": {"instances": ...}} 20,000 deep overflowed the stack.
  let value = top;
  for (;;) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) break;
    const obj = value as Record<string, unknown>;
    const k = WRAPPER_KEYS.find((key) => obj[key] !== undefined && obj[key] !== null && typeof obj[key] === 'object');
    if (k === undefined) break;
    value = obj[k];
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => v === null || typeof v !== 'object')) return [value.length, 1];
    return [value.length];
  }
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const values = Object.values(obj);
    if (values.length > 0) {
      // orient=list: {"col": [v0, v1, ...]}, or one record with array fields.
      if (values.every(Array.isArray)) {
        const n = (values[0] as unknown[]).length;
        if (values.every((v) => (v as unknown[]).length === n)) return [n, 1];
      }
      // orient=dict: {"col": {"0": v0, "1": v1}}, or one record with object fields.
      if (values.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) {
        const n = Object.keys(values[0] as object).length;
        if (values.every((v) => Object.keys(v as object).length === n)) return [n, 1];
      }
    }
    return [1];
  }
  return [1];
}

/** Counts the records of a decoded request; throws RecordProblem when the payload is not readable. */
export function countRequestRecords(payload: DecodedPayload): RequestCount {
  if (payload.kind === 'csv') return { counts: [csvRecordTexts(payload.text).length] };
  if (payload.kind === 'jsonlines') return { counts: [payloadLines(payload.text).length] };
  return { counts: countJson(parsePayloadJson(payload.text, 'endpointInput')) };
}
