/**
 * @module The labels stage: ground truth of the window (plus the lookahead hours, labels arrive late) into the label
 * store, unless the records carry their own labels (merged capture, or a tabular dataset with a label column).
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { formatContractTime } from '../config/time.ts';
import type { Logger } from 'pino';
import { readGroundTruth, type GroundTruthOptions, type GroundTruthSummary } from '../ground-truth/read-ground-truth.ts';
import { LabelCodec } from '../join/label-codec.ts';
import type { LabelStore } from '../join/label-store.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { RunContext } from './run-context.ts';
import { readLimitsOf } from '../ingest/read-limits.ts';
import type { InputErrorTally } from '../ingest/input-errors.ts';
import { BinaryClasses } from '../metrics/binary-classes.ts';
import { canonicalLabel } from '../metrics/labels.ts';

export interface Labels {
  codec: LabelCodec;
  /** Undefined when the records carry their own labels. */
  store?: LabelStore;
  /** With the prediction store: each label's ground-truth partition (its last hour), for the label arrival. */
  partitions?: LabelStore;
  /** BinaryClassification: the two classes, the negative one learnt from the ground truth (issue 14, item 11). */
  binary?: BinaryClasses;
}

/** Labels still being read on another thread (pipeline/labels-on-thread.ts), with the input errors the scan counts meanwhile. */
export interface LabelsLoading {
  labels: Promise<Labels>;
  /** Where the scan counts its input errors until the labels' errors are in (they come first in the run's tally). */
  tally: InputErrorTally;
  /**
   * BinaryClassification: the classes before the labels teach the negative one; the capture is read with the positive
   * label's conventional partner (labels rejects when the labels teach another).
   */
  binary?: BinaryClasses;
}

/** Whether the run joins ground truth (else each record carries its label). */
export function joinsGroundTruth(config: MonitorConfig): boolean {
  const kind = config.datasetFormat.kind;
  const tabular = kind === 'csv' || kind === 'json' || kind === 'parquet';
  return kind === 'sagemakerCaptureJson' || (tabular && config.groundTruthAttribute === undefined);
}

/** The canonical positive label of a binary problem. */
export function binaryPositive(config: MonitorConfig): string {
  return canonicalLabel(config.positiveLabel) ?? config.positiveLabel;
}

/**
 * How the window's ground truth is read (structured-cloneable, for the label thread too): its fields, the window
 * plus the lookahead hours (labels arrive late), the read limits; logged as it starts.
 */
export function groundTruthOptions(config: MonitorConfig, log: Logger, location: string): Omit<GroundTruthOptions, 'binary'> {
  const { start, end } = config.window;
  const range = { start, end: end === undefined ? undefined : end + config.groundTruth.lookaheadHours * 3_600_000 };
  log.info({ location, range: { start: start && formatContractTime(start), end: range.end && formatContractTime(range.end) } }, 'reading ground truth');
  const { format, idField, indexField, labelField } = config.groundTruth;
  return { format, idField, indexField, labelField, range, limits: readLimitsOf(config) };
}

/** What the run learns from a ground-truth read (in its report, of a failed run too); a positive label never read warns. */
export function noteGroundTruth(ctx: RunContext, read: { summary: GroundTruthSummary; bytes: number }, binary?: BinaryClasses): void {
  ctx.facts.groundTruth = read.summary;
  ctx.facts.groundTruthBytes = read.bytes;
  ctx.log.info({ files: read.summary.files, labels: read.summary.labels }, 'ground truth read');
  const unseen = binary?.unseenPositive(read.summary.labels);
  if (unseen !== undefined) ctx.log.warn(unseen);
}

export async function readLabels(ctx: RunContext): Promise<Labels> {
  const { config, log } = ctx;
  const codec = new LabelCodec(config.problemType);
  const binary = config.problemType === 'BinaryClassification' ? new BinaryClasses(binaryPositive(config)) : undefined;
  if (!joinsGroundTruth(config)) return { codec, binary };
  const storage = await openStorage(config.groundTruth.location, { s3EndpointUrl: config.s3EndpointUrl });
  const options = groundTruthOptions(config, log, storage.location);
  const partitions = config.predictionStore !== undefined;
  const read = await readGroundTruth(storage, { ...options, binary }, codec, ctx.tally, undefined, partitions);
  noteGroundTruth(ctx, read, binary);
  return { codec, store: read.store, ...(partitions ? { partitions: read.store } : {}), binary };
}
