/**
 * @module Defaults and validation of AccumulatorOptions. Every issue is reported at once, before any record is read.
 */
import { ConfigError, MonitorError, showValue } from '../errors.ts';
import { canonicalLabel } from './labels.ts';
import { PROBLEM_TYPES, type AccumulatorOptions, type ProblemType } from './types.ts';

/** AccumulatorOptions with every default applied and the positive label canonicalised. */
export interface ResolvedOptions {
  problemType: ProblemType;
  /** Canonical positive label (binary only; "1" by default). */
  positiveLabel: string;
  /** Unsigned 32-bit seed of the subsample assignment (0 by default). */
  seed: number;
  /** Records needed for a numeric standard_deviation (200 by default, as SageMaker). */
  minRecordsForStd: number;
  /** Most points kept per output curve (1000 by default). */
  maxCurvePoints: number;
}

/** Applies the defaults; throws one ConfigError naming every invalid option. */
export function resolveOptions(options: AccumulatorOptions): ResolvedOptions {
  const issues: string[] = [];
  const { problemType, positiveLabel = '1', seed = 0, minRecordsForStd = 200, maxCurvePoints = 1000 } = options;
  if (!(PROBLEM_TYPES as readonly unknown[]).includes(problemType)) {
    issues.push(`problemType ${showValue(problemType)} is not one of ${PROBLEM_TYPES.join(', ')}`);
  }
  const positive = canonicalLabel(positiveLabel);
  if (positive === undefined) issues.push(`positiveLabel ${showValue(positiveLabel)} is not a usable label`);
  if (!Number.isSafeInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32) {
    issues.push(`seed ${showValue(seed)} must be an integer in [-2^31, 2^32)`);
  }
  if (!Number.isSafeInteger(minRecordsForStd) || minRecordsForStd < 1) {
    issues.push(`minRecordsForStd ${showValue(minRecordsForStd)} must be an integer >= 1`);
  }
  if (!Number.isSafeInteger(maxCurvePoints) || maxCurvePoints < 2) {
    issues.push(`maxCurvePoints ${showValue(maxCurvePoints)} must be an integer >= 2`);
  }
  if (issues.length > 0) throw new ConfigError(`metrics: invalid accumulator options: ${issues.join('; ')}`);
  return { problemType, positiveLabel: positive!, seed: seed >>> 0, minRecordsForStd, maxCurvePoints };
}

/** True when two accumulators with these options may be merged. */
export function sameOptions(a: ResolvedOptions, b: ResolvedOptions): boolean {
  return (
    a.problemType === b.problemType &&
    a.positiveLabel === b.positiveLabel &&
    a.seed === b.seed &&
    a.minRecordsForStd === b.minRecordsForStd &&
    a.maxCurvePoints === b.maxCurvePoints
  );
}

/**
 * Throws unless `other` is another accumulator of the same kind (`sameKind`) built with the same options: chunks and
 * worker threads may only be merged when they count the same way.
 */
export function checkMergeable(target: { options: ResolvedOptions }, other: unknown, sameKind: boolean): void {
  if (other === target) throw new MonitorError('metrics: an accumulator cannot be merged into itself');
  const otherOptions = (other as { options?: ResolvedOptions } | null)?.options;
  if (sameKind && otherOptions !== undefined && sameOptions(target.options, otherOptions)) return;
  throw new MonitorError(
    `metrics: cannot merge an accumulator with options ${showValue(otherOptions ?? null)} into one with options ` +
      `${showValue(target.options)}; merge only accumulators made by createAccumulator with equal options`,
  );
}

/** The options saved in an accumulator state, checked as a fresh AccumulatorOptions would be. */
export function optionsFromState(meta: unknown): ResolvedOptions {
  const options = (meta as { options?: AccumulatorOptions } | null)?.options;
  if (options === null || typeof options !== 'object') throw new MonitorError('state: an accumulator state has no options');
  return resolveOptions(options);
}
