/**
 * @module Accumulator of the regression_metrics section.
 */
import { checkMergeable, optionsFromState, type ResolvedOptions } from './accumulator-options.ts';
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState, stateCount as countOf } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';
import { regressionScalars } from './regression-metrics.ts';
import { MAPE_EPSILON, RegressionMoments } from './regression-moments.ts';
import { assembleScalars, layoutSection } from './scalar-results.ts';
import { STATE_COUNT, subsampleMask } from './subsample.ts';
import type { ModelQualityAccumulator, ModelQualityResult, Observation } from './types.ts';

/**
 * Regression on `actualValue` / `predictedValue`. An observation without two finite numbers is not counted (not in
 * itemCount either); `extra.dropped_non_finite` says how many there were.
 */
export class RegressionAccumulator implements ModelQualityAccumulator {
  readonly options: ResolvedOptions;
  readonly #moments = new RegressionMoments();
  #itemCount = 0;
  #droppedNonFinite = 0;
  #actualsBelowEpsilon = 0;

  constructor(options: ResolvedOptions) {
    this.options = options;
  }

  update(observation: Observation): void {
    const actual = observation.actualValue;
    const predicted = observation.predictedValue;
    if (actual === undefined || predicted === undefined || !Number.isFinite(actual) || !Number.isFinite(predicted)) {
      this.#droppedNonFinite++;
      return;
    }
    this.#moments.add(actual, predicted, subsampleMask(observation.keyHash, this.options.seed));
    if (Math.abs(actual) < MAPE_EPSILON) this.#actualsBelowEpsilon++;
    this.#itemCount++;
  }

  merge(other: ModelQualityAccumulator): void {
    checkMergeable(this, other, other instanceof RegressionAccumulator);
    const source = other as RegressionAccumulator;
    this.#moments.addFrom(source.#moments);
    this.#itemCount += source.#itemCount;
    this.#droppedNonFinite += source.#droppedNonFinite;
    this.#actualsBelowEpsilon += source.#actualsBelowEpsilon;
  }

  save(): AccumulatorState {
    return {
      kind: 'mq.regression',
      version: 1,
      meta: {
        options: { ...this.options },
        item_count: this.#itemCount,
        dropped_non_finite: this.#droppedNonFinite,
        actuals_below_epsilon: this.#actualsBelowEpsilon,
      },
      arrays: {},
      parts: { moments: this.#moments.save() },
    };
  }

  static load(state: AccumulatorState): RegressionAccumulator {
    expectState(state, 'mq.regression', 1);
    const meta = state.meta as { item_count?: unknown; dropped_non_finite?: unknown; actuals_below_epsilon?: unknown };
    const accumulator = new RegressionAccumulator(optionsFromState(state.meta));
    const moments = state.parts?.moments;
    if (!moments) throw new InputError('state: a regression accumulator state lacks its moments');
    accumulator.#moments.addFrom(RegressionMoments.load(moments));
    accumulator.#itemCount = countOf(meta.item_count);
    accumulator.#droppedNonFinite = countOf(meta.dropped_non_finite);
    accumulator.#actualsBelowEpsilon = countOf(meta.actuals_below_epsilon);
    return accumulator;
  }

  result(): ModelQualityResult {
    const states = [];
    for (let state = 0; state < STATE_COUNT; state++) states.push(regressionScalars(this.#moments.sums(state)));
    const { scalars, notComputed } = assembleScalars('Regression', states, this.#itemCount, this.options.minRecordsForStd);
    const extra: Record<string, unknown> = {
      dropped_non_finite: this.#droppedNonFinite,
      // mape divides by max(|y|, ε): each of these records weighs |e|/ε ≈ 4.5e15·|e| in it.
      mape_actuals_below_epsilon: this.#actualsBelowEpsilon,
    };
    if (Object.keys(notComputed).length > 0) extra.not_computed = notComputed;
    return {
      problemType: 'Regression',
      itemCount: this.#itemCount,
      section: 'regression_metrics',
      metrics: layoutSection('Regression', scalars, {}),
      scalars,
      extra,
    };
  }
}
