/**
 * @module The scan stage of a model-quality run: the capture of the window (one worker or many) or a tabular
 * dataset, read, decoded, exploded and joined with the labels into JoinResults.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import type { CaptureLineOptions } from '../ingest/decode-capture-line.ts';
import { readTabular } from '../ingest/read-tabular.ts';
import { joinPlan } from '../join/join-plan.ts';
import type { JoinExtras, JoinResults } from '../join/join-results.ts';
import type { EstimatorOptions } from '../estimation/create-estimator.ts';
import { emptyCaptureSummary, type CaptureSummary } from '../scan/capture-summary.ts';
import type { ScanPlan } from '../scan/scan-plan.ts';
import { scanCapture } from '../scan/scan-capture.ts';
import type { Storage } from '../storage/storage.ts';
import type { PreparedRun } from './prepare-run.ts';
import type { Labels } from './read-labels.ts';
import type { RunContext } from './run-context.ts';

export interface ScanOutcome {
  capture: CaptureSummary;
  results: JoinResults;
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
async function scanTabular(storage: Storage, format: TabularFormat, ctx: RunContext, prepared: PreparedRun, plan: ScanPlan<JoinResults>): Promise<ScanOutcome> {
  const { config } = ctx;
  const results = plan.startPart();
  const columns = { prediction: config.inferenceAttribute, probability: config.probabilityAttribute, label: config.groundTruthAttribute, id: config.inferenceIdAttribute };
  let rowNumber = 0;
  const summary = await readTabular(storage, format, columns, prepared.response, ctx.tally, (row) => {
    rowNumber++;
    const labels = config.groundTruthAttribute === undefined ? undefined : new Map(row.label === undefined || row.label === null ? [] : [[0, String(row.label)]]);
    plan.add(results, { status: 'ok', id: row.id ?? `row-${rowNumber}`, idSource: 'inferenceId', predictions: [row.prediction], labels });
  });
  const capture = { ...emptyCaptureSummary(summary.location), files: summary.files, lines: summary.rows, requests: summary.rows, predictions: summary.rows };
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

export async function scanStage(ctx: RunContext, prepared: PreparedRun, labels: Labels): Promise<ScanOutcome> {
  const { config, log } = ctx;
  const accumulator = { problemType: config.problemType, positiveLabel: prepared.response.positiveLabel, seed: config.seed, minRecordsForStd: config.minRecordsForStd };
  const plan = joinPlan(accumulator, labels.codec, labels.store, joinExtras(ctx, prepared));
  const format = config.datasetFormat;
  log.info({ location: prepared.capture.location }, 'reading capture');
  const outcome = isTabular(format)
    ? await scanTabular(prepared.capture, format, ctx, prepared, plan)
    : await scanCapture(prepared.capture, plan, ctx.tally, {
        lineOptions: { response: prepared.response, window: config.window, checkRequestCount: config.checkRequestCount, format } satisfies CaptureLineOptions,
        endpointName: config.endpointName,
        workers: config.workers,
        datasetSource: config.datasetSource,
        s3EndpointUrl: config.s3EndpointUrl,
        samplesPerReason: config.samplesPerReason,
        onFile: progressLogger(ctx),
      }).then(({ summary, part }) => ({ capture: summary, results: part }));
  ctx.facts.capture = outcome.capture;
  const { capture, results } = outcome;
  log.info({ files: capture.files, requests: capture.requests, predictions: capture.predictions, joined: results.summary.joined }, 'capture read');
  return outcome;
}
