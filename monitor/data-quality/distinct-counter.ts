/**
 * @module The number of distinct values of a feature: exact (a set of value hashes) up to DISTINCT_EXACT_CAP distinct
 * values, then a HyperLogLog (hyperloglog.ts: p = 12, about 1.6% relative standard error). Memory is bounded by the
 * cap's set (about 40 KB) or the sketch (4 KB). Merging is exact in both modes: the union of the sets, or the
 * register maxima, which depend only on the set of values seen, never on order or split.
 */
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState, stateArray } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';
import { HyperLogLog } from './hyperloglog.ts';
import type { ValueHash } from './value-hash.ts';

/** Distinct values counted exactly; one more and the counter becomes a HyperLogLog. */
export const DISTINCT_EXACT_CAP = 1000;

export const DISTINCT_KIND = 'dq.distinct';
export const DISTINCT_VERSION = 1;

export class DistinctCounter {
  #exact: Set<number> | undefined = new Set();
  #sketch: HyperLogLog | undefined;

  /** Adds one hashed value (value-hash.ts). */
  add(hash: ValueHash): void {
    const exact = this.#exact;
    if (exact === undefined) {
      this.#sketch!.add(hash);
      return;
    }
    exact.add(hash);
    if (exact.size > DISTINCT_EXACT_CAP) this.#toSketch();
  }

  /** True while the count is exact. */
  get exact(): boolean {
    return this.#exact !== undefined;
  }

  /** The number of distinct values: exact below the cap, else the HyperLogLog estimate rounded to an integer. */
  count(): number {
    return this.#exact !== undefined ? this.#exact.size : Math.round(this.#sketch!.estimate());
  }

  merge(other: DistinctCounter): void {
    if (other.#exact !== undefined) {
      for (const h of other.#exact) this.add(h);
      return;
    }
    if (this.#exact !== undefined) this.#toSketch();
    this.#sketch!.merge(other.#sketch!);
  }

  save(): AccumulatorState {
    if (this.#exact !== undefined) {
      return { kind: DISTINCT_KIND, version: DISTINCT_VERSION, meta: { mode: 'exact' }, arrays: { hashes: Float64Array.from([...this.#exact].sort((a, b) => a - b)) } };
    }
    return { kind: DISTINCT_KIND, version: DISTINCT_VERSION, meta: { mode: 'sketch' }, arrays: {}, parts: { sketch: this.#sketch!.save() } };
  }

  static load(state: AccumulatorState): DistinctCounter {
    expectState(state, DISTINCT_KIND, DISTINCT_VERSION);
    const mode = (state.meta as { mode?: unknown } | null)?.mode;
    const counter = new DistinctCounter();
    if (mode === 'exact') {
      const hashes = stateArray(state, 'hashes', Float64Array);
      if (hashes.length > DISTINCT_EXACT_CAP) throw new InputError('state: an exact distinct counter holds more values than its cap');
      for (const h of hashes) counter.#exact!.add(h);
    } else if (mode === 'sketch' && state.parts?.sketch) {
      counter.#exact = undefined;
      counter.#sketch = HyperLogLog.load(state.parts.sketch);
    } else throw new InputError(`state: distinct counter has an unknown mode ${JSON.stringify(mode)}`);
    return counter;
  }

  #toSketch(): void {
    const sketch = new HyperLogLog();
    for (const h of this.#exact!) sketch.add(h);
    this.#exact = undefined;
    this.#sketch = sketch;
  }
}
