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

export class JoinStage {
  /** The key hash of the prediction last joined. */
  readonly key: KeyHash = { lo: 0, hi: 0 };
  private readonly obs: Observation = { actual: '', predicted: '', keyHash: 0 };
  private readonly onReuse = (): void => void this.results.summary.duplicate_predictions++;
  /** Sees every prediction that joined a label (MPM_JOINED_RECORDS_OUTPUT). */
  onJoined?: (record: CaptureRecord, prediction: Prediction, actual: string | number) => void;

  constructor(
    private readonly problemType: ProblemType,
    /** Where joined records go; swap it with into() to start another part (another file). */
    private results: JoinResults,
    /** The labels; undefined when the records carry their own (merged capture, a label column). */
    private readonly store: LabelStore | undefined,
    private readonly codec: LabelCodec,
  ) {}

  /** Sends the records joined from now on into `results`. */
  into(results: JoinResults): void {
    this.results = results;
  }

  /** Joins the predictions of one capture record. */
  add(record: CaptureRecord): void {
    if (!record.labels) {
      for (const p of record.predictions) this.addPrediction(record, p);
      return;
    }
    const summary = this.results.summary;
    for (const p of record.predictions) {
      summary.predictions++;
      // Every prediction is estimated, labelled or not: the estimate needs no label.
      this.results.estimate?.add(p);
      hashKey(record.id, p.index, this.key);
      const raw = record.labels.get(p.index);
      // Never Number() of an array or object: that stringifies it, recursively (a stack overflow 5,000 deep).
      let actual = raw === undefined ? undefined : this.problemType === 'Regression' ? numberOf(raw) : canonicalLabel(raw);
      if (actual === undefined || (typeof actual === 'number' && !Number.isFinite(actual))) {
        summary.labels_missing_in_record++;
        actual = undefined;
      }
      this.joined(record, p, actual);
    }
  }

  /**
   * Joins one prediction of a record that carries no labels with its label in the store. Returns the label's slot
   * in the store (-1: no label), where a table filled alongside it (the label partitions) holds the same key:
   * {@link key} is the prediction's key hash until the next call.
   */
  addPrediction(record: CaptureRecord, p: Prediction): number {
    this.results.summary.predictions++;
    // Every prediction is estimated, labelled or not: the estimate needs no label.
    this.results.estimate?.add(p);
    hashKey(record.id, p.index, this.key);
    const slot = this.store === undefined ? -1 : this.store.find(this.key);
    let actual: string | number | undefined;
    if (slot >= 0) {
      const v = this.store!.takeAt(slot, this.onReuse);
      if (!Number.isNaN(v)) actual = this.problemType === 'Regression' ? v : this.codec.decode(v);
    }
    this.joined(record, p, actual);
    return slot;
  }

  /** Counts a prediction with its label (undefined: none) and observes a joined one. */
  private joined(record: CaptureRecord, p: Prediction, actual: string | number | undefined): void {
    const summary = this.results.summary;
    if (actual === undefined) {
      summary.predictions_without_label++;
      return;
    }
    summary.joined++;
    this.onJoined?.(record, p, actual);
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
