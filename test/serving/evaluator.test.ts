/**
 * The evaluator agrees with xgboost itself: every case under test/fixtures/xgboost (written by
 * scripts/covertype/make_xgboost_fixtures.py with Debian's xgboost 1.7) is loaded from JSON and from UBJSON and scored;
 * margins and predictions must match xgboost's to 1e-6.
 */

import { describe, expect, it } from 'vitest';
import { loadModel } from '../../serving/model/load-model.ts';
import { predictRows } from '../../serving/model/predict.ts';
import { listXGBoostCases, toMatrix, type XGBoostCase } from './helpers/fixtures.ts';

const TOLERANCE = 1e-6;

function maxDifference(actual: Float32Array, expected: (number | number[])[], groups: number): number {
  let worst = 0;
  expected.forEach((e, r) => {
    const row = Array.isArray(e) ? e : [e];
    expect(row.length).toBe(groups);
    row.forEach((v, g) => (worst = Math.max(worst, Math.abs(actual[r * groups + g]! - v))));
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

const cases = listXGBoostCases();

describe('the xgboost evaluator', () => {
  it('has fixture cases for every required objective', () => {
    const objectives = new Set(cases.map((c) => c.objective));
    for (const o of ['multi:softprob', 'multi:softmax', 'binary:logistic', 'reg:squarederror']) expect(objectives).toContain(o);
  });

  for (const c of cases) {
    for (const format of ['json', 'ubj'] as const) {
      it(`matches xgboost on ${c.name} (${format})`, async () => {
        const { model } = await loadModel(c.modelPath(format));
        expect(model.objective.name).toBe(c.objective);
        const result = predictRows(model, toMatrix(c.rows));
        expect(maxDifference(result.margins, c.margins, result.numGroups)).toBeLessThanOrEqual(TOLERANCE);
        const predictions = xgboostPrediction(c, result.outputs, result.numGroups);
        if (c.objective === 'multi:softmax') expect(predictions).toEqual(c.predictions);
        else expect(maxDifference(result.outputs, c.predictions, result.numGroups)).toBeLessThanOrEqual(TOLERANCE);
      });
    }
  }

  it('reads the same model from JSON and UBJSON', async () => {
    const c = cases.find((x) => x.name === 'categorical')!;
    const a = (await loadModel(c.modelPath('json'))).model;
    const b = (await loadModel(c.modelPath('ubj'))).model;
    expect(b.featureNames).toEqual(a.featureNames);
    expect(Array.from(b.value)).toEqual(Array.from(a.value));
    expect(Array.from(b.catValues)).toEqual(Array.from(a.catValues));
    expect(Array.from(b.baseMargin)).toEqual(Array.from(a.baseMargin));
  });
});
