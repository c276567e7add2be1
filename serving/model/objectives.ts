/**
 * @module The xgboost objectives the evaluator implements: how a base_score becomes a margin, and how margins become
 * the numbers `Booster.predict` returns. Float32 arithmetic mirrors xgboost's (it computes in `float`), which is what
 * keeps the agreement within 1e-7 rather than 1e-6.
 */

import { ModelError } from '../errors.ts';

/** What a prediction means, which decides the response shape. */
export type Task = 'multiclass' | 'binary' | 'regression';

/** One objective: how base_score enters margin space, and how a row's margins become its prediction. */
export interface Objective {
  readonly name: string;
  readonly task: Task;
  /** Binary objectives without a probability (logitraw, hinge): the response's score is the margin, its label the sign. */
  readonly marginScore?: true;
  /** xgboost's `ProbToMargin`: base_score (as saved) to the margin every row starts from. */
  probToMargin(baseScore: number): number;
  /**
   * xgboost's `PredTransform` for one row: `margins` holds `groups` margins starting at `offset`, written in place with
   * what `predict()` returns. multi:softmax is the one objective whose prediction has another shape (a class index);
   * its in-place result is the softmax probabilities, and the index is the argmax of the margins (encode-response.ts).
   */
  transform(margins: Float32Array, offset: number, groups: number): void;
}

const identity = (x: number): number => x;
const f32 = Math.fround;

/** xgboost caps the sigmoid's exponent (its common::Sigmoid: expf(min(-x, 88.7f))), so a margin below -88.7 gives 3.0e-39, not 0. */
const MAX_SIGMOID_EXPONENT = f32(88.7);

function sigmoidInPlace(margins: Float32Array, offset: number): void {
  // xgboost: 1.0f / (1.0f + expf(min(-x, 88.7f)))
  margins[offset] = f32(1 / f32(1 + f32(Math.exp(Math.min(-margins[offset]!, MAX_SIGMOID_EXPONENT)))));
}

function expInPlace(margins: Float32Array, offset: number): void {
  margins[offset] = f32(Math.exp(margins[offset]!));
}

/** xgboost's common::Softmax: max in float, exp in float, sum in double, divide in float. */
export function softmaxInPlace(margins: Float32Array, offset: number, groups: number): void {
  let max = margins[offset]!;
  for (let k = 1; k < groups; k++) if (margins[offset + k]! > max) max = margins[offset + k]!;
  let sum = 0;
  for (let k = 0; k < groups; k++) {
    const e = f32(Math.exp(f32(margins[offset + k]! - max)));
    margins[offset + k] = e;
    sum += e;
  }
  const denominator = f32(sum);
  for (let k = 0; k < groups; k++) margins[offset + k] = f32(margins[offset + k]! / denominator);
}

function logitBase(p: number): number {
  if (!(p > 0 && p < 1)) throw new ModelError(`model: base_score ${p} must be in (0, 1) for a logistic objective`);
  return f32(-Math.log(f32(1 / p - 1)));
}

function logBase(p: number): number {
  if (!(p > 0)) throw new ModelError(`model: base_score ${p} must be > 0 for a log-link objective`);
  return f32(Math.log(p));
}

const noTransform = (): void => {};

/** xgboost's hinge loss: the prediction is 1 when the margin is above 0, else 0. */
function hingeInPlace(margins: Float32Array, offset: number): void {
  margins[offset] = margins[offset]! > 0 ? 1 : 0;
}

const OBJECTIVES: readonly Objective[] = [
  { name: 'multi:softprob', task: 'multiclass', probToMargin: identity, transform: softmaxInPlace },
  { name: 'multi:softmax', task: 'multiclass', probToMargin: identity, transform: softmaxInPlace },
  { name: 'binary:logistic', task: 'binary', probToMargin: logitBase, transform: sigmoidInPlace },
  // xgboost 1.7's LogisticRaw keeps base_score as a margin (no logit), unlike binary:logistic.
  { name: 'binary:logitraw', task: 'binary', marginScore: true, probToMargin: identity, transform: noTransform },
  { name: 'binary:hinge', task: 'binary', marginScore: true, probToMargin: identity, transform: hingeInPlace },
  { name: 'reg:logistic', task: 'regression', probToMargin: logitBase, transform: sigmoidInPlace },
  { name: 'reg:squarederror', task: 'regression', probToMargin: identity, transform: noTransform },
  { name: 'reg:linear', task: 'regression', probToMargin: identity, transform: noTransform },
  { name: 'reg:absoluteerror', task: 'regression', probToMargin: identity, transform: noTransform },
  { name: 'reg:pseudohubererror', task: 'regression', probToMargin: identity, transform: noTransform },
  { name: 'reg:squaredlogerror', task: 'regression', probToMargin: identity, transform: noTransform },
  // xgboost 2.0's quantile and 3.1's expectile losses: the prediction is the margin. One alpha gives one output; several
  // alphas make a multi-output model (learner_model_param.num_target > 1), which parse-model.ts refuses.
  { name: 'reg:quantileerror', task: 'regression', probToMargin: identity, transform: noTransform },
  { name: 'reg:expectileerror', task: 'regression', probToMargin: identity, transform: noTransform },
  { name: 'count:poisson', task: 'regression', probToMargin: logBase, transform: expInPlace },
  { name: 'reg:gamma', task: 'regression', probToMargin: logBase, transform: expInPlace },
  { name: 'reg:tweedie', task: 'regression', probToMargin: logBase, transform: expInPlace },
  // Survival: Cox gives the hazard ratio, AFT the survival time; both exp of the margin, base_score through log.
  { name: 'survival:cox', task: 'regression', probToMargin: logBase, transform: expInPlace },
  { name: 'survival:aft', task: 'regression', probToMargin: logBase, transform: expInPlace },
  // Learning to rank: the score is the margin (only its order within a query means anything).
  { name: 'rank:pairwise', task: 'regression', probToMargin: identity, transform: noTransform },
  { name: 'rank:ndcg', task: 'regression', probToMargin: identity, transform: noTransform },
  { name: 'rank:map', task: 'regression', probToMargin: identity, transform: noTransform },
];

/** Names of the objectives the evaluator implements, for messages and docs. */
export const SUPPORTED_OBJECTIVES: readonly string[] = OBJECTIVES.map((o) => o.name);

/** Finds an objective by xgboost name; throws ModelError naming the supported ones. */
export function findObjective(name: string): Objective {
  const found = OBJECTIVES.find((o) => o.name === name);
  if (!found) {
    throw new ModelError(
      `model: objective ${JSON.stringify(name)} is not supported; supported objectives are: ${SUPPORTED_OBJECTIVES.join(', ')}`,
    );
  }
  return found;
}
