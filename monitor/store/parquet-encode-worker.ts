/**
 * @module A worker thread that encodes one Parquet file (parquet-encode.ts) for a ParquetStreamWriter on the main
 * thread, so that compressing the row groups (parquet-wasm, about a microsecond per stored prediction, and its
 * WebAssembly's compilation) runs beside the capture scan instead of on its thread. Its messages: EncodeRequest in,
 * EncodeReply out (parquet-encode.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodeParquet, ownBytes, type EncodeReply, type EncodeRequest, type ParquetEncodeOptions } from './parquet-encode.ts';

const port = parentPort!;
const queue: Uint8Array[] = [];
let ended = false;
let wake: (() => void) | undefined;
port.on('message', (message: EncodeRequest) => {
  if (message.type === 'batch') queue.push(message.ipc);
  else {
    ended = true;
    if (message.type === 'abort') queue.length = 0;
  }
  wake?.();
});

async function next(): Promise<Uint8Array | undefined> {
  while (queue.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
  const ipc = queue.shift();
  if (ipc !== undefined) port.postMessage({ type: 'taken', bytes: ipc.length } satisfies EncodeReply);
  return ipc;
}

try {
  for await (const chunk of encodeParquet(workerData as ParquetEncodeOptions, next)) {
    const bytes = ownBytes(chunk);
    port.postMessage({ type: 'chunk', bytes } satisfies EncodeReply, [bytes.buffer as ArrayBuffer]);
  }
  port.postMessage({ type: 'done' } satisfies EncodeReply);
} catch (error) {
  port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies EncodeReply);
}
port.close();
