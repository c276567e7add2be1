/**
 * @module The full decode of one capture JSONL line for data quality: the same window, shadow-traffic and error
 * rules as model quality's decodeCaptureLine, but every record of the request becomes a row (capture-rows.ts) in
 * the profile. A line either adds all its rows or none: everything is decoded before the first row is added, and
 * a problem is thrown as a RecordProblem for the caller to count by reason with file and line.
 */
import { parseInferenceTime } from '../config/time.ts';
import { parseLineWithoutRequest, PLACEHOLDER } from '../ingest/decode-capture-bytes.ts';
import { decodePayload, plainPayloadKind, type CapturedPayload } from '../ingest/decode-payload.ts';
import { INVALID_LINE, locateRequest } from '../ingest/locate-request.ts';
import { RecordProblem } from '../ingest/input-errors.ts';
import type { CaptureRowBuilder, RowSink } from './capture-rows.ts';
import type { FlatRequestReader } from './flat-request.ts';
import { parsePayload, type PayloadDecoder, type PayloadRecord } from './payload-records.ts';

export interface DataQualityLineOptions {
  window: { start?: number; end?: number };
  rows: CaptureRowBuilder;
}

export type DataQualityLine =
  | { status: 'ok'; rows: number; inferenceTime?: number }
  | { status: 'skipped'; reason: 'outside_window' | 'shadow_traffic' };

/** A note about a line that is read all the same. */
export type DataQualityLineWarning = 'no_inference_time';

function payloadOf(captureData: Record<string, CapturedPayload>, which: 'endpointInput' | 'endpointOutput'): CapturedPayload {
  const payload = captureData[which];
  if (!payload || typeof payload !== 'object' || payload.data === undefined || payload.data === null) {
    throw new RecordProblem(which === 'endpointInput' ? 'missing_endpoint_input' : 'missing_endpoint_output');
  }
  return payload;
}

/**
 * Decodes one capture line into rows of `sink`. `decoder` is the stream's PayloadDecoder (one per file or worker).
 * Throws RecordProblem when the line cannot be read.
 */
export function decodeDataQualityLine(line: string, o: DataQualityLineOptions, decoder: PayloadDecoder, sink: RowSink, warn: (w: DataQualityLineWarning) => void): DataQualityLine {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    throw new RecordProblem('invalid_json', (error as Error).message);
  }
  return readCaptureRecord(record, o, decoder, sink, warn)!;
}

/**
 * decodeDataQualityLine for a line given as bytes: the same rows, problems and warnings. A request that is an array
 * of flat objects (the common shape) is read from the bytes by `flat` without becoming a string or objects; every
 * other line is decoded as text.
 */
export function decodeDataQualityBytes(
  line: Buffer,
  o: DataQualityLineOptions,
  decoder: PayloadDecoder,
  flat: FlatRequestReader,
  sink: RowSink,
  warn: (w: DataQualityLineWarning) => void,
): DataQualityLine {
  let fast: DataQualityLine | undefined;
  if (o.rows.readInput && flat.worthTrying()) {
    try {
      fast = readFlat(line, o, decoder, flat, sink, warn);
    } finally {
      flat.settle();
    }
  }
  return fast ?? decodeDataQualityLine(line.toString('utf8'), o, decoder, sink, warn);
}

/** The fast path of decodeDataQualityBytes, or undefined (before any row or warning) when it does not apply. */
function readFlat(line: Buffer, o: DataQualityLineOptions, decoder: PayloadDecoder, flat: FlatRequestReader, sink: RowSink, warn: (w: DataQualityLineWarning) => void): DataQualityLine | undefined {
  const found = locateRequest(line, 'skip', (bytes, start, end) => flat.scan(bytes, start, end));
  if (found === INVALID_LINE || found === undefined) return undefined;
  let record: unknown;
  try {
    record = parseLineWithoutRequest(line, found);
  } catch {
    return undefined;
  }
  return readCaptureRecord(record, o, decoder, sink, warn, (input) => {
    if (input.data !== PLACEHOLDER || plainPayloadKind(input) !== 'json') return undefined;
    // Undefined unless the flat reading was of this request (a later "data" key may have replaced it).
    return flat.records(line, found.start);
  });
}

/**
 * The rows of a parsed capture record. `requestRecords`, when given, reads the request's records in place of the
 * general decode; when it gives undefined, so does this function, before adding a row or calling `warn`.
 */
function readCaptureRecord(
  record: unknown,
  o: DataQualityLineOptions,
  decoder: PayloadDecoder,
  sink: RowSink,
  warn: (w: DataQualityLineWarning) => void,
  requestRecords?: (input: CapturedPayload) => PayloadRecord[] | undefined,
): DataQualityLine | undefined {
  if (record === null || typeof record !== 'object') throw new RecordProblem('not_a_capture_record');
  const rec = record as { captureData?: Record<string, CapturedPayload>; eventMetadata?: Record<string, unknown> };
  const captureData = rec.captureData;
  if (captureData === null || typeof captureData !== 'object') throw new RecordProblem('not_a_capture_record');
  const meta = rec.eventMetadata && typeof rec.eventMetadata === 'object' ? rec.eventMetadata : {};
  if (meta.invocationSource === 'ShadowExperiment') return { status: 'skipped', reason: 'shadow_traffic' };

  const time = parseInferenceTime(meta.inferenceTime);
  const { start, end } = o.window;
  const windowed = start !== undefined || end !== undefined;
  if (windowed) {
    if (time === undefined) throw new RecordProblem('invalid_inference_time', meta.inferenceTime === undefined ? 'no inferenceTime' : `inferenceTime ${JSON.stringify(meta.inferenceTime)}`);
    if ((start !== undefined && time < start) || (end !== undefined && time >= end)) return { status: 'skipped', reason: 'outside_window' };
  }
  let read: PayloadRecord[] | undefined;
  if (requestRecords !== undefined) {
    read = requestRecords(payloadOf(captureData, 'endpointInput'));
    if (read === undefined) return undefined;
  }
  if (!windowed && time === undefined) warn('no_inference_time');

  const { readInput, readOutput } = o.rows;
  const input = readInput && read === undefined ? parsePayload(decodePayload(payloadOf(captureData, 'endpointInput'), 'endpointInput'), 'endpointInput') : undefined;
  const output = readOutput ? parsePayload(decodePayload(payloadOf(captureData, 'endpointOutput'), 'endpointOutput'), 'endpointOutput') : undefined;
  let records = read;
  let items;
  if (records !== undefined) {
    if (output !== undefined) ({ records, items } = decoder.pairRecords(records, output));
  } else if (input !== undefined && output !== undefined) ({ records, items } = decoder.pair(input, output));
  else if (input !== undefined) records = decoder.requestRecords(input);
  else if (output !== undefined) items = decoder.responseItems(output);
  const rows = o.rows.addRows(records, items, sink);
  return time === undefined ? { status: 'ok', rows } : { status: 'ok', rows, inferenceTime: time };
}
