/**
 * @module Joins each prediction with its label on (inferenceId, payload_index) and feeds the accumulator.
 * Counts matched predictions, predictions without a label, labels without a prediction and duplicates.
 */
import type { DecodedLine } from '../ingest/decode-capture-line.ts';
import type { Prediction } from '../ingest/explode-response.ts';
import type { LabelCodec } from '../ground-truth/label-values.ts';
import type { ModelQualityAccumulator, Observation, ProblemType } from '../metrics/types.ts';
import { canonicalLabel } from '../metrics/labels.ts';
import { hashKey, type KeyHash } from './key-hash.ts';
import type { LabelStore } from './label-store.ts';
import type { ObservationBatch } from './observation-batch.ts';

export interface JoinSummary {
  predictions: number;
  joined: number;
  predictions_without_label: number;
  /** Predictions whose key had already joined a label (an inference id reused across requests). */
  duplicate_predictions: number;
  /** Merged records (sagemakerMergeJson) whose label is missing for a payload index. */
  labels_missing_in_record: number;
}

export class JoinStage {
  readonly summary: JoinSummary = { predictions: 0, joined: 0, predictions_without_label: 0, duplicate_predictions: 0, labels_missing_in_record: 0 };
  private readonly key: KeyHash = { lo: 0, hi: 0 };
  private readonly obs: Observation = { actual: '', predicted: '', keyHash: 0 };
  private readonly onReuse = (): void => void this.summary.duplicate_predictions++;

  constructor(
    private readonly problemType: ProblemType,
    private readonly accumulator: ModelQualityAccumulator,
    private readonly store: LabelStore | undefined,
    private readonly codec: LabelCodec,
    /** Optional: sees each joined regression pair (the report page's histograms). */
    private readonly onRegression?: (actual: number, predicted: number) => void,
  ) {}

  /** Joins the predictions of one capture record. */
  add(record: Extract<DecodedLine, { status: 'ok' }>): void {
    for (const p of record.predictions) {
      this.summary.predictions++;
      hashKey(record.id, p.index, this.key);
      let actual: string | number | undefined;
      if (record.labels) {
        const raw = record.labels.get(p.index);
        // Never Number() of an array or object: that stringifies it, recursively (a stack overflow 5,000 deep).
        actual = raw === undefined ? undefined : this.problemType === 'Regression' ? numberOf(raw) : canonicalLabel(raw);
        if (actual === undefined || (typeof actual === 'number' && !Number.isFinite(actual))) {
          this.summary.labels_missing_in_record++;
          actual = undefined;
        }
      } else if (this.store) {
        const v = this.store.take(this.key, this.onReuse);
        if (!Number.isNaN(v)) actual = this.problemType === 'Regression' ? v : this.codec.decode(v);
      }
      if (actual === undefined) {
        this.summary.predictions_without_label++;
        continue;
      }
      this.summary.joined++;
      this.observe(p, actual);
    }
  }

  /**
   * Feeds the observations a worker thread joined (one capture file's, see observation-batch.ts) to the accumulator,
   * exactly as add() would have, and adds that worker's counts for the file. `labels` is the worker's label table.
   */
  replay(batch: ObservationBatch, labels: readonly string[], counts: JoinSummary): void {
    for (const k of Object.keys(counts) as Array<keyof JoinSummary>) this.summary[k] += counts[k];
    const o = this.obs;
    for (let i = 0; i < batch.length; i++) {
      o.keyHash = batch.keyHash[i]!;
      if (this.problemType === 'Regression') {
        o.actualValue = batch.actualValue[i]!;
        o.predictedValue = batch.predictedValue[i]!;
        o.actual = '';
        o.predicted = '';
        o.score = undefined;
        this.onRegression?.(o.actualValue, o.predictedValue);
      } else {
        o.actual = labels[batch.actual[i]!]!;
        o.predicted = labels[batch.predicted[i]!]!;
        const score = batch.score[i]!;
        o.score = Number.isNaN(score) ? undefined : score;
      }
      this.accumulator.update(o);
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
      this.onRegression?.(o.actualValue, o.predictedValue);
    } else {
      o.actual = actual as string;
      o.predicted = p.label!;
      o.score = p.score;
    }
    this.accumulator.update(o);
  }
}

/** A regression label from a merged record: a number, or a numeric string; NaN for anything else (blank included). */
function numberOf(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.trim() !== '') return Number(raw);
  return NaN;
}
