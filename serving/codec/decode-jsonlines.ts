/**
 * @module Decodes an application/jsonlines request: one record per line (an object by name, an array by position, or
 * `{"features": [...]}`); blank lines are skipped.
 */

import { BadRequestError } from '../errors.ts';
import { addRecord } from './decode-json.ts';
import { FeatureRows, type FeatureSchema } from './feature-rows.ts';

/** Decodes a JSON Lines body. */
export function decodeJsonLines(text: string, schema: FeatureSchema): FeatureRows {
  const lines = text.split('\n');
  const rows = new FeatureRows(schema, lines.length);
  lines.forEach((line, n) => {
    if (line.trim() === '') return;
    const label = `record ${rows.numRows} (line ${n + 1})`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (cause) {
      throw new BadRequestError(`${label}: not valid JSON (${(cause as Error).message})`, { cause });
    }
    addRecord(rows, record, schema, label);
  });
  if (rows.numRows === 0) throw new BadRequestError('application/jsonlines: the payload has no records');
  return rows;
}
