/**
 * @module Stratified shuffle splits, as scikit-learn's `StratifiedShuffleSplit` draws them but with our seeded
 * generator: each split takes ceil(test_size * n) records as test fold, each class contributing in proportion to its
 * count (the remainders go to the classes with the largest fractional shares, ties drawn at random), the class's
 * records being chosen by a random permutation. Used by the calibrate-or-not decision.
 */
import type { SeededRandom } from './seeded-random.ts';

/** One split: indexes of the training and the test records. */
export interface Split {
  train: Uint32Array;
  test: Uint32Array;
}

/** Why no split can be made (scikit-learn raises a ValueError in these cases). */
export class SplitImpossible extends Error {}

/**
 * `count` splits of records labelled `classes` (small integers: 0/1 for a binary target). Throws SplitImpossible when a
 * class has a single record or either fold would hold fewer records than there are classes.
 */
export function stratifiedShuffleSplits(classes: ArrayLike<number>, count: number, testSize: number, random: SeededRandom): Split[] {
  const n = classes.length;
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = classes[i]!;
    let list = members.get(c);
    if (list === undefined) members.set(c, (list = []));
    list.push(i);
  }
  const groups = [...members.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
  const testCount = Math.ceil(testSize * n);
  const trainCount = n - testCount;
  const smallest = Math.min(...groups.map((g) => g.length));
  if (smallest < 2) throw new SplitImpossible(`the least populated class has ${smallest} record; stratified splits need at least 2`);
  if (trainCount < groups.length || testCount < groups.length) {
    throw new SplitImpossible(`${n} records give ${trainCount} training and ${testCount} test records for ${groups.length} classes; each fold needs one per class`);
  }
  const counts = groups.map((g) => g.length);
  const splits: Split[] = [];
  for (let s = 0; s < count; s++) {
    const trainPer = approximateMode(counts, trainCount, random);
    const testPer = approximateMode(
      counts.map((c, k) => c - trainPer[k]!),
      testCount,
      random,
    );
    const train = new Uint32Array(trainCount);
    const test = new Uint32Array(testCount);
    let t = 0;
    let v = 0;
    groups.forEach((group, k) => {
      const order = random.shuffle(Uint32Array.from(group));
      for (let i = 0; i < trainPer[k]!; i++) train[t++] = order[i]!;
      for (let i = trainPer[k]!; i < trainPer[k]! + testPer[k]!; i++) test[v++] = order[i]!;
    });
    splits.push({ train: random.shuffle(train), test: random.shuffle(test) });
  }
  return splits;
}

/**
 * `draws` records spread over classes in proportion to `counts`: the floors of the shares, then one more for the
 * classes with the largest fractional parts (equal parts in random order), as scikit-learn's `_approximate_mode`.
 */
export function approximateMode(counts: readonly number[], draws: number, random: SeededRandom): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * draws);
  const out = continuous.map(Math.floor);
  let missing = draws - out.reduce((a, b) => a + b, 0);
  const remainders = [...new Set(continuous.map((c, k) => c - out[k]!))].sort((a, b) => b - a);
  for (const value of remainders) {
    if (missing <= 0) break;
    const tied = random.shuffle(continuous.map((c, k) => (c - out[k]! === value ? k : -1)).filter((k) => k >= 0));
    for (const k of tied.slice(0, Math.min(tied.length, missing))) out[k]!++;
    missing -= Math.min(tied.length, missing);
  }
  return out;
}
