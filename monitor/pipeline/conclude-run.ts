/**
 * @module The end of every model-quality run once its records are joined (from capture or from the prediction
 * store): the error gate, the judge, the report files, the metrics and the run report (a failed run ends in failed-run.ts).
 */
import type { Violation } from '../constraints/evaluate.ts';
import { publishMetrics } from '../publish/publish-metrics.ts';
import { buildRunReport, type RunReportParts } from '../report/build-run-report.ts';
import { writeRunReport } from '../report/write-run-report.ts';
import type { LabelsStarted } from './labels-on-thread.ts';
import type { JoinResults } from '../join/join-results.ts';
import { gateInputErrors } from './gate-input-errors.ts';
import { judgeModelQuality, type Verdict } from './judge.ts';
import { completed, type RunOutcome } from './outcome.ts';
import type { PreparedRun } from './prepare-run.ts';
import type { RunContext } from './run-context.ts';
import type { ScanOutcome } from './scan-stage.ts';
import { statisticsOf, writeReportFiles } from './write-outputs.ts';

/** What a caller composing its own command on a run may ask for (suggest-baseline fits the estimate's calibration). */
export interface RunHooks {
  /** Keep the labelled records (JoinResults.reference) to fit the label-free estimate's calibration on. */
  collectReference?: boolean;
  /** Sees the joined results and the verdict before the files are written. */
  onResults?(results: JoinResults, verdict: Verdict): void;
  /** Labels already being read on their own thread (the job command starts them before it loads the pipeline). */
  labelsStarted?: LabelsStarted;
}

/** What a run reports besides the verdict: the store, the label arrival, the judged window of a delayed run. */
export type RunExtras = Pick<RunReportParts, 'store' | 'labelArrival' | 'evaluation' | 'labelsWithoutPrediction' | 'joinedRecords'> & {
  /** Violations found before the judge (a judged hour missing from the store). */
  violations?: Violation[];
};

/**
 * The end of a model-quality run once its records are joined: the error gate, the judge, the report files, the
 * metrics and the run report. A delayed run and `evaluate` call it with the context of the judged window.
 */
export async function concludeRun(
  ctx: RunContext,
  prepared: PreparedRun,
  scan: ScanOutcome,
  extras: RunExtras,
  hooks: RunHooks = {},
  /** With MPM_STATE_URI: writes the run's state file once the metrics are out (its location goes into the outputs). */
  writeState?: () => Promise<{ file: string }>,
): Promise<RunOutcome> {
  const { config, deps } = ctx;
  const { capture, results } = scan;
  const { violations: early, ...reported } = extras;
  const verdict = await ctx.stage('verdict', () => {
    gateInputErrors({ tally: ctx.tally, capture, groundTruth: ctx.facts.groundTruth, groundTruthBytes: ctx.facts.groundTruthBytes, limit: config.maxInputErrorRate });
    const judged = judgeModelQuality(ctx, prepared.constraints, results);
    if (early !== undefined) judged.violations.unshift(...early);
    return judged;
  });
  hooks.onResults?.(results, verdict);
  const evaluationTime = deps.now();
  const statistics = statisticsOf(config, verdict, evaluationTime);
  const files = { statistics, violations: verdict.violations, constraints: prepared.constraints };
  const outputs = await ctx.stage('write_reports', () => writeReportFiles(prepared.output, config, files));
  const publish = await ctx.stage('publish', () => publishMetrics(config, verdict, results.summary, ctx.tally, deps, evaluationTime));
  if (writeState) outputs.state = (await ctx.stage('write_state', writeState)).file;
  const end = completed(verdict.violations.length);
  ctx.finish();
  const report = buildRunReport({
    config,
    ...end,
    constraints: prepared.constraints,
    baselineMetrics: prepared.baseline,
    constraintResults: verdict.constraintResults,
    estimatedChecks: verdict.estimatedChecks,
    estimate: verdict.estimate,
    violations: verdict.violations,
    result: verdict.result,
    capture,
    groundTruth: ctx.facts.groundTruth,
    join: results.summary,
    tally: ctx.tally,
    outputs,
    publish,
    timings: ctx.timings,
    evaluationTime,
    ...reported,
  });
  await writeRunReport(prepared.output, report, { statistics, regression: results.shape?.summary() }, deps.log);
  return { ...end, report };
}
