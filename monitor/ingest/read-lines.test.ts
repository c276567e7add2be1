/**
 * @module Line splitting of capture files: every chunk boundary, CRLF, a missing final newline, long lines and
 * multi-byte characters cut between chunks, with line numbers as an editor shows them; the byte-order mark; the
 * maximum line size (issue 14, item 1: a 40 MB line used to take quadratic time, and any line was buffered whole).
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachLine, type LineOptions } from './read-lines.ts';

const UNLIMITED: LineOptions = { maxLineBytes: 1 << 30 };

interface Collected {
  lines: Array<[number, string]>;
  tooLong: Array<[number, number]>;
  total: number;
}

async function collect(chunks: Array<Buffer | string>, maxLineBytes = UNLIMITED.maxLineBytes): Promise<Collected> {
  const lines: Array<[number, string]> = [];
  const tooLong: Array<[number, number]> = [];
  const total = await forEachLine(reusedBuffer(chunks), (line, n) => lines.push([n, line.toString('utf8')]), {
    maxLineBytes,
    onTooLong: (n, bytes) => tooLong.push([n, bytes]),
  });
  return { lines, tooLong, total };
}

/**
 * The chunks as a reader with one reused buffer hands them out (LocalStorage.readChunks): each buffer chunk is a view of
 * one shared buffer that is scribbled over as soon as the next chunk is pulled, so every test here also checks that
 * the splitter keeps nothing of a chunk after it returns.
 */
async function* reusedBuffer(chunks: Array<Buffer | string>): AsyncGenerator<Buffer | string> {
  let shared = Buffer.alloc(0);
  for (const chunk of chunks) {
    if (typeof chunk === 'string') {
      yield chunk;
      continue;
    }
    if (shared.length < chunk.length) shared = Buffer.alloc(chunk.length);
    chunk.copy(shared);
    yield shared.subarray(0, chunk.length);
    shared.fill(0x5a);
  }
}

/** Every way of cutting `text` into two chunks, as bytes. */
function splits(text: string | Buffer): Buffer[][] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const out: Buffer[][] = [];
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  return out;
}

/** Cuts bytes into chunks of `size`. */
function chunked(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('forEachLine', () => {
  it('numbers lines from 1 and skips empty ones without renumbering', async () => {
    const { lines, total } = await collect(['a\n\nb\n']);
    expect(lines).toEqual([
      [1, 'a'],
      [3, 'b'],
    ]);
    expect(total).toBe(3);
  });

  it('skips a line of spaces and tabs as it skips an empty one (it was an invalid_json input error), and keeps a line with one character', async () => {
    const { lines, total } = await collect(['a\n   \t \r\n\t\n', ' b \n', '  ']);
    expect(lines).toEqual([
      [1, 'a'],
      [4, ' b '],
    ]);
    expect(total).toBe(5);
  });

  it('gives the same lines for every cut of the input into two chunks, CRLF and a multi-byte character included', async () => {
    const text = '{"a":"é"}\r\n\r\n{"b":"€ 2"}\n{"c":3}\r\nlast';
    const expected = [
      [1, '{"a":"é"}'],
      [3, '{"b":"€ 2"}'],
      [4, '{"c":3}'],
      [5, 'last'],
    ];
    for (const chunks of splits(text)) expect((await collect(chunks)).lines).toEqual(expected);
  });

  it('hands out bytes: invalid UTF-8 is the caller\'s to decode (toString gives U+FFFD, as before)', async () => {
    const lines: Buffer[] = [];
    await forEachLine(Readable.from([Buffer.from([0x61, 0xff, 0x62, 0x0a])]), (line) => lines.push(Buffer.from(line)), UNLIMITED);
    expect(lines).toEqual([Buffer.from([0x61, 0xff, 0x62])]);
    expect(lines[0]!.toString('utf8')).toBe('a\uFFFDb');
  });

  it('reads a last line without a final newline', async () => {
    expect((await collect(['x\ny'])).lines).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
  });

  it('drops a trailing CR that arrives in its own chunk before the newline', async () => {
    expect((await collect(['abc\r', '\ndef\r'])).lines).toEqual([
      [1, 'abc'],
      [2, 'def'],
    ]);
  });

  it('reassembles a line longer than many chunks', async () => {
    const long = 'x'.repeat(1_000_000);
    const { lines } = await collect(chunked(Buffer.from(`short\n${long}\nend\n`), 65_536));
    expect(lines.map(([n, t]) => [n, t.length])).toEqual([
      [1, 5],
      [2, 1_000_000],
      [3, 3],
    ]);
    expect(lines[1]![1]).toBe(long);
  });

  it('reads string chunks as well as buffers', async () => {
    expect((await collect(['a\nb', 'c\n'])).lines).toEqual([
      [1, 'a'],
      [2, 'bc'],
    ]);
  });

  it('calls nothing for an empty stream', async () => {
    expect(await collect([])).toEqual({ lines: [], tooLong: [], total: 0 });
  });

  it('passes an error thrown by the callback to the caller', async () => {
    await expect(
      forEachLine(
        Readable.from(['a\nb\n']),
        () => {
          throw new Error('stop');
        },
        UNLIMITED,
      ),
    ).rejects.toThrow('stop');
  });

  // Issue 14, item 4: a byte-order mark rejected a JSON ground-truth file and dropped the first JSON Lines row.
  it('drops a UTF-8 byte-order mark at the start of the stream, however the first bytes are cut', async () => {
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n{"b":2}\n')]);
    for (const chunks of splits(text)) {
      expect((await collect(chunks)).lines).toEqual([
        [1, '{"a":1}'],
        [2, '{"b":2}'],
      ]);
    }
    const oneByteChunks = chunked(text, 1);
    expect((await collect(oneByteChunks)).lines[0]).toEqual([1, '{"a":1}']);
  });

  it('keeps a byte-order mark that is not at the start, and bytes that only begin like one', async () => {
    const inside = Buffer.concat([Buffer.from('a\n'), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('b\n')]);
    expect((await collect([inside])).lines).toEqual([
      [1, 'a'],
      [2, '\uFEFFb'],
    ]);
    expect((await collect([Buffer.from([0xef, 0xbb])])).lines).toEqual([[1, '\uFFFD']]);
    expect((await collect([Buffer.from([0xef, 0xbb, 0xbf])])).total).toBe(0);
  });

  describe('maximum line size', () => {
    it('skips a line longer than maxLineBytes, reports its number and length, and reads the next lines', async () => {
      const text = `ok\n${'y'.repeat(100)}\nnext\n`;
      for (const chunks of splits(text)) {
        expect(await collect(chunks, 10)).toEqual({
          lines: [
            [1, 'ok'],
            [3, 'next'],
          ],
          tooLong: [[2, 100]],
          total: 3,
        });
      }
    });

    it('accepts a line of exactly maxLineBytes, with or without a CR, and rejects one byte more', async () => {
      for (const chunks of splits('1234567890\r\n12345678901\n1234567890')) {
        expect(await collect(chunks, 10)).toEqual({
          lines: [
            [1, '1234567890'],
            [3, '1234567890'],
          ],
          tooLong: [[2, 11]],
          total: 3,
        });
      }
    });

    it('reports a too long last line without a newline, and a too long CRLF line without its CR', async () => {
      expect(await collect(chunked(Buffer.from(`a\n${'z'.repeat(50)}\r\n${'w'.repeat(40)}`), 7), 10)).toEqual({
        lines: [[1, 'a']],
        tooLong: [
          [2, 50],
          [3, 40],
        ],
        total: 3,
      });
    });

    it('does not keep the bytes of a skipped line: a 256 MiB line past a 1 MiB limit stays within a few MiB', async () => {
      const chunk = Buffer.alloc(1 << 20, 0x78);
      const before = process.memoryUsage().arrayBuffers;
      let peak = 0;
      async function* source(): AsyncGenerator<Buffer> {
        yield Buffer.from('first\n');
        for (let i = 0; i < 256; i++) {
          peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
          yield chunk;
        }
        yield Buffer.from('\nlast\n');
      }
      const lines: string[] = [];
      const tooLong: number[] = [];
      await forEachLine(source(), (line) => lines.push(line.toString()), { maxLineBytes: 1 << 20, onTooLong: (_, bytes) => tooLong.push(bytes) });
      expect(lines).toEqual(['first', 'last']);
      expect(tooLong).toEqual([256 << 20]);
      expect(peak).toBeLessThan(16 << 20);
    });
  });

  // Issue 14, item 1: with gzip's 16 KiB chunks a 10 MB line took 26 s, 20 MB 94 s, 40 MB never ended.
  it('reads a 64 MB line in 16 KiB chunks in linear time (well under a second of work per 64 MB)', async () => {
    const line = Buffer.alloc(64 << 20, 0x61);
    const bytes = Buffer.concat([line, Buffer.from('\nshort\n')]);
    const chunks = chunked(bytes, 16 << 10);
    const started = performance.now();
    const lengths: number[] = [];
    await forEachLine(Readable.from(chunks), (l) => lengths.push(l.length), { maxLineBytes: 64 << 20 });
    const seconds = (performance.now() - started) / 1000;
    expect(lengths).toEqual([64 << 20, 5]);
    // The quadratic splitter copied about n²/(2·16 KiB) = 128 GB for this line; linear work is ~64 MB of copying.
    expect(seconds).toBeLessThan(10);
  });

  it('gives the lines a reference split gives, for any text, any cut into chunks and any maximum (property)', async () => {
    const line = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('', '\r', 'é€', '\uFEFF', 'x'.repeat(40)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 50 }),
        async (texts, bom, finalNewline, sizes, max) => {
          const body = texts.join('\n') + (finalNewline && texts.length > 0 ? '\n' : '');
          const bytes = Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(body, 'utf8')]);
          const chunks: Buffer[] = [];
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const size = sizes[i % sizes.length]!;
            chunks.push(bytes.subarray(at, at + size));
            at += size;
          }
          // The reference: drop one byte-order mark at the very start, then split the whole text at once.
          const expected: Collected = { lines: [], tooLong: [], total: 0 };
          const raw = bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? bytes.subarray(3) : bytes;
          const pieces: Buffer[] = [];
          for (let at = 0; at <= raw.length; ) {
            const nl = raw.indexOf(0x0a, at);
            if (nl === -1) {
              if (at < raw.length) pieces.push(raw.subarray(at));
              break;
            }
            pieces.push(raw.subarray(at, nl));
            at = nl + 1;
          }
          pieces.forEach((piece, i) => {
            const text = piece.length > 0 && piece[piece.length - 1] === 0x0d ? piece.subarray(0, -1) : piece;
            if (text.length > max) expected.tooLong.push([i + 1, text.length]);
            // Blank lines (nothing, or only spaces, tabs and carriage returns) are skipped.
            else if (!text.every((b) => b === 0x20 || b === 0x09 || b === 0x0d)) expected.lines.push([i + 1, text.toString('utf8')]);
          });
          expected.total = pieces.length;
          expect(await collect(chunks, max)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
