/**
 * @module A model-quality run as a list of named stages: prepare (every check before the first record), labels,
 * scan (read, decode, explode, join; with MPM_PREDICTION_STORE each thread also streams its records to the store),
 * the store's commit, then the conclusion (conclude-run.ts): the error gate, judge, the report files, the metrics,
 * the run report. A failed run still writes its run report and page with what it learned. With
 * MPM_EVALUATION_DELAY_HOURS the run judges an earlier window from the store instead (run-delayed.ts).
 */
import type { MonitorConfig } from '../config/load-config.ts';
import type { Storage } from '../storage/storage.ts';
import { concludeRun, type RunHooks } from './conclude-run.ts';
import { failedRun } from './failed-run.ts';
import type { RunOutcome } from './outcome.ts';
import { prepareRun } from './prepare-run.ts';
import { joinsGroundTruth, readLabels } from './read-labels.ts';
import { RunContext, type RunDeps } from './run-context.ts';
import { scanStage } from './scan-stage.ts';
import { commitStore, labelArrival, sinkInit } from './store-predictions.ts';
import { closeJoinedRecords, openJoinedRecords, type JoinedRecordsOutput } from './joined-records.ts';
import { planState, writeRunState, type StatePlan } from './host-states.ts';
import { mergeHosts, workerRun } from './host-run.ts';
import { hostStoreParts } from './host-store.ts';
import { startScanWorkers } from '../scan/scan-parallel.ts';
import type { StartedWorkers } from '../scan/scan-plan.ts';
import { ConfigError } from '../errors.ts';
import { readsLabelsOnThread, scanWhileLabelsLoad, startLabels } from './labels-on-thread.ts';

/** Whether the capture will be read on worker threads (then they are started before the ground truth is read). */
function scansOnWorkers(config: MonitorConfig): boolean {
  return config.workers > 1 && config.datasetFormat.kind === 'sagemakerCaptureJson' && !config.joinedRecordsOutput;
}

export type { RunHooks } from './conclude-run.ts';

/**
 * Joined records on several hosts are refused before anything is read: each host would write only its shard's
 * records, and the leader's file would silently miss the others'.
 */
function refuseJoinedRecordsOnHosts(config: MonitorConfig, plan: StatePlan | undefined): void {
  const hosts = plan?.identity.host.hosts ?? [];
  if (!config.joinedRecordsOutput || hosts.length < 2) return;
  throw new ConfigError(
    `config: MPM_JOINED_RECORDS_OUTPUT Enabled with ${hosts.length} hosts (${hosts.join(', ')}) is not supported (each host would write only its shard's records); expected one instance, or MPM_JOINED_RECORDS_OUTPUT Disabled on several hosts`,
  );
}

export async function runModelQuality(config: MonitorConfig, deps: RunDeps, hooks: RunHooks = {}): Promise<RunOutcome> {
  // The delayed run reads the prediction store (apache-arrow, parquet-wasm): imported only when asked for.
  if (config.evaluationDelayHours > 0) return (await import('./run-delayed.ts')).runDelayedModelQuality(config, deps);
  const ctx = new RunContext(config, deps);
  let output: Storage | undefined;
  let joined: JoinedRecordsOutput | undefined;
  let started: StartedWorkers | undefined;
  // The ground truth is read on its own thread while the capture is scanned (labels-on-thread.ts), from the job
  // command's start, or else from here, once the prepare stage has dropped root (it reads no input as root).
  let labelsStarted = hooks.labelsStarted;
  try {
    const [prepared, statePlan] = await ctx.stage('validate', async () => [await prepareRun(ctx), await planState(ctx)] as const);
    if (labelsStarted === undefined && readsLabelsOnThread(config, hooks.collectReference)) labelsStarted = startLabels(config, ctx.log);
    prepared.collectReference = hooks.collectReference;
    if (statePlan?.deal) prepared.captureDeal = statePlan.deal;
    output = prepared.output;
    refuseJoinedRecordsOnHosts(config, statePlan);
    // The scan's threads load their modules while the ground truth is read.
    if (scansOnWorkers(config)) started = startScanWorkers(config.workers);
    const labelsFirst = labelsStarted ? undefined : joinsGroundTruth(config) ? await ctx.stage('ground_truth', () => readLabels(ctx)) : await readLabels(ctx);
    const hosts = statePlan?.identity.host.hosts.length ?? 1;
    // Several hosts: each host's parts carry its name; the leader's manifests list every host's parts.
    if (prepared.store && hosts > 1) prepared.store.writerPrefix = statePlan!.identity.host.current_host;
    joined = await openJoinedRecords(ctx, prepared.output);
    const { labels, scan } = labelsFirst
      ? { labels: labelsFirst, scan: await ctx.stage('capture_and_join', () => scanStage(ctx, prepared, labelsFirst, sinkInit(ctx, prepared.store, labelsFirst), joined?.onJoined, started)) }
      : // The workers started above scan once: a second scan (a binary problem's other negative class) starts its own.
        await scanWhileLabelsLoad(ctx, labelsStarted!, (loading) => ctx.stage('capture_and_join', () => scanStage(ctx, prepared, loading, sinkInit(ctx, prepared.store, loading), undefined, 'tally' in loading ? started : undefined)));
    const storeParts = hostStoreParts(prepared.store, hosts, scan.sinks, scan.capture.location);
    const parts = { results: scan.results, capture: scan.capture, tally: ctx.tally, store: labels.store, prunedFolders: scan.prunedFolders, storeParts };
    if (statePlan && !statePlan.leader) return await workerRun(ctx, statePlan, parts, labels, prepared);
    if (statePlan && hosts > 1) await ctx.stage('merge_hosts', () => mergeHosts(ctx, statePlan, parts, labels, prepared));
    const sinks = storeParts?.sinks ?? scan.sinks;
    const store = prepared.store && (await ctx.stage('store_predictions', () => commitStore(ctx, prepared.store!, sinks ?? [], storeParts?.captureLocations)));
    const joinedRecords = joined && (await ctx.stage('joined_records', () => closeJoinedRecords(prepared.output, joined!)));
    const extras = { store, labelArrival: labelArrival(sinks), labelsWithoutPrediction: labels.store?.unused(), joinedRecords };
    const writeState = statePlan && (() => writeRunState(ctx, statePlan, parts, labels.codec.labels, prepared.response.positiveLabel));
    return await concludeRun(ctx, prepared, scan, extras, hooks, writeState);
  } catch (error) {
    await joined?.writer.abort().catch(() => undefined);
    return failedRun(ctx, error, output);
  } finally {
    await started?.stop();
    await labelsStarted?.thread.stop();
  }
}
