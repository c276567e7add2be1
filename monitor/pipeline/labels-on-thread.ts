/**
 * @module The labels and the capture at once: the ground truth is read on its own thread
 * (ground-truth/read-labels-on-thread.ts) while this thread scans the capture, and predictions read before the
 * labels are in wait for them (join/pending-predictions.ts). The result is the one a run that reads the labels
 * first gives: the same joins in the same order, the same counts, the labels' input errors before the capture's.
 *
 * Used when nothing needs the labels before the scan: not with joined records or a reference to collect (they need
 * the whole record at the join), and not for tabular datasets. With worker threads (MPM_WORKERS > 1) the workers'
 * predictions wait in their parts and the labels are sent to them once read (scan/scan-parallel.ts). With a
 * prediction store, the label arrival of the predictions read meanwhile waits too, in each scanning thread's sink
 * (store/prediction-sink.ts, 24 bytes each). BinaryClassification learns its negative class from the labels, and that
 * class settles how responses are read: the capture is read assuming the positive label's conventional partner (0
 * for 1, no for yes ...), which is the class whenever the labels hold no other; when they do, the scan stops at its
 * next file and reads the capture again with the labels known (so the time is at worst that of reading the labels
 * first). A positive label without a conventional partner reads the labels first. Memory: the waiting predictions,
 * 19 bytes each, only those read while the labels load, at most 64 MiB (scan/scan-plan.ts MAX_WAITING_BYTES) over
 * all the scanning threads.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import type { Logger } from 'pino';
import { readLabelsOnThread, type LabelThread } from '../ground-truth/read-labels-on-thread.ts';
import { InputErrorTally } from '../ingest/input-errors.ts';
import { BinaryClasses, conventionalNegative } from '../metrics/binary-classes.ts';
import { binaryPositive, groundTruthOptions, noteGroundTruth, type Labels, type LabelsLoading } from './read-labels.ts';
import type { RunContext } from './run-context.ts';
import type { ScanOutcome } from './scan-stage.ts';

/** Whether a run with this config reads its labels on their own thread while it scans (see the module's comment). */
export function readsLabelsOnThread(config: MonitorConfig, collectReference: boolean | undefined): boolean {
  return (
    config.analysisType !== 'DATA_QUALITY' &&
    config.evaluationDelayHours === 0 &&
    config.datasetFormat.kind === 'sagemakerCaptureJson' &&
    (config.problemType !== 'BinaryClassification' || conventionalNegative(binaryPositive(config)) !== undefined) &&
    !config.joinedRecordsOutput &&
    !collectReference
  );
}

/**
 * Whether the labels may be read before the run's prepare stage: only when that stage drops no privileges. In the
 * image a process that starts as root makes its written folders the image user's and drops root before it reads any
 * input (runtime/drop-privileges.ts); a thread started before would read the ground truth as root.
 */
export function readsBeforeDrop(env: NodeJS.ProcessEnv): boolean {
  return env.MPM_IMAGE_USER === undefined || env.MPM_IMAGE_USER === '' || process.getuid?.() !== 0;
}

/**
 * The labels taught a binary problem a negative class other than the one its capture was read with (the positive
 * label's conventional partner): the capture must be read again with the labels known.
 */
export class NegativeClassChanged extends Error {
  constructor(readonly learnt: string, readonly assumed: string) {
    super(`the ground truth's negative class ${JSON.stringify(learnt)} is not the ${JSON.stringify(assumed)} the capture was being read with`);
    this.name = 'NegativeClassChanged';
  }
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
  const options = groundTruthOptions(config, log, config.groundTruth.location);
  const startedAt = performance.now();
  const thread = readLabelsOnThread({
    location: config.groundTruth.location,
    s3EndpointUrl: config.s3EndpointUrl,
    options,
    problemType: config.problemType,
    samplesPerReason: config.samplesPerReason,
    // With a store, each label's partition too (the label arrival).
    partitions: config.predictionStore !== undefined,
    binaryPositive: config.problemType === 'BinaryClassification' ? binaryPositive(config) : undefined,
  });
  return { thread, startedAt };
}

/**
 * The labels the thread reads, as readLabels gives them. When the read ends (read or failed), the run learns its
 * time (ground_truth), and its input errors go first in the run's tally. Never an unhandled rejection.
 */
export function labelsOfThread(ctx: RunContext, started: LabelsStarted): Promise<Labels> {
  const answered = (): void => {
    // The thread's own time: it may have answered long before this run asked (the delayed run starts it early).
    ctx.timings.ground_truth = Math.round((started.thread.answeredAt ?? performance.now()) - started.startedAt);
    ctx.tally.addFrom(started.thread.tally);
  };
  const labels = started.thread.read.then(
    (read): Labels => {
      answered();
      noteGroundTruth(ctx, read, read.binary);
      return { codec: read.codec, store: read.store, binary: read.binary, ...(read.partitions ? { partitions: read.partitions } : {}) };
    },
    (error: unknown) => {
      answered();
      throw error;
    },
  );
  labels.catch(() => undefined);
  return labels;
}

/**
 * Runs `scan` while the labels load and gives both. The run learns the labels' facts when the scan has them, and its
 * tally gets the labels' input errors, then the scan's. A failed label read wins over a failed scan (a run that
 * reads the labels first would have stopped there), and then the scan's errors are not counted either. A binary
 * problem whose labels teach another negative class than the one assumed is scanned again, with the labels known.
 */
export async function scanWhileLabelsLoad(ctx: RunContext, started: LabelsStarted, scan: (labels: Labels | LabelsLoading) => Promise<ScanOutcome>): Promise<{ labels: Labels; scan: ScanOutcome }> {
  const tally = new InputErrorTally(ctx.config.samplesPerReason);
  const labels = labelsOfThread(ctx, started);
  const binary = ctx.config.problemType === 'BinaryClassification' ? new BinaryClasses(binaryPositive(ctx.config)) : undefined;
  // What the scan waits for: the labels, once they confirm the negative class the capture is read with.
  const confirmed = labels.then((known) => {
    const learnt = known.binary?.negative;
    const assumed = binary && conventionalNegative(binary.positive)!;
    if (learnt !== undefined && assumed !== undefined && learnt !== assumed) throw new NegativeClassChanged(learnt, assumed);
    return known;
  });
  confirmed.catch(() => undefined);
  let outcome: ScanOutcome;
  try {
    outcome = await scan({ labels: confirmed, tally, binary });
  } catch (error) {
    const known = await labels;
    if (!(error instanceof NegativeClassChanged)) {
      ctx.tally.addFrom(tally.byReason);
      throw error;
    }
    // Read again with the labels known. Nothing of the first scan counts: its input errors are dropped, and it never
    // touched the labels (its predictions were still waiting, and never join labels that rejected).
    ctx.log.info({ learnt: error.learnt, assumed: error.assumed }, 'the ground truth has another negative class than the one assumed: reading the capture again');
    return { labels: known, scan: await scan(known) };
  }
  const known = await labels;
  ctx.tally.addFrom(tally.byReason);
  return { labels: known, scan: outcome };
}
