/**
 * @module The state stages of a data-quality run, as a model-quality run has them (host-states.ts): each host of a
 * multi-instance job profiles its shard and writes its part; hosts[0] waits for the others (bounded), checks and
 * merges their profiles into its own, in host order, and alone judges and reports; the whole run's state is written
 * for roll-ups.
 */
import { buildRunReport } from '../report/build-run-report.ts';
import { dataQualityStateHeader, loadDataQualityRun, saveDataQualityRun } from '../state/data-quality-state.ts';
import { pack, STATE_CONTAINER_VERSION } from '../state/state-file.ts';
import type { StateHeader, StateHeaderInput } from '../state/state-header.ts';
import { mergeHostCapture } from './host-capture.ts';
import { addHostTally, hostStatePath, readHostParts, RUN_STATE_FILE, writeState, type StatePlan } from './host-states.ts';
import type { RunOutcome } from './outcome.ts';
import type { PreparedDataQualityRun } from './prepare-data-quality.ts';
import type { RunContext } from './run-context.ts';
import type { DataQualityScan } from './scan-data-quality.ts';

/** The baseline's column names, as dataQualityPlan takes them (the statistics', else the constraints'). */
function baselineColumns(prepared: PreparedDataQualityRun): readonly string[] | undefined {
  return prepared.rows.baselineNames ?? prepared.statistics?.features.map((f) => f.name) ?? prepared.constraints?.features.map((f) => f.name);
}

function headerOf(ctx: RunContext, plan: StatePlan, prepared: PreparedDataQualityRun): StateHeaderInput {
  return dataQualityStateHeader(ctx.config, plan.identity, baselineColumns(prepared), ctx.deps.now());
}

async function writeDataQualityState(ctx: RunContext, plan: StatePlan, scan: DataQualityScan, prepared: PreparedDataQualityRun, path: string): Promise<{ file: string; bytes: number }> {
  const bytes = pack(saveDataQualityRun({ profile: scan.profile, capture: scan.capture, tally: ctx.tally, prunedFolders: scan.prunedFolders }), headerOf(ctx, plan, prepared));
  const file = await writeState(plan, path, bytes);
  ctx.log.info({ file, bytes: bytes.byteLength }, 'data-quality state written');
  return { file, bytes: bytes.byteLength };
}

/** The whole run's state ({run folder}/run.mpmstate), for roll-ups. */
export function writeDataQualityRunState(ctx: RunContext, plan: StatePlan, scan: DataQualityScan, prepared: PreparedDataQualityRun): Promise<{ file: string; bytes: number }> {
  return writeDataQualityState(ctx, plan, scan, prepared, `${plan.folder}/${RUN_STATE_FILE}`);
}

/** A worker host: writes its part and no report files; its message names the leader. */
export async function dataQualityWorkerRun(ctx: RunContext, plan: StatePlan, scan: DataQualityScan, prepared: PreparedDataQualityRun): Promise<RunOutcome> {
  const path = hostStatePath(plan.folder, plan.identity.host.current_host);
  const written = await ctx.stage('write_state', () => writeDataQualityState(ctx, plan, scan, prepared, path));
  ctx.finish();
  const { current_host: host, hosts } = plan.identity.host;
  const message = `Completed: worker ${host} of ${hosts.length} hosts wrote its data-quality state (${written.bytes} bytes, ${scan.capture.files} capture files) to ${written.file}; ${hosts[0]} merges the states and writes the reports.`;
  const report = buildRunReport({
    config: ctx.config,
    analysisType: 'DATA_QUALITY',
    status: 'Completed',
    message,
    exitCode: 0,
    capture: scan.capture,
    tally: ctx.tally,
    outputs: { state: written.file },
    timings: ctx.timings,
  });
  ctx.log.info({ host, leader: hosts[0], state: written.file }, 'worker host done');
  return { status: 'Completed', message, exitCode: 0, report };
}

/**
 * The leader: waits for every other host's part, checks each header against its own (same settings, job, window and
 * host list, another host) and merges the profiles, capture counts and input errors into `scan`, in host order.
 */
export async function mergeDataQualityHosts(ctx: RunContext, plan: StatePlan, scan: DataQualityScan, prepared: PreparedDataQualityRun): Promise<void> {
  const own: StateHeader = { ...headerOf(ctx, plan, prepared), format: 'mpm-state', container_version: STATE_CONTAINER_VERSION, byte_order: 'little-endian' };
  const locations = [scan.capture.location];
  let hosts = 1;
  for await (const { read, file } of readHostParts(ctx, plan, own)) {
    hosts++;
    const part = loadDataQualityRun(read.states, file);
    scan.profile.merge(part.profile);
    locations.push(part.capture.location);
    mergeHostCapture(scan, part);
    addHostTally(ctx.tally, part.inputErrors, ctx.config.samplesPerReason, locations);
  }
  ctx.log.info({ hosts }, 'data-quality host states merged');
}
