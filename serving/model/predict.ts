/**
 * @module The tree evaluator: rows in, xgboost's margins and predictions out.
 *
 * Rows are a row-major Float32Array (xgboost converts its input to float32 too, so the `<` against float32 split
 * conditions decides exactly as it does), NaN meaning missing. Margins accumulate in a Float32Array, tree by tree in
 * model order, which reproduces xgboost's float sums bit for bit in the common case. The trees are compiled into
 * JavaScript functions where the model allows it (compile-trees.ts: about 2.3x faster), else walked over the node
 * arrays; both give the same bits, and the tests score every fixture both ways.
 */

import { compiledTrees, type CompiledTree } from './compile-trees.ts';
import type { XGBoostModel } from './parse-model.ts';

/** The rows to score: `numRows * numFeature` values, row-major, NaN for a missing value. */
export interface FeatureMatrix {
  readonly values: Float32Array;
  readonly numRows: number;
}

/** Output of predictRows: per row `numGroups` numbers. */
export interface Predictions {
  /** The raw margins (`predict(output_margin=True)`). */
  readonly margins: Float32Array;
  /**
   * The transformed predictions, `numGroups` per row: probabilities for multiclass (also for multi:softmax, whose
   * xgboost `predict()` returns the argmax of these), the probability of class 1 for binary:logistic, the value for
   * regression.
   */
  readonly outputs: Float32Array;
  readonly numGroups: number;
}

/** Rows scored together, tree by tree, so a tree's nodes stay in cache across the block (xgboost uses 64 too). */
const BLOCK_ROWS = 64;

/** How the trees are evaluated: compiled into JavaScript where the model allows it (compile-trees.ts), or walked. */
export type TreeEvaluation = 'compiled' | 'walked';

/** Computes the margins of every row (xgboost's `output_margin=True`). */
export function predictMargins(model: XGBoostModel, matrix: FeatureMatrix, evaluation: TreeEvaluation = 'compiled'): Float32Array {
  const { numRows } = matrix;
  const { numGroups, baseMargin } = model;
  const out = new Float32Array(numRows * numGroups);
  if (model.linearWeights !== undefined) return linearMargins(model, model.linearWeights, matrix.values, out);
  for (let r = 0; r < numRows; r++) for (let g = 0; g < numGroups; g++) out[r * numGroups + g] = baseMargin[g]!;
  const compiled = evaluation === 'compiled' ? compiledTrees(model) : undefined;
  for (let start = 0; start < numRows; start += BLOCK_ROWS) {
    const end = Math.min(numRows, start + BLOCK_ROWS);
    if (compiled !== undefined) accumulateCompiled(model, compiled, matrix.values, out, start, end);
    else if (model.hasCategorical || model.treeWeight) accumulateGeneral(model, matrix.values, out, start, end);
    else accumulateNumeric(model, matrix.values, out, start, end);
  }
  return out;
}

/** The compiled trees in model order; a tree too large to compile is walked in its place (the same sum order). */
function accumulateCompiled(model: XGBoostModel, trees: Array<CompiledTree | undefined>, values: Float32Array, out: Float32Array, start: number, end: number): void {
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t];
    if (tree !== undefined) tree(values, out, start, end);
    else accumulateGeneral(model, values, out, start, end, t, t + 1);
  }
}

/**
 * gblinear: per row and group, float32 `bias + base margin`, then `value * weight` added feature by feature over the
 * values present (a missing value adds nothing), each product and partial sum rounded to float as xgboost's `float`
 * arithmetic rounds them.
 */
function linearMargins(model: XGBoostModel, weights: Float32Array, values: Float32Array, out: Float32Array): Float32Array {
  const { numFeature, numGroups, baseMargin } = model;
  const numRows = out.length / numGroups;
  const bias = numFeature * numGroups;
  for (let r = 0; r < numRows; r++) {
    const rowBase = r * numFeature;
    for (let g = 0; g < numGroups; g++) {
      // xgboost's gblinear adds the first base margin to every group (they differ only in a 3.x multiclass intercept).
      let sum = Math.fround(weights[bias + g]! + baseMargin[0]!);
      for (let f = 0; f < numFeature; f++) {
        const x = values[rowBase + f]!;
        if (x === x) sum = Math.fround(sum + Math.fround(x * weights[f * numGroups + g]!));
      }
      out[r * numGroups + g] = sum;
    }
  }
  return out;
}

/**
 * The common case: numerical splits only, every tree weighing 1. Trees in model order for each row, so every row's
 * float32 sum is formed in xgboost's order.
 */
function accumulateNumeric(model: XGBoostModel, values: Float32Array, out: Float32Array, start: number, end: number): void {
  const { numFeature, numGroups, treeRoot, treeGroup, left, right, feature, value, defaultLeft } = model;
  const numTrees = treeRoot.length;
  for (let t = 0; t < numTrees; t++) {
    const root = treeRoot[t]!;
    const group = treeGroup[t]!;
    for (let r = start; r < end; r++) {
      const rowBase = r * numFeature;
      let node = root;
      let next = left[node]!;
      while (next !== -1) {
        const x = values[rowBase + feature[node]!]!;
        if (x < value[node]!) node = next;
        else if (x !== x && defaultLeft[node] === 1) node = next;
        else node = right[node]!;
        next = left[node]!;
      }
      // Float32Array assignment rounds each partial sum to float, as xgboost's `float` accumulator does.
      out[r * numGroups + group] += value[node]!;
    }
  }
}

/** Any model, trees [from, to): categorical splits and dart tree weights too. */
function accumulateGeneral(model: XGBoostModel, values: Float32Array, out: Float32Array, start: number, end: number, from = 0, to = model.treeRoot.length): void {
  const { numFeature, numGroups, treeRoot, treeGroup, treeWeight, left, right, feature, value, defaultLeft, catSplit } = model;
  for (let t = from; t < to; t++) {
    const root = treeRoot[t]!;
    const group = treeGroup[t]!;
    const weight = treeWeight ? treeWeight[t]! : 1;
    for (let r = start; r < end; r++) {
      const rowBase = r * numFeature;
      let node = root;
      let next = left[node]!;
      while (next !== -1) {
        const x = values[rowBase + feature[node]!]!;
        if (x !== x) {
          node = defaultLeft[node] ? next : right[node]!;
        } else if (catSplit[node]! < 0) {
          node = x < value[node]! ? next : right[node]!;
        } else {
          node = categoryGoesLeft(model, catSplit[node]!, x, defaultLeft[node] === 1) ? next : right[node]!;
        }
        next = left[node]!;
      }
      const leaf = value[node]!;
      out[r * numGroups + group] += treeWeight ? Math.fround(leaf * weight) : leaf;
    }
  }
}

/**
 * xgboost's categorical Decision: a category in the node's set goes right, one outside it goes left. A negative
 * category or one past the set's bit field goes left from xgboost 1.7.3 on, the default way in a model written
 * before (model.outOfSetDefault).
 */
function categoryGoesLeft(model: XGBoostModel, split: number, x: number, defaultLeft: boolean): boolean {
  if (x < 0 || x >= model.catBitWidth[split]!) return model.outOfSetDefault ? defaultLeft : true;
  const category = Math.trunc(x);
  const { catValues } = model;
  let lo = model.catBegin[split]!;
  let hi = lo + model.catSize[split]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = catValues[mid]!;
    if (c === category) return false;
    if (c < category) lo = mid + 1;
    else hi = mid - 1;
  }
  return true;
}

/** Scores rows: margins, then the objective's transform (sigmoid, softmax, exp, ...). */
export function predictRows(model: XGBoostModel, matrix: FeatureMatrix, evaluation: TreeEvaluation = 'compiled'): Predictions {
  const margins = predictMargins(model, matrix, evaluation);
  const outputs = margins.slice();
  const { numGroups, objective } = model;
  for (let r = 0; r < matrix.numRows; r++) objective.transform(outputs, r * numGroups, numGroups);
  return { margins, outputs, numGroups };
}
