/**
 * @module Decodes a request body into the evaluator's feature matrix, by Content-Type.
 */

import { BadRequestError } from '../errors.ts';
import { decodeCsv } from './decode-csv.ts';
import { decodeJson } from './decode-json.ts';
import { decodeJsonLines } from './decode-jsonlines.ts';
import { decodeJsonRecordBytes } from './json-record-bytes.ts';
import type { FeatureRows, FeatureSchema } from './feature-rows.ts';
import type { PayloadFormat } from './media-type.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes `body` (raw bytes) in `format`; a malformed payload is a BadRequestError naming the record and field. */
export function decodeRequest(body: Uint8Array | undefined, format: PayloadFormat, schema: FeatureSchema): FeatureRows {
  if (!body || body.length === 0) throw new BadRequestError('request body is empty; send one or more records');
  // The common shape (records of numbers) straight from the bytes; anything else is read below, as before.
  const fast = format === 'json' ? decodeJsonRecordBytes(body, schema) : undefined;
  if (fast !== undefined) return fast;
  let text: string;
  try {
    text = utf8.decode(body);
  } catch (cause) {
    throw new BadRequestError('request body is not valid UTF-8 text', { cause });
  }
  switch (format) {
    case 'json':
      return decodeJson(text, schema);
    case 'csv':
      return decodeCsv(text, schema);
    case 'jsonlines':
      return decodeJsonLines(text, schema);
  }
}
