/**
 * The evaluator agrees with xgboost itself: every case under test/fixtures/xgboost (written by
 * scripts/covertype/make_xgboost_fixtures.py with Debian's xgboost 1.7) is loaded from JSON and from UBJSON and scored;
 * margins and predictions must match xgboost's to 1e-6 (relative to the value where it is above 1: float32 keeps 7
 * digits). MPM_XGBOOST_FIXTURES names another folder of cases to run instead (scripts/fixtures/xgboost_random.py writes
 * random models there: a cross-check beyond the committed ones); only the per-case comparisons run then.
 */

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compiledTrees } from '../../serving/model/compile-trees.ts';
import { loadModel } from '../../serving/model/load-model.ts';
import { parseModel } from '../../serving/model/parse-model.ts';
import { readJsonModel } from '../../serving/model/read-json-model.ts';
import { predictRows } from '../../serving/model/predict.ts';
import { findObjective } from '../../serving/model/objectives.ts';
import { toRecordResults } from '../../serving/codec/encode-response.ts';
import { listXGBoostCases, REPO_ROOT, toMatrix, type XGBoostCase } from './helpers/fixtures.ts';

const TOLERANCE = 1e-6;

/** The largest difference from xgboost's values, relative to max(1, |value|). */
function maxDifference(actual: Float32Array, expected: (number | number[])[], groups: number): number {
  let worst = 0;
  expected.forEach((e, r) => {
    const row = Array.isArray(e) ? e : [e];
    expect(row.length).toBe(groups);
    row.forEach((v, g) => (worst = Math.max(worst, Math.abs(actual[r * groups + g]! - v) / Math.max(1, Math.abs(v)))));
  });
  return worst;
}

/** xgboost's predict() for one row, from our outputs: the argmax for multi:softmax, else the outputs as they are. */
function xgboostPrediction(c: XGBoostCase, outputs: Float32Array, groups: number): (number | number[])[] {
  return c.rows.map((_, r) => {
    const row = Array.from(outputs.subarray(r * groups, (r + 1) * groups));
    if (c.objective === 'multi:softmax') return row.indexOf(Math.max(...row));
    return groups === 1 ? row[0]! : row;
  });
}

const RANDOM_CASES = process.env['MPM_XGBOOST_FIXTURES'];
const cases = listXGBoostCases(RANDOM_CASES?.replace(/\/$/, ''));
/** Tests of particular committed cases: not run over another folder. */
const committed = it.skipIf(RANDOM_CASES !== undefined);

describe('the xgboost evaluator', () => {
  committed('has fixture cases for every required objective', () => {
    const objectives = new Set(cases.map((c) => c.objective));
    for (const o of ['multi:softprob', 'multi:softmax', 'binary:logistic', 'reg:squarederror']) expect(objectives).toContain(o);
  });

  for (const c of cases) {
    for (const [format, evaluation] of [['json', 'compiled'], ['ubj', 'compiled'], ['json', 'walked']] as const) {
      it(`matches xgboost on ${c.name} (${format}, trees ${evaluation})`, async () => {
        const { model } = await loadModel(c.modelPath(format));
        expect(model.objective.name).toBe(c.objective);
        const result = predictRows(model, toMatrix(c.rows), evaluation);
        expect(maxDifference(result.margins, c.margins, result.numGroups)).toBeLessThanOrEqual(TOLERANCE);
        const predictions = xgboostPrediction(c, result.outputs, result.numGroups);
        if (c.objective === 'multi:softmax') expect(predictions).toEqual(c.predictions);
        else expect(maxDifference(result.outputs, c.predictions, result.numGroups)).toBeLessThanOrEqual(TOLERANCE);
      });
    }
  }

  committed('reads the same model from JSON and UBJSON', async () => {
    const c = cases.find((x) => x.name === 'categorical')!;
    const a = (await loadModel(c.modelPath('json'))).model;
    const b = (await loadModel(c.modelPath('ubj'))).model;
    expect(b.featureNames).toEqual(a.featureNames);
    expect(Array.from(b.value)).toEqual(Array.from(a.value));
    expect(Array.from(b.catValues)).toEqual(Array.from(a.catValues));
    expect(Array.from(b.baseMargin)).toEqual(Array.from(a.baseMargin));
  });

  committed('sends a negative category, or one past the bit field, the default way in a model before 1.7.3 and left from 1.7.3 on', async () => {
    const c = cases.find((x) => x.name === 'categorical')!;
    const text = readFileSync(c.modelPath('json'), 'utf8');
    type TreeDoc = { categories_nodes: number[]; default_left: number[] };
    type ModelDoc = { version: number[]; learner: { gradient_booster: { model: { trees: TreeDoc[] } } } };
    const doc = readJsonModel(text) as ModelDoc;
    // The fixtures were written by 1.7.4, which has the fix (dmlc/xgboost#8591, backported in #8638 for 1.7.3).
    expect(doc.version).toEqual([1, 7, 4]);
    expect(parseModel(doc).outOfSetDefault).toBe(false);
    expect((await loadModel(c.modelPath('ubj'))).model.outOfSetDefault).toBe(false);
    const v1 = parseModel({ ...doc, version: [1, 7, 2] });
    expect(v1.outOfSetDefault).toBe(true);
    expect(parseModel({ ...doc, version: [1, 6, 9] }).outOfSetDefault).toBe(true);
    expect(parseModel({ ...doc, version: [1, 7, 3] }).outOfSetDefault).toBe(false);
    const v2 = parseModel({ ...doc, version: [2, 1, 4] });
    expect(v2.outOfSetDefault).toBe(false);
    expect(parseModel({ learner: doc.learner }).outOfSetDefault).toBe(false);
    // The new rule is the old one with every categorical node defaulting left (a missing value still takes the
    // default way).
    const withDefault = (left: number, version: number[]) => {
      const d = readJsonModel(text) as ModelDoc;
      for (const tree of d.learner.gradient_booster.model.trees) for (const node of tree.categories_nodes) tree.default_left[node] = left;
      return parseModel({ ...d, version });
    };
    const v1Left = withDefault(1, [1, 7, 2]);
    const v1Right = withDefault(0, [1, 7, 2]);
    const v2Right = withDefault(0, [3, 1, 0]);
    const outOfSet = c.rows.filter((r) => r[0] !== null && (r[0]! < 0 || r[0]! >= 32));
    const inSetOrMissing = c.rows.filter((r) => !outOfSet.includes(r));
    expect(outOfSet.length).toBeGreaterThan(8);
    const margins = (m: ReturnType<typeof parseModel>, rows: (number | null)[][]) => Array.from(predictRows(m, toMatrix(rows)).margins);
    expect(margins(v1Right, outOfSet)).not.toEqual(margins(v1Left, outOfSet));
    expect(margins(v2Right, outOfSet)).toEqual(margins(v1Left, outOfSet));
    expect(margins(v2Right, inSetOrMissing)).toEqual(margins(v1Right, inSetOrMissing));
    expect(margins(v2, c.rows)).toEqual(margins(v1, c.rows));
    // The categorical-many fixture (xgboost 1.7.4's own predictions) tells the two rules apart.
    const many = cases.find((x) => x.name === 'categorical-many')!;
    const manyDoc = readJsonModel(readFileSync(many.modelPath('json'), 'utf8')) as ModelDoc;
    const want = many.margins as number[];
    expect(margins(parseModel(manyDoc), many.rows).every((m, i) => Math.abs(m - want[i]!) <= 1e-5)).toBe(true);
    expect(margins(parseModel({ ...manyDoc, version: [1, 7, 2] }), many.rows).filter((m, i) => Math.abs(m - want[i]!) > 1e-5).length).toBeGreaterThan(10);
  });

  committed('compiles the trees it can and walks the others in their place, bit for bit', async () => {
    const deep = cases.find((x) => x.name === 'deep-trees')!;
    const { model } = await loadModel(deep.modelPath('json'));
    const trees = compiledTrees(model)!;
    expect(trees).toHaveLength(model.treeRoot.length);
    // Trees of 459 nodes (compiled) and of 549 to 883 (walked), summed in model order either way.
    expect(trees.filter((t) => t !== undefined).length).toBeGreaterThan(0);
    expect(trees.filter((t) => t === undefined).length).toBeGreaterThan(0);
    const compiled = predictRows(model, toMatrix(deep.rows), 'compiled').margins;
    expect(Array.from(compiled)).toEqual(Array.from(predictRows(model, toMatrix(deep.rows), 'walked').margins));
    // Categorical splits are walked; dart leaves are compiled with their weights.
    expect(compiledTrees((await loadModel(cases.find((x) => x.name === 'categorical')!.modelPath('json'))).model)).toBeUndefined();
    expect(compiledTrees((await loadModel(cases.find((x) => x.name === 'dart')!.modelPath('json'))).model)).toBeDefined();
  });

  committed('walks a model whose tree is deeper than the compiler nests, and compiles a NaN threshold as the walk reads it', async () => {
    const c = cases.find((x) => x.name === 'reg-squarederror')!;
    const doc = readJsonModel(readFileSync(c.modelPath('json'), 'utf8')) as { learner: { gradient_booster: { model: { trees: Array<Record<string, unknown>> } } } };
    // A chain of 70 splits on feature 0 (each left child a leaf), appended as one more tree.
    const depth = 70;
    const n = 2 * depth + 1;
    const chain: Record<string, unknown> = {
      left_children: Array.from({ length: n }, (_, i) => (i % 2 === 0 && i < n - 1 ? i + 1 : -1)),
      right_children: Array.from({ length: n }, (_, i) => (i % 2 === 0 && i < n - 1 ? i + 2 : -1)),
      split_indices: new Array(n).fill(0),
      split_conditions: Array.from({ length: n }, (_, i) => (i % 2 === 0 && i < n - 1 ? -3 + i / 20 : i / 1000)),
      default_left: new Array(n).fill(0),
      split_type: new Array(n).fill(0),
      tree_param: { num_nodes: String(n), size_leaf_vector: '0' },
    };
    const model = doc.learner.gradient_booster.model as { trees: Array<Record<string, unknown>>; tree_info: number[] };
    model.trees.push(chain);
    model.tree_info.push(0);
    const deepModel = parseModel(doc);
    expect(compiledTrees(deepModel)).toBeUndefined();
    const rows = [...c.rows, [-2.5, 1, 1, 1, 1], [0.4, null, 2, 3, 4]];
    expect(Array.from(predictRows(deepModel, toMatrix(rows)).margins)).toEqual(Array.from(predictRows(deepModel, toMatrix(rows), 'walked').margins));
    // A NaN threshold on a default-left node: only a missing value goes left, in both.
    const nanDoc = readJsonModel(readFileSync(c.modelPath('json'), 'utf8')) as typeof doc;
    const first = nanDoc.learner.gradient_booster.model.trees[0]! as { split_conditions: number[]; default_left: number[] };
    first.split_conditions[0] = NaN;
    first.default_left[0] = 1;
    const nanModel = parseModel(nanDoc);
    expect(compiledTrees(nanModel)).toBeDefined();
    expect(Array.from(predictRows(nanModel, toMatrix(c.rows)).margins)).toEqual(Array.from(predictRows(nanModel, toMatrix(c.rows), 'walked').margins));
  });

  committed('walks the trees, with the same predictions, where code generation is refused', async () => {
    const c = cases.find((x) => x.name === 'demo-covertype')!;
    const script = `
      const { loadModel } = await import('${REPO_ROOT}serving/model/load-model.ts');
      const { compiledTrees } = await import('${REPO_ROOT}serving/model/compile-trees.ts');
      const { predictRows } = await import('${REPO_ROOT}serving/model/predict.ts');
      const { toMatrix } = await import('${REPO_ROOT}test/serving/helpers/fixtures.ts');
      const { model } = await loadModel(${JSON.stringify(c.modelPath('json'))});
      const rows = ${JSON.stringify(c.rows.slice(0, 20))};
      console.log(JSON.stringify({ compiled: compiledTrees(model) !== undefined, margins: Array.from(predictRows(model, toMatrix(rows)).margins) }));`;
    const run = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { compiled: boolean; margins: number[] };
    expect(out.compiled).toBe(false);
    const { model } = await loadModel(c.modelPath('json'));
    expect(compiledTrees(model)).toBeDefined();
    expect(out.margins).toEqual(Array.from(predictRows(model, toMatrix(c.rows.slice(0, 20))).margins));
  });
});

describe.skipIf(RANDOM_CASES !== undefined)('objectives of later xgboost versions', () => {
  const squared = cases.find((x) => x.name === 'reg-squarederror')!;
  type LaterDoc = { learner: { objective: Record<string, unknown>; learner_model_param: Record<string, string> } };
  const doc = (): LaterDoc => readJsonModel(readFileSync(squared.modelPath('json'), 'utf8')) as LaterDoc;

  it.each([
    ['reg:quantileerror', { quantile_loss_param: { quantile_alpha: '[0.9]' } }],
    ['reg:expectileerror', { expectile_loss_param: { expectile_alpha: '[0.2]' } }],
  ])('predicts the margin for %s with one alpha, as xgboost (no transform, base_score as saved)', (name, params) => {
    const model = doc();
    model.learner.objective = { name, ...params };
    const parsed = parseModel(model);
    expect(parsed.objective.name).toBe(name);
    const result = predictRows(parsed, toMatrix(squared.rows), 'compiled');
    // The trees and base_score of the reg:squarederror case, whose identity link xgboost gave these predictions.
    expect(maxDifference(result.outputs, squared.predictions, 1)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('refuses a quantile model of several alphas (a multi-output model) saying so', () => {
    const model = doc();
    model.learner.objective = { name: 'reg:quantileerror', quantile_loss_param: { quantile_alpha: '[0.1,0.5,0.9]' } };
    model.learner.learner_model_param.num_target = '3';
    expect(() => parseModel(model)).toThrow('model: learner_model_param.num_target is 3: multi-output models are not supported (one target only)');
  });
});

describe('objectives at their edges (values from xgboost 1.7.4)', () => {
  it('caps the sigmoid exponent at 88.7 as xgboost does: a margin of -100 is 3.0066e-39, not 0', () => {
    const sigmoid = (margin: number): number => {
      const out = Float32Array.of(margin);
      findObjective('binary:logistic').transform(out, 0, 1);
      return out[0]!;
    };
    expect(sigmoid(-88)).toBeCloseTo(6.0546e-39, 43);
    expect(sigmoid(-89)).toBeCloseTo(3.0066e-39, 43);
    expect(sigmoid(-100)).toBe(sigmoid(-89));
    expect(sigmoid(-100)).toBeGreaterThan(0);
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(100)).toBe(1);
  });

  it('labels a multiclass record by its largest margin, as multi:softmax predict() does, when two probabilities round equal', () => {
    const margins = Float32Array.of(0.25, Math.fround(0.25000003));
    expect(margins[1]).toBeGreaterThan(margins[0]!);
    const outputs = margins.slice();
    findObjective('multi:softmax').transform(outputs, 0, 2);
    expect(outputs[0]).toBe(outputs[1]);
    const [result] = toRecordResults(findObjective('multi:softmax'), { margins, outputs, numGroups: 2 }, false);
    expect(result).toMatchObject({ label: 1, score: 0.5 });
  });
});
