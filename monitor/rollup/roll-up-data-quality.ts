/**
 * @module The roll-up of data-quality states: the profiles of each hour's latest state merged in time order (counts,
 * exact sums, type counts, categorical tables, HyperLogLogs and extra keys exactly; the KLL sketches within their
 * error) and judged against the baseline, as one data-quality run over the span would be, reading no capture.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { dataQualityResult } from '../data-quality/analysis.ts';
import type { DatasetProfile } from '../data-quality/dataset-profile.ts';
import { readDataQualityBaseline, rowOptionsOf } from '../pipeline/prepare-data-quality.ts';
import { RunContext, type RunDeps } from '../pipeline/run-context.ts';
import { writeDataQualityFiles } from '../pipeline/run-data-quality.ts';
import { writeJson } from '../report/json-file.ts';
import type { CaptureSummary } from '../scan/capture-summary.ts';
import { loadDataQualityRun } from '../state/data-quality-state.ts';
import { addCapture } from '../state/run-state.ts';
import { openStorage } from '../storage/open-storage.ts';
import { collectStates, ROLLUP_REPORT_FILE, type RollupSummary } from './collect-states.ts';

const LOOSE_DRIFT =
  'The baseline constraints were applied to the merged profile of the whole span. Drift distances and completeness of a day or a week average out ' +
  'the hours: a drift confined to a few hours can stay under a threshold tuned for one hour. Quantiles come from the merged KLL sketches, within their ' +
  'rank error; counts, sums, mean, std_dev, min, max, type counts and categorical counts below the category cap are exact.';

/** Merges the data-quality states of [from, to), judges them against the baseline, writes the report files. */
export async function rollUpDataQuality(config: MonitorConfig, deps: RunDeps): Promise<RollupSummary> {
  const ctx = new RunContext(config, deps);
  const baseline = await readDataQualityBaseline(ctx);
  const columns = baseline.statistics?.features.map((f) => f.name) ?? baseline.constraints?.features.map((f) => f.name);
  let merged: { profile: DatasetProfile; capture: CaptureSummary } | undefined;
  const collected = await collectStates(config, deps.log, 'data_quality', { 'mpm.baseline_columns': JSON.stringify(columns ?? null) }, (state, file) => {
    const run = loadDataQualityRun(state.states, file);
    if (merged === undefined) merged = run;
    else {
      merged.profile.merge(run.profile);
      addCapture(merged.capture, run.capture);
    }
    ctx.tally.addFrom(run.inputErrors);
  });
  const result = dataQualityResult(merged!.profile, { ...baseline, rows: rowOptionsOf(config) });
  const output = await openStorage(config.outputPath, { s3EndpointUrl: config.s3EndpointUrl });
  const outputs = await writeDataQualityFiles(output, result, config.baselineConstraints);
  const summary = { ...collected, violations: result.checks.violations.length, outputs };
  outputs.rollup_report = await writeJson(output, ROLLUP_REPORT_FILE, {
    ...summary,
    analysis_type: 'DATA_QUALITY',
    item_count: result.summary.itemCount,
    capture: merged!.capture,
    input_errors: ctx.tally.toJSON(),
    note: LOOSE_DRIFT,
  });
  return summary;
}
