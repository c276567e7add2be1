/**
 * @module The parts of statistics.json, constraints.json and constraint_violations.json that a history shows,
 * read defensively: any field may be missing or of another type (files from other tools, older versions, hostile
 * edits), and each such field is skipped rather than trusted. Only known paths are visited, so a deeply nested file
 * costs nothing extra.
 */
import { OPERATORS, isOperator } from '../constraints/operators.ts';
import { ESTIMATED_METRICS_KEY } from '../estimation/estimated-statistics.ts';
import { RUN_CAPS, type EstimatePoint, type FeaturePoint, type MetricPoint, type Span, type ViolationPoint } from './run-record.ts';
import { numbersInDescription } from './violation-numbers.ts';

type Json = Record<string, unknown>;

export const MODEL_QUALITY_SECTIONS = {
  binary_classification_metrics: 'BinaryClassification',
  multiclass_classification_metrics: 'MulticlassClassification',
  regression_metrics: 'Regression',
} as const;

/** Keys of a metrics section that are not scalar metrics. */
const NOT_SCALAR = new Set(['confusion_matrix', 'receiver_operating_characteristic_curve', 'precision_recall_curve']);

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A finite number, or null ("NaN" strings, missing fields and other types). */
export function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function stringOrNull(value: unknown, max: number = RUN_CAPS.text): string | null {
  return typeof value === 'string' ? value.slice(0, max) : null;
}

/** Own entries of an object, without going through inherited or accessor properties. */
function own(object: Json): Array<[string, unknown]> {
  return Object.keys(object).map((k) => [k, object[k]]);
}

/** The model-quality section of a statistics.json: its name, problem type and content. */
export function modelQualitySection(statistics: Json): { name: string; problemType: string; section: Json } | undefined {
  for (const [name, problemType] of Object.entries(MODEL_QUALITY_SECTIONS)) {
    const section = Object.hasOwn(statistics, name) ? statistics[name] : undefined;
    if (isObject(section)) return { name, problemType, section };
  }
  return undefined;
}

/** A constraint as the history needs it. */
export interface ConstraintInfo {
  threshold: number;
  operator: string;
  /** From the run report: its verdict. Absent for a constraints.json (the verdict is worked out here). */
  status?: 'pass' | 'violated' | 'not_evaluated';
}

/** The model-quality constraints of a constraints.json (`*_constraints: {metric: {threshold, comparison_operator}}`). */
export function constraintsFromFile(constraints: Json): Map<string, ConstraintInfo> {
  const out = new Map<string, ConstraintInfo>();
  for (const [key, block] of own(constraints)) {
    if (!key.endsWith('_constraints') || !isObject(block)) continue;
    for (const [metric, c] of own(block)) {
      if (!isObject(c)) continue;
      const threshold = numberOrNull(typeof c.threshold === 'string' ? Number(c.threshold) : c.threshold);
      const operator = stringOrNull(c.comparison_operator, 100);
      if (threshold !== null && operator !== null && out.size < RUN_CAPS.metrics) out.set(metric, { threshold, operator });
    }
  }
  return out;
}

/** The constraints with their verdicts from monitoring_report.json `constraints.results`. */
export function constraintsFromRunReport(results: unknown): Map<string, ConstraintInfo> {
  const out = new Map<string, ConstraintInfo>();
  if (!Array.isArray(results)) return out;
  for (const r of results.slice(0, RUN_CAPS.metrics)) {
    if (!isObject(r) || typeof r.metric !== 'string') continue;
    const threshold = numberOrNull(r.threshold);
    const operator = stringOrNull(r.operator, 100);
    const status = r.status === 'pass' || r.status === 'violated' || r.status === 'not_evaluated' ? r.status : undefined;
    if (threshold !== null && operator !== null && !out.has(r.metric)) out.set(r.metric, { threshold, operator, status });
  }
  return out;
}

/** The violations of a constraint_violations.json, capped; `dropped` counts the rest. */
export function violationPoints(file: Json): { violations: ViolationPoint[]; dropped: number } {
  const list = Array.isArray(file.violations) ? file.violations : [];
  const violations: ViolationPoint[] = [];
  for (const v of list.slice(0, RUN_CAPS.violations)) {
    if (!isObject(v)) continue;
    const feature = stringOrNull(v.feature_name, 500);
    const metric = stringOrNull(v.metric_name, 500);
    const description = stringOrNull(v.description) ?? '';
    const stated = numbersInDescription(description);
    violations.push({
      subject: metric ?? feature,
      feature: metric === null && feature !== null,
      checkType: stringOrNull(v.constraint_check_type, 200) ?? '(no check type)',
      description,
      value: numberOrNull(v.value) ?? stated.value,
      threshold: numberOrNull(v.threshold) ?? stated.threshold,
    });
  }
  return { violations, dropped: Math.max(0, list.length - RUN_CAPS.violations) };
}

/**
 * The scalar metrics of a model-quality section (curves and the confusion matrix left out), each with its
 * constraint's threshold and result. The result is the run report's when it has one; otherwise a listed violation of
 * the metric makes it violated, else the operator is applied to the value (not_evaluated without a value). Metrics
 * that only a constraint names (not computed) are listed without a value.
 */
export function metricPoints(section: Json | undefined, constraints: Map<string, ConstraintInfo>, violations: ViolationPoint[]): MetricPoint[] {
  const violated = new Set(violations.filter((v) => !v.feature && v.subject !== null).map((v) => v.subject!));
  const points: MetricPoint[] = [];
  const seen = new Set<string>();
  const push = (metric: string, value: number | null, standardDeviation: number | null): void => {
    if (seen.has(metric) || points.length >= RUN_CAPS.metrics) return;
    seen.add(metric);
    const c = constraints.get(metric);
    let status: MetricPoint['status'] = null;
    if (c) {
      if (c.status) status = c.status;
      else if (violated.has(metric)) status = 'violated';
      else if (value === null) status = 'not_evaluated';
      else if (isOperator(c.operator)) status = OPERATORS[c.operator].test(value, c.threshold) ? 'violated' : 'pass';
      else status = 'not_evaluated';
    }
    points.push({ metric, value, standardDeviation, threshold: c?.threshold ?? null, operator: c?.operator ?? null, status });
  };
  if (section) {
    for (const [metric, m] of own(section)) {
      if (NOT_SCALAR.has(metric) || !isObject(m) || !Object.hasOwn(m, 'value')) continue;
      push(metric, numberOrNull(m.value), numberOrNull(m.standard_deviation));
    }
  }
  for (const metric of constraints.keys()) push(metric, null, null);
  return points;
}

/**
 * Label-free estimates: statistics.json `mpm_estimated_metrics` as monitor/estimation writes it (`metrics`: per
 * metric `value`, `standard_error`, `lower`, `upper`; `window`: the window estimated). Without a `metrics` object,
 * the section's own entries with a numeric `value` are read (an older or hand-written shape). A section that says
 * why nothing was estimated (`not_estimated_reason`) has no estimate.
 */
export function estimatePoints(statistics: Json, parseTime: (text: string) => number | undefined): { estimates: EstimatePoint[]; window: Span | null } {
  const block = Object.hasOwn(statistics, ESTIMATED_METRICS_KEY) ? statistics[ESTIMATED_METRICS_KEY] : undefined;
  if (!isObject(block)) return { estimates: [], window: null };
  const estimates: EstimatePoint[] = [];
  for (const [metric, e] of own(isObject(block.metrics) ? block.metrics : block)) {
    if (estimates.length >= RUN_CAPS.estimates) break;
    if (!isObject(e) || numberOrNull(e.value) === null) continue;
    estimates.push({ metric, value: e.value as number, standardError: numberOrNull(e.standard_error), lower: numberOrNull(e.lower), upper: numberOrNull(e.upper), threshold: null, operator: null, status: null });
  }
  const w = isObject(block.window) ? block.window : undefined;
  const start = typeof w?.start_time === 'string' ? parseTime(w.start_time) : undefined;
  const end = typeof w?.end_time === 'string' ? parseTime(w.end_time) : undefined;
  return { estimates, window: start !== undefined && end !== undefined && start < end ? { start, end } : null };
}

/** Data-quality features of statistics.json `features` (SageMaker's schema), capped; sketches are not kept. */
export function featurePoints(statistics: Json): { features: FeaturePoint[]; dropped: number } {
  const list = Array.isArray(statistics.features) ? statistics.features : [];
  const features: FeaturePoint[] = [];
  for (const f of list.slice(0, RUN_CAPS.features)) {
    if (!isObject(f) || typeof f.name !== 'string') continue;
    const numerical = isObject(f.numerical_statistics) ? f.numerical_statistics : undefined;
    const string = isObject(f.string_statistics) ? f.string_statistics : undefined;
    const stats = numerical ?? string;
    const common = stats && isObject(stats.common) ? stats.common : undefined;
    const present = numberOrNull(common?.num_present);
    const missing = numberOrNull(common?.num_missing);
    const total = (present ?? 0) + (missing ?? 0);
    features.push({
      feature: f.name.slice(0, 500),
      inferredType: stringOrNull(f.inferred_type, 50),
      numPresent: present,
      numMissing: missing,
      completeness: present !== null && total > 0 ? present / total : null,
      mean: numberOrNull(numerical?.mean),
      standardDeviation: numberOrNull(numerical?.std_dev),
      min: numberOrNull(numerical?.min),
      max: numberOrNull(numerical?.max),
      distinctCount: numberOrNull(string?.distinct_count),
    });
  }
  return { features, dropped: Math.max(0, list.length - RUN_CAPS.features) };
}
