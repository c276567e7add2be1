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
  private readonly key: KeyHash = { lo: 0, hi: 0 };
  private readonly obs: Observation = { actual: '', predicted: '', keyHash: 0 };
  /** Counts a prediction whose label had already joined another one (LabelStore.take's onReuse). */
  readonly countReuse = (): void => void this.results.summary.duplicate_predictions++;
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
    const summary = this.results.summary;
    for (const p of record.predictions) {
      hashKey(record.id, p.index, this.key);
      if (!record.labels) {
        this.addLooked(record, p, this.key.lo, this.store ? this.store.take(this.key, this.countReuse) : NaN);
        continue;
      }
      const raw = record.labels.get(p.index);
      // Never Number() of an array or object: that stringifies it, recursively (a stack overflow 5,000 deep).
      let actual = raw === undefined ? undefined : this.problemType === 'Regression' ? numberOf(raw) : canonicalLabel(raw);
      if (actual === undefined || (typeof actual === 'number' && !Number.isFinite(actual))) {
        summary.labels_missing_in_record++;
        actual = undefined;
      }
      this.joined(record, p, this.key.lo, actual);
    }
  }

  /**
   * Joins one prediction of a record without labels of its own, whose key (low half `keyLo` of its hash) the caller
   * took from the label store: `value` is the label's value, NaN when it has none. A caller may so look keys up in
   * another order than it joins them (in the table's order: fewer cache misses), counting reuses with
   * {@link countReuse}.
   */
  addLooked(record: CaptureRecord, p: Prediction, keyLo: number, value: number): void {
    this.joined(record, p, keyLo, Number.isNaN(value) ? undefined : this.problemType === 'Regression' ? value : this.codec.decode(value));
  }

  /** Counts a prediction with its label (undefined: none) and observes a joined one. */
  private joined(record: CaptureRecord, p: Prediction, keyLo: number, actual: string | number | undefined): void {
    const summary = this.results.summary;
    summary.predictions++;
    // Every prediction is estimated, labelled or not: the estimate needs no label.
    this.results.estimate?.add(p);
    if (actual === undefined) {
      summary.predictions_without_label++;
      return;
    }
    summary.joined++;
    this.onJoined?.(record, p, actual);
    this.observe(p, actual, keyLo);
  }

  private observe(p: Prediction, actual: string | number, keyLo: number): void {
    const o = this.obs;
    o.keyHash = keyLo;
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
