/**
 * @module Accumulator of the multiclass_classification_metrics section: confusion counts by label code for the full
 * data and the 5 subsamples.
 */
import { checkMergeable, optionsFromState, type ResolvedOptions } from './accumulator-options.ts';
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState, stateCount as countOf } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';
import { ConfusionCounts } from './confusion-counts.ts';
import { LabelDictionary } from './label-dictionary.ts';
import { mostFrequentCode, multiclassScalars, perClassMetrics } from './multiclass-metrics.ts';
import { assembleScalars, layoutSection } from './scalar-results.ts';
import { STATE_COUNT, subsampleMask } from './subsample.ts';
import type { ModelQualityAccumulator, ModelQualityResult, Observation } from './types.ts';

/** Multiclass classification over any number of labels, learnt as they appear. */
export class MulticlassAccumulator implements ModelQualityAccumulator {
  readonly options: ResolvedOptions;
  readonly #labels = new LabelDictionary();
  readonly #counts = new ConfusionCounts();
  #itemCount = 0;

  constructor(options: ResolvedOptions) {
    this.options = options;
  }

  update(observation: Observation): void {
    const mask = subsampleMask(observation.keyHash, this.options.seed);
    const labels = this.#labels;
    const actual = labels.codeOf(observation.actual);
    const predicted = labels.codeOf(observation.predicted);
    this.#counts.ensure(labels.size);
    this.#counts.add(actual, predicted, mask);
    this.#itemCount++;
  }

  merge(other: ModelQualityAccumulator): void {
    checkMergeable(this, other, other instanceof MulticlassAccumulator);
    const source = other as MulticlassAccumulator;
    const remap = this.#labels.remapFrom(source.#labels);
    this.#counts.addFrom(source.#counts, remap, this.#labels.size);
    this.#itemCount += source.#itemCount;
  }

  save(): AccumulatorState {
    return {
      kind: 'mq.multiclass',
      version: 1,
      meta: { options: { ...this.options }, item_count: this.#itemCount },
      arrays: {},
      parts: { labels: this.#labels.save(), counts: this.#counts.save(this.#labels.size) },
    };
  }

  static load(state: AccumulatorState): MulticlassAccumulator {
    expectState(state, 'mq.multiclass', 1);
    const accumulator = new MulticlassAccumulator(optionsFromState(state.meta));
    const { labels, counts } = state.parts ?? {};
    if (!labels || !counts) throw new InputError('state: a multiclass accumulator state lacks labels or counts');
    const saved = LabelDictionary.load(labels);
    accumulator.#counts.addFrom(ConfusionCounts.load(counts), accumulator.#labels.remapFrom(saved), accumulator.#labels.size);
    accumulator.#itemCount = countOf((state.meta as { item_count?: unknown }).item_count);
    return accumulator;
  }

  result(): ModelQualityResult {
    const size = this.#labels.size;
    const codes = this.#labels.sortedCodes();
    const states = [];
    for (let state = 0; state < STATE_COUNT; state++) {
      states.push(multiclassScalars(this.#counts.marginals(state, size), codes));
    }
    const { scalars, notComputed } = assembleScalars(
      'MulticlassClassification',
      states,
      this.#itemCount,
      this.options.minRecordsForStd,
    );
    const full = this.#counts.marginals(0, size);
    const { perClass, macro } = perClassMetrics(full, this.#labels.labels, codes);
    const best = mostFrequentCode(full, codes);
    const extra: Record<string, unknown> = {
      per_class: perClass,
      macro_precision: macro.precision,
      macro_recall: macro.recall,
      macro_f1: macro.f1,
    };
    if (best !== undefined) extra.best_constant_label = this.#labels.labels[best];
    if (Object.keys(notComputed).length > 0) extra.not_computed = notComputed;
    const confusion = this.#counts.toMatrix(this.#labels.labels, codes);
    return {
      problemType: 'MulticlassClassification',
      itemCount: this.#itemCount,
      section: 'multiclass_classification_metrics',
      metrics: layoutSection('MulticlassClassification', scalars, { confusion_matrix: confusion }),
      scalars,
      extra,
    };
  }
}
