/**
 * @module The streaming Parquet writer: row groups reach storage as they fill (before the file is closed), the
 * queue's high-water mark holds the producer back, and the file is checked when closed.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Field, Float64, makeData, RecordBatch, Schema, Struct } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../storage/local.ts';
import type { Storage } from '../storage/storage.ts';
import { Float64Column } from './arrow-columns.ts';
import { openParquetRange } from './parquet-range-file.ts';
import { ParquetStreamWriter } from './parquet-stream-writer.ts';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

/** A local storage that records the chunks a streamed write receives. */
class Recording extends LocalStorage {
  chunks = 0;
  bytes = 0;
  override writeStream(rel: string, body: AsyncIterable<Uint8Array>): Promise<number> {
    const seen = (chunk: Uint8Array): void => {
      this.chunks++;
      this.bytes += chunk.length;
    };
    return super.writeStream(
      rel,
      (async function* () {
        for await (const chunk of body) {
          seen(chunk);
          yield chunk;
        }
      })(),
    );
  }
}

const schema = new Schema([new Field('x', new Float64(), false)]);
let seed = 3;
function batch(rows: number): RecordBatch {
  const c = new Float64Column();
  for (let i = 0; i < rows; i++) c.append((seed = (seed * 16807) % 2147483647) / 2147483647);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children: [c.finish()] }));
}

async function until(what: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ParquetStreamWriter', () => {
  it('sends each row group on as it fills, before the file is closed', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-pq-'));
    roots.push(root);
    const storage = new Recording(root);
    const w = await ParquetStreamWriter.create(storage, 'f.parquet', schema, { rowGroupRows: 50_000 });
    let before = 0;
    for (let g = 0; g < 4; g++) {
      w.write(batch(50_000));
      // Random doubles do not compress: each row group is ~400 KB on its way out while the next is not yet made.
      await until(() => storage.bytes > before + 300_000);
      before = storage.bytes;
    }
    expect(await storage.exists('f.parquet')).toBe(false); // streamed, but not visible before close
    const result = await w.close();
    expect(result).toMatchObject({ rows: 200_000, rowGroups: 4 });
    const file = await openParquetRange(storage as Storage, 'f.parquet');
    expect([file.numRows, file.numRowGroups, file.rowGroupRows(3)]).toEqual([200_000, 4, 50_000]);
    file.close();
  });

  it('turns needsDrain on above the high-water mark and drain() resolves once the queue is sent', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-pq-'));
    roots.push(root);
    const w = await ParquetStreamWriter.create(new LocalStorage(root), 'g.parquet', schema, { rowGroupRows: 10_000, highWaterBytes: 100_000 });
    for (let g = 0; g < 5; g++) w.write(batch(10_000));
    expect(w.needsDrain).toBe(true);
    await w.drain();
    expect(w.needsDrain).toBe(false);
    expect((await w.close()).rows).toBe(50_000);
  });
});

describe('ParquetStreamWriter when the storage fails', () => {
  it('reports the failure from drain(), write() and close() instead of queueing or waiting forever', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-pq-'));
    roots.push(root);
    class Failing extends LocalStorage {
      override async writeStream(_rel: string, body: AsyncIterable<Uint8Array>): Promise<number> {
        for await (const _chunk of body) throw Object.assign(new Error('AccessDenied: no s3:PutObject'), { name: 'AccessDenied' });
        return 0;
      }
    }
    const w = await ParquetStreamWriter.create(new Failing(root), 'h.parquet', schema, { rowGroupRows: 10_000, highWaterBytes: 50_000 });
    for (let g = 0; g < 5; g++) w.write(batch(10_000));
    await expect(w.drain()).rejects.toThrow('AccessDenied: no s3:PutObject');
    expect(() => w.write(batch(10))).toThrow('AccessDenied');
    await expect(w.close()).rejects.toThrow('AccessDenied');
  });
});

describe('ParquetStreamWriter encoding on a thread of its own or on this one', () => {
  const sha = async (encodeOnThread: boolean, options: { compression?: 'ZSTD' | 'SNAPPY' } = {}) => {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-pq-'));
    roots.push(root);
    seed = 11;
    const w = await ParquetStreamWriter.create(new LocalStorage(root), 't.parquet', schema, { rowGroupRows: 5_000, metadata: { k: 'v' }, encodeOnThread, ...options });
    for (let g = 0; g < 3; g++) w.write(batch(5_000));
    w.write(batch(17));
    return w.close();
  };

  it('writes the same bytes either way', async () => {
    const [here, thread] = [await sha(false), await sha(true)];
    expect(thread).toEqual({ ...here, path: thread.path });
    expect(thread.rows).toBe(15_017);
    expect((await sha(true, { compression: 'SNAPPY' })).sha256).toBe((await sha(false, { compression: 'SNAPPY' })).sha256);
  });

  it('reports a WebAssembly panic of the encoding thread as a failed write, and leaves nothing behind', async () => {
    // parquet-wasm 0.7.1 panics ("unreachable") on a dictionary encoding given as a column's encoding. On its own
    // thread the panic ends that thread only; this thread's parquet-wasm stays usable.
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-pq-'));
    roots.push(root);
    const options = { rowGroupRows: 1_000, encodeOnThread: true, columns: { x: { encoding: 'RLE_DICTIONARY' as 'PLAIN' } } };
    const w = await ParquetStreamWriter.create(new LocalStorage(root), 'e.parquet', schema, options);
    w.write(batch(10));
    await expect(w.close()).rejects.toThrow(/output: cannot write .*e\.parquet \(.*unreachable/);
    expect(await new LocalStorage(root).exists('e.parquet')).toBe(false);
    expect((await sha(false)).rows).toBe(15_017);
  });

  describe.each([true, false])('reads the stored footer back (encoded on a thread of its own: %s)', (encodeOnThread) => {
    /** A local storage whose ranged reads (the footer's read-back) are damaged or fail. */
    class Damaging extends LocalStorage {
      constructor(
        root: string,
        private readonly damage: (bytes: Buffer) => Buffer,
      ) {
        super(root);
      }
      override async readRange(rel: string, start: number, end: number): Promise<Buffer> {
        return this.damage(await super.readRange(rel, start, end));
      }
    }

    async function closeWith(damage: (bytes: Buffer) => Buffer): Promise<unknown> {
      const root = await mkdtemp(path.join(tmpdir(), 'mpm-pq-'));
      roots.push(root);
      const w = await ParquetStreamWriter.create(new Damaging(root, damage), 'f.parquet', schema, { rowGroupRows: 1_000, encodeOnThread });
      w.write(batch(1_500 - 500));
      w.write(batch(200));
      return w.close().then(
        (result) => result,
        (error: unknown) => error,
      );
    }

    it('through the storage: what it reads is what the check sees', async () => {
      const ranges: number[] = [];
      const result = await closeWith((bytes) => {
        ranges.push(bytes.length);
        return bytes;
      });
      expect(result).toMatchObject({ rows: 1_200, rowGroups: 2 });
      expect(ranges.length).toBeGreaterThan(0);
    });

    it('a footer read back damaged fails the close, naming the file', async () => {
      const error = await closeWith((bytes) => Buffer.alloc(bytes.length, 0x41));
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/^output: .*f\.parquet was written but cannot be read back \(/);
    });

    it('a read-back that fails fails the close with the storage\'s reason', async () => {
      const error = await closeWith(() => {
        throw new Error('access denied by the test');
      });
      expect((error as Error).message).toMatch(/f\.parquet was written but cannot be read back \(.*access denied by the test\)/);
    });
  });

  it('a ranged read that fails while a footer is read is that failure, not a hang or a panic', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-pq-'));
    roots.push(root);
    const w = await ParquetStreamWriter.create(new LocalStorage(root), 'r.parquet', schema, { rowGroupRows: 1_000 });
    w.write(batch(1_000));
    w.write(batch(10));
    await w.close();
    /** Fails every ranged read after the first `good`. */
    class Failing extends LocalStorage {
      reads = 0;
      constructor(private readonly good: number) {
        super(root);
      }
      override async readRange(rel: string, start: number, end: number): Promise<Buffer> {
        if (++this.reads > this.good) throw new Error(`read ${this.reads} refused by the test`);
        return super.readRange(rel, start, end);
      }
    }
    // Opening reads the footer's length, the footer and its page indexes: a failure at each step.
    for (const good of [0, 1, 2]) await expect(openParquetRange(new Failing(good), 'r.parquet')).rejects.toThrow(`read ${good + 1} refused by the test`);
    const file = await openParquetRange(new Failing(Infinity), 'r.parquet');
    expect([file.numRows, file.numRowGroups, file.rowGroupRows(1)]).toEqual([1_010, 2, 10]);
    file.close();
  });

  it('aborts a file being encoded on its thread: nothing becomes visible', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-pq-'));
    roots.push(root);
    const storage = new Recording(root);
    const w = await ParquetStreamWriter.create(storage, 'x.parquet', schema, { rowGroupRows: 20_000, encodeOnThread: true });
    w.write(batch(20_000));
    await until(() => storage.bytes > 0);
    w.write(batch(20_000));
    await w.abort();
    expect(await storage.exists('x.parquet')).toBe(false);
    expect(await readdir(root)).toEqual([]);
  });
});
