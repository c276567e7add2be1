/**
 * @module Walking capture and ground-truth trees: which folders read as yyyy/mm/dd[/hh] partitions, pruning outside
 * the time range (padded and unpadded names, hour 1 never taken for 10..19), and a deterministic order.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../storage/local.ts';
import { partitionSpan, walkFiles, type TimeRange } from './walk.ts';

const utc = (y: number, mo: number, d: number, h = 0): number => Date.UTC(y, mo - 1, d, h);

describe('partitionSpan', () => {
  it('reads a padded hour folder as that hour', () => {
    expect(partitionSpan('ep/AllTraffic/2024/05/06/22')).toEqual({ start: utc(2024, 5, 6, 22), end: utc(2024, 5, 6, 23) });
  });

  it('reads unpadded folders the same way (the seed writes 2024/5/6/1)', () => {
    expect(partitionSpan('2024/5/6/1')).toEqual({ start: utc(2024, 5, 6, 1), end: utc(2024, 5, 6, 2) });
    expect(partitionSpan('2024/5/6/10')).toEqual({ start: utc(2024, 5, 6, 10), end: utc(2024, 5, 6, 11) });
  });

  it('reads a day folder as the whole day', () => {
    expect(partitionSpan('ep/AllTraffic/2024/05/06')).toEqual({ start: utc(2024, 5, 6), end: utc(2024, 5, 7) });
  });

  it('does not read month or year folders, nor names that are not dates', () => {
    expect(partitionSpan('ep/AllTraffic/2024/05')).toBeUndefined();
    expect(partitionSpan('ep/AllTraffic/2024')).toBeUndefined();
    expect(partitionSpan('ep/AllTraffic')).toBeUndefined();
    expect(partitionSpan('ep/AllTraffic/2024/05/06/22/extra')).toBeUndefined();
  });

  it('rejects impossible dates instead of rolling them over', () => {
    expect(partitionSpan('2024/13/01/00')).toBeUndefined();
    expect(partitionSpan('2023/02/29/00')).toBeUndefined();
    expect(partitionSpan('2024/05/06/24')).toBeUndefined();
    expect(partitionSpan('2024/02/29/00')).toEqual({ start: utc(2024, 2, 29), end: utc(2024, 2, 29, 1) });
  });
});

describe('walkFiles', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mpm-walk-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const files = [
    'ep/AllTraffic/2024/05/06/21/a.jsonl',
    'ep/AllTraffic/2024/05/06/22/b.jsonl',
    'ep/AllTraffic/2024/05/06/22/a.jsonl',
    'ep/AllTraffic/2024/05/06/22/notes.txt',
    'ep/AllTraffic/2024/05/06/23/a.jsonl',
    'ep/AllTraffic/2024/05/07/00/a.jsonl',
    'ep/Shadow/2024/05/06/22/a.jsonl',
    'gt/2024/5/6/1/a.json',
    'gt/2024/5/6/10/a.json',
    'gt/2024/5/6/15/a.json',
    'gt/2024/5/6/2/a.json',
  ];
  for (const f of files) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), '');
  }
  const storage = new LocalStorage(root);

  async function walk(dir: string, range?: TimeRange): Promise<{ files: string[]; pruned: string[] }> {
    const out: string[] = [];
    const pruned: string[] = [];
    for await (const f of walkFiles(storage, dir, { range, accept: (p) => /\.jsonl?$/.test(p), onPruned: (p) => pruned.push(p) })) out.push(f.path);
    return { files: out, pruned };
  }

  it('yields every accepted file in code-unit order of the full path when there is no range', async () => {
    const { files: got, pruned } = await walk('ep');
    expect(got).toEqual([
      'ep/AllTraffic/2024/05/06/21/a.jsonl',
      'ep/AllTraffic/2024/05/06/22/a.jsonl',
      'ep/AllTraffic/2024/05/06/22/b.jsonl',
      'ep/AllTraffic/2024/05/06/23/a.jsonl',
      'ep/AllTraffic/2024/05/07/00/a.jsonl',
      'ep/Shadow/2024/05/06/22/a.jsonl',
    ]);
    expect(pruned).toEqual([]);
  });

  it('prunes hour and day folders outside [start, end) in every variant, and reports each', async () => {
    const { files: got, pruned } = await walk('ep', { start: utc(2024, 5, 6, 22), end: utc(2024, 5, 6, 23) });
    expect(got).toEqual(['ep/AllTraffic/2024/05/06/22/a.jsonl', 'ep/AllTraffic/2024/05/06/22/b.jsonl', 'ep/Shadow/2024/05/06/22/a.jsonl']);
    expect(pruned).toEqual(['ep/AllTraffic/2024/05/06/21', 'ep/AllTraffic/2024/05/06/23', 'ep/AllTraffic/2024/05/07']);
  });

  it('reads hour 1 without hours 10..19 (no prefix over-match)', async () => {
    const { files: got, pruned } = await walk('gt', { start: utc(2024, 5, 6, 1), end: utc(2024, 5, 6, 2) });
    expect(got).toEqual(['gt/2024/5/6/1/a.json']);
    expect(pruned.sort()).toEqual(['gt/2024/5/6/10', 'gt/2024/5/6/15', 'gt/2024/5/6/2']);
  });

  it('keeps a folder that overlaps an open-ended range', async () => {
    const { files: got } = await walk('gt', { start: utc(2024, 5, 6, 10) });
    expect(got).toEqual(['gt/2024/5/6/10/a.json', 'gt/2024/5/6/15/a.json']);
  });

  it('lists a folder that does not exist as empty', async () => {
    expect((await walk('missing')).files).toEqual([]);
  });
});
