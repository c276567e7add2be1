/**
 * @module A worker thread that encodes one Parquet file (parquet-encode.ts) for a ParquetStreamWriter on the main
 * thread, so that compressing the row groups (parquet-wasm, about a microsecond per stored prediction, and its
 * WebAssembly's compilation) runs beside the capture scan instead of on its thread. Its messages: EncodeRequest in,
 * EncodeReply out (parquet-encode.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BatchQueue, encodeParquet, ownBytes, type EncodeReply, type EncodeRequest, type ParquetEncodeOptions } from './parquet-encode.ts';

const port = parentPort!;
// A batch dropped by an abort is reported taken too, which the writer ignores by then.
const queue = new BatchQueue((bytes) => port.postMessage({ type: 'taken', bytes } satisfies EncodeReply));
port.on('message', (message: EncodeRequest) => {
  if (message.type === 'batch') queue.push(message.ipc);
  else if (message.type === 'end') queue.end();
  else queue.abort();
});

try {
  for await (const chunk of encodeParquet(workerData as ParquetEncodeOptions, queue.next)) {
    const bytes = ownBytes(chunk);
    port.postMessage({ type: 'chunk', bytes } satisfies EncodeReply, [bytes.buffer as ArrayBuffer]);
  }
  port.postMessage({ type: 'done' } satisfies EncodeReply);
} catch (error) {
  port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies EncodeReply);
}
port.close();
