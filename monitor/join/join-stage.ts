/**
 * @module Joins each prediction with its label on (inferenceId, payload_index) and feeds the results: the
 * model-quality accumulator, the regression shape, and the counts of matched predictions, predictions without a
 * label, duplicates and labels missing in merged records.
 */
import type { CaptureRecord } from '../ingest/decode-capture-line.ts';
import type { Prediction } from '../ingest/explode-response.ts';
import type { Observation, ProblemType } from '../metrics/types.ts';
import { canonicalLabel } from '../metrics/labels.ts';
import { hashKey, type KeyHash } from './key-hash.ts';
import type { LabelCodec } from './label-codec.ts';
import type { LabelStore } from './label-store.ts';
import type { JoinResults } from './join-results.ts';
import { PendingPredictions } from './pending-predictions.ts';

export class JoinStage {
  private readonly key: KeyHash = { lo: 0, hi: 0 };
  private readonly obs: Observation = { actual: '', predicted: '', keyHash: 0 };
  /** Counts a prediction whose label had already joined another one (LabelStore.take's onReuse). */
  readonly countReuse = (): void => void this.results.summary.duplicate_predictions++;
  /** Sees every prediction that joined a label (MPM_JOINED_RECORDS_OUTPUT). */
  onJoined?: (record: CaptureRecord, prediction: Prediction, actual: string | number) => void;
  /** The key hashes of the record being joined (addFromStore), two words each. */
  #keys = new Uint32Array(128);
  /** What the slot touches read, kept so that they are not optimised away. */
  // eslint-disable-next-line no-unused-private-class-members -- only written: the write keeps the reads
  #touched = 0;
  /** Predictions that wait for labels still being read (waitForLabels); undefined once the labels are known. */
  #waiting?: PendingPredictions<JoinResults>;

  constructor(
    private readonly problemType: ProblemType,
    /** Where joined records go; swap it with into() to start another part (another file). */
    private results: JoinResults,
    /** The labels; undefined when the records carry their own (merged capture, a label column) or wait for them. */
    private store: LabelStore | undefined,
    private codec: LabelCodec,
  ) {}

  /**
   * From now on predictions wait for their labels, which settle() gives: the ground truth is still being read on
   * another thread. Not with onJoined or a reference to collect (they need the whole record).
   */
  waitForLabels(): void {
    if (this.onJoined !== undefined) throw new Error('join: joined records need the labels before the capture is read');
    this.#waiting = new PendingPredictions();
  }

  /** How many predictions wait for their labels. */
  get waiting(): number {
    return this.#waiting?.size ?? 0;
  }

  /** Bytes held by the predictions that wait. */
  get waitingBytes(): number {
    return this.#waiting?.byteLength ?? 0;
  }

  /**
   * The labels have come: each waiting prediction joins its label into the part it was read into, in the order they
   * were read, exactly as if the labels had been there (the parts must not have been merged yet); later ones join
   * as they come.
   */
  settle(store: LabelStore, codec: LabelCodec): void {
    this.store = store;
    this.codec = codec;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting === undefined) return;
    const current = this.results;
    const p: Prediction = { index: 0 };
    waiting.replay((w) => {
      this.results = w.part;
      this.key.lo = w.key.lo;
      this.key.hi = w.key.hi;
      p.label = w.label;
      p.value = w.value;
      p.score = w.score;
      this.joinValue(p, store.take(this.key, this.countReuse));
    }, (lo, hi) => store.touch(lo, hi));
    this.results = current;
  }

  /** Sends the records joined from now on into `results`. */
  into(results: JoinResults): void {
    this.results = results;
  }

  /** Joins the predictions of one capture record. */
  add(record: CaptureRecord): void {
    if (this.store !== undefined && record.labels === undefined && this.#waiting === undefined) {
      this.addFromStore(record, this.store);
      return;
    }
    const summary = this.results.summary;
    const estimate = this.results.estimate;
    for (const p of record.predictions) {
      summary.predictions++;
      // Every prediction is estimated, labelled or not: the estimate needs no label.
      estimate?.add(p);
      hashKey(record.id, p.index, this.key);
      let actual: string | number | undefined;
      if (record.labels) {
        const raw = record.labels.get(p.index);
        // Never Number() of an array or object: that stringifies it, recursively (a stack overflow 5,000 deep).
        actual = raw === undefined ? undefined : this.problemType === 'Regression' ? numberOf(raw) : canonicalLabel(raw);
        if (actual === undefined || (typeof actual === 'number' && !Number.isFinite(actual))) {
          summary.labels_missing_in_record++;
          actual = undefined;
        }
      } else if (this.#waiting !== undefined) {
        if (this.results.reference !== undefined) throw new Error('join: a reference to collect needs the labels before the capture is read');
        this.#waiting.add(this.results, this.key, p.label, p.value, p.score);
        continue;
      } else if (this.store) {
        this.joinValue(p, this.store.take(this.key, this.countReuse), record);
        continue;
      }
      if (actual === undefined) {
        summary.predictions_without_label++;
        continue;
      }
      summary.joined++;
      this.onJoined?.(record, p, actual);
      this.observe(p, actual);
    }
  }

  /**
   * add() of a record whose labels are in the store: every key is hashed and its slot touched first, then the
   * predictions are joined in order. The table is far larger than the caches and each lookup a miss; touched
   * together, the misses of a record's keys overlap instead of waiting for each other.
   */
  private addFromStore(record: CaptureRecord, store: LabelStore): void {
    const predictions = record.predictions;
    const n = predictions.length;
    if (this.#keys.length < 2 * n) this.#keys = new Uint32Array(2 * n);
    const keys = this.#keys;
    const key = this.key;
    let touched = 0;
    for (let i = 0; i < n; i++) {
      hashKey(record.id, predictions[i]!.index, key);
      keys[2 * i] = key.lo;
      keys[2 * i + 1] = key.hi;
      touched ^= store.touch(key.lo, key.hi);
    }
    this.#touched ^= touched;
    const summary = this.results.summary;
    const estimate = this.results.estimate;
    for (let i = 0; i < n; i++) {
      const p = predictions[i]!;
      summary.predictions++;
      // Every prediction is estimated, labelled or not: the estimate needs no label.
      estimate?.add(p);
      key.lo = keys[2 * i]!;
      key.hi = keys[2 * i + 1]!;
      this.joinValue(p, store.take(key, this.countReuse), record);
    }
  }

  /**
   * Joins one prediction of a record without labels of its own, whose label the caller took from the label store
   * (with {@link countReuse}): `value` is the label's value, NaN when it has none; `keyLo` the low half of its key
   * hash. A caller may so look keys up in another order than it joins them (in the table's order: fewer cache
   * misses).
   */
  addLooked(record: CaptureRecord, p: Prediction, keyLo: number, value: number): void {
    this.results.summary.predictions++;
    // Every prediction is estimated, labelled or not: the estimate needs no label.
    this.results.estimate?.add(p);
    this.key.lo = keyLo;
    this.joinValue(p, value, record);
  }

  /**
   * Joins a prediction whose key is in this.key with `value`, what the label store gave for it (NaN: no label,
   * counted as without one); `record` is what onJoined sees.
   */
  private joinValue(p: Prediction, value: number, record?: CaptureRecord): void {
    if (Number.isNaN(value)) {
      this.results.summary.predictions_without_label++;
      return;
    }
    this.results.summary.joined++;
    const actual = this.problemType === 'Regression' ? value : this.codec.decode(value);
    if (record !== undefined) this.onJoined?.(record, p, actual);
    this.observe(p, actual);
  }

  private observe(p: Prediction, actual: string | number): void {
    const o = this.obs;
    o.keyHash = this.key.lo;
    if (this.problemType === 'Regression') {
      o.actualValue = actual as number;
      o.predictedValue = p.value!;
      o.actual = '';
      o.predicted = '';
      o.score = undefined;
      this.results.shape?.observe(o.actualValue, o.predictedValue);
    } else {
      o.actual = actual as string;
      o.predicted = p.label!;
      o.score = p.score;
      this.results.reference?.add({ actual: o.actual, predicted: p.label, score: p.score, probabilities: p.probabilities });
    }
    this.results.metrics.update(o);
  }
}

/** A regression label from a merged record: a number, or a numeric string; NaN for anything else (blank included). */
function numberOf(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.trim() !== '') return Number(raw);
  return NaN;
}
