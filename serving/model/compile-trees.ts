/**
 * @module Trees compiled into JavaScript: each tree of a model with numerical splits becomes a function of nested
 * `if`s with its thresholds, features and leaves as constants, which V8 turns into machine code. On the demo model
 * (350 trees of depth 5) 50 rows score in about 65 us against 155 us for the walk over the node arrays
 * (predict.ts), with the same bits: the comparisons are those of the walk (a float32 value against a float32
 * threshold, both exact in a double), and the leaves are added tree by tree in model order into the same Float32Array.
 *
 * Only numbers reach the generated code (typed-array values, printed with String(), which reads back as the same
 * double), never a string of the model. A model is not compiled when a tree is deeper than MAX_DEPTH or when its
 * nodes exceed MAX_MODEL_NODES (the source would be large and slow to compile); a tree larger than MAX_TREE_NODES is
 * walked as before (V8 does not optimize very large functions), in its place in the model's order. Categorical
 * splits are never compiled.
 */

import type { XGBoostModel } from './parse-model.ts';

/** Adds one tree's leaf values for rows [start, end) into `out` (row-major, `numGroups` per row). */
export type CompiledTree = (values: Float32Array, out: Float32Array, start: number, end: number) => void;

/** Deeper trees are not compiled (the generated code nests one block per level). */
const MAX_DEPTH = 64;
/** Larger trees are walked (a function of more nodes is too large for V8 to optimize). */
const MAX_TREE_NODES = 511;
/** Larger models are walked entirely. */
const MAX_MODEL_NODES = 200_000;

const compiledModels = new WeakMap<XGBoostModel, Array<CompiledTree | undefined> | null>();

/**
 * The model's trees compiled, one entry per tree in model order (undefined: walk that tree), or undefined when the
 * model is not compiled at all. Compiled once per model.
 */
export function compiledTrees(model: XGBoostModel): Array<CompiledTree | undefined> | undefined {
  let compiled = compiledModels.get(model);
  if (compiled === undefined) {
    try {
      compiled = compileModel(model);
    } catch (error) {
      // Code generation refused (node --disallow-code-generation-from-strings): the trees are walked.
      if (!(error instanceof EvalError)) throw error;
      compiled = null;
    }
    compiledModels.set(model, compiled);
  }
  return compiled ?? undefined;
}

function compileModel(model: XGBoostModel): Array<CompiledTree | undefined> | null {
  if (model.hasCategorical || model.linearWeights !== undefined || model.left.length > MAX_MODEL_NODES) return null;
  const { treeRoot, left } = model;
  const trees: Array<CompiledTree | undefined> = [];
  for (let t = 0; t < treeRoot.length; t++) {
    const end = t + 1 < treeRoot.length ? treeRoot[t + 1]! : left.length;
    const size = end - treeRoot[t]!;
    if (size > MAX_TREE_NODES) {
      trees.push(undefined);
      continue;
    }
    const body = treeSource(model, t);
    if (body === undefined) return null;
    trees.push(new Function('v', 'out', 'start', 'end', body) as CompiledTree);
  }
  return trees;
}

/** A double as a JavaScript literal that reads back as the same double (-0 included). */
function literal(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/** The body of tree t's function, or undefined when the tree is deeper than MAX_DEPTH. */
function treeSource(model: XGBoostModel, t: number): string | undefined {
  const { numFeature, numGroups, treeGroup, treeWeight, left, right, feature, value, defaultLeft } = model;
  const group = treeGroup[t]!;
  const weight = treeWeight ? treeWeight[t]! : 1;
  let tooDeep = false;
  const node = (n: number, depth: number): string => {
    if (depth > MAX_DEPTH) {
      tooDeep = true;
      return '';
    }
    if (left[n] === -1) {
      // A dart tree's leaf times its weight, rounded to float32 as the walk rounds it.
      const leaf = treeWeight ? Math.fround(value[n]! * weight) : value[n]!;
      return `out[o]+=${literal(leaf)};`;
    }
    const x = `v[b+${feature[n]}]`;
    const threshold = value[n]!;
    // The walk: x < threshold goes left; a missing x (NaN) goes the default way. `!(x >= t)` is both for a default
    // left node, unless the threshold itself is NaN (then only a missing value goes left).
    let goesLeft: string;
    if (defaultLeft[n] !== 1) goesLeft = `${x}<${literal(threshold)}`;
    else if (Number.isNaN(threshold)) goesLeft = `${x}!==${x}`;
    else goesLeft = `!(${x}>=${literal(threshold)})`;
    return `if(${goesLeft}){${node(left[n]!, depth + 1)}}else{${node(right[n]!, depth + 1)}}`;
  };
  const tree = node(model.treeRoot[t]!, 0);
  if (tooDeep) return undefined;
  return `for(let r=start;r<end;r++){const b=r*${numFeature};const o=r*${numGroups}+${group};${tree}}`;
}
