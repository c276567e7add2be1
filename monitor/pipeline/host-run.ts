/**
 * @module What a multi-instance run does after its scan: a worker host writes its part and ends without report
 * files (its message file says it was a worker); the leader waits for the others' parts and merges them into its
 * own before the error gate and the judge, which it alone applies, to merged counts.
 */
import { buildRunReport } from '../report/build-run-report.ts';
import { STATE_CONTAINER_VERSION } from '../state/state-file.ts';
import type { RunParts } from '../state/run-state.ts';
import type { StateHeader } from '../state/state-header.ts';
import { headerOf, mergeHostStates, writeHostState, type StatePlan } from './host-states.ts';
import type { RunOutcome } from './outcome.ts';
import type { PreparedRun } from './prepare-run.ts';
import type { Labels } from './read-labels.ts';
import type { RunContext } from './run-context.ts';
import { joinExtras } from './scan-stage.ts';

/** A worker host: writes its part, no report files; the message names the leader. */
export async function workerRun(ctx: RunContext, plan: StatePlan, parts: RunParts, labels: Labels, prepared: PreparedRun): Promise<RunOutcome> {
  const written = await ctx.stage('write_state', () => writeHostState(ctx, plan, parts, labels.codec.labels, prepared.response.positiveLabel));
  ctx.finish();
  const { current_host: host, hosts } = plan.identity.host;
  const message = `Completed: worker ${host} of ${hosts.length} hosts wrote its state (${written.bytes} bytes, ${parts.capture.files} capture files) to ${written.file}; ${hosts[0]} merges the states and writes the reports.`;
  const report = buildRunReport({
    config: ctx.config,
    status: 'Completed',
    message,
    exitCode: 0,
    capture: parts.capture,
    groundTruth: ctx.facts.groundTruth,
    join: parts.results.summary,
    tally: ctx.tally,
    outputs: { state: written.file },
    timings: ctx.timings,
  });
  ctx.log.info({ host, leader: hosts[0], state: written.file }, 'worker host done');
  return { status: 'Completed', message, exitCode: 0, report };
}

/** The leader: merges every other host's part into its own (bounded wait; a missing host fails the run, naming it). */
export async function mergeHosts(ctx: RunContext, plan: StatePlan, parts: RunParts, labels: Labels, prepared: PreparedRun): Promise<void> {
  const own: StateHeader = {
    ...headerOf(ctx, plan, labels.codec.labels, prepared.response.positiveLabel),
    format: 'mpm-state',
    container_version: STATE_CONTAINER_VERSION,
    byte_order: 'little-endian',
  };
  await mergeHostStates(ctx, plan, parts, own, joinExtras(ctx, prepared));
}
