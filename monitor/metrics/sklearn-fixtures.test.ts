/**
 * @module Golden cases: every metric against scikit-learn. The cases and their expected values are written offline
 * by scripts/fixtures/sklearn_metrics.py into test/fixtures/metrics/ (CI has no Python); a new case is a new file.
 * MPM_METRICS_FIXTURES names another folder of cases to run instead (scripts/fixtures/sklearn_metrics_random.py
 * writes random ones there: a cross-check beyond the committed cases).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAccumulator } from './create-accumulator.ts';
import { metricNames, sectionKeys } from './metric-names.ts';
import { SUBSAMPLE_COUNT, subsampleMask } from './subsample.ts';
import type { AccumulatorOptions, MetricValue, ModelQualityResult, Observation } from './types.ts';

const FIXTURES = process.env['MPM_METRICS_FIXTURES'] ? `${process.env['MPM_METRICS_FIXTURES'].replace(/\/$/, '')}/` : fileURLToPath(new URL('../../test/fixtures/metrics/', import.meta.url));
/** Agreement required with scikit-learn, relative to max(1, |expected|). */
const TOLERANCE = 1e-9;

interface FixtureCase {
  description: string;
  options: AccumulatorOptions;
  observations: {
    actual?: string[];
    predicted?: string[];
    score?: (number | null)[];
    actualValue?: number[];
    predictedValue?: number[];
    keyHash: number[];
  };
  expected: {
    item_count: number;
    subsample_sizes: number[];
    scalars: Record<string, MetricValue>;
    [detail: string]: unknown;
  };
}

function loadCases(): [string, FixtureCase][] {
  return readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(FIXTURES + file, 'utf8')) as FixtureCase]);
}

function observationsOf(fixture: FixtureCase): Observation[] {
  const columns = fixture.observations;
  return columns.keyHash.map((keyHash, i) => {
    const observation: Observation = { actual: columns.actual?.[i] ?? '', predicted: columns.predicted?.[i] ?? '', keyHash };
    const score = columns.score?.[i];
    if (score !== undefined && score !== null) observation.score = score;
    if (columns.actualValue) observation.actualValue = columns.actualValue[i]!;
    if (columns.predictedValue) observation.predictedValue = columns.predictedValue[i]!;
    return observation;
  });
}

function expectClose(actual: unknown, expected: number, what: string): void {
  expect(typeof actual, what).toBe('number');
  const error = Math.abs((actual as number) - expected);
  expect(error, `${what}: ${String(actual)} vs scikit-learn ${expected}`).toBeLessThanOrEqual(
    TOLERANCE * Math.max(1, Math.abs(expected)),
  );
}

function expectCloseArrays(actual: unknown, expected: number[], what: string): void {
  expect(Array.isArray(actual), what).toBe(true);
  expect((actual as number[]).length, `${what} length`).toBe(expected.length);
  expected.forEach((value, i) => expectClose((actual as number[])[i], value, `${what}[${i}]`));
}

function run(fixture: FixtureCase): ModelQualityResult {
  const accumulator = createAccumulator(fixture.options);
  for (const observation of observationsOf(fixture)) accumulator.update(observation);
  return accumulator.result();
}

describe.each(loadCases())('scikit-learn case %s', (_name, fixture) => {
  const result = run(fixture);
  const expected = fixture.expected;
  const problemType = fixture.options.problemType;

  it('counts the records and assigns the subsamples as the generator does', () => {
    expect(result.itemCount).toBe(expected.item_count);
    const seed = (fixture.options.seed ?? 0) >>> 0;
    const sizes = new Array<number>(SUBSAMPLE_COUNT).fill(0);
    for (const key of fixture.observations.keyHash) {
      const mask = subsampleMask(key, seed);
      for (let j = 0; j < SUBSAMPLE_COUNT; j++) sizes[j]! += (mask >>> j) & 1;
    }
    expect(sizes).toEqual(expected.subsample_sizes);
  });

  it('computes exactly the scalars scikit-learn defines, and says why the others are missing', () => {
    expect(Object.keys(result.scalars).sort()).toEqual(Object.keys(expected.scalars).sort());
    const missing = metricNames(problemType).filter((name) => !(name in expected.scalars));
    const notComputed = (result.extra.not_computed ?? {}) as Record<string, string>;
    for (const name of missing) expect(notComputed[name], `reason for ${name}`).toMatch(/\w/);
  });

  it('agrees with scikit-learn on every value and standard deviation (1e-9)', () => {
    for (const [name, want] of Object.entries(expected.scalars)) {
      const got = result.scalars[name]!;
      expectClose(got.value, want.value, `${name}.value`);
      if (want.standard_deviation === 'NaN') expect(got.standard_deviation, `${name} std`).toBe('NaN');
      else expectClose(got.standard_deviation, want.standard_deviation, `${name}.standard_deviation`);
    }
  });

  it('lays out the section in SageMaker order with the scalars, matrix and curves', () => {
    const keys = sectionKeys(problemType).filter((key) => key in expected.scalars || key in expected);
    expect(Object.keys(result.metrics)).toEqual(keys);
    for (const name of Object.keys(expected.scalars)) expect(result.metrics[name]).toEqual(result.scalars[name]);
    if ('confusion_matrix' in expected) expect(result.metrics.confusion_matrix).toEqual(expected.confusion_matrix);
  });

  it('draws the ROC and precision-recall curves as scikit-learn does', () => {
    const roc = expected.receiver_operating_characteristic_curve as Record<string, number[]> | undefined;
    const pr = expected.precision_recall_curve as Record<string, number[]> | undefined;
    const gotRoc = result.metrics.receiver_operating_characteristic_curve as Record<string, number[]> | undefined;
    const gotPr = result.metrics.precision_recall_curve as Record<string, number[]> | undefined;
    expect(gotRoc === undefined).toBe(roc === undefined);
    expect(gotPr === undefined).toBe(pr === undefined);
    if (roc) {
      expectCloseArrays(gotRoc!.false_positive_rates, roc.false_positive_rates!, 'false_positive_rates');
      expectCloseArrays(gotRoc!.true_positive_rates, roc.true_positive_rates!, 'true_positive_rates');
    }
    if (pr) {
      expectCloseArrays(gotPr!.precisions, pr.precisions!, 'precisions');
      expectCloseArrays(gotPr!.recalls, pr.recalls!, 'recalls');
    }
  });

  if (problemType !== 'MulticlassClassification') return;
  it('reports per-class and macro metrics in extra', () => {
    const perClass = expected.per_class as Record<string, Record<string, number>>;
    const got = result.extra.per_class as Record<string, Record<string, number>>;
    expect(Object.keys(got).sort()).toEqual(Object.keys(perClass).sort());
    for (const [label, metrics] of Object.entries(perClass)) {
      for (const [name, value] of Object.entries(metrics)) expectClose(got[label]![name], value, `${label}.${name}`);
    }
    for (const name of ['macro_precision', 'macro_recall', 'macro_f1']) {
      expectClose(result.extra[name], expected[name] as number, name);
    }
    expect(result.extra.best_constant_label).toBe(expected.best_constant_label);
  });
});
