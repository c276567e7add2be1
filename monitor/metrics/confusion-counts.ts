/**
 * @module Confusion counts of the full data and of the 5 subsamples, indexed by integer label codes, in one growable
 * Float64Array (counts stay exact up to 2^53).
 */
import type { ConfusionMatrix } from './types.ts';
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState, stateCountArray } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';
import { STATE_COUNT, SUBSAMPLE_COUNT } from './subsample.ts';

const INITIAL_CAPACITY = 4;

/**
 * The most distinct labels a window's confusion counts hold: 6 dense matrices of 2,048² doubles are 201 MB, and
 * statistics.json's matrix 4 million cells. More is almost always a misreading (a regression model judged as
 * multiclass, the default problem_type, makes every distinct value a class: 8,000 of them took 24 GB and were killed).
 */
export const MAX_CLASSES = 2_048;

/** Per-label totals of one state, indexed by label code. */
export interface Marginals {
  /** Records whose actual label has this code (scikit-learn's support, `true_sum`). */
  actual: Float64Array;
  /** Records predicted with this code (`pred_sum`). */
  predicted: Float64Array;
  /** Records whose actual and predicted labels both have this code (`tp_sum`). */
  diagonal: Float64Array;
  /** All records of the state. */
  total: number;
}

/** `count(state, actual, predicted)` for state 0 (all records) and states 1..5 (subsample j = state − 1). */
export class ConfusionCounts {
  /** Labels per side the buffer can hold before it grows. */
  #capacity = INITIAL_CAPACITY;
  #cells = new Float64Array(STATE_COUNT * INITIAL_CAPACITY * INITIAL_CAPACITY);

  /**
   * Makes room for codes below `size`.
   *
   * @throws InputError past MAX_CLASSES labels.
   */
  ensure(size: number): void {
    if (size <= this.#capacity) return;
    if (size > MAX_CLASSES) {
      throw new InputError(
        `input: the labels and predictions hold more than ${MAX_CLASSES} distinct classes; a confusion matrix over them grows with the square of their number. ` +
          'Check problem_type (a regression model judged as MulticlassClassification, the default, makes every distinct value a class) and how the labels are read',
      );
    }
    let capacity = this.#capacity;
    while (capacity < size) capacity *= 2;
    const old = this.#cells;
    const oldCapacity = this.#capacity;
    const cells = new Float64Array(STATE_COUNT * capacity * capacity);
    for (let state = 0; state < STATE_COUNT; state++) {
      for (let a = 0; a < oldCapacity; a++) {
        const from = (state * oldCapacity + a) * oldCapacity;
        cells.set(old.subarray(from, from + oldCapacity), (state * capacity + a) * capacity);
      }
    }
    this.#cells = cells;
    this.#capacity = capacity;
  }

  /** Counts one record in the full state and in the subsamples of `mask`. Codes must be below the ensured size. */
  add(actual: number, predicted: number, mask: number): void {
    const capacity = this.#capacity;
    const area = capacity * capacity;
    const cell = actual * capacity + predicted;
    const cells = this.#cells;
    cells[cell]!++;
    for (let j = 0; j < SUBSAMPLE_COUNT; j++) {
      if ((mask >>> j) & 1) cells[(j + 1) * area + cell]!++;
    }
  }

  /** Count of records with this actual and predicted code in `state`. */
  count(state: number, actual: number, predicted: number): number {
    const capacity = this.#capacity;
    return this.#cells[(state * capacity + actual) * capacity + predicted]!;
  }

  /** Row sums (records per actual label), column sums (per predicted label) and the diagonal of `state`. */
  marginals(state: number, size: number): Marginals {
    const actual = new Float64Array(size);
    const predicted = new Float64Array(size);
    const diagonal = new Float64Array(size);
    let total = 0;
    for (let a = 0; a < size; a++) {
      for (let p = 0; p < size; p++) {
        const n = this.count(state, a, p);
        actual[a]! += n;
        predicted[p]! += n;
        total += n;
      }
      diagonal[a] = this.count(state, a, a);
    }
    return { actual, predicted, diagonal, total };
  }

  /** Adds `other`'s counts; its code c is code `remap[c]` here, and `size` is this dictionary's size. */
  addFrom(other: ConfusionCounts, remap: Int32Array, size: number): void {
    this.ensure(size);
    const otherSize = remap.length;
    for (let state = 0; state < STATE_COUNT; state++) {
      for (let a = 0; a < otherSize; a++) {
        for (let p = 0; p < otherSize; p++) {
          const n = other.count(state, a, p);
          if (n !== 0) this.#cells[(state * this.#capacity + remap[a]!) * this.#capacity + remap[p]!]! += n;
        }
      }
    }
  }

  /**
   * The full-data matrix `{actual: {predicted: count}}` over the given codes (every cell, zeros included, as
   * SageMaker writes it). Keys are inserted in the order of `codes`. The objects have no prototype: a label is data,
   * and a class named "__proto__" must be a key like any other (it used to replace the row's prototype and vanish).
   */
  toMatrix(labels: readonly string[], codes: readonly number[]): ConfusionMatrix {
    const matrix: ConfusionMatrix = Object.create(null) as ConfusionMatrix;
    for (const a of codes) {
      const row = Object.create(null) as Record<string, number>;
      for (const p of codes) row[labels[p]!] = this.count(0, a, p);
      matrix[labels[a]!] = row;
    }
    return matrix;
  }

  /** The counts of codes below `size`, every state, as a state. */
  save(size: number): AccumulatorState {
    const cells = new Float64Array(STATE_COUNT * size * size);
    for (let state = 0; state < STATE_COUNT; state++) {
      for (let a = 0; a < size; a++) for (let p = 0; p < size; p++) cells[(state * size + a) * size + p] = this.count(state, a, p);
    }
    return { kind: 'confusion-counts', version: 1, meta: { size }, arrays: { cells } };
  }

  static load(state: AccumulatorState): ConfusionCounts {
    expectState(state, 'confusion-counts', 1);
    const size = (state.meta as { size?: unknown } | null)?.size;
    const cells = stateCountArray(state, 'cells');
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || cells.length !== STATE_COUNT * size * size) {
      throw new InputError(`state: confusion counts of size ${JSON.stringify(size)} do not match ${cells.length} cells`);
    }
    const counts = new ConfusionCounts();
    counts.ensure(size);
    for (let state = 0; state < STATE_COUNT; state++) {
      for (let a = 0; a < size; a++) {
        for (let p = 0; p < size; p++) counts.#cells[(state * counts.#capacity + a) * counts.#capacity + p] = cells[(state * size + a) * size + p]!;
      }
    }
    return counts;
  }
}
