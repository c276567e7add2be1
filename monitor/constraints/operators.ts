/**
 * @module Comparison operators of model-quality constraints. A constraint is violated when
 * `value <operator> threshold` holds: LessThanThreshold alerts when the metric falls below the threshold.
 */

export const OPERATORS = {
  LessThanThreshold: { symbol: '<', test: (v: number, t: number) => v < t, words: 'is less than' },
  LessThanOrEqualToThreshold: { symbol: '<=', test: (v: number, t: number) => v <= t, words: 'is less than or equal to' },
  GreaterThanThreshold: { symbol: '>', test: (v: number, t: number) => v > t, words: 'is greater than' },
  GreaterThanOrEqualToThreshold: { symbol: '>=', test: (v: number, t: number) => v >= t, words: 'is greater than or equal to' },
} as const;

export type ComparisonOperator = keyof typeof OPERATORS;

export function isOperator(name: unknown): name is ComparisonOperator {
  return typeof name === 'string' && Object.hasOwn(OPERATORS, name);
}

/** One realized-metric constraint: metric, threshold and comparison operator. */
export interface Constraint {
  metric: string;
  threshold: number;
  operator: ComparisonOperator;
}
