/**
 * @module Constraints on estimated metrics: `estimated_<metric>` entries beside the realized ones in the
 * `<problem>_constraints` section of constraints.json, in SageMaker's {threshold, comparison_operator} form plus an
 * optional mpm `upper_threshold` (NannyML alerts on both sides of the reference range). suggest-baseline writes them
 * from the reference-chunk thresholds; every run checks them against the window's estimate, violations having the
 * check type EstimatedPerformanceCheck.
 */
import { showValue } from '../errors.ts';
import { isOperator, OPERATORS, type ComparisonOperator } from '../constraints/operators.ts';
import type { Violation } from '../constraints/evaluate.ts';
import type { CalibrationArtefact } from './calibration-artefact.ts';
import type { EstimationResult } from './estimation-result.ts';

/** Prefix of estimated metric names in constraints and CloudWatch. */
export const ESTIMATED_PREFIX = 'estimated_';
/** The violation check type of estimated metrics. */
export const ESTIMATED_CHECK_TYPE = 'EstimatedPerformanceCheck';

/** A constraint on an estimated metric. */
export interface EstimatedConstraint {
  /** The constraint's name, e.g. "estimated_accuracy". */
  metric: string;
  threshold: number;
  operator: ComparisonOperator;
  /** Also violated above this value, when given. */
  upperThreshold?: number;
}

/** The constraints.json entry of an estimated metric. */
export interface EstimatedConstraintEntry {
  threshold: number;
  comparison_operator: ComparisonOperator;
  upper_threshold?: number;
}

/** Whether a constraint name targets an estimated metric. */
export function isEstimatedMetricName(name: string): boolean {
  return name.startsWith(ESTIMATED_PREFIX);
}

/** The estimated metric names a problem type's estimate can give (what a constraint may name). */
export function estimatedMetricNames(problemType: string): string[] {
  const metrics =
    problemType === 'BinaryClassification'
      ? ['accuracy', 'precision', 'recall', 'f1', 'true_negative_rate', 'auc']
      : problemType === 'MulticlassClassification'
        ? ['accuracy', 'weighted_precision', 'weighted_recall', 'weighted_f1', 'macro_precision', 'macro_recall', 'macro_f1']
        : [];
  return metrics.map((m) => ESTIMATED_PREFIX + m);
}

/**
 * The entries suggest-baseline writes: for each metric with reference-chunk thresholds, alert below the lower one and
 * above the upper one; a bound clipped to the metric's range (0 or 1) cannot be crossed and is left out (a lower bound
 * of 0 leaves no entry at all). Empty without thresholds.
 */
export function suggestEstimatedConstraints(artefact: CalibrationArtefact): Record<string, EstimatedConstraintEntry> {
  const out: Record<string, EstimatedConstraintEntry> = {};
  for (const [metric, t] of Object.entries(artefact.thresholds?.metrics ?? {})) {
    if (t.lower <= 0 && t.upper >= 1) continue;
    const entry: EstimatedConstraintEntry =
      t.lower > 0 ? { threshold: t.lower, comparison_operator: 'LessThanThreshold' } : { threshold: t.upper, comparison_operator: 'GreaterThanThreshold' };
    if (t.lower > 0 && t.upper < 1) entry.upper_threshold = t.upper;
    out[ESTIMATED_PREFIX + metric] = entry;
  }
  return out;
}

/**
 * Reads the estimated entries of a constraints section (the realized ones are left to load-constraints.ts). Returns
 * the constraints and the problems found (unknown estimated metric, bad threshold or operator), each naming the entry.
 */
export function readEstimatedConstraints(section: Record<string, unknown>, problemType: string): { constraints: EstimatedConstraint[]; problems: string[] } {
  const valid = estimatedMetricNames(problemType);
  const constraints: EstimatedConstraint[] = [];
  const problems: string[] = [];
  for (const [metric, spec] of Object.entries(section)) {
    if (!isEstimatedMetricName(metric)) continue;
    if (!valid.includes(metric)) {
      problems.push(`constraint on ${showValue(metric)}: no such ${problemType} estimated metric; valid names are ${valid.join(', ') || '(none: this problem type is not estimated)'}`);
      continue;
    }
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      problems.push(`constraint on ${metric} is ${showValue(spec)}; expected {"threshold": number, "comparison_operator": "LessThanThreshold"}`);
      continue;
    }
    const { threshold, comparison_operator: op, upper_threshold: upper } = spec as Record<string, unknown>;
    const t = toNumber(threshold);
    const u = upper === undefined ? undefined : toNumber(upper);
    if (!Number.isFinite(t)) problems.push(`constraint on ${metric} has threshold ${showValue(threshold)}; expected a finite number`);
    if (u !== undefined && !Number.isFinite(u)) problems.push(`constraint on ${metric} has upper_threshold ${showValue(upper)}; expected a finite number`);
    if (!isOperator(op)) {
      problems.push(`constraint on ${metric} has comparison_operator ${showValue(op)}; expected one of ${Object.keys(OPERATORS).join(', ')}`);
      continue;
    }
    if (Number.isFinite(t) && (u === undefined || Number.isFinite(u))) constraints.push(u === undefined ? { metric, threshold: t, operator: op } : { metric, threshold: t, operator: op, upperThreshold: u });
  }
  return { constraints, problems };
}

function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
}

/** The outcome of one estimated constraint. */
export interface EstimatedCheck {
  constraint: EstimatedConstraint;
  status: 'pass' | 'violated' | 'not_evaluated';
  value?: number;
  why?: string;
}

/** Checks each constraint against the window's estimate (undefined: no estimate at all, e.g. regression). */
export function checkEstimatedConstraints(constraints: readonly EstimatedConstraint[], estimate: EstimationResult | undefined): EstimatedCheck[] {
  return constraints.map((constraint) => {
    const name = constraint.metric.slice(ESTIMATED_PREFIX.length);
    const metric = estimate?.metrics[name];
    if (metric === undefined || !Number.isFinite(metric.value)) {
      return { constraint, status: 'not_evaluated', why: estimate?.not_estimated[name] ?? `${constraint.metric} is not estimated in this run` };
    }
    const violated = OPERATORS[constraint.operator].test(metric.value, constraint.threshold) || (constraint.upperThreshold !== undefined && metric.value > constraint.upperThreshold);
    return { constraint, status: violated ? 'violated' : 'pass', value: metric.value };
  });
}

function show(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}

/** The constraint_violations.json entry of a violated or not evaluated estimated constraint (undefined for a pass). */
export function describeEstimatedCheck(check: EstimatedCheck, estimate: EstimationResult | undefined): Violation | undefined {
  const { constraint } = check;
  if (check.status === 'pass') return undefined;
  if (check.status === 'not_evaluated') {
    return {
      metric_name: constraint.metric,
      constraint_check_type: 'NotEvaluatedCheck',
      description: `Estimated metric ${constraint.metric} could not be evaluated (${check.why}), so the constraint ${constraint.operator} ${show(constraint.threshold)} was not checked.`,
      threshold: constraint.threshold,
    };
  }
  const metric = estimate!.metrics[constraint.metric.slice(ESTIMATED_PREFIX.length)]!;
  const band = metric.lower !== null && metric.upper !== null ? ` (band ${show(metric.lower)} to ${show(metric.upper)})` : '';
  const low = OPERATORS[constraint.operator].test(metric.value, constraint.threshold);
  const broken = low ? `${OPERATORS[constraint.operator].words} the threshold ${show(constraint.threshold)}` : `is above the upper threshold ${show(constraint.upperThreshold!)}`;
  return {
    metric_name: constraint.metric,
    constraint_check_type: ESTIMATED_CHECK_TYPE,
    description:
      `Estimated metric ${constraint.metric} with ${show(metric.value)}${band} ${broken}, ` +
      `estimated without labels (CBPE) over ${estimate!.estimated_records} predictions.`,
    value: metric.value,
    threshold: low ? constraint.threshold : constraint.upperThreshold!,
  };
}
