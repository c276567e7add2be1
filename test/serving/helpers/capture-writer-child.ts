/**
 * @module A CaptureWriter in a process of its own, for faults that must not touch the test runner: the test lowers this
 * process's file-size limit (prlimit) after "ready", so a write really stops half-way (EFBIG after a short write).
 *
 *   node --import tsx capture-writer-child.ts ROOT LINES BODY_BYTES [thread]
 *
 * With `thread`, the bodies are escaped on the escaping thread, and each body is a list of quoted strings, so that its
 * escaped bytes (what reaches the file) are half as many again as its bytes.
 * Prints "ready", waits for a line on stdin, records LINES lines: the first half one flush each, the rest in one batch;
 * then prints `{"recorded", "dropped", "errors"}` (the error codes seen) as JSON and exits.
 */

import { createInterface } from 'node:readline';
import { CaptureWriter } from '../../../serving/capture/write-capture.ts';

const [root, lines, bodyBytes, mode] = process.argv.slice(2);
if (!root || !lines || !bodyBytes) throw new Error('usage: capture-writer-child.ts ROOT LINES BODY_BYTES');
const errors: string[] = [];
let uuid = 0;
const writer = new CaptureWriter({
  root,
  flushIntervalMs: 0,
  flushBytes: 1 << 30,
  clock: () => new Date('2026-03-01T08:15:30.042Z'),
  uuid: () => `uuid-${++uuid}`,
  onError: (error) => errors.push(String((error as NodeJS.ErrnoException).code ?? error)),
  escapeOnThread: mode === 'thread',
});
const body =
  mode === 'thread'
    ? Buffer.from(`[${'"7",'.repeat(Math.max(0, Math.floor((Number(bodyBytes) - 5) / 4)))}"7"]`)
    : Buffer.from(`[${'7,'.repeat(Math.max(0, Math.floor((Number(bodyBytes) - 2) / 2)))}7]`);
const record = (i: number) =>
  writer.record({ input: { contentType: 'application/json', body }, output: { contentType: 'application/json', body: `[${i}]` }, inferenceId: String(i) });

process.stdout.write('ready\n');
const input = createInterface({ input: process.stdin });
await new Promise((resolve) => input.once('line', resolve));
input.close();
const n = Number(lines);
for (let i = 0; i < n / 2; i++) {
  record(i);
  await writer.flush();
}
for (let i = Math.ceil(n / 2); i < n; i++) record(i);
await writer.close();
process.stdout.write(`${JSON.stringify({ recorded: writer.recordedLines, dropped: writer.droppedLines, errors })}\n`);
