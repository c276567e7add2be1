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

/** Scored negative predictions needed before their scores are read as a sign of the wrong binary-score mode. */
const MIN_SCORED_NEGATIVES = 20;
/** Share of them scored >= 0.5 past which the scores look like the predicted label's confidence. */
const CONFIDENCE_SHARE = 0.95;

/**
 * A warning when the scores look like the confidence of the predicted label read as the positive class's probability
 * (MPM_BINARY_SCORE=positive, the default, against a response such as the seed's {label, score of that label}):
 * nearly every prediction of the negative class then carries a score >= 0.5, where a probability of the positive
 * class would mostly lie below it. auc, the curves and the estimate are then inverted for those records.
 */
export function scoreReadingWarning(scoredNegatives: number, atLeastHalf: number, positiveLabel: string): string | undefined {
  if (scoredNegatives < MIN_SCORED_NEGATIVES || atLeastHalf < CONFIDENCE_SHARE * scoredNegatives) return undefined;
  return (
    `${atLeastHalf} of ${scoredNegatives} scored predictions of the negative class carry a score >= 0.5: the scores look like the confidence ` +
    `of the predicted label, but they are read as the probability of positive_label ${JSON.stringify(positiveLabel)} (MPM_BINARY_SCORE=positive), ` +
    'which inverts auc, the curves and the estimate for those records. If the response scores its own predicted label, set MPM_BINARY_SCORE=predicted'
  );
}

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
  /** Scored records predicted as the negative class, and those of them scored >= 0.5 (see scoreReadingWarning). */
  #scoredNegatives = 0;
  #negativesAtLeastHalf = 0;

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
      if (predicted !== POSITIVE) {
        this.#scoredNegatives++;
        if (score >= 0.5) this.#negativesAtLeastHalf++;
      }
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
    this.#scoredNegatives += source.#scoredNegatives;
    this.#negativesAtLeastHalf += source.#negativesAtLeastHalf;
  }

  save(): AccumulatorState {
    return {
      kind: 'mq.binary',
      version: 1,
      meta: {
        options: { ...this.options },
        item_count: this.#itemCount,
        scored_count: this.#scoredCount,
        scored_negative_predictions: this.#scoredNegatives,
        negative_predictions_scored_at_least_half: this.#negativesAtLeastHalf,
      },
      arrays: {},
      parts: { labels: this.#labels.save(), counts: this.#counts.save(this.#labels.size), scores: this.#scores.save() },
    };
  }

  static load(state: AccumulatorState): BinaryAccumulator {
    expectState(state, 'mq.binary', 1);
    const meta = state.meta as { item_count?: unknown; scored_count?: unknown; scored_negative_predictions?: unknown; negative_predictions_scored_at_least_half?: unknown };
    const accumulator = new BinaryAccumulator(optionsFromState(state.meta));
    const { labels, counts, scores } = state.parts ?? {};
    if (!labels || !counts || !scores) throw new InputError('state: a binary accumulator state lacks labels, counts or scores');
    const saved = LabelDictionary.load(labels);
    accumulator.#counts.addFrom(ConfusionCounts.load(counts), accumulator.#labels.remapFrom(saved), accumulator.#labels.size);
    accumulator.#scores.addFrom(ScoreHistogram.load(scores));
    accumulator.#itemCount = countOf(meta.item_count);
    accumulator.#scoredCount = countOf(meta.scored_count);
    // States written before these counts existed read as none (no warning from them).
    accumulator.#scoredNegatives = meta.scored_negative_predictions === undefined ? 0 : countOf(meta.scored_negative_predictions);
    accumulator.#negativesAtLeastHalf = meta.negative_predictions_scored_at_least_half === undefined ? 0 : countOf(meta.negative_predictions_scored_at_least_half);
    if (accumulator.#negativesAtLeastHalf > accumulator.#scoredNegatives) throw new InputError('state: a binary accumulator state counts more negative predictions scored >= 0.5 than scored negative predictions');
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
    const reading = scoreReadingWarning(this.#scoredNegatives, this.#negativesAtLeastHalf, this.options.positiveLabel);
    if (reading !== undefined) extra.warnings = [reading];
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

