/**
 * @module The seeded generator behind every random choice of the estimation (the stratified splits of the
 * calibrate-or-not decision, the bootstrap of the reference), so a baseline fitted twice gives the same file. It is
 * ours, not numpy's: the splits differ from scikit-learn's `random_state=42`, which is why the decision is tested on
 * clear-cut cases rather than split by split (docs/estimation.md).
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 32-bit variant, PractRand-clean), its four
 * words seeded by splitmix32 from one integer and warmed up by 12 draws. Integers below a bound are drawn without
 * bias by rejection (Lemire, "Fast random integer generation in an interval", 2019).
 */

/** A seeded source of uniform random numbers. */
export interface SeededRandom {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, bound), without bias; `bound` is an integer in [1, 2^32]. */
  below(bound: number): number;
  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T;
}

const TWO_32 = 4294967296;

/** splitmix32: a bijective mix of a Weyl sequence, used only to spread one seed over sfc32's four words. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Creates the generator for an integer seed; the same seed always gives the same sequence on every platform. */
export function createSeededRandom(seed: number): SeededRandom {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seeded-random: seed must be a safe integer, got ${seed}`);
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextUint32();
  const below = (bound: number): number => {
    if (!Number.isInteger(bound) || bound < 1 || bound > TWO_32) {
      throw new RangeError(`seeded-random: bound must be an integer in [1, 2^32], got ${bound}`);
    }
    // Reject the lowest (2^32 mod bound) values so that every residue is equally likely.
    const threshold = (TWO_32 - bound) % bound;
    for (;;) {
      const x = nextUint32();
      if (x >= threshold) return x % bound;
    }
  };
  return {
    nextUint32,
    next: () => nextUint32() / TWO_32,
    below,
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = below(i + 1);
        const t = items[i];
        items[i] = items[j];
        items[j] = t;
      }
      return items;
    },
  };
}
