/**
 * @module Decodes an application/json request into feature rows. Accepted shapes:
 *
 * - an array of records, as the seed sends (`pd.DataFrame.from_dict` of a list): `[{"Elevation": 2596, ...}, ...]`;
 * - an array of arrays, one value per feature in the model's order: `[[2596, 51, ...], ...]`;
 * - a columnar object, one array per feature (`DataFrame.from_dict` of a dict): `{"Elevation": [2596, 2590], ...}`;
 * - `{"instances": [...]}` holding records or arrays (the TensorFlow Serving / SageMaker shape);
 * - a single record object whose values are all numbers or null.
 *
 * An element `{"features": [...]}` (SageMaker's standard JSON inference format) counts as an array of values.
 */

import { BadRequestError, showValue } from '../errors.ts';
import { FeatureRows, unknownFeature, type FeatureSchema } from './feature-rows.ts';

/** Decodes a JSON body (already checked to be non-empty text). */
export function decodeJson(text: string, schema: FeatureSchema): FeatureRows {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw new BadRequestError(`application/json: body is not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (Array.isArray(body)) return decodeRecordList(body, schema, 'record');
  if (body === null || typeof body !== 'object') {
    throw new BadRequestError(`application/json: expected an array of records or an object, got ${showValue(body)}`);
  }
  const object = body as Record<string, unknown>;
  if ('instances' in object && !schema.index.has('instances')) {
    const instances = object['instances'];
    if (!Array.isArray(instances)) throw new BadRequestError(`application/json: "instances" must be an array, got ${showValue(instances)}`);
    return decodeRecordList(instances, schema, 'instances[%]');
  }
  const values = Object.values(object);
  if (values.length > 0 && values.every((v) => typeof v === 'number' || v === null)) {
    const rows = new FeatureRows(schema, 1);
    rows.addObject(object, 'record 0');
    return rows;
  }
  return decodeColumns(object, schema);
}

function decodeRecordList(list: readonly unknown[], schema: FeatureSchema, what: string): FeatureRows {
  if (list.length === 0) throw new BadRequestError('application/json: the payload has no records');
  const rows = new FeatureRows(schema, list.length);
  const labelOf = what.includes('%') ? (i: number) => what.replace('%', String(i)) : (i: number) => `${what} ${i}`;
  for (let i = 0; i < list.length; i++) addRecord(rows, list[i], schema, labelOf(i));
  return rows;
}

/** Adds one JSON record: an object by name, an array by position, or `{"features": [...]}`. */
export function addRecord(rows: FeatureRows, record: unknown, schema: FeatureSchema, label: string): void {
  if (Array.isArray(record)) return rows.addArray(record, label);
  if (record !== null && typeof record === 'object') {
    const object = record as Record<string, unknown>;
    const features = object['features'];
    if (Array.isArray(features) && !schema.index.has('features') && Object.keys(object).length === 1) {
      return rows.addArray(features, label);
    }
    return rows.addObject(object, label);
  }
  throw new BadRequestError(`${label}: expected an object or an array of values, got ${showValue(record)}`);
}

function decodeColumns(columns: Record<string, unknown>, schema: FeatureSchema): FeatureRows {
  const keys = Object.keys(columns);
  if (keys.length === 0) throw new BadRequestError('application/json: the payload has no records');
  let length = -1;
  for (const key of keys) {
    if (!schema.index.has(key)) throw unknownFeature(schema, key, 'columnar object');
    const column = columns[key];
    if (!Array.isArray(column)) {
      throw new BadRequestError(`columnar object: column ${showValue(key, 200)} must be an array of values, got ${showValue(column)}`);
    }
    if (length === -1) length = column.length;
    else if (column.length !== length) {
      throw new BadRequestError(
        `columnar object: column ${showValue(key, 200)} has ${column.length} values, column ${showValue(keys[0], 200)} has ${length}; every column needs one value per record`,
      );
    }
  }
  if (length === 0) throw new BadRequestError('application/json: the payload has no records');
  const rows = new FeatureRows(schema, length);
  const columnArrays = keys.map((k) => columns[k] as unknown[]);
  for (let i = 0; i < length; i++) {
    const record: Record<string, unknown> = {};
    keys.forEach((k, c) => (record[k] = columnArrays[c]![i]));
    rows.addObject(record, `record ${i}`);
  }
  return rows;
}
