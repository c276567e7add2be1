/**
 * @module Splits a byte stream into lines of bytes with Buffer.indexOf, in time linear in the bytes whatever the
 * length of a line: several times faster than node:readline on the long lines of multi-record capture (see
 * docs/benchmarks.md), and bounded in memory by a maximum line size past which a line is skipped, not buffered.
 */
import type { Readable } from 'node:stream';

const NEWLINE = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const EMPTY = Buffer.alloc(0);

/** How forEachLine treats long lines. */
export interface LineOptions {
  /**
   * The longest line handed out, in bytes (the newline and a trailing "\r" not counted). A longer line is skipped
   * up to its newline without being buffered, and reported to onTooLong instead.
   */
  maxLineBytes: number;
  /** Called for every line longer than maxLineBytes, with its number and its length in bytes. */
  onTooLong?: (lineNumber: number, bytes: number) => void;
}

/**
 * Calls onLine(line, lineNumber) for every non-empty line of the stream, in order. Line numbers start at 1 and count
 * empty lines too, so they match what an editor shows. A UTF-8 byte-order mark at the start of the stream and a
 * trailing "\r" on each line are dropped.
 *
 * `line` is a view of the stream's bytes, valid only during the call (copy it to keep it): callers decode it themselves,
 * `line.toString('utf8')` turning invalid UTF-8 into U+FFFD. A line split over many chunks is collected as a list of
 * chunks and concatenated once, so the time is linear in the bytes for any line length.
 *
 * Resolves with the number of lines seen (empty and too long ones included). An error thrown by a callback or raised
 * by the stream rejects the promise.
 */
export async function forEachLine(
  stream: Readable | AsyncIterable<Buffer | string>,
  onLine: (line: Buffer, lineNumber: number) => void,
  options: LineOptions,
): Promise<number> {
  const max = options.maxLineBytes;
  const onTooLong = options.onTooLong;
  // The start of a line that began in an earlier chunk: its pieces (views of the chunks), and their total length.
  let parts: Buffer[] = [];
  let partsBytes = 0;
  // Inside a line already longer than max (+1 for a possible "\r"): its length so far and its last byte; nothing of
  // it is kept.
  let skipping = false;
  let skippedBytes = 0;
  let skippedLast = 0;
  let lineNumber = 0;
  // The first bytes of the stream, held until a byte-order mark can be told from the start of a line.
  let head: Buffer | undefined = Buffer.alloc(0);

  /** Ends the current line with buf[start, end). */
  const finish = (buf: Buffer, start: number, end: number): void => {
    lineNumber++;
    if (skipping) {
      const last = end > start ? buf[end - 1]! : skippedLast;
      const bytes = skippedBytes + (end - start);
      skipping = false;
      skippedBytes = 0;
      onTooLong?.(lineNumber, last === CR ? bytes - 1 : bytes);
      return;
    }
    let line = buf;
    if (partsBytes > 0) {
      // The one copy of a line that spans chunks.
      parts.push(buf.subarray(start, end));
      line = Buffer.concat(parts, partsBytes + (end - start));
      parts = [];
      partsBytes = 0;
      start = 0;
      end = line.length;
    }
    if (end > start && line[end - 1] === CR) end--;
    if (end - start > max) onTooLong?.(lineNumber, end - start);
    else if (end > start) onLine(line.subarray(start, end), lineNumber);
  };

  const scan = (buf: Buffer): void => {
    let start = 0;
    let nl = buf.indexOf(NEWLINE, 0);
    while (nl !== -1) {
      finish(buf, start, nl);
      start = nl + 1;
      nl = buf.indexOf(NEWLINE, start);
    }
    const rest = buf.length - start;
    if (rest === 0) return;
    if (!skipping && partsBytes + rest > max + 1) {
      // Past the limit even if the line ends with "\r": drop what was kept and skip to the newline.
      skipping = true;
      skippedBytes = partsBytes;
      parts = [];
      partsBytes = 0;
    }
    if (skipping) {
      skippedBytes += rest;
      skippedLast = buf[buf.length - 1]!;
    } else {
      parts.push(start === 0 ? buf : buf.subarray(start));
      partsBytes += rest;
    }
  };

  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (head !== undefined) {
      // Until three bytes have arrived, a byte-order mark cannot be told apart (tiny chunks happen).
      buf = head.length === 0 ? buf : Buffer.concat([head, buf]);
      if (buf.length < BOM.length && BOM.subarray(0, buf.length).equals(buf)) {
        head = buf;
        continue;
      }
      head = undefined;
      if (buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2]) buf = buf.subarray(BOM.length);
    }
    if (buf.length > 0) scan(buf);
  }
  // A stream shorter than a byte-order mark that began like one ("\xEF\xBB" alone) is a line after all.
  if (head !== undefined && head.length > 0) scan(head);
  if (skipping || partsBytes > 0) finish(EMPTY, 0, 0);
  return lineNumber;
}
