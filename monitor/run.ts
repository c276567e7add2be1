/**
 * @module Wires the stages in order: constraints (validated before any record is read), ground truth into the label
 * store, the capture streamed through the join into the metric accumulator, then the verdict and the report files.
 */
import type { Logger } from 'pino';
import { formatContractTime } from './config/time.ts';
import type { MonitorConfig } from './config/load-config.ts';
import { ConfigError, InputError, OutputError, showValue } from './errors.ts';
import { parseConstraints, toSageMakerConstraints, type ConstraintSet } from './constraints/load-constraints.ts';
import { describeNotEvaluated, describeViolation, evaluateConstraints, type ConstraintResult, type Violation } from './constraints/evaluate.ts';
import { readGroundTruth, type GroundTruthSummary } from './ground-truth/read-ground-truth.ts';
import { LabelCodec } from './ground-truth/label-values.ts';
import { InputErrorTally } from './ingest/input-errors.ts';
import { emptyCaptureSummary, readCapture, type CaptureSummary } from './ingest/read-capture.ts';
import { readCaptureParallel } from './ingest/read-capture-parallel.ts';
import { readTabular } from './ingest/read-tabular.ts';
import { compilePath, asColumnIndex } from './ingest/json-path.ts';
import { negativeLabelFor, type ResponseOptions } from './ingest/explode-response.ts';
import type { CaptureLineOptions } from './ingest/decode-capture-line.ts';
import { JoinStage } from './join/join-stage.ts';
import type { LabelStore } from './join/label-store.ts';
import { createAccumulator } from './metrics/create-accumulator.ts';
import { buildStatistics } from './metrics/build-statistics.ts';
import { canonicalLabel } from './metrics/labels.ts';
import type { ModelQualityResult } from './metrics/types.ts';
import { openStorage, isS3Uri } from './storage/open-storage.ts';
import { assertWritableFolder } from './storage/local.ts';
import type { Storage } from './storage/storage.ts';
import { completedMessage } from './report/status-message.ts';
import { writeJson } from './report/json-file.ts';
import { publishMetrics, type PublishSummary } from './publish/publish-metrics.ts';
import { SYNTHETIC_METRIC, syntheticViolation } from './constraints/synthetic.ts';
import { buildRunReport, type RunReport } from './report/build-run-report.ts';
// issue 14 (hostile input): the error gate, stale outputs, capped reads, binary classes, read limits.
import { checkInputErrorGate, lostFilesViolation } from './report/error-gate.ts';
import { removeStaleOutputs } from './report/owned-outputs.ts';
import { readCappedFile } from './storage/read-capped-file.ts';
import { BinaryClasses } from './metrics/binary-classes.ts';
import { MAX_CONFIG_FILE_BYTES, readLimitsOf } from './ingest/read-limits.ts';
import { RegressionShape } from './report/html/regression-shape.ts';
import { writeReportPage } from './report/html/write-report-page.ts';

export const REPORT_FILES = {
  statistics: 'statistics.json',
  violations: 'constraint_violations.json',
  constraints: 'constraints.json',
  runReport: 'monitoring_report.json',
} as const;


export type RunStatus = 'Completed' | 'CompletedWithViolations' | 'Failed';

export interface RunOutcome {
  status: RunStatus;
  message: string;
  exitCode: number;
  report: RunReport;
}

export interface RunDeps {
  log: Logger;
  now: () => Date;
}

/** What run() learned before it failed: the run report is still written with it. */
export class RunFailure extends Error {
  constructor(
    readonly error: Error,
    readonly partial: Partial<RunContext>,
  ) {
    super(error.message, { cause: error });
  }
}

export interface RunContext {
  constraints: ConstraintSet;
  capture: CaptureSummary;
  groundTruth?: GroundTruthSummary;
  tally: InputErrorTally;
  timings: Record<string, number>;
}

function responseOptions(config: MonitorConfig): ResponseOptions {
  const positive = canonicalLabel(config.positiveLabel) ?? config.positiveLabel;
  const inferenceColumn = asColumnIndex(config.inferenceAttribute);
  const probabilityColumn = asColumnIndex(config.probabilityAttribute);
  return {
    problemType: config.problemType,
    inferenceColumn,
    probabilityColumn,
    inferencePath: config.inferenceAttribute !== undefined && inferenceColumn === undefined ? compilePath(config.inferenceAttribute, 'inference_attribute') : undefined,
    probabilityPath:
      config.probabilityAttribute !== undefined && probabilityColumn === undefined ? compilePath(config.probabilityAttribute, 'probability_attribute') : undefined,
    threshold: config.probabilityThreshold,
    positiveLabel: positive,
    negativeLabel: negativeLabelFor(positive),
    binaryScore: config.binaryScore,
  };
}

async function loadConstraintSet(config: MonitorConfig): Promise<ConstraintSet> {
  if (config.baselineConstraints === undefined) return { source: '(none)', schema: 'none', constraints: [] };
  const location = config.baselineConstraints;
  let text: string;
  try {
    if (isS3Uri(location)) {
      const slash = location.lastIndexOf('/');
      const storage = await openStorage(location.slice(0, slash), { s3EndpointUrl: config.s3EndpointUrl });
      text = (await storage.readFile(location.slice(slash + 1), MAX_CONFIG_FILE_BYTES)).toString('utf8');
    } else {
      text = await readCappedFile(location, MAX_CONFIG_FILE_BYTES);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`config: baseline_constraints ${showValue(location)} cannot be read (${(error as Error).message}); expected a readable constraints.json`);
  }
  return parseConstraints(text, location, config.problemType);
}

/** Reads a tabular dataset (batch transform output, a labelled validation set) through the join. */
async function readTabularDataset(
  storage: Storage,
  config: MonitorConfig,
  response: ResponseOptions,
  tally: InputErrorTally,
  join: JoinStage,
): Promise<CaptureSummary> {
  const format = config.datasetFormat as Parameters<typeof readTabular>[1];
  let rowNumber = 0;
  const summary = await readTabular(
    storage,
    format,
    { prediction: config.inferenceAttribute, probability: config.probabilityAttribute, label: config.groundTruthAttribute, id: config.inferenceIdAttribute },
    response,
    tally,
    (row) => {
      rowNumber++;
      join.add({
        status: 'ok',
        id: row.id ?? `row-${rowNumber}`,
        idSource: 'inferenceId',
        predictions: [row.prediction],
        labels: config.groundTruthAttribute === undefined ? undefined : new Map(row.label === undefined || row.label === null ? [] : [[0, String(row.label)]]),
      });
    },
  );
  return { ...emptyCaptureSummary(summary.location), files: summary.files, lines: summary.rows, requests: summary.rows, predictions: summary.rows };
}

/** Runs one monitoring job. Throws RunFailure (wrapping a MonitorError) when the job fails. */
export async function run(config: MonitorConfig, deps: RunDeps): Promise<RunOutcome> {
  const { log } = deps;
  const started = performance.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number): number => {
    const now = performance.now();
    timings[name] = Math.round(now - since);
    return now;
  };
  const partial: Partial<RunContext> = { timings };
  const tally = new InputErrorTally(config.samplesPerReason);
  partial.tally = tally;
  const storageOptions = { s3EndpointUrl: config.s3EndpointUrl };

  let output: Storage;
  try {
    // Everything that can be checked is checked before the first record is read.
    const response = responseOptions(config);
    partial.constraints = await loadConstraintSet(config);
    output = await openStorage(config.outputPath, storageOptions);
    // An output folder that cannot be written is found now, not after an hour of reading.
    if (!isS3Uri(config.outputPath)) await assertWritableFolder(config.outputPath, 'output_path');
    // A previous run's results must not outlive this run, whatever becomes of it (issue 14, item 5).
    await removeStaleOutputs(output, { inputs: [config.baselineConstraints, config.baselineStatistics] });
    const capture = await openStorage(config.datasetSource, storageOptions);
    const limits = readLimitsOf(config);
    const binary = config.problemType === 'BinaryClassification' ? new BinaryClasses(response.positiveLabel) : undefined;
    let t = lap('validate', started);

    const codec = new LabelCodec(config.problemType);
    let store: LabelStore | undefined;
    let groundTruthBytes = 0;
    const format = config.datasetFormat;
    const tabular = format.kind === 'csv' || format.kind === 'json' || format.kind === 'parquet';
    // Ground truth is joined unless the records carry their labels (merged capture, or a label column).
    if (format.kind === 'sagemakerCaptureJson' || (tabular && config.groundTruthAttribute === undefined)) {
      const gt = await openStorage(config.groundTruth.location, storageOptions);
      const { start, end } = config.window;
      const range = { start, end: end === undefined ? undefined : end + config.groundTruth.lookaheadHours * 3_600_000 };
      log.info({ location: gt.location, range: { start: start && formatContractTime(start), end: range.end && formatContractTime(range.end) } }, 'reading ground truth');
      const read = await readGroundTruth(gt, { ...config.groundTruth, range, limits, binary }, codec, tally);
      store = read.store;
      partial.groundTruth = read.summary;
      groundTruthBytes = read.bytes;
      log.info({ files: read.summary.files, labels: read.summary.labels }, 'ground truth read');
      t = lap('ground_truth', t);
    }

    const accumulator = createAccumulator({ problemType: config.problemType, positiveLabel: response.positiveLabel, seed: config.seed, minRecordsForStd: config.minRecordsForStd });
    const shape = config.problemType === 'Regression' ? new RegressionShape() : undefined;
    const join = new JoinStage(config.problemType, accumulator, store, codec, shape && ((actual, predicted) => shape.observe(actual, predicted)));
    // The two binary classes are known once the ground truth is read: a third predicted label is an input error.
    binary?.settle(response);
    const lineOptions = { response, window: config.window, checkRequestCount: config.checkRequestCount, limits };
    let lastLog = performance.now();
    const captureStart = performance.now();
    log.info({ location: capture.location }, 'reading capture');
    const onFile = (path: string, index: number): void => {
      const now = performance.now();
      if (now - lastLog > 5000) {
        lastLog = now;
        const seconds = (now - captureStart) / 1000;
        log.info({ files: index, file: path, predictions: join.summary.predictions, predictionsPerSecond: Math.round(join.summary.predictions / seconds) }, 'progress');
      }
    };
    const captureOptions = { ...lineOptions, format: format as CaptureLineOptions['format'] };
    partial.capture = tabular
      ? await readTabularDataset(capture, config, response, tally, join)
      : config.workers > 1
        ? await readCaptureParallel(capture, captureOptions, tally, join, {
            workers: config.workers,
            datasetSource: config.datasetSource,
            s3EndpointUrl: config.s3EndpointUrl,
            problemType: config.problemType,
            codec,
            store,
            samplesPerReason: config.samplesPerReason,
            onFile,
          }, config.endpointName)
        : await readCapture(capture, captureOptions, tally, { onRecord: (record) => join.add(record), onFile }, config.endpointName);
    t = lap('capture_and_join', t);
    const captureSummary = partial.capture;
    log.info({ files: captureSummary.files, requests: captureSummary.requests, predictions: captureSummary.predictions, joined: join.summary.joined }, 'capture read');

    // Too many bad lines, or too many unreadable bytes, fails the run: the verdict would rest on an unknown share of
    // the traffic. Capture lines and ground-truth rows are judged apart: the lookahead reads many more label rows than
    // capture lines, and mixed into one share they hid a broken capture (see report/error-gate.ts).
    const reasons = [...tally.byReason.entries()];
    const gateSources = [
      { what: 'capture lines', filesWhat: 'capture files', total: captureSummary.lines, reasons: reasons.filter(([r]) => !r.startsWith('gt_')), files: captureSummary.files, bytes: captureSummary.bytes, unreadable: captureSummary.unreadable_files },
      {
        what: 'ground-truth rows',
        filesWhat: 'ground-truth files',
        total: partial.groundTruth?.rows ?? 0,
        reasons: reasons.filter(([r]) => r.startsWith('gt_')),
        files: partial.groundTruth?.files ?? 0,
        bytes: groundTruthBytes,
        unreadable: partial.groundTruth?.unreadable_files,
      },
    ];
    checkInputErrorGate(gateSources, config.maxInputErrorRate);

    // The verdict.
    const result: ModelQualityResult = accumulator.result();
    const notComputed = ((result.extra as { not_computed?: Record<string, string> }).not_computed ?? {}) as Record<string, string>;
    const constraintResults: ConstraintResult[] = [];
    const violations: Violation[] = [];
    const joined = join.summary.joined;
    const enough = joined >= Math.max(1, config.minJoinedRecords);
    if (enough) {
      constraintResults.push(...evaluateConstraints(partial.constraints.constraints, result.scalars, notComputed));
      for (const r of constraintResults) {
        if (r.status === 'violated') violations.push(describeViolation(r, joined));
        else if (r.status === 'not_evaluated') violations.push(describeNotEvaluated(r, joined));
      }
    } else {
      const why =
        `Only ${joined} predictions joined a ground-truth label (minimum ${Math.max(1, config.minJoinedRecords)}): ` +
        `${join.summary.predictions} predictions in the window, ${partial.groundTruth?.labels ?? 0} labels read, ` +
        `${join.summary.predictions_without_label} predictions without a label. No metric can be judged.`;
      for (const c of partial.constraints.constraints) {
        constraintResults.push({ metric: c.metric, operator: c.operator, threshold: c.threshold, status: 'not_evaluated', why: 'too few joined records' });
      }
      if (config.onInsufficientData === 'fail') throw new InputError(`input: ${why}`);
      violations.push({ metric_name: 'joined_records', constraint_check_type: 'InsufficientDataCheck', description: why, value: joined, threshold: Math.max(1, config.minJoinedRecords) });
    }
    // A file of which nothing could be read is named in the verdict, never a silent "no violations".
    const lost = lostFilesViolation(gateSources);
    if (lost !== undefined) violations.push(lost);
    if (config.createViolationTests) {
      violations.push(syntheticViolation());
    }
    t = lap('verdict', t);

    // The report files.
    const evaluationTime = deps.now();
    const statistics = buildStatistics(result, evaluationTime);
    if (config.createViolationTests) {
      (statistics.mpm_extra_metrics ??= {})[SYNTHETIC_METRIC] = { value: -1, note: 'synthetic, from --create-violation-tests' };
    }
    const outputs: Record<string, string> = {};
    try {
      outputs.statistics = await writeJson(output, REPORT_FILES.statistics, statistics);
      outputs.constraint_violations = await writeJson(output, REPORT_FILES.violations, { violations });
      if (partial.constraints.schema !== 'none') {
        outputs.constraints = await writeJson(output, REPORT_FILES.constraints, toSageMakerConstraints(partial.constraints, config.problemType));
      }
    } catch (error) {
      throw new OutputError(`output: cannot write the report files to ${output.location} (${(error as Error).message})`, { cause: error });
    }
    t = lap('write_reports', t);

    const publish: PublishSummary = await publishMetrics(config, result, join.summary, tally, violations, deps, evaluationTime);
    t = lap('publish', t);

    const status: RunStatus = violations.length === 0 ? 'Completed' : 'CompletedWithViolations';
    const message = completedMessage(violations.length);
    timings.total = Math.round(performance.now() - started);
    const report = buildRunReport({
      config,
      status,
      message,
      exitCode: 0,
      constraints: partial.constraints,
      constraintResults,
      violations,
      result,
      capture: captureSummary,
      groundTruth: partial.groundTruth,
      join: join.summary,
      labelsWithoutPrediction: store ? store.unused() : undefined,
      tally,
      outputs,
      publish,
      timings,
      evaluationTime,
    });
    // The page people read (report.html): its outcome goes into the run report; its failure never fails the job.
    report.report_html = await writeReportPage(output, { report, statistics, regression: shape?.summary() }, log);
    try {
      outputs.run_report = await writeJson(output, REPORT_FILES.runReport, report);
    } catch (error) {
      throw new OutputError(`output: cannot write ${REPORT_FILES.runReport} to ${output.location} (${(error as Error).message})`, { cause: error });
    }
    return { status, message, exitCode: 0, report };
  } catch (error) {
    timings.total = Math.round(performance.now() - started);
    throw new RunFailure(error as Error, partial);
  }
}
