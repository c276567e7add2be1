/**
 * @module Decodes one capture JSONL line into the record's key and its predictions, or says why it is skipped.
 */
import type { DatasetFormat } from '../config/dataset-format.ts';
import { parseInferenceTime } from '../config/time.ts';
import { csvCells, csvRecordTexts } from './csv-records.ts';
import { decodePayload, type CapturedPayload, type DecodedPayload } from './decode-payload.ts';
import { countRequestRecords } from './count-request.ts';
import { explodeResponse, UninterpretedReadings, type Prediction, type RawPrediction, type ResponseOptions } from './explode-response.ts';
import { RecordProblem } from './input-errors.ts';
import { decodeGroundTruthData } from './ground-truth-data.ts';
import { describeValue } from './describe-value.ts';
import { loneSurrogateAt } from './lone-surrogate.ts';
import { jsonErrorDetail } from './json-error.ts';
import { canonicalLabel } from '../metrics/labels.ts';
import type { ReadLimits } from './read-limits.ts';

export interface CaptureLineOptions {
  response: ResponseOptions;
  window: { start?: number; end?: number };
  format: Extract<DatasetFormat, { kind: 'sagemakerCaptureJson' | 'sagemakerMergeJson' }>;
  /** Whether to decode endpointInput to check that the request and response counts agree. */
  checkRequestCount: boolean;
  /** Limits on lines, files and gzip streams (default DEFAULT_READ_LIMITS). */
  limits?: ReadLimits;
  /** Whether to keep what the response said (`raw`) and the eventId, for the prediction store. Default false. */
  keepRaw?: boolean;
}

export type DecodedLine =
  | {
      status: 'ok';
      id: string;
      idSource: 'inferenceId' | 'eventId';
      inferenceTime?: number;
      predictions: Prediction[];
      labels?: Map<number, unknown>;
      /** With keepRaw: what the response said about each record, in the order of `predictions`. */
      raw?: RawPrediction[];
      /** With keepRaw: eventMetadata.eventId when it is a non-empty string. */
      eventId?: string;
    }
  | { status: 'skipped'; reason: 'outside_window' | 'shadow_traffic' };

/** One capture record read in the window: its key, its predictions and, in merged capture, its labels. */
export type CaptureRecord = Extract<DecodedLine, { status: 'ok' }>;

/**
 * A record that is an input error of this run only because of its settings (UninterpretedReadings: a binary label
 * outside the two classes), whose readings are whole: with keepRaw, `record` (no predictions, its `raw` readings)
 * is what the prediction store keeps of it, as a run that read it without those settings would have.
 */
export class RejectedRecord extends RecordProblem {
  constructor(
    problem: RecordProblem,
    readonly record: CaptureRecord,
  ) {
    super(problem.reason, problem.detail);
  }
}

/** A note about a record that is read all the same. */
export type LineWarning = 'no_inference_time';

/** The record counts a request is consistent with (count-request.ts over the decoded payload); throws RecordProblem. */
export type RequestCounter = (input: CapturedPayload) => number[];

/**
 * A response found in the line's bytes: the record's endpointOutput.data is `placeholder`; `readJson` gives its
 * predictions (with `raw` as explodeResponse) when it is JSON read flat from the bytes, undefined when it must be
 * decoded as usual from `data()`, its text.
 */
export interface ResponseFromBytes {
  readonly placeholder: string;
  readJson(output: CapturedPayload, raw: RawPrediction[] | undefined): Prediction[] | undefined;
  data(): string;
}

/** Today's request count: decode the request's text and parse it (count-request.ts). */
export const parseRequestCounts: RequestCounter = (input) => countRequestRecords(decodePayload(input, 'endpointInput')).counts;

export function decodeCaptureLine(line: string, o: CaptureLineOptions, warn: (w: LineWarning) => void): DecodedLine {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    // Never V8's quote of the line: a file that is not capture must not be echoed into reports (issue 14, item 6).
    throw new RecordProblem('invalid_json', jsonErrorDetail(error));
  }
  return decodeCaptureRecord(record, o, warn, parseRequestCounts);
}

/**
 * Decodes a capture record already parsed from its line. `countRequest` gives the request's record counts when the
 * count check is on (capture-line-bytes.ts passes one that reads the request from the line's bytes); `fromBytes`
 * reads the response when its data is the placeholder (the response was read from the line's bytes).
 */
export function decodeCaptureRecord(
  record: unknown,
  o: CaptureLineOptions,
  warn: (w: LineWarning) => void,
  countRequest: RequestCounter,
  fromBytes?: ResponseFromBytes,
): DecodedLine {
  if (record === null || typeof record !== 'object') throw new RecordProblem('not_a_capture_record');
  const rec = record as { captureData?: Record<string, CapturedPayload>; eventMetadata?: Record<string, unknown>; groundTruthData?: unknown };
  const captureData = rec.captureData;
  if (captureData === null || typeof captureData !== 'object') throw new RecordProblem('not_a_capture_record');
  const meta = rec.eventMetadata && typeof rec.eventMetadata === 'object' ? rec.eventMetadata : {};

  if (meta.invocationSource === 'ShadowExperiment') return { status: 'skipped', reason: 'shadow_traffic' };

  const time = parseInferenceTime(meta.inferenceTime);
  const { start, end } = o.window;
  if (start !== undefined || end !== undefined) {
    if (time === undefined) throw new RecordProblem('invalid_inference_time', meta.inferenceTime === undefined ? 'no inferenceTime' : `inferenceTime ${describeValue(meta.inferenceTime)}`);
    if ((start !== undefined && time < start) || (end !== undefined && time >= end)) return { status: 'skipped', reason: 'outside_window' };
  } else if (time === undefined) {
    warn('no_inference_time');
  }

  const eventId = meta.eventId;
  const { id, idSource } = recordKey(meta.inferenceId, eventId);

  const output = captureData.endpointOutput;
  if (!output || typeof output !== 'object' || output.data === undefined || output.data === null) throw new RecordProblem('missing_endpoint_output');
  const raw = o.keepRaw ? ([] as RawPrediction[]) : undefined;
  const input = captureData.endpointInput;
  const checkCount = o.checkRequestCount && input !== null && typeof input === 'object' && typeof input.data === 'string';
  let counts: number[] | undefined;
  const requestCounts = (): number[] => (counts ??= countRequest(input!));
  const bytes = fromBytes !== undefined && output.data === fromBytes.placeholder ? fromBytes : undefined;
  let predictions: Prediction[];
  try {
    predictions = bytes?.readJson(output, raw) ?? readPredictions(bytes === undefined ? output : { ...output, data: bytes.data() }, o.response, raw, checkCount ? requestCounts : undefined);
  } catch (error) {
    if (error instanceof UninterpretedReadings && (!checkCount || countAgrees(requestCounts, error.readings.length))) {
      throw new RejectedRecord(error, { status: 'ok', id, idSource, inferenceTime: time, predictions: [], raw: error.readings, ...(typeof eventId === 'string' && eventId !== '' ? { eventId } : {}) });
    }
    throw error;
  }
  if (checkCount && !requestCounts().includes(predictions.length)) {
    throw new RecordProblem('count_mismatch', `request has ${requestCounts()[0]} records, response has ${predictions.length} predictions`);
  }

  const labels = o.format.kind === 'sagemakerMergeJson' ? mergedLabels(rec.groundTruthData, o.response) : undefined;
  if (raw !== undefined) {
    return { status: 'ok', id, idSource, inferenceTime: time, predictions, labels, raw, ...(typeof eventId === 'string' && eventId !== '' ? { eventId } : {}) };
  }
  return { status: 'ok', id, idSource, inferenceTime: time, predictions, labels };
}

/**
 * The key a record joins its labels by: its inferenceId, else its eventId. Ids are strings, never coerced ("007" and
 * "7" differ). A key that is not valid Unicode (a lone surrogate from a `\ud800` escape) is an input error: no UTF-8
 * file can hold it, so the prediction store wrote it as U+FFFD, two such ids became one and a delayed judging lost
 * their labels. A numeric id keeps its digits only when JSON parses it exactly, as for ground-truth ids.
 */
function recordKey(inferenceId: unknown, eventId: unknown): { id: string; idSource: 'inferenceId' | 'eventId' } {
  if (typeof inferenceId === 'string' && inferenceId !== '') return { id: wellFormed(inferenceId, 'inferenceId'), idSource: 'inferenceId' };
  if (typeof inferenceId === 'number') {
    if (!Number.isSafeInteger(inferenceId)) throw new RecordProblem('invalid_inference_id', `inferenceId ${describeValue(inferenceId)} is a number that is not a whole number below 2^53 in size; write ids as strings`);
    return { id: String(inferenceId), idSource: 'inferenceId' };
  }
  if (typeof eventId === 'string' && eventId !== '') return { id: wellFormed(eventId, 'eventId'), idSource: 'eventId' };
  throw new RecordProblem('missing_event_id');
}

function wellFormed(id: string, field: string): string {
  const at = loneSurrogateAt(id);
  if (at >= 0) throw new RecordProblem('invalid_inference_id', `${field} holds a lone surrogate \\u${id.charCodeAt(at).toString(16)} at character ${at}: not valid Unicode`);
  return id;
}

/** Whether the request's record counts include `n` (false when the request cannot be counted). */
function countAgrees(requestCounts: () => number[], n: number): boolean {
  try {
    return requestCounts().includes(n);
  } catch {
    return false;
  }
}

/**
 * The predictions of a response. With the count check (`requestCounts`), a one-line CSV of one value per record of
 * the request is read by that count when it does not read as that many records alone (`0.2,0.8,0.6` in binary is no
 * label,score); the response's own problem stays the reason when no reading works or the request cannot be counted.
 */
function readPredictions(output: CapturedPayload, o: ResponseOptions, raw: RawPrediction[] | undefined, requestCounts: (() => number[]) | undefined): Prediction[] {
  const payload = decodePayload(output, 'endpointOutput');
  let predictions: Prediction[];
  try {
    predictions = explodeResponse(payload, o, raw);
  } catch (error) {
    if (!(error instanceof RecordProblem) || requestCounts === undefined) throw error;
    let counts: number[];
    try {
      counts = requestCounts();
    } catch {
      throw error;
    }
    return oneValuePerRecord(payload, counts, o, raw) ?? throwAgain(error);
  }
  if (requestCounts === undefined || requestCounts().includes(predictions.length)) return predictions;
  return oneValuePerRecord(payload, requestCounts(), o, raw) ?? predictions;
}

function throwAgain(error: unknown): never {
  throw error;
}

/**
 * A CSV response of one line holding one value per record of the request (SageMaker's XGBoost containers before
 * 1.2 answer a CSV batch with `0.2,0.8,0.6`), read as one line per value; undefined when the response is not such a
 * line for any of the request's `counts` (or attribute columns are set: the line is then one record's columns).
 */
function oneValuePerRecord(payload: DecodedPayload, counts: number[], o: ResponseOptions, raw: RawPrediction[] | undefined): Prediction[] | undefined {
  if (payload.kind !== 'csv' || o.inferenceColumn !== undefined || o.probabilityColumn !== undefined) return undefined;
  const lines = csvRecordTexts(payload.text);
  if (lines.length !== 1) return undefined;
  const cells = csvCells(lines[0]!);
  if (cells.length < 2 || !counts.includes(cells.length)) return undefined;
  // `raw` is cleared for the new reading; when it fails too, the record is an input error and `raw` is dropped with it.
  if (raw !== undefined) raw.length = 0;
  try {
    return explodeResponse({ kind: 'csv', text: cells.join('\n') }, o, raw);
  } catch (error) {
    if (error instanceof RecordProblem) return undefined;
    throw error;
  }
}

/** The labels a merged capture record carries; with the binary classes settled, a third label is an input error. */
function mergedLabels(groundTruthData: unknown, response: ResponseOptions): Map<number, unknown> {
  const labels = decodeGroundTruthData(groundTruthData);
  if (labels === undefined) throw new RecordProblem('missing_ground_truth_in_record');
  if (!(labels instanceof Map)) throw new RecordProblem('missing_ground_truth_in_record', labels.problem);
  if (response.binaryStrict) {
    for (const value of labels.values()) {
      const label = canonicalLabel(value);
      if (label !== undefined && label !== response.positiveLabel && label !== response.negativeLabel) {
        throw new RecordProblem(
          'label_not_binary',
          `label ${describeValue(label)} is neither positive_label ${describeValue(response.positiveLabel)} nor the negative class ${describeValue(response.negativeLabel)}`,
        );
      }
    }
  }
  return labels;
}
