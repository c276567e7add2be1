/**
 * @module suggest-baseline --analysis-type DATA_QUALITY, like the SDK's DefaultModelMonitor.suggest_baseline: an
 * ordinary data-quality run without a baseline over a validation set (CSV, JSON Lines or a JSON array, Parquet) or
 * over capture writes statistics.json (and the run report), and constraints.json is suggested from the same profile
 * in SageMaker's schema: inferred_type, completeness, is_non_negative, domains of low-cardinality strings, and the
 * monitoring_config with the built-in analyzer's fallbacks (categorical_drift_method as the setting says).
 */
import type { MonitorConfig } from '../config/load-config.ts';
import type { SuggestedConstraints } from '../data-quality/suggest-constraints.ts';
import { InputError, OutputError } from '../errors.ts';
import type { RunOutcome } from '../pipeline/outcome.ts';
import type { RunDeps } from '../pipeline/run-context.ts';
import { runDataQuality } from '../pipeline/run-data-quality.ts';
import { REPORT_FILES } from '../report/report-files.ts';

export interface DataQualitySuggestion {
  constraintsFile: string;
  statisticsFile?: string;
  constraints: SuggestedConstraints;
  records: number;
}

export async function suggestDataQualityBaseline(config: MonitorConfig, deps: RunDeps): Promise<DataQualitySuggestion | { failed: RunOutcome }> {
  let suggestion: SuggestedConstraints | undefined;
  let records = 0;
  const outcome = await runDataQuality({ ...config, baselineConstraints: undefined, baselineStatistics: undefined, createViolationTests: false }, deps, {
    onResult: (result) => {
      suggestion = result.suggestion;
      records = result.summary.itemCount;
    },
  });
  if (outcome.exitCode !== 0) return { failed: outcome };
  if (suggestion === undefined || records === 0) {
    throw new InputError(`input: the baseline dataset at ${config.datasetSource} has no records; suggest-baseline needs at least 1`);
  }
  // The run wrote constraints.json: every data-quality run writes the constraints of the features it observed.
  const file = outcome.report.outputs?.constraints;
  if (file === undefined) throw new OutputError(`output: ${REPORT_FILES.constraints} was not written to ${config.outputPath}`);
  return { constraintsFile: file, statisticsFile: outcome.report.outputs?.statistics, constraints: suggestion, records };
}
