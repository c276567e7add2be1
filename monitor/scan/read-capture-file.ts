/**
 * @module Reads one capture file line by line: each line is decoded, counted, and its record handed on; a bad line
 * is counted by reason with file and line. Nothing outlives its line but the counters. A file that cannot be read to
 * its end (not gzip, cut short, a read that broke) is one input error whose unread bytes weigh in the error limit,
 * and a line longer than MPM_MAX_LINE_BYTES is skipped unread (issue 14).
 */
import type { Storage, StorageFile } from '../storage/storage.ts';
import type { CaptureLineOptions, CaptureRecord, DecodedLine } from '../ingest/decode-capture-line.ts';
import { decodeCaptureLineBytes } from '../ingest/decode-capture-bytes.ts';
import { type InputErrorTally, RecordProblem } from '../ingest/input-errors.ts';
import { openInput, UnreadableInput, type OpenedInput } from '../ingest/open-input.ts';
import { DEFAULT_READ_LIMITS } from '../ingest/read-limits.ts';
import { forEachLine } from '../ingest/read-lines.ts';
import { noteUnreadable } from '../ingest/unreadable-files.ts';
import type { CaptureSummary } from './capture-summary.ts';

/**
 * Reads one capture file into `summary` and `tally`, handing each record to `onRecord`. `file` carries the size it
 * was listed with, which the bytes an unreadable file loses are counted against.
 */
export async function readCaptureFile(
  storage: Storage,
  file: StorageFile,
  lineOptions: CaptureLineOptions,
  tally: InputErrorTally,
  summary: CaptureSummary,
  onRecord: (record: CaptureRecord) => void,
): Promise<void> {
  const limits = lineOptions.limits ?? DEFAULT_READ_LIMITS;
  const warn = (): void => void summary.warnings.records_without_inference_time++;
  const display = storage.describe(file.path);
  let lastLine = 0;
  // Bytes of the file read when the last complete line ended (compressed bytes for .gz, a little ahead).
  let readAtLastLine = 0;
  let opened: OpenedInput | undefined;
  try {
    opened = await openInput(storage, file.path, limits);
    const progress = opened.progress;
    await forEachLine(
      opened.chunks,
      (bytes, line) => {
        lastLine = line;
        readAtLastLine = progress.rawBytes;
        summary.lines++;
        let decoded: DecodedLine;
        try {
          // From the line's bytes: the request is counted where it lies, never built as a string (issue 15).
          decoded = decodeCaptureLineBytes(bytes, lineOptions, warn);
        } catch (error) {
          if (error instanceof RecordProblem) tally.add(error.reason, { file: display, line, detail: error.detail });
          // A hostile record must not end an hour's run: a runtime limit hit while decoding it (an array too long to
          // spread, a string too long to build) is that record's problem.
          else if (error instanceof RangeError) tally.add('record_too_complex', { file: display, line, detail: error.message });
          else throw error;
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
