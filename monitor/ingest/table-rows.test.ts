/**
 * @module JSON rows read from files larger than one read: the local reader reuses one 1 MiB buffer for every read, so
 * whatever the row reader keeps across reads (a JSON array read whole, the first chunks peeked to tell an array from
 * JSON Lines, a line that spans reads) must be a copy. Each case spans several reads and checks every row.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../storage/local.ts';
import { openRows, type Row } from './table-rows.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'mpm-table-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 40_000;
const rowOf = (i: number) => ({ id: `inference-${i}`, payload_index: i % 50, label: `class-${i % 7}`, pad: 'x'.repeat(i % 97) });

async function readRows(name: string, body: string): Promise<{ layout: string; rows: Row[] }> {
  writeFileSync(path.join(dir, name), body);
  const file = await openRows(new LocalStorage(dir), name, 'json-auto');
  const rows: Row[] = [];
  await file.forEach((row) => rows.push(row));
  return { layout: file.layout, rows };
}

describe('openRows over a reused read buffer', () => {
  const expected = Array.from({ length: ROWS }, (_, i) => rowOf(i));

  it('reads a JSON array of several MiB whole, every row intact', async () => {
    const body = JSON.stringify(expected);
    expect(body.length).toBeGreaterThan(3 << 20);
    const { layout, rows } = await readRows('array.json', body);
    expect(layout).toBe('json-array');
    expect(rows.map((r) => ('value' in r ? r.value : r))).toEqual(expected);
  });

  it('reads JSON Lines after more than a read of leading blank lines (the peek spans reads), every row intact', async () => {
    const body = '\n'.repeat((1 << 20) + 12_345) + expected.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const { layout, rows } = await readRows('lines.jsonl', body);
    expect(layout).toBe('json-lines');
    expect(rows.map((r) => ('value' in r ? r.value : r))).toEqual(expected);
    expect(rows[0]!.line).toBe((1 << 20) + 12_345 + 1);
  });

  it('reads a JSON array after more than a read of leading blanks', async () => {
    const body = ' '.repeat((1 << 20) + 7) + JSON.stringify(expected.slice(0, 5_000));
    const { layout, rows } = await readRows('late-array.json', body);
    expect(layout).toBe('json-array');
    expect(rows.map((r) => ('value' in r ? r.value : r))).toEqual(expected.slice(0, 5_000));
  });
});
