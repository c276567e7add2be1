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
/** A carry buffer grown past this by one long line is let go after the line, so memory returns to a chunk or so. */
const CARRY_KEEP_BYTES = 4 << 20;

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

/** Called with each line as the range [start, end) of `bytes`, valid only during the call (see forEachLineRange). */
export type LineRangeCallback = (bytes: Buffer, start: number, end: number, lineNumber: number) => void;

/**
 * Splits chunks pushed in order into lines (see forEachLine). A chunk is read only during push (the reader may reuse
 * its buffer for the next read): the start of a line that spans chunks is copied into a buffer of its own that grows
 * by doubling, so the copy stays linear in the line's bytes; a line past the maximum is dropped as soon as it passes it.
 */
class LineSplitter {
  /** Lines seen so far, empty and too long ones included. */
  lineNumber = 0;
  // The start of a line that began in an earlier chunk, copied (#carry[0, #partsBytes)); the buffer is reused.
  #carry: Buffer = EMPTY;
  #partsBytes = 0;
  // Inside a line already longer than max (+1 for a possible "\r"): its length so far and its last byte.
  #skipping = false;
  #skippedBytes = 0;
  #skippedLast = 0;
  // The first bytes of the stream, held until a byte-order mark can be told from the start of a line.
  #head: Buffer | undefined = EMPTY;

  constructor(
    private readonly onLine: LineRangeCallback,
    private readonly options: LineOptions,
  ) {}

  /** Takes the next chunk of the stream. */
  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.#head !== undefined) {
      // Until three bytes have arrived, a byte-order mark cannot be told apart (tiny chunks happen).
      buf = this.#head.length === 0 ? buf : Buffer.concat([this.#head, buf]);
      if (buf.length < BOM.length && BOM.subarray(0, buf.length).equals(buf)) {
        this.#head = Buffer.from(buf); // a copy: the chunk's buffer may be reused
        return;
      }
      this.#head = undefined;
      if (buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2]) buf = buf.subarray(BOM.length);
    }
    if (buf.length > 0) this.#scan(buf);
  }

  /** Ends the stream: the last line, when it has no newline. */
  end(): void {
    // A stream shorter than a byte-order mark that began like one ("\xEF\xBB" alone) is a line after all.
    if (this.#head !== undefined && this.#head.length > 0) this.#scan(this.#head);
    this.#head = undefined;
    if (this.#skipping || this.#partsBytes > 0) this.#finish(EMPTY, 0, 0);
  }

  #scan(buf: Buffer): void {
    let start = 0;
    let nl = buf.indexOf(NEWLINE, 0);
    while (nl !== -1) {
      this.#finish(buf, start, nl);
      start = nl + 1;
      nl = buf.indexOf(NEWLINE, start);
    }
    const rest = buf.length - start;
    if (rest === 0) return;
    if (!this.#skipping && this.#partsBytes + rest > this.options.maxLineBytes + 1) {
      // Past the limit even if the line ends with "\r": drop what was kept and skip to the newline.
      this.#skipping = true;
      this.#skippedBytes = this.#partsBytes;
      this.#partsBytes = 0;
      if (this.#carry.length > CARRY_KEEP_BYTES) this.#carry = EMPTY;
    }
    if (this.#skipping) {
      this.#skippedBytes += rest;
      this.#skippedLast = buf[buf.length - 1]!;
    } else {
      this.#append(buf, start, buf.length);
    }
  }

  /** Copies buf[start, end) after the kept start of the line. */
  #append(buf: Buffer, start: number, end: number): void {
    const need = this.#partsBytes + (end - start);
    if (need > this.#carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.#carry.length * 2, 64 * 1024));
      this.#carry.copy(grown, 0, 0, this.#partsBytes);
      this.#carry = grown;
    }
    buf.copy(this.#carry, this.#partsBytes, start, end);
    this.#partsBytes = need;
  }

  /** Ends the current line with buf[start, end). */
  #finish(buf: Buffer, start: number, end: number): void {
    const lineNumber = ++this.lineNumber;
    if (this.#skipping) {
      const last = end > start ? buf[end - 1]! : this.#skippedLast;
      const bytes = this.#skippedBytes + (end - start);
      this.#skipping = false;
      this.#skippedBytes = 0;
      this.options.onTooLong?.(lineNumber, last === CR ? bytes - 1 : bytes);
      return;
    }
    let line = buf;
    if (this.#partsBytes > 0) {
      // A line that spans chunks: its end joins the copied start.
      this.#append(buf, start, end);
      line = this.#carry;
      start = 0;
      end = this.#partsBytes;
      this.#partsBytes = 0;
    }
    if (end > start && line[end - 1] === CR) end--;
    if (end - start > this.options.maxLineBytes) this.options.onTooLong?.(lineNumber, end - start);
    else if (!blank(line, start, end)) this.onLine(line, start, end, lineNumber);
    if (line === this.#carry && line.length > CARRY_KEEP_BYTES) this.#carry = EMPTY;
  }
}

/** Whether bytes[start, end) holds only spaces, tabs and carriage returns (JSON's whitespace on one line), or nothing. */
function blank(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== CR) return false;
  }
  return true;
}

/**
 * Calls onLine(line, lineNumber) for every line of the stream that is not blank (empty, or only spaces and tabs, as an
 * empty line is: a line of spaces was an invalid_json input error while an empty line was skipped), in order. Line numbers start at 1 and count
 * blank lines too, so they match what an editor shows. A UTF-8 byte-order mark at the start of the stream and a
 * trailing "\r" on each line are dropped.
 *
 * `line` is a view of the stream's bytes, valid only during the call (copy it to keep it): callers decode it themselves,
 * `line.toString('utf8')` turning invalid UTF-8 into U+FFFD. A chunk is not kept after it is split, so the stream may
 * hand out one reused buffer (LocalStorage.readChunks); a line split over many chunks is copied into a buffer that
 * grows by doubling, so the time is linear in the bytes for any line length.
 *
 * Resolves with the number of lines seen (empty and too long ones included). An error thrown by a callback or raised
 * by the stream rejects the promise.
 */
export async function forEachLine(
  stream: Readable | AsyncIterable<Buffer | string>,
  onLine: (line: Buffer, lineNumber: number) => void,
  options: LineOptions,
): Promise<number> {
  return forEachLineRange(stream, (bytes, start, end, lineNumber) => onLine(bytes.subarray(start, end), lineNumber), options);
}

/**
 * forEachLine without a Buffer per line: each line is the range [start, end) of `bytes` (a chunk of the stream, or
 * the copy of a line that spanned chunks), valid only during the call. For short lines read by the million (ground
 * truth: a view per 60-byte line was a tenth of the read).
 */
export async function forEachLineRange(stream: Readable | AsyncIterable<Buffer | string>, onLine: LineRangeCallback, options: LineOptions): Promise<number> {
  const splitter = new LineSplitter(onLine, options);
  for await (const chunk of stream as AsyncIterable<Buffer | string>) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  splitter.end();
  return splitter.lineNumber;
}
