/**
 * @module Subsample membership: deterministic, about 80% per subsample, pinned values.
 */
import { describe, expect, it } from 'vitest';
import { fmix32, SUBSAMPLE_COUNT, subsampleMask } from './subsample.ts';

describe('subsampleMask', () => {
  it('puts about 80% of the records in each subsample, independently', () => {
    const n = 100_000;
    const counts = new Array<number>(SUBSAMPLE_COUNT).fill(0);
    let inAll = 0;
    for (let i = 0; i < n; i++) {
      const mask = subsampleMask(Math.imul(i, 0x9e3779b1) >>> 0, 0);
      for (let j = 0; j < SUBSAMPLE_COUNT; j++) counts[j]! += (mask >>> j) & 1;
      if (mask === 0b11111) inAll++;
    }
    for (const count of counts) expect(Math.abs(count / n - 0.8)).toBeLessThan(0.005);
    expect(Math.abs(inAll / n - 0.8 ** 5)).toBeLessThan(0.005);
  });

  it('is pinned: changing it changes every published standard deviation', () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(1364076727);
    // The same values as scripts/fixtures/sklearn_metrics.py's subsample_rows.
    expect([0, 1, 2, 0xffffffff].map((key) => subsampleMask(key, 0))).toEqual([31, 31, 31, 11]);
    expect(subsampleMask(12345, 42)).toBe(22);
    expect(subsampleMask(12345, 42)).toBe(subsampleMask(12345 ^ 42, 0));
  });
});
