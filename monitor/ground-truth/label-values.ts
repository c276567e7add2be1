/**
 * @module Turns label values into the numbers the label store holds: a code per distinct classification label, or
 * the value itself for regression.
 */
import { canonicalLabel } from '../metrics/labels.ts';
import type { ProblemType } from '../metrics/types.ts';

export class LabelCodec {
  private readonly codes = new Map<string, number>();
  readonly labels: string[] = [];
  constructor(readonly problemType: ProblemType) {}

  /** The stored number for a raw label, or undefined when the label is unusable. */
  encode(raw: unknown): number | undefined {
    if (this.problemType === 'Regression') {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      return Number.isFinite(n) ? n : undefined;
    }
    const label = canonicalLabel(raw);
    if (label === undefined) return undefined;
    let code = this.codes.get(label);
    if (code === undefined) {
      code = this.labels.length;
      this.codes.set(label, code);
      this.labels.push(label);
    }
    return code;
  }

  /** The canonical label of a code. */
  decode(code: number): string {
    return this.labels[code]!;
  }
}
