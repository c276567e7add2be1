/**
 * Count arrays in states are checked before they merge: a negative, fractional, NaN or huge count in a tampered or
 * broken file (the checksum is no signature) merged into an accuracy of 2.95, or made a feature vanish, with exit 0.
 */
import { describe, expect, it } from 'vitest';
import { CategoryTable } from '../data-quality/category-table.ts';
import { DatasetProfile } from '../data-quality/dataset-profile.ts';
import { KllSketch } from '../data-quality/kll-sketch.ts';
import { ConfusionCounts } from '../metrics/confusion-counts.ts';
import { InputError } from '../errors.ts';
import type { AccumulatorState } from './accumulator-state.ts';

/** `state` with entry `index` of array `name` (at `path` of parts) set to `value`. */
function tamper(state: AccumulatorState, name: string, index: number, value: number, path: string[] = []): AccumulatorState {
  const copy = structuredClone(state);
  let target = copy;
  for (const part of path) target = target.parts![part]!;
  (target.arrays[name] as Float64Array)[index] = value;
  return copy;
}

const BAD = [-1_000_000, 0.5, Number.NaN, Infinity, 2 ** 60];

describe('state count arrays', () => {
  it('a confusion-counts cell must be a count', () => {
    const counts = new ConfusionCounts();
    counts.ensure(2);
    const state = counts.save(2);
    expect(() => ConfusionCounts.load(state)).not.toThrow();
    for (const bad of BAD) {
      expect(() => ConfusionCounts.load(tamper(state, 'cells', 0, bad))).toThrow(InputError);
      expect(() => ConfusionCounts.load(tamper(state, 'cells', 0, bad))).toThrow(/^state: confusion-counts state has .* at cells\[0\]; expected a count/);
    }
  });

  it("a category table's counts and a data-quality feature's type counts must be counts", () => {
    const table = new CategoryTable();
    table.add('a');
    for (const bad of BAD) expect(() => CategoryTable.load(tamper(table.save(), 'counts', 0, bad))).toThrow(/at counts\[0\]; expected a count/);
    // A total below the counts it holds is no table either.
    const lying = structuredClone(table.save());
    (lying.meta as { total: number }).total = 0;
    expect(() => CategoryTable.load(lying)).toThrow(InputError);

    const profile = new DatasetProfile();
    profile.addRow(['label'], ['dog']);
    const state = profile.save();
    const feature = Object.keys(state.parts!).find((k) => state.parts![k]!.kind === 'dq.feature')!;
    expect(DatasetProfile.load(state).summary().features.map((f) => f.name)).toEqual(['label']);
    for (const bad of BAD) expect(() => DatasetProfile.load(tamper(state, 'counts', 0, bad, [feature]))).toThrow(/at counts\[0\]; expected a count/);
  });

  it('a KLL state must have the sketch size and shrinking factor this version keeps, and finite items', () => {
    const sketch = new KllSketch();
    sketch.update(1);
    const state = sketch.save();
    for (const [k, c] of [[0, 0.64], [-5, 0.64], [1e9, 0.64], [2048, 5], [2048, 0.5]] as const) {
      const bad = { ...state, meta: { k, c } };
      expect(() => KllSketch.load(bad)).toThrow(InputError);
      expect(() => KllSketch.load(bad)).toThrow(/^state: kll state has k=.*; this version keeps sketches of k=2048, c=0.64$/);
    }
    expect(() => KllSketch.load(tamper(state, 'items', 0, Number.NaN))).toThrow(/not a finite number/);
  });
});
