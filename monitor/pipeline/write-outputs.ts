/**
 * @module The report files of a completed model-quality run: statistics.json (with the synthetic metric of
 * --create-violation-tests when asked), constraint_violations.json, constraints.json (when a baseline was given).
 */
import type { MonitorConfig } from '../config/load-config.ts';
import type { Violation } from '../constraints/evaluate.ts';
import { toSageMakerConstraints, type ConstraintSet } from '../constraints/parse-constraints.ts';
import { SYNTHETIC_METRIC } from '../constraints/synthetic.ts';
import { OutputError } from '../errors.ts';
import { buildStatistics } from '../metrics/build-statistics.ts';
import type { ModelQualityStatistics } from '../metrics/types.ts';
import { writeJson } from '../report/json-file.ts';
import { REPORT_FILES } from '../report/report-files.ts';
import type { Storage } from '../storage/storage.ts';
import { formatContractTime } from '../config/time.ts';
import { ESTIMATED_METRICS_KEY, estimatedMetricsSection, notEstimatedSection, regressionSection, type EstimatedWindow } from '../estimation/estimated-statistics.ts';
import type { Verdict } from './judge.ts';

/** statistics.json of a model-quality result, with the label-free estimate of the window (mpm_estimated_metrics). */
export function statisticsOf(config: MonitorConfig, verdict: Pick<Verdict, 'result' | 'estimate'>, evaluationTime: Date): ModelQualityStatistics {
  const statistics = buildStatistics(verdict.result, evaluationTime);
  if (config.createViolationTests) {
    (statistics.mpm_extra_metrics ??= {})[SYNTHETIC_METRIC] = { value: -1, note: 'synthetic, from --create-violation-tests' };
  }
  const window = windowOf(config);
  if (verdict.estimate !== undefined) statistics[ESTIMATED_METRICS_KEY] = estimatedMetricsSection(verdict.estimate, window);
  else if (config.problemType === 'Regression') statistics[ESTIMATED_METRICS_KEY] = regressionSection(window);
  else statistics[ESTIMATED_METRICS_KEY] = notEstimatedSection('switched off (MPM_ESTIMATE=Disabled)', window);
  return statistics;
}

/** The window of the run in contract timestamps (absent bounds: every record read). */
function windowOf(config: MonitorConfig): EstimatedWindow {
  const { start, end } = config.window;
  return { ...(start === undefined ? {} : { start_time: formatContractTime(start) }), ...(end === undefined ? {} : { end_time: formatContractTime(end) }) };
}

/** Writes the report files; returns where each went. */
export async function writeReportFiles(
  output: Storage,
  config: MonitorConfig,
  files: { statistics: ModelQualityStatistics; violations: Violation[]; constraints: ConstraintSet },
): Promise<Record<string, string>> {
  const outputs: Record<string, string> = {};
  try {
    outputs.statistics = await writeJson(output, REPORT_FILES.statistics, files.statistics);
    outputs.constraint_violations = await writeJson(output, REPORT_FILES.violations, { violations: files.violations });
    if (files.constraints.schema !== 'none') {
      outputs.constraints = await writeJson(output, REPORT_FILES.constraints, toSageMakerConstraints(files.constraints, config.problemType));
    }
  } catch (error) {
    throw new OutputError(`output: cannot write the report files to ${output.location} (${(error as Error).message})`, { cause: error });
  }
  return outputs;
}
