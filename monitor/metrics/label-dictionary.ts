/**
 * @module The one map of label strings to integer codes, so hot paths count into arrays instead of string-keyed
 * maps. Each accumulator owns one dictionary (merge() remaps codes by label string), and the join's LabelCodec
 * (join/label-codec.ts) builds the label store's codes on it.
 */
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';

/** Assigns codes 0, 1, 2, … to labels in order of first appearance. */
export class LabelDictionary {
  /** The label of each code. */
  readonly labels: string[] = [];
  readonly #codes = new Map<string, number>();

  /** Number of labels seen. */
  get size(): number {
    return this.labels.length;
  }

  /** The code of `label`, assigning the next one when the label is new. */
  codeOf(label: string): number {
    let code = this.#codes.get(label);
    if (code === undefined) {
      code = this.labels.length;
      this.#codes.set(label, code);
      this.labels.push(label);
    }
    return code;
  }

  /** The code of `label`, or undefined when it has not been seen. */
  find(label: string): number | undefined {
    return this.#codes.get(label);
  }

  /** Codes ordered by label in UTF-16 code-unit order (JavaScript's default string order). */
  sortedCodes(): number[] {
    const labels = this.labels;
    return labels.map((_, code) => code).sort((a, b) => (labels[a]! < labels[b]! ? -1 : labels[a]! > labels[b]! ? 1 : 0));
  }

  /** For every code of `other`, the code of the same label here (labels new to this dictionary are added). */
  remapFrom(other: LabelDictionary): Int32Array {
    const remap = new Int32Array(other.size);
    for (let code = 0; code < other.size; code++) remap[code] = this.codeOf(other.labels[code]!);
    return remap;
  }

  save(): AccumulatorState {
    return { kind: 'labels', version: 1, meta: { labels: [...this.labels] }, arrays: {} };
  }

  /** A dictionary with the saved labels under the same codes. */
  static load(state: AccumulatorState): LabelDictionary {
    expectState(state, 'labels', 1);
    const labels = (state.meta as { labels?: unknown } | null)?.labels;
    if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string')) throw new InputError('state: a labels state has no list of label strings');
    const dictionary = new LabelDictionary();
    for (const label of labels as string[]) dictionary.codeOf(label);
    if (dictionary.size !== labels.length) throw new InputError('state: a labels state lists a label twice');
    return dictionary;
  }
}
