/**
 * @module Reads what one response payload said about each of its records: a label candidate, a score and a
 * probability vector, with the record's payload index. Nothing here depends on the settings that may change after
 * the fact (threshold, positive label, binary-score mode): interpret-prediction.ts applies those, so predictions can
 * be stored as the response said them and judged again later (monitor/store/).
 *
 * Shapes read: the seed's [{"payload_index","label","score"}]; {"predictions": [...]} (SageMaker's built-in
 * algorithms); arrays of labels or regression values; arrays of probability vectors; columnar objects
 * ({"label": [...], "score": [...]}); CSV with one value or one probability row per line; JSON Lines.
 * inference_attribute / probability_attribute (a JSONPath or a column index) pick the fields when given; a column
 * index applies to CSV lines and to the rows of a JSON array of arrays. Where an item carries payload_index, that is
 * the record's index; otherwise its position. The problem type decides a few readings (a numeric row is one
 * regression value or a vector of class probabilities; the score a multiclass label takes from its vector).
 */
import { canonicalLabel } from '../metrics/labels.ts';
import type { ProblemType } from '../metrics/types.ts';
import { csvCells, csvRecordTexts } from './csv-records.ts';
import { parsePayloadJson, payloadLines, type DecodedPayload } from './decode-payload.ts';
import { RecordProblem } from './input-errors.ts';
import { describeValue } from './describe-value.ts';
import { argmax, asNumber } from './interpret-prediction.ts';
import { getPath, queryPath, type CompiledPath } from './json-path.ts';

/** The settings that say where a response's predictions are (fixed for a model; recorded with stored hours). */
export interface ExtractOptions {
  problemType: ProblemType;
  inferencePath?: CompiledPath;
  inferenceColumn?: number;
  probabilityPath?: CompiledPath;
  probabilityColumn?: number;
}

/** What a response said about one record: the arguments of interpretPrediction. */
export interface RawPrediction {
  /** payload_index. */
  index: number;
  /**
   * The label candidate as the response gave it: a string, a number or a boolean; undefined when the response had
   * none; null (or another value) when it had one that is no label.
   */
  label: unknown;
  /** The score, when the response gave one (a finite number). */
  score?: number;
  /** The probability vector, when the response gave one (finite numbers). */
  vector?: number[];
}

/** Receives each record's reading, in response order. May throw (a RecordProblem drops the whole response). */
export type RawVisitor = (index: number, label: unknown, score: number | undefined, vector: number[] | undefined) => void;

export const LABEL_KEYS = ['label', 'predicted_label', 'prediction', 'predicted_class', 'class', 'predicted_value', 'value', 'output'];
export const SCORE_KEYS = ['score', 'probability', 'confidence'];
const VECTOR_KEYS = ['probabilities', 'scores', 'probs', 'class_probabilities'];
const LIST_KEYS = ['predictions', 'outputs', 'results', 'instances'];

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

/** A CSV cell that is a whole number as written (`0`, `-1`, `12`; not `0.0` or `1e0`): a class label's spelling. */
const INTEGER_CELL = /^[+-]?\d+$/;

function isProbabilityPair(cells: readonly string[]): boolean {
  const vector = numericVector(cells);
  return vector !== undefined && isProbabilityVector(vector);
}

/** A two-cell row that can only be class probabilities: `1,0` in a classification problem, `0,1` in a binary one. */
function isOneHotRow(v: number[], problemType: ExtractOptions['problemType']): boolean {
  if (problemType === 'Regression') return false;
  return (v[0] === 1 && v[1] === 0) || (problemType === 'BinaryClassification' && v[0] === 0 && v[1] === 1);
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

function payloadIndexOf(item: Record<string, unknown>, position: number): number {
  return payloadIndexFrom(item.payload_index ?? item.payloadIndex, position);
}

/** The payload index an item's `payload_index ?? payloadIndex` (raw) gives the record at `position`. */
export function payloadIndexFrom(raw: unknown, position: number): number {
  if (raw === undefined) return position;
  const n = asNumber(raw);
  if (n === undefined || !Number.isInteger(n) || n < 0) {
    throw new RecordProblem('invalid_payload_index', `payload_index ${describeValue(raw)} at position ${position}`);
  }
  return n;
}

/** The number a lone item (a number, a numeric string, a one-element numeric array) holds, else undefined. */
function loneNumber(item: unknown): number | undefined {
  if (Array.isArray(item)) return item.length === 1 ? asNumber(item[0]) : undefined;
  return asNumber(item);
}

/**
 * BinaryClassification: whether a response's lone numbers are probabilities, not labels: one of them lies strictly
 * between 0 and 1. Then 0 and 1 in the same response are probabilities too (binary:logistic rounds a confident
 * prediction to exactly 1.0 in float32): read as labels, they lost their scores and the ROC AUC left out the most
 * confident records. A response of 0s and 1s alone stays labels (a model that predicts labels).
 */
function holdsProbabilities(values: readonly unknown[], o: ExtractOptions): boolean {
  if (o.problemType !== 'BinaryClassification' || o.inferenceColumn !== undefined || o.probabilityColumn !== undefined) return false;
  for (const v of values) {
    const n = loneNumber(v);
    if (n !== undefined && n > 0 && n < 1) return true;
  }
  return false;
}

/** One JSON item (array element, JSON Lines row). `probabilities`: the response's lone numbers are probabilities. */
function fromItem(item: unknown, position: number, o: ExtractOptions, visit: RawVisitor, probabilities = false): void {
  if (probabilities) {
    const n = loneNumber(item);
    if (n !== undefined && n >= 0 && n <= 1) return visit(position, undefined, n, undefined);
  }
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
      score = Number.isInteger(li) && li >= 0 && li < vector.length ? vector[li] : vector[argmax(vector)];
    }
    visit(index, labelRaw, score, vector);
    return;
  }
  if (Array.isArray(item) && (o.inferenceColumn !== undefined || o.probabilityColumn !== undefined)) {
    // A JSON row ([id, label, probability]) is read like a CSV line: the attributes are its column indexes.
    const labelRaw = o.inferenceColumn !== undefined ? item[o.inferenceColumn] : undefined;
    const scoreRaw = o.probabilityColumn !== undefined ? item[o.probabilityColumn] : undefined;
    if ((o.inferenceColumn !== undefined && labelRaw === undefined) || (o.probabilityColumn !== undefined && scoreRaw === undefined)) {
      throw new RecordProblem('missing_prediction', `row ${position + 1} has ${item.length} columns; the attribute column is missing`);
    }
    visit(position, labelRaw, asNumber(scoreRaw), undefined);
    return;
  }
  const vector = numericVector(item);
  if (vector !== undefined) {
    if (o.problemType === 'Regression' || vector.length === 1) visit(position, vector[0], undefined, undefined);
    else visit(position, undefined, undefined, vector);
    return;
  }
  visit(position, item, undefined, undefined);
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

function fromJson(value: unknown, o: ExtractOptions, visit: RawVisitor): void {
  // Absolute paths with [*] select one value per record over the whole response.
  if (o.inferencePath?.hasWildcard || o.probabilityPath?.hasWildcard) {
    const labels = o.inferencePath?.hasWildcard ? queryPath(value, o.inferencePath) : undefined;
    const scores = o.probabilityPath?.hasWildcard ? queryPath(value, o.probabilityPath) : undefined;
    const n = labels?.length ?? scores!.length;
    if (labels && scores && scores.length !== labels.length) {
      throw new RecordProblem('unrecognised_response', `inference_attribute selects ${labels.length} values but probability_attribute ${scores.length}`);
    }
    if (n === 0) throw new RecordProblem('unrecognised_response', 'the attribute paths select nothing in the response');
    for (let i = 0; i < n; i++) {
      const s = scores?.[i];
      const vector = numericVector(s);
      visit(i, labels?.[i], vector ? undefined : asNumber(s), vector);
    }
    return;
  }
  const items = itemsOf(value);
  const probabilities = holdsProbabilities(items, o);
  for (let i = 0; i < items.length; i++) fromItem(items[i], i, o, visit, probabilities);
}

function fromCsv(text: string, o: ExtractOptions, visit: RawVisitor): void {
  const rows = csvRecordTexts(text).map(csvCells);
  const probabilities = holdsProbabilities(
    rows.filter((cells) => cells.length === 1).map((cells) => cells[0]),
    o,
  );
  const fractionPairs = rows.some((cells) => cells.length === 2 && !INTEGER_CELL.test(cells[0]!) && isProbabilityPair(cells));
  for (let i = 0; i < rows.length; i++) {
    const cells = rows[i]!;
    if (o.inferenceColumn !== undefined || o.probabilityColumn !== undefined) {
      const labelRaw = o.inferenceColumn !== undefined ? cells[o.inferenceColumn] : undefined;
      const scoreCell = o.probabilityColumn !== undefined ? cells[o.probabilityColumn] : undefined;
      if ((o.inferenceColumn !== undefined && labelRaw === undefined) || (o.probabilityColumn !== undefined && scoreCell === undefined)) {
        throw new RecordProblem('missing_prediction', `CSV line ${i + 1} has ${cells.length} columns; the attribute column is missing`);
      }
      visit(i, labelRaw, asNumber(scoreCell), undefined);
    } else if (cells.length === 1) {
      const n = probabilities ? asNumber(cells[0]) : undefined;
      if (n !== undefined && n >= 0 && n <= 1) visit(i, undefined, n, undefined);
      else visit(i, cells[0], undefined, undefined);
    } else {
      const vector = numericVector(cells);
      // Two cells that sum to 1 are "label,score" when the first is a whole number (`0,0.9995`: class 0, confident;
      // the serving container's CSV), unless another line of the response is a pair of fractions (`0.3,0.7`): then
      // the response is two-class probabilities and `0,1` one of them. A one-hot row is probabilities too (certain
      // predict_proba rows written as `%g`): `1,0` as label,score would be a label with score 0, which no model
      // writes; `0,1` in a binary problem a negative label with P(positive) = 1. (`0,1` stays label,score for
      // multiclass: class 0 with confidence 1, the serving container's CSV.)
      const labelAndScore = cells.length === 2 && !fractionPairs && INTEGER_CELL.test(cells[0]!) && !(vector !== undefined && isOneHotRow(vector, o.problemType));
      if (vector !== undefined && isProbabilityVector(vector) && !labelAndScore) {
        visit(i, undefined, undefined, vector);
      } else if (cells.length >= 2 && asNumber(cells[1]) !== undefined) {
        // "label,score" (the serving container's CSV, SageMaker's linear learner): a label, then its score; any
        // further columns are the class probabilities.
        const rest = numericVector(cells.slice(2));
        visit(i, cells[0], o.problemType === 'BinaryClassification' && rest ? undefined : asNumber(cells[1]), rest);
      } else {
        throw new RecordProblem('unrecognised_response', `CSV line ${i + 1} has several columns that are neither probabilities nor label,score; set inference_attribute`);
      }
    }
  }
}

/**
 * Reads a decoded response, calling `visit` for each record in order. The caller then checks the payload indexes
 * with {@link checkPayloadIndexes} (after every record, so a record that cannot be read is reported first, as one
 * pass always did).
 *
 * @throws RecordProblem for a response it cannot read (and whatever `visit` throws).
 */
export function extractResponse(payload: DecodedPayload, o: ExtractOptions, visit: RawVisitor): void {
  if (payload.kind === 'csv') fromCsv(payload.text, o, visit);
  else if (payload.kind === 'jsonlines') {
    const lines = payloadLines(payload.text);
    const parse = (i: number): unknown => parsePayloadJson(lines[i]!, `endpointOutput line ${i + 1}`);
    if (o.problemType !== 'BinaryClassification') {
      for (let i = 0; i < lines.length; i++) fromItem(parse(i), i, o, visit);
      return;
    }
    // Binary: every line is read before the first is visited, to know whether its lone numbers are probabilities.
    const items = lines.map((_, i) => parse(i));
    const probabilities = holdsProbabilities(items, o);
    for (let i = 0; i < items.length; i++) fromItem(items[i], i, o, visit, probabilities);
  } else fromJson(parsePayloadJson(payload.text, 'endpointOutput'), o, visit);
}

/**
 * Throws unless a response held at least one record and each payload index names one of its records, 0..n-1, once.
 * An index past the records (5 in a 2-record response, 1e20) used to be accepted and could join a label of another
 * key (issue 14, item 11).
 */
export function checkPayloadIndexes(records: ReadonlyArray<{ index: number }>): void {
  if (records.length === 0) throw new RecordProblem('unrecognised_response', 'the response holds no predictions');
  const n = records.length;
  const seen = new Uint8Array(n);
  for (const r of records) {
    if (r.index >= n) throw new RecordProblem('payload_index_out_of_range', `payload_index ${r.index} in a response of ${n} records (expected 0..${n - 1})`);
    if (seen[r.index] === 1) throw new RecordProblem('invalid_payload_index', `payload_index ${r.index} appears twice in one response`);
    seen[r.index] = 1;
  }
}

/** Reads a decoded response into one RawPrediction per record, its payload indexes checked. */
export function extractRawPredictions(payload: DecodedPayload, o: ExtractOptions): RawPrediction[] {
  const out: RawPrediction[] = [];
  extractResponse(payload, o, (index, label, score, vector) => void out.push(rawPrediction(index, label, score, vector)));
  checkPayloadIndexes(out);
  return out;
}

/** A RawPrediction with only the fields that are present. */
export function rawPrediction(index: number, label: unknown, score: number | undefined, vector: number[] | undefined): RawPrediction {
  const raw: RawPrediction = { index, label };
  if (score !== undefined) raw.score = score;
  if (vector !== undefined) raw.vector = vector;
  return raw;
}
