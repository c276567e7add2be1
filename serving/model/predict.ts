/**
 * @module The tree evaluator: rows in, xgboost's margins and predictions out.
 *
 * Rows are a row-major Float32Array (xgboost converts its input to float32 too, so the `<` against float32 split
 * conditions decides exactly as it does), NaN meaning missing. Margins accumulate in a Float32Array, tree by tree in
 * model order, which reproduces xgboost's float sums bit for bit in the common case.
 */

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

/** Computes the margins of every row (xgboost's `output_margin=True`). */
export function predictMargins(model: XGBoostModel, matrix: FeatureMatrix): Float32Array {
  const { numRows, values } = matrix;
  const { numFeature, numGroups, baseMargin, treeRoot, treeGroup, treeWeight } = model;
  const { left, right, feature, value, defaultLeft, catSplit } = model;
  const out = new Float32Array(numRows * numGroups);
  const numTrees = treeRoot.length;
  for (let r = 0; r < numRows; r++) {
    const rowBase = r * numFeature;
    const outBase = r * numGroups;
    for (let g = 0; g < numGroups; g++) out[outBase + g] = baseMargin[g]!;
    for (let t = 0; t < numTrees; t++) {
      let node = treeRoot[t]!;
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
      // Float32Array assignment rounds each partial sum to float, as xgboost's `float` accumulator does.
      out[outBase + treeGroup[t]!] += treeWeight ? Math.fround(leaf * treeWeight[t]!) : leaf;
    }
  }
  return out;
}

/**
 * xgboost 1.7's categorical Decision: a category in the node's set goes right, one outside it goes left; a negative
 * category or one past the set's bit field goes the default way.
 */
function categoryGoesLeft(model: XGBoostModel, split: number, x: number, defaultLeft: boolean): boolean {
  if (x < 0 || x >= model.catBitWidth[split]!) return defaultLeft;
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
export function predictRows(model: XGBoostModel, matrix: FeatureMatrix): Predictions {
  const margins = predictMargins(model, matrix);
  const outputs = margins.slice();
  const { numGroups, objective } = model;
  for (let r = 0; r < matrix.numRows; r++) objective.transform(outputs, r * numGroups, numGroups);
  return { margins, outputs, numGroups };
}
