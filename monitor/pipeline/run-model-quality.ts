/**
 * @module A model-quality run as a list of named stages: prepare (every check before the first record), labels,
 * scan (read, decode, explode, join), the error gate, judge, the report files, the metrics, the run report. A failed
 * run still writes its run report and page with what it learned.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { publishMetrics } from '../publish/publish-metrics.ts';
import { buildRunReport } from '../report/build-run-report.ts';
import { writeRunReport } from '../report/write-run-report.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { Storage } from '../storage/storage.ts';
import { gateInputErrors } from './gate-input-errors.ts';
import { judgeModelQuality, type Verdict } from './judge.ts';
import type { JoinResults } from '../join/join-results.ts';
import { completed, failed, type RunOutcome } from './outcome.ts';
import { prepareRun } from './prepare-run.ts';
import { joinsGroundTruth, readLabels } from './read-labels.ts';
import { RunContext, type RunDeps } from './run-context.ts';
import { scanStage } from './scan-stage.ts';
import { planState, writeRunState } from './host-states.ts';
import { mergeHosts, workerRun } from './host-run.ts';
import { statisticsOf, writeReportFiles } from './write-outputs.ts';

/** What a caller composing its own command on a run may ask for (suggest-baseline fits the estimate's calibration). */
export interface RunHooks {
  /** Keep the labelled records (JoinResults.reference) to fit the label-free estimate's calibration on. */
  collectReference?: boolean;
  /** Sees the joined results and the verdict before the files are written. */
  onResults?(results: JoinResults, verdict: Verdict): void;
}

export async function runModelQuality(config: MonitorConfig, deps: RunDeps, hooks: RunHooks = {}): Promise<RunOutcome> {
  const ctx = new RunContext(config, deps);
  let output: Storage | undefined;
  try {
    const [prepared, statePlan] = await ctx.stage('validate', async () => [await prepareRun(ctx), await planState(ctx)] as const);
    prepared.collectReference = hooks.collectReference;
    output = prepared.output;
    const labels = joinsGroundTruth(config) ? await ctx.stage('ground_truth', () => readLabels(ctx)) : await readLabels(ctx);
    const { capture, results } = await ctx.stage('capture_and_join', () => scanStage(ctx, prepared, labels));
    const parts = { results, capture, tally: ctx.tally, store: labels.store };
    if (statePlan && !statePlan.leader) return await workerRun(ctx, statePlan, parts, labels, prepared);
    if (statePlan && statePlan.identity.host.hosts.length > 1) await ctx.stage('merge_hosts', () => mergeHosts(ctx, statePlan, parts, labels, prepared));
    const verdict = await ctx.stage('verdict', () => {
      gateInputErrors({ tally: ctx.tally, captureLines: capture.lines, groundTruthRows: ctx.facts.groundTruth?.rows ?? 0, limit: config.maxInputErrorRate });
      return judgeModelQuality(ctx, prepared.constraints, results);
    });
    hooks.onResults?.(results, verdict);
    const evaluationTime = deps.now();
    const statistics = statisticsOf(config, verdict, evaluationTime);
    const files = { statistics, violations: verdict.violations, constraints: prepared.constraints };
    const outputs = await ctx.stage('write_reports', () => writeReportFiles(prepared.output, config, files));
    const publish = await ctx.stage('publish', () => publishMetrics(config, verdict, results.summary, ctx.tally, deps, evaluationTime));
    if (statePlan) outputs.state = (await ctx.stage('write_state', () => writeRunState(ctx, statePlan, parts, labels.codec.labels, prepared.response.positiveLabel))).file;
    const end = completed(verdict.violations.length);
    ctx.finish();
    const report = buildRunReport({
      config,
      ...end,
      constraints: prepared.constraints,
      constraintResults: verdict.constraintResults,
      estimatedChecks: verdict.estimatedChecks,
      estimate: verdict.estimate,
      violations: verdict.violations,
      result: verdict.result,
      capture,
      groundTruth: ctx.facts.groundTruth,
      join: results.summary,
      labelsWithoutPrediction: labels.store?.unused(),
      tally: ctx.tally,
      outputs,
      publish,
      timings: ctx.timings,
      evaluationTime,
    });
    await writeRunReport(prepared.output, report, { statistics, regression: results.shape?.summary() }, deps.log);
    return { ...end, report };
  } catch (error) {
    return failedRun(ctx, error, output);
  }
}

/** The outcome of a run that failed: logged, and its run report and page written when the output can be. */
async function failedRun(ctx: RunContext, error: unknown, output: Storage | undefined): Promise<RunOutcome> {
  const { config, log } = ctx;
  ctx.finish();
  const end = failed(error);
  if (end.known) log.error((error as Error).message);
  else log.error({ err: error }, 'internal error');
  const facts = ctx.facts;
  const report = buildRunReport({ config, ...end, constraints: facts.constraints, capture: facts.capture, groundTruth: facts.groundTruth, tally: ctx.tally, timings: ctx.timings });
  try {
    await writeRunReport(output ?? (await openStorage(config.outputPath, { s3EndpointUrl: config.s3EndpointUrl })), report, {}, log);
  } catch (reportError) {
    log.warn({ err: (reportError as Error).message }, 'the run report of the failed run could not be written');
  }
  return { status: end.status, message: end.message, exitCode: end.exitCode, report };
}
