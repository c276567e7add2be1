/**
 * @module Checks metric values against constraints. "Violated" and "could not be evaluated" are different results:
 * a metric that could not be computed (AUC with one class, no scores) is reported as not evaluated, with why.
 */
import type { MetricValue } from '../metrics/types.ts';
import { OPERATORS, type Constraint } from './operators.ts';

export interface ConstraintResult {
  metric: string;
  operator: Constraint['operator'];
  threshold: number;
  status: 'pass' | 'violated' | 'not_evaluated';
  value?: number;
  standard_deviation?: number | 'NaN';
  why?: string;
}

/** A violation as constraint_violations.json lists it. */
export interface Violation {
  metric_name: string;
  constraint_check_type: string;
  description: string;
  value?: number;
  threshold?: number;
}

function show(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}

export function evaluateConstraints(
  constraints: Constraint[],
  scalars: Record<string, MetricValue>,
  notComputed: Record<string, string>,
): ConstraintResult[] {
  return constraints.map((c) => {
    const metric = scalars[c.metric];
    const base = { metric: c.metric, operator: c.operator, threshold: c.threshold };
    if (metric === undefined || !Number.isFinite(metric.value)) {
      return { ...base, status: 'not_evaluated', why: notComputed[c.metric] ?? `${c.metric} could not be computed on this data` };
    }
    const violated = OPERATORS[c.operator].test(metric.value, c.threshold);
    return { ...base, status: violated ? 'violated' : 'pass', value: metric.value, standard_deviation: metric.standard_deviation };
  });
}

/** The violation entry for a violated constraint, with a description a person understands. */
export function describeViolation(r: ConstraintResult, records: number): Violation {
  const std = typeof r.standard_deviation === 'number' ? ` (± ${show(r.standard_deviation)})` : '';
  return {
    metric_name: r.metric,
    constraint_check_type: r.operator,
    description:
      `Metric ${r.metric} with ${show(r.value!)}${std} was ${r.operator} ${show(r.threshold)}: ` +
      `${r.metric} ${OPERATORS[r.operator].words} the threshold ${show(r.threshold)}, over ${records} records.`,
    value: r.value,
    threshold: r.threshold,
  };
}

/**
 * The violation entry for a constraint that could not be evaluated (a metric that could not be computed). It is
 * listed, never passed: the seed turned such a NaN into a silent pass (NaN < threshold is false).
 */
export function describeNotEvaluated(r: ConstraintResult, records: number): Violation {
  return {
    metric_name: r.metric,
    constraint_check_type: 'NotEvaluatedCheck',
    description:
      `Metric ${r.metric} could not be evaluated over ${records} records (${r.why ?? 'not computed'}), ` +
      `so the constraint ${r.operator} ${show(r.threshold)} was not checked.`,
    threshold: r.threshold,
  };
}
