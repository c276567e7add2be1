/**
 * @module Interprets what a response said about one record (a label candidate, a score, a probability vector) with
 * the settings that may change after the fact: the probability threshold, the positive label and the binary-score
 * mode. The live run and a judgement from the prediction store (monitor/store/) both go through this one function,
 * so an hour judged later with the same settings gives the same predictions as the run that read its capture.
 */
import { conventionalNegative } from '../metrics/binary-classes.ts';
import { canonicalLabel } from '../metrics/labels.ts';
import type { ProblemType } from '../metrics/types.ts';
import { describeValue } from './describe-value.ts';
import { RecordProblem } from './input-errors.ts';

export interface Prediction {
  /** payload_index: the record's position in the request. */
  index: number;
  /** Classification: the canonical predicted label. */
  label?: string;
  /** Binary: probability of the positive label. Multiclass: probability of the predicted label. */
  score?: number;
  /** Regression: the predicted value. */
  value?: number;
  /** Multiclass: the response's probability vector, when it had one (label-free estimates use it). */
  probabilities?: number[];
}

/** The settings a prediction is interpreted with. */
export interface InterpretOptions {
  problemType: ProblemType;
  /** Binary: score >= threshold is the positive label. */
  threshold?: number;
  positiveLabel: string;
  negativeLabel: string;
  /**
   * Binary: what a response's score is. "positive" (default): the probability of the positive label (xgboost
   * binary:logistic, linear learner, the serving container). "predicted": the confidence of the predicted label (the
   * seed's max-probability score), turned into P(positive) as 1 - score for negative predictions.
   */
  binaryScore?: 'positive' | 'predicted';
  /** Multiclass (and binary two-probability vectors): the class of each vector position (MPM_CLASS_LABELS). */
  classLabels?: readonly string[];
  /**
   * Binary: whether a predicted label other than positiveLabel and negativeLabel is an input error
   * (prediction_not_binary). Set once the classes are known (metrics/binary-classes.ts).
   */
  binaryStrict?: boolean;
}

/** The negative label paired with a positive one in binary problems. */
export function negativeLabelFor(positive: string): string {
  // Looked up as data: a positive label "__proto__" or "constructor" must not find Object's own properties.
  return conventionalNegative(positive) ?? `not ${positive}`;
}

/** A finite number, or a string holding one; undefined otherwise. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Two class labels in the order of scikit-learn's `classes_` (numbers by value, else code units). */
function classOrder(a: string, b: string): number {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined && x !== y) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The column of a binary probability vector that holds the positive label's probability: its position in
 * MPM_CLASS_LABELS; else, once the negative class is known (learnt from the ground truth or the positive label's
 * conventional partner), its place among the two classes sorted as scikit-learn's `classes_` and a label encoder
 * order them (1/2 with positive 1: column 0; cat/dog with positive cat: column 0; 0/1: the label itself); else its
 * class index (1 for labels 0/1), else the last.
 */
function positiveColumn(length: number, o: InterpretOptions): number {
  const named = o.classLabels?.length === length ? o.classLabels.indexOf(o.positiveLabel) : -1;
  if (named >= 0) return named;
  if (length === 2 && o.binaryStrict) return classOrder(o.positiveLabel, o.negativeLabel) < 0 ? 0 : 1;
  const pos = Number(o.positiveLabel);
  return Number.isInteger(pos) && pos >= 0 && pos < length ? pos : length - 1;
}

/** Index of the largest value (the first one on ties). */
export function argmax(v: number[]): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/**
 * Builds a prediction from a label candidate, a score and a probability vector, by problem type (also used for
 * tabular datasets, whose prediction and probability columns are read the same way).
 *
 * `labelRaw` is the value as the response gave it: a string, a number, a boolean, undefined when the response had
 * none, or anything else (null, an object) when it had one that is no label.
 *
 * @throws RecordProblem (missing_prediction) when nothing usable remains. Whether it throws depends on the problem
 * type and the arguments only, never on the threshold, the positive label or the binary-score mode; except that with
 * binaryStrict a binary label outside the two classes throws prediction_not_binary.
 */
export function interpretPrediction(index: number, labelRaw: unknown, score: number | undefined, vector: number[] | undefined, o: InterpretOptions): Prediction {
  if (o.problemType === 'Regression') {
    const value = asNumber(labelRaw) ?? (vector?.length === 1 ? vector[0] : undefined) ?? score;
    if (value === undefined) {
      // 1e400 parses as Infinity: say so rather than "no prediction".
      const overflow = typeof labelRaw === 'number' ? !Number.isNaN(labelRaw) : typeof labelRaw === 'string' && labelRaw.trim() !== '' && !Number.isNaN(Number(labelRaw));
      throw new RecordProblem('missing_prediction', overflow ? `item ${index} predicts ${describeValue(labelRaw)}, not a finite number (beyond double precision)` : `item ${index} has no numeric prediction`);
    }
    return { index, value };
  }
  if (o.problemType === 'BinaryClassification') {
    if (vector !== undefined && score === undefined) {
      const col = positiveColumn(vector.length, o);
      score = vector[col];
      if (labelRaw === undefined) labelRaw = argmax(vector) === col ? o.positiveLabel : o.negativeLabel;
    }
    let label = canonicalLabel(labelRaw);
    if (o.binaryScore === 'predicted' && score !== undefined && label !== undefined && vector === undefined) {
      score = label === o.positiveLabel ? score : 1 - score;
    }
    // A lone number in (0,1) is a probability (binary:logistic, linear-learner scores), not a label.
    if (score === undefined && label !== undefined && typeof labelRaw !== 'boolean') {
      const n = Number(label);
      if (Number.isFinite(n) && n > 0 && n < 1) {
        score = n;
        label = undefined;
      }
    }
    if (score !== undefined && (o.threshold !== undefined || label === undefined)) {
      label = score >= (o.threshold ?? 0.5) ? o.positiveLabel : o.negativeLabel;
    }
    if (label === undefined) throw new RecordProblem('missing_prediction', `item ${index} has no predicted label or score`);
    if (o.binaryStrict && label !== o.positiveLabel && label !== o.negativeLabel) {
      throw new RecordProblem(
        'prediction_not_binary',
        `item ${index} predicts ${describeValue(label)}, neither positive_label ${describeValue(o.positiveLabel)} nor the negative class ${describeValue(o.negativeLabel)}`,
      );
    }
    return score === undefined ? { index, label } : { index, label, score };
  }
  if (vector !== undefined) {
    const best = argmax(vector);
    const named = o.classLabels?.length === vector.length ? o.classLabels[best] : undefined;
    return { index, label: canonicalLabel(labelRaw) ?? named ?? String(best), score: score ?? vector[best], probabilities: vector };
  }
  const label = canonicalLabel(labelRaw);
  if (label === undefined) throw new RecordProblem('missing_prediction', `item ${index} has no predicted label`);
  return score === undefined ? { index, label } : { index, label, score };
}
