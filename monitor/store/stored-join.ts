/**
 * @module Joins a stored hour straight from its decoded columns (the judgement from the store, issue 17): rows are
 * grouped into records (one request's rows), interpreted with the run's settings, and each prediction is joined
 * with its label; the label's partition hour for the label arrival is read from the same slot of the partitions
 * table, without hashing the key again. No record or raw-prediction object per row. The result is the same as
 * joining the records of storedJoinRecords (stored-hour-source.ts) one by one (a test holds them equal).
 */
import type { InputErrorTally } from '../ingest/input-errors.ts';
import { RecordProblem } from '../ingest/input-errors.ts';
import { interpretPrediction, type InterpretOptions } from '../ingest/interpret-prediction.ts';
import type { JoinStage } from '../join/join-stage.ts';
import type { LabelStore } from '../join/label-store.ts';
import type { LabelLagAccumulator } from './label-lag.ts';
import { addLag } from './prediction-sink.ts';
import { checkedLabel, type StoredBatch } from './prediction-store-reader.ts';
import type { JoinRecord } from './stored-hour-source.ts';
import { HOUR_MS } from './store-layout.ts';

/** The label arrival of a judged window: counts, and each label's partition (filled alongside the labels). */
export interface StoredLabelArrival {
  lag: LabelLagAccumulator;
  partitions: LabelStore;
}

/** Joins the batches of stored hours, in order, into a JoinStage. Call {@link flush} after the last batch. */
export class StoredJoin {
  /** The record being gathered; reused for every record (the join copies what it keeps). */
  private readonly record: JoinRecord = { status: 'ok', id: '', idSource: 'inferenceId', inferenceTime: 0, predictions: [] };
  private open = false;
  private inferenceId: string | null = null;
  private eventId: string | null = null;
  /** The part and 1-based row of the record's first row (for its input error). */
  private location = '';
  private row = 0;
  /** The first prediction of the record the settings could not interpret: the whole record is then an input error. */
  private problem: RecordProblem | undefined;

  /** Whether the partitions hold each label's key in the label's slot (then read without a probe). */
  private readonly aligned: boolean;

  constructor(
    private readonly stage: JoinStage,
    labels: LabelStore | undefined,
    private readonly options: InterpretOptions,
    private readonly tally: InputErrorTally,
    private readonly arrival?: StoredLabelArrival,
  ) {
    this.aligned = arrival !== undefined && labels !== undefined && labels.sameSlots(arrival.partitions);
  }

  /** Adds a batch's rows; a record continues from the previous batch of the same part. */
  addBatch(batch: StoredBatch): void {
    if (batch.location !== this.location) this.flush();
    const { inferenceId, eventId, time, index, score, vector } = batch;
    for (let i = 0; i < batch.rows; i++) {
      const iid = inferenceId(i);
      const eid = eventId(i);
      const t = time(i);
      const label = checkedLabel(batch, i, iid, eid);
      if (!this.open || iid !== this.inferenceId || eid !== this.eventId || t !== this.record.inferenceTime) {
        this.flush();
        this.start(batch, i, iid, eid, t);
      }
      if (this.problem !== undefined) continue;
      try {
        this.record.predictions.push(interpretPrediction(index(i), label, score(i), vector(i), this.options));
      } catch (error) {
        if (!(error instanceof RecordProblem)) throw error;
        this.problem = error;
      }
    }
  }

  private start(batch: StoredBatch, i: number, iid: string | null, eid: string | null, t: number): void {
    this.open = true;
    this.inferenceId = iid;
    this.eventId = eid;
    this.location = batch.location;
    this.row = batch.before + i + 1;
    const record = this.record;
    record.id = iid ?? eid!;
    record.idSource = iid !== null ? 'inferenceId' : 'eventId';
    record.inferenceTime = t;
    // The eventId travels on for the joined records (as a live decode with keepRaw gives it).
    record.eventId = eid ?? undefined;
  }

  /**
   * The partition hour of the label in `slot` of the labels (-1: none) for the prediction just joined: one read in
   * aligned tables (no label there means none in the partitions either), else a lookup checked against its key.
   */
  private partitionOf(partitions: LabelStore, slot: number): number {
    if (this.aligned) return slot < 0 ? NaN : partitions.valueAt(slot);
    return partitions.peek(this.stage.key, slot);
  }

  /** Joins the record gathered so far (at the end of a part, and after the last batch). */
  flush(): void {
    if (!this.open) return;
    this.open = false;
    const record = this.record;
    const predictions = record.predictions;
    if (this.problem !== undefined) {
      this.tally.add(this.problem.reason, { file: this.location, line: this.row, detail: this.problem.detail });
      this.problem = undefined;
      predictions.length = 0;
      return;
    }
    const arrival = this.arrival;
    const predictionHour = Math.floor(record.inferenceTime! / HOUR_MS);
    for (let k = 0; k < predictions.length; k++) {
      const slot = this.stage.addPrediction(record, predictions[k]!);
      if (arrival !== undefined) addLag(arrival.lag, this.partitionOf(arrival.partitions, slot), predictionHour);
    }
    predictions.length = 0;
  }
}
