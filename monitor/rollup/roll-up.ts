/**
 * @module A roll-up: the stored run states of a day or a week merged into the statistics and violations of the whole
 * span, reading no capture and no labels. Each hour contributes its latest state; hours without one are listed;
 * the constraints are applied to the merged counts (thresholds tuned for an hour are loose for a longer span).
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { formatContractTime } from '../config/time.ts';
import { readConstraints } from '../constraints/read-constraints.ts';
import { ConfigError, InputError } from '../errors.ts';
import { responseOptionsOf } from '../ingest/response-options.ts';
import { judgeModelQuality } from '../pipeline/judge.ts';
import type { PreparedRun } from '../pipeline/prepare-run.ts';
import { RunContext, type RunDeps } from '../pipeline/run-context.ts';
import { joinExtras } from '../pipeline/scan-stage.ts';
import { statisticsOf, writeReportFiles } from '../pipeline/write-outputs.ts';
import { writeJson } from '../report/json-file.ts';
import { addCapture, loadRun, type LoadedRun } from '../state/run-state.ts';
import { assertMergeable, type StateHeader } from '../state/state-header.ts';
import { openStorage } from '../storage/open-storage.ts';
import { forEachHourState, type HourState } from './find-run-states.ts';

/** The roll-up's own report beside statistics.json and constraint_violations.json. */
export const ROLLUP_REPORT_FILE = 'rollup_report.json';

const LOOSE_THRESHOLDS =
  'The constraints were applied to the merged counts of the whole span. Thresholds suggested for one hour allow for the noise of one hour\'s records; ' +
  'a day or a week holds many more, so the same threshold is loose for it (a drop that is significant over a week can pass). Suggest a baseline with --expected-records of the span for span thresholds.';

/** What the roll-up merged. */
export interface RollupSummary {
  window: { start_time: string; end_time: string };
  hours: { hour: string; state: string; job: string; written_at: string | null; superseded: string[] }[];
  missing_hours: string[];
  violations: number;
  outputs: Record<string, string>;
}

function spanOf(config: MonitorConfig): { start: number; end: number } {
  const { start, end } = config.window;
  if (config.stateUri === undefined) throw new ConfigError('config: MPM_STATE_URI is not set; expected the folder or s3:// URI the runs wrote their states to');
  if (start === undefined || end === undefined) throw new ConfigError('config: a roll-up needs --from and --to; expected UTC times YYYY-MM-DDTHH:MM:SSZ or dates YYYY-MM-DD');
  return { start, end };
}

/** Merges the states of [from, to) and writes statistics.json, constraint_violations.json and rollup_report.json. */
export async function rollUp(config: MonitorConfig, deps: RunDeps): Promise<RollupSummary> {
  const { start, end } = spanOf(config);
  const ctx = new RunContext(config, deps);
  const constraints = await readConstraints(config);
  const prepared = { constraints, response: responseOptionsOf(config) } as PreparedRun;
  const extras = joinExtras(ctx, prepared);
  const states = await openStorage(config.stateUri!, { s3EndpointUrl: config.s3EndpointUrl });
  let merged: LoadedRun | undefined;
  let previous: { header: StateHeader; file: string } | undefined;
  const hours: RollupSummary['hours'] = [];
  const missing = await forEachHourState(states, start, end, (h: HourState) => {
    const { header } = h.state;
    if (header.problem_type !== config.problemType) {
      throw new ConfigError(`config: problem_type "${config.problemType}" is not the states' (${h.file} holds ${header.problem_type}); expected --problem-type ${header.problem_type}`);
    }
    if (previous) assertMergeable(previous, { header, file: h.file }, 'windows');
    previous = { header, file: h.file };
    const run = loadRun(h.state.states, h.file, extras);
    if (merged === undefined) merged = run;
    else {
      merged.results.merge(run.results);
      addCapture(merged.capture, run.capture);
    }
    ctx.tally.addFrom(run.inputErrors);
    hours.push({ hour: h.hour, state: h.file, job: header.job.name, written_at: header.written_at ?? null, superseded: h.superseded });
    deps.log.info({ hour: h.hour, state: h.file }, 'state merged');
  });
  if (merged === undefined) throw new InputError(`input: no run state in ${states.location} for ${formatContractTime(start)} to ${formatContractTime(end)}`);
  const verdict = judgeModelQuality(ctx, constraints, merged.results);
  const statistics = statisticsOf(config, verdict, deps.now());
  const output = await openStorage(config.outputPath, { s3EndpointUrl: config.s3EndpointUrl });
  const outputs = await writeReportFiles(output, config, { statistics, violations: verdict.violations, constraints });
  const window = { start_time: formatContractTime(start), end_time: formatContractTime(end) };
  const summary = { window, hours, missing_hours: missing, violations: verdict.violations.length, outputs };
  outputs.rollup_report = await writeJson(output, ROLLUP_REPORT_FILE, {
    ...summary,
    join: merged.results.summary,
    capture: merged.capture,
    input_errors: ctx.tally.toJSON(),
    note: LOOSE_THRESHOLDS,
  });
  return summary;
}
