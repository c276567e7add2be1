/**
 * @module Accumulator of the binary_classification_metrics section: confusion counts by label code plus an exact
 * score histogram, each kept for the full data and the 5 subsamples.
 */
import { checkMergeable, optionsFromState, type ResolvedOptions } from './accumulator-options.ts';
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState, stateCount as countOf } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';
import { binaryScalars, NO_POSITIVES_PR, NO_SCORES, ONE_CLASS_AUC, type BinaryCounts } from './binary-metrics.ts';
import { ConfusionCounts } from './confusion-counts.ts';
import { LabelDictionary } from './label-dictionary.ts';
import { precisionRecallCurve, rocCurve } from './ranking-metrics.ts';
import { assembleScalars, layoutSection } from './scalar-results.ts';
import { ScoreHistogram } from './score-histogram.ts';
import { STATE_COUNT, subsampleMask } from './subsample.ts';
import type { ModelQualityAccumulator, ModelQualityResult, Observation } from './types.ts';

/** The positive label always has code 0 (it is entered first), which keeps the hot path to integer compares. */
const POSITIVE = 0;

/** Binary classification: `predicted` is decided upstream; `score` is the positive-class probability when known. */
export class BinaryAccumulator implements ModelQualityAccumulator {
  readonly options: ResolvedOptions;
  readonly #labels = new LabelDictionary();
  readonly #counts = new ConfusionCounts();
  readonly #scores = new ScoreHistogram();
  #itemCount = 0;
  #scoredCount = 0;

  constructor(options: ResolvedOptions) {
    this.options = options;
    this.#labels.codeOf(options.positiveLabel);
  }

  update(observation: Observation): void {
    const mask = subsampleMask(observation.keyHash, this.options.seed);
    const labels = this.#labels;
    const actual = labels.codeOf(observation.actual);
    const predicted = labels.codeOf(observation.predicted);
    this.#counts.ensure(labels.size);
    this.#counts.add(actual, predicted, mask);
    const score = observation.score;
    if (score !== undefined && Number.isFinite(score)) {
      this.#scores.add(score, actual === POSITIVE, mask);
      this.#scoredCount++;
    }
    this.#itemCount++;
  }

  merge(other: ModelQualityAccumulator): void {
    checkMergeable(this, other, other instanceof BinaryAccumulator);
    const source = other as BinaryAccumulator;
    const remap = this.#labels.remapFrom(source.#labels);
    this.#counts.addFrom(source.#counts, remap, this.#labels.size);
    this.#scores.addFrom(source.#scores);
    this.#itemCount += source.#itemCount;
    this.#scoredCount += source.#scoredCount;
  }

  save(): AccumulatorState {
    return {
      kind: 'mq.binary',
      version: 1,
      meta: { options: { ...this.options }, item_count: this.#itemCount, scored_count: this.#scoredCount },
      arrays: {},
      parts: { labels: this.#labels.save(), counts: this.#counts.save(this.#labels.size), scores: this.#scores.save() },
    };
  }

  static load(state: AccumulatorState): BinaryAccumulator {
    expectState(state, 'mq.binary', 1);
    const meta = state.meta as { item_count?: unknown; scored_count?: unknown };
    const accumulator = new BinaryAccumulator(optionsFromState(state.meta));
    const { labels, counts, scores } = state.parts ?? {};
    if (!labels || !counts || !scores) throw new InputError('state: a binary accumulator state lacks labels, counts or scores');
    const saved = LabelDictionary.load(labels);
    accumulator.#counts.addFrom(ConfusionCounts.load(counts), accumulator.#labels.remapFrom(saved), accumulator.#labels.size);
    accumulator.#scores.addFrom(ScoreHistogram.load(scores));
    accumulator.#itemCount = countOf(meta.item_count);
    accumulator.#scoredCount = countOf(meta.scored_count);
    return accumulator;
  }

  #countsOf(state: number): BinaryCounts {
    const { actual, predicted, diagonal, total } = this.#counts.marginals(state, this.#labels.size);
    const truePositives = diagonal[POSITIVE]!;
    const falseNegatives = actual[POSITIVE]! - truePositives;
    const falsePositives = predicted[POSITIVE]! - truePositives;
    let correct = 0;
    for (const n of diagonal) correct += n;
    const trueNegatives = total - truePositives - falseNegatives - falsePositives;
    return { truePositives, falsePositives, falseNegatives, trueNegatives, correct, total };
  }

  /** Codes with at least one record (the positive label is pre-entered and may have none), in label order. */
  #presentCodes(): number[] {
    const { actual, predicted } = this.#counts.marginals(0, this.#labels.size);
    return this.#labels.sortedCodes().filter((code) => actual[code]! + predicted[code]! > 0);
  }

  result(): ModelQualityResult {
    const scored = this.#scoredCount > 0;
    const ranking = scored ? this.#scores.rank() : undefined;
    const states = [];
    for (let state = 0; state < STATE_COUNT; state++) {
      states.push(binaryScalars(this.#countsOf(state), ranking?.sums[state]));
    }
    const { scalars, notComputed } = assembleScalars(
      'BinaryClassification',
      states,
      this.#itemCount,
      this.options.minRecordsForStd,
    );
    const others: Record<string, unknown> = {
      confusion_matrix: this.#counts.toMatrix(this.#labels.labels, this.#presentCodes()),
    };
    const maxPoints = this.options.maxCurvePoints;
    const roc = ranking === undefined ? undefined : rocCurve(ranking.full, maxPoints);
    if (roc === undefined) notComputed.receiver_operating_characteristic_curve = scored ? ONE_CLASS_AUC : NO_SCORES;
    else others.receiver_operating_characteristic_curve = roc;
    const pr = ranking === undefined ? undefined : precisionRecallCurve(ranking.full, maxPoints);
    if (pr === undefined) notComputed.precision_recall_curve = scored ? NO_POSITIVES_PR : NO_SCORES;
    else others.precision_recall_curve = pr;

    const extra: Record<string, unknown> = {
      positive_label: this.options.positiveLabel,
      scored_item_count: this.#scoredCount,
      distinct_score_count: ranking?.distinctCount ?? 0,
    };
    if (ranking?.gridBits != null) {
      // Above MAX_SCORE_ENTRIES (score-histogram.ts): scores floored to a grid; auc within the bound of the exact one.
      extra.score_approximation = { grid: 2 ** ranking.gridBits, max_score_entries: this.#scores.limit, auc_error_bound: ranking.aucErrorBound };
    }
    if (Object.keys(notComputed).length > 0) extra.not_computed = notComputed;
    return {
      problemType: 'BinaryClassification',
      itemCount: this.#itemCount,
      section: 'binary_classification_metrics',
      metrics: layoutSection('BinaryClassification', scalars, others),
      scalars,
      extra,
    };
  }
}

