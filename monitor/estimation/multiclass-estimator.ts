/**
 * @module CBPE for multiclass models whose responses carry the probability vector. Each class's probability goes
 * through its own calibration map (or none), the vector is renormalised to sum 1 (a vector calibrated to all zeros
 * becomes uniform, as NannyML does), and the record predicted j adds its p_k to the expected confusion matrix cell
 * (actual k, predicted j) for every k. Accuracy, SageMaker's support-weighted precision, recall and f1 and their macro
 * averages follow from that matrix with the realized metrics' own definitions (monitor/metrics/multiclass-metrics.ts).
 *
 * State: the K x K expected cells as exact sums (UnitIntervalSums) and the records predicted per class.
 */
import { multiclassScalars, perClassMetrics } from '../metrics/multiclass-metrics.ts';
import { InputError } from '../errors.ts';
import { expectState, isCountArray, stateArray, type AccumulatorState, type MergeableAccumulator } from '../state/accumulator-state.ts';
import type { CalibrationArtefact, SamplingErrorComponents } from './calibration-artefact.ts';
import { calibrationFingerprint, dataKeyed, SkipCounts, type EstimationInput, type EstimationResult } from './estimation-result.ts';
import { predictIsotonic, type IsotonicMap } from './isotonic-regression.ts';
import { binomialStandardError, estimatedMetric, standardError, usableComponents, type EstimatedMetric } from './sampling-error.ts';
import { UnitIntervalSums } from './unit-interval-sums.ts';

export const MULTICLASS_ESTIMATOR_KIND = 'estimation.multiclass';
export const MULTICLASS_ESTIMATOR_VERSION = 1;

/** The metrics the vector estimate gives, by the realized metrics' names. */
export const MULTICLASS_METRICS = ['accuracy', 'weighted_precision', 'weighted_recall', 'weighted_f1', 'macro_precision', 'macro_recall', 'macro_f1'] as const;

export interface MulticlassEstimatorOptions {
  /**
   * The class of each position of the run's vectors (MPM_CLASS_LABELS; default: the calibration's classes). With a
   * calibration they must be its classes, in any order: each vector is read by class name.
   */
  classes?: readonly string[];
  /** The baseline's artefact (mode "multiclass_vectors"); without it the vectors are taken as calibrated. */
  calibration?: CalibrationArtefact;
}

export class MulticlassEstimator implements MergeableAccumulator<MulticlassEstimator> {
  readonly classes: readonly string[];
  readonly fingerprint: string;
  readonly #calibration: CalibrationArtefact | undefined;
  readonly #maps: (IsotonicMap | undefined)[];
  readonly #index = new Map<string, number>();
  readonly #cells: UnitIntervalSums;
  readonly #predicted: Float64Array;
  readonly #skipped = new SkipCounts();
  readonly #scratch: Float64Array;
  /** With a calibration whose classes the run lists in another order: the run's vector position of each class. */
  readonly #positions: Int32Array | undefined;

  constructor(options: MulticlassEstimatorOptions) {
    const calibration = options.calibration;
    if (calibration !== undefined && calibration.mode !== 'multiclass_vectors') {
      throw new RangeError(`estimation: a ${calibration.mode} calibration cannot estimate from probability vectors`);
    }
    const classes = calibration?.classes ?? options.classes;
    if (classes === undefined || classes.length < 2) throw new RangeError('estimation: the vector estimate needs the class of each vector position (at least 2)');
    const run = options.classes;
    if (calibration?.classes !== undefined && run !== undefined && run.join('\u0000') !== classes.join('\u0000')) {
      if (run.length !== classes.length || !classes.every((c) => run.includes(c))) throw new RangeError('estimation: the classes given differ from the calibration\'s classes');
      this.#positions = Int32Array.from(classes, (c) => run.indexOf(c));
    }
    this.classes = [...classes];
    this.#calibration = calibration;
    this.fingerprint = calibrationFingerprint(calibration);
    this.#maps = this.classes.map((_, k) => (calibration?.calibrations[k]?.calibrate ? calibration.calibrations[k]!.map : undefined));
    this.classes.forEach((label, k) => this.#index.set(label, k));
    const k = this.classes.length;
    this.#cells = new UnitIntervalSums(k * k);
    this.#predicted = new Float64Array(k);
    this.#scratch = new Float64Array(k);
  }

  /** Adds one prediction (labelled or not). */
  add(prediction: EstimationInput): void {
    if (prediction.label === undefined) return this.#skipped.add('no_predicted_label');
    const j = this.#index.get(prediction.label);
    if (j === undefined) return this.#skipped.add('unknown_predicted_class');
    const vector = prediction.probabilities;
    if (vector === undefined) return this.#skipped.add('no_probabilities');
    const k = this.classes.length;
    if (vector.length !== k) return this.#skipped.add('probabilities_length_mismatch');
    const q = this.#scratch;
    let sum = 0;
    const positions = this.#positions;
    for (let c = 0; c < k; c++) {
      const v = vector[positions === undefined ? c : positions[c]!]!;
      if (!Number.isFinite(v)) return this.#skipped.add('invalid_probabilities');
      const map = this.#maps[c];
      if (map === undefined && (v < 0 || v > 1)) return this.#skipped.add('probabilities_out_of_range');
      q[c] = map === undefined ? v : predictIsotonic(map, v);
      sum += q[c]!;
    }
    for (let c = 0; c < k; c++) this.#cells.add(c * k + j, sum === 0 ? 1 / k : q[c]! / sum);
    this.#predicted[j]!++;
  }

  merge(other: MulticlassEstimator): void {
    if (other.fingerprint !== this.fingerprint || other.classes.join('\u0000') !== this.classes.join('\u0000')) {
      throw new RangeError('estimation: cannot merge vector estimators made with different calibrations or classes');
    }
    this.#cells.merge(other.#cells);
    for (let c = 0; c < this.#predicted.length; c++) this.#predicted[c]! += other.#predicted[c]!;
    this.#skipped.merge(other.#skipped);
  }

  save(): AccumulatorState {
    return {
      kind: MULTICLASS_ESTIMATOR_KIND,
      version: MULTICLASS_ESTIMATOR_VERSION,
      meta: { fingerprint: this.fingerprint, classes: [...this.classes] },
      arrays: { predicted: this.#predicted.slice(), skipped: this.#skipped.counts.slice() },
      parts: { cells: this.#cells.save() },
    };
  }

  /** Rebuilds a saved estimator; `options` must be those it was made with (fingerprint and classes are checked). */
  static load(state: AccumulatorState, options: MulticlassEstimatorOptions): MulticlassEstimator {
    expectState(state, MULTICLASS_ESTIMATOR_KIND, MULTICLASS_ESTIMATOR_VERSION);
    const out = new MulticlassEstimator(options);
    const meta = state.meta as { fingerprint?: unknown; classes?: unknown } | null;
    if (meta?.fingerprint !== out.fingerprint || !Array.isArray(meta.classes) || meta.classes.join('\u0000') !== out.classes.join('\u0000')) {
      throw new InputError('state: the vector estimate was made with another calibration or other classes');
    }
    const predicted = stateArray(state, 'predicted', Float64Array);
    if (!isCountArray(predicted) || predicted.length !== out.classes.length || state.parts?.cells === undefined) throw new InputError('state: vector estimate state lacks its counts or cells');
    out.#predicted.set(predicted);
    out.#skipped.merge(SkipCounts.fromArray(stateArray(state, 'skipped', Float64Array)));
    out.#cells.merge(UnitIntervalSums.load(state.parts.cells));
    return out;
  }

  result(): EstimationResult {
    const k = this.classes.length;
    let n = 0;
    for (let c = 0; c < k; c++) n += this.#predicted[c]!;
    const skipped = this.#skipped.toRecord();
    const predictions = n + Object.values(skipped).reduce((a, b) => a + b, 0);
    const base = {
      method: 'CBPE' as const,
      mode: 'multiclass_vectors' as const,
      calibration_source: this.#calibration === undefined ? ('none' as const) : ('baseline' as const),
      calibrated: this.#maps.some((m) => m !== undefined),
      predictions,
      estimated_records: n,
      skipped,
    };
    if (n === 0) {
      // Say why every prediction was left out: unknown_predicted_class means labels that are not the classes'.
      const reasons = Object.entries(skipped).filter(([, count]) => count > 0).map(([reason, count]) => `${reason} ${count}`);
      const why = predictions === 0 ? 'no predictions in the window' : `no prediction in the window could be estimated (skipped: ${reasons.join(', ')}; the classes are ${this.classes.slice(0, 10).join(', ')}${k > 10 ? ', ...' : ''})`;
      return { ...base, metrics: {}, not_estimated: Object.fromEntries(MULTICLASS_METRICS.map((m) => [m, why])) };
    }
    const cells = this.#cells.values();
    const actual = new Float64Array(k);
    const diagonal = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      for (let p = 0; p < k; p++) actual[a]! += cells[a * k + p]!;
      diagonal[a] = cells[a * k + a]!;
    }
    // Label order, so that sums do not depend on the vector's class order.
    const codes = this.classes.map((_, c) => c).sort((a, b) => (this.classes[a]! < this.classes[b]! ? -1 : this.classes[a]! > this.classes[b]! ? 1 : 0));
    const marginals = { actual, predicted: this.#predicted.slice(), diagonal, total: n };
    const weighted = multiclassScalars(marginals, codes).values;
    const { macro } = perClassMetrics(marginals, this.classes, codes);
    const values: Record<string, number> = {
      accuracy: weighted.accuracy!,
      weighted_precision: weighted.weighted_precision!,
      weighted_recall: weighted.weighted_recall!,
      weighted_f1: weighted.weighted_f1!,
      macro_precision: macro.precision,
      macro_recall: macro.recall,
      macro_f1: macro.f1,
    };
    const components = this.#calibration?.sampling_error;
    const metrics: Record<string, EstimatedMetric> = {};
    for (const [metric, value] of Object.entries(values)) {
      const usable = usableComponents(components?.[metric]);
      const spec = usable ?? plugInComponents(metric, value, n, marginals, codes);
      const method = usable === undefined ? 'plug_in_binomial' : spec.method;
      metrics[metric] = estimatedMetric(value, standardError(spec, n), method);
    }
    const matrix = dataKeyed<Record<string, number>>();
    for (const a of codes) {
      const row = dataKeyed<number>();
      for (const p of codes) row[this.classes[p]!] = cells[a * k + p]!;
      matrix[this.classes[a]!] = row;
    }
    return { ...base, metrics, not_estimated: {}, expected_confusion_matrix: matrix };
  }
}

/**
 * Error components taken from the window's own expected matrix: binomial spreads of the shares (what the reference
 * formulas give when the reference looks like the window).
 */
function plugInComponents(
  metric: string,
  value: number,
  n: number,
  marginals: { actual: Float64Array; predicted: Float64Array; diagonal: Float64Array },
  codes: readonly number[],
): SamplingErrorComponents {
  if (!metric.startsWith('macro_')) {
    const se = binomialStandardError(value, n);
    return { method: 'reference_std', std: Number.isFinite(se) ? se * Math.sqrt(n) : null };
  }
  const variances: (number | null)[] = [];
  const fractions: (number | null)[] = [];
  for (const c of codes) {
    // The classes the macro average counts: some expected support or some prediction.
    if (marginals.actual[c] === 0 && marginals.predicted[c] === 0) continue;
    const tp = marginals.diagonal[c]!;
    const fp = marginals.predicted[c]! - tp;
    const fn = marginals.actual[c]! - tp;
    const relevant = metric === 'macro_precision' ? tp + fp : metric === 'macro_recall' ? tp + fn : tp + fp + fn;
    const share = tp / relevant;
    variances.push(relevant > 0 ? share * (1 - share) : null);
    fractions.push(relevant > 0 ? relevant / n : null);
  }
  return { method: 'class_variances', variances, fractions };
}
