/**
 * @module Finds captureData.endpointInput.data in a capture line's bytes, so the line can be parsed without the
 * request (94% of its bytes) and the request counted in place (request-scan.ts).
 *
 * A light tokenizer walks the line: strings are skipped byte by byte (their escapes included), keys are compared
 * only along the path captureData > endpointInput > data, and JSON's "last key wins" is honoured (a repeated
 * captureData, endpointInput or data replaces what an earlier one held). It does not validate the line: the caller
 * parses everything but the request with JSON.parse, and the request string is checked by the scan, so the line is
 * valid exactly when both are.
 */
import type { LinesScan, RequestScan } from './request-scan.ts';
import { placements, requestScans, skipPlacedString } from './request-scan-wasm.ts';
import { payloadKindOf } from './decode-payload.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ARRAY = 1;
const OBJECT = 2;

/** The request string found in a line. */
export interface RequestLocation {
  /** Index of the first byte of the string's content (after its opening quote). */
  start: number;
  /** Index of its closing quote. */
  end: number;
  /** The scan done while locating it, by the kind its observedContentType (when it came before data) announced. */
  json?: RequestScan;
  lines?: LinesScan;
  /**
   * The response string (captureData.endpointOutput.data) JSON.parse would keep, when the line has one: where its
   * content starts and its closing quote, found without validating it.
   */
  response?: { start: number; end: number };
}

/** What to do with the request string while locating it. */
export type LocateMode = 'skip' | 'count';

/** The line's request string is not a valid JSON string: the line is not valid JSON. */
export const INVALID_LINE = 'invalid_line';

let kinds = new Uint8Array(64);

const PATH = [Buffer.from('captureData'), Buffer.from('endpointInput'), Buffer.from('data')];
const OUTPUT = Buffer.from('endpointOutput');
const INPUT_BRANCH = 1;
const OUTPUT_BRANCH = 2;
const CONTENT_TYPE = Buffer.from('observedContentType');

/** Bytes of a string skipped here before the rest goes to the SIMD skip (keys and short values end sooner). */
const SHORT_STRING = 64;

/**
 * Index of the closing quote of a string whose content starts at `i` (no validation), or -1. A long string (the
 * response after the request, a few KB a line) is skipped by the WebAssembly scan in the copy of the line it made
 * while scanning the request (`placed`: made in this call, of these bytes); without it, or where the string is not
 * valid, byte by byte here.
 */
function skipString(bytes: Uint8Array, i: number, end: number, placed = false): number {
  const short = Math.min(end, i + SHORT_STRING);
  while (i < short) {
    const b = bytes[i]!;
    if (b === QUOTE) return i;
    i += b === BACKSLASH ? 2 : 1;
  }
  if (placed && i < end) {
    const close = skipPlacedString(bytes, i, end);
    if (close >= 0) return close;
  }
  while (i < end) {
    const b = bytes[i]!;
    if (b === QUOTE) return i;
    i += b === BACKSLASH ? 2 : 1;
  }
  return -1;
}

/** Whether the key string bytes[start, end) (content, without quotes) is `name`, as JSON.parse decodes keys. */
function keyIs(bytes: Uint8Array, start: number, end: number, name: Buffer): boolean {
  let plain = true;
  for (let i = start; i < end && plain; i++) if (bytes[i] === BACKSLASH) plain = false;
  if (plain) {
    if (end - start !== name.length) return false;
    for (let k = 0; k < name.length; k++) if (bytes[start + k] !== name[k]) return false;
    return true;
  }
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + start - 1, end - start + 2).toString('utf8')) === name.toString('latin1');
  } catch {
    return false;
  }
}

/**
 * Locates captureData.endpointInput.data in a capture line (the occurrence JSON.parse would keep). With mode
 * 'count', the request is scanned on the way (as JSON Lines/CSV when an observedContentType before it says so, else
 * as JSON); with 'skip', only checked to be a valid JSON string. Returns undefined when the line has no such string
 * (or is too broken to tell), INVALID_LINE when the string is not a valid JSON string.
 *
 * `readRequest` (mode 'skip'): a reading of the request that also finds its closing quote (data quality's flat
 * records), tried first; it returns that quote's index, or -1 to leave the string to the skip.
 */
// eslint-disable-next-line max-lines-per-function -- one pass of a byte-level state machine over the line: split up, it costs a call per byte on the hot path
export function locateRequest(bytes: Uint8Array, mode: LocateMode, readRequest?: (bytes: Uint8Array, start: number, end: number) => number): RequestLocation | undefined | typeof INVALID_LINE {
  const end = bytes.length;
  let found: RequestLocation | undefined;
  let response: { start: number; end: number } | undefined;
  /** Whether the depth-2 key last matched was endpointInput or endpointOutput, and which of them is open at depth 3. */
  let keyBranch = 0;
  let branch = 0;
  let depth = 0;
  let expectKey = false;
  /** The container at depth 1..onPath is on the path (the root object, captureData, endpointInput). */
  let onPath = 0;
  /** The last key read at an on-path depth matched the path's next name (or observedContentType). */
  let keyMatched = false;
  let keyIsContentType = false;
  let contentType: string | undefined;
  /** The WebAssembly module holds a copy of this line from the request on (made by the request's scan here). */
  let placed = false;
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    if (b === QUOTE) {
      if (!expectKey && depth === 3 && onPath === 3 && keyMatched && branch === OUTPUT_BRANCH) {
        // The response string: only found here (the caller reads it, or parses it with the rest of the line).
        const close = skipString(bytes, i + 1, end, placed);
        if (close < 0) return undefined;
        response = { start: i + 1, end: close };
        keyMatched = false;
        i = close;
        continue;
      }
      if (!expectKey && depth === 3 && onPath === 3 && keyMatched) {
        // The request string.
        const start = i + 1;
        const kind = contentType === undefined ? undefined : payloadKindOf(contentType);
        const before = placements();
        if (mode === 'skip') {
          let stop = readRequest === undefined ? -1 : readRequest(bytes, start, end);
          if (stop < 0) stop = requestScans.skip(bytes, start, end);
          if (stop < 0) return INVALID_LINE;
          found = { start, end: stop };
        } else if (kind === 'csv' || kind === 'jsonlines') {
          const lines = requestScans.lines(bytes, start, end);
          if (lines.status === 'invalid_line') return INVALID_LINE;
          found = { start, end: lines.end, lines };
        } else {
          const json = requestScans.json(bytes, start, end);
          if (json.status === 'invalid_line') return INVALID_LINE;
          found = { start, end: json.end, json };
        }
        placed = placements() !== before;
        keyMatched = false;
        i = found.end;
        continue;
      }
      const close = skipString(bytes, i + 1, end, placed);
      if (close < 0) return undefined;
      if (expectKey) {
        keyMatched = false;
        keyIsContentType = false;
        if (depth === onPath && depth <= 3) {
          keyMatched = keyIs(bytes, i + 1, close, PATH[depth - 1]!);
          if (depth === 2) keyBranch = keyMatched ? INPUT_BRANCH : 0;
          if (depth === 2 && !keyMatched && keyIs(bytes, i + 1, close, OUTPUT)) {
            keyMatched = true;
            keyBranch = OUTPUT_BRANCH;
          }
          // A later captureData / endpointInput / data replaces the value that held the request (or the response).
          if (keyMatched) {
            if (depth === 1 || (depth === 2 ? keyBranch : branch) === INPUT_BRANCH) found = undefined;
            if (depth === 1 || (depth === 2 ? keyBranch : branch) === OUTPUT_BRANCH) response = undefined;
          }
          if (depth === 3 && branch === INPUT_BRANCH) {
            keyIsContentType = !keyMatched && keyIs(bytes, i + 1, close, CONTENT_TYPE);
            if (keyIsContentType) contentType = undefined;
          }
        }
        expectKey = false;
        i = close;
        continue;
      }
      if (depth === 3 && onPath === 3 && keyIsContentType) {
        try {
          contentType = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + i, close - i + 1).toString('utf8')) as string;
        } catch {
          contentType = undefined;
        }
        keyIsContentType = false;
      }
      i = close;
      continue;
    }
    switch (b) {
      case 0x7b: // {
      case 0x5b: // [
        depth++;
        if (depth >= kinds.length) {
          const k = new Uint8Array(kinds.length * 2);
          k.set(kinds);
          kinds = k;
        }
        kinds[depth] = b === 0x7b ? OBJECT : ARRAY;
        if (b === 0x7b && (depth === 1 || (depth === onPath + 1 && keyMatched && depth <= 3))) {
          onPath = depth;
          if (depth === 3) {
            branch = keyBranch;
            if (branch === INPUT_BRANCH) contentType = undefined;
          }
        }
        keyMatched = false;
        expectKey = b === 0x7b;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        if (onPath === depth) onPath--;
        depth--;
        if (depth < 0) return undefined;
        expectKey = false;
        break;
      case 0x2c: // ,
        expectKey = kinds[depth] === OBJECT;
        keyMatched = false;
        keyIsContentType = false;
        break;
      default:
        break;
    }
  }
  if (found !== undefined && response !== undefined) found.response = response;
  return found;
}
