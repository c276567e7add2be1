/**
 * @module The capture writer's escaping thread: takes batches whose bodies were copied raw into shared chunks, escapes
 * them (escape-batch.ts) into chunks of its own, and hands those over (transferred, not copied). Escaping is the largest
 * cost of capture on the request thread (JSON.stringify of the body's bytes, about 0.1 ms for a 50 KB request); here it
 * runs beside the server instead. Its messages: EscapeRequest in, EscapeReply out (escape-thread.ts).
 */
import { parentPort } from 'node:worker_threads';
import { escapeTaken } from './escape-batch.ts';
import type { EscapeReply, EscapeRequest } from './escape-thread.ts';
import { CHUNK_BYTES, ChunkPool, THREAD_POOL_LIMIT } from './line-buffer.ts';

const port = parentPort!;
const pool = new ChunkPool(CHUNK_BYTES, false, THREAD_POOL_LIMIT);

port.on('message', ({ id, views, regions, spare }: EscapeRequest) => {
  pool.give(spare.map((buffer) => Buffer.from(buffer)));
  try {
    const { views: escaped, chunks, bytes } = escapeTaken({ views: views.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)), regions }, pool);
    const buffers = chunks.map((chunk) => chunk.buffer as ArrayBuffer);
    port.postMessage({ id, views: escaped, chunks: buffers, bytes } satisfies EscapeReply, buffers);
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies EscapeReply);
  }
});
