/**
 * @module Appends a body as a JSON string literal, byte for byte what `JSON.stringify(body.toString('utf8'))` encoded as
 * UTF-8 gives, without the cost of that path: no UTF-16 decode, no re-encode, and no string as large as the body (a
 * 500-record body of 600 KB made V8 allocate large-object strings that cost 10x the escaping in garbage collection).
 *
 * Why it is the same bytes: when the body is valid UTF-8 (checked with `isUtf8`, SIMD), `toString('utf8')` then UTF-8
 * again gives the body back unchanged, and `JSON.stringify` changes only `"`, `\` and U+0000..U+001F, which are single
 * bytes in UTF-8 and never part of a multi-byte sequence. So escaping the bytes read as latin1 (one byte, one char)
 * changes exactly the same bytes, and any cut between slices is safe. A body that is not valid UTF-8 takes the old path
 * (its invalid sequences become U+FFFD there), so it is identical by construction.
 */

import { isUtf8 } from 'node:buffer';
import type { LineBuffer } from './line-buffer.ts';

/** Bytes escaped per JSON.stringify call: small enough for V8's young generation, large enough to amortise the call. */
export const ESCAPE_SLICE_BYTES = 32 * 1024;

/**
 * Appends `"…"`: the JSON string of the UTF-8 text of `body` (invalid sequences read as U+FFFD). `sliceBytes` is
 * for tests (small slices put many cuts in one body).
 */
export function appendJsonStringOfBytes(out: LineBuffer, body: Uint8Array, sliceBytes = ESCAPE_SLICE_BYTES): void {
  out.latin1('"');
  appendJsonStringContentOfBytes(out, body, sliceBytes);
  out.latin1('"');
}

/** Appends what goes between the quotes of `appendJsonStringOfBytes`. */
export function appendJsonStringContentOfBytes(out: LineBuffer, body: Uint8Array, sliceBytes = ESCAPE_SLICE_BYTES): void {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (!isUtf8(bytes)) {
    out.utf8(JSON.stringify(bytes.toString('utf8')).slice(1, -1));
    return;
  }
  for (let from = 0; from < bytes.length; from += sliceBytes) {
    out.jsonStringContent(JSON.stringify(bytes.toString('latin1', from, Math.min(bytes.length, from + sliceBytes))));
  }
}
