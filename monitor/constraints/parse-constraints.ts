/**
 * @module Reads a constraints file: SageMaker's model-quality schema
 * {"version", "<problem>_constraints": {metric: {"threshold", "comparison_operator"}}} or the seed's
 * {"accuracy": {"threshold": t}} (a violation when the metric falls below t; any metric name). Every constraint is
 * checked against the problem type's metric names before the first record is read.
 */
import { ConfigError, showValue } from '../errors.ts';
import { describeValue } from '../ingest/describe-value.ts';
import { jsonErrorDetail } from '../ingest/json-error.ts';
import { metricNames } from '../metrics/metric-names.ts';
import type { ProblemType } from '../metrics/types.ts';
import { isOperator, OPERATORS, type Constraint } from './operators.ts';
import { isEstimatedMetricName, readEstimatedConstraints, type EstimatedConstraint } from '../estimation/estimated-constraints.ts';
import { CALIBRATION_KEY, parseCalibrationArtefact, type CalibrationArtefact } from '../estimation/calibration-artefact.ts';
import { withoutBom } from '../runtime/without-bom.ts';

/**
 * Problems listed in one error, at most, and unknown metric names quoted: a file of 100,000 unknown names used to
 * build a message repeating the list of valid names 100,000 times (1.2 GB of memory, a 41 MB run report).
 */
const MAX_LISTED_PROBLEMS = 20;
const MAX_QUOTED_NAMES = 10;

export interface ConstraintSet {
  /** Where the file came from (for messages and the report). */
  source: string;
  schema: 'sagemaker' | 'seed' | 'none';
  constraints: Constraint[];
  /** Constraints on label-free estimates (`estimated_<metric>`), checked against the window's estimate. */
  estimated: EstimatedConstraint[];
  /** The calibration of the label-free estimate, fitted by suggest-baseline (constraints.json `mpm_calibration`). */
  calibration?: CalibrationArtefact;
}

const SECTIONS: Record<string, ProblemType> = {
  binary_classification_constraints: 'BinaryClassification',
  multiclass_classification_constraints: 'MulticlassClassification',
  regression_constraints: 'Regression',
};

function sectionFor(problemType: ProblemType): string {
  return Object.entries(SECTIONS).find(([, p]) => p === problemType)![0];
}

/** The metric entries of a constraints document: its SageMaker section, or the seed's flat map. */
function constraintEntries(obj: Record<string, unknown>, where: string, problemType: ProblemType): { entries: Record<string, unknown>; schema: ConstraintSet['schema'] } {
  if ('features' in obj || 'monitoring_config' in obj) {
    throw new ConfigError(`config: ${where} is a data-quality constraints file (it has "features"); expected model-quality constraints with a "${sectionFor(problemType)}" section (analysis_type is MODEL_QUALITY; set analysis_type=DATA_QUALITY to judge data quality against this file)`);
  }
  const sectionKeys = Object.keys(obj).filter((k) => Object.hasOwn(SECTIONS, k));
  if (sectionKeys.length === 0) {
    return { schema: 'seed', entries: Object.fromEntries(Object.entries(obj).filter(([k]) => k !== 'version')) };
  }
  const wanted = sectionFor(problemType);
  if (!sectionKeys.includes(wanted)) {
    throw new ConfigError(`config: ${where} has "${sectionKeys.join('", "')}" but problem_type is ${problemType}; expected a "${wanted}" section`);
  }
  const section = obj[wanted];
  if (section === null || typeof section !== 'object' || Array.isArray(section)) {
    throw new ConfigError(`config: ${where} has "${wanted}" ${describeValue(section)}; expected an object of {"threshold", "comparison_operator"}`);
  }
  return { schema: 'sagemaker', entries: section as Record<string, unknown> };
}

/** Parses and validates constraints for a problem type. Throws one ConfigError listing every problem. */
export function parseConstraints(text: string, source: string, problemType: ProblemType): ConstraintSet {
  const where = `baseline_constraints ${showValue(source)}`;
  let doc: unknown;
  try {
    // A byte-order mark at the start is no part of the JSON (editors on Windows write one).
    doc = JSON.parse(withoutBom(text));
  } catch (error) {
    throw new ConfigError(`config: ${where} is not valid JSON (${jsonErrorDetail(error)}); expected a model-quality constraints file`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(`config: ${where} is not a JSON object; expected {"version": 0.0, "${sectionFor(problemType)}": {...}} or {"accuracy": {"threshold": 0.8}}`);
  }
  const obj = doc as Record<string, unknown>;
  const { entries, schema } = constraintEntries(obj, where, problemType);

  const valid = metricNames(problemType);
  const estimatedRead = readEstimatedConstraints(entries, problemType);
  const problems: string[] = [...estimatedRead.problems];
  const unknown: string[] = [];
  const constraints: Constraint[] = [];
  for (const [metric, spec] of Object.entries(entries)) {
    if (isEstimatedMetricName(metric)) continue;
    if (!valid.includes(metric)) {
      unknown.push(metric);
      continue;
    }
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      problems.push(`constraint on ${metric} is ${describeValue(spec)}; expected {"threshold": number, "comparison_operator": "LessThanThreshold"}`);
      continue;
    }
    const { threshold, comparison_operator: op } = spec as Record<string, unknown>;
    // Thresholds may be written as strings, in scientific notation too.
    const t = typeof threshold === 'number' ? threshold : typeof threshold === 'string' && threshold.trim() !== '' ? Number(threshold) : NaN;
    if (!Number.isFinite(t)) problems.push(`constraint on ${metric} has ${threshold === undefined ? 'no threshold' : `threshold ${describeValue(threshold)}`}; expected a finite number`);
    const operator = op === undefined && schema === 'seed' ? 'LessThanThreshold' : op;
    if (!isOperator(operator)) {
      problems.push(`constraint on ${metric} has ${op === undefined ? 'no comparison_operator' : `comparison_operator ${describeValue(op)}`}; expected one of ${Object.keys(OPERATORS).join(', ')}`);
      continue;
    }
    if (Number.isFinite(t)) constraints.push({ metric, threshold: t, operator });
  }
  if (unknown.length > 0) problems.unshift(unknownMetrics(unknown, problemType, valid));
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
    if (problems.length > MAX_LISTED_PROBLEMS) listed.push(`… and ${problems.length - MAX_LISTED_PROBLEMS} more problems`);
    throw new ConfigError(`config: ${where} is not valid:\n- ${listed.join('\n- ')}`);
  }
  const calibration = schema === 'sagemaker' && Object.hasOwn(obj, CALIBRATION_KEY) ? parseCalibrationArtefact(obj[CALIBRATION_KEY], source, problemType) : undefined;
  return { source, schema, constraints, estimated: estimatedRead.constraints, ...(calibration ? { calibration } : {}) };
}

/** One problem for every unknown metric name: ten of them quoted, the valid names said once. */
function unknownMetrics(unknown: readonly string[], problemType: ProblemType, valid: readonly string[]): string {
  const quoted = unknown.slice(0, MAX_QUOTED_NAMES).map((m) => describeValue(m)).join(', ');
  const more = unknown.length > MAX_QUOTED_NAMES ? ` and ${unknown.length - MAX_QUOTED_NAMES} more (${unknown.length} in all)` : '';
  const subject = unknown.length === 1 ? `constraint on ${quoted}` : `constraints on ${quoted}${more}`;
  return `${subject}: no such ${problemType} metric; valid names are ${valid.join(', ')}`;
}

/** The constraints in SageMaker's model-quality schema (what constraints.json holds). */
export function toSageMakerConstraints(set: ConstraintSet, problemType: ProblemType): Record<string, unknown> {
  const realized = set.constraints.map((c) => [c.metric, { threshold: c.threshold, comparison_operator: c.operator }]);
  const estimated = set.estimated.map((c) => [c.metric, { threshold: c.threshold, comparison_operator: c.operator, ...(c.upperThreshold === undefined ? {} : { upper_threshold: c.upperThreshold }) }]);
  return { version: 0.0, [sectionFor(problemType)]: Object.fromEntries([...realized, ...estimated]) };
}
