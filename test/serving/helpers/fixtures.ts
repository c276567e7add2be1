/**
 * @module Paths and readers for the committed serving fixtures (test/fixtures/xgboost, demo/model).
 */

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Folder of the xgboost fixture cases. */
export const XGBOOST_FIXTURES = `${REPO_ROOT}test/fixtures/xgboost`;
/** Folder of the committed demo model. */
export const DEMO_MODEL_DIR = `${REPO_ROOT}demo/model`;

/** One fixture case: the rows and xgboost's own outputs on them. */
export interface XGBoostCase {
  readonly name: string;
  readonly dir: string;
  readonly featureNames: string[] | null;
  readonly rows: (number | null)[][];
  readonly objective: string;
  /** xgboost predict(): a number per row, or a vector per row for multi:softprob. */
  readonly predictions: (number | number[])[];
  /** xgboost predict(output_margin=True). */
  readonly margins: (number | number[])[];
  /** Model file of the case in one format: the case's own model.json/.ubj, or the one its input.json names. */
  modelPath(format: 'json' | 'ubj'): string;
}

/** Every case folder under `folder` (default test/fixtures/xgboost) that holds an expected.json. */
export function listXGBoostCases(folder = XGBOOST_FIXTURES): XGBoostCase[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => readXGBoostCase(`${folder}/${name}`, name));
}

/** Reads one case folder. */
export function readXGBoostCase(dir: string, name: string): XGBoostCase {
  const input = JSON.parse(readFileSync(`${dir}/input.json`, 'utf8'));
  const expected = JSON.parse(readFileSync(`${dir}/expected.json`, 'utf8'));
  return {
    name,
    dir,
    featureNames: input.feature_names,
    rows: input.rows,
    objective: expected.objective,
    predictions: expected.predictions,
    margins: expected.margins,
    modelPath: (format) => (input.model ? `${REPO_ROOT}${input.model}.${format}` : `${dir}/model.${format}`),
  };
}

/** Row-major float32 matrix from JSON rows (null = missing). */
export function toMatrix(rows: (number | null)[][]): { values: Float32Array; numRows: number } {
  const width = rows[0]?.length ?? 0;
  const values = new Float32Array(rows.length * width);
  rows.forEach((row, r) => row.forEach((v, c) => (values[r * width + c] = v === null ? NaN : v)));
  return { values, numRows: rows.length };
}
