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
  private readonly onReuse = (): void => void this.results.summary.duplicate_predictions++;

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
    const estimate = this.results.estimate;
    for (const p of record.predictions) {
      summary.predictions++;
      // Every prediction is estimated, labelled or not: the estimate needs no label.
      estimate?.add(p);
      hashKey(record.id, p.index, this.key);
      let actual: string | number | undefined;
      if (record.labels) {
        const raw = record.labels.get(p.index);
        actual = raw === undefined ? undefined : this.problemType === 'Regression' ? Number(raw) : canonicalLabel(raw);
        if (actual === undefined || (typeof actual === 'number' && !Number.isFinite(actual))) {
          summary.labels_missing_in_record++;
          actual = undefined;
        }
      } else if (this.store) {
        const v = this.store.take(this.key, this.onReuse);
        if (!Number.isNaN(v)) actual = this.problemType === 'Regression' ? v : this.codec.decode(v);
      }
      if (actual === undefined) {
        summary.predictions_without_label++;
        continue;
      }
      summary.joined++;
      this.observe(p, actual);
    }
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
