/**
 * LineBuffer.bytes into shared chunks (the escaping thread's batches) gives the source's bytes exactly, whatever the
 * source's and the target's alignment: a source out of phase with its target goes through plain memory first
 * (line-buffer.ts copyInPhase), in pieces when it is larger than the staging area; and so does a source in shared memory
 * copied out (the escaping thread's).
 */

import { describe, expect, it } from 'vitest';
import { ChunkPool, LineBuffer } from '../../serving/capture/line-buffer.ts';

function pattern(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('LineBuffer.bytes into shared chunks', () => {
  it('copies every source offset and length exactly, with the regions where they were appended', () => {
    for (const shared of [true, false]) {
      const out = new LineBuffer(new ChunkPool(1 << 20, shared));
      const expected: Buffer[] = [];
      const regions: number[] = [];
      let length = 0;
      let seed = 1;
      for (const size of [0, 1, 7, 511, 512, 513, 4096, 54_321, 262_144, 262_151, 700_001]) {
        for (let sourceOffset = 0; sourceOffset < 9; sourceOffset += size > 100_000 ? 4 : 1) {
          // A prefix of 0 to 8 bytes moves the target's phase too.
          const prefix = pattern(seed % 9, seed);
          out.latin1(prefix.toString('latin1'));
          const backing = pattern(size + 16, seed++);
          const src = backing.subarray(sourceOffset, sourceOffset + size);
          out.bytes(src, true);
          if (size > 0) regions.push(length + prefix.length, length + prefix.length + size);
          expected.push(prefix, Buffer.from(src));
          length += prefix.length + size;
        }
      }
      const taken = out.take();
      expect(taken.bytes).toBe(length);
      expect(taken.regions).toEqual(regions);
      expect(Buffer.concat(taken.views).equals(Buffer.concat(expected))).toBe(true);
      if (shared) expect(taken.chunks.every((c) => c.buffer instanceof SharedArrayBuffer)).toBe(true);
    }
  });

  it('copies sources in shared memory exactly, into plain and shared chunks, whatever their offsets', () => {
    for (const shared of [false, true]) {
      const out = new LineBuffer(new ChunkPool(1 << 20, shared));
      const expected: Buffer[] = [];
      let seed = 7;
      for (const size of [1, 511, 512, 4097, 54_321, 262_151, 600_003]) {
        for (let sourceOffset = 0; sourceOffset < 9; sourceOffset += size > 100_000 ? 4 : 1) {
          const prefix = pattern(seed % 9, seed);
          out.latin1(prefix.toString('latin1'));
          const backing = Buffer.from(new SharedArrayBuffer(size + 16));
          pattern(size + 16, seed++).copy(backing);
          const src = backing.subarray(sourceOffset, sourceOffset + size);
          out.bytes(src);
          expected.push(prefix, Buffer.from(src));
        }
      }
      expect(Buffer.concat(out.take().views).equals(Buffer.concat(expected))).toBe(true);
    }
  });
});
