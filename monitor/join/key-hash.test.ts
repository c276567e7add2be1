/**
 * @module The 64-bit join-key hash: deterministic, sensitive to every character and to the payload index, and free
 * of collisions over a million distinct keys that include the zero-padded ids the seed confused ("007" vs "7").
 */
import { describe, expect, it } from 'vitest';
import { hashKey, type KeyHash } from './key-hash.ts';

const h = (id: string, index: number): KeyHash => hashKey(id, index, { lo: 0, hi: 0 });
const pack = (k: KeyHash): string => `${k.hi}:${k.lo}`;

describe('hashKey', () => {
  it('is deterministic, writes into the given object and returns it', () => {
    const out = { lo: 1, hi: 2 };
    expect(hashKey('abc', 3, out)).toBe(out);
    expect(out).toEqual(h('abc', 3));
    expect(out.lo >>> 0).toBe(out.lo);
    expect(out.hi >>> 0).toBe(out.hi);
  });

  it('gives different keys for "007" and "7", for the index, and for ids that differ in one character', () => {
    const keys = [h('007', 0), h('7', 0), h('07', 0), h('7', 1), h('0', 7), h('', 0), h('a', 0), h('b', 0)].map(pack);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('has no collision over 1,000,000 distinct keys (numeric, zero-padded and UUID-like ids, 5 indexes each)', () => {
    const n = 200_000;
    // High half -> low half of the first key seen; keys sharing a high half (about 116 expected) are compared in full.
    const byHigh = new Map<number, number>();
    const full = new Set<string>();
    const out = { lo: 0, hi: 0 };
    let k = 0;
    let collisions = 0;
    for (let i = 0; i < n; i++) {
      // 0..49999 plain, the same numbers zero-padded to 7 digits, and UUID-like ids: 200,000 distinct ids.
      const id =
        i < 50_000 ? String(i) : i < 100_000 ? String(i - 50_000).padStart(7, '0') : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      for (let index = 0; index < 5; index++, k++) {
        hashKey(id, index, out);
        const first = byHigh.get(out.hi);
        if (first === undefined) {
          byHigh.set(out.hi, out.lo);
          continue;
        }
        full.add(`${out.hi}:${first}`);
        const both = `${out.hi}:${out.lo}`;
        if (full.has(both)) collisions++;
        full.add(both);
      }
    }
    expect(k).toBe(1_000_000);
    expect(collisions).toBe(0);
  });
});
