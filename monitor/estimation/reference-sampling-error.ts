/**
 * @module What each estimated metric's standard error needs from the labelled reference, computed once by
 * suggest-baseline (nannyml/sampling_error/, re-derived): per-record spreads and the share of records they concern, or
 * a seeded bootstrap where NannyML has no formula (SageMaker's support-weighted multiclass precision and f1).
 */
import { multiclassScalars } from '../metrics/multiclass-metrics.ts';
import type { Marginals } from '../metrics/confusion-counts.ts';
import type { SamplingErrorComponents } from './calibration-artefact.ts';
import { createSeededRandom } from './seeded-random.ts';

/** Resamples of the bootstrap. */
export const BOOTSTRAP_RESAMPLES = 200;
/** Most records in one resample (NannyML caps its resamples at 50,000 too); the spread is scaled to any size. */
export const BOOTSTRAP_MAX_SAMPLE = 50_000;
export const BOOTSTRAP_SEED = 42;

/** Population mean and standard deviation (numpy's std, ddof 0) of `values`; NaN for none. */
export function meanAndStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(squares / n) };
}

/** Standard deviation of `ones` ones and `zeros` zeros, each times `scale`. */
function indicatorStd(ones: number, zeros: number, scale = 1): number {
  const n = ones + zeros;
  if (n === 0) return NaN;
  const p = ones / n;
  return scale * Math.sqrt(p * (1 - p));
}

/** NaN (what the reference cannot give) becomes null, which JSON can hold. */
function orNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Reference columns of a binary problem: 0/1 actual, 0/1 predicted (1 = the positive label) and the scores. */
export interface BinaryReference {
  actual: Uint8Array;
  predicted: Uint8Array;
  scores: Float64Array;
}

/** Components of accuracy, precision, recall, f1, true_negative_rate (specificity) and auc, NannyML's way. */
export function binarySamplingError(ref: BinaryReference): Record<string, SamplingErrorComponents> {
  const n = ref.actual.length;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < n; i++) {
    if (ref.predicted[i]) {
      if (ref.actual[i]) tp++;
      else fp++;
    } else if (ref.actual[i]) fn++;
    else tn++;
  }
  const relevantF1 = tp + fp + fn;
  // NannyML's f1: a true positive counts len / (TP + (FP + FN) / 2), a false one 0, so that their mean is the f1.
  const f1Scale = relevantF1 === 0 ? NaN : relevantF1 / (tp + 0.5 * (fp + fn));
  return {
    accuracy: { method: 'reference_std', std: orNull(indicatorStd(tp + tn, fp + fn)) },
    precision: { method: 'reference_std_fraction', std: orNull(indicatorStd(tp, fp)), fraction: (tp + fp) / n },
    recall: { method: 'reference_std_fraction', std: orNull(indicatorStd(tp, fn)), fraction: (tp + fn) / n },
    f1: { method: 'reference_std_fraction', std: orNull(indicatorStd(tp, fp + fn, f1Scale)), fraction: relevantF1 / n },
    true_negative_rate: { method: 'reference_std_fraction', std: orNull(indicatorStd(tn, fp)), fraction: (tn + fp) / n },
    auc: aucComponents(ref.actual, ref.scores),
  };
}

/**
 * AUC as a Mann-Whitney statistic: the mean, over the records of the minority class, of the share of the other class
 * ranked below them (ties half). Its spread over those records, with their share, gives the standard error
 * (NannyML's auroc_sampling_error_components; NannyML breaks ties by sort order, here they count half).
 */
export function aucComponents(actual: Uint8Array, scores: Float64Array): SamplingErrorComponents {
  const n = actual.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += actual[i]!;
  const flip = positives > n / 2;
  const minority = flip ? n - positives : positives;
  const majority = n - minority;
  if (minority === 0) return { method: 'reference_std_fraction', std: null, fraction: 0 };
  // Ascending by score for the minority class's view: flipping the classes also reverses the order.
  const key = (i: number): number => (flip ? -scores[i]! : scores[i]!);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(a) - key(b));
  const placements = new Float64Array(minority);
  let below = 0;
  let m = 0;
  for (let k = 0; k < n; ) {
    const value = key(order[k]!);
    let tiedMajority = 0;
    const start = k;
    for (; k < n && key(order[k]!) === value; k++) if ((actual[order[k]!] === 1) === flip) tiedMajority++;
    for (let j = start; j < k; j++) {
      if ((actual[order[j]!] === 1) !== flip) placements[m++] = (below + tiedMajority / 2) / majority;
    }
    below += tiedMajority;
  }
  return { method: 'reference_std_fraction', std: orNull(meanAndStd(placements).std), fraction: minority / n };
}

/** Reference columns of a multiclass problem: class indexes (0..K-1) of the actual and the predicted label. */
export interface MulticlassReference {
  actual: Int32Array;
  predicted: Int32Array;
  classes: number;
}

/** The marginals of the confusion matrix over `indexes` (or all records), as the realized metrics read them. */
export function marginalsOf(ref: MulticlassReference, indexes?: ArrayLike<number>): Marginals {
  const k = ref.classes;
  const actual = new Float64Array(k);
  const predicted = new Float64Array(k);
  const diagonal = new Float64Array(k);
  const count = indexes === undefined ? ref.actual.length : indexes.length;
  for (let r = 0; r < count; r++) {
    const i = indexes === undefined ? r : indexes[r]!;
    const a = ref.actual[i]!;
    const p = ref.predicted[i]!;
    actual[a]!++;
    predicted[p]!++;
    if (a === p) diagonal[a]!++;
  }
  return { actual, predicted, diagonal, total: count };
}

/**
 * Components of the multiclass metrics: accuracy and weighted recall (which equals accuracy) from the spread of 0/1
 * correctness; macro precision, recall and f1 from each class's one-vs-rest variance and share (NannyML's multiclass
 * formulas); weighted precision and f1 by bootstrap. `codes` lists the class indexes in label order.
 */
export function multiclassSamplingError(ref: MulticlassReference, codes: readonly number[], seed = BOOTSTRAP_SEED): Record<string, SamplingErrorComponents> {
  const n = ref.actual.length;
  const m = marginalsOf(ref);
  let correct = 0;
  for (const c of codes) correct += m.diagonal[c]!;
  const accuracy: SamplingErrorComponents = { method: 'reference_std', std: orNull(indicatorStd(correct, n - correct)) };
  const variance = (ones: number, zeros: number): number | null => orNull(indicatorStd(ones, zeros) ** 2);
  const macro = (ones: (c: number) => number, zeros: (c: number) => number): SamplingErrorComponents => ({
    method: 'class_variances',
    variances: codes.map((c) => variance(ones(c), zeros(c))),
    fractions: codes.map((c) => (ones(c) + zeros(c)) / n),
  });
  const tp = (c: number): number => m.diagonal[c]!;
  const fp = (c: number): number => m.predicted[c]! - m.diagonal[c]!;
  const fn = (c: number): number => m.actual[c]! - m.diagonal[c]!;
  const { weighted_precision, weighted_f1 } = bootstrapWeighted(ref, codes, seed);
  return {
    accuracy,
    weighted_recall: accuracy,
    weighted_precision,
    weighted_f1,
    macro_precision: macro(tp, fp),
    macro_recall: macro(tp, fn),
    macro_f1: macro(tp, (c) => fp(c) + fn(c)),
  };
}

/** The spread of the realized weighted precision and f1 over seeded resamples of the reference. */
function bootstrapWeighted(ref: MulticlassReference, codes: readonly number[], seed: number): Record<'weighted_precision' | 'weighted_f1', SamplingErrorComponents> {
  const n = ref.actual.length;
  const size = Math.min(n, BOOTSTRAP_MAX_SAMPLE);
  const random = createSeededRandom(seed);
  const precision = new Float64Array(BOOTSTRAP_RESAMPLES);
  const f1 = new Float64Array(BOOTSTRAP_RESAMPLES);
  const draw = new Uint32Array(size);
  for (let b = 0; b < BOOTSTRAP_RESAMPLES; b++) {
    for (let r = 0; r < size; r++) draw[r] = random.below(n);
    const values = multiclassScalars(marginalsOf(ref, draw), codes).values;
    precision[b] = values.weighted_precision!;
    f1[b] = values.weighted_f1!;
  }
  const spec = (values: Float64Array): SamplingErrorComponents => ({
    method: 'bootstrap',
    std: orNull(meanAndStd(values).std),
    sample_size: size,
    resamples: BOOTSTRAP_RESAMPLES,
    seed,
  });
  return { weighted_precision: spec(precision), weighted_f1: spec(f1) };
}

/** Top-score mode: accuracy only, from the spread of 0/1 correctness. */
export function topScoreSamplingError(correct: Uint8Array): Record<string, SamplingErrorComponents> {
  let ones = 0;
  for (let i = 0; i < correct.length; i++) ones += correct[i]!;
  return { accuracy: { method: 'reference_std', std: orNull(indicatorStd(ones, correct.length - ones)) } };
}
