/**
 * @module Alert thresholds for `estimated_<metric>` constraints, NannyML's default way (nannyml/thresholds.py,
 * StandardDeviationThreshold): split the labelled reference, in its order, into chunks the size of a monitoring
 * window, compute each chunk's realized metric, and take the chunks' mean -/+ 3 standard deviations, clipped to the
 * metric's range [0, 1]. Undefined chunk values (auc in a chunk with one class) are left out, as numpy's nanmean and
 * nanstd do. Unlike NannyML's default chunker, a remainder smaller than a chunk joins the last chunk instead of
 * forming a small chunk of its own, whose spread would widen the thresholds.
 */
import { binaryScalars } from '../metrics/binary-metrics.ts';
import { multiclassScalars, perClassMetrics } from '../metrics/multiclass-metrics.ts';
import { RankingSums } from '../metrics/ranking-metrics.ts';
import type { MetricThreshold, ReferenceThresholds } from './calibration-artefact.ts';
import { marginalsOf, meanAndStd, type BinaryReference, type MulticlassReference } from './reference-sampling-error.ts';

/** Standard deviations between the chunks' mean and each threshold (NannyML's default multiplier). */
export const THRESHOLD_STD_MULTIPLIER = 3;
/** Chunks of the reference when no window size is given (NannyML's DefaultChunker). */
export const DEFAULT_CHUNK_COUNT = 10;

/** [start, end) record ranges of the chunks, or a reason when fewer than 2 chunks fit. */
export function referenceChunks(records: number, chunkSize?: number): Array<[number, number]> | string {
  const size = chunkSize ?? Math.floor(records / DEFAULT_CHUNK_COUNT);
  if (!(size >= 1) || Math.floor(records / size) < 2) {
    return `the reference has ${records} records: fewer than 2 chunks of ${Math.max(1, size)} (the records of one monitoring window)`;
  }
  const count = Math.floor(records / size);
  return Array.from({ length: count }, (_, c): [number, number] => [c * size, c === count - 1 ? records : (c + 1) * size]);
}

/** Mean -/+ 3 std of the defined chunk values of each metric, clipped to [0, 1]. */
export function thresholdsFrom(chunkValues: Array<Record<string, number | undefined>>, metrics: readonly string[], chunkSize: number): ReferenceThresholds {
  const out: ReferenceThresholds = { chunk_size: chunkSize, chunks: chunkValues.length, std_multiplier: THRESHOLD_STD_MULTIPLIER, metrics: {} };
  for (const metric of metrics) {
    const values = chunkValues.map((chunk) => chunk[metric]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (values.length === 0) {
      (out.not_computed ??= {})[metric] = `${metric} is undefined in every reference chunk`;
      continue;
    }
    const { mean, std } = meanAndStd(values);
    const threshold: MetricThreshold = {
      mean,
      std,
      lower: Math.max(0, mean - THRESHOLD_STD_MULTIPLIER * std),
      upper: Math.min(1, mean + THRESHOLD_STD_MULTIPLIER * std),
    };
    out.metrics[metric] = threshold;
  }
  return out;
}

/** Realized binary metrics of records [start, end), with the realized metrics' own definitions. */
export function binaryChunkMetrics(ref: BinaryReference, start: number, end: number): Record<string, number | undefined> {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = start; i < end; i++) {
    if (ref.predicted[i]) {
      if (ref.actual[i]) tp++;
      else fp++;
    } else if (ref.actual[i]) fn++;
    else tn++;
  }
  const order = Array.from({ length: end - start }, (_, i) => start + i).sort((a, b) => ref.scores[b]! - ref.scores[a]!);
  const ranking = new RankingSums();
  for (let k = 0; k < order.length; ) {
    const score = ref.scores[order[k]!]!;
    let positives = 0;
    let negatives = 0;
    for (; k < order.length && ref.scores[order[k]!] === score; k++) {
      if (ref.actual[order[k]!]) positives++;
      else negatives++;
    }
    ranking.step(positives, negatives);
  }
  const { values } = binaryScalars({ truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn, correct: tp + tn, total: end - start }, ranking);
  return { accuracy: values.accuracy, precision: values.precision, recall: values.recall, f1: values.f1, true_negative_rate: values.true_negative_rate, auc: values.auc };
}

/** Realized multiclass metrics of records [start, end): accuracy, weighted and macro precision, recall, f1. */
export function multiclassChunkMetrics(ref: MulticlassReference, labels: readonly string[], codes: readonly number[], start: number, end: number): Record<string, number | undefined> {
  const indexes = Array.from({ length: end - start }, (_, i) => start + i);
  const marginals = marginalsOf(ref, indexes);
  const { values } = multiclassScalars(marginals, codes);
  const { macro } = perClassMetrics(marginals, labels, codes);
  return {
    accuracy: values.accuracy,
    weighted_precision: values.weighted_precision,
    weighted_recall: values.weighted_recall,
    weighted_f1: values.weighted_f1,
    macro_precision: macro.precision,
    macro_recall: macro.recall,
    macro_f1: macro.f1,
  };
}

/** Realized accuracy of records [start, end) from 0/1 correctness. */
export function accuracyChunkMetrics(correct: Uint8Array, start: number, end: number): Record<string, number | undefined> {
  let ones = 0;
  for (let i = start; i < end; i++) ones += correct[i]!;
  return { accuracy: ones / (end - start) };
}
