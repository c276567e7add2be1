/**
 * @module Turns label values into the numbers the label store holds: for classification the code of the canonical
 * label in a LabelDictionary (the one label-to-code map of the project), for regression the value itself.
 */
import { LabelDictionary } from '../metrics/label-dictionary.ts';
import { canonicalLabel } from '../metrics/labels.ts';
import type { ProblemType } from '../metrics/types.ts';

export class LabelCodec {
  readonly #dictionary = new LabelDictionary();
  constructor(readonly problemType: ProblemType) {}

  /** The labels in code order (what a worker thread needs to decode the same codes). */
  get labels(): readonly string[] {
    return this.#dictionary.labels;
  }

  /** A codec that gives `labels` the codes 0, 1, 2, … in that order, as the codec they came from does. */
  static withLabels(problemType: ProblemType, labels: readonly string[]): LabelCodec {
    const codec = new LabelCodec(problemType);
    for (const label of labels) codec.#dictionary.codeOf(label);
    return codec;
  }

  /** The stored number for a raw label, or undefined when the label is unusable. */
  encode(raw: unknown): number | undefined {
    if (this.problemType === 'Regression') {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      return Number.isFinite(n) ? n : undefined;
    }
    const label = canonicalLabel(raw);
    return label === undefined ? undefined : this.#dictionary.codeOf(label);
  }

  /** The canonical label of a code. */
  decode(code: number): string {
    return this.#dictionary.labels[code]!;
  }
}
