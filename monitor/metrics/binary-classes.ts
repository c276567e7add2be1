/**
 * @module The two classes of a BinaryClassification problem: positive_label and one negative class. A third label
 * used to give a 3x3 "binary" confusion matrix without an error (issue 14, item 11); it is now an input error of the
 * record that carries it (gt_label_not_binary, prediction_not_binary, label_not_binary).
 *
 * The negative class is learnt from the ground truth, which is read first, in a fixed order: the first label other
 * than positive_label. So labels 1/2 with positive_label 1 work, and a model's scores turn into that label below the
 * threshold. Before any ground truth (merged capture, tabular datasets) it is the conventional partner of the
 * positive label (0 for 1, false for true, no for yes, ...); a positive label without one leaves the check off.
 */
import { describeValue } from '../ingest/describe-value.ts';

/** Conventional pairs, both ways: the negative class of a positive label when nothing else says. */
const PARTNERS: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, {
    '1': '0',
    '0': '1',
    true: 'false',
    false: 'true',
    True: 'False',
    False: 'True',
    yes: 'no',
    no: 'yes',
    Yes: 'No',
    No: 'Yes',
    YES: 'NO',
    NO: 'YES',
    positive: 'negative',
    negative: 'positive',
    pos: 'neg',
    neg: 'pos',
  }),
);

/** The conventional negative class of a canonical positive label, if it has one. */
export function conventionalNegative(positive: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(PARTNERS, positive) ? PARTNERS[positive] : undefined;
}

/** The options a response is decoded with that this class settles (see explode-response.ts). */
export interface BinaryResponseOptions {
  negativeLabel: string;
  /** Whether a predicted label outside the two classes is an input error. */
  binaryStrict?: boolean;
}

export class BinaryClasses {
  /** The negative class, once known. */
  negative: string | undefined;
  /** Whether a ground-truth label was the positive label (a positive label never seen is most likely misspelt). */
  positiveSeen = false;

  /** @param positive the canonical positive label. */
  constructor(readonly positive: string) {}

  /**
   * Whether a canonical ground-truth label is one of the two classes; the first label other than the positive one
   * becomes the negative class.
   */
  accept(label: string): boolean {
    if (label === this.positive) return (this.positiveSeen = true);
    if (label === this.negative) return true;
    if (this.negative !== undefined) return false;
    this.negative = label;
    return true;
  }

  /** A warning when labels were read and none was the positive label; undefined otherwise. */
  unseenPositive(labels: number): string | undefined {
    if (this.positiveSeen || labels === 0) return undefined;
    const other = this.negative === undefined ? '' : ` (the first other label read is ${describeValue(this.negative)})`;
    return (
      `positive_label ${describeValue(this.positive)} is none of the ${labels} ground-truth labels read${other}: check its spelling and case ` +
      '("Yes" and "yes" are different labels); without a positive record recall is 0 and auc is not computed'
    );
  }

  /** The message of a label outside the classes. */
  describeOutsider(label: string): string {
    const message = `label ${describeValue(label)} is neither positive_label ${describeValue(this.positive)} nor the negative class ${describeValue(this.negative ?? '')}`;
    // Two other labels and no positive one so far: positive_label is most likely not set to this data's (true/false, yes/no).
    if (this.positiveSeen || this.negative === undefined) return message;
    return `${message}; no label read so far is positive_label ${describeValue(this.positive)}: set positive_label to the positive one of ${describeValue(this.negative)} and ${describeValue(label)}`;
  }

  /**
   * Settles the classes predictions are judged by, once the ground truth is read: the learnt negative class, else
   * the conventional partner; with either, a third predicted label is an error.
   */
  settle(response: BinaryResponseOptions): void {
    const negative = this.negative ?? conventionalNegative(this.positive);
    if (negative === undefined) return;
    this.negative = negative;
    response.negativeLabel = negative;
    response.binaryStrict = true;
  }
}
