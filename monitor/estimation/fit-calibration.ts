/**
 * @module suggest-baseline's CBPE step: from the labelled reference, decide and fit the calibration of each score,
 * compute the reference figures of every metric's standard error and the reference-chunk thresholds, and return the
 * artefact written under `mpm_calibration` (calibration-artefact.ts).
 */
import { InputError } from '../errors.ts';
import type { CalibrationArtefact, CalibrationPolicy, EstimationMode, SamplingErrorComponents, ScoreCalibration } from './calibration-artefact.ts';
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

/** What fitting one estimation mode gives: the maps, the standard-error inputs and the reference chunk metrics. */
interface ModeFit {
  calibrations: ScoreCalibration[];
  samplingError: Record<string, SamplingErrorComponents>;
  chunkMetrics: (start: number, end: number) => Record<string, number | undefined>;
  metrics: readonly string[];
  kept: number;
  extra: Partial<CalibrationArtefact>;
}

type Calibrate = (scores: Float64Array, targets: Uint8Array, label?: string) => ScoreCalibration;

function fitBinary(sample: ReferenceSample, options: FitOptions, calibrate: Calibrate): ModeFit {
  const n = sample.length;
  const positive = options.positiveLabel;
  if (positive === undefined) throw new RangeError('estimation: fitting a binary calibration needs the positive label');
  const code = sample.labels.find(positive);
  const ref: BinaryReference = { actual: new Uint8Array(n), predicted: new Uint8Array(n), scores: sample.scores.slice(0, n) };
  for (let i = 0; i < n; i++) {
    ref.actual[i] = sample.actual[i] === code ? 1 : 0;
    ref.predicted[i] = sample.predicted[i] === code ? 1 : 0;
  }
  return {
    calibrations: [calibrate(ref.scores, ref.actual, positive)],
    samplingError: binarySamplingError(ref),
    chunkMetrics: (start, end) => binaryChunkMetrics(ref, start, end),
    metrics: BINARY_METRICS,
    kept: n,
    extra: { positive_label: positive },
  };
}

function fitMulticlassVectors(sample: ReferenceSample, options: FitOptions, calibrate: Calibrate, skipped: Record<string, number>): ModeFit {
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
  for (let i = 0; i < sample.length; i++) {
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
  if (rows.length === 0) throw new InputError(`input: no reference record predicts one of the classes ${classes.join(', ')}; set the class order of the probability vectors`);
  const calibrations = classes.map((label, k) =>
    calibrate(
      Float64Array.from(rows, (i) => sample.probability(i, k)),
      Uint8Array.from(actual, (a) => (a === k ? 1 : 0)),
      label,
    ),
  );
  const ref: MulticlassReference = { actual: Int32Array.from(actual), predicted: Int32Array.from(predicted), classes: labels.length };
  const codes = labels.map((_, c) => c).sort((a, b) => (labels[a]! < labels[b]! ? -1 : labels[a]! > labels[b]! ? 1 : 0));
  return {
    calibrations,
    samplingError: multiclassSamplingError(ref, codes),
    chunkMetrics: (start, end) => multiclassChunkMetrics(ref, labels, codes, start, end),
    metrics: MULTICLASS_METRICS,
    kept: rows.length,
    extra: { classes: [...classes] },
  };
}

function fitTopScore(sample: ReferenceSample, calibrate: Calibrate): ModeFit {
  const n = sample.length;
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) correct[i] = sample.actual[i] === sample.predicted[i] ? 1 : 0;
  return {
    calibrations: [calibrate(sample.scores.slice(0, n), correct)],
    samplingError: topScoreSamplingError(correct),
    chunkMetrics: (start, end) => accuracyChunkMetrics(correct, start, end),
    metrics: ['accuracy'],
    kept: n,
    extra: {},
  };
}

/** The reference-chunk thresholds, or why there are none. */
function thresholdsOf(fit: ModeFit, options: FitOptions): Pick<CalibrationArtefact, 'thresholds' | 'thresholds_not_computed'> {
  if (options.thresholds === false) return { thresholds_not_computed: 'not asked for' };
  const chunks = referenceChunks(fit.kept, options.chunkSize);
  if (typeof chunks === 'string') return { thresholds_not_computed: chunks };
  return { thresholds: thresholdsFrom(chunks.map(([start, end]) => fit.chunkMetrics(start, end)), fit.metrics, chunks[0]![1] - chunks[0]![0]) };
}

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
  const calibrate: Calibrate = (scores, targets, label) => {
    const decision = decide(scores, targets);
    const entry: ScoreCalibration = label === undefined ? { ...decision } : { class: label, ...decision };
    if (decision.calibrate) entry.map = fitIsotonic(scores, targets);
    return entry;
  };
  const skipped: Record<string, number> = { ...sample.skipped };
  const mode: EstimationMode = sample.mode;
  const fit = mode === 'binary' ? fitBinary(sample, options, calibrate) : mode === 'multiclass_vectors' ? fitMulticlassVectors(sample, options, calibrate, skipped) : fitTopScore(sample, calibrate);
  const { thresholds, thresholds_not_computed } = thresholdsOf(fit, options);
  const artefact: CalibrationArtefact = {
    version: CALIBRATION_VERSION,
    method: 'CBPE',
    problem_type: mode === 'binary' ? 'BinaryClassification' : 'MulticlassClassification',
    mode,
    reference_records: fit.kept,
    reference_skipped: skipped,
    ...fit.extra,
    policy,
    decision_procedure: {
      splits: decisionOptions.splits,
      test_size: decisionOptions.testSize,
      bins: decisionOptions.bins,
      auroc_limit: decisionOptions.aurocLimit,
      seed: decisionOptions.seed,
      generator: GENERATOR,
    },
    calibrations: fit.calibrations,
    sampling_error: fit.samplingError,
  };
  if (thresholds !== undefined) artefact.thresholds = thresholds;
  if (thresholds_not_computed !== undefined) artefact.thresholds_not_computed = thresholds_not_computed;
  return artefact;
}
