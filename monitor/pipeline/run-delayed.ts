/**
 * @module A model-quality run that judges a matured window (MPM_EVALUATION_DELAY_HOURS > 0): the fresh window's
 * capture is scanned once into the prediction store (with its label-free estimate), then the window that many hours
 * earlier is judged from the store with the labels present now. statistics.json, the violations, the CloudWatch
 * timestamp, the run report and (with MPM_STATE_URI) the run state describe the judged window; the report says which
 * window was stored. `evaluate` judges stored hours the same way, without a fresh window.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { estimatedMetricsSection } from '../estimation/estimated-statistics.ts';
import { renameClass } from '../estimation/estimation-result.ts';
import { loadParquetWasm } from '../ingest/parquet.ts';
import { LabelCodec } from '../join/label-codec.ts';
import type { EvaluationReport } from '../report/build-run-report.ts';
import type { Storage } from '../storage/storage.ts';
import { HOUR_MS } from '../store/store-layout.ts';
import type { StoreReport } from '../store/store-report.ts';
import { judgeFromStore } from './judge-from-store.ts';
import { closeJoinedRecords, openJoinedRecords, type JoinedRecordsOutput } from './joined-records.ts';
import type { RunOutcome } from './outcome.ts';
import { prepareRun, type PreparedRun } from './prepare-run.ts';
import { joinsGroundTruth, readLabels, type Labels } from './read-labels.ts';
import { labelsOfThread, startLabels, type LabelsStarted } from './labels-on-thread.ts';
import { firstHourRecords, storeReaderWarm, warmUpStoreReader } from '../store/store-warm-up.ts';
import { RunContext, type RunDeps } from './run-context.ts';
import { concludeRun } from './conclude-run.ts';
import { failedRun } from './failed-run.ts';
import { scanStage } from './scan-stage.ts';
import { commitStore, contractWindow, sinkInit, type PredictionStore } from './store-predictions.ts';
import { refuseDelayedOnHosts } from './host-store.ts';
import { planState, writeRunState, type StatePlan } from './host-states.ts';

const SET_BY_USER = new Set(['flag', 'environment', 'job-config']);

/**
 * The configuration of the judged window: the window moved `delay` hours back, the labels read up to this run's
 * lookahead (every label present now), and the metric time of the judged window (or of this run with
 * MPM_DELAYED_METRIC_TIME=run). A metric_time equal to the run's start_time is the window's own stamp (Model Monitor
 * passes metric_time = start_time to every execution; MPM_SCHEDULED_TIME derives it so) and moves with the window;
 * any other metric_time the user set is kept.
 */
export function judgedConfigOf(config: MonitorConfig, delay: number): MonitorConfig {
  const shift = delay * HOUR_MS;
  const { start, end } = config.window;
  const window = { start: start === undefined ? undefined : start - shift, end: end === undefined ? undefined : end - shift };
  let metricTime = config.metricTime;
  if (config.delayedMetricTime === 'run') metricTime = config.metricTime ?? config.window.end;
  else if (metricTime !== undefined && (!SET_BY_USER.has(config.sources.metric_time ?? 'unset') || metricTime === start)) metricTime -= shift;
  return { ...config, window, metricTime, groundTruth: { ...config.groundTruth, lookaheadHours: config.groundTruth.lookaheadHours + delay } };
}

/** What a judgement from the store reports about the run around it. */
export interface StoredRunContext {
  delay: number;
  stored?: StoreReport;
  /** The fresh window's estimate section, given the binary negative class the judged window's labels settled. */
  freshEstimate?: (negativeLabel: string) => unknown;
  /** Timings of the stages before the judgement (the fresh window's scan). */
  timings?: Record<string, number>;
  /** The judged window's labels, already being read on their own thread (labelsForJudgement's). */
  labels?: LabelsStarted;
  /** MPM_STATE_URI: where the judged window's run state goes (planned for the judged window, checked up front). */
  statePlan?: StatePlan;
}

/** Whether the judged window's labels are read on their own thread (ground truth beside SageMaker capture). */
function readsJudgedLabelsOnThread(config: MonitorConfig): boolean {
  return joinsGroundTruth(config) && config.datasetFormat.kind === 'sagemakerCaptureJson';
}

/**
 * The judged window's labels. Ground truth beside capture is read on its own thread (started here, or by the delayed
 * run before its fresh scan) while this one warms the store's reader up on the window's first row group
 * (store-warm-up.ts: the first decode in a process is the slow one); the labels, their input errors and their timing
 * are the same as read here first.
 */
async function labelsForJudgement(ctx: RunContext, store: PredictionStore, started?: LabelsStarted): Promise<Labels> {
  const { config } = ctx;
  if (!readsJudgedLabelsOnThread(config)) return ctx.stage('ground_truth', () => readLabels(ctx));
  const warmUp = (): Promise<unknown> => ctx.stage('store_warm_up', () => warmUpStoreReader(store.storage, store.endpoint, config.window).catch(() => false));
  if (started === undefined) {
    // `evaluate` of a small hour, or of an hour after the first (warm-up then costs only its own decode, ~35 ms): a
    // thread of its own cost more to start (about 50 ms) than it hid; the warm-up, then the labels, on this thread.
    await warmUp();
    return ctx.stage('ground_truth', () => readLabels(ctx));
  }
  const labels = labelsOfThread(ctx, started);
  await warmUp();
  return labels;
}

/** Judges `config.window` from the store with the labels present now, and writes its reports into prepared.output. */
export async function judgeStoredWindow(config: MonitorConfig, deps: RunDeps, prepared: PreparedRun, around: StoredRunContext): Promise<RunOutcome> {
  const ctx = new RunContext(config, deps);
  Object.assign(ctx.timings, around.timings ?? {});
  let joined: JoinedRecordsOutput | undefined;
  try {
    // parquet-wasm compiles off this thread while the labels are read (a failure surfaces where the store is read).
    loadParquetWasm().catch(() => undefined);
    const labels = await labelsForJudgement(ctx, prepared.store!, around.labels);
    joined = await openJoinedRecords(ctx, prepared.output);
    const judged = await ctx.stage('judge_from_store', () => judgeFromStore(ctx, prepared, prepared.store!, labels, joined?.onJoined));
    const joinedRecords = joined && (await ctx.stage('joined_records', () => closeJoinedRecords(prepared.output, joined!)));
    const evaluation: EvaluationReport = {
      source: 'prediction_store',
      delay_hours: around.delay,
      judged_window: contractWindow(config.window),
      ...(around.stored ? { stored_window: around.stored.stored_window } : {}),
      stored_hours: judged.storedHours,
      missing_hours: judged.missingHours,
      ...(judged.notes.length > 0 ? { notes: judged.notes } : {}),
      ...(around.freshEstimate === undefined ? {} : { fresh_window_estimate: around.freshEstimate(prepared.response.negativeLabel) }),
    };
    const extras = { store: around.stored, labelArrival: judged.labelArrival, evaluation, violations: judged.violations, labelsWithoutPrediction: labels.store?.unused(), joinedRecords };
    // The judged window's state, under its own hour, so rollup sees the matured judgement (it replaces an earlier one
    // of the same hour by written_at). Only the first host writes it: every host of an evaluate judges alike.
    const plan = around.statePlan;
    const parts = { results: judged.scan.results, capture: judged.scan.capture, tally: ctx.tally };
    const writeState = plan?.leader ? () => writeRunState(ctx, plan, parts, labels.codec.labels, prepared.response.positiveLabel) : undefined;
    return await concludeRun(ctx, prepared, judged.scan, extras, {}, writeState);
  } catch (error) {
    await joined?.writer.abort().catch(() => undefined);
    return failedRun(ctx, error, prepared.output);
  }
}

/** The delayed run: store the fresh window, then judge the window `MPM_EVALUATION_DELAY_HOURS` earlier. */
export async function runDelayedModelQuality(config: MonitorConfig, deps: RunDeps): Promise<RunOutcome> {
  const ctx = new RunContext(config, deps);
  let output: Storage | undefined;
  let labels: LabelsStarted | undefined;
  try {
    const judged = judgedConfigOf(config, config.evaluationDelayHours);
    const [prepared, statePlan] = await ctx.stage('validate', async () => {
      await refuseDelayedOnHosts(config);
      return [await prepareRun(ctx), await planState({ config: judged })] as const;
    });
    output = prepared.output;
    // The judged window's labels are read on their own thread during the fresh window's scan (after the prepare
    // stage: it reads no input as root). Their table is held through the scan.
    if (readsJudgedLabelsOnThread(judged)) labels = startLabels(judged, ctx.log);
    // The fresh window: read once into the store; its labels mostly have not arrived, so it is not joined.
    const unlabelled = { codec: new LabelCodec(config.problemType) };
    const scan = await ctx.stage('capture_and_store', () => scanStage(ctx, prepared, unlabelled, sinkInit(ctx, prepared.store, unlabelled)));
    const stored = await ctx.stage('store_predictions', () => commitStore(ctx, prepared.store!, scan.sinks ?? []));
    const estimate = scan.results.estimate?.result();
    // Read before any label: a binary negative class has its placeholder name until the judged window's labels are in.
    const scannedNegative = prepared.response.negativeLabel;
    const freshEstimate =
      estimate === undefined
        ? undefined
        : (negativeLabel: string) => estimatedMetricsSection(renameClass(estimate, scannedNegative, negativeLabel), contractWindow(config.window));
    return await judgeStoredWindow(judged, deps, prepared, { delay: config.evaluationDelayHours, stored, freshEstimate, timings: ctx.timings, labels, statePlan });
  } catch (error) {
    return failedRun(ctx, error, output);
  } finally {
    await labels?.thread.stop();
  }
}

/**
 * The stored predictions of a first hour from which `evaluate` reads its labels on their own thread during the
 * store's first (cold) warm-up: the warm-up then costs about 0.3 s (parquet-wasm's compilation and first decode),
 * the thread about 50 ms to start, and the labels of such an hour take longer than that to read.
 */
const LABELS_ON_THREAD_RECORDS = 100_000;

/** Whether `evaluate` reads this hour's labels on their own thread (see LABELS_ON_THREAD_RECORDS). */
async function evaluateReadsLabelsOnThread(config: MonitorConfig, store: PredictionStore): Promise<boolean> {
  if (storeReaderWarm()) return false;
  // A damaged store is the judgement's to report, with its path.
  const records = await firstHourRecords(store.storage, store.endpoint, config.window).catch(() => 0);
  return records >= LABELS_ON_THREAD_RECORDS;
}

/**
 * `evaluate`: one hour (config.window) judged from the store, its reports written into config.outputPath. The labels
 * are read on their own thread when `labelsOnThread` says so (tests), else as LABELS_ON_THREAD_RECORDS decides.
 */
export async function evaluateStoredWindow(config: MonitorConfig, deps: RunDeps, labelsOnThread?: boolean): Promise<RunOutcome> {
  const ctx = new RunContext(config, deps);
  let labels: LabelsStarted | undefined;
  try {
    const [prepared, statePlan] = await ctx.stage('validate', async () => [await prepareRun(ctx), await planState(ctx)] as const);
    const onThread = readsJudgedLabelsOnThread(config) && (labelsOnThread ?? (await evaluateReadsLabelsOnThread(config, prepared.store!)));
    if (onThread) labels = startLabels(config, ctx.log);
    return await judgeStoredWindow(config, deps, prepared, { delay: 0, timings: ctx.timings, labels, statePlan });
  } catch (error) {
    return failedRun(ctx, error, undefined);
  } finally {
    await labels?.thread.stop();
  }
}
