/**
 * @module The prediction-store stage of a model-quality run (MPM_PREDICTION_STORE): checked before the first record
 * (capture format, endpoint name, hour-aligned window), the scan's sinks set up so every thread streams its records
 * into parts of its own, and after the scan every hour of the window committed (manifest last: atomic, a rerun
 * replaces). Also the label arrival of the window the scan joined (coverage and lag per hour).
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { formatContractTime } from '../config/time.ts';
import { ConfigError, showValue } from '../errors.ts';
import { assertNotAFile } from '../storage/local.ts';
import { openStorage } from '../storage/open-storage.ts';
import { isS3Uri } from '../storage/s3-uri.ts';
import type { Storage } from '../storage/storage.ts';
import type { ExtractionSettings, HourManifest } from '../store/hour-manifest.ts';
import { LabelLagAccumulator, type LabelLagSummary } from '../store/label-lag.ts';
import type { PredictionSinkInit, PredictionSinkResult } from '../store/prediction-sink.ts';
import { checkSegment, hoursOfWindow, newRunId } from '../store/store-layout.ts';
import type { Labels, LabelsLoading } from './read-labels.ts';
import type { RunContext } from './run-context.ts';
import type { StoreReport } from '../store/store-report.ts';

/** The store of a run, opened and checked before the first record is read. */
export interface PredictionStore {
  storage: Storage;
  endpoint: string;
  runId: string;
  /** The host, when several hosts write the window: it prefixes their parts' writer ids. */
  writerPrefix?: string;
}

/** What the predictions are extracted with (each stored hour records it). */
export function extractionOf(config: MonitorConfig): ExtractionSettings {
  return { problem_type: config.problemType, inference_attribute: config.inferenceAttribute ?? null, probability_attribute: config.probabilityAttribute ?? null };
}

/**
 * Opens the store of MPM_PREDICTION_STORE (undefined when unset) after checking what it needs: SageMaker capture, an
 * endpoint name (the store's first folder) and an hour-aligned window.
 *
 * @throws ConfigError naming the setting, the value and what was expected.
 */
export async function openPredictionStore(config: MonitorConfig, now: Date): Promise<PredictionStore | undefined> {
  const location = config.predictionStore;
  if (location === undefined) {
    if (config.evaluationDelayHours > 0) {
      throw new ConfigError(`config: MPM_EVALUATION_DELAY_HOURS ${showValue(String(config.evaluationDelayHours))} judges an earlier window from the prediction store, but MPM_PREDICTION_STORE is unset; expected MPM_PREDICTION_STORE (a folder or s3:// URI), or MPM_EVALUATION_DELAY_HOURS 0`);
    }
    return undefined;
  }
  if (config.datasetFormat.kind !== 'sagemakerCaptureJson') {
    throw new ConfigError(`config: MPM_PREDICTION_STORE is set, but dataset_format is ${config.datasetFormat.kind}; expected sagemakerCaptureJson (the store keeps endpoint capture, whose labels arrive apart), or MPM_PREDICTION_STORE unset`);
  }
  if (config.endpointName === undefined) {
    throw new ConfigError('config: MPM_PREDICTION_STORE is set, but sagemaker_endpoint_name is unset; expected the endpoint name (the store keeps each endpoint in a folder of its name)');
  }
  checkSegment(config.endpointName, 'sagemaker_endpoint_name');
  hoursOfWindow(config.window);
  if (config.evaluationDelayHours > 0 && (config.window.start === undefined || config.window.end === undefined)) {
    throw new ConfigError('config: MPM_EVALUATION_DELAY_HOURS judges the window that many hours before this run\'s, but the run has no window; expected start_time and end_time (or MPM_SCHEDULED_TIME)');
  }
  // A file there would read as a store holding no hour: every hour "not in the store", a silent misreading.
  if (!isS3Uri(location)) await assertNotAFile(location, 'MPM_PREDICTION_STORE', 'the prediction store');
  const storage = await openStorage(location, { s3EndpointUrl: config.s3EndpointUrl });
  return { storage, endpoint: config.endpointName, runId: newRunId(now) };
}

/** What every thread's sink needs: the store (when set) and the labels' partitions (for the label arrival). */
export function sinkInit(ctx: RunContext, store: PredictionStore | undefined, labels: Labels | LabelsLoading): PredictionSinkInit | undefined {
  const { config } = ctx;
  // Labels still loading on their own thread: the label arrival's partitions come with them (the thread reads them
  // whenever the run keeps a store).
  const loading = 'tally' in labels;
  const partitions = loading ? undefined : labels.partitions;
  if (store === undefined && partitions === undefined) return undefined;
  return {
    store:
      store === undefined
        ? undefined
        : {
            location: store.storage.location,
            s3EndpointUrl: config.s3EndpointUrl,
            endpoint: store.endpoint,
            window: config.window,
            extraction: extractionOf(config),
            runId: store.runId,
            samplesPerReason: config.samplesPerReason,
            ...(store.writerPrefix === undefined ? {} : { writerPrefix: store.writerPrefix }),
          },
    ...(partitions ? { partitions: partitions.share() } : {}),
    ...(loading && store !== undefined ? { partitionsLater: true } : {}),
  };
}

/** Commits every hour the sinks wrote (the manifests, written last) and describes what was stored. */
export async function commitStore(ctx: RunContext, store: PredictionStore, sinks: readonly PredictionSinkResult[], captureLocations?: readonly string[]): Promise<StoreReport> {
  const { config, log } = ctx;
  const written = sinks.flatMap((s) => s.written);
  // The store's writer (apache-arrow, parquet-wasm) is imported only by runs that keep a store.
  const { commitHours } = await import('../store/prediction-store-writer.ts');
  const manifests = await commitHours(store.storage, written, {
    endpoint: store.endpoint,
    window: config.window,
    extraction: extractionOf(config),
    runId: store.runId,
    samplesPerReason: config.samplesPerReason,
    captureLocations,
    now: ctx.deps.now,
  });
  const report = storeReport(store, config.window, manifests, sinks.reduce((n, s) => n + s.unstored, 0));
  report.input_errors = manifests.reduce((n, m) => n + Object.values(m.capture.input_errors).reduce((k, e) => k + e.count, 0), 0);
  log.info({ location: report.location, hours: report.hours.length, records: report.records, bytes: report.bytes }, 'predictions stored');
  ctx.facts.store = report;
  return report;
}

function storeReport(store: PredictionStore, window: MonitorConfig['window'], manifests: readonly HourManifest[], unstored: number): StoreReport {
  const hours = manifests.map((m) => ({
    hour: m.hour.start,
    variant: m.variant,
    requests: m.requests,
    records: m.records,
    parts: m.parts.length,
    bytes: m.parts.reduce((n, p) => n + p.bytes, 0),
  }));
  const records = hours.reduce((n, h) => n + h.records, 0);
  const bytes = hours.reduce((n, h) => n + h.bytes, 0);
  return {
    location: store.storage.describe(store.endpoint),
    endpoint: store.endpoint,
    run_id: store.runId,
    stored_window: contractWindow(window),
    hours,
    records,
    bytes,
    bytes_per_record: records === 0 ? 0 : Math.round((bytes / records) * 100) / 100,
    unstored_records: unstored,
    input_errors: 0,
  };
}

/** A window in contract timestamps (open sides left out). */
export function contractWindow(window: { start?: number; end?: number }): { start_time?: string; end_time?: string } {
  return {
    ...(window.start === undefined ? {} : { start_time: formatContractTime(window.start) }),
    ...(window.end === undefined ? {} : { end_time: formatContractTime(window.end) }),
  };
}

/** The label arrival of the scanned window: the sinks' lag counts merged. */
export function labelArrival(sinks: readonly PredictionSinkResult[] | undefined): LabelLagSummary | undefined {
  let merged: LabelLagAccumulator | undefined;
  for (const s of sinks ?? []) {
    if (s.lag === undefined) continue;
    const lag = LabelLagAccumulator.load(s.lag);
    if (merged === undefined) merged = lag;
    else merged.merge(lag);
  }
  return merged?.summary();
}
