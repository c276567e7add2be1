/**
 * @module Reads one capture file line by line: each line is decoded (by the shared decoder, or by a plan that decodes
 * whole lines), counted, and its record handed on; a bad line is counted by reason with file and line. Nothing outlives its line but the counters.
 */
import { createGunzip } from 'node:zlib';
import type { Storage } from '../storage/storage.ts';
import { decodeCaptureLine, type CaptureLineOptions, type CaptureRecord, type DecodedLine } from '../ingest/decode-capture-line.ts';
import type { MergeableAccumulator } from '../state/accumulator-state.ts';
import type { LineRead, ScanPlan } from './scan-plan.ts';
import { type InputErrorTally, RecordProblem } from '../ingest/input-errors.ts';
import { forEachLine } from '../ingest/read-lines.ts';
import type { CaptureSummary } from './capture-summary.ts';

/** What reads one line of a file: the shared decoder and a record plan's add, or a line plan's own decode. */
type LineHandler = (text: string, warn: () => void) => LineRead | DecodedLine;

/** The shared decoder's line handler: each record read goes to `onRecord`. */
export function recordLines(lineOptions: CaptureLineOptions, onRecord: (record: CaptureRecord) => void): LineHandler {
  return (text, warn) => {
    const decoded = decodeCaptureLine(text, lineOptions, warn);
    if (decoded.status === 'ok') onRecord(decoded);
    return decoded;
  };
}

/** The line handler of `plan` for one file whose part is `part`. */
export function lineHandler<Part extends MergeableAccumulator<Part>>(plan: ScanPlan<Part>, part: Part, lineOptions: CaptureLineOptions | undefined): LineHandler {
  if ('readLine' in plan) return (text, warn) => plan.readLine(part, text, warn);
  if (lineOptions === undefined) throw new Error(`scan: the plan ${plan.name} reads decoded records and needs lineOptions`);
  return recordLines(lineOptions, (record) => plan.add(part, record));
}

/** Counts one line that was read (requests, their records, records keyed by eventId). */
function countLine(summary: CaptureSummary, read: LineRead | DecodedLine): void {
  if (read.status === 'skipped') {
    summary.skipped[read.reason]++;
    return;
  }
  summary.requests++;
  if ('records' in read) {
    summary.predictions += read.records;
    return;
  }
  summary.predictions += read.predictions.length;
  if (read.idSource === 'eventId') summary.keyed_by_event_id++;
}

/**
 * Reads one capture file into `summary` and `tally`, handing each line to `handle` (lineHandler). A truncated gzip
 * stream counts as an input error for the rest of the file.
 */
export async function readCaptureFile(storage: Storage, path: string, tally: InputErrorTally, summary: CaptureSummary, handle: LineHandler): Promise<void> {
  const warn = (): void => void summary.warnings.records_without_inference_time++;
  const display = storage.describe(path);
  let stream = await storage.openRead(path);
  if (/\.gz$/i.test(path)) stream = stream.pipe(createGunzip());
  let lastLine = 0;
  try {
    await forEachLine(stream, (text, line) => {
      lastLine = line;
      summary.lines++;
      let read: LineRead | DecodedLine;
      try {
        read = handle(text, warn);
      } catch (error) {
        if (!(error instanceof RecordProblem)) throw error;
        tally.add(error.reason, { file: display, line, detail: error.detail });
        return;
      }
      countLine(summary, read);
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
