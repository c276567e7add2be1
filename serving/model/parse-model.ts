/**
 * @module Turns a decoded xgboost `save_model` document (JSON or UBJSON, same structure) into an XGBoostModel: the
 * trees flattened into typed arrays the evaluator walks, the objective, the base margin and the feature names.
 *
 * Structure (xgboost 1.7; 2.x and 3.x keep it): `learner.learner_model_param` holds strings (`base_score`,
 * `num_class`, `num_feature`); `learner.objective.name`; `learner.feature_names`/`feature_types`;
 * `learner.gradient_booster` is `{name: "gbtree", model}`, `{name: "dart", gbtree: {model}, weight_drop}` or
 * `{name: "gblinear", model: {weights}}` (one weight per feature and group, feature-major, then one bias per group);
 * `model.tree_info[i]` is the output group (class) of `model.trees[i]`. In a tree, `left_children[n] === -1` marks a
 * leaf, whose value is `split_conditions[n]`.
 */

import { ModelError } from '../errors.ts';
import { findObjective, type Objective } from './objectives.ts';

/** A loaded model, ready for the evaluator. Node arrays are shared by all trees; `treeRoot[t]` is tree t's first node. */
export interface XGBoostModel {
  readonly objective: Objective;
  /** Number of features the model was trained on. */
  readonly numFeature: number;
  /** Feature names saved with the model, or undefined when it was trained without names. */
  readonly featureNames: readonly string[] | undefined;
  /** xgboost feature types (`float`, `int`, `q`, `i`, `c` = categorical), when saved. */
  readonly featureTypes: readonly string[] | undefined;
  /** Number of output groups: num_class for multiclass models, else 1. */
  readonly numGroups: number;
  /** Margin each row starts from, per group (base_score through the objective's ProbToMargin). */
  readonly baseMargin: Float32Array;
  readonly treeRoot: Int32Array;
  readonly treeGroup: Int32Array;
  /** Tree weights (dart's weight_drop), or undefined when every tree weighs 1 (gbtree). */
  readonly treeWeight: Float32Array | undefined;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  /** Split condition for an inner node, leaf value for a leaf (float32, as xgboost stores them). */
  readonly value: Float32Array;
  readonly defaultLeft: Uint8Array;
  /** For a categorical split: index into catBegin/catSize; -1 for a numerical split. */
  readonly catSplit: Int32Array;
  readonly catBegin: Int32Array;
  readonly catSize: Int32Array;
  /** Categories per categorical split, each run sorted ascending (categories in the run go right). */
  readonly catValues: Int32Array;
  /** Bit-field width per categorical split: a larger category is not in the set (see outOfSetDefault). */
  readonly catBitWidth: Int32Array;
  /**
   * Where a category that is negative or past the split's bit field goes: xgboost before 1.7.3 sends it the node's
   * default way (true); from 1.7.3 on (dmlc/xgboost#8591, backported to 1.7 in #8638) it goes left like any category
   * outside the set (false). Read from the model's `version`, since xgboost predicts with the rule of the version
   * that runs it and a model is scored by the version that wrote it; a model without a version is taken as current.
   */
  readonly outOfSetDefault: boolean;
  /** Whether any split is categorical (the evaluator skips the check otherwise). */
  readonly hasCategorical: boolean;
  /**
   * gblinear: `(numFeature + 1) * numGroups` weights, feature f's weight for group g at `f * numGroups + g`, then the
   * groups' biases; undefined for a tree booster (a linear model has no trees).
   */
  readonly linearWeights: Float32Array | undefined;
}

type Doc = { [key: string]: unknown };
type NumArray = ArrayLike<number>;

/** Builds an XGBoostModel from the decoded document; every structural problem is a ModelError naming its path. */
export function parseModel(doc: unknown): XGBoostModel {
  const learner = field(doc, 'learner', 'learner');
  const params = field(learner, 'learner_model_param', 'learner.learner_model_param');
  const objectiveName = stringAt(field(learner, 'objective', 'learner.objective'), 'name', 'learner.objective.name');
  const objective = findObjective(objectiveName);
  const numFeature = intParam(params, 'num_feature');
  const numClass = intParam(params, 'num_class');
  const numTarget = (params as Doc)['num_target'] === undefined ? 1 : intParam(params, 'num_target');
  if (numTarget > 1) throw new ModelError(`model: learner_model_param.num_target is ${numTarget}: multi-output models are not supported (one target only)`);
  const numGroups = Math.max(1, numClass);
  const baseScores = parseBaseScore(stringOrNumberAt(params, 'base_score', 'learner.learner_model_param.base_score'));
  const baseMargin = new Float32Array(numGroups);
  for (let g = 0; g < numGroups; g++) baseMargin[g] = objective.probToMargin(baseScores[baseScores.length === 1 ? 0 : g]!);

  const featureNames = optionalStrings(learner, 'feature_names');
  const featureTypes = optionalStrings(learner, 'feature_types');
  if (featureNames && featureNames.length !== numFeature) {
    throw new ModelError(`model: ${featureNames.length} feature_names for num_feature ${numFeature}`);
  }
  const outOfSetDefault = writtenBefore(doc, [1, 7, 3]);
  const booster = field(learner, 'gradient_booster', 'learner.gradient_booster');
  if (stringAt(booster, 'name', 'learner.gradient_booster.name') === 'gblinear') {
    const linearWeights = Float32Array.from(numbersAt(field(booster, 'model', 'gradient_booster.model'), 'weights', 'gradient_booster.model.weights'));
    if (linearWeights.length !== (numFeature + 1) * numGroups) {
      throw new ModelError(`model: gblinear has ${linearWeights.length} weights; num_feature ${numFeature} and ${numGroups} output group(s) need ${(numFeature + 1) * numGroups}`);
    }
    return { objective, numFeature, featureNames, featureTypes, numGroups, baseMargin, treeWeight: undefined, linearWeights, outOfSetDefault, ...flattenTrees([], [], numFeature, numGroups) };
  }
  const { model, weights } = boosterModel(booster);
  const trees = arrayAt(model, 'trees', 'model.trees');
  const treeInfo = numbersAt(model, 'tree_info', 'model.tree_info');
  if (treeInfo.length !== trees.length) {
    throw new ModelError(`model: tree_info has ${treeInfo.length} entries for ${trees.length} trees`);
  }
  if (weights && weights.length !== trees.length) {
    throw new ModelError(`model: dart weight_drop has ${weights.length} entries for ${trees.length} trees`);
  }
  return {
    objective,
    numFeature,
    featureNames,
    featureTypes,
    numGroups,
    baseMargin,
    treeWeight: weights ? Float32Array.from(weights) : undefined,
    linearWeights: undefined,
    outOfSetDefault,
    ...flattenTrees(trees, treeInfo, numFeature, numGroups),
  };
}

/** Whether the document says an xgboost before 2.0 wrote it (`version`: [major, minor, patch]). */
/** Whether the model's `version` ([major, minor, patch]) is before `release`; false without a readable version. */
function writtenBefore(doc: unknown, release: readonly [number, number, number]): boolean {
  const version = (doc as Doc)['version'];
  if (!Array.isArray(version) && !ArrayBuffer.isView(version)) return false;
  const parts = Array.from(version as ArrayLike<unknown>, Number);
  if (parts.length === 0 || !parts.every(Number.isFinite)) return false;
  for (let i = 0; i < release.length; i++) {
    const part = parts[i] ?? 0;
    if (part !== release[i]) return part < release[i]!;
  }
  return false;
}

function boosterModel(booster: unknown): { model: unknown; weights: NumArray | undefined } {
  const name = stringAt(booster, 'name', 'learner.gradient_booster.name');
  if (name === 'gbtree') return { model: field(booster, 'model', 'gradient_booster.model'), weights: undefined };
  if (name === 'dart') {
    const gbtree = field(booster, 'gbtree', 'gradient_booster.gbtree');
    return { model: field(gbtree, 'model', 'gradient_booster.gbtree.model'), weights: numbersAt(booster, 'weight_drop', 'weight_drop') };
  }
  throw new ModelError(`model: booster ${JSON.stringify(name)} is not supported; supported boosters are: gbtree, dart, gblinear`);
}

function flattenTrees(trees: readonly unknown[], treeInfo: NumArray, numFeature: number, numGroups: number) {
  let total = 0;
  const parsed = trees.map((tree, t) => {
    const p = `model.trees[${t}]`;
    const left = numbersAt(tree, 'left_children', `${p}.left_children`);
    const n = left.length;
    const part = {
      left,
      right: numbersAt(tree, 'right_children', `${p}.right_children`),
      feature: numbersAt(tree, 'split_indices', `${p}.split_indices`),
      value: numbersAt(tree, 'split_conditions', `${p}.split_conditions`),
      defaultLeft: numbersAt(tree, 'default_left', `${p}.default_left`),
      splitType: optionalNumbers(tree, 'split_type') ?? new Uint8Array(n),
      catNodes: optionalNumbers(tree, 'categories_nodes') ?? [],
      catSegments: optionalNumbers(tree, 'categories_segments') ?? [],
      catSizes: optionalNumbers(tree, 'categories_sizes') ?? [],
      categories: optionalNumbers(tree, 'categories') ?? [],
    };
    const param = (tree as Doc)['tree_param'];
    const leafVector = param && typeof param === 'object' ? Number((param as Doc)['size_leaf_vector'] ?? 0) : 0;
    if (leafVector > 1) throw new ModelError(`model: ${p} has vector leaves (multi-target trees), which are not supported`);
    for (const [key, arr] of Object.entries(part)) {
      if (['left', 'right', 'feature', 'value', 'defaultLeft', 'splitType'].includes(key) && (arr as NumArray).length !== n) {
        throw new ModelError(`model: ${p} arrays differ in length (${key} has ${(arr as NumArray).length}, left_children ${n})`);
      }
    }
    if (n === 0) throw new ModelError(`model: ${p} has no nodes`);
    const group = treeInfo[t]!;
    if (!(group >= 0 && group < numGroups)) throw new ModelError(`model: tree_info[${t}] = ${group} is not a group below ${numGroups}`);
    total += n;
    return part;
  });

  const out = {
    treeRoot: new Int32Array(trees.length),
    treeGroup: Int32Array.from(treeInfo),
    left: new Int32Array(total),
    right: new Int32Array(total),
    feature: new Int32Array(total),
    value: new Float32Array(total),
    defaultLeft: new Uint8Array(total),
    catSplit: new Int32Array(total).fill(-1),
  };
  const catBegin: number[] = [];
  const catSize: number[] = [];
  const catBitWidth: number[] = [];
  const catValues: number[] = [];
  let offset = 0;
  parsed.forEach((tree, t) => {
    const n = tree.left.length;
    out.treeRoot[t] = offset;
    const nodeToCat = new Map<number, number>();
    for (let k = 0; k < tree.catNodes.length; k++) nodeToCat.set(tree.catNodes[k]!, k);
    for (let i = 0; i < n; i++) {
      const g = offset + i;
      const l = tree.left[i]!;
      const r = tree.right[i]!;
      if (l === -1) {
        out.left[g] = -1;
        out.right[g] = -1;
      } else {
        if (!(l > 0 && l < n && r > 0 && r < n)) throw new ModelError(`model: model.trees[${t}] node ${i} has children ${l}, ${r} outside 0..${n - 1}`);
        out.left[g] = offset + l;
        out.right[g] = offset + r;
        const f = tree.feature[i]!;
        if (!(f >= 0 && f < numFeature)) throw new ModelError(`model: model.trees[${t}] node ${i} splits on feature ${f}, the model has ${numFeature}`);
        out.feature[g] = f;
      }
      out.value[g] = tree.value[i]!;
      out.defaultLeft[g] = tree.defaultLeft[i] ? 1 : 0;
      if (l !== -1 && tree.splitType[i] === 1) {
        const k = nodeToCat.get(i);
        if (k === undefined) throw new ModelError(`model: model.trees[${t}] node ${i} is a categorical split without categories`);
        const begin = tree.catSegments[k]!;
        const size = tree.catSizes[k]!;
        const cats = Array.from({ length: size }, (_, j) => tree.categories[begin + j]!).sort((a, b) => a - b);
        out.catSplit[g] = catBegin.length;
        catBegin.push(catValues.length);
        catSize.push(size);
        // xgboost keeps the set as a bit field of 32-bit words sized by its largest category.
        catBitWidth.push(size === 0 ? 0 : Math.ceil((cats[size - 1]! + 1) / 32) * 32);
        catValues.push(...cats);
      }
    }
    checkReachedOnce(out.left, out.right, offset, n, t);
    offset += n;
  });
  return {
    ...out,
    catBegin: Int32Array.from(catBegin),
    catSize: Int32Array.from(catSize),
    catBitWidth: Int32Array.from(catBitWidth),
    catValues: Int32Array.from(catValues),
    hasCategorical: catBegin.length > 0,
  };
}

/**
 * Every node of tree t (nodes [offset, offset + n) of the flattened arrays) is reached from its root at most once: no
 * cycle, which would make the walk never end, and no node shared by two parents. One pass with an explicit stack.
 */
function checkReachedOnce(left: Int32Array, right: Int32Array, offset: number, n: number, t: number): void {
  const reached = new Uint8Array(n);
  const stack = [offset];
  while (stack.length > 0) {
    const g = stack.pop()!;
    if (reached[g - offset]) throw new ModelError(`model: model.trees[${t}] node ${g - offset} is reached twice from the root (a cycle or a shared child)`);
    reached[g - offset] = 1;
    if (left[g] !== -1) stack.push(left[g]!, right[g]!);
  }
}

/** base_score is "5E-1" in xgboost 1.x and "[5E-1]" (or several values) from 2.0 on. */
function parseBaseScore(raw: string | number): number[] {
  const text = String(raw).trim().replace(/^\[/, '').replace(/\]$/, '');
  const values = text.split(',').map((s) => Math.fround(Number(s.trim())));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) {
    throw new ModelError(`model: base_score ${JSON.stringify(raw)} is not a number or a list of numbers`);
  }
  return values;
}

function field(obj: unknown, key: string, path: string): unknown {
  if (obj === null || typeof obj !== 'object' || !(key in obj)) {
    throw new ModelError(`model: ${path} is missing; is this an xgboost save_model file?`);
  }
  return (obj as Doc)[key];
}

function stringAt(obj: unknown, key: string, path: string): string {
  const v = field(obj, key, path);
  if (typeof v !== 'string') throw new ModelError(`model: ${path} must be a string`);
  return v;
}

function stringOrNumberAt(obj: unknown, key: string, path: string): string | number {
  const v = field(obj, key, path);
  if (typeof v !== 'string' && typeof v !== 'number') throw new ModelError(`model: ${path} must be a string`);
  return v;
}

function intParam(params: unknown, key: string): number {
  const raw = field(params, key, `learner.learner_model_param.${key}`);
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new ModelError(`model: learner_model_param.${key} ${JSON.stringify(raw)} is not a count`);
  return v;
}

function arrayAt(obj: unknown, key: string, path: string): readonly unknown[] {
  const v = field(obj, key, path);
  if (!Array.isArray(v)) throw new ModelError(`model: ${path} must be an array`);
  return v;
}

function isNumArray(v: unknown): v is NumArray {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return true;
  // null stands for NaN: xgboost writes NaN as split condition of categorical nodes, read-json-model.ts maps it to null.
  return Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'boolean' || x === null);
}

function numbersAt(obj: unknown, key: string, path: string): NumArray {
  const v = field(obj, key, path);
  if (!isNumArray(v)) throw new ModelError(`model: ${path} must be an array of numbers`);
  return Array.isArray(v) ? v.map((x) => (x === null ? NaN : Number(x))) : v;
}

function optionalNumbers(obj: unknown, key: string): NumArray | undefined {
  if (obj === null || typeof obj !== 'object' || !(key in obj)) return undefined;
  return numbersAt(obj, key, key);
}

function optionalStrings(obj: unknown, key: string): string[] | undefined {
  const v = obj !== null && typeof obj === 'object' ? (obj as Doc)[key] : undefined;
  if (!Array.isArray(v) || v.length === 0) return undefined;
  if (!v.every((x) => typeof x === 'string')) throw new ModelError(`model: learner.${key} must be an array of strings`);
  return v as string[];
}
