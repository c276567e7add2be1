/**
 * @module The statistical test that cannot pass by accident. Labels are drawn at random from the true probabilities
 * (which the calibration learns on a labelled reference) over 200 seeded windows; the realized metrics, computed by
 * the realized accumulators, must fall inside the estimate's +/-3 standard-error band in at least 95% of the windows,
 * while the band must not be vacuous (inside +/-1 standard error in clearly fewer windows), and the realized value
 * must leave the band in most windows when the labels come from a shifted distribution (concept drift shows as a gap).
 * Inputs drifting within the reference's range (covariate shift) move the estimate with the realized value.
 */
import { describe, expect, it } from 'vitest';
import { createAccumulator } from '../metrics/create-accumulator.ts';
import type { CalibrationArtefact } from './calibration-artefact.ts';
import { createEstimator } from './create-estimator.ts';
import { fitCalibration } from './fit-calibration.ts';
import { ReferenceSample } from './reference-sample.ts';
import { createSeededRandom, type SeededRandom } from './seeded-random.ts';

const WINDOWS = 200;
const WINDOW_RECORDS = 1000;

/** Beta(a, b) for integer a, b: the a-th smallest of a + b - 1 uniforms. */
function beta(random: SeededRandom, a: number, b: number): number {
  const u = Array.from({ length: a + b - 1 }, () => random.next()).sort((x, y) => x - y);
  return u[a - 1]!;
}

/** The model's truth: P(y = 1 | s) = s^2, so the raw score is overconfident and needs calibrating. */
const truth = (s: number): number => s * s;

interface Coverage {
  within3: number;
  within1: number;
  windows: number;
  /** Sums of the squared gaps (realized - estimate) and of the squared standard errors, to compare their sizes. */
  gapSquares: number;
  errorSquares: number;
}

/** The empirical spread of the gaps over the stated standard error (root mean squares): about 1 when they agree. */
const spreadRatio = (c: Coverage): number => Math.sqrt(c.gapSquares / c.errorSquares);

/** Runs `WINDOWS` windows; counts how often each metric's realized value is within 3 and 1 standard errors. */
function binaryCoverage(artefact: CalibrationArtefact, scoreShape: [number, number], labelTruth: (s: number) => number, seed: number): Record<string, Coverage> {
  const random = createSeededRandom(seed);
  const out: Record<string, Coverage> = {};
  for (let w = 0; w < WINDOWS; w++) {
    const estimator = createEstimator({ problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0', calibration: artefact })!;
    const realized = createAccumulator({ problemType: 'BinaryClassification', positiveLabel: '1' });
    for (let i = 0; i < WINDOW_RECORDS; i++) {
      const score = beta(random, ...scoreShape);
      const predicted = score >= 0.5 ? '1' : '0';
      estimator.add({ label: predicted, score });
      realized.update({ actual: random.next() < labelTruth(score) ? '1' : '0', predicted, score, keyHash: i });
    }
    tally(out, estimator.result().metrics, realized.result().scalars);
  }
  return out;
}

function tally(out: Record<string, Coverage>, estimates: Record<string, { value: number; standard_error: number | null }>, realized: Record<string, { value: number }>): void {
  for (const [metric, estimate] of Object.entries(estimates)) {
    const value = realized[metric]?.value;
    if (value === undefined || estimate.standard_error === null) continue;
    const c = (out[metric] ??= { within3: 0, within1: 0, windows: 0, gapSquares: 0, errorSquares: 0 });
    const gap = Math.abs(value - estimate.value);
    c.windows++;
    c.gapSquares += gap * gap;
    c.errorSquares += estimate.standard_error ** 2;
    if (gap <= 3 * estimate.standard_error) c.within3++;
    if (gap <= estimate.standard_error) c.within1++;
  }
}

function binaryReference(seed: number): CalibrationArtefact {
  const random = createSeededRandom(seed);
  const sample = new ReferenceSample('binary');
  for (let i = 0; i < 5000; i++) {
    const score = beta(random, 2, 2);
    sample.add({ actual: random.next() < truth(score) ? '1' : '0', predicted: score >= 0.5 ? '1' : '0', score });
  }
  return fitCalibration(sample, { positiveLabel: '1', chunkSize: WINDOW_RECORDS });
}

describe('binary CBPE over 200 seeded windows of 1000 predictions', () => {
  const artefact = binaryReference(11);

  it('calibrates the overconfident scores (NannyML\'s rule)', () => {
    expect(artefact.calibrations[0]!.calibrate).toBe(true);
    expect(artefact.calibrations[0]!.reason).toBe('lowers_calibration_error');
  });

  it('holds the realized accuracy (and every other metric) within 3 standard errors in at least 95% of windows', () => {
    const coverage = binaryCoverage(artefact, [2, 2], truth, 12);
    expect(coverage.accuracy!.windows).toBe(WINDOWS);
    expect(coverage.accuracy!.within3 / WINDOWS).toBeGreaterThanOrEqual(0.95);
    // Not a vacuous band: within one standard error clearly less often (about 68-80% for a sound error).
    expect(coverage.accuracy!.within1 / WINDOWS).toBeLessThan(0.9);
    expect(coverage.accuracy!.within1 / WINDOWS).toBeGreaterThan(0.5);
    for (const metric of ['precision', 'recall', 'f1', 'true_negative_rate', 'auc']) {
      expect(coverage[metric]!.within3 / coverage[metric]!.windows, metric).toBeGreaterThanOrEqual(0.95);
      expect(coverage[metric]!.within1 / coverage[metric]!.windows, metric).toBeLessThan(0.95);
    }
    // The stated standard error has the size of the actual gaps: the root mean square of realized - estimate over
    // the windows, over that of the standard errors (seen: accuracy 0.93, precision 1.03, recall 0.92, f1 0.71,
    // specificity 0.61, auc 1.22). The standard error is the metric's sampling error (NannyML's), which includes the
    // spread of the scores between windows; the gap given the scores does not, so a ratio below 1 (a band wider
    // than needed) is expected, most for f1 and specificity. It must never understate the gap by a third.
    for (const metric of ['accuracy', 'precision', 'recall', 'f1', 'true_negative_rate', 'auc']) {
      expect(spreadRatio(coverage[metric]!), metric).toBeGreaterThan(0.5);
      expect(spreadRatio(coverage[metric]!), metric).toBeLessThan(1.33);
    }
    expect(spreadRatio(coverage.accuracy!)).toBeGreaterThan(0.8);
  });

  it('follows inputs that drift within the reference\'s range (covariate shift): the band still holds', () => {
    const coverage = binaryCoverage(artefact, [4, 2], truth, 13);
    expect(coverage.accuracy!.within3 / WINDOWS).toBeGreaterThanOrEqual(0.95);
  });

  it('holds every metric\'s band when the window has a tenth of the reference\'s predicted positives (its own shares)', () => {
    // Scores shifted low (Beta(2, 7) against the reference's Beta(2, 2)): about 35 predicted positives per window
    // against 500 in the reference's share. A standard error from the reference's share held precision in 45% of
    // windows; the window's own share holds it.
    const coverage = binaryCoverage(artefact, [2, 7], truth, 15);
    for (const metric of ['accuracy', 'precision', 'recall', 'f1', 'true_negative_rate', 'auc']) {
      expect(coverage[metric]!.within3 / coverage[metric]!.windows, metric).toBeGreaterThanOrEqual(0.95);
      expect(spreadRatio(coverage[metric]!), metric).toBeLessThan(1.33);
    }
  });

  it('shows concept drift as a gap: labels from a shifted P(y | s) leave the band in most windows', () => {
    // The same scores, but positives now half as likely at every score: the model is worse than it believes.
    const coverage = binaryCoverage(artefact, [2, 2], (s) => truth(s) / 2, 14);
    expect(coverage.accuracy!.within3 / WINDOWS).toBeLessThan(0.05);
  });
});

describe('multiclass CBPE with probability vectors over 200 seeded windows', () => {
  const classes = ['0', '1', '2'];
  /** Softmax of noisy logits; the truth sharpens the vector (P(y = k) ~ v_k^2), so raw vectors are miscalibrated. */
  const draw = (random: SeededRandom, spread: number): { vector: number[]; truth: number[] } => {
    const logits = classes.map((_, k) => spread * (random.next() + random.next() - 1) * 2 + (k === 0 ? 0.3 : 0));
    const exp = logits.map(Math.exp);
    const total = exp.reduce((a, b) => a + b, 0);
    const vector = exp.map((e) => e / total);
    const sharp = vector.map((v) => v * v);
    const sharpTotal = sharp.reduce((a, b) => a + b, 0);
    return { vector, truth: sharp.map((v) => v / sharpTotal) };
  };
  const pick = (random: SeededRandom, p: number[]): string => {
    let u = random.next();
    for (let k = 0; k < p.length; k++) if ((u -= p[k]!) < 0) return classes[k]!;
    return classes[p.length - 1]!;
  };
  const argmax = (v: number[]): string => classes[v.indexOf(Math.max(...v))]!;

  const random = createSeededRandom(21);
  const sample = new ReferenceSample('multiclass_vectors');
  for (let i = 0; i < 6000; i++) {
    const { vector, truth: t } = draw(random, 1.5);
    sample.add({ actual: pick(random, t), predicted: argmax(vector), probabilities: vector });
  }
  const artefact = fitCalibration(sample, { classes, chunkSize: WINDOW_RECORDS });

  const coverage = (labelTruth: (t: number[], v: number[]) => number[], seed: number): Record<string, Coverage> => {
    const r = createSeededRandom(seed);
    const out: Record<string, Coverage> = {};
    for (let w = 0; w < WINDOWS; w++) {
      const estimator = createEstimator({ problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0', calibration: artefact })!;
      const realized = createAccumulator({ problemType: 'MulticlassClassification' });
      for (let i = 0; i < WINDOW_RECORDS; i++) {
        const { vector, truth: t } = draw(r, 1.5);
        const predicted = argmax(vector);
        estimator.add({ label: predicted, probabilities: vector });
        realized.update({ actual: pick(r, labelTruth(t, vector)), predicted, keyHash: i });
      }
      const realizedResult = realized.result();
      const extra = realizedResult.extra as { macro_precision: number; macro_recall: number; macro_f1: number };
      tally(out, estimator.result().metrics, {
        ...realizedResult.scalars,
        macro_precision: { value: extra.macro_precision },
        macro_recall: { value: extra.macro_recall },
        macro_f1: { value: extra.macro_f1 },
      });
    }
    return out;
  };

  it('holds the realized accuracy and weighted metrics within 3 standard errors in at least 95% of windows', () => {
    const c = coverage((t) => t, 22);
    expect(c.accuracy!.within3 / WINDOWS).toBeGreaterThanOrEqual(0.95);
    expect(c.accuracy!.within1 / WINDOWS).toBeLessThan(0.9);
    for (const metric of ['weighted_precision', 'weighted_recall', 'weighted_f1', 'macro_precision', 'macro_recall', 'macro_f1']) {
      expect(c[metric]!.within3 / c[metric]!.windows, metric).toBeGreaterThanOrEqual(0.95);
    }
    // The gaps are about 1.36 times the standard error (seen: 1.30 to 1.38 for every metric): per-class calibration
    // and renormalisation leave a small bias (docs/estimation.md, "How it fails") that the standard error, a pure
    // sampling error, does not include. The +/-3 band still holds in >= 95% of windows (above); this bounds the bias.
    for (const metric of ['accuracy', 'weighted_precision', 'weighted_recall', 'weighted_f1', 'macro_precision', 'macro_recall', 'macro_f1']) {
      expect(spreadRatio(c[metric]!), metric).toBeGreaterThan(0.8);
      expect(spreadRatio(c[metric]!), metric).toBeLessThan(1.5);
    }
  });

  it('shows concept drift as a gap: labels drawn from the unsharpened vector leave the band in most windows', () => {
    const c = coverage((_t, v) => v, 23);
    expect(c.accuracy!.within3 / WINDOWS).toBeLessThan(0.05);
  });
});
