/**
 * @module The labels and the capture at once: the ground truth is read on its own thread
 * (ground-truth/read-labels-on-thread.ts) while this thread scans the capture, and predictions read before the
 * labels are in wait for them (join/pending-predictions.ts). The result is the one a run that reads the labels
 * first gives: the same joins in the same order, the same counts, the labels' input errors before the capture's.
 *
 * Used when one thread scans the capture and nothing needs the labels before the scan: not for BinaryClassification
 * (the negative class is learnt from the labels and settles how responses are read), not with a prediction store
 * (its label arrival), joined records or a reference to collect (they need the whole record at the join), and not
 * for tabular datasets or worker threads. Memory: the waiting predictions, 33 bytes each, only those read while
 * the labels load.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { formatContractTime } from '../config/time.ts';
import type { Logger } from 'pino';
import { readLabelsOnThread, type LabelThread } from '../ground-truth/read-labels-on-thread.ts';
import { InputErrorTally } from '../ingest/input-errors.ts';
import { readLimitsOf } from '../ingest/read-limits.ts';
import type { Labels } from './read-labels.ts';
import type { RunContext } from './run-context.ts';
import type { LabelsLoading, ScanOutcome } from './scan-stage.ts';

/** Whether a run with this config reads its labels on their own thread while it scans (see the module's comment). */
export function readsLabelsOnThread(config: MonitorConfig, collectReference: boolean | undefined): boolean {
  return (
    config.analysisType !== 'DATA_QUALITY' &&
    config.evaluationDelayHours === 0 &&
    config.datasetFormat.kind === 'sagemakerCaptureJson' &&
    config.workers <= 1 &&
    config.problemType !== 'BinaryClassification' &&
    config.predictionStore === undefined &&
    !config.joinedRecordsOutput &&
    !collectReference
  );
}

/** Labels being read on their own thread since the run began. */
export interface LabelsStarted {
  readonly thread: LabelThread;
  /** When the thread was started (performance.now()): the ground_truth timing runs from here to the labels. */
  readonly startedAt: number;
}

/**
 * Starts reading the window's ground truth (plus the lookahead hours) on its own thread. The job command calls it
 * as soon as the configuration is known, so that the thread reads while this one loads the pipeline's modules.
 */
export function startLabels(config: MonitorConfig, log: Logger): LabelsStarted {
  const { start, end } = config.window;
  const range = { start, end: end === undefined ? undefined : end + config.groundTruth.lookaheadHours * 3_600_000 };
  log.info({ location: config.groundTruth.location, range: { start: start && formatContractTime(start), end: range.end && formatContractTime(range.end) } }, 'reading ground truth');
  const { format, idField, indexField, labelField } = config.groundTruth;
  const startedAt = performance.now();
  const thread = readLabelsOnThread({
    location: config.groundTruth.location,
    s3EndpointUrl: config.s3EndpointUrl,
    options: { format, idField, indexField, labelField, range, limits: readLimitsOf(config) },
    problemType: config.problemType,
    samplesPerReason: config.samplesPerReason,
    partitions: false,
  });
  return { thread, startedAt };
}

/**
 * Runs `scan` while the labels load and gives both. The run learns the labels' facts when the scan has them, and its
 * tally gets the labels' input errors, then the scan's. A failed label read wins over a failed scan (a run that
 * reads the labels first would have stopped there), and then the scan's errors are not counted either.
 */
export async function scanWhileLabelsLoad(ctx: RunContext, started: LabelsStarted, scan: (loading: LabelsLoading) => Promise<ScanOutcome>): Promise<{ labels: Labels; scan: ScanOutcome }> {
  const tally = new InputErrorTally(ctx.config.samplesPerReason);
  const labels = started.thread.read.then(
    (read): Labels => {
      ctx.timings.ground_truth = Math.round(performance.now() - started.startedAt);
      ctx.tally.addFrom(started.thread.tally);
      ctx.facts.groundTruth = read.summary;
      ctx.facts.groundTruthBytes = read.bytes;
      ctx.log.info({ files: read.summary.files, labels: read.summary.labels }, 'ground truth read');
      return { codec: read.codec, store: read.store };
    },
    (error: unknown) => {
      ctx.timings.ground_truth = Math.round(performance.now() - started.startedAt);
      ctx.tally.addFrom(started.thread.tally);
      throw error;
    },
  );
  labels.catch(() => undefined);
  let outcome: ScanOutcome;
  try {
    outcome = await scan({ labels, tally });
  } catch (error) {
    await labels;
    ctx.tally.addFrom(tally.byReason);
    throw error;
  }
  const known = await labels;
  ctx.tally.addFrom(tally.byReason);
  return { labels: known, scan: outcome };
}
