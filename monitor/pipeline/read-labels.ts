/**
 * @module The labels stage: ground truth of the window (plus the lookahead hours, labels arrive late) into the label
 * store, unless the records carry their own labels (merged capture, or a tabular dataset with a label column).
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { formatContractTime } from '../config/time.ts';
import { readGroundTruth } from '../ground-truth/read-ground-truth.ts';
import { LabelCodec } from '../join/label-codec.ts';
import type { LabelStore } from '../join/label-store.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { RunContext } from './run-context.ts';

export interface Labels {
  codec: LabelCodec;
  /** Undefined when the records carry their own labels. */
  store?: LabelStore;
}

/** Whether the run joins ground truth (else each record carries its label). */
export function joinsGroundTruth(config: MonitorConfig): boolean {
  const kind = config.datasetFormat.kind;
  const tabular = kind === 'csv' || kind === 'json' || kind === 'parquet';
  return kind === 'sagemakerCaptureJson' || (tabular && config.groundTruthAttribute === undefined);
}

export async function readLabels(ctx: RunContext): Promise<Labels> {
  const { config, log } = ctx;
  const codec = new LabelCodec(config.problemType);
  if (!joinsGroundTruth(config)) return { codec };
  const storage = await openStorage(config.groundTruth.location, { s3EndpointUrl: config.s3EndpointUrl });
  const { start, end } = config.window;
  const range = { start, end: end === undefined ? undefined : end + config.groundTruth.lookaheadHours * 3_600_000 };
  log.info({ location: storage.location, range: { start: start && formatContractTime(start), end: range.end && formatContractTime(range.end) } }, 'reading ground truth');
  const read = await readGroundTruth(storage, { ...config.groundTruth, range }, codec, ctx.tally);
  ctx.facts.groundTruth = read.summary;
  log.info({ files: read.summary.files, labels: read.summary.labels }, 'ground truth read');
  return { codec, store: read.store };
}
