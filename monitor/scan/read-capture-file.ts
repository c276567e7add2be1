/**
 * @module Reads one capture file line by line: each line is decoded (by the shared decoder, or by a plan that decodes
 * whole lines), counted, and its record handed on; a bad line
 * is counted by reason with file and line. Nothing outlives its line but the counters. A file that cannot be read to
 * its end (not gzip, cut short, a read that broke) is one input error whose unread bytes weigh in the error limit,
 * and a line longer than MPM_MAX_LINE_BYTES is skipped unread (issue 14).
 */
import type { Storage, StorageFile } from '../storage/storage.ts';
import { RejectedRecord, type CaptureLineOptions, type CaptureRecord, type DecodedLine } from '../ingest/decode-capture-line.ts';
import { decodeCaptureLineBytes } from '../ingest/decode-capture-bytes.ts';
import type { MergeableAccumulator } from '../state/accumulator-state.ts';
import type { ReadLimits } from '../ingest/read-limits.ts';
import type { LineRead, ScanPlan } from './scan-plan.ts';
import { type InputErrorTally, RecordProblem } from '../ingest/input-errors.ts';
import { openInput, UnreadableInput, type OpenedInput } from '../ingest/open-input.ts';
import { DEFAULT_READ_LIMITS } from '../ingest/read-limits.ts';
import { forEachLine } from '../ingest/read-lines.ts';
import { noteUnreadable } from '../ingest/unreadable-files.ts';
import type { CaptureSummary } from './capture-summary.ts';

/** What reads one line of a file: the shared decoder and a record plan's add, or a line plan's own decode. */
type LineHandler = (bytes: Buffer, warn: () => void) => LineRead | DecodedLine;

/**
 * What sees each record a scan reads besides its plan (the prediction store's sink). `rejected`: the record is an
 * input error of this run's settings (a RejectedRecord, thrown on to the tally after this call), and `record` holds
 * only what the response said.
 */
export type RecordObserver = (record: CaptureRecord, rejected: boolean) => void;

/** The shared decoder's line handler: each record read goes to `onRecord`, a rejected one to `onRejected`. */
export function recordLines(lineOptions: CaptureLineOptions, onRecord: (record: CaptureRecord) => void, onRejected?: (record: CaptureRecord) => void): LineHandler {
  return (bytes, warn) => {
    let decoded: DecodedLine;
    try {
      // From the line's bytes: the request is counted where it lies, never built as a string (issue 15).
      decoded = decodeCaptureLineBytes(bytes, lineOptions, warn);
    } catch (error) {
      if (error instanceof RejectedRecord) onRejected?.(error.record);
      throw error;
    }
    if (decoded.status === 'ok') onRecord(decoded);
    return decoded;
  };
}

/** The line handler of `plan` for one file whose part is `part`; `observe` also sees each decoded record. */
export function lineHandler<Part extends MergeableAccumulator<Part>>(
  plan: ScanPlan<Part>,
  part: Part,
  lineOptions: CaptureLineOptions | undefined,
  observe?: RecordObserver,
): LineHandler {
  if ('readLine' in plan) return (bytes, warn) => plan.readLine(part, bytes, warn);
  if (lineOptions === undefined) throw new Error(`scan: the plan ${plan.name} reads decoded records and needs lineOptions`);
  return recordLines(
    lineOptions,
    (record) => {
      plan.add(part, record);
      observe?.(record, false);
    },
    observe && ((record) => observe(record, true)),
  );
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
 * Reads one capture file into `summary` and `tally`, handing each line to `handle` (lineHandler). `file` carries the size it
 * was listed with, which the bytes an unreadable file loses are counted against.
 */
export async function readCaptureFile(
  storage: Storage,
  file: StorageFile,
  tally: InputErrorTally,
  summary: CaptureSummary,
  handle: LineHandler,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<void> {
  const warn = (): void => void summary.warnings.records_without_inference_time++;
  const display = storage.describe(file.path);
  let lastLine = 0;
  // Bytes of the file read when the last complete line ended (compressed bytes for .gz, a little ahead).
  let readAtLastLine = 0;
  let opened: OpenedInput | undefined;
  try {
    opened = await openInput(storage, file.path, limits, { transientChunks: true });
    const progress = opened.progress;
    await forEachLine(
      opened.chunks,
      (bytes, line) => {
        lastLine = line;
        readAtLastLine = progress.rawBytes;
        summary.lines++;
        let read: LineRead | DecodedLine;
        try {
          read = handle(bytes, warn);
        } catch (error) {
          if (error instanceof RecordProblem) tally.add(error.reason, { file: display, line, detail: error.detail });
          // A hostile record must not end an hour's run: a runtime limit hit while decoding it (an array too long to
          // spread, a string too long to build) is that record's problem.
          else if (error instanceof RangeError) tally.add('record_too_complex', { file: display, line, detail: error.message });
          else throw error;
          return;
        }
        countLine(summary, read);
      },
      {
        maxLineBytes: limits.maxLineBytes,
        onTooLong: (line, bytes) => {
          lastLine = line;
          readAtLastLine = progress.rawBytes;
          summary.lines++;
          tally.add('line_too_long', { file: display, line, detail: `${bytes} bytes, above MPM_MAX_LINE_BYTES ${limits.maxLineBytes}` });
        },
      },
    );
  } catch (error) {
    if (!(error instanceof UnreadableInput)) throw error;
    const lost = file.size === undefined ? 0 : file.size - readAtLastLine;
    noteUnreadable(summary, tally, 'unreadable_file', { file: display, line: lastLine + 1, detail: error.message }, lost, lastLine === 0);
  }
  if (opened?.progress.trailingGarbage !== undefined) tally.add('gzip_trailing_garbage', { file: display, detail: opened.progress.trailingGarbage });
}
