/**
 * @module Predictions that wait for their labels: while the ground truth is still being read (on its own thread),
 * the join keeps what it needs of each prediction (its part, key hash, predicted label or value, score) in blocks of
 * typed arrays, and hands them back in arrival order once the labels are in. A classification prediction with a
 * score takes 19 bytes (key 8, label code 2, score 8, flags 1), a regression one 17; columns a block never needs
 * (values for classification, scores when there are none) are not allocated. Only the predictions read while the
 * labels load are kept. Blocks are never copied to grow: on this kind of machine memory touched for the first time
 * is what costs.
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

const BLOCK = 16_384;
/** How many predictions ahead replay() shows its `ahead` callback. */
const LOOK_AHEAD = 16;
const HAS_VALUE = 1;
const HAS_SCORE = 2;
const HAS_LABEL = 4;

class Block {
  readonly lo = new Uint32Array(BLOCK);
  readonly hi = new Uint32Array(BLOCK);
  readonly has = new Uint8Array(BLOCK);
  label?: Uint16Array | Uint32Array;
  value?: Float64Array;
  score?: Float64Array;
  size = 0;
}

export class PendingPredictions<Part> {
  #blocks: Block[] = [];
  #size = 0;
  /** The parts, and the index of the first prediction of each. */
  #parts: Part[] = [];
  #partStarts: number[] = [];
  #labels: string[] = [];
  #codes = new Map<string, number>();
  /** What replay's look-ahead calls returned (kept, so that they are not dropped). */
  // eslint-disable-next-line no-unused-private-class-members -- only written: the write keeps the reads
  #touched = 0;

  get size(): number {
    return this.#size;
  }

  /** Bytes held by the blocks. */
  get byteLength(): number {
    let n = 0;
    for (const b of this.#blocks) n += BLOCK * 9 + (b.label?.byteLength ?? 0) + (b.value?.byteLength ?? 0) + (b.score?.byteLength ?? 0);
    return n;
  }

  add(part: Part, key: KeyHash, label: string | undefined, value: number | undefined, score: number | undefined): void {
    let block = this.#blocks[this.#blocks.length - 1];
    if (block === undefined || block.size === BLOCK) this.#blocks.push((block = new Block()));
    if (this.#parts.length === 0 || this.#parts[this.#parts.length - 1] !== part) {
      this.#parts.push(part);
      this.#partStarts.push(this.#size);
    }
    const i = block.size++;
    this.#size++;
    block.lo[i] = key.lo;
    block.hi[i] = key.hi;
    let has = 0;
    if (label !== undefined) {
      has |= HAS_LABEL;
      let code = this.#codes.get(label);
      if (code === undefined) {
        code = this.#labels.length;
        this.#labels.push(label);
        this.#codes.set(label, code);
      }
      // 16-bit codes until a code does not fit (then this block's column widens).
      if (block.label === undefined) block.label = code < 0xffff && this.#labels.length < 0xffff ? new Uint16Array(BLOCK) : new Uint32Array(BLOCK);
      else if (code >= 0xffff && block.label instanceof Uint16Array) {
        const wide = new Uint32Array(BLOCK);
        wide.set(block.label);
        block.label = wide;
      }
      block.label[i] = code;
    }
    if (value !== undefined) {
      has |= HAS_VALUE;
      (block.value ??= new Float64Array(BLOCK))[i] = value;
    }
    if (score !== undefined) {
      has |= HAS_SCORE;
      (block.score ??= new Float64Array(BLOCK))[i] = score;
    }
    block.has[i] = has;
  }

  /**
   * Hands every waiting prediction to `each`, in the order they came, and forgets them. `ahead`, when given, sees the
   * key of the prediction LOOK_AHEAD places further before `each` sees this one (to start its cache misses early);
   * returns a number to fold, so the call is not dropped.
   */
  replay(each: (prediction: WaitingPrediction<Part>) => void, ahead?: (lo: number, hi: number) => number): void {
    const w: WaitingPrediction<Part> = { part: undefined as Part, key: { lo: 0, hi: 0 }, label: undefined, value: undefined, score: undefined };
    let n = 0;
    let p = -1;
    let touched = 0;
    for (const block of this.#blocks) {
      if (ahead !== undefined) for (let i = 0; i < LOOK_AHEAD && i < block.size; i++) touched ^= ahead(block.lo[i]!, block.hi[i]!);
      for (let i = 0; i < block.size; i++, n++) {
        if (ahead !== undefined && i + LOOK_AHEAD < block.size) touched ^= ahead(block.lo[i + LOOK_AHEAD]!, block.hi[i + LOOK_AHEAD]!);
        while (p + 1 < this.#parts.length && this.#partStarts[p + 1]! <= n) w.part = this.#parts[++p]!;
        w.key.lo = block.lo[i]!;
        w.key.hi = block.hi[i]!;
        const has = block.has[i]!;
        w.label = has & HAS_LABEL ? this.#labels[block.label![i]!] : undefined;
        w.value = has & HAS_VALUE ? block.value![i]! : undefined;
        w.score = has & HAS_SCORE ? block.score![i]! : undefined;
        each(w);
      }
    }
    this.#touched ^= touched;
    this.#blocks = [];
    this.#size = 0;
    this.#parts = [];
    this.#partStarts = [];
  }
}
