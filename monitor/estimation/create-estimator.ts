/**
 * @module Picks the estimator of a run: from the baseline's artefact (its mode decides), or without one from the
 * problem type (binary: the scores taken as calibrated; multiclass: the probability vectors when the responses carry
 * them, else the top score). Regression is not estimated. Every estimator merges, saves and loads, so worker
 * threads, hosts and stored hours combine their estimates exactly.
 */
import { expectState, type AccumulatorState, type MergeableAccumulator } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';
import type { CalibrationArtefact } from './calibration-artefact.ts';
import { BinaryEstimator, BINARY_ESTIMATOR_KIND } from './binary-estimator.ts';
import type { EstimationInput, EstimationResult } from './estimation-result.ts';
import { MulticlassEstimator, MULTICLASS_ESTIMATOR_KIND } from './multiclass-estimator.ts';
import { TopScoreEstimator, TOP_SCORE_ESTIMATOR_KIND } from './top-score-estimator.ts';

/** Why a regression run has no estimate. */
export const REGRESSION_NOT_ESTIMATED =
  'CBPE estimates classification metrics from the model\'s confidence; regression would need a second model of the ' +
  'expected error (NannyML\'s DLE), which mpm does not build';

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
  /** Multiclass without an artefact: the class of each vector position (default "0", "1", ...). */
  classes?: readonly string[];
}

/** The estimator of a run, or undefined for regression. */
export function createEstimator(options: EstimatorOptions): Estimator | undefined {
  const { problemType, calibration } = options;
  if (problemType === 'Regression') return undefined;
  if (problemType === 'BinaryClassification') {
    return wrap(new BinaryEstimator({ positiveLabel: options.positiveLabel, negativeLabel: options.negativeLabel, calibration }));
  }
  if (calibration?.mode === 'multiclass_vectors') return wrap(new MulticlassEstimator({ calibration }));
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
 * Multiclass without a baseline artefact: the top-score estimate always, and the vector estimate once a response
 * has carried a vector (its classes are then "0".."K-1" unless named). The result is the vector estimate when it
 * covers any record, else the top-score one.
 */
class UncalibratedMulticlass implements Estimator {
  readonly #top = new TopScoreEstimator({});
  #vectors: MulticlassEstimator | undefined;

  constructor(private readonly classes: readonly string[] | undefined) {}

  add(prediction: EstimationInput): void {
    this.#top.add(prediction);
    const vector = prediction.probabilities;
    if (vector !== undefined && this.#vectors === undefined && vector.length >= 2) {
      this.#vectors = new MulticlassEstimator({ classes: this.classes ?? Array.from({ length: vector.length }, (_, k) => String(k)) });
    }
    this.#vectors?.add(prediction);
  }

  merge(other: Estimator): void {
    if (!(other instanceof UncalibratedMulticlass)) throw new RangeError('estimation: cannot merge estimates of different kinds');
    this.#top.merge(other.#top);
    if (other.#vectors === undefined) return;
    const theirs = MulticlassEstimator.load(other.#vectors.save(), { classes: other.#vectors.classes });
    if (this.#vectors === undefined) this.#vectors = theirs;
    else this.#vectors.merge(theirs);
  }

  result(): EstimationResult {
    const vectors = this.#vectors?.result();
    return vectors !== undefined && vectors.estimated_records > 0 ? vectors : this.#top.result();
  }

  save(): AccumulatorState {
    const parts: Record<string, AccumulatorState> = { top: this.#top.save() };
    if (this.#vectors !== undefined) parts.vectors = this.#vectors.save();
    return { kind: UNCALIBRATED_MULTICLASS_KIND, version: UNCALIBRATED_MULTICLASS_VERSION, meta: { classes: this.#vectors ? [...this.#vectors.classes] : null }, arrays: {}, parts };
  }

  static load(state: AccumulatorState, classes: readonly string[] | undefined): UncalibratedMulticlass {
    expectState(state, UNCALIBRATED_MULTICLASS_KIND, UNCALIBRATED_MULTICLASS_VERSION);
    const out = new UncalibratedMulticlass(classes);
    if (state.parts?.top === undefined) throw new InputError('state: uncalibrated multiclass estimate lacks its top-score part');
    out.#top.merge(TopScoreEstimator.load(state.parts.top, {}));
    const saved = (state.meta as { classes?: unknown } | null)?.classes;
    if (state.parts.vectors !== undefined) {
      if (!Array.isArray(saved) || !saved.every((c) => typeof c === 'string')) throw new InputError('state: uncalibrated multiclass estimate lacks its classes');
      out.#vectors = MulticlassEstimator.load(state.parts.vectors, { classes: saved as string[] });
    }
    return out;
  }
}
