/**
 * @module Picks the estimator of a run: from the baseline's artefact (its mode decides), or without one from the
 * problem type (binary: the scores taken as calibrated; multiclass: the probability vectors when the responses carry
 * them, else the top score). Regression is not estimated. Every estimator merges, saves and loads, so worker
 * threads, hosts and stored hours combine their estimates exactly.
 */
import { expectState, stateArray, type AccumulatorState, type MergeableAccumulator } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';
import type { CalibrationArtefact } from './calibration-artefact.ts';
import { BinaryEstimator, BINARY_ESTIMATOR_KIND } from './binary-estimator.ts';
import { SKIP_REASONS, SkipCounts, type EstimationInput, type EstimationResult, type SkipReason } from './estimation-result.ts';
import { MulticlassEstimator, MULTICLASS_ESTIMATOR_KIND } from './multiclass-estimator.ts';
import { TopScoreEstimator, TOP_SCORE_ESTIMATOR_KIND } from './top-score-estimator.ts';

/** What every estimator offers the run. */
export interface Estimator extends MergeableAccumulator<Estimator> {
  add(prediction: EstimationInput): void;
  result(): EstimationResult;
}

export interface EstimatorOptions {
  problemType: 'BinaryClassification' | 'MulticlassClassification' | 'Regression';
  /** Binary: the positive and negative labels of the ingest (canonical). */
  positiveLabel: string;
  negativeLabel: string;
  /** The baseline's mpm_calibration, when the baseline constraints have one. */
  calibration?: CalibrationArtefact;
  /**
   * Multiclass: the class of each vector position (MPM_CLASS_LABELS). Without an artefact the default is "0", "1",
   * ...; with a vector artefact they are its classes in the run's order (the artefact's order when not given).
   */
  classes?: readonly string[];
}

/** The estimator of a run, or undefined for regression. */
export function createEstimator(options: EstimatorOptions): Estimator | undefined {
  const { problemType, calibration } = options;
  if (problemType === 'Regression') return undefined;
  if (problemType === 'BinaryClassification') {
    return wrap(new BinaryEstimator({ positiveLabel: options.positiveLabel, negativeLabel: options.negativeLabel, calibration }));
  }
  if (calibration?.mode === 'multiclass_vectors') return wrap(new MulticlassEstimator({ calibration, ...(options.classes ? { classes: options.classes } : {}) }));
  if (calibration?.mode === 'multiclass_top_score') return wrap(new TopScoreEstimator({ calibration }));
  if (calibration !== undefined) throw new RangeError(`estimation: a ${calibration.mode} calibration cannot estimate a multiclass problem`);
  return new UncalibratedMulticlass(options.classes);
}

/** Rebuilds a saved estimator made with the same options. */
export function loadEstimator(state: AccumulatorState, options: EstimatorOptions): Estimator {
  const { calibration } = options;
  switch (state.kind) {
    case BINARY_ESTIMATOR_KIND:
      return wrap(BinaryEstimator.load(state, { positiveLabel: options.positiveLabel, negativeLabel: options.negativeLabel, calibration }));
    case MULTICLASS_ESTIMATOR_KIND:
      return wrap(MulticlassEstimator.load(state, { calibration }));
    case TOP_SCORE_ESTIMATOR_KIND:
      return wrap(TopScoreEstimator.load(state, { calibration }));
    case UNCALIBRATED_MULTICLASS_KIND:
      return UncalibratedMulticlass.load(state, options.classes);
    default:
      throw new InputError(`state: ${JSON.stringify(state.kind)} is not an estimate`);
  }
}

type Concrete = BinaryEstimator | MulticlassEstimator | TopScoreEstimator;

/** Adapts a concrete estimator to the common interface (merging only with its own kind). */
function wrap<T extends Concrete>(inner: T): Estimator {
  const estimator: Estimator & { inner: T } = {
    inner,
    add: (prediction) => inner.add(prediction),
    result: () => inner.result(),
    save: () => inner.save(),
    merge(other) {
      const theirs = (other as { inner?: unknown }).inner;
      if (theirs === undefined || theirs === null || (theirs as object).constructor !== inner.constructor) throw new RangeError('estimation: cannot merge estimates of different kinds');
      (inner as { merge(o: T): void }).merge(theirs as T);
    },
  };
  return estimator;
}

const UNCALIBRATED_MULTICLASS_KIND = 'estimation.uncalibrated-multiclass';
const UNCALIBRATED_MULTICLASS_VERSION = 1;

/**
 * Multiclass without a baseline artefact: the top-score estimate always, and a vector estimate per vector length
 * seen (classes "0".."K-1", or the classes named when their count matches). The result is the vector estimate of the
 * length that covers the most records (ties: the shorter), its other predictions counted as skipped; the top-score
 * estimate when no vector was usable. Everything depends on the multiset of predictions, never on their order, so
 * any split merges to the same result.
 */
class UncalibratedMulticlass implements Estimator {
  readonly #top = new TopScoreEstimator({});
  readonly #byWidth = new Map<number, MulticlassEstimator>();
  /** Predictions no vector estimate saw, by the reason it would have given. */
  readonly #outside = new SkipCounts();

  constructor(private readonly classes: readonly string[] | undefined) {}

  #classesFor(width: number): string[] {
    return this.classes?.length === width ? [...this.classes] : Array.from({ length: width }, (_, k) => String(k));
  }

  add(prediction: EstimationInput): void {
    this.#top.add(prediction);
    const vector = prediction.probabilities;
    if (prediction.label === undefined) return this.#outside.add('no_predicted_label');
    if (vector === undefined) return this.#outside.add('no_probabilities');
    if (vector.length < 2) return this.#outside.add('probabilities_length_mismatch');
    let estimator = this.#byWidth.get(vector.length);
    if (estimator === undefined) this.#byWidth.set(vector.length, (estimator = new MulticlassEstimator({ classes: this.#classesFor(vector.length) })));
    estimator.add(prediction);
  }

  merge(other: Estimator): void {
    if (!(other instanceof UncalibratedMulticlass)) throw new RangeError('estimation: cannot merge estimates of different kinds');
    this.#top.merge(other.#top);
    this.#outside.merge(other.#outside);
    for (const [width, theirs] of other.#byWidth) {
      const copy = MulticlassEstimator.load(theirs.save(), { classes: theirs.classes });
      const mine = this.#byWidth.get(width);
      if (mine === undefined) this.#byWidth.set(width, copy);
      else mine.merge(copy);
    }
  }

  result(): EstimationResult {
    const results = [...this.#byWidth.entries()].sort((a, b) => a[0] - b[0]).map(([, estimator]) => estimator.result());
    let best: EstimationResult | undefined;
    for (const r of results) if (r.estimated_records > 0 && (best === undefined || r.estimated_records > best.estimated_records)) best = r;
    if (best === undefined) return this.#top.result();
    const skipped = new SkipCounts();
    skipped.merge(this.#outside);
    let predictions = best.predictions;
    for (const [reason, count] of Object.entries(best.skipped)) skipped.counts[SKIP_REASONS.indexOf(reason as SkipReason)]! += count;
    for (const r of results) {
      if (r === best) continue;
      skipped.counts[SKIP_REASONS.indexOf('probabilities_length_mismatch')]! += r.predictions;
      predictions += r.predictions;
    }
    const outside = this.#outside.counts.reduce((a, b) => a + b, 0);
    return { ...best, predictions: predictions + outside, skipped: skipped.toRecord() };
  }

  save(): AccumulatorState {
    const widths = [...this.#byWidth.keys()].sort((a, b) => a - b);
    const parts: Record<string, AccumulatorState> = { top: this.#top.save() };
    for (const width of widths) parts[`vectors_${width}`] = this.#byWidth.get(width)!.save();
    return {
      kind: UNCALIBRATED_MULTICLASS_KIND,
      version: UNCALIBRATED_MULTICLASS_VERSION,
      meta: { widths, classes: widths.map((w) => this.#byWidth.get(w)!.classes as string[]) },
      arrays: { outside: this.#outside.counts.slice() },
      parts,
    };
  }

  static load(state: AccumulatorState, classes: readonly string[] | undefined): UncalibratedMulticlass {
    expectState(state, UNCALIBRATED_MULTICLASS_KIND, UNCALIBRATED_MULTICLASS_VERSION);
    const out = new UncalibratedMulticlass(classes);
    if (state.parts?.top === undefined) throw new InputError('state: uncalibrated multiclass estimate lacks its top-score part');
    out.#top.merge(TopScoreEstimator.load(state.parts.top, {}));
    out.#outside.merge(SkipCounts.fromArray(stateArray(state, 'outside', Float64Array)));
    const meta = state.meta as { widths?: unknown; classes?: unknown } | null;
    const widths = meta?.widths;
    const saved = meta?.classes;
    if (!Array.isArray(widths) || !Array.isArray(saved) || saved.length !== widths.length) throw new InputError('state: uncalibrated multiclass estimate lacks its vector widths');
    widths.forEach((width: unknown, i) => {
      const part = state.parts![`vectors_${String(width)}`];
      const labels = saved[i] as unknown;
      if (part === undefined || !Array.isArray(labels) || labels.length !== width || !labels.every((c) => typeof c === 'string')) {
        throw new InputError(`state: uncalibrated multiclass estimate lacks its vectors of width ${String(width)}`);
      }
      out.#byWidth.set(width as number, MulticlassEstimator.load(part, { classes: labels as string[] }));
    });
    return out;
  }
}
