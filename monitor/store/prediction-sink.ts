/**
 * @module What a capture scan hands on besides the join, in whichever thread reads a file: each record's raw
 * readings to the prediction store (a writer per thread, its parts committed by the main thread), and the label
 * arrival (the lag of each prediction's label, from the ground-truth partitions). One sink per thread; the main
 * thread gathers every sink's result.
 */
import type { CaptureRecord } from '../ingest/decode-capture-line.ts';
import type { InputErrorReason, InputErrorTally } from '../ingest/input-errors.ts';
import { hashKey, type KeyHash } from '../join/key-hash.ts';
import { LabelStore, type SharedLabelStore } from '../join/label-store.ts';
import type { CaptureSummary } from '../scan/capture-summary.ts';
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { ExtractionSettings } from './hour-manifest.ts';
import { LabelLagAccumulator } from './label-lag.ts';
import { storeRecordOf } from './prediction-part-writer.ts';
import { PredictionStoreWriter, type WrittenHour } from './prediction-store-writer.ts';
import { HOUR_MS } from './store-layout.ts';

/** Where and how a thread's sink writes (structured-cloneable, so worker threads build the same sink). */
export interface PredictionSinkInit {
  store?: {
    location: string;
    s3EndpointUrl?: string;
    endpoint: string;
    window: { start?: number; end?: number };
    extraction: ExtractionSettings;
    runId: string;
    samplesPerReason: number;
    /** Prefixes the writer ids of the parts (the host, when several hosts write one hour). */
    writerPrefix?: string;
  };
  /**
   * The label store tagged with each label's ground-truth partition (its last hour, in epoch hours; -1 for a label in
   * no dated folder).
   */
  partitions?: SharedLabelStore;
  /**
   * The label arrival is counted, but its partitions come later (the labels are still being read on their own
   * thread): see PredictionSink.open's `partitionsLater` (a worker thread is sent them, scan-parallel.ts).
   */
  partitionsLater?: boolean;
}

/** Keys of the predictions whose label arrival waits for the partitions (see PredictionSink), in blocks. */
class WaitingLags {
  private readonly blocks: Float64Array[] = [];
  private size = 0;
  private static readonly BLOCK = 3 * 8192;

  /** Bytes held (each waiting prediction: its key's two halves and its hour, 24 bytes). */
  get byteLength(): number {
    return this.blocks.length * WaitingLags.BLOCK * 8;
  }

  add(key: KeyHash, predictionHour: number | undefined): void {
    const at = (this.size * 3) % WaitingLags.BLOCK;
    if (at === 0) this.blocks.push(new Float64Array(WaitingLags.BLOCK));
    const block = this.blocks[this.blocks.length - 1]!;
    block[at] = key.lo;
    block[at + 1] = key.hi;
    block[at + 2] = predictionHour ?? NaN;
    this.size++;
  }

  /** Counts every waiting prediction's lag from `partitions`, and lets them go. */
  settle(lag: LabelLagAccumulator, partitions: LabelStore): void {
    const key: KeyHash = { lo: 0, hi: 0 };
    for (let i = 0; i < this.size; i++) {
      const block = this.blocks[Math.floor((i * 3) / WaitingLags.BLOCK)]!;
      const at = (i * 3) % WaitingLags.BLOCK;
      key.lo = block[at]!;
      key.hi = block[at + 1]!;
      const hour = block[at + 2]!;
      addLag(lag, partitions.tagOf(key), Number.isNaN(hour) ? undefined : hour);
    }
    this.blocks.length = 0;
    this.size = 0;
  }
}

/** What one thread's sink gives back. */
export interface PredictionSinkResult {
  written: WrittenHour[];
  /** Records that could not be stored: no inference time (no hour), or beyond the store's ranges. */
  unstored: number;
  lag?: AccumulatorState;
}

/** A scan's sink in one thread. Use {@link PredictionSink.open}. */
export class PredictionSink {
  private unstored = 0;
  /** Rejected records (see add) of the file being read that were stored. */
  private storedRejected = 0;
  private readonly key: KeyHash = { lo: 0, hi: 0 };
  /** Predictions read before the partitions came (partitionsLater), and when they are counted. */
  private readonly waiting = new WaitingLags();
  private settled: Promise<void> | undefined;

  private constructor(
    private readonly writer: PredictionStoreWriter | undefined,
    private partitions: LabelStore | undefined,
    private readonly lag: LabelLagAccumulator | undefined,
  ) {}

  /**
   * The sink of one thread; `writerId` names its store parts (w0 for the main thread, w1.. for workers). With
   * init.partitionsLater, `partitionsLater` gives the partitions once the labels are read: predictions read before
   * wait (24 bytes each, in waitingBytes) and are counted then, so the label arrival is the same as with the
   * partitions known from the start.
   */
  static async open(init: PredictionSinkInit, writerId: string, partitionsLater?: Promise<LabelStore>): Promise<PredictionSink> {
    let writer: PredictionStoreWriter | undefined;
    if (init.store !== undefined) {
      const s = init.store;
      const storage = await openStorage(s.location, { s3EndpointUrl: s.s3EndpointUrl });
      writer = PredictionStoreWriter.open(storage, { endpoint: s.endpoint, window: s.window, extraction: s.extraction, runId: s.runId, writerId: s.writerPrefix === undefined ? writerId : `${s.writerPrefix}-${writerId}`, samplesPerReason: s.samplesPerReason });
    }
    if (init.partitionsLater && partitionsLater === undefined) throw new Error('sink: partitionsLater without the promise of the partitions');
    const partitions = init.partitions === undefined ? undefined : LabelStore.fromShared(init.partitions);
    const counts = partitions !== undefined || init.partitionsLater === true;
    const sink = new PredictionSink(writer, partitions, counts ? new LabelLagAccumulator() : undefined);
    if (init.partitionsLater) {
      sink.settled = partitionsLater!.then((p) => sink.settle(p));
      // A failed label read fails the scan elsewhere (its join waits for the same labels); close() would report it.
      sink.settled.catch(() => undefined);
    }
    return sink;
  }

  /** The partitions are known: the waiting predictions are counted, and later ones as they come. */
  private settle(partitions: LabelStore): void {
    this.partitions = partitions;
    this.waiting.settle(this.lag!, partitions);
  }

  /** Bytes of the predictions waiting for the partitions. */
  get waitingBytes(): number {
    return this.waiting.byteLength;
  }

  /**
   * One decoded record of capture file `path`. A `rejected` record (an input error of this run's settings alone,
   * prediction_not_binary) is stored as the response said it, and its input error is left out of the hour's facts
   * (fileDone): a judgement of the hour interprets it again, and counts it then if its settings reject it too. It has
   * no label arrival: this run judges no prediction of it.
   */
  add(path: string, record: CaptureRecord, rejected = false): void {
    if (this.writer !== undefined) {
      const stored = storeRecordOf(record);
      if (stored === undefined || !this.writer.add(stored, this.writer.variantOfFile(path))) this.unstored++;
      else if (rejected) this.storedRejected++;
    }
    if (this.lag === undefined || rejected) return;
    if (this.partitions !== undefined) addLabelLag(this.lag, this.partitions, record, this.key);
    else {
      const predictionHour = predictionHourOf(record);
      for (const p of record.predictions) this.waiting.add(hashKey(record.id, p.index, this.key), predictionHour);
    }
  }

  /**
   * A file is read: its lines, skips and input errors are counted into the hour its path names (they have no
   * inference time of their own), and the writer's queued row groups are sent on before the next file.
   */
  async fileDone(path: string, summary: CaptureSummary, tally: InputErrorTally): Promise<void> {
    const writer = this.writer;
    if (writer === undefined) return;
    const place = writer.placeOfFile(path);
    if (place !== undefined) {
      const facts = writer.facts(place.variant, place.hour);
      facts.lines += summary.lines;
      facts.skipped.outside_window += summary.skipped.outside_window;
      facts.skipped.shadow_traffic += summary.skipped.shadow_traffic;
      for (const [reason, t] of tally.byReason) {
        // The file's stored rejected records: in the store, not among its input errors (see add).
        const stored = reason === 'prediction_not_binary' ? Math.min(this.storedRejected, t.count) : 0;
        for (let i = stored; i < t.count; i++) writer.addInputError(place, reason as InputErrorReason, t.samples[i] ?? { file: path });
      }
    }
    this.storedRejected = 0;
    if (writer.needsDrain) await writer.drain();
  }

  /** Closes this thread's parts (nothing is visible until the main thread commits them). */
  async close(): Promise<PredictionSinkResult> {
    await this.settled;
    const written = this.writer === undefined ? [] : await this.writer.closeParts();
    return { written, unstored: this.unstored, lag: this.lag?.save() };
  }

  /** Gives up: parts under way are abandoned, nothing becomes visible. */
  async abort(): Promise<void> {
    await this.writer?.abort();
  }
}

/** The epoch hour of `record`'s inference time, undefined without one. */
function predictionHourOf(record: CaptureRecord): number | undefined {
  return record.inferenceTime === undefined ? undefined : Math.floor(record.inferenceTime / HOUR_MS);
}

/** Counts the label lag of each prediction of `record`: its label's partition hour (the tag in `partitions`), or no label. */
export function addLabelLag(lag: LabelLagAccumulator, partitions: LabelStore, record: CaptureRecord, key: KeyHash): void {
  // Once per record, and no object per prediction: this runs for every prediction of the window.
  const predictionHour = predictionHourOf(record);
  for (const p of record.predictions) addLag(lag, partitions.tagOf(hashKey(record.id, p.index, key)), predictionHour);
}

/**
 * Counts one prediction made in epoch hour `predictionHour` whose label is in the partition ending in epoch hour
 * `hour` (-1: a label in no dated folder; NaN: no label).
 */
export function addLag(lag: LabelLagAccumulator, hour: number, predictionHour: number | undefined): void {
  if (Number.isNaN(hour)) lag.addUnlabelled();
  else if (hour < 0 || predictionHour === undefined) lag.addLabelled(0, undefined);
  // The same as LabelLagAccumulator.lagHours(inferenceTime, the partition of epoch hour `hour`).
  else lag.addLabelledLag(hour - predictionHour);
}
