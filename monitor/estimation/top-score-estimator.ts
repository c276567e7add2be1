/**
 * @module CBPE for multiclass models whose responses give only the predicted label's probability: the calibrated
 * top score is the probability that the prediction is right, so their mean estimates accuracy. Nothing else can be
 * estimated: how the remaining 1 - p spreads over the other classes is unknown, so the expected confusion matrix,
 * hence per-class precision, recall and f1 and their averages, cannot be formed.
 */
import { InputError } from '../errors.ts';
import { expectState, stateArray, type AccumulatorState, type MergeableAccumulator } from '../state/accumulator-state.ts';
import type { CalibrationArtefact } from './calibration-artefact.ts';
import { calibrationFingerprint, SkipCounts, type EstimationInput, type EstimationResult } from './estimation-result.ts';
import { predictIsotonic, type IsotonicMap } from './isotonic-regression.ts';
import { binomialStandardError, estimatedMetric, standardError } from './sampling-error.ts';
import { UnitIntervalSums } from './unit-interval-sums.ts';

export const TOP_SCORE_ESTIMATOR_KIND = 'estimation.top-score';
export const TOP_SCORE_ESTIMATOR_VERSION = 1;

/** Why the other multiclass metrics are not estimated from the top score alone. */
export const TOP_SCORE_ONLY =
  'the responses give only the predicted label\'s probability: how the rest spreads over the other classes is unknown, ' +
  'so the expected confusion matrix cannot be formed (return the probability vector to estimate it)';

const NOT_ESTIMATED = ['weighted_precision', 'weighted_recall', 'weighted_f1', 'macro_precision', 'macro_recall', 'macro_f1'];

export interface TopScoreEstimatorOptions {
  /** The baseline's artefact (mode "multiclass_top_score"); without it the top scores are taken as calibrated. */
  calibration?: CalibrationArtefact;
}

export class TopScoreEstimator implements MergeableAccumulator<TopScoreEstimator> {
  readonly fingerprint: string;
  readonly #calibration: CalibrationArtefact | undefined;
  readonly #map: IsotonicMap | undefined;
  readonly #sum = new UnitIntervalSums(1);
  #records = 0;
  readonly #skipped = new SkipCounts();

  constructor(options: TopScoreEstimatorOptions) {
    const calibration = options.calibration;
    if (calibration !== undefined && calibration.mode !== 'multiclass_top_score') {
      throw new RangeError(`estimation: a ${calibration.mode} calibration cannot estimate from top scores`);
    }
    this.#calibration = calibration;
    this.fingerprint = calibrationFingerprint(calibration);
    const score = calibration?.calibrations[0];
    this.#map = score?.calibrate ? score.map : undefined;
  }

  /** Adds one prediction (labelled or not). */
  add(prediction: EstimationInput): void {
    if (prediction.label === undefined) return this.#skipped.add('no_predicted_label');
    const score = prediction.score;
    if (score === undefined || !Number.isFinite(score)) return this.#skipped.add('no_score');
    if (this.#map === undefined && (score < 0 || score > 1)) return this.#skipped.add('score_out_of_range');
    this.#sum.add(0, this.#map === undefined ? score : predictIsotonic(this.#map, score));
    this.#records++;
  }

  merge(other: TopScoreEstimator): void {
    if (other.fingerprint !== this.fingerprint) throw new RangeError('estimation: cannot merge top-score estimators made with different calibrations');
    this.#sum.merge(other.#sum);
    this.#records += other.#records;
    this.#skipped.merge(other.#skipped);
  }

  save(): AccumulatorState {
    return {
      kind: TOP_SCORE_ESTIMATOR_KIND,
      version: TOP_SCORE_ESTIMATOR_VERSION,
      meta: { fingerprint: this.fingerprint, records: this.#records },
      arrays: { skipped: this.#skipped.counts.slice() },
      parts: { sum: this.#sum.save() },
    };
  }

  /** Rebuilds a saved estimator; `options` must be those it was made with (the fingerprint is checked). */
  static load(state: AccumulatorState, options: TopScoreEstimatorOptions): TopScoreEstimator {
    expectState(state, TOP_SCORE_ESTIMATOR_KIND, TOP_SCORE_ESTIMATOR_VERSION);
    const out = new TopScoreEstimator(options);
    const meta = state.meta as { fingerprint?: unknown; records?: unknown } | null;
    if (meta?.fingerprint !== out.fingerprint) throw new InputError('state: the top-score estimate was made with another calibration');
    if (!Number.isSafeInteger(meta.records) || (meta.records as number) < 0 || state.parts?.sum === undefined) {
      throw new InputError('state: top-score estimate state lacks its record count or sum');
    }
    out.#records = meta.records as number;
    out.#skipped.merge(SkipCounts.fromArray(stateArray(state, 'skipped', Float64Array)));
    out.#sum.merge(UnitIntervalSums.load(state.parts.sum));
    return out;
  }

  result(): EstimationResult {
    const n = this.#records;
    const skipped = this.#skipped.toRecord();
    const predictions = n + Object.values(skipped).reduce((a, b) => a + b, 0);
    const notEstimated: Record<string, string> = Object.fromEntries(NOT_ESTIMATED.map((m) => [m, TOP_SCORE_ONLY]));
    const base = {
      method: 'CBPE' as const,
      mode: 'multiclass_top_score' as const,
      calibration_source: this.#calibration === undefined ? ('none' as const) : ('baseline' as const),
      calibrated: this.#map !== undefined,
      predictions,
      estimated_records: n,
      skipped,
    };
    if (n === 0) {
      notEstimated.accuracy = predictions === 0 ? 'no predictions in the window' : 'no prediction in the window has a usable score';
      return { ...base, metrics: {}, not_estimated: notEstimated };
    }
    const accuracy = this.#sum.value(0) / n;
    const spec = this.#calibration?.sampling_error.accuracy;
    const metric = spec === undefined ? estimatedMetric(accuracy, binomialStandardError(accuracy, n), 'plug_in_binomial') : estimatedMetric(accuracy, standardError(spec, n), spec.method);
    return { ...base, metrics: { accuracy: metric }, not_estimated: notEstimated };
  }
}
