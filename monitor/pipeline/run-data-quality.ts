/**
 * @module A data-quality run as a list of named stages: prepare (the baseline statistics and constraints read and
 * checked before the first record), scan (every record of every request a row of the profile, on one thread or
 * many), the shared error gate, judge (the profile against the baseline: types, completeness, drift, columns,
 * domains; --create-violation-tests adds one marked synthetic violation per check type), the report files in
 * SageMaker's data-quality schema, the built-in analyzer's CloudWatch metrics, and the one run-report writer. With
 * MPM_STATE_URI the run's state is written for roll-ups, and with several hosts each profiles its shard and hosts[0]
 * merges (data-quality-hosts.ts). A failed run still writes its run report and page.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { dataQualityResult, type DataQualityResult } from '../data-quality/analysis.ts';
import { dataQualitySection } from '../data-quality/run-report-section.ts';
import { syntheticDataQualityViolations } from '../data-quality/synthetic-violations.ts';
import { InputError, OutputError } from '../errors.ts';
import { defaultNamespace } from '../publish/cloudwatch-api.ts';
import { publishMetricList } from '../publish/publish-metrics.ts';
import { buildRunReport } from '../report/build-run-report.ts';
import { writeJson } from '../report/json-file.ts';
import { sameLocation } from '../report/owned-outputs.ts';
import { REPORT_FILES } from '../report/report-files.ts';
import { writeRunReport } from '../report/write-run-report.ts';
import type { Storage } from '../storage/storage.ts';
import { dataQualityWorkerRun, mergeDataQualityHosts, writeDataQualityRunState } from './data-quality-hosts.ts';
import { failedRun } from './failed-run.ts';
import { planState } from './host-states.ts';
import { gateInputErrors } from './gate-input-errors.ts';
import { completed, type RunOutcome } from './outcome.ts';
import { ignoredSettings, prepareDataQuality, type PreparedDataQualityRun } from './prepare-data-quality.ts';
import { RunContext, type RunDeps } from './run-context.ts';
import { scanDataQuality, type DataQualityScan } from './scan-data-quality.ts';

/** What a caller composing its own command on a run may ask for (suggest-baseline writes the suggestion). */
export interface DataQualityHooks {
  /** Sees the window's result before the files are written. */
  onResult?(result: DataQualityResult): void;
}

/**
 * Writes statistics.json, constraint_violations.json and, when records were profiled, constraints.json: the
 * constraints of the features observed (the contract's "constraints on the features observed"; the built-in analyzer
 * writes one in monitoring runs too), as suggest-baseline would suggest them from this profile, so a window or a
 * roll-up can become the next baseline. Never over the baseline constraints file this run reads (`keep`), if it lies there.
 * Returns where each went.
 */
export async function writeDataQualityFiles(output: Storage, result: DataQualityResult, keep?: string): Promise<Record<string, string>> {
  try {
    const written: Record<string, string> = {
      statistics: await writeJson(output, REPORT_FILES.statistics, result.statistics),
      constraint_violations: await writeJson(output, REPORT_FILES.violations, { violations: result.checks.violations }),
    };
    const over = keep !== undefined && sameLocation(output.describe(REPORT_FILES.constraints), keep);
    if (result.summary.itemCount > 0 && !over) written.constraints = await writeJson(output, REPORT_FILES.constraints, result.suggestion);
    return written;
  } catch (error) {
    throw new OutputError(`output: cannot write the report files to ${output.location} (${(error as Error).message})`, { cause: error });
  }
}

/** The profile against the baseline, after the error gate. */
function judgeDataQuality(ctx: RunContext, prepared: PreparedDataQualityRun, scan: DataQualityScan): DataQualityResult {
  const { config } = ctx;
  gateInputErrors({ tally: ctx.tally, capture: scan.capture, limit: config.maxInputErrorRate });
  const result = dataQualityResult(scan.profile, { statistics: prepared.statistics, constraints: prepared.constraints, config: prepared.config, rows: prepared.rows });
  const { duplicateValues, duplicateColumns } = result.summary;
  if (duplicateValues > 0) {
    ctx.log.warn(
      { duplicate_values: duplicateValues, columns: duplicateColumns },
      `data quality: ${duplicateValues} values were left out because their record already had a value for the column (the first is kept): ` +
        `${duplicateColumns.map((c) => JSON.stringify(c)).join(', ')}; a request key named as a response field, "a.b" beside {"a": {"b": ...}}, or a header naming a column twice`,
    );
  }
  if (result.summary.itemCount === 0 && (prepared.statistics !== undefined || prepared.constraints !== undefined)) {
    // No record to compare: every baseline column "missing" paged an outage or a wrong prefix as schema drift.
    const { files, lines, requests } = scan.capture;
    const why = `Not judged: the window holds no records (${files} files, ${lines} lines, ${requests} requests read), so no column can be compared with the baseline.`;
    if (config.onInsufficientData === 'fail') throw new InputError(`input: ${why}`);
    result.checks.violations.splice(0, result.checks.violations.length, { feature_name: 'item_count', constraint_check_type: 'InsufficientDataCheck', description: why });
  }
  if (config.createViolationTests) result.checks.violations.push(...syntheticDataQualityViolations());
  return result;
}

export async function runDataQuality(config: MonitorConfig, deps: RunDeps, hooks: DataQualityHooks = {}): Promise<RunOutcome> {
  const ctx = new RunContext(config, deps);
  let output: Storage | undefined;
  try {
    const [prepared, statePlan] = await ctx.stage('validate', async () => [await prepareDataQuality(ctx), await planState(ctx)] as const);
    output = prepared.output;
    if (statePlan?.deal) prepared.captureDeal = statePlan.deal;
    const scan = await ctx.stage('capture', () => scanDataQuality(ctx, prepared));
    if (statePlan && !statePlan.leader) return await dataQualityWorkerRun(ctx, statePlan, scan, prepared);
    if (statePlan && statePlan.identity.host.hosts.length > 1) await ctx.stage('merge_hosts', () => mergeDataQualityHosts(ctx, statePlan, scan, prepared));
    const result = await ctx.stage('verdict', () => judgeDataQuality(ctx, prepared, scan));
    hooks.onResult?.(result);
    const evaluationTime = deps.now();
    const outputs = await ctx.stage('write_reports', () => writeDataQualityFiles(prepared.output, result, config.baselineConstraints));
    const namespace = config.cloudwatch.namespace ?? defaultNamespace('DATA_QUALITY', config.endpointName);
    const publish = await ctx.stage('publish', () => publishMetricList(config, result.metrics, namespace, deps, evaluationTime));
    if (statePlan) outputs.state = (await ctx.stage('write_state', () => writeDataQualityRunState(ctx, statePlan, scan, prepared))).file;
    const violations = result.checks.violations;
    const end = completed(violations.length);
    ctx.finish();
    const dataQuality = dataQualitySection({
      summary: result.summary,
      checks: result.checks,
      config: prepared.config,
      statistics: prepared.statistics,
      constraints: prepared.constraints,
      ignoredSettings: ignoredSettings(config),
    });
    const report = buildRunReport({ config, analysisType: 'DATA_QUALITY', ...end, capture: scan.capture, tally: ctx.tally, dataQuality, outputs, publish, timings: ctx.timings, evaluationTime });
    const page = { summary: result.summary, checks: result.checks.features, baseline: prepared.statistics };
    await writeRunReport(prepared.output, report, { dataQuality: page }, deps.log);
    return { ...end, report };
  } catch (error) {
    return failedRun(ctx, error, output, { analysisType: 'DATA_QUALITY' });
  }
}
