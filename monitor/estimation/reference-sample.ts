/**
 * @module The labelled reference records suggest-baseline fits the calibration on, held in growable columns (about
 * 20 bytes per record plus 8 per vector entry): label codes, the uncalibrated score and, in vector mode, the
 * probability vector. Records that cannot be used are counted by reason, not stored.
 */
import { LabelDictionary } from '../metrics/label-dictionary.ts';
import { InputError } from '../errors.ts';
import { expectState, stateArray, stateCount, type AccumulatorState, type MergeableAccumulator } from '../state/accumulator-state.ts';
import type { EstimationMode } from './calibration-artefact.ts';

/** One labelled prediction as the ingest gives it (the fields of a Prediction, plus the joined label). */
export interface ReferenceRecord {
  actual: string;
  /** The predicted label, decided exactly as for the realized metrics (threshold, MPM_BINARY_SCORE). */
  predicted: string | undefined;
  /** Binary: P(positive label). Multiclass: the probability of the predicted label. */
  score?: number;
  /** Multiclass: the probability vector, when the response has one. */
  probabilities?: ArrayLike<number>;
}

/** Columns of the kept records. Samples merge by appending (in merge order: the files' path order in a scan). */
export class ReferenceSample implements MergeableAccumulator<ReferenceSample> {
  readonly mode: EstimationMode;
  /** Labels of the codes in `actual` and `predicted`. */
  readonly labels = new LabelDictionary();
  /** Vector mode: entries per vector, fixed by the first vector seen (or the classes given). */
  width: number;
  length = 0;
  actual = new Int32Array(1024);
  predicted = new Int32Array(1024);
  scores = new Float64Array(1024);
  vectors = new Float64Array(0);
  /** Records left out, by reason. */
  readonly skipped: Record<string, number> = {};

  /** `width`: vector mode, the number of classes when known in advance. */
  constructor(mode: EstimationMode, width = 0) {
    this.mode = mode;
    this.width = width;
  }

  #skip(reason: string): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }

  /** Keeps one labelled record, or counts why it cannot be used. */
  add(record: ReferenceRecord): void {
    if (record.predicted === undefined) return this.#skip('no_predicted_label');
    if (this.mode === 'multiclass_vectors') {
      const v = record.probabilities;
      if (v === undefined) return this.#skip('no_probabilities');
      if (this.width === 0) this.width = v.length;
      if (v.length !== this.width) return this.#skip('probabilities_length_mismatch');
      for (let k = 0; k < v.length; k++) if (!Number.isFinite(v[k]!)) return this.#skip('invalid_probabilities');
      this.#grow();
      this.vectors.set(Array.from(v), this.length * this.width);
    } else {
      if (record.score === undefined || !Number.isFinite(record.score)) return this.#skip('no_score');
      this.#grow();
      this.scores[this.length] = record.score;
    }
    this.actual[this.length] = this.labels.codeOf(record.actual);
    this.predicted[this.length] = this.labels.codeOf(record.predicted);
    this.length++;
  }

  #grow(): void {
    if (this.mode === 'multiclass_vectors' && this.vectors.length < (this.length + 1) * this.width) {
      const vectors = new Float64Array(Math.max(1024, 2 * (this.length + 1)) * this.width);
      vectors.set(this.vectors);
      this.vectors = vectors;
    }
    if (this.length < this.actual.length) return;
    const size = this.actual.length * 2;
    const grow = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.actual = grow(this.actual);
    this.predicted = grow(this.predicted);
    this.scores = grow(this.scores);
  }

  /** Vector mode: entry `k` of record `i`'s vector. */
  probability(i: number, k: number): number {
    return this.vectors[i * this.width + k]!;
  }

  /** Appends `other`'s records (whose vectors must have this sample's width, else they are skipped) and skips. */
  merge(other: ReferenceSample): void {
    for (const [reason, n] of Object.entries(other.skipped)) this.skipped[reason] = (this.skipped[reason] ?? 0) + n;
    for (let i = 0; i < other.length; i++) {
      const actual = other.labels.labels[other.actual[i]!]!;
      const predicted = other.labels.labels[other.predicted[i]!]!;
      if (this.mode === 'multiclass_vectors') {
        this.add({ actual, predicted, probabilities: other.vectors.subarray(i * other.width, (i + 1) * other.width) });
      } else {
        this.add({ actual, predicted, score: other.scores[i]! });
      }
    }
  }

  save(): AccumulatorState {
    const n = this.length;
    return {
      kind: 'reference-sample',
      version: 1,
      meta: { mode: this.mode, width: this.width, length: n, skipped: Object.entries(this.skipped) },
      arrays: {
        actual: this.actual.slice(0, n),
        predicted: this.predicted.slice(0, n),
        scores: this.scores.slice(0, n),
        vectors: this.vectors.slice(0, this.mode === 'multiclass_vectors' ? n * this.width : 0),
      },
      parts: { labels: this.labels.save() },
    };
  }

  static load(state: AccumulatorState): ReferenceSample {
    expectState(state, 'reference-sample', 1);
    const meta = state.meta as { mode?: unknown; width?: unknown; length?: unknown; skipped?: unknown };
    if (meta.mode !== 'binary' && meta.mode !== 'multiclass_vectors' && meta.mode !== 'multiclass_top_score') throw new InputError('state: a reference sample has no valid mode');
    const sample = new ReferenceSample(meta.mode, stateCount(meta.width, 'vector width'));
    const n = stateCount(meta.length);
    const actual = stateArray(state, 'actual', Int32Array);
    const predicted = stateArray(state, 'predicted', Int32Array);
    const scores = stateArray(state, 'scores', Float64Array);
    const vectors = stateArray(state, 'vectors', Float64Array);
    const labels = state.parts?.labels;
    if (labels === undefined || actual.length !== n || predicted.length !== n || scores.length !== n || vectors.length !== (meta.mode === 'multiclass_vectors' ? n * sample.width : 0)) {
      throw new InputError('state: a reference sample has columns that do not match its length');
    }
    const dictionary = LabelDictionary.load(labels);
    for (const code of [...actual, ...predicted]) if (code < 0 || code >= dictionary.size) throw new InputError('state: a reference sample has a label code out of range');
    for (const label of dictionary.labels) sample.labels.codeOf(label);
    Object.assign(sample, { length: n, actual, predicted, scores, vectors });
    if (!Array.isArray(meta.skipped)) throw new InputError('state: a reference sample has no skip counts');
    for (const entry of meta.skipped as unknown[]) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new InputError('state: a reference sample has an invalid skip count');
      sample.skipped[entry[0]] = stateCount(entry[1], 'skip count');
    }
    return sample;
  }
}

/**
 * Collects the labelled reference of suggest-baseline for either multiclass mode at once: the vector sample is used
 * when the responses carry probability vectors, the top-score sample otherwise. Binary problems use one sample.
 */
export class ReferenceCollector implements MergeableAccumulator<ReferenceCollector> {
  readonly #samples: ReferenceSample[];

  /** `classes`: multiclass, the number of vector entries when known in advance (0: from the first vector). */
  constructor(problemType: 'BinaryClassification' | 'MulticlassClassification', classes = 0) {
    this.#samples = problemType === 'BinaryClassification' ? [new ReferenceSample('binary')] : [new ReferenceSample('multiclass_vectors', classes), new ReferenceSample('multiclass_top_score')];
  }

  add(record: ReferenceRecord): void {
    for (const sample of this.#samples) sample.add(record);
  }

  merge(other: ReferenceCollector): void {
    if (other.#samples.length !== this.#samples.length) throw new RangeError('estimation: cannot merge reference samples of different problem types');
    this.#samples.forEach((sample, i) => sample.merge(other.#samples[i]!));
  }

  save(): AccumulatorState {
    return { kind: 'reference-collector', version: 1, meta: null, arrays: {}, parts: Object.fromEntries(this.#samples.map((s, i) => [String(i), s.save()])) };
  }

  static load(state: AccumulatorState): ReferenceCollector {
    expectState(state, 'reference-collector', 1);
    const parts = Object.keys(state.parts ?? {}).sort();
    if (parts.join() !== '0' && parts.join() !== '0,1') throw new InputError('state: a reference collector has no samples');
    const collector = new ReferenceCollector(parts.length === 1 ? 'BinaryClassification' : 'MulticlassClassification');
    collector.#samples.splice(0, collector.#samples.length, ...parts.map((p) => ReferenceSample.load(state.parts![p]!)));
    return collector;
  }

  /** The sample to fit on: binary; vectors when at least one record had a usable vector; else top scores. */
  sample(): ReferenceSample {
    return this.#samples.find((s) => s.length > 0) ?? this.#samples[this.#samples.length - 1]!;
  }
}
