/**
 * @module Joined records in compact columns, to carry them from a worker thread to the main thread's accumulator.
 *
 * A worker's JoinStage feeds an ObservationRecorder instead of an accumulator; the main thread replays the batches
 * file by file, in path order, into the one accumulator (JoinStage.replay). The accumulator therefore sees exactly the
 * observations, in exactly the order, of a single-threaded run, and every statistic is identical, floating-point sums
 * included. About 28 bytes per joined record cross the thread boundary (transferred, not copied).
 */
import type { ModelQualityAccumulator, ModelQualityResult, Observation } from '../metrics/types.ts';

/** The joined records of one capture file, in order. Labels are indexes into the worker's label table. */
export interface ObservationBatch {
  length: number;
  keyHash: Uint32Array;
  /** Classification: codes of the actual and predicted labels; score (NaN when absent). */
  actual: Int32Array;
  predicted: Int32Array;
  score: Float64Array;
  /** Regression: the actual and predicted values. */
  actualValue: Float64Array;
  predictedValue: Float64Array;
  /** Labels first seen in this batch, appended to the worker's table in order. */
  newLabels: string[];
}

/** The typed arrays of a batch, to transfer with postMessage. */
export function transferablesOf(batch: ObservationBatch): ArrayBuffer[] {
  return [batch.keyHash, batch.actual, batch.predicted, batch.score, batch.actualValue, batch.predictedValue].map((a) => a.buffer as ArrayBuffer);
}

/** Stands in for the accumulator in a worker thread: records each observation in columns. */
export class ObservationRecorder implements ModelQualityAccumulator {
  private length = 0;
  private capacity = 4096;
  private keyHash = new Uint32Array(this.capacity);
  private actual = new Int32Array(this.capacity);
  private predicted = new Int32Array(this.capacity);
  private score = new Float64Array(this.capacity);
  private actualValue = new Float64Array(this.capacity);
  private predictedValue = new Float64Array(this.capacity);
  private readonly codes = new Map<string, number>();
  private newLabels: string[] = [];

  constructor(private readonly regression: boolean) {}

  private code(label: string): number {
    let code = this.codes.get(label);
    if (code === undefined) {
      code = this.codes.size;
      this.codes.set(label, code);
      this.newLabels.push(label);
    }
    return code;
  }

  private grow(): void {
    this.capacity *= 2;
    const grow = <T extends Uint32Array | Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(this.capacity);
      b.set(a);
      return b;
    };
    this.keyHash = grow(this.keyHash);
    this.actual = grow(this.actual);
    this.predicted = grow(this.predicted);
    this.score = grow(this.score);
    this.actualValue = grow(this.actualValue);
    this.predictedValue = grow(this.predictedValue);
  }

  update(o: Observation): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.keyHash[i] = o.keyHash;
    if (this.regression) {
      this.actualValue[i] = o.actualValue!;
      this.predictedValue[i] = o.predictedValue!;
    } else {
      this.actual[i] = this.code(o.actual);
      this.predicted[i] = this.code(o.predicted);
      this.score[i] = o.score ?? NaN;
    }
  }

  /** The observations recorded since the last take(), as a batch; the recorder starts empty again. */
  take(): ObservationBatch {
    const n = this.length;
    const batch: ObservationBatch = {
      length: n,
      keyHash: this.keyHash.slice(0, n),
      actual: this.regression ? new Int32Array(0) : this.actual.slice(0, n),
      predicted: this.regression ? new Int32Array(0) : this.predicted.slice(0, n),
      score: this.regression ? new Float64Array(0) : this.score.slice(0, n),
      actualValue: this.regression ? this.actualValue.slice(0, n) : new Float64Array(0),
      predictedValue: this.regression ? this.predictedValue.slice(0, n) : new Float64Array(0),
      newLabels: this.newLabels,
    };
    this.length = 0;
    this.newLabels = [];
    return batch;
  }

  merge(): void {
    throw new Error('ObservationRecorder: batches are replayed into an accumulator, not merged');
  }

  result(): ModelQualityResult {
    throw new Error('ObservationRecorder: batches are replayed into an accumulator, it has no result');
  }
}
