/**
 * @module suggest-baseline's CBPE step: from the labelled reference, decide and fit the calibration of each score,
 * compute the reference figures of every metric's standard error and the reference-chunk thresholds, and return the
 * artefact written under `mpm_calibration` (calibration-artefact.ts).
 */
import { InputError } from '../errors.ts';
import type { CalibrationArtefact, CalibrationPolicy, EstimationMode, ReferenceThresholds, SamplingErrorComponents, ScoreCalibration } from './calibration-artefact.ts';
import { CALIBRATION_VERSION } from './calibration-artefact.ts';
import { DECISION_DEFAULTS, decideCalibration, type CalibrationDecision, type DecisionOptions } from './calibration-decision.ts';
import { fitIsotonic } from './isotonic-regression.ts';
import { binarySamplingError, multiclassSamplingError, topScoreSamplingError, type BinaryReference, type MulticlassReference } from './reference-sampling-error.ts';
import {
  accuracyChunkMetrics,
  binaryChunkMetrics,
  multiclassChunkMetrics,
  referenceChunks,
  thresholdsFrom,
} from './reference-thresholds.ts';
import type { ReferenceSample } from './reference-sample.ts';
import { BINARY_METRICS } from './binary-estimator.ts';
import { MULTICLASS_METRICS } from './multiclass-estimator.ts';

export interface FitOptions {
  /** Binary: the positive label (canonical). */
  positiveLabel?: string;
  /** Vector mode: the class of each vector position. Default "0", "1", ... (the ingest's labels for argmax). */
  classes?: readonly string[];
  /** auto (NannyML's rule, default), always or never calibrate. */
  policy?: CalibrationPolicy;
  /** Parameters of the decision (NannyML's defaults). */
  decision?: DecisionOptions;
  /** Suggest reference-chunk thresholds (default true). */
  thresholds?: boolean;
  /** Records of one monitoring window: the reference chunk size (default: a tenth of the reference). */
  chunkSize?: number;
}

/** The generator the decision's splits and the bootstrap draw from (documented in the artefact). */
export const GENERATOR = 'sfc32 seeded by splitmix32 (monitor/estimation/seeded-random.ts)';

/** Fits the artefact on a reference sample. Throws an InputError when no record is usable. */
export function fitCalibration(sample: ReferenceSample, options: FitOptions = {}): CalibrationArtefact {
  if (sample.length === 0) {
    const why = Object.entries(sample.skipped).map(([reason, n]) => `${n} ${reason}`).join(', ');
    throw new InputError(`input: no labelled reference record can calibrate the estimate${why ? ` (${why})` : ''}; CBPE needs each prediction's score${sample.mode === 'multiclass_vectors' ? ' vector' : ''}`);
  }
  const policy = options.policy ?? 'auto';
  const decisionOptions = { ...DECISION_DEFAULTS, ...options.decision };
  const decide = (scores: ArrayLike<number>, targets: ArrayLike<number>): CalibrationDecision => {
    if (policy === 'always') return { calibrate: true, reason: 'forced_on', detail: 'calibration forced on (policy "always")' };
    if (policy === 'never') return { calibrate: false, reason: 'forced_off', detail: 'calibration forced off (policy "never")' };
    return decideCalibration(scores, targets, decisionOptions);
  };
  const calibrate = (scores: Float64Array, targets: Uint8Array, label?: string): ScoreCalibration => {
    const decision = decide(scores, targets);
    const entry: ScoreCalibration = label === undefined ? { ...decision } : { class: label, ...decision };
    if (decision.calibrate) entry.map = fitIsotonic(scores, targets);
    return entry;
  };
  const skipped: Record<string, number> = { ...sample.skipped };
  const n = sample.length;
  const mode: EstimationMode = sample.mode;
  let calibrations: ScoreCalibration[];
  let samplingError: Record<string, SamplingErrorComponents>;
  let chunkMetrics: (start: number, end: number) => Record<string, number | undefined>;
  let metrics: readonly string[];
  let kept = n;
  const extra: Partial<CalibrationArtefact> = {};

  if (mode === 'binary') {
    const positive = options.positiveLabel;
    if (positive === undefined) throw new RangeError('estimation: fitting a binary calibration needs the positive label');
    const code = sample.labels.find(positive);
    const ref: BinaryReference = { actual: new Uint8Array(n), predicted: new Uint8Array(n), scores: sample.scores.slice(0, n) };
    for (let i = 0; i < n; i++) {
      ref.actual[i] = sample.actual[i] === code ? 1 : 0;
      ref.predicted[i] = sample.predicted[i] === code ? 1 : 0;
    }
    calibrations = [calibrate(ref.scores, ref.actual, positive)];
    samplingError = binarySamplingError(ref);
    chunkMetrics = (start, end) => binaryChunkMetrics(ref, start, end);
    metrics = BINARY_METRICS;
    extra.positive_label = positive;
  } else if (mode === 'multiclass_vectors') {
    const width = sample.width;
    const classes = options.classes ?? Array.from({ length: width }, (_, k) => String(k));
    if (classes.length !== width) {
      throw new InputError(`input: the reference's probability vectors have ${width} entries but ${classes.length} classes are named (${classes.join(', ')})`);
    }
    if (new Set(classes).size !== classes.length) throw new InputError(`input: the class list ${classes.join(', ')} names a class twice`);
    // Codes: the classes in vector order, then actual labels outside the class list (counted by the realized metrics).
    const labels = [...classes];
    const codeOf = new Map(classes.map((label, k) => [label, k]));
    const rows: number[] = [];
    const actual: number[] = [];
    const predicted: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = codeOf.get(sample.labels.labels[sample.predicted[i]!]!);
      if (p === undefined) {
        skipped.unknown_predicted_class = (skipped.unknown_predicted_class ?? 0) + 1;
        continue;
      }
      const label = sample.labels.labels[sample.actual[i]!]!;
      let a = codeOf.get(label);
      if (a === undefined) codeOf.set(label, (a = labels.push(label) - 1));
      rows.push(i);
      actual.push(a);
      predicted.push(p);
    }
    kept = rows.length;
    if (kept === 0) throw new InputError(`input: no reference record predicts one of the classes ${classes.join(', ')}; set the class order of the probability vectors`);
    calibrations = classes.map((label, k) => {
      const scores = Float64Array.from(rows, (i) => sample.probability(i, k));
      const targets = Uint8Array.from(actual, (a) => (a === k ? 1 : 0));
      return calibrate(scores, targets, label);
    });
    const ref: MulticlassReference = { actual: Int32Array.from(actual), predicted: Int32Array.from(predicted), classes: labels.length };
    const codes = labels.map((_, c) => c).sort((a, b) => (labels[a]! < labels[b]! ? -1 : labels[a]! > labels[b]! ? 1 : 0));
    samplingError = multiclassSamplingError(ref, codes);
    chunkMetrics = (start, end) => multiclassChunkMetrics(ref, labels, codes, start, end);
    metrics = MULTICLASS_METRICS;
    extra.classes = [...classes];
  } else {
    const correct = new Uint8Array(n);
    for (let i = 0; i < n; i++) correct[i] = sample.actual[i] === sample.predicted[i] ? 1 : 0;
    calibrations = [calibrate(sample.scores.slice(0, n), correct)];
    samplingError = topScoreSamplingError(correct);
    chunkMetrics = (start, end) => accuracyChunkMetrics(correct, start, end);
    metrics = ['accuracy'];
  }

  let thresholds: ReferenceThresholds | undefined;
  let thresholdsNotComputed: string | undefined;
  if (options.thresholds === false) thresholdsNotComputed = 'not asked for';
  else {
    const chunks = referenceChunks(kept, options.chunkSize);
    if (typeof chunks === 'string') thresholdsNotComputed = chunks;
    else thresholds = thresholdsFrom(chunks.map(([start, end]) => chunkMetrics(start, end)), metrics, chunks[0]![1] - chunks[0]![0]);
  }
  const artefact: CalibrationArtefact = {
    version: CALIBRATION_VERSION,
    method: 'CBPE',
    problem_type: mode === 'binary' ? 'BinaryClassification' : 'MulticlassClassification',
    mode,
    reference_records: kept,
    reference_skipped: skipped,
    ...extra,
    policy,
    decision_procedure: {
      splits: decisionOptions.splits,
      test_size: decisionOptions.testSize,
      bins: decisionOptions.bins,
      auroc_limit: decisionOptions.aurocLimit,
      seed: decisionOptions.seed,
      generator: GENERATOR,
    },
    calibrations,
    sampling_error: samplingError,
  };
  if (thresholds !== undefined) artefact.thresholds = thresholds;
  if (thresholdsNotComputed !== undefined) artefact.thresholds_not_computed = thresholdsNotComputed;
  return artefact;
}
