/**
 * @module Joins a stored hour straight from its decoded columns (the judgement from the store, issue 17): rows are
 * grouped into records (one request's rows) and interpreted with the run's settings; the predictions of a few
 * thousand rows are then looked up in the label table together, in the table's order, and joined in their own
 * order. A lookup in a table of millions of slots is a cache miss per column, the most expensive part of the join;
 * a loop of lookups only lets the processor wait for several at once (about 10% less CPU for the judge than one
 * lookup between the rest of each prediction's work, on the 1 GB bench hour; larger queues were slower). The
 * label's partition hour for the label arrival is the tag in the label's own slot (the label table is tagged), read
 * without hashing the key again. No raw-prediction object per row. The result is the same as joining the records of
 * storedJoinRecords (stored-hour-source.ts) one by one (a test holds them equal).
 */
import type { InputErrorTally } from '../ingest/input-errors.ts';
import { RecordProblem } from '../ingest/input-errors.ts';
import { interpretPrediction, type InterpretOptions, type Prediction } from '../ingest/interpret-prediction.ts';
import type { JoinStage } from '../join/join-stage.ts';
import { hashKey } from '../join/key-hash.ts';
import type { LabelStore } from '../join/label-store.ts';
import type { LabelLagAccumulator } from './label-lag.ts';
import { addLag } from './prediction-sink.ts';
import { checkedLabel, type StoredBatch } from './prediction-store-reader.ts';
import type { JoinRecord } from './stored-hour-source.ts';
import { RequestIndexes } from './request-rows.ts';
import { HOUR_MS } from './store-layout.ts';

/** The label arrival of a judged window: counts, and each label's partition (a table tagged with them: the labels'). */
export interface StoredLabelArrival {
  lag: LabelLagAccumulator;
  partitions: LabelStore;
}

/** Predictions gathered before their labels are looked up together (kept small: the queued objects stay young). */
const QUEUE_PREDICTIONS = 1 << 11;
/** Buckets of the counting sort by home slot (a bucket is a few KB of each table column). */
const BUCKET_BITS = 12;

/** `array`, or a larger one holding its values when it has fewer than `needed`. */
function grown<T extends Uint32Array | Int32Array | Float64Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const out = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2));
  out.set(array);
  return out;
}

/** The lookups of the queued predictions: key halves, home slots, the order by slot, and what the tables hold. */
class Lookups {
  lo = new Uint32Array(QUEUE_PREDICTIONS);
  hi = new Uint32Array(QUEUE_PREDICTIONS);
  home = new Uint32Array(QUEUE_PREDICTIONS);
  order = new Uint32Array(QUEUE_PREDICTIONS);
  value = new Float64Array(QUEUE_PREDICTIONS);
  slot = new Int32Array(QUEUE_PREDICTIONS);
  partition = new Float64Array(QUEUE_PREDICTIONS);
  readonly counts = new Uint32Array((1 << BUCKET_BITS) + 1);

  reserve(n: number): void {
    this.lo = grown(this.lo, n);
    this.hi = grown(this.hi, n);
    this.home = grown(this.home, n);
    this.order = grown(this.order, n);
    this.value = grown(this.value, n);
    this.slot = grown(this.slot, n);
    this.partition = grown(this.partition, n);
  }

  /** Fills `order` with 0..n-1 by increasing home slot bucket (a stable counting sort). */
  sortByHome(n: number, slots: number): void {
    const shift = Math.max(0, Math.ceil(Math.log2(Math.max(2, slots))) - BUCKET_BITS);
    const { counts, home, order } = this;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(home[i]! >>> shift) + 1]!++;
    for (let b = 1; b < counts.length; b++) counts[b]! += counts[b - 1]!;
    for (let i = 0; i < n; i++) order[counts[home[i]! >>> shift]!++] = i;
  }
}

/** Joins the batches of stored hours, in order, into a JoinStage. Call {@link flush} after the last batch. */
export class StoredJoin {
  private open = false;
  private inferenceId: string | null = null;
  private eventId: string | null = null;
  private inferenceTime = 0;
  /** The part and 1-based row of the record's first row (for its input error). */
  private location = '';
  private row = 0;
  /** The predictions of the record being gathered. */
  private readonly gathering: Prediction[] = [];
  /** The first prediction of the record the settings could not interpret: the whole record is then an input error. */
  private problem: RecordProblem | undefined;
  /** Rows of the record being gathered. */
  private rows = 0;
  /** The payload indexes of the record being gathered (a repeated one starts the next request: request-rows.ts). */
  private readonly indexes = new RequestIndexes();
  /** Records (and their rows) that became input errors since the last {@link takeRejected}. */
  private rejected = { requests: 0, predictions: 0 };

  /** Records queued for the join (objects reused from one queue to the next; the join copies what it keeps). */
  private readonly records: JoinRecord[] = [];
  private queuedRecords = 0;
  private readonly queued: Prediction[] = [];
  private recordOf: Uint32Array;
  private readonly lookups = new Lookups();
  private readonly key = { lo: 0, hi: 0 };
  /** Whether the partitions hold each label's key in the label's slot (then read without a probe). */
  private readonly aligned: boolean;

  constructor(
    private readonly stage: JoinStage,
    private readonly labels: LabelStore | undefined,
    private readonly options: InterpretOptions,
    private readonly tally: InputErrorTally,
    private readonly arrival?: StoredLabelArrival,
    /** Predictions queued before a lookup in slot order (tests use a few, to join in many rounds). */
    private readonly queueSize = QUEUE_PREDICTIONS,
  ) {
    this.recordOf = new Uint32Array(Math.min(queueSize, QUEUE_PREDICTIONS));
    this.aligned = arrival !== undefined && labels !== undefined && labels.sameSlots(arrival.partitions);
  }

  /** Adds a batch's rows; a record continues from the previous batch of the same part. */
  addBatch(batch: StoredBatch): void {
    if (batch.location !== this.location) this.endRecord();
    const { inferenceId, eventId, time, index, score, vector } = batch;
    for (let i = 0; i < batch.rows; i++) {
      const iid = inferenceId(i);
      const eid = eventId(i);
      const t = time(i);
      const label = checkedLabel(batch, i, iid, eid);
      const payloadIndex = index(i);
      if (!this.open || iid !== this.inferenceId || eid !== this.eventId || t !== this.inferenceTime || !this.indexes.add(payloadIndex)) {
        this.endRecord();
        this.start(batch, i, iid, eid, t);
        this.indexes.add(payloadIndex);
      }
      this.rows++;
      if (this.problem !== undefined) continue;
      try {
        this.gathering.push(interpretPrediction(payloadIndex, label, score(i), vector(i), this.options));
      } catch (error) {
        if (!(error instanceof RecordProblem)) throw error;
        this.problem = error;
      }
    }
  }

  /** Joins every record gathered so far (after the last batch; nothing is left pending). */
  flush(): void {
    this.endRecord();
    this.drain();
  }

  /**
   * The requests and predictions that became input errors since the last call: a live run counts them as errors, not
   * in capture.requests and capture.predictions, so a judgement from the store takes them back out of the stored counts.
   */
  takeRejected(): { requests: number; predictions: number } {
    const out = this.rejected;
    this.rejected = { requests: 0, predictions: 0 };
    return out;
  }

  private start(batch: StoredBatch, i: number, iid: string | null, eid: string | null, t: number): void {
    this.open = true;
    this.rows = 0;
    this.indexes.clear();
    this.inferenceId = iid;
    this.eventId = eid;
    this.inferenceTime = t;
    this.location = batch.location;
    this.row = batch.before + i + 1;
  }

  /** The record gathered so far is complete: an input error when it could not be interpreted, else queued. */
  private endRecord(): void {
    if (!this.open) return;
    this.open = false;
    if (this.problem !== undefined) {
      this.tally.add(this.problem.reason, { file: this.location, line: this.row, detail: this.problem.detail });
      this.rejected.requests++;
      this.rejected.predictions += this.rows;
      this.problem = undefined;
      this.gathering.length = 0;
      return;
    }
    let record = this.records[this.queuedRecords];
    if (record === undefined) this.records.push((record = { status: 'ok', id: '', idSource: 'inferenceId', predictions: [] }));
    const r = this.queuedRecords++;
    record.id = this.inferenceId ?? this.eventId!;
    record.idSource = this.inferenceId !== null ? 'inferenceId' : 'eventId';
    record.inferenceTime = this.inferenceTime;
    // The eventId travels on for the joined records (as a live decode with keepRaw gives it).
    record.eventId = this.eventId ?? undefined;
    const gathering = this.gathering;
    const start = this.queued.length;
    this.recordOf = grown(this.recordOf, start + gathering.length);
    for (let k = 0; k < gathering.length; k++) {
      this.queued.push(gathering[k]!);
      this.recordOf[start + k] = r;
    }
    gathering.length = 0;
    if (this.queued.length >= this.queueSize) this.drain();
  }

  /** Looks the queued predictions' labels up in slot order, then joins them in their own order. */
  private drain(): void {
    const n = this.queued.length;
    if (n === 0) return;
    const { lookups, queued, records, recordOf, key, labels } = this;
    lookups.reserve(n);
    for (let i = 0; i < n; i++) {
      hashKey(records[recordOf[i]!]!.id, queued[i]!.index, key);
      lookups.lo[i] = key.lo;
      lookups.hi[i] = key.hi;
      if (labels !== undefined) lookups.home[i] = labels.homeSlot(key);
    }
    if (labels !== undefined) {
      lookups.sortByHome(n, labels.slots);
      this.takeLabels(labels, n);
    } else {
      lookups.value.fill(NaN, 0, n);
      if (this.arrival !== undefined) for (let i = 0; i < n; i++) lookups.partition[i] = this.arrival.partitions.tagOf(this.keyOf(i));
    }
    const arrival = this.arrival;
    for (let i = 0; i < n; i++) {
      const record = records[recordOf[i]!]!;
      this.stage.addLooked(record, queued[i]!, lookups.lo[i]!, lookups.value[i]!);
      if (arrival !== undefined) addLag(arrival.lag, lookups.partition[i]!, Math.floor(record.inferenceTime! / HOUR_MS));
    }
    queued.length = 0;
    this.queuedRecords = 0;
  }

  /**
   * Takes the label (and reads the partition) of each queued prediction, in the order of their home slots: first
   * the reads alone (so that the processor waits for several misses at once), then the labels are marked taken
   * (an atomic write each, which waits for every read before it; their slots are in the cache by then).
   */
  private takeLabels(labels: LabelStore, n: number): void {
    const { lookups, stage } = this;
    const { order, value, partition, slot } = lookups;
    const partitions = this.arrival?.partitions;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const key = this.keyOf(i);
      const s = labels.find(key);
      slot[i] = s;
      value[i] = s < 0 ? NaN : labels.valueAt(s);
      if (partitions === undefined) continue;
      // Aligned tables (the partitions are the label table's tags): no label here means no partition either.
      partition[i] = this.aligned ? (s < 0 ? NaN : partitions.tagAt(s)) : partitions.tagOf(key);
    }
    for (let k = 0; k < n; k++) {
      const s = slot[order[k]!]!;
      if (s >= 0) labels.takeAt(s, stage.countReuse);
    }
  }

  private keyOf(i: number): { lo: number; hi: number } {
    this.key.lo = this.lookups.lo[i]!;
    this.key.hi = this.lookups.hi[i]!;
    return this.key;
  }
}
