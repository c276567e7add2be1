/**
 * @module Predictions that wait for their labels: while the ground truth is still being read (on its own thread),
 * the join keeps what it needs of each prediction (its part, key hash, predicted label or value, score) in growing
 * typed arrays, and hands them back in arrival order once the labels are in. 33 bytes a prediction; only the
 * predictions read while the labels load are kept.
 */
import type { KeyHash } from './key-hash.ts';

/** One waiting prediction, as replay() hands it back (the same object each time). */
export interface WaitingPrediction<Part> {
  part: Part;
  key: KeyHash;
  /** Classification: the predicted label. */
  label: string | undefined;
  /** Regression: the predicted value. */
  value: number | undefined;
  score: number | undefined;
}

const NONE = 0xffffffff;
const HAS_VALUE = 1;
const HAS_SCORE = 2;

export class PendingPredictions<Part> {
  #size = 0;
  #parts: Part[] = [];
  #partOf = new Uint32Array(1024);
  #lo = new Uint32Array(1024);
  #hi = new Uint32Array(1024);
  /** The predicted label's code in #labels, or NONE. */
  #label = new Uint32Array(1024);
  /** The predicted value (regression). */
  #value = new Float64Array(1024);
  #score = new Float64Array(1024);
  /** HAS_VALUE | HAS_SCORE: which of the two the prediction has (either may be any number, NaN included). */
  #has = new Uint8Array(1024);
  #labels: string[] = [];
  #codes = new Map<string, number>();

  get size(): number {
    return this.#size;
  }

  /** Bytes held by the arrays. */
  get byteLength(): number {
    return this.#partOf.length * (4 + 4 + 4 + 4 + 8 + 8 + 1);
  }

  add(part: Part, key: KeyHash, label: string | undefined, value: number | undefined, score: number | undefined): void {
    const i = this.#size;
    if (i === this.#lo.length) this.#grow();
    if (this.#parts.length === 0 || this.#parts[this.#parts.length - 1] !== part) this.#parts.push(part);
    this.#partOf[i] = this.#parts.length - 1;
    this.#lo[i] = key.lo;
    this.#hi[i] = key.hi;
    if (label === undefined) this.#label[i] = NONE;
    else {
      let code = this.#codes.get(label);
      if (code === undefined) {
        code = this.#labels.length;
        this.#labels.push(label);
        this.#codes.set(label, code);
      }
      this.#label[i] = code;
    }
    this.#value[i] = value ?? 0;
    this.#score[i] = score ?? 0;
    this.#has[i] = (value === undefined ? 0 : HAS_VALUE) | (score === undefined ? 0 : HAS_SCORE);
    this.#size = i + 1;
  }

  /** Hands every waiting prediction to `each`, in the order they came, and forgets them. */
  replay(each: (prediction: WaitingPrediction<Part>) => void): void {
    const w: WaitingPrediction<Part> = { part: undefined as Part, key: { lo: 0, hi: 0 }, label: undefined, value: undefined, score: undefined };
    for (let i = 0; i < this.#size; i++) {
      w.part = this.#parts[this.#partOf[i]!]!;
      w.key.lo = this.#lo[i]!;
      w.key.hi = this.#hi[i]!;
      const code = this.#label[i]!;
      w.label = code === NONE ? undefined : this.#labels[code];
      const has = this.#has[i]!;
      w.value = has & HAS_VALUE ? this.#value[i]! : undefined;
      w.score = has & HAS_SCORE ? this.#score[i]! : undefined;
      each(w);
    }
    this.#size = 0;
    this.#parts = [];
  }

  #grow(): void {
    const length = this.#lo.length * 2;
    const grown = <T extends Uint8Array | Uint32Array | Float64Array>(old: T): T => {
      const next = new (old.constructor as new (n: number) => T)(length);
      next.set(old);
      return next;
    };
    this.#partOf = grown(this.#partOf);
    this.#lo = grown(this.#lo);
    this.#hi = grown(this.#hi);
    this.#label = grown(this.#label);
    this.#value = grown(this.#value);
    this.#score = grown(this.#score);
    this.#has = grown(this.#has);
  }
}
