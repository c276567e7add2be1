/**
 * @module The count-only decode of a capture line (model quality): the line's bytes in, the same DecodedLine or
 * RecordProblem as decodeCaptureLine out, without ever turning the request into a string or objects. The request's
 * place is found (locate-request.ts), everything else is parsed with JSON.parse, and the request is counted and
 * validated in place (request-scan.ts). Where the JSON.parse-based path would give a message this path cannot
 * (a line or a request that is not valid JSON), it hands the line to that path, so reasons and details are the same.
 */
import { decodeCaptureLine, decodeCaptureRecord, parseRequestCounts, type CaptureLineOptions, type DecodedLine, type LineWarning } from './decode-capture-line.ts';
import { BASE64, payloadKindOf, plainPayloadKind, type CapturedPayload } from './decode-payload.ts';
import { explodeFlatResponse } from './explode-response.ts';
import { flatResponseApplies, snapshotFlatResponse } from './flat-response.ts';
import { INVALID_LINE, locateRequest, type RequestLocation } from './locate-request.ts';
import { requestScans } from './request-scan-wasm.ts';

/** Stands for the request in the text given to JSON.parse; a request equal to it is read the JSON.parse way. */
export const PLACEHOLDER = '\u0000mpm:request\u0000';
const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER);
/** Stands for a response already read from the bytes (flat-response.ts) in the text given to JSON.parse. */
const RESPONSE_PLACEHOLDER = '\u0000mpm:response\u0000';
const RESPONSE_PLACEHOLDER_JSON = JSON.stringify(RESPONSE_PLACEHOLDER);

/**
 * JSON.parse of a capture line with the request found at `at` replaced by PLACEHOLDER (the whole line when `at` is
 * undefined): everything but the request, without making the request a string. Throws JSON.parse's SyntaxError.
 */
export function parseLineWithoutRequest(line: Buffer, at: RequestLocation | undefined): unknown {
  return JSON.parse(at === undefined ? line.toString('utf8') : line.toString('utf8', 0, at.start - 1) + PLACEHOLDER_JSON + line.toString('utf8', at.end + 1));
}


/**
 * Decodes one capture line given as bytes (UTF-8, no line terminator), exactly as decodeCaptureLine decodes its
 * text, with the request counted from the bytes when o.checkRequestCount is on and never decoded when it is off.
 */
export function decodeCaptureLineBytes(line: Buffer, o: CaptureLineOptions, warn: (w: LineWarning) => void): DecodedLine {
  const found = locateRequest(line, o.checkRequestCount ? 'count' : 'skip');
  if (found === INVALID_LINE) return decodeCaptureLine(line.toString('utf8'), o, warn);
  const response = found?.response;
  const flat = response !== undefined && flatResponseApplies(o.response) ? snapshotFlatResponse(line, response.start, response.end) : undefined;
  if (flat !== undefined) {
    // The response was read from the bytes (and is a valid JSON string): the rest of the line is parsed without it.
    let record: unknown;
    try {
      record = parseLineWithoutPayloads(line, found!, response!);
    } catch {
      return decodeCaptureLine(line.toString('utf8'), o, warn);
    }
    return decodeCaptureRecord(
      record,
      o,
      warn,
      (input) => countRequestInLine(input, line, found),
      {
        placeholder: RESPONSE_PLACEHOLDER,
        // What decodePayload makes of the response decides, as for any response; JSON is what was read flat.
        readJson: (output, raw) => (plainPayloadKind(output) === 'json' ? explodeFlatResponse(flat, o.response, raw) : undefined),
        data: () => stringAt(line, response!),
      },
    );
  }
  let record: unknown;
  try {
    record = parseLineWithoutRequest(line, found);
  } catch {
    // Not valid JSON: the JSON.parse-based path gives the invalid_json problem with its message.
    return decodeCaptureLine(line.toString('utf8'), o, warn);
  }
  return decodeCaptureRecord(record, o, warn, (input) => countRequestInLine(input, line, found));
}

/** JSON.parse of a capture line with both the request and the response replaced by placeholders. */
function parseLineWithoutPayloads(line: Buffer, request: RequestLocation, response: { start: number; end: number }): unknown {
  const [first, firstJson, second, secondJson] = request.start < response.start ? [request, PLACEHOLDER_JSON, response, RESPONSE_PLACEHOLDER_JSON] : [response, RESPONSE_PLACEHOLDER_JSON, request, PLACEHOLDER_JSON];
  return JSON.parse(
    line.toString('utf8', 0, first.start - 1) + firstJson + line.toString('utf8', first.end + 1, second.start - 1) + secondJson + line.toString('utf8', second.end + 1),
  );
}

/** The request string as JSON.parse gives it (only for the rare paths that need its text). */
function requestText(line: Buffer, at: RequestLocation): string {
  return stringAt(line, at);
}

/** A JSON string of the line (content from at.start, closing quote at at.end) as JSON.parse gives it. */
function stringAt(line: Buffer, at: { start: number; end: number }): string {
  return JSON.parse(line.toString('utf8', at.start - 1, at.end + 1)) as string;
}

/**
 * The record counts of the request held at `at` in the line (input is endpointInput as parsed without it): by its
 * encoding and content type as decodePayload reads them, then request-scan.ts, or count-request.ts for the rare
 * shapes and for every failure, so that problems carry the same reason and detail.
 */
export function countRequestInLine(input: CapturedPayload, line: Buffer, at: RequestLocation | undefined): number[] {
  if (at === undefined || input.data !== PLACEHOLDER) return parseRequestCounts(input);
  const slow = (): number[] => parseRequestCounts({ ...input, data: requestText(line, at) });
  const { encoding } = input;
  if (typeof encoding === 'string' && encoding.toUpperCase() === 'BASE64') {
    return countBase64Request(input, requestText(line, at), payloadKindOf(typeof input.observedContentType === 'string' ? input.observedContentType : ''));
  }
  // decodePayload's kind; an encoding it refuses (XML, a number) goes to it for its problem.
  const kind = plainPayloadKind(input);
  if (kind === undefined) return slow();
  if (kind === 'json') {
    const scan = at.json ?? requestScans.json(line, at.start, line.length);
    return scan.status === 'ok' ? scan.counts : slow();
  }
  const lines = at.lines ?? requestScans.lines(line, at.start, line.length);
  if (lines.status !== 'ok') return slow();
  // A CSV request with a quote may hold quoted line breaks (csv-records.ts): counted from its text.
  return kind === 'csv' && holdsQuote(line, at.start, lines.end) ? slow() : [lines.count];
}

/**
 * Whether the content of a JSON string, bytes[start, end), holds a quote: escaped as \" (any quote byte before the
 * closing one), or as \u0022 (an escaped backslash before "u0022" also matches: only a slower exact count follows).
 */
function holdsQuote(bytes: Buffer, start: number, end: number): boolean {
  const quote = bytes.indexOf(0x22, start);
  if (quote >= 0 && quote < end) return true;
  const escape = bytes.indexOf('\\u0022', start, 'latin1');
  return escape >= 0 && escape < end;
}

/**
 * A BASE64 request: decoded first (as decodePayload does), then counted from the decoded bytes. Only the sniffing of
 * a request with no content type needs its text.
 */
function countBase64Request(input: CapturedPayload, data: string, kind: ReturnType<typeof payloadKindOf>): number[] {
  if (!BASE64.test(data) || kind === undefined) return parseRequestCounts({ ...input, data });
  const escaped = escapeForScan(Buffer.from(data, 'base64'));
  if (kind === 'json') {
    const scan = requestScans.json(escaped, 0, escaped.length);
    return scan.status === 'ok' ? scan.counts : parseRequestCounts({ ...input, data });
  }
  const lines = requestScans.lines(escaped, 0, escaped.length);
  if (lines.status !== 'ok' || (kind === 'csv' && holdsQuote(escaped, 0, lines.end))) return parseRequestCounts({ ...input, data });
  return [lines.count];
}

/**
 * Raw request bytes (a decoded BASE64 payload) as the content of a JSON string followed by its closing quote, the
 * form the scans read: `"` and `\` escaped, control characters as \u00XX, every other byte (UTF-8 or not) kept, so
 * the characters the scan sees are those of the bytes' UTF-8 text.
 */
export function escapeForScan(raw: Uint8Array): Buffer {
  let extra = 1;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x22 || b === 0x5c) extra += 1;
    else if (b < 0x20) extra += 5;
  }
  const out = Buffer.allocUnsafe(raw.length + extra);
  let o = 0;
  const hex = '0123456789abcdef';
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x22 || b === 0x5c) {
      out[o++] = 0x5c;
      out[o++] = b;
    } else if (b < 0x20) {
      out[o++] = 0x5c;
      out[o++] = 0x75;
      out[o++] = 0x30;
      out[o++] = 0x30;
      out[o++] = hex.charCodeAt(b >> 4);
      out[o++] = hex.charCodeAt(b & 15);
    } else out[o++] = b;
  }
  out[o] = 0x22;
  return out;
}
