/**
 * @module Content-Type and Accept parsing: the media types the server reads and writes, and content negotiation.
 */

import { NotAcceptableError, UnsupportedMediaTypeError } from '../errors.ts';

/** The payload formats the server speaks. */
export type PayloadFormat = 'json' | 'csv' | 'jsonlines';

/** A parsed media type: lower-case `type/subtype` and its parameters (names lower-cased). */
export interface MediaType {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

/** What the response will be: its format, the Content-Type header to send, and whether probabilities are wanted. */
export interface ResponseType {
  readonly format: PayloadFormat;
  readonly contentType: string;
  readonly verbose: boolean;
}

const FORMAT_BY_TYPE: Readonly<Record<string, PayloadFormat>> = {
  'application/json': 'json',
  'text/csv': 'csv',
  'application/jsonlines': 'jsonlines',
  'application/jsonl': 'jsonlines',
  'application/x-jsonlines': 'jsonlines',
};

/** Canonical Content-Type sent for each format. */
export const CONTENT_TYPE_OF: Readonly<Record<PayloadFormat, string>> = {
  json: 'application/json',
  csv: 'text/csv',
  jsonlines: 'application/jsonlines',
};

/** The media types accepted in requests and offered in responses, for messages and docs. */
export const SUPPORTED_TYPES: readonly string[] = Object.keys(FORMAT_BY_TYPE);

/** Parses one media type such as `application/json; verbose=true`. */
export function parseMediaType(text: string): MediaType {
  const [head = '', ...rest] = text.split(';');
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    params[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { type: head.trim().toLowerCase(), params };
}

/** The 415 of a request without a Content-Type (no header, or an empty one). */
export function missingContentType(): UnsupportedMediaTypeError {
  return new UnsupportedMediaTypeError(`request has no Content-Type; supported types are: ${SUPPORTED_TYPES.join(', ')}`);
}

/** The 415 of a Content-Type header that is no media type (`json`, `application/json, text/csv`, `application /json`). */
export function malformedContentType(header: string): UnsupportedMediaTypeError {
  return new UnsupportedMediaTypeError(`Content-Type ${JSON.stringify(header.slice(0, 200))} is not a media type (type/subtype); supported types are: ${SUPPORTED_TYPES.join(', ')}`);
}

/** The request format for a Content-Type header; 415 when it is missing or not supported. */
export function requestFormat(contentType: string | undefined): PayloadFormat {
  if (!contentType) throw missingContentType();
  const format = FORMAT_BY_TYPE[parseMediaType(contentType).type];
  if (!format) {
    throw new UnsupportedMediaTypeError(
      `Content-Type ${JSON.stringify(contentType)} is not supported; supported types are: ${SUPPORTED_TYPES.join(', ')}`,
    );
  }
  return format;
}

/** The response formats in order of preference on a tie. */
const FORMATS: readonly PayloadFormat[] = ['json', 'csv', 'jsonlines'];

/** How specifically a media range names `type`: 3 exactly, 2 as `x/*`, 1 as `*\/*`, 0 not at all. */
function specificity(range: string, type: string): number {
  if (range === type) return 3;
  if (range === '*/*') return 1;
  return range.endsWith('/*') && type.startsWith(range.slice(0, -1)) ? 2 : 0;
}

/**
 * Picks the response type from an Accept header, as RFC 9110 12.5.1 says: each supported type takes the q of the most
 * specific range that matches it (so `application/json;q=0, *\/*` refuses JSON and answers CSV), and the type with the
 * highest q wins; on a tie, the one whose range comes first in the header, then JSON, CSV, JSON Lines in that order
 * (`*\/*`, `application/*` and a missing header mean JSON, `text/*` CSV). A `verbose=true` parameter (any case) on
 * the deciding range asks for probabilities.
 */
export function negotiateResponse(accept: string | undefined): ResponseType {
  if (accept === undefined || accept.trim() === '') return { format: 'json', contentType: CONTENT_TYPE_OF.json, verbose: false };
  const ranges = accept
    .split(',')
    .filter((item) => item.trim() !== '')
    .map((item) => {
      const media = parseMediaType(item);
      const q = media.params['q'] === undefined ? 1 : Number(media.params['q']);
      return { type: media.type, q: Number.isFinite(q) ? q : 0, verbose: media.params['verbose']?.toLowerCase() === 'true' };
    });
  let best: { format: PayloadFormat; q: number; position: number; verbose: boolean } | undefined;
  for (const format of FORMATS) {
    // A format is named exactly by any of its types (application/jsonl too), by a wildcard through its canonical one.
    const canonical = CONTENT_TYPE_OF[format];
    let match: { q: number; position: number; verbose: boolean; specificity: number } | undefined;
    ranges.forEach((range, position) => {
      const level = FORMAT_BY_TYPE[range.type] === format ? 3 : specificity(range.type, canonical);
      if (level > 0 && (match === undefined || level > match.specificity)) match = { ...range, position, specificity: level };
    });
    if (match === undefined || !(match.q > 0)) continue;
    if (best === undefined || match.q > best.q || (match.q === best.q && match.position < best.position)) {
      best = { format, q: match.q, position: match.position, verbose: match.verbose };
    }
  }
  if (!best) {
    throw new NotAcceptableError(
      `Accept ${JSON.stringify(accept)} names no supported type; supported types are: ${SUPPORTED_TYPES.join(', ')}`,
    );
  }
  return { format: best.format, contentType: CONTENT_TYPE_OF[best.format], verbose: best.verbose };
}
