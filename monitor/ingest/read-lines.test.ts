/**
 * @module Line splitting of capture files: every chunk boundary, CRLF, a missing final newline, long lines and
 * multi-byte characters cut between chunks, with line numbers as an editor shows them.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { forEachLine } from './read-lines.ts';

async function collect(chunks: Array<Buffer | string>): Promise<{ lines: Array<[number, string]>; total: number }> {
  const lines: Array<[number, string]> = [];
  const total = await forEachLine(Readable.from(chunks, { objectMode: true }), (text, n) => lines.push([n, text]));
  return { lines, total };
}

/** Every way of cutting `text` into two chunks, as bytes. */
function splits(text: string): Buffer[][] {
  const bytes = Buffer.from(text, 'utf8');
  const out: Buffer[][] = [];
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
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
    const chunks: Buffer[] = [];
    const bytes = Buffer.from(`short\n${long}\nend\n`);
    for (let i = 0; i < bytes.length; i += 65_536) chunks.push(bytes.subarray(i, i + 65_536));
    const { lines } = await collect(chunks);
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
    expect(await collect([])).toEqual({ lines: [], total: 0 });
  });

  it('passes an error thrown by the callback to the caller', async () => {
    await expect(
      forEachLine(Readable.from(['a\nb\n']), () => {
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
  });
});
