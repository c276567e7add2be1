/**
 * @module Exact, mergeable summary of binary scores: for each distinct score, the number of positive and negative
 * records in the full data and in each of the 5 subsamples. ROC, PR, AUC and average precision are computed from it
 * exactly, whatever the chunking.
 */
import { STATE_COUNT, SUBSAMPLE_COUNT } from './subsample.ts';

/** Counts per distinct score: [positives, negatives] for each of the 6 states. */
const STRIDE = 2 * STATE_COUNT;
const INITIAL_SLOTS = 64;

/** Cumulative counts at each distinct score, highest score first (scikit-learn's `_binary_clf_curve`). */
export interface RankedCounts {
  /** Distinct scores, descending. */
  thresholds: Float64Array;
  /** Positives with score ≥ thresholds[i]. */
  tps: Float64Array;
  /** Negatives with score ≥ thresholds[i]. */
  fps: Float64Array;
}

/** Map from distinct score to a slot of counts in a growable Float64Array. */
export class ScoreHistogram {
  readonly #slots = new Map<number, number>();
  #scores = new Float64Array(INITIAL_SLOTS);
  #counts = new Float64Array(INITIAL_SLOTS * STRIDE);

  /** Number of distinct scores. */
  get size(): number {
    return this.#slots.size;
  }

  #slotOf(score: number): number {
    let slot = this.#slots.get(score);
    if (slot === undefined) {
      slot = this.#slots.size;
      if (slot === this.#scores.length) this.#grow();
      this.#slots.set(score, slot);
      // -0 and +0 are one key of the Map; store +0.
      this.#scores[slot] = score === 0 ? 0 : score;
    }
    return slot;
  }

  #grow(): void {
    const scores = new Float64Array(this.#scores.length * 2);
    scores.set(this.#scores);
    const counts = new Float64Array(this.#counts.length * 2);
    counts.set(this.#counts);
    this.#scores = scores;
    this.#counts = counts;
  }

  /** Counts one record with a finite `score`, in the full state and in the subsamples of `mask`. */
  add(score: number, positive: boolean, mask: number): void {
    const base = this.#slotOf(score) * STRIDE + (positive ? 0 : 1);
    const counts = this.#counts;
    counts[base]!++;
    for (let j = 0; j < SUBSAMPLE_COUNT; j++) {
      if ((mask >>> j) & 1) counts[base + 2 * (j + 1)]!++;
    }
  }

  /** Adds every count of `other`. */
  addFrom(other: ScoreHistogram): void {
    for (const [score, from] of other.#slots) {
      const to = this.#slotOf(score) * STRIDE;
      const source = other.#counts;
      for (let k = 0; k < STRIDE; k++) this.#counts[to + k]! += source[from * STRIDE + k]!;
    }
  }

  /** Slots ordered by score, highest first (shared by the 6 states). */
  rankSlots(): Int32Array {
    const sorted = this.#scores.slice(0, this.size).sort();
    const order = new Int32Array(sorted.length);
    for (let i = 0; i < sorted.length; i++) order[i] = this.#slots.get(sorted[sorted.length - 1 - i]!)!;
    return order;
  }

  /**
   * Cumulative positive and negative counts of `state` at each distinct score present in that state, highest score
   * first. `order` comes from rankSlots().
   */
  rankedCounts(state: number, order: Int32Array): RankedCounts {
    const thresholds = new Float64Array(order.length);
    const tps = new Float64Array(order.length);
    const fps = new Float64Array(order.length);
    let tp = 0;
    let fp = 0;
    let k = 0;
    for (const slot of order) {
      const positives = this.#counts[slot * STRIDE + 2 * state]!;
      const negatives = this.#counts[slot * STRIDE + 2 * state + 1]!;
      if (positives === 0 && negatives === 0) continue;
      tp += positives;
      fp += negatives;
      thresholds[k] = this.#scores[slot]!;
      tps[k] = tp;
      fps[k] = fp;
      k++;
    }
    return { thresholds: thresholds.subarray(0, k), tps: tps.subarray(0, k), fps: fps.subarray(0, k) };
  }
}
