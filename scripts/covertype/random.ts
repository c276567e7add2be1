/**
 * @module The draws the covertype generator needs (normal, weighted pick) on top of the monitor's seeded generator
 * (monitor/estimation/seeded-random.ts: sfc32 seeded through splitmix32). Deterministic across platforms.
 */
import { createSeededRandom } from '../../monitor/estimation/seeded-random.ts';

/** A seeded source of random numbers. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box-Muller). */
  normal(mean?: number, sd?: number): number;
  /** Index drawn with probability proportional to `weights[i]`. */
  pick(weights: readonly number[]): number;
}

/** Creates a PRNG from an integer seed; the same seed always gives the same sequence (the monitor's own generator). */
export function createRandom(seed: number): Random {
  const { next } = createSeededRandom(seed);
  return {
    next,
    normal(mean = 0, sd = 1) {
      const u = 1 - next(); // (0, 1]: log(u) is finite
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    pick(weights) {
      let total = 0;
      for (const w of weights) total += w;
      let x = next() * total;
      for (let i = 0; i < weights.length; i++) {
        x -= weights[i]!;
        if (x < 0) return i;
      }
      return weights.length - 1;
    },
  };
}
