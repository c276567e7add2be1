/**
 * @module Reads one capture file line by line: each line is decoded, counted, and its record handed on; a bad line
 * is counted by reason with file and line. Nothing outlives its line but the counters.
 */
import { createGunzip } from 'node:zlib';
import type { Storage } from '../storage/storage.ts';
import { decodeCaptureLine, type CaptureLineOptions, type CaptureRecord, type DecodedLine } from '../ingest/decode-capture-line.ts';
import { type InputErrorTally, RecordProblem } from '../ingest/input-errors.ts';
import { forEachLine } from '../ingest/read-lines.ts';
import type { CaptureSummary } from './capture-summary.ts';

/**
 * Reads one capture file into `summary` and `tally`, handing each record to `onRecord`. A truncated gzip stream
 * counts as an input error for the rest of the file.
 */
export async function readCaptureFile(
  storage: Storage,
  path: string,
  lineOptions: CaptureLineOptions,
  tally: InputErrorTally,
  summary: CaptureSummary,
  onRecord: (record: CaptureRecord) => void,
): Promise<void> {
  const warn = (): void => void summary.warnings.records_without_inference_time++;
  const display = storage.describe(path);
  let stream = await storage.openRead(path);
  if (/\.gz$/i.test(path)) stream = stream.pipe(createGunzip());
  let lastLine = 0;
  try {
    await forEachLine(stream, (text, line) => {
      lastLine = line;
      summary.lines++;
      let decoded: DecodedLine;
      try {
        decoded = decodeCaptureLine(text, lineOptions, warn);
      } catch (error) {
        if (!(error instanceof RecordProblem)) throw error;
        tally.add(error.reason, { file: display, line, detail: error.detail });
        return;
      }
      if (decoded.status === 'skipped') {
        summary.skipped[decoded.reason]++;
        return;
      }
      summary.requests++;
      summary.predictions += decoded.predictions.length;
      if (decoded.idSource === 'eventId') summary.keyed_by_event_id++;
      onRecord(decoded);
    });
  } catch (error) {
    if (error instanceof RecordProblem) throw error;
    // A truncated gzip stream or a read error: what was read counts, the rest of the file is an input error.
    if ((error as NodeJS.ErrnoException).code?.startsWith('Z_') || (error as Error).message?.includes('unexpected end of file')) {
      tally.add('unreadable_file', { file: display, line: lastLine + 1, detail: (error as Error).message });
    } else {
      throw error;
    }
  }
}
