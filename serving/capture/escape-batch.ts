/**
 * @module Finishes a batch whose bodies were appended raw (`LineBuffer.bytes(body, true)`): the bytes between the bodies
 * are copied as they are, each body is escaped as a JSON string's content (escape-json-bytes.ts). The result is the
 * batch the writer would have built with the bodies escaped in place, byte for byte; it runs on the escaping thread
 * (escape-worker.ts), or on the writer's own thread when that thread is not available.
 */

import { appendJsonStringContentOfBytes } from './escape-json-bytes.ts';
import { LineBuffer, type ChunkPool, type TakenBytes } from './line-buffer.ts';

/** Appends `raw`'s bytes (a LineBuffer's TakenBytes) to `out` with its regions escaped. */
export function escapeBatch(raw: { readonly views: readonly Buffer[]; readonly regions: readonly number[] }, out: LineBuffer): void {
  const { views, regions } = raw;
  let offset = 0;
  let r = 0;
  for (const view of views) {
    const end = offset + view.length;
    let pos = 0;
    for (; r < regions.length && regions[r]! < end; r += 2) {
      const start = regions[r]! - offset;
      const stop = regions[r + 1]! - offset;
      // LineBuffer.bytes appends a body in one piece, so a region never spans two views.
      if (start < pos || stop > view.length) throw new Error(`capture: escape region [${regions[r]}, ${regions[r + 1]}) crosses a view`);
      if (start > pos) out.bytes(view.subarray(pos, start));
      appendJsonStringContentOfBytes(out, view.subarray(start, stop));
      pos = stop;
    }
    if (pos < view.length) out.bytes(pos === 0 ? view : view.subarray(pos));
    offset = end;
  }
  if (r < regions.length) throw new Error(`capture: escape region at ${regions[r]} is past the batch's ${offset} bytes`);
}

/** `raw` with its regions escaped, in chunks from `pool` (the escaping thread's, or the writer's when it escapes itself). */
export function escapeTaken(raw: { readonly views: readonly Buffer[]; readonly regions: readonly number[] }, pool: ChunkPool): TakenBytes {
  const out = new LineBuffer(pool);
  escapeBatch(raw, out);
  return out.take();
}
