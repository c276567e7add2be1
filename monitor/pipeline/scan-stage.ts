/**
 * @module The scan stage of a model-quality run: the capture of the window (one worker or many) or a tabular
 * dataset, read, decoded, exploded and joined with the labels into JoinResults.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import type { CaptureLineOptions } from '../ingest/decode-capture-line.ts';
import { readTabular } from '../ingest/read-tabular.ts';
import { joinPlan } from '../join/join-plan.ts';
import { LabelCodec } from '../join/label-codec.ts';
import type { JoinExtras, JoinResults } from '../join/join-results.ts';
import type { EstimatorOptions } from '../estimation/create-estimator.ts';
import { emptyCaptureSummary, type CaptureSummary } from '../scan/capture-summary.ts';
import type { RecordScanPlan, StartedWorkers } from '../scan/scan-plan.ts';
import { scanCapture } from '../scan/scan-capture.ts';
import type { Storage } from '../storage/storage.ts';
import type { PreparedRun } from './prepare-run.ts';
import type { Labels, LabelsLoading } from './read-labels.ts';
import type { RunContext } from './run-context.ts';
import type { PredictionSinkInit, PredictionSinkResult } from '../store/prediction-sink.ts';
import type { JoinStage } from '../join/join-stage.ts';
import { readLimitsOf } from '../ingest/read-limits.ts';

export interface ScanOutcome {
  capture: CaptureSummary;
  results: JoinResults;
  /** What each thread's sink gave back (with a sink). */
  sinks?: PredictionSinkResult[];
  /** The capture folders the window pruned (a leader counts the union of its hosts'). */
  prunedFolders?: string[];
}

type TabularFormat = Extract<MonitorConfig['datasetFormat'], { kind: 'csv' | 'json' | 'parquet' }>;

function isTabular(format: MonitorConfig['datasetFormat']): format is TabularFormat {
  return format.kind === 'csv' || format.kind === 'json' || format.kind === 'parquet';
}

/** A progress line at most every 5 s: files read, predictions, predictions per second. */
function progressLogger(ctx: RunContext): (path: string, index: number, summary: CaptureSummary) => void {
  const start = performance.now();
  let last = start;
  return (path, index, summary) => {
    const now = performance.now();
    if (now - last <= 5000) return;
    last = now;
    const count = summary.predictions;
    ctx.log.info({ files: index, file: path, predictions: count, predictionsPerSecond: Math.round(count / ((now - start) / 1000)) }, 'progress');
  };
}

/** Reads a tabular dataset (batch transform output, a labelled validation set) through the plan: one record per row. */
async function scanTabular(storage: Storage, format: TabularFormat, ctx: RunContext, prepared: PreparedRun, plan: RecordScanPlan<JoinResults>): Promise<ScanOutcome> {
  const { config } = ctx;
  const results = plan.startPart();
  const columns = { prediction: config.inferenceAttribute, probability: config.probabilityAttribute, label: config.groundTruthAttribute, id: config.inferenceIdAttribute };
  let rowNumber = 0;
  const summary = await readTabular(
    storage,
    format,
    columns,
    prepared.response,
    ctx.tally,
    (row) => {
      rowNumber++;
      // An array or object stays one (an unusable label): String() of one nested deep would recurse as deep.
      const label = row.label !== null && typeof row.label === 'object' ? row.label : String(row.label);
      const labels = config.groundTruthAttribute === undefined ? undefined : new Map(row.label === undefined || row.label === null ? [] : [[0, label]]);
      plan.add(results, { status: 'ok', id: row.id ?? `row-${rowNumber}`, idSource: 'inferenceId', predictions: [row.prediction], labels });
    },
    readLimitsOf(config),
    prepared.captureDeal,
  );
  const capture: CaptureSummary = { ...emptyCaptureSummary(summary.location), files: summary.files, bytes: summary.bytes, lines: summary.rows, requests: summary.rows, predictions: summary.rows };
  if (summary.unreadable_files !== undefined) capture.unreadable_files = summary.unreadable_files;
  return { capture, results };
}

/** What the join part holds besides the metrics: the estimate of every prediction, the reference for suggest-baseline. */
export function joinExtras(ctx: RunContext, prepared: PreparedRun): JoinExtras {
  const { config } = ctx;
  const estimator: EstimatorOptions = {
    problemType: config.problemType,
    positiveLabel: prepared.response.positiveLabel,
    negativeLabel: prepared.response.negativeLabel,
    calibration: prepared.constraints.calibration,
    classes: config.classLabels,
  };
  return { estimator: config.estimate ? estimator : undefined, collectReference: prepared.collectReference };
}


/**
 * Scans the window; with `sink` every thread also hands its records to a sink (the prediction store, the label
 * arrival). `labels` may still be loading (no onJoined; with worker threads, no sink): predictions then wait for them.
 */
export async function scanStage(ctx: RunContext, prepared: PreparedRun, labels: Labels | LabelsLoading, sink?: PredictionSinkInit, onJoined?: JoinStage['onJoined'], started?: StartedWorkers): Promise<ScanOutcome> {
  const { config, log } = ctx;
  const accumulator = { problemType: config.problemType, positiveLabel: prepared.response.positiveLabel, seed: config.seed, minRecordsForStd: config.minRecordsForStd };
  const loading = 'tally' in labels ? labels : undefined;
  const known = 'tally' in labels ? undefined : labels;
  // The two binary classes are known once the ground truth is read: a third predicted label is an input error (and
  // the estimator sees the settled negative class). While the labels load, the conventional partner is assumed.
  (known ?? loading)?.binary?.settle(prepared.response);
  const later = loading?.labels.then(({ store, codec }) => ({ store: store!, codec }));
  // What the store's sinks wait for. Made here, before the scan, so that a label read that rejects (failed, or a
  // binary negative class other than the one assumed, which restarts the scan) is never an unhandled rejection,
  // whichever awaits it first: the scan's join, or a sink not yet opened.
  const partitionsLater = sink?.partitionsLater && loading ? loading.labels.then((labelsRead) => labelsRead.partitions!) : undefined;
  later?.catch(() => undefined);
  partitionsLater?.catch(() => undefined);
  const plan = known ? joinPlan(accumulator, known.codec, known.store, joinExtras(ctx, prepared), onJoined) : joinPlan(accumulator, new LabelCodec(config.problemType), undefined, joinExtras(ctx, prepared), undefined, later);
  const tally = loading?.tally ?? ctx.tally;
  const format = config.datasetFormat;
  log.info({ location: prepared.capture.location }, 'reading capture');
  const outcome = isTabular(format)
    ? await scanTabular(prepared.capture, format, ctx, prepared, plan)
    : await scanCapture(prepared.capture, plan, tally, {
        window: config.window,
        lineOptions: {
          response: prepared.response,
          window: config.window,
          checkRequestCount: config.checkRequestCount,
          format,
          limits: readLimitsOf(config),
          ...(sink?.store || onJoined ? { keepRaw: true } : {}),
        } satisfies CaptureLineOptions,
        sink,
        ...(partitionsLater ? { sinkPartitionsLater: partitionsLater } : {}),
        endpointName: config.endpointName,
        // The joined records are written by the main thread's join: their scan reads on it.
        workers: onJoined === undefined ? config.workers : 1,
        started,
        datasetSource: config.datasetSource,
        s3EndpointUrl: config.s3EndpointUrl,
        samplesPerReason: config.samplesPerReason,
        onFile: progressLogger(ctx),
        ...(prepared.captureDeal ? { deal: prepared.captureDeal } : {}),
      }).then(({ summary, part, sinks, prunedFolders }) => ({ capture: summary, results: part, sinks, prunedFolders }));
  ctx.facts.capture = outcome.capture;
  const { capture, results } = outcome;
  log.info({ files: capture.files, requests: capture.requests, predictions: capture.predictions, joined: results.summary.joined }, 'capture read');
  return outcome;
}
