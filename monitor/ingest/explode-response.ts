/**
 * @module Explodes one response payload into predictions, one per record, each with its payload index.
 *
 * Shapes read: the seed's [{"payload_index","label","score"}]; {"predictions": [...]} (SageMaker's built-in
 * algorithms); arrays of labels or regression values; arrays of probability vectors (label = argmax, score = max);
 * columnar objects ({"label": [...], "score": [...]}); CSV with one value or one probability row per line; JSON
 * Lines. inference_attribute / probability_attribute (a JSONPath or a column index) pick the fields when given; a
 * column index applies to CSV lines and to the rows of a JSON array of arrays.
 * Where an item carries payload_index, that is the record's index; otherwise its position.
 */
import { canonicalLabel } from '../metrics/labels.ts';
import type { ProblemType } from '../metrics/types.ts';
import { parsePayloadJson, payloadLines, type DecodedPayload } from './decode-payload.ts';
import { RecordProblem } from './input-errors.ts';
import { getPath, queryPath, type CompiledPath } from './json-path.ts';

export interface Prediction {
  /** payload_index: the record's position in the request. */
  index: number;
  /** Classification: the canonical predicted label. */
  label?: string;
  /** Binary: probability of the positive label. Multiclass: probability of the predicted label. */
  score?: number;
  /** Regression: the predicted value. */
  value?: number;
}

export interface ResponseOptions {
  problemType: ProblemType;
  inferencePath?: CompiledPath;
  inferenceColumn?: number;
  probabilityPath?: CompiledPath;
  probabilityColumn?: number;
  /** Binary: score >= threshold is the positive label. */
  threshold?: number;
  positiveLabel: string;
  negativeLabel: string;
  /**
   * Binary: what a response's score is. "positive" (default): the probability of the positive label (xgboost
   * binary:logistic, linear learner, the serving container). "predicted": the confidence of the predicted label (the
   * seed's max-probability score), turned into P(positive) as 1 - score for negative predictions.
   */
  binaryScore?: 'positive' | 'predicted';
}

const LABEL_KEYS = ['label', 'predicted_label', 'prediction', 'predicted_class', 'class', 'predicted_value', 'value', 'output'];
const SCORE_KEYS = ['score', 'probability', 'confidence'];
const VECTOR_KEYS = ['probabilities', 'scores', 'probs', 'class_probabilities'];
const LIST_KEYS = ['predictions', 'outputs', 'results', 'instances'];

/** The negative label paired with a positive one in binary problems. */
export function negativeLabelFor(positive: string): string {
  const pairs: Record<string, string> = { '1': '0', true: 'false', yes: 'no', Yes: 'No', YES: 'NO', positive: 'negative', pos: 'neg', True: 'False' };
  return pairs[positive] ?? `not ${positive}`;
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function numericVector(v: unknown): number[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const out: number[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const n = asNumber(v[i]);
    if (n === undefined) return undefined;
    out[i] = n;
  }
  return out;
}

/** Several numbers in [0, 1] that sum to 1 are class probabilities. */
function isProbabilityVector(v: number[]): boolean {
  let sum = 0;
  for (const x of v) {
    if (x < 0 || x > 1) return false;
    sum += x;
  }
  return Math.abs(sum - 1) < 1e-3;
}

function argmax(v: number[]): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/**
 * Builds a prediction from a label candidate, a score and a probability vector, by problem type (also used for
 * tabular datasets, whose prediction and probability columns are read the same way).
 */
export function toPrediction(index: number, labelRaw: unknown, score: number | undefined, vector: number[] | undefined, o: ResponseOptions): Prediction {
  if (o.problemType === 'Regression') {
    const value = asNumber(labelRaw) ?? (vector?.length === 1 ? vector[0] : undefined) ?? score;
    if (value === undefined) throw new RecordProblem('missing_prediction', `item ${index} has no numeric prediction`);
    return { index, value };
  }
  if (o.problemType === 'BinaryClassification') {
    if (vector !== undefined && score === undefined) {
      // Two probabilities: the positive label's column is its class index (1 for labels 0/1).
      const pos = Number(o.positiveLabel);
      const col = Number.isInteger(pos) && pos >= 0 && pos < vector.length ? pos : vector.length - 1;
      score = vector[col];
      if (labelRaw === undefined) labelRaw = argmax(vector) === col ? o.positiveLabel : o.negativeLabel;
    }
    let label = canonicalLabel(labelRaw);
    if (o.binaryScore === 'predicted' && score !== undefined && label !== undefined && vector === undefined) {
      score = label === o.positiveLabel ? score : 1 - score;
    }
    // A lone number in (0,1) is a probability (binary:logistic, linear-learner scores), not a label.
    if (score === undefined && label !== undefined && typeof labelRaw !== 'boolean') {
      const n = Number(label);
      if (Number.isFinite(n) && n > 0 && n < 1) {
        score = n;
        label = undefined;
      }
    }
    if (score !== undefined && (o.threshold !== undefined || label === undefined)) {
      label = score >= (o.threshold ?? 0.5) ? o.positiveLabel : o.negativeLabel;
    }
    if (label === undefined) throw new RecordProblem('missing_prediction', `item ${index} has no predicted label or score`);
    return score === undefined ? { index, label } : { index, label, score };
  }
  if (vector !== undefined) {
    const best = argmax(vector);
    return { index, label: canonicalLabel(labelRaw) ?? String(best), score: score ?? vector[best] };
  }
  const label = canonicalLabel(labelRaw);
  if (label === undefined) throw new RecordProblem('missing_prediction', `item ${index} has no predicted label`);
  return score === undefined ? { index, label } : { index, label, score };
}

function payloadIndexOf(item: Record<string, unknown>, position: number): number {
  const raw = item.payload_index ?? item.payloadIndex;
  if (raw === undefined) return position;
  const n = asNumber(raw);
  if (n === undefined || !Number.isInteger(n) || n < 0) {
    throw new RecordProblem('invalid_payload_index', `payload_index ${JSON.stringify(raw)} at position ${position}`);
  }
  return n;
}

/** One JSON item (array element, JSON Lines row) to a prediction. */
function fromItem(item: unknown, position: number, o: ResponseOptions): Prediction {
  if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
    const obj = item as Record<string, unknown>;
    const index = payloadIndexOf(obj, position);
    let labelRaw: unknown;
    if (o.inferencePath && !o.inferencePath.hasWildcard) labelRaw = getPath(obj, o.inferencePath);
    else {
      const key = LABEL_KEYS.find((k) => obj[k] !== undefined);
      if (key !== undefined) labelRaw = obj[key];
    }
    let scoreRaw: unknown;
    if (o.probabilityPath && !o.probabilityPath.hasWildcard) scoreRaw = getPath(obj, o.probabilityPath);
    else {
      const key = SCORE_KEYS.find((k) => obj[k] !== undefined);
      if (key !== undefined) scoreRaw = obj[key];
    }
    let vector = numericVector(scoreRaw);
    let score = vector ? undefined : asNumber(scoreRaw);
    if (vector === undefined) {
      const key = VECTOR_KEYS.find((k) => Array.isArray(obj[k]));
      if (key !== undefined) vector = numericVector(obj[key]);
    }
    if (Array.isArray(labelRaw)) {
      // {"label": [2]} or a vector where a label was expected.
      const v = numericVector(labelRaw);
      if (v?.length === 1) labelRaw = v[0];
      else if (v) {
        vector ??= v;
        labelRaw = undefined;
      }
    }
    if (vector !== undefined && o.problemType === 'MulticlassClassification' && score === undefined && labelRaw !== undefined) {
      const l = canonicalLabel(labelRaw);
      const li = l === undefined ? NaN : Number(l);
      score = Number.isInteger(li) && li >= 0 && li < vector.length ? vector[li] : Math.max(...vector);
    }
    return toPrediction(index, labelRaw, score, vector, o);
  }
  if (Array.isArray(item) && (o.inferenceColumn !== undefined || o.probabilityColumn !== undefined)) {
    // A JSON row ([id, label, probability]) is read like a CSV line: the attributes are its column indexes.
    const labelRaw = o.inferenceColumn !== undefined ? item[o.inferenceColumn] : undefined;
    const scoreRaw = o.probabilityColumn !== undefined ? item[o.probabilityColumn] : undefined;
    if ((o.inferenceColumn !== undefined && labelRaw === undefined) || (o.probabilityColumn !== undefined && scoreRaw === undefined)) {
      throw new RecordProblem('missing_prediction', `row ${position + 1} has ${item.length} columns; the attribute column is missing`);
    }
    return toPrediction(position, labelRaw, asNumber(scoreRaw), undefined, o);
  }
  const vector = numericVector(item);
  if (vector !== undefined) {
    if (o.problemType === 'Regression' || vector.length === 1) return toPrediction(position, vector[0], undefined, undefined, o);
    return toPrediction(position, undefined, undefined, vector, o);
  }
  return toPrediction(position, item, undefined, undefined, o);
}

/** The list of per-record items in a parsed JSON response. */
function itemsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const k of LIST_KEYS) if (Array.isArray(obj[k])) return obj[k] as unknown[];
    // Columnar: {"label": [...], "score": [...]} with equal lengths.
    const entries = Object.entries(obj);
    const arrays = entries.filter(([, v]) => Array.isArray(v)) as Array<[string, unknown[]]>;
    if (arrays.length > 0 && arrays.length === entries.length) {
      const n = arrays[0]![1].length;
      if (arrays.every(([, v]) => v.length === n) && arrays.some(([k]) => LABEL_KEYS.includes(k) || SCORE_KEYS.includes(k) || k === 'payload_index')) {
        return Array.from({ length: n }, (_, i) => Object.fromEntries(arrays.map(([k, v]) => [k, v[i]])));
      }
    }
    return [value]; // one record's prediction object
  }
  return [value];
}

function fromJson(value: unknown, o: ResponseOptions): Prediction[] {
  // Absolute paths with [*] select one value per record over the whole response.
  if (o.inferencePath?.hasWildcard || o.probabilityPath?.hasWildcard) {
    const labels = o.inferencePath?.hasWildcard ? queryPath(value, o.inferencePath) : undefined;
    const scores = o.probabilityPath?.hasWildcard ? queryPath(value, o.probabilityPath) : undefined;
    const n = labels?.length ?? scores!.length;
    if (labels && scores && scores.length !== labels.length) {
      throw new RecordProblem('unrecognised_response', `inference_attribute selects ${labels.length} values but probability_attribute ${scores.length}`);
    }
    if (n === 0) throw new RecordProblem('unrecognised_response', 'the attribute paths select nothing in the response');
    const out: Prediction[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const s = scores?.[i];
      const vector = numericVector(s);
      out[i] = toPrediction(i, labels?.[i], vector ? undefined : asNumber(s), vector, o);
    }
    return out;
  }
  const items = itemsOf(value);
  const out: Prediction[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) out[i] = fromItem(items[i], i, o);
  return out;
}

function fromCsv(text: string, o: ResponseOptions): Prediction[] {
  const lines = payloadLines(text);
  const out: Prediction[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const cells = lines[i]!.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (o.inferenceColumn !== undefined || o.probabilityColumn !== undefined) {
      const labelRaw = o.inferenceColumn !== undefined ? cells[o.inferenceColumn] : undefined;
      const scoreCell = o.probabilityColumn !== undefined ? cells[o.probabilityColumn] : undefined;
      if ((o.inferenceColumn !== undefined && labelRaw === undefined) || (o.probabilityColumn !== undefined && scoreCell === undefined)) {
        throw new RecordProblem('missing_prediction', `CSV line ${i + 1} has ${cells.length} columns; the attribute column is missing`);
      }
      out[i] = toPrediction(i, labelRaw, asNumber(scoreCell), undefined, o);
    } else if (cells.length === 1) {
      out[i] = toPrediction(i, cells[0], undefined, undefined, o);
    } else {
      const vector = numericVector(cells);
      if (vector !== undefined && isProbabilityVector(vector)) {
        out[i] = toPrediction(i, undefined, undefined, vector, o);
      } else if (cells.length >= 2 && asNumber(cells[1]) !== undefined) {
        // "label,score" (the serving container's CSV, SageMaker's linear learner): a label, then its score; any
        // further columns are the class probabilities.
        const rest = numericVector(cells.slice(2));
        out[i] = toPrediction(i, cells[0], o.problemType === 'BinaryClassification' && rest ? undefined : asNumber(cells[1]), rest, o);
      } else {
        throw new RecordProblem('unrecognised_response', `CSV line ${i + 1} has several columns that are neither probabilities nor label,score; set inference_attribute`);
      }
    }
  }
  return out;
}

/** Explodes a decoded response into predictions; throws RecordProblem for a response it cannot read. */
export function explodeResponse(payload: DecodedPayload, o: ResponseOptions): Prediction[] {
  let predictions: Prediction[];
  if (payload.kind === 'csv') predictions = fromCsv(payload.text, o);
  else if (payload.kind === 'jsonlines') {
    const lines = payloadLines(payload.text);
    predictions = lines.map((line, i) => fromItem(parsePayloadJson(line, `endpointOutput line ${i + 1}`), i, o));
  } else predictions = fromJson(parsePayloadJson(payload.text, 'endpointOutput'), o);
  if (predictions.length === 0) throw new RecordProblem('unrecognised_response', 'the response holds no predictions');
  const seen = new Set<number>();
  for (const p of predictions) {
    if (seen.has(p.index)) throw new RecordProblem('invalid_payload_index', `payload_index ${p.index} appears twice in one response`);
    seen.add(p.index);
  }
  return predictions;
}
