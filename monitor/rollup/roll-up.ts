/**
 * @module A roll-up: the stored run states of a day or a week merged into the statistics and violations of the whole
 * span, reading no capture and no labels. Each hour contributes its latest state; hours without one are listed;
 * the constraints are applied to the merged counts (thresholds tuned for an hour are loose for a longer span).
 * Model-quality states here; data-quality states in roll-up-data-quality.ts.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { readConstraints } from '../constraints/read-constraints.ts';
import { responseOptionsOf } from '../ingest/response-options.ts';
import { judgeModelQuality } from '../pipeline/judge.ts';
import type { PreparedRun } from '../pipeline/prepare-run.ts';
import { RunContext, type RunDeps } from '../pipeline/run-context.ts';
import { joinExtras } from '../pipeline/scan-stage.ts';
import { statisticsOf, writeReportFiles } from '../pipeline/write-outputs.ts';
import { writeJson } from '../report/json-file.ts';
import { loadRun } from '../state/load-run.ts';
import { addCapture, type LoadedRun } from '../state/run-state.ts';
import { openStorage } from '../storage/open-storage.ts';
import { aucNote } from './auc-note.ts';
import { collectStates, ROLLUP_REPORT_FILE, type RollupSummary } from './collect-states.ts';
import { rollUpDataQuality } from './roll-up-data-quality.ts';

export type { RollupSummary } from './collect-states.ts';

/** Why the hourly constraints are loose for the span (said in every roll-up report). */
const LOOSE_THRESHOLDS =
  'The constraints were applied to the merged counts of the whole span. Thresholds suggested for one hour allow for the noise of one hour\'s records; ' +
  'a day or a week holds many more, so the same threshold is loose for it (a drop that is significant over a week can pass). Suggest a baseline with --expected-records of the span for span thresholds.';

/** Merges the states of [from, to) and writes statistics.json, constraint_violations.json and rollup_report.json. */
export async function rollUp(config: MonitorConfig, deps: RunDeps): Promise<RollupSummary> {
  if (config.analysisType === 'DATA_QUALITY') return rollUpDataQuality(config, deps);
  const ctx = new RunContext(config, deps);
  const constraints = await readConstraints(config);
  const prepared = { constraints, response: responseOptionsOf(config) } as PreparedRun;
  const extras = joinExtras(ctx, prepared);
  let merged: LoadedRun | undefined;
  const collected = await collectStates(config, deps.log, 'model_quality', {}, (state, file) => {
    const run = loadRun(state.states, file, extras);
    if (merged === undefined) merged = run;
    else {
      merged.results.merge(run.results);
      addCapture(merged.capture, run.capture);
    }
    ctx.tally.addFrom(run.inputErrors);
  });
  const results = merged!.results;
  const verdict = judgeModelQuality(ctx, constraints, results);
  const statistics = statisticsOf(config, verdict, deps.now());
  const output = await openStorage(config.outputPath, { s3EndpointUrl: config.s3EndpointUrl });
  const outputs = await writeReportFiles(output, config, { statistics, violations: verdict.violations, constraints });
  const summary = { ...collected, violations: verdict.violations.length, outputs };
  outputs.rollup_report = await writeJson(output, ROLLUP_REPORT_FILE, {
    ...summary,
    join: results.summary,
    capture: merged!.capture,
    input_errors: ctx.tally.toJSON(),
    note: LOOSE_THRESHOLDS,
    ...(config.problemType === 'BinaryClassification' ? { auc: aucNote(results) } : {}),
  });
  return summary;
}
