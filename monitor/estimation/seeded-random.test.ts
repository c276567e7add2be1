import { describe, expect, it } from 'vitest';
import { createSeededRandom } from './seeded-random.ts';

describe('createSeededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const c = createSeededRandom(43);
    const first = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(first);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(first);
    // Pinned, so a change of generator (and of every decision and bootstrap drawn from it) is noticed.
    expect(first.slice(0, 3)).toEqual([1028872839, 2516511472, 400437680]);
  });

  it('draws integers below a bound without bias', () => {
    const random = createSeededRandom(7);
    const counts = new Array<number>(3).fill(0);
    for (let i = 0; i < 30_000; i++) counts[random.below(3)]!++;
    // Each about 10,000 (binomial standard deviation about 82).
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
    expect(() => random.below(0)).toThrow(/bound must be an integer in \[1, 2\^32\], got 0/);
    expect(random.below(1)).toBe(0);
  });

  it('shuffles into a permutation', () => {
    const shuffled = createSeededRandom(1).shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...shuffled].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffled).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('refuses a seed that is not an integer', () => {
    expect(() => createSeededRandom(1.5)).toThrow(/seed must be a safe integer, got 1.5/);
  });
});
