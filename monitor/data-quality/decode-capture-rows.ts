/**
 * @module The full decode of one capture JSONL line for data quality: the same window, shadow-traffic and error
 * rules as model quality's decodeCaptureLine, but every record of the request becomes a row (capture-rows.ts) in
 * the profile. A line either adds all its rows or none: everything is decoded before the first row is added, and
 * a problem is thrown as a RecordProblem for the caller to count by reason with file and line.
 */
import { parseInferenceTime } from '../config/time.ts';
import { decodePayload, type CapturedPayload } from '../ingest/decode-payload.ts';
import { RecordProblem } from '../ingest/input-errors.ts';
import type { CaptureRowBuilder, RowSink } from './capture-rows.ts';
import { parsePayload, type PayloadDecoder } from './payload-records.ts';

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
  if (record === null || typeof record !== 'object') throw new RecordProblem('not_a_capture_record');
  const rec = record as { captureData?: Record<string, CapturedPayload>; eventMetadata?: Record<string, unknown> };
  const captureData = rec.captureData;
  if (captureData === null || typeof captureData !== 'object') throw new RecordProblem('not_a_capture_record');
  const meta = rec.eventMetadata && typeof rec.eventMetadata === 'object' ? rec.eventMetadata : {};
  if (meta.invocationSource === 'ShadowExperiment') return { status: 'skipped', reason: 'shadow_traffic' };

  const time = parseInferenceTime(meta.inferenceTime);
  const { start, end } = o.window;
  if (start !== undefined || end !== undefined) {
    if (time === undefined) throw new RecordProblem('invalid_inference_time', `inferenceTime ${JSON.stringify(meta.inferenceTime)}`);
    if ((start !== undefined && time < start) || (end !== undefined && time >= end)) return { status: 'skipped', reason: 'outside_window' };
  } else if (time === undefined) warn('no_inference_time');

  const { readInput, readOutput } = o.rows;
  const input = readInput ? parsePayload(decodePayload(payloadOf(captureData, 'endpointInput'), 'endpointInput'), 'endpointInput') : undefined;
  const output = readOutput ? parsePayload(decodePayload(payloadOf(captureData, 'endpointOutput'), 'endpointOutput'), 'endpointOutput') : undefined;
  let records;
  let items;
  if (input !== undefined && output !== undefined) ({ records, items } = decoder.pair(input, output));
  else if (input !== undefined) records = decoder.requestRecords(input);
  else if (output !== undefined) items = decoder.responseItems(output);
  const rows = o.rows.addRows(records, items, sink);
  return time === undefined ? { status: 'ok', rows } : { status: 'ok', rows, inferenceTime: time };
}
