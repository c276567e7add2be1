/**
 * @module A worker thread that encodes one Parquet file (parquet-encode.ts) for a ParquetStreamWriter on the main
 * thread, so that compressing the row groups (parquet-wasm, about a microsecond per stored prediction, and its
 * WebAssembly's compilation) runs beside the capture scan instead of on its thread. Once the file is stored, it
 * also reads the stored file's footer back for the writer's check (the ranges come from the main thread, which
 * holds the storage), so parquet-wasm is never compiled on the main thread for a write. Its messages:
 * EncodeRequest in, EncodeReply out (parquet-encode.ts). The writer ends the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BatchQueue, describeError, encodeParquet, footerCounts, ownBytes, type EncodeReply, type EncodeRequest, type ParquetEncodeOptions } from './parquet-encode.ts';

const port = parentPort!;
const reply = (message: EncodeReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

// A batch dropped by an abort is reported taken too, which the writer ignores by then.
const queue = new BatchQueue((bytes) => reply({ type: 'taken', bytes }));

/** The ranges of the stored file asked for and not yet answered, by id. */
const ranges = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>();
let nextRange = 0;
const readRange = (start: number, end: number): Promise<Uint8Array> =>
  new Promise((resolve, reject) => {
    const id = nextRange++;
    ranges.set(id, { resolve, reject });
    reply({ type: 'range', id, start, end });
  });

async function check(size: number): Promise<void> {
  try {
    reply({ type: 'checked', counts: await footerCounts(readRange, size) });
  } catch (error) {
    reply({ type: 'check-error', message: describeError(error) });
  }
}

port.on('message', (message: EncodeRequest) => {
  if (message.type === 'batch') queue.push(message.ipc);
  else if (message.type === 'end') queue.end();
  else if (message.type === 'abort') queue.abort();
  else if (message.type === 'check') void check(message.size);
  else {
    const waiting = ranges.get(message.id);
    ranges.delete(message.id);
    if (message.bytes !== undefined) waiting?.resolve(message.bytes);
    else waiting?.reject(new Error(message.error ?? 'the range could not be read'));
  }
});

try {
  for await (const chunk of encodeParquet(workerData as ParquetEncodeOptions, queue.next)) {
    const bytes = ownBytes(chunk);
    reply({ type: 'chunk', bytes }, [bytes.buffer as ArrayBuffer]);
  }
  reply({ type: 'done' });
} catch (error) {
  reply({ type: 'error', message: describeError(error) });
}
