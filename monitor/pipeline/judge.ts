/**
 * @module The judge stage of model quality: the metrics of the joined records, each constraint checked (violated and
 * not evaluable are different results), too few joined records an InsufficientDataCheck violation (or a failure),
 * and the synthetic violation of --create-violation-tests.
 */
import { describeNotEvaluated, describeViolation, evaluateConstraints, type ConstraintResult, type Violation } from '../constraints/evaluate.ts';
import type { ConstraintSet } from '../constraints/parse-constraints.ts';
import { syntheticViolation } from '../constraints/synthetic.ts';
import { InputError } from '../errors.ts';
import type { JoinResults } from '../join/join-results.ts';
import type { ModelQualityResult } from '../metrics/types.ts';
import { disjointLabelsWarning, foreignPredictionsWarning } from '../metrics/label-overlap.ts';
import { checkEstimatedConstraints, describeEstimatedCheck, type EstimatedCheck } from '../estimation/estimated-constraints.ts';
import type { EstimationResult } from '../estimation/estimation-result.ts';
import type { RunContext } from './run-context.ts';
import { lostFilesViolation } from './gate-input-errors.ts';

export interface Verdict {
  result: ModelQualityResult;
  constraintResults: ConstraintResult[];
  /** The label-free estimate of the window (classification), over every prediction, labelled or not. */
  estimate?: EstimationResult;
  estimatedChecks: EstimatedCheck[];
  violations: Violation[];
}

export function judgeModelQuality(ctx: RunContext, constraints: ConstraintSet, results: JoinResults): Verdict {
  const { config } = ctx;
  const result = results.metrics.result();
  // Metrics of a window whose two label sets never meet are all "wrong", and those of one where many predictions are
  // labels the ground truth never has are mostly so: say so (statistics.json's mpm_extra_metrics and the run report
  // carry it too).
  const disjoint = disjointLabelsWarning(result) ?? foreignPredictionsWarning(result);
  const extra = result.extra as { warnings?: string[] };
  if (disjoint !== undefined) extra.warnings = [disjoint, ...(extra.warnings ?? [])];
  // The accumulator's own warnings (the binary score read the wrong way) and this one reach the log too.
  for (const warning of extra.warnings ?? []) ctx.log.warn(warning);
  const notComputed = ((result.extra as { not_computed?: Record<string, string> }).not_computed ?? {}) as Record<string, string>;
  const constraintResults: ConstraintResult[] = [];
  const violations: Violation[] = [];
  const { joined, predictions, predictions_without_label: withoutLabel } = results.summary;
  const minimum = Math.max(1, config.minJoinedRecords);
  if (joined >= minimum) {
    constraintResults.push(...evaluateConstraints(constraints.constraints, result.scalars, notComputed));
    for (const r of constraintResults) {
      if (r.status === 'violated') violations.push(describeViolation(r, joined));
      else if (r.status === 'not_evaluated') violations.push(describeNotEvaluated(r, joined));
    }
  } else {
    const why =
      `Only ${joined} predictions joined a ground-truth label (minimum ${minimum}): ` +
      `${predictions} predictions in the window, ${ctx.facts.groundTruth?.labels ?? 0} labels read, ` +
      `${withoutLabel} predictions without a label. No metric can be judged.`;
    for (const c of constraints.constraints) {
      constraintResults.push({ metric: c.metric, operator: c.operator, threshold: c.threshold, status: 'not_evaluated', why: 'too few joined records' });
    }
    if (config.onInsufficientData === 'fail') throw new InputError(`input: ${why}`);
    violations.push({ metric_name: 'joined_records', constraint_check_type: 'InsufficientDataCheck', description: why, value: joined, threshold: minimum });
  }
  // A file of which nothing could be read is named in the verdict, never a silent "no violations" (issue 14).
  const lost = lostFilesViolation([
    { filesWhat: 'capture files', unreadable: ctx.facts.capture?.unreadable_files },
    { filesWhat: 'ground-truth files', unreadable: ctx.facts.groundTruth?.unreadable_files },
  ]);
  if (lost !== undefined) violations.push(lost);
  // Estimates need no label: they are checked even when too few records joined.
  const estimate = results.estimate?.result();
  const estimatedChecks = checkEstimatedConstraints(constraints.estimated, estimate);
  for (const check of estimatedChecks) {
    const violation = describeEstimatedCheck(check, estimate);
    if (violation) violations.push(violation);
  }
  if (config.createViolationTests) violations.push(syntheticViolation());
  return { result, constraintResults, estimate, estimatedChecks, violations };
}
