/**
 * @module Reads SageMaker's groundTruthData {"data", "encoding"} into labels by payload index. `data` holds one
 * label, or one label per record of the request (CSV lines, or a JSON array): payload indexes 0..n-1.
 */
import { BASE64, payloadLines } from './decode-payload.ts';

/** Why a groundTruthData object gives no labels (the input error's detail). */
export interface UnusableGroundTruthData {
  problem: string;
}

/**
 * Labels by payload index (raw: strings not yet canonical, or the JSON values; an array or object stays one, an
 * unusable label, never turned into text), or undefined when the object has no data, or why its data is unusable
 * (not valid base64, or not valid JSON when its encoding says JSON).
 */
export function decodeGroundTruthData(value: unknown): Map<number, unknown> | UnusableGroundTruthData | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { data, encoding } = value as { data?: unknown; encoding?: unknown };
  const enc = typeof encoding === 'string' ? encoding.toUpperCase() : 'CSV';
  let text: string;
  if (typeof data === 'number' || typeof data === 'boolean') text = String(data);
  else if (Array.isArray(data)) return new Map(data.map((v, i) => [i, labelText(v)]));
  else if (typeof data === 'string') {
    // Buffer.from(x, 'base64') skips what is not base64: "!!!notbase64" would give a label of its own.
    if (enc === 'BASE64' && !BASE64.test(data)) return { problem: 'groundTruthData.data is not valid base64' };
    text = enc === 'BASE64' ? Buffer.from(data, 'base64').toString('utf8') : data;
  } else return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (enc === 'JSON' || trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return new Map(parsed.map((v, i) => [i, labelText(v)]));
      return new Map([[0, labelText(parsed)]]);
    } catch {
      if (enc === 'JSON') return { problem: 'groundTruthData.data is not valid JSON (its encoding is JSON)' };
    }
  }
  const lines = payloadLines(trimmed);
  // One line holding several comma-separated values is one label per record too ("1,0,2").
  const cells = lines.length === 1 && lines[0]!.includes(',') ? lines[0]!.split(',') : lines;
  return new Map(cells.map((c, i) => [i, c.trim().replace(/^"(.*)"$/, '$1')]));
}

/** Scalars as text; arrays and objects as they are (a label nested 5,000 deep was stringified into a stack overflow). */
function labelText(v: unknown): unknown {
  return v === null || v === undefined ? '' : typeof v === 'object' ? v : String(v);
}
