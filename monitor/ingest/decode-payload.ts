/**
 * @module Decodes one captured payload (captureData.endpointInput or .endpointOutput) into text and a payload kind,
 * by its `encoding` (JSON, CSV, BASE64) and `observedContentType` (with or without parameters such as charset).
 */
import { describeValue } from './describe-value.ts';
import { RecordProblem } from './input-errors.ts';
import { jsonErrorDetail } from './json-error.ts';

export type PayloadKind = 'json' | 'csv' | 'jsonlines';

export interface CapturedPayload {
  data?: unknown;
  encoding?: unknown;
  observedContentType?: unknown;
  mode?: unknown;
}

export interface DecodedPayload {
  text: string;
  kind: PayloadKind;
}

/** Maps a content type (parameters ignored, case-insensitive) to a payload kind. */
export function payloadKindOf(contentType: string): PayloadKind | undefined {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  switch (type) {
    case 'application/json':
    case 'text/json':
      return 'json';
    case 'text/csv':
    case 'application/csv':
    case 'text/x-csv':
      return 'csv';
    case 'application/jsonlines':
    case 'application/x-jsonlines':
    case 'application/jsonl':
    case 'application/x-ndjson':
    case 'application/ndjson':
      return 'jsonlines';
    default:
      // Vendor types such as application/vnd.foo+json.
      if (type.endsWith('+json')) return 'json';
      return undefined;
  }
}

/**
 * Base64 text as capture writes it (line breaks allowed). Linear in the text's length: the padding's line breaks are
 * matched only after padding. (It was `[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*`, where the two runs of line breaks overlap: a
 * payload of 40,000 line breaks and one bad character took 0.9 s, a 6 MB one hours.)
 */
export const BASE64 = /^[A-Za-z0-9+/\r\n]*(?:={1,2}[\r\n]*)?$/;

/**
 * Decodes a payload. The content type decides the kind; when it is missing or unknown, the encoding does
 * (JSON -> json, CSV -> csv). BASE64 data is decoded first, then read by its content type.
 */
export function decodePayload(payload: CapturedPayload, which: string): DecodedPayload {
  const { data, encoding } = payload;
  if (typeof data !== 'string') throw new RecordProblem('undecodable_payload', `${which}.data is not a string`);
  if (encoding !== undefined && encoding !== null && typeof encoding !== 'string') {
    throw new RecordProblem('undecodable_payload', `${which}.encoding ${describeValue(encoding)} is not JSON, CSV or BASE64`);
  }
  const enc = typeof encoding === 'string' ? encoding.toUpperCase() : 'JSON';
  const contentType = typeof payload.observedContentType === 'string' ? payload.observedContentType : '';
  let kind = payloadKindOf(contentType);
  let text = data;
  if (enc === 'BASE64') {
    if (!BASE64.test(data)) throw new RecordProblem('undecodable_payload', `${which}.data is not valid base64`);
    text = Buffer.from(data, 'base64').toString('utf8');
  } else if (enc !== 'JSON' && enc !== 'CSV') {
    throw new RecordProblem('undecodable_payload', `${which}.encoding ${describeValue(encoding)} is not JSON, CSV or BASE64`);
  }
  if (kind === undefined) {
    if (contentType !== '' && enc === 'BASE64') {
      throw new RecordProblem('unsupported_content_type', `${which}.observedContentType ${describeValue(contentType)} is not JSON, JSON Lines or CSV`);
    }
    kind = enc === 'CSV' ? 'csv' : enc === 'JSON' ? 'json' : sniffKind(text);
  }
  return { text, kind };
}

/**
 * The kind decodePayload gives a payload whose encoding is JSON, CSV or absent, found without its text (no BASE64 to
 * decode, nothing to sniff): by its content type, else by its encoding. Undefined for BASE64 and for an encoding
 * decodePayload refuses, which only the decode itself can settle or report.
 */
export function plainPayloadKind(payload: CapturedPayload): PayloadKind | undefined {
  const { encoding } = payload;
  if (encoding !== undefined && encoding !== null && typeof encoding !== 'string') return undefined;
  const enc = typeof encoding === 'string' ? encoding.toUpperCase() : 'JSON';
  if (enc !== 'JSON' && enc !== 'CSV') return undefined;
  return payloadKindOf(typeof payload.observedContentType === 'string' ? payload.observedContentType : '') ?? (enc === 'CSV' ? 'csv' : 'json');
}

/** Guesses the kind of decoded text with no usable content type. */
function sniffKind(text: string): PayloadKind {
  const t = text.trimStart();
  if (t.startsWith('[')) return 'json';
  if (t.startsWith('{')) return t.includes('\n{') ? 'jsonlines' : 'json';
  return 'csv';
}

/** Non-empty lines of a CSV or JSON Lines payload. */
export function payloadLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() !== '') out.push(line);
  }
  return out;
}

/** Parses JSON, turning a syntax error into a record problem. */
export function parsePayloadJson(text: string, which: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // A byte order mark is no JSON (Python's json refuses it too); say it is there, since it is invisible in the data.
    const bom = text.charCodeAt(0) === 0xfeff ? ' (it starts with a byte order mark, U+FEFF: write the payload without one)' : '';
    throw new RecordProblem('undecodable_payload', `${which} is not valid JSON: ${jsonErrorDetail(error)}${bom}`);
  }
}
