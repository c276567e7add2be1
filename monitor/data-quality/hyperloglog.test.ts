import { describe, expect, it } from 'vitest';
import { HyperLogLog } from './hyperloglog.ts';
import { hashHigh, hashLow, hashNumber, numberHashParts, splitHashNumber } from './value-hash.ts';

/** Numbers of every kind a column holds: whole, fractional, negative, zeros of both signs, huge, tiny. */
function numbers(): Float64Array {
  let seed = 12345;
  const r = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const out = [0, -0, 1, -1, 0.5, 2 ** 53, -(2 ** 31), 2 ** 32, 1e300, -1e-300, Number.MIN_VALUE, Number.MAX_VALUE];
  for (let i = 0; i < 20000; i++) out.push(Math.floor(r() * 8000), r(), (r() - 0.5) * 1e6, Math.round(r() * 100) / 100);
  return Float64Array.from(out);
}

describe('HyperLogLog.addNumbers', () => {
  it('splits each number hash into the parts hashHigh and hashLow take from hashNumber', () => {
    for (const x of numbers()) {
      splitHashNumber(x);
      const h = hashNumber(x);
      expect(numberHashParts[0]).toBe(hashHigh(h));
      expect(numberHashParts[1]).toBe(hashLow(h));
    }
  });

  it('gives the registers of add(hashNumber(x)) for each value, from any start', () => {
    const xs = numbers();
    for (const start of [0, 1, 777]) {
      const fused = new HyperLogLog();
      const one = new HyperLogLog();
      fused.addNumbers(xs, start, xs.length);
      for (let i = start; i < xs.length; i++) one.add(hashNumber(xs[i]!));
      expect(Array.from(fused.registers)).toEqual(Array.from(one.registers));
      expect(fused.registers.some((r) => r > 0)).toBe(true);
    }
  });
});
