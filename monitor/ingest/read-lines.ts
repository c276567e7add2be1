/**
 * @module Splits a byte stream into lines with Buffer.indexOf: several times faster than node:readline on the long
 * lines of multi-record capture (see docs/benchmarks.md). A trailing "\r" is dropped; empty lines are skipped but
 * still counted, so line numbers match what an editor shows.
 */
import type { Readable } from 'node:stream';

const NEWLINE = 0x0a;

/**
 * Calls onLine(text, lineNumber) for every non-empty line of the stream, in order. Line numbers start at 1.
 * Resolves with the number of lines seen (empty ones included).
 */
export async function forEachLine(stream: Readable, onLine: (line: string, lineNumber: number) => void): Promise<number> {
  let carry: Buffer | undefined;
  let lineNumber = 0;
  const emit = (buf: Buffer, start: number, end: number): void => {
    lineNumber++;
    if (end > start && buf[end - 1] === 0x0d) end--;
    if (end > start) onLine(buf.toString('utf8', start, end), lineNumber);
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    let nl = buf.indexOf(NEWLINE, 0);
    if (carry !== undefined) {
      if (nl === -1) {
        carry = Buffer.concat([carry, buf]);
        continue;
      }
      // Only the carried tail and this chunk's first line are copied.
      const joined = Buffer.concat([carry, buf.subarray(0, nl)]);
      carry = undefined;
      emit(joined, 0, joined.length);
      start = nl + 1;
      nl = buf.indexOf(NEWLINE, start);
    }
    while (nl !== -1) {
      emit(buf, start, nl);
      start = nl + 1;
      nl = buf.indexOf(NEWLINE, start);
    }
    if (start < buf.length) carry = Buffer.from(buf.subarray(start));
  }
  if (carry !== undefined && carry.length > 0) emit(carry, 0, carry.length);
  return lineNumber;
}
