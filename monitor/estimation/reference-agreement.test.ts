/**
 * @module Agreement with scikit-learn and numpy (scripts/fixtures/cbpe_reference.py, run offline; its JSON outputs
 * are committed in test/fixtures/estimation/): calibration maps, calibrated probabilities, estimates, standard errors
 * and reference-chunk thresholds to 1e-9, given the same calibrate-or-not decision; and the decision itself on
 * clear-cut cases, as NannyML's procedure (scikit-learn's splits) takes it. MPM_ESTIMATION_FIXTURES names another
 * folder of the same cases to run instead (scripts/fixtures/cbpe_reference_random.py draws them from other seeds).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toPrediction, type ResponseOptions } from '../ingest/explode-response.ts';
import { BinaryEstimator } from './binary-estimator.ts';
import type { CalibrationArtefact } from './calibration-artefact.ts';
import { decideCalibration } from './calibration-decision.ts';
import { fitCalibration } from './fit-calibration.ts';
import { predictIsotonic, type IsotonicMap } from './isotonic-regression.ts';
import { MulticlassEstimator } from './multiclass-estimator.ts';
import { ReferenceSample } from './reference-sample.ts';
import type { EstimationResult } from './estimation-result.ts';
import { TopScoreEstimator } from './top-score-estimator.ts';

const FIXTURES = process.env['MPM_ESTIMATION_FIXTURES'] ? `${process.env['MPM_ESTIMATION_FIXTURES'].replace(/\/$/, '')}/` : fileURLToPath(new URL('../../test/fixtures/estimation/', import.meta.url));
const TOLERANCE = 1e-9;

type Json = any;

function load(name: string): Json {
  return JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8'));
}

function close(actual: number | null | undefined, expected: number | null, what: string): void {
  if (expected === null) {
    expect(actual === null || actual === undefined || Number.isNaN(actual), `${what}: expected no value, got ${actual}`).toBe(true);
    return;
  }
  expect(typeof actual, what).toBe('number');
  const error = Math.abs((actual as number) - expected) / Math.max(1, Math.abs(expected));
  expect(error, `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(TOLERANCE);
}

function closeMap(actual: IsotonicMap | undefined, expected: IsotonicMap, what: string): void {
  expect(actual, what).toBeDefined();
  expect(actual!.x.length, `${what}: thresholds`).toBe(expected.x.length);
  actual!.x.forEach((x, i) => close(x, expected.x[i]!, `${what}.x[${i}]`));
  actual!.y.forEach((y, i) => close(y, expected.y[i]!, `${what}.y[${i}]`));
}

function closeComponents(artefact: CalibrationArtefact, expected: Record<string, Json>): void {
  for (const [metric, spec] of Object.entries(expected)) {
    const mine = artefact.sampling_error[metric] as Json;
    expect(mine.method, metric).toBe(spec.method);
    for (const key of ['std', 'fraction']) if (key in spec) close(mine[key], spec[key], `sampling_error.${metric}.${key}`);
    if (spec.method === 'class_variances') {
      spec.variances.forEach((v: number | null, k: number) => close(mine.variances[k], v, `${metric}.variances[${k}]`));
      spec.fractions.forEach((f: number | null, k: number) => close(mine.fractions[k], f, `${metric}.fractions[${k}]`));
    }
  }
}

function closeThresholds(artefact: CalibrationArtefact, expected: Json): void {
  expect(artefact.thresholds?.chunks).toBe(expected.chunks);
  expect(artefact.thresholds?.chunk_size).toBe(expected.chunk_size);
  for (const [metric, t] of Object.entries(expected.metrics) as Array<[string, Json]>) {
    for (const key of ['mean', 'std', 'lower', 'upper']) close((artefact.thresholds!.metrics[metric] as Json)[key], t[key], `thresholds.${metric}.${key}`);
  }
}

function closeEstimates(result: EstimationResult, expected: Record<string, Json>): void {
  for (const [metric, e] of Object.entries(expected)) {
    const mine = result.metrics[metric];
    expect(mine, metric).toBeDefined();
    close(mine!.value, e.value, `estimate ${metric}`);
    if (e.standard_error !== null) {
      close(mine!.standard_error, e.standard_error, `standard error ${metric}`);
      close(mine!.lower, Math.max(0, e.value - 3 * e.standard_error), `lower ${metric}`);
      close(mine!.upper, Math.min(1, e.value + 3 * e.standard_error), `upper ${metric}`);
    } else expect(mine!.standard_error_method, metric).toBe('bootstrap');
  }
}

function closeMatrix(actual: Record<string, Record<string, number>> | undefined, expected: Record<string, Record<string, number>>): void {
  expect(Object.keys(actual ?? {})).toEqual(Object.keys(expected));
  for (const [a, row] of Object.entries(expected)) {
    expect(Object.keys(actual![a]!)).toEqual(Object.keys(row));
    for (const [p, v] of Object.entries(row)) close(actual![a]![p], v, `expected cell (${a}, ${p})`);
  }
}

describe.each(['binary-calibrated', 'binary-threshold-uncalibrated', 'binary-predicted-score'])('binary fixture %s', (name) => {
  const fixture = load(name);
  // Predictions go through the ingest's own rule, so the estimate sees the label the realized metrics see.
  const response: ResponseOptions = {
    problemType: 'BinaryClassification',
    positiveLabel: '1',
    negativeLabel: '0',
    threshold: fixture.binary_score === 'predicted' ? undefined : fixture.threshold,
    binaryScore: fixture.binary_score,
  };
  const predict = (i: number, side: Json): ReturnType<typeof toPrediction> =>
    fixture.binary_score === 'predicted' ? toPrediction(i, side.predicted[i], side.confidence[i], undefined, response) : toPrediction(i, undefined, side.score[i], undefined, response);
  const sample = new ReferenceSample('binary');
  fixture.reference.actual.forEach((actual: string, i: number) => {
    const p = predict(i, fixture.reference);
    sample.add({ actual, predicted: p.label, score: p.score });
  });
  const artefact = fitCalibration(sample, { positiveLabel: '1', policy: fixture.calibrate ? 'always' : 'never' });
  const expected = fixture.expected;

  it('fits the calibration map of scikit-learn', () => {
    expect(artefact.calibrations[0]!.calibrate).toBe(fixture.calibrate);
    if (fixture.calibrate) closeMap(artefact.calibrations[0]!.map, expected.map, 'map');
    else expect(artefact.calibrations[0]!.map).toBeUndefined();
  });

  it('gives the standard-error components and thresholds of numpy', () => {
    closeComponents(artefact, expected.sampling_error);
    closeThresholds(artefact, expected.thresholds);
  });

  it('estimates every metric, its standard error and band, and the expected confusion matrix', () => {
    const estimator = new BinaryEstimator({ positiveLabel: '1', negativeLabel: '0', calibration: artefact });
    const side = fixture.analysis;
    const count = (side.score ?? side.confidence).length;
    for (let i = 0; i < count; i++) {
      const p = predict(i, side);
      if (artefact.calibrations[0]!.map) close(predictIsotonic(artefact.calibrations[0]!.map, p.score!), expected.calibrated[i], `calibrated[${i}]`);
      estimator.add(p);
    }
    const result = estimator.result();
    expect(result.estimated_records).toBe(count);
    expect(result.calibrated).toBe(fixture.calibrate);
    // mpm's one deliberate difference from NannyML: reference_std_fraction divides by the window's own share of the
    // records a metric is about, not the reference's (sampling-error.ts); the fixture's errors are NannyML's.
    const m = expected.expected_confusion_matrix as Record<string, Record<string, number>>;
    const [tp, fn, fp, tn] = [m['1']!['1']!, m['1']!['0']!, m['0']!['1']!, m['0']!['0']!];
    const n = tp + fn + fp + tn;
    const windowFraction: Record<string, number> = { precision: (tp + fp) / n, recall: (tp + fn) / n, f1: (tp + fp + fn) / n, true_negative_rate: (tn + fp) / n, auc: Math.min(tp + fn, fp + tn) / n };
    const estimates = Object.fromEntries(
      Object.entries(expected.estimates as Record<string, Json>).map(([metric, e]) => {
        const spec = expected.sampling_error[metric];
        if (spec?.method !== 'reference_std_fraction' || e.standard_error === null) return [metric, e];
        return [metric, { ...e, standard_error: e.standard_error * Math.sqrt(spec.fraction / windowFraction[metric]!) }];
      }),
    );
    expect(Object.values(estimates).some((e, i) => e.standard_error !== Object.values(expected.estimates as Record<string, Json>)[i]!.standard_error)).toBe(true);
    closeEstimates(result, estimates);
    closeMatrix(result.expected_confusion_matrix, expected.expected_confusion_matrix);
  });
});

describe.each(['multiclass-vectors-calibrated', 'multiclass-vectors-uncalibrated'])('multiclass fixture %s', (name) => {
  const fixture = load(name);
  const response: ResponseOptions = { problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0' };
  const sample = new ReferenceSample('multiclass_vectors');
  fixture.reference.actual.forEach((actual: string, i: number) => {
    const vector = fixture.reference.probabilities[i];
    sample.add({ actual, predicted: toPrediction(i, undefined, undefined, vector, response).label, probabilities: vector });
  });
  const artefact = fitCalibration(sample, { classes: fixture.classes, policy: fixture.calibrate ? 'always' : 'never' });
  const expected = fixture.expected;

  it('fits one map per class as scikit-learn does (a class never seen maps everything to 0)', () => {
    artefact.calibrations.forEach((c, k) => {
      expect(c.class).toBe(fixture.classes[k]);
      if (fixture.calibrate) closeMap(c.map, expected.maps[k], `map of class ${k}`);
      else expect(c.map).toBeUndefined();
    });
    if (fixture.calibrate) expect(artefact.calibrations[3]!.map!.y.every((y) => y === 0)).toBe(true);
  });

  it('gives the standard-error components and thresholds of numpy', () => {
    closeComponents(artefact, expected.sampling_error);
    closeThresholds(artefact, expected.thresholds);
  });

  it('estimates the expected confusion matrix and every metric from it (an all-zero calibrated vector is uniform)', () => {
    const estimator = new MulticlassEstimator({ calibration: artefact });
    fixture.analysis.probabilities.forEach((vector: number[], i: number) => {
      estimator.add({ label: toPrediction(i, undefined, undefined, vector, response).label, probabilities: vector });
    });
    const result = estimator.result();
    expect(result.estimated_records).toBe(fixture.analysis.probabilities.length);
    closeEstimates(result, expected.estimates);
    closeMatrix(result.expected_confusion_matrix, expected.expected_confusion_matrix);
  });
});

describe('multiclass fixture multiclass-top-score', () => {
  const fixture = load('multiclass-top-score');
  const sample = new ReferenceSample('multiclass_top_score');
  fixture.reference.actual.forEach((actual: string, i: number) => {
    sample.add({ actual, predicted: fixture.reference.predicted[i], score: fixture.reference.score[i] });
  });
  const artefact = fitCalibration(sample, { policy: 'always' });

  it('fits the map of P(correct) on the top score and estimates accuracy alone', () => {
    closeMap(artefact.calibrations[0]!.map, fixture.expected.map, 'map');
    closeComponents(artefact, fixture.expected.sampling_error);
    closeThresholds(artefact, fixture.expected.thresholds);
    const estimator = new TopScoreEstimator({ calibration: artefact });
    fixture.analysis.score.forEach((score: number, i: number) => estimator.add({ label: fixture.analysis.predicted[i], score }));
    const result = estimator.result();
    closeEstimates(result, fixture.expected.estimates);
    expect(Object.keys(result.metrics)).toEqual(['accuracy']);
    expect(result.not_estimated.weighted_f1).toMatch(/only the predicted label's probability/);
  });
});

describe('the calibrate-or-not decision on clear-cut cases', () => {
  const cases = (load('decisions').cases as Json[]).map((c): [string, Json] => [c.description as string, c]);
  it.each(cases)('%s', (_description, c) => {
    // Our splits differ from numpy's; a clear-cut case is decided alike whatever the seed.
    for (const seed of [42, 1, 2, 3]) {
      const decision = decideCalibration(c.scores, c.targets, { seed });
      expect(decision.calibrate, `seed ${seed}`).toBe(c.calibrate);
      expect(decision.reason, `seed ${seed}`).toBe(c.reason);
    }
  });
});
