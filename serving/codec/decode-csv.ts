/**
 * @module Decodes a text/csv request: one record per line, one value per feature in the model's order (values are
 * numbers; a field wrapped in double quotes, as CSV writers that quote everything produce, is read without them, but
 * commas inside quotes are not). An empty field or `nan` is a missing value; blank lines are skipped. A first line of
 * names, at least one of them a feature name of the model, is read as a header and gives the column order; a first
 * line of words that name no feature is data, and is refused as "not a number".
 */

import { DECIMAL as NUMBER } from '../../monitor/runtime/decimal.ts';
import { BadRequestError } from '../errors.ts';
import { FeatureRows, unknownFeature, type FeatureSchema } from './feature-rows.ts';

/** Decodes a CSV body. */
export function decodeCsv(text: string, schema: FeatureSchema): FeatureRows {
  const lines = text.split('\n');
  const width = schema.names.length;
  const rows = new FeatureRows(schema, lines.length);
  const values = new Float64Array(width);
  let order: number[] | undefined; // column -> feature index, from a header
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    const fields = line.split(',');
    if (rows.numRows === 0 && order === undefined && isHeader(fields, schema)) {
      order = headerOrder(fields, schema, n + 1);
      continue;
    }
    const label = `record ${rows.numRows} (line ${n + 1})`;
    if (fields.length !== width) throw new BadRequestError(`${label}: has ${fields.length} values, the model expects ${width} features`);
    for (let c = 0; c < width; c++) {
      const field = unquoted(fields[c]!);
      let value: number;
      if (field === '' || field.toLowerCase() === 'nan') value = NaN;
      else if (NUMBER.test(field)) value = Number(field);
      else {
        const name = schema.names[order ? order[c]! : c]!;
        throw new BadRequestError(`${label}: feature ${JSON.stringify(name)} (column ${c + 1}) is not a number: ${JSON.stringify(field.slice(0, 40))}`);
      }
      values[order ? order[c]! : c] = value;
    }
    rows.addNumbers(values);
  }
  if (rows.numRows === 0) throw new BadRequestError('text/csv: the payload has no records');
  return rows;
}

/** A field without its surrounding spaces and double quotes. */
function unquoted(field: string): string {
  const t = field.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

/**
 * A header has a name in every field and names at least one feature; a line with some numbers, or of words none of
 * which is a feature (`abc` sent to a one-feature model), is data (and gets a "not a number" message).
 */
function isHeader(fields: readonly string[], schema: FeatureSchema): boolean {
  let namesAFeature = false;
  for (const f of fields) {
    const t = unquoted(f);
    if (t === '' || t.toLowerCase() === 'nan' || NUMBER.test(t)) return false;
    if (schema.index.has(t)) namesAFeature = true;
  }
  return namesAFeature;
}

function headerOrder(fields: readonly string[], schema: FeatureSchema, lineNumber: number): number[] {
  const label = `header (line ${lineNumber})`;
  const order = fields.map((f) => {
    const name = unquoted(f);
    const i = schema.index.get(name);
    if (i === undefined) throw unknownFeature(schema, name, label);
    return i;
  });
  const missing = schema.names.filter((_, i) => !order.includes(i));
  if (missing.length > 0 || order.length !== schema.names.length) {
    throw new BadRequestError(`${label}: missing features ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
  }
  return order;
}
