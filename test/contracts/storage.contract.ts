/**
 * @module The contract every Storage backend passes (a local folder, an S3 prefix). Each backend's test file calls
 * {@link describeStorageContract} with a harness; a backend may skip a case only with a stated reason.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Storage } from '../../monitor/storage/storage.ts';

/** Names of the contract's cases, for {@link StorageHarness.skip}. */
export type StorageCase =
  | 'sorted-listing'
  | 'nested-folders'
  | 'empty-and-missing'
  | 'no-prefix-over-match'
  | 'pagination'
  | 'streaming-read'
  | 'gzip-bytes'
  | 'write-read-exists'
  | 'atomic-overwrite'
  | 'concurrent-writes'
  | 'stream-write'
  | 'stream-write-atomic'
  | 'range-read'
  | 'remove'
  | 'describe';

/** How the contract reaches one backend. Called inside tests, so it may depend on servers started in beforeAll. */
export interface StorageHarness {
  /** Opens a fresh, empty root (a new temporary folder, a new key prefix). */
  open(): Promise<Storage>;
  /** Puts bytes at a path under the root of `storage` WITHOUT going through the Storage under test. */
  seed(storage: Storage, path: string, body: Buffer | string): Promise<void>;
}

/** Options of {@link describeStorageContract}. */
export interface StorageContractOptions {
  /** Cases this backend skips, each with the reason (printed in the test title). */
  skip?: Partial<Record<StorageCase, string>>;
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure reproduces. */
export function pseudoRandomBytes(size: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

async function seedAll(harness: StorageHarness, storage: Storage, entries: Array<[string, Buffer | string]>) {
  // A few at a time: thousands of parallel requests only measure the server's socket limits.
  const queue = [...entries];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await harness.seed(storage, ...next);
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Registers the storage contract for one backend. */
export function describeStorageContract(
  name: string,
  harness: () => StorageHarness,
  options: StorageContractOptions = {},
): void {
  const test = (id: StorageCase, title: string, fn: () => Promise<void>) => {
    const reason = options.skip?.[id];
    if (reason !== undefined) it.skip(`${title} (skipped: ${reason})`, fn);
    else it(title, fn);
  };

  describe(`storage contract: ${name}`, () => {
    test('sorted-listing', 'lists the immediate folders and files of the root, each sorted by code unit', async () => {
      const h = harness();
      const s = await h.open();
      await seedAll(h, s, [
        ['b.jsonl', 'bb'],
        ['a.jsonl', 'a'],
        ['Z.jsonl', 'zzz'],
        ['dir2/x.jsonl', 'x'],
        ['dir1/y.jsonl', 'y'],
        ['dir1/sub/z.jsonl', 'z'],
      ]);
      const listing = await s.listChildren('');
      expect(listing.dirs).toEqual(['dir1', 'dir2']);
      expect(listing.files.map((f) => f.path)).toEqual(['Z.jsonl', 'a.jsonl', 'b.jsonl']);
      const sizes: Record<string, number> = { 'Z.jsonl': 3, 'a.jsonl': 1, 'b.jsonl': 2 };
      for (const f of listing.files) if (f.size !== undefined) expect(f.size).toBe(sizes[f.path]);
    });

    test('nested-folders', 'lists nested folders with paths relative to the root (the capture layout)', async () => {
      const h = harness();
      const s = await h.open();
      const hour = 'ep/AllTraffic/2024/01/02';
      await seedAll(h, s, [
        [`${hour}/03/00-01-002-a.jsonl`, '{}\n'],
        [`${hour}/03/59-59-999-b.jsonl.gz`, gzipSync('{}\n')],
        [`${hour}/04/00-00-000-c.jsonl`, '{}\n'],
        ['ep/other/2024/01/02/03/x.jsonl', '{}\n'],
      ]);
      expect((await s.listChildren('ep')).dirs).toEqual(['ep/AllTraffic', 'ep/other']);
      expect(await s.listChildren(hour)).toMatchObject({ dirs: [`${hour}/03`, `${hour}/04`], files: [] });
      const leaf = await s.listChildren(`${hour}/03`);
      expect(leaf.dirs).toEqual([]);
      expect(leaf.files.map((f) => f.path)).toEqual([`${hour}/03/00-01-002-a.jsonl`, `${hour}/03/59-59-999-b.jsonl.gz`]);
    });

    test('empty-and-missing', 'lists an empty root and a missing folder as empty', async () => {
      const h = harness();
      const s = await h.open();
      expect(await s.listChildren('')).toEqual({ dirs: [], files: [] });
      await h.seed(s, 'present/a.jsonl', 'a');
      expect(await s.listChildren('absent')).toEqual({ dirs: [], files: [] });
      expect(await s.listChildren('present/absent/deeper')).toEqual({ dirs: [], files: [] });
      // A file is not a folder: listing "into" it gives nothing rather than the file itself.
      expect(await s.listChildren('present/a.jsonl')).toEqual({ dirs: [], files: [] });
    });

    test('no-prefix-over-match', 'folder "1" does not match its siblings "10".."19" or a file "1x"', async () => {
      const h = harness();
      const s = await h.open();
      await seedAll(h, s, [
        ['h/1/a.jsonl', 'a'],
        ['h/10/b.jsonl', 'b'],
        ['h/11/c.jsonl', 'c'],
        ['h/1x', 'not a folder'],
        ['h/1-extra/d.jsonl', 'd'],
      ]);
      expect(await s.listChildren('h/1')).toMatchObject({ dirs: [], files: [{ path: 'h/1/a.jsonl' }] });
      const h1 = await s.listChildren('h');
      expect(h1.dirs).toEqual(['h/1', 'h/1-extra', 'h/10', 'h/11']);
      expect(h1.files.map((f) => f.path)).toEqual(['h/1x']);
    });

    test('pagination', 'lists more than 1000 files in one folder (S3 pages at 1000 keys)', async () => {
      const h = harness();
      const s = await h.open();
      const names = Array.from({ length: 1205 }, (_, i) => `many/${String(i).padStart(5, '0')}.jsonl`);
      await seedAll(h, s, [
        ...names.map((n): [string, string] => [n, '{}\n']),
        ['many/sub-a/x.jsonl', 'x'],
        ['many/sub-b/y.jsonl', 'y'],
      ]);
      const listing = await s.listChildren('many');
      expect(listing.files.map((f) => f.path)).toEqual(names);
      expect(listing.dirs).toEqual(['many/sub-a', 'many/sub-b']);
    });

    test('streaming-read', 'streams a large file in many chunks without changing a byte', async () => {
      const h = harness();
      const s = await h.open();
      const big = pseudoRandomBytes(24 * 1024 * 1024 + 17);
      await h.seed(s, 'big/blob.bin', big);
      const stream = await s.openRead('big/blob.bin');
      expect(stream).toBeInstanceOf(Readable);
      const hash = createHash('sha256');
      let chunks = 0;
      let largest = 0;
      let total = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        chunks++;
        largest = Math.max(largest, chunk.length);
        total += chunk.length;
        hash.update(chunk);
      }
      expect(total).toBe(big.length);
      expect(hash.digest('hex')).toBe(sha256(big));
      // Streamed, not buffered whole: the bytes arrive in pieces much smaller than the object.
      expect(chunks).toBeGreaterThan(4);
      expect(largest).toBeLessThanOrEqual(big.length / 4);
    });

    test('gzip-bytes', 'keeps gzip bytes exactly (no transparent decompression on write or read)', async () => {
      const h = harness();
      const s = await h.open();
      const text = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ i, v: i / 7 })).join('\n') + '\n';
      const gz = gzipSync(text);
      await s.writeFile('cap/part.jsonl.gz', gz);
      expect((await s.readFile('cap/part.jsonl.gz')).equals(gz)).toBe(true);
      const listed = (await s.listChildren('cap')).files;
      expect(listed.map((f) => f.path)).toEqual(['cap/part.jsonl.gz']);
      if (listed[0]?.size !== undefined) expect(listed[0].size).toBe(gz.length);
      const parts: Buffer[] = [];
      await pipeline(await s.openRead('cap/part.jsonl.gz'), createGunzip(), async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) parts.push(chunk);
      });
      expect(Buffer.concat(parts).toString('utf8')).toBe(text);
    });

    const writeTitle = 'writeFile creates nested paths; readFile and exists see it; missing files fail clearly';
    test('write-read-exists', writeTitle, async () => {
      const h = harness();
      const s = await h.open();
      const body = '{\n  "version" : 0.0,\n  "note" : "é ✓ 🙂"\n}\n';
      await s.writeFile('out/2024/01/02/03/statistics.json', body);
      expect((await s.readFile('out/2024/01/02/03/statistics.json')).toString('utf8')).toBe(body);
      expect(await s.exists('out/2024/01/02/03/statistics.json')).toBe(true);
      expect(await s.exists('out/2024/01/02/03/constraints.json')).toBe(false);
      expect(await s.exists('nowhere/at/all.json')).toBe(false);
      expect((await s.listChildren('out/2024/01/02/03')).files.map((f) => f.path)).toEqual([
        'out/2024/01/02/03/statistics.json',
      ]);
      const missing = 'out/2024/01/02/03/constraints.json';
      await expect(s.readFile(missing)).rejects.toThrow(s.describe(missing));
      await expect(s.openRead(missing)).rejects.toThrow(s.describe(missing));
    });

    test('atomic-overwrite', 'overwrites atomically: readers see the old or the new content, never a part', async () => {
      const h = harness();
      const s = await h.open();
      const size = 6 * 1024 * 1024;
      const v1 = Buffer.alloc(size, 'a');
      const v2 = Buffer.alloc(size, 'b');
      await s.writeFile('report/statistics.json', v1);
      let done = false;
      const writing = s.writeFile('report/statistics.json', v2).finally(() => {
        done = true;
      });
      const seen = new Set<string>();
      do {
        const got = await s.readFile('report/statistics.json');
        expect(got.length).toBe(size);
        const whole = got.equals(v1) ? 'old' : got.equals(v2) ? 'new' : 'torn';
        expect(whole).not.toBe('torn');
        seen.add(whole);
      } while (!done);
      await writing;
      expect((await s.readFile('report/statistics.json')).equals(v2)).toBe(true);
      // No temporary file is left behind next to it.
      expect((await s.listChildren('report')).files.map((f) => f.path)).toEqual(['report/statistics.json']);
    });

    test('concurrent-writes', 'concurrent writes to one path leave exactly one complete version', async () => {
      const h = harness();
      const s = await h.open();
      const versions = ['first', 'second', 'third', 'fourth'].map((v) => Buffer.from(`${v}\n`.repeat(50_000)));
      await Promise.all(versions.map((v) => s.writeFile('out/constraint_violations.json', v)));
      const final = await s.readFile('out/constraint_violations.json');
      expect(versions.some((v) => v.equals(final))).toBe(true);
      expect((await s.listChildren('out')).files.map((f) => f.path)).toEqual(['out/constraint_violations.json']);
    });

    test('stream-write', 'writeStream writes a file from many chunks, larger than a part, and returns its size', async () => {
      const h = harness();
      const s = await h.open();
      const big = pseudoRandomBytes(12 * 1024 * 1024 + 3, 7);
      const chunks = async function* (): AsyncGenerator<Uint8Array> {
        for (let at = 0; at < big.length; at += 64 * 1024) yield big.subarray(at, Math.min(big.length, at + 64 * 1024));
      };
      expect(await s.writeStream('store/ep/part-1.parquet', chunks())).toBe(big.length);
      expect(sha256(await s.readFile('store/ep/part-1.parquet'))).toBe(sha256(big));
      expect(await s.size('store/ep/part-1.parquet')).toBe(big.length);
      // A small body and an empty one (no chunk at all) are files too.
      expect(await s.writeStream('store/ep/small.json', (async function* () { yield Buffer.from('{"a":1}'); })())).toBe(7);
      expect((await s.readFile('store/ep/small.json')).toString('utf8')).toBe('{"a":1}');
      expect(await s.writeStream('store/ep/empty.bin', (async function* () {})())).toBe(0);
      expect(await s.size('store/ep/empty.bin')).toBe(0);
      expect((await s.listChildren('store/ep')).files.map((f) => f.path)).toEqual(['store/ep/empty.bin', 'store/ep/part-1.parquet', 'store/ep/small.json']);
    });

    const atomicTitle = 'writeStream is atomic: nothing new is visible while it runs, and a body that throws leaves the old file only';
    test('stream-write-atomic', atomicTitle, async () => {
      const h = harness();
      const s = await h.open();
      await s.writeFile('hour/manifest.json', 'old');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      // Both writers must be mid-way (past their first part) before anything is checked.
      let writersMidway = 0;
      let reached!: () => void;
      const midway = new Promise<void>((resolve) => (reached = resolve));
      const crash = new Error('writer crashed');
      const failing = async function* (): AsyncGenerator<Uint8Array> {
        yield pseudoRandomBytes(6 * 1024 * 1024, 3); // more than one part, so a multipart upload is under way
        yield pseudoRandomBytes(1024, 4);
        if (++writersMidway === 2) reached();
        await gate;
        throw crash;
      };
      // Each outcome is captured at once, so neither rejection is ever unhandled while the other is awaited.
      const outcome = (p: Promise<number>): Promise<unknown> => p.then((n) => ({ wrote: n }), (error: unknown) => error);
      const writing = outcome(s.writeStream('hour/manifest.json', failing()));
      const writingNew = outcome(s.writeStream('hour/part-2.parquet', failing()));
      await midway;
      // Mid-way, the old file is whole and the new one is not visible at all.
      expect((await s.readFile('hour/manifest.json')).toString('utf8')).toBe('old');
      expect(await s.exists('hour/part-2.parquet')).toBe(false);
      release();
      expect(await writing).toBe(crash);
      expect(await writingNew).toBe(crash);
      expect((await s.readFile('hour/manifest.json')).toString('utf8')).toBe('old');
      expect(await s.exists('hour/part-2.parquet')).toBe(false);
      expect((await s.listChildren('hour')).files.map((f) => f.path)).toEqual(['hour/manifest.json']);
    });

    test('range-read', 'readRange reads [start, end) of a file, clamps the end, and names a missing file', async () => {
      const h = harness();
      const s = await h.open();
      const bytes = pseudoRandomBytes(100_000, 11);
      await h.seed(s, 'p/part.parquet', bytes);
      expect((await s.readRange('p/part.parquet', 0, 4)).equals(bytes.subarray(0, 4))).toBe(true);
      expect((await s.readRange('p/part.parquet', 99_992, 100_000)).equals(bytes.subarray(99_992))).toBe(true);
      expect((await s.readRange('p/part.parquet', 12_345, 67_890)).equals(bytes.subarray(12_345, 67_890))).toBe(true);
      expect((await s.readRange('p/part.parquet', 99_000, 200_000)).equals(bytes.subarray(99_000))).toBe(true);
      expect((await s.readRange('p/part.parquet', 10, 10)).length).toBe(0);
      expect(await s.size('p/part.parquet')).toBe(bytes.length);
      await expect(s.readRange('p/absent.parquet', 0, 8)).rejects.toThrow(s.describe('p/absent.parquet'));
      await expect(s.size('p/absent.parquet')).rejects.toThrow(s.describe('p/absent.parquet'));
    });

    test('remove', 'remove deletes a file, and removing a missing file is not an error', async () => {
      const h = harness();
      const s = await h.open();
      await h.seed(s, 'r/a.parquet', 'a');
      await h.seed(s, 'r/b.parquet', 'b');
      await s.remove('r/a.parquet');
      await s.remove('r/never-there.parquet');
      expect(await s.exists('r/a.parquet')).toBe(false);
      expect((await s.listChildren('r')).files.map((f) => f.path)).toEqual(['r/b.parquet']);
    });

    test('describe', 'describe() names the root for "" and a path under the root otherwise', async () => {
      const s = await harness().open();
      expect(s.describe('')).toBe(s.location);
      expect(s.describe('a/b/statistics.json').startsWith(s.location)).toBe(true);
      expect(s.describe('a/b/statistics.json').endsWith('a/b/statistics.json')).toBe(true);
    });
  });
}
