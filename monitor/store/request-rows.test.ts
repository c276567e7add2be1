import { describe, expect, it } from 'vitest';
import { RequestIndexes } from './request-rows.ts';

describe('RequestIndexes', () => {
  it('says when a request holds an index already, for small, grown and large indexes', () => {
    const seen = new RequestIndexes();
    for (const index of [0, 1, 63, 64, 5000, 70_000, 2 ** 40]) {
      expect(seen.add(index)).toBe(true);
      expect(seen.add(index)).toBe(false);
    }
    seen.clear();
    for (const index of [2 ** 40, 70_000, 5000, 64, 63, 1, 0]) expect(seen.add(index)).toBe(true);
  });

  it('starts every request empty, past the wrap of its request counter', () => {
    const seen = new RequestIndexes();
    for (let r = 0; r < 5; r++) {
      seen.clear();
      expect(seen.add(3)).toBe(true);
    }
    (seen as unknown as { request: number }).request = 0xffffffff;
    expect(seen.add(3)).toBe(true);
    seen.clear();
    expect(seen.add(3)).toBe(true);
    expect(seen.add(3)).toBe(false);
  });
});
