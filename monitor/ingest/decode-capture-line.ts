/**
 * @module Decodes one capture JSONL line into the record's key and its predictions, or says why it is skipped.
 */
import type { DatasetFormat } from '../config/dataset-format.ts';
import { parseInferenceTime } from '../config/time.ts';
import { decodePayload, type CapturedPayload } from './decode-payload.ts';
import { countRequestRecords } from './count-request.ts';
import { explodeResponse, type Prediction, type RawPrediction, type ResponseOptions } from './explode-response.ts';
import { RecordProblem } from './input-errors.ts';
import { decodeGroundTruthData } from './ground-truth-data.ts';
import { describeValue } from './describe-value.ts';
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

/** A note about a record that is read all the same. */
export type LineWarning = 'no_inference_time';

/** The record counts a request is consistent with (count-request.ts over the decoded payload); throws RecordProblem. */
export type RequestCounter = (input: CapturedPayload) => number[];

/** The predictions of a response read another way than decodePayload + explodeResponse (with `raw` as there). */
export type ResponseReader = (output: CapturedPayload, raw: RawPrediction[] | undefined) => Prediction[];

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
 * count check is on (capture-line-bytes.ts passes one that reads the request from the line's bytes); `readResponse`
 * reads the response when its data is `readPlaceholder` (the response was read from the line's bytes).
 */
export function decodeCaptureRecord(
  record: unknown,
  o: CaptureLineOptions,
  warn: (w: LineWarning) => void,
  countRequest: RequestCounter,
  readResponse?: ResponseReader,
  readPlaceholder?: string,
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
    if (time === undefined) throw new RecordProblem('invalid_inference_time', `inferenceTime ${describeValue(meta.inferenceTime)}`);
    if ((start !== undefined && time < start) || (end !== undefined && time >= end)) return { status: 'skipped', reason: 'outside_window' };
  } else if (time === undefined) {
    warn('no_inference_time');
  }

  const inferenceId = meta.inferenceId;
  const eventId = meta.eventId;
  let id: string;
  let idSource: 'inferenceId' | 'eventId';
  // Ids are strings and never coerced: "007" and "7" are different keys.
  if (typeof inferenceId === 'string' && inferenceId !== '') {
    id = inferenceId;
    idSource = 'inferenceId';
  } else if (typeof inferenceId === 'number') {
    id = String(inferenceId);
    idSource = 'inferenceId';
  } else if (typeof eventId === 'string' && eventId !== '') {
    id = eventId;
    idSource = 'eventId';
  } else throw new RecordProblem('missing_event_id');

  const output = captureData.endpointOutput;
  if (!output || typeof output !== 'object' || output.data === undefined || output.data === null) throw new RecordProblem('missing_endpoint_output');
  const raw = o.keepRaw ? ([] as RawPrediction[]) : undefined;
  const predictions =
    readResponse !== undefined && output.data === readPlaceholder ? readResponse(output, raw) : explodeResponse(decodePayload(output, 'endpointOutput'), o.response, raw);

  const input = captureData.endpointInput;
  if (o.checkRequestCount && input && typeof input === 'object' && typeof input.data === 'string') {
    const counts = countRequest(input);
    if (!counts.includes(predictions.length)) {
      throw new RecordProblem('count_mismatch', `request has ${counts[0]} records, response has ${predictions.length} predictions`);
    }
  }

  const labels = o.format.kind === 'sagemakerMergeJson' ? mergedLabels(rec.groundTruthData, o.response) : undefined;
  if (raw !== undefined) {
    return { status: 'ok', id, idSource, inferenceTime: time, predictions, labels, raw, ...(typeof eventId === 'string' && eventId !== '' ? { eventId } : {}) };
  }
  return { status: 'ok', id, idSource, inferenceTime: time, predictions, labels };
}

/** The labels a merged capture record carries; with the binary classes settled, a third label is an input error. */
function mergedLabels(groundTruthData: unknown, response: ResponseOptions): Map<number, unknown> {
  const labels = decodeGroundTruthData(groundTruthData);
  if (labels === undefined) throw new RecordProblem('missing_ground_truth_in_record');
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
