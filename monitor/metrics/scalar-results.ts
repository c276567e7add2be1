/**
 * @module Turns per-state metric values (full data + 5 subsamples) into SageMaker `{value, standard_deviation}`
 * entries, and lays out a statistics section in SageMaker's key order.
 */
import { metricNames, NON_SCALAR_KEYS, sectionKeys } from './metric-names.ts';
import { populationStd } from './math.ts';
import type { MetricValue, ProblemType } from './types.ts';

/** Reason recorded in `extra.not_computed` for a state without records. */
export const NO_RECORDS = 'no records';

/** The scalar metrics of one state: the defined values, and why each undefined one could not be computed. */
export interface ScalarSet {
  values: Record<string, number>;
  reasons: Record<string, string>;
}

/** Every scalar of `problemType` undefined for the same reason (e.g. a state without records). */
export function undefinedScalars(problemType: ProblemType, reason: string): ScalarSet {
  const reasons: Record<string, string> = {};
  for (const name of metricNames(problemType)) reasons[name] = reason;
  return { values: {}, reasons };
}

/** The scalars of a section and the reasons of those left out. */
export interface AssembledScalars {
  scalars: Record<string, MetricValue>;
  notComputed: Record<string, string>;
}

/**
 * One MetricValue per defined, finite scalar of the full state (`states[0]`). The standard deviation is the population
 * standard deviation of the metric over the 5 subsamples (`states[1..5]`) when `itemCount >= minRecordsForStd`, and
 * "NaN" otherwise or when the metric is undefined on any subsample.
 */
export function assembleScalars(
  problemType: ProblemType,
  states: readonly ScalarSet[],
  itemCount: number,
  minRecordsForStd: number,
): AssembledScalars {
  const scalars: Record<string, MetricValue> = {};
  const notComputed: Record<string, string> = {};
  const [full, ...subsamples] = states;
  for (const name of metricNames(problemType)) {
    const value = full!.values[name];
    if (value === undefined) {
      notComputed[name] = full!.reasons[name] ?? 'not computable';
      continue;
    }
    if (!Number.isFinite(value)) {
      // JSON has no Infinity or NaN; e.g. r2 when the variance of y underflows, mse when errors exceed 1e154.
      notComputed[name] = `the value is ${value}: the inputs overflow double precision`;
      continue;
    }
    scalars[name] = { value, standard_deviation: standardDeviation(name, subsamples, itemCount, minRecordsForStd) };
  }
  return { scalars, notComputed };
}

function standardDeviation(
  name: string,
  subsamples: readonly ScalarSet[],
  itemCount: number,
  minRecordsForStd: number,
): number | 'NaN' {
  if (itemCount < minRecordsForStd) return 'NaN';
  const values: number[] = [];
  for (const subsample of subsamples) {
    const value = subsample.values[name];
    if (value === undefined) return 'NaN';
    values.push(value);
  }
  const std = populationStd(values);
  return Number.isFinite(std) ? std : 'NaN';
}

/**
 * The section object in SageMaker's key order: scalar keys from `scalars`, the others (confusion matrix, curves) from
 * `others`; keys without a value are left out, and so is a confusion matrix without rows (a window that judged no
 * record): the SageMaker Python SDK's model-card parser reads a matrix's column names from its last row and fails on
 * `{}` (sagemaker/model_card/evaluation_metric_parsers.py, ClassificationParser), while it skips a missing one.
 */
export function layoutSection(
  problemType: ProblemType,
  scalars: Record<string, MetricValue>,
  others: Record<string, unknown>,
): Record<string, unknown> {
  const section: Record<string, unknown> = {};
  for (const key of sectionKeys(problemType)) {
    const value = NON_SCALAR_KEYS.has(key) ? others[key] : scalars[key];
    if (value === undefined || (key === 'confusion_matrix' && Object.keys(value as object).length === 0)) continue;
    section[key] = value;
  }
  return section;
}
