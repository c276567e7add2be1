/**
 * @module Encodes predictions for the response, one entry per record, in request order.
 *
 * JSON (the seed's shape): `[{"payload_index": i, "label": k, "score": s}, ...]`.
 * - multiclass: label = the most probable class (argmax), score = its probability; verbose adds "probabilities".
 * - binary:logistic: label = 1 when P(1) > 0.5 (as XGBClassifier.predict), score = P(1), what xgboost's predict()
 *   returns and what a monitor's probability attribute expects (AUC needs the positive class's probability);
 *   verbose adds "probabilities": [P(0), P(1)]. binary:logitraw and binary:hinge: score is the raw margin, label = margin > 0.
 * - regression: `{"payload_index": i, "score": value}`.
 * JSON Lines: the same objects, one per line. CSV: one line per record, `label,score` (regression: `score`), verbose
 * appending the probabilities.
 */

import type { Objective } from '../model/objectives.ts';
import type { Predictions } from '../model/predict.ts';
import type { ResponseType } from './media-type.ts';

/** One record's result. */
export interface RecordResult {
  payload_index: number;
  label?: number;
  score: number;
  probabilities?: number[];
}

/** Turns the evaluator's outputs into one result per record. */
export function toRecordResults(objective: Objective, predictions: Predictions, verbose: boolean): RecordResult[] {
  const { outputs, margins, numGroups } = predictions;
  const numRows = outputs.length / numGroups;
  const results: RecordResult[] = new Array(numRows);
  for (let r = 0; r < numRows; r++) {
    const base = r * numGroups;
    if (objective.task === 'multiclass') {
      // The class of the largest margin, as xgboost's multi:softmax predict() (the first on ties): two margins one
      // float32 step apart can round to the same probability, where the probabilities' argmax would take the first.
      let label = 0;
      for (let k = 1; k < numGroups; k++) if (margins[base + k]! > margins[base + label]!) label = k;
      const result: RecordResult = { payload_index: r, label, score: outputs[base + label]! };
      if (verbose) result.probabilities = Array.from(outputs.subarray(base, base + numGroups));
      results[r] = result;
    } else if (objective.task === 'binary') {
      // No probability to give: the label is the margin's sign (xgboost's predict() for binary:hinge), the score the margin.
      if (objective.marginScore) {
        const margin = margins[base]!;
        results[r] = { payload_index: r, label: margin > 0 ? 1 : 0, score: margin };
      } else {
        const p1 = outputs[base]!;
        const p0 = Math.fround(1 - p1);
        const label = p1 > 0.5 ? 1 : 0;
        const result: RecordResult = { payload_index: r, label, score: p1 };
        if (verbose) result.probabilities = [p0, p1];
        results[r] = result;
      }
    } else {
      results[r] = { payload_index: r, score: outputs[base]! };
    }
  }
  return results;
}

/** Serializes results in the negotiated format. */
export function encodeResults(results: readonly RecordResult[], type: ResponseType): string {
  switch (type.format) {
    case 'json':
      return JSON.stringify(results);
    case 'jsonlines':
      return results.map((r) => JSON.stringify(r)).join('\n') + '\n';
    case 'csv':
      return results.map(csvLine).join('\n') + '\n';
  }
}

function csvLine(r: RecordResult): string {
  const fields: number[] = r.label === undefined ? [r.score] : [r.label, r.score];
  if (r.probabilities) fields.push(...r.probabilities);
  return fields.join(',');
}
