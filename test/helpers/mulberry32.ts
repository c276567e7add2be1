/**
 * mulberry32: a small seeded generator of numbers in [0, 1), for test data and fixture scripts that must give the
 * same data on every run. (The monitor's own seeded draws use monitor/estimation/seeded-random.ts; fixtures made with
 * this generator stay byte-identical only while it stays as it is.)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
