/**
 * @module Gunzip by members (issue 14, item 3): the same bytes as zlib for one or many members and any chunking, the
 * data before trailing garbage kept as `gzip -d` keeps it, and every broken file (not gzip, cut short, corrupt, a
 * bomb, a source that fails) an error of its own.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GzipError, gunzipMembers, type GunzipProgress } from './gunzip-members.ts';

const OPTIONS = { maxRatio: 200, ratioAllowance: 16 << 20, sourceError: (e: unknown) => new Error(`source: ${(e as Error).message}`) };

function chunked(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

async function gunzip(input: Buffer | Buffer[], options = OPTIONS): Promise<{ data: Buffer; progress: GunzipProgress; error?: Error }> {
  const progress: GunzipProgress = { rawBytes: 0 };
  const parts: Buffer[] = [];
  try {
    for await (const c of gunzipMembers(Readable.from(Array.isArray(input) ? input : [input]), progress, options)) parts.push(Buffer.from(c));
  } catch (error) {
    return { data: Buffer.concat(parts), progress, error: error as Error };
  }
  return { data: Buffer.concat(parts), progress };
}

const text = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => `{"line":${i},"pad":"${'p'.repeat(i % 90)}"}\n`).join(''));

describe('gunzipMembers', () => {
  it('gives the bytes of one member, a member with a file name, and several members in a row', async () => {
    const a = text(5000);
    const b = randomBytes(300_000);
    expect((await gunzip(gzipSync(a))).data.equals(a)).toBe(true);
    const named = execFileSync('gzip', ['-c', '-N'], { input: a });
    expect((await gunzip(named)).data.equals(a)).toBe(true);
    const two = await gunzip(Buffer.concat([gzipSync(a), gzipSync(b), gzipSync(Buffer.alloc(0))]));
    expect(two.error).toBeUndefined();
    expect(two.data.equals(Buffer.concat([a, b]))).toBe(true);
  });

  // gzip -d: "decompression OK, trailing garbage ignored"; Node's Gunzip dropped the last write's output.
  it('keeps every byte before trailing garbage, as gzip -d does, and notes the garbage', async () => {
    const a = text(20_000);
    const file = Buffer.concat([gzipSync(a), Buffer.from('garbage here\n')]);
    const got = await gunzip(chunked(file, 65_536));
    expect(got.error).toBeUndefined();
    expect(got.data.equals(a)).toBe(true);
    expect(got.progress.trailingGarbage).toMatch(/ignored, as gzip -d does/);
    let gzipOut: Buffer;
    try {
      gzipOut = execFileSync('gzip', ['-dc'], { input: file, stdio: ['pipe', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
    } catch (error) {
      gzipOut = (error as { stdout: Buffer }).stdout; // exit status 2: a warning
    }
    expect(got.data.equals(gzipOut)).toBe(true);
  });

  it('ignores zero padding after a member', async () => {
    const a = text(100);
    const got = await gunzip(Buffer.concat([gzipSync(a), Buffer.alloc(512)]));
    expect(got).toEqual({ data: a, progress: { rawBytes: expect.any(Number) } });
  });

  it('reads an empty file as holding nothing', async () => {
    expect(await gunzip(Buffer.alloc(0))).toEqual({ data: Buffer.alloc(0), progress: { rawBytes: 0 } });
  });

  it('fails on bytes that are not gzip, on a stream cut short (keeping what came before), and on corrupt data', async () => {
    expect((await gunzip(Buffer.from('{"not":"gzip"}\n'))).error).toEqual(new GzipError('it is not valid gzip (no gzip header)'));
    const a = text(20_000);
    const gz = gzipSync(a);
    for (const cut of [5, 12, Math.floor(gz.length / 2), gz.length - 4]) {
      const got = await gunzip(gz.subarray(0, cut));
      expect(got.error?.message).toBe('the gzip stream is cut short (unexpected end of file)');
      expect(a.subarray(0, got.data.length).equals(got.data)).toBe(true);
    }
    expect((await gunzip(gz.subarray(0, Math.floor(gz.length / 2)))).data.length).toBeGreaterThan(a.length / 4);
    const corrupt = Buffer.from(gz);
    corrupt.writeUInt32LE((corrupt.readUInt32LE(corrupt.length - 8) ^ 1) >>> 0, corrupt.length - 8);
    expect((await gunzip(corrupt)).error?.message).toBe('it is not valid gzip (the data does not match its CRC-32 or length: corrupt)');
    const method = Buffer.from(gz);
    method[2] = 7;
    expect((await gunzip(method)).error?.message).toBe('it is not valid gzip (unknown compression method)');
    const inflated = Buffer.from(gz);
    inflated[20] ^= 0xff;
    expect((await gunzip(inflated)).error?.message).toMatch(/^it is not valid gzip \(/);
  });

  it('stops a gzip bomb past the ratio bound, having read little of it', async () => {
    const bomb = gzipSync(Buffer.alloc(64 << 20), { level: 9 });
    const got = await gunzip(chunked(bomb, 16_384), { ...OPTIONS, ratioAllowance: 1 << 20 });
    expect(got.error?.message).toBe('it decompresses to more than 200 times its compressed size (MPM_MAX_GZIP_RATIO), like a gzip bomb');
    expect(got.data.length).toBeLessThan(8 << 20);
  });

  it('passes the failure of the source on through sourceError', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield gzipSync(text(10)).subarray(0, 20);
      throw new Error('connection reset');
    }
    const progress: GunzipProgress = { rawBytes: 0 };
    const read = async (): Promise<void> => {
      for await (const _ of gunzipMembers(Readable.from(failing()), progress, OPTIONS)) void _;
    };
    await expect(read()).rejects.toThrow('source: connection reset');
  });

  it('stops reading when the reader stops early', async () => {
    const gz = gzipSync(randomBytes(8 << 20));
    const stream = Readable.from(chunked(gz, 65_536));
    for await (const _ of gunzipMembers(stream, { rawBytes: 0 }, OPTIONS)) break;
    expect(stream.destroyed).toBe(true);
  });

  it('reads a file of one member per line, then a member larger than one call inflates, then a corrupt small one', async () => {
    const lines = text(5_000);
    const perLine = lines.toString().split(/(?<=\n)/).map((l) => gzipSync(l));
    const large = randomBytes(3 << 20).toString('base64');
    const file = Buffer.concat([...perLine, gzipSync(large), gzipSync('{"after":1}\n')]);
    for (const size of [1_000, 65_536, file.length]) {
      const got = await gunzip(chunked(file, size));
      expect(got.error).toBeUndefined();
      expect(got.data.equals(Buffer.concat([lines, Buffer.from(large), Buffer.from('{"after":1}\n')]))).toBe(true);
    }
    const bad = gzipSync('{"bad":1}\n');
    bad[12] ^= 0xff;
    const got = await gunzip(Buffer.concat([...perLine.slice(0, 10), bad]));
    expect(got.error?.message).toMatch(/^it is not valid gzip \(/);
    const before = Buffer.concat(lines.toString().split(/(?<=\n)/).slice(0, 10).map((l) => Buffer.from(l)));
    expect(got.data.subarray(0, before.length).equals(before)).toBe(true);
  });

  it('gives what zlib gives for any members and any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 4096 }),
        async (members, size) => {
          const file = Buffer.concat(members.map((m) => gzipSync(m)));
          const got = await gunzip(chunked(file, size));
          expect(got.error).toBeUndefined();
          expect(got.data.equals(Buffer.concat(members))).toBe(true);
          expect(got.progress.rawBytes).toBe(file.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});
