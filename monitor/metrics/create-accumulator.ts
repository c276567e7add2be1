/**
 * @module The factory of model-quality accumulators, one kind per SageMaker problem type.
 */
import { resolveOptions } from './accumulator-options.ts';
import { BinaryAccumulator } from './binary-accumulator.ts';
import { MulticlassAccumulator } from './multiclass-accumulator.ts';
import { RegressionAccumulator } from './regression-accumulator.ts';
import type { AccumulatorOptions, ModelQualityAccumulator } from './types.ts';
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';

/**
 * An empty accumulator for `options.problemType`. Throws a ConfigError naming every invalid option.
 * Accumulators built with equal options merge (e.g. one per worker thread, merged at the end).
 */
export function createAccumulator(options: AccumulatorOptions): ModelQualityAccumulator {
  const resolved = resolveOptions(options);
  switch (resolved.problemType) {
    case 'BinaryClassification':
      return new BinaryAccumulator(resolved);
    case 'MulticlassClassification':
      return new MulticlassAccumulator(resolved);
    case 'Regression':
      return new RegressionAccumulator(resolved);
  }
}

/** The accumulator a state was saved from (any problem type). */
export function loadAccumulator(state: AccumulatorState): ModelQualityAccumulator {
  switch (state.kind) {
    case 'mq.binary':
      return BinaryAccumulator.load(state);
    case 'mq.multiclass':
      return MulticlassAccumulator.load(state);
    case 'mq.regression':
      return RegressionAccumulator.load(state);
    default:
      throw new InputError(`state: ${JSON.stringify(state.kind)} is not a model-quality accumulator state`);
  }
}
