import { describe, expect, it } from 'vitest';
import { DistinctCounter, DISTINCT_EXACT_CAP } from './distinct-counter.ts';
import { HyperLogLog } from './hyperloglog.ts';
import { hashNumber, hashText } from './value-hash.ts';

describe('value hashes', () => {
  it('tell numbers by value and text by its characters', () => {
    expect(hashNumber(3)).toBe(hashNumber(3.0));
    expect(hashNumber(-0)).toBe(hashNumber(0));
    expect(hashNumber(1)).not.toBe(hashText('1'));
    expect(hashText('ab')).not.toBe(hashText('ba'));
    expect(Number.isSafeInteger(hashText('x'.repeat(1000)))).toBe(true);
  });

  it('spread 300,000 distinct values over 53 bits without a collision', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 300_000; i++) seen.add(i % 2 ? hashNumber(i * 0.37) : hashText(`user-${i}`));
    expect(seen.size).toBe(300_000);
  });
});

describe('HyperLogLog (p = 12)', () => {
  it.each([0, 1, 10, 1_000, 5_000, 50_000, 500_000])('estimates %i distinct values within 5%% (3 standard errors)', (n) => {
    const sketch = new HyperLogLog();
    for (let i = 0; i < n; i++) {
      sketch.add(hashText(`v${i}`));
      sketch.add(hashText(`v${i}`));
    }
    const estimate = sketch.estimate();
    if (n === 0) expect(estimate).toBe(0);
    else expect(Math.abs(estimate - n) / n).toBeLessThan(0.05);
  });

  it('merges by register maximum: any split gives the sketch of the whole', () => {
    const whole = new HyperLogLog();
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    for (let i = 0; i < 20_000; i++) {
      const h = hashNumber(i);
      whole.add(h);
      (i % 3 === 0 ? a : b).add(h);
    }
    a.merge(b);
    expect(a.registers).toEqual(whole.registers);
    expect(HyperLogLog.load(a.save()).registers).toEqual(whole.registers);
  });
});

describe('DistinctCounter', () => {
  it(`is exact up to ${DISTINCT_EXACT_CAP} distinct values, then estimates`, () => {
    const c = new DistinctCounter();
    for (let i = 0; i < DISTINCT_EXACT_CAP; i++) {
      c.add(hashNumber(i));
      c.add(hashNumber(i));
    }
    expect(c.exact).toBe(true);
    expect(c.count()).toBe(DISTINCT_EXACT_CAP);
    for (let i = 0; i < 30_000; i++) c.add(hashNumber(i));
    expect(c.exact).toBe(false);
    expect(Math.abs(c.count() - 30_000) / 30_000).toBeLessThan(0.05);
  });

  it('merges exactly in every mode combination and saves both modes', () => {
    const build = (from: number, to: number): DistinctCounter => {
      const c = new DistinctCounter();
      for (let i = from; i < to; i++) c.add(hashText(String(i)));
      return c;
    };
    for (const [split, end] of [[300, 600], [300, 5000], [3000, 3500], [3000, 9000]] as const) {
      const whole = build(0, end);
      const a = build(0, split);
      a.merge(build(split, end));
      expect(a.count()).toBe(whole.count());
      expect(a.exact).toBe(whole.exact);
      const back = DistinctCounter.load(a.save());
      expect(back.count()).toBe(whole.count());
    }
  });
});
