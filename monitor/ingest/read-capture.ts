/**
 * @module Streams every capture file in the window, line by line, and hands each decoded record to a callback.
 * Nothing outlives its line but the counters. Bad lines are counted by reason with file and line.
 */
import type { Storage, StorageFile } from '../storage/storage.ts';
import type { DecodedLine, CaptureLineOptions } from './decode-capture-line.ts';
import { decodeCaptureLine } from './decode-capture-line.ts';
import { InputErrorTally, RecordProblem } from './input-errors.ts';
import { openInput, UnreadableInput, type OpenedInput } from './open-input.ts';
import { DEFAULT_READ_LIMITS } from './read-limits.ts';
import { forEachLine } from './read-lines.ts';
import { noteUnreadable, type UnreadableFiles } from './unreadable-files.ts';
import { walkFiles, type SkippedFiles } from './walk.ts';

export interface CaptureSummary {
  location: string;
  files: number;
  bytes: number;
  lines: number;
  /** Capture records (requests) read in the window. */
  requests: number;
  /** Predictions (records of those requests). */
  predictions: number;
  skipped: { outside_window: number; shadow_traffic: number };
  pruned_folders: number;
  ignored_files: number;
  warnings: { records_without_inference_time: number };
  /** Records keyed by eventId because they had no inferenceId. */
  keyed_by_event_id: number;
  /** Files not read to their end and the bytes lost (absent when every file was read whole). */
  unreadable_files?: UnreadableFiles;
  /** Entries of the tree that were not read: links out of it, files met twice, FIFOs and devices (absent when none). */
  skipped_files?: SkippedFiles;
}

const CAPTURE_FILE = /\.(jsonl|json|jsonlines|ndjson)(\.gz)?$/i;

export interface ReadCaptureHooks {
  onRecord(record: Extract<DecodedLine, { status: 'ok' }>, file: string, line: number): void;
  onFile?(path: string, index: number): void;
}

/** A summary with nothing read yet. */
export function emptyCaptureSummary(location: string): CaptureSummary {
  return {
    location,
    files: 0,
    bytes: 0,
    lines: 0,
    requests: 0,
    predictions: 0,
    skipped: { outside_window: 0, shadow_traffic: 0 },
    pruned_folders: 0,
    ignored_files: 0,
    warnings: { records_without_inference_time: 0 },
    keyed_by_event_id: 0,
  };
}

/** The folder capture is read from: the endpoint's folder when dataset_source has one of its name, else the root. */
export async function captureRoot(storage: Storage, endpointName?: string): Promise<string> {
  if (endpointName !== undefined) {
    const top = await storage.listChildren('');
    if (top.dirs.includes(endpointName)) return endpointName;
  }
  return '';
}

/** The capture files below `root` in the window, in path order; counts pruned folders and ignored files. */
export function walkCaptureFiles(storage: Storage, root: string, o: Pick<CaptureLineOptions, 'window'>, summary: CaptureSummary): AsyncGenerator<StorageFile> {
  return walkFiles(storage, root, {
    range: o.window,
    accept: (p) => {
      if (CAPTURE_FILE.test(p)) return true;
      summary.ignored_files++;
      return false;
    },
    onPruned: () => summary.pruned_folders++,
    onSkipped: (_, why) => {
      const skipped = (summary.skipped_files ??= {});
      skipped[why] = (skipped[why] ?? 0) + 1;
    },
  });
}

/**
 * Reads one capture file line by line into `summary` and `tally`, handing each record to `onRecord`. A file that
 * cannot be read to its end (not gzip, cut short, a broken read) is one input error, and the bytes after its last
 * line weigh in the error limit (summary.unreadable_files). A line longer than MPM_MAX_LINE_BYTES is one input error.
 */
export async function readCaptureFile(
  storage: Storage,
  file: string | StorageFile,
  o: CaptureLineOptions,
  tally: InputErrorTally,
  summary: CaptureSummary,
  onRecord: ReadCaptureHooks['onRecord'],
): Promise<void> {
  const path = typeof file === 'string' ? file : file.path;
  const size = typeof file === 'string' ? undefined : file.size;
  const limits = o.limits ?? DEFAULT_READ_LIMITS;
  const warn = (): void => void summary.warnings.records_without_inference_time++;
  const display = storage.describe(path);
  let lastLine = 0;
  // Bytes of the file read when the last complete line ended (compressed bytes for .gz, a little ahead).
  let readAtLastLine = 0;
  let opened: OpenedInput | undefined;
  try {
    opened = await openInput(storage, path, limits);
    const progress = opened.progress;
    await forEachLine(
      opened.chunks,
      (bytes, line) => {
        lastLine = line;
        readAtLastLine = progress.rawBytes;
        summary.lines++;
        let decoded: DecodedLine;
        try {
          decoded = decodeCaptureLine(bytes.toString('utf8'), o, warn);
        } catch (error) {
          if (error instanceof RecordProblem) tally.add(error.reason, { file: display, line, detail: error.detail });
          // A hostile record must not end an hour's run: a runtime limit hit while decoding it (an array too long
          // to spread, a string too long to build) is that record's problem.
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
        onRecord(decoded, display, line);
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
    const lost = size === undefined ? 0 : size - readAtLastLine;
    noteUnreadable(summary, tally, 'unreadable_file', { file: display, line: lastLine + 1, detail: error.message }, lost, lastLine === 0);
  }
  if (opened?.progress.trailingGarbage !== undefined) tally.add('gzip_trailing_garbage', { file: display, detail: opened.progress.trailingGarbage });
}

/**
 * Reads the capture below `root` (default the storage root). With an endpoint name and a folder of that name at the
 * root, only that folder is read: dataset_source may hold other endpoints' capture.
 */
export async function readCapture(
  storage: Storage,
  o: CaptureLineOptions,
  tally: InputErrorTally,
  hooks: ReadCaptureHooks,
  endpointName?: string,
): Promise<CaptureSummary> {
  const root = await captureRoot(storage, endpointName);
  const summary = emptyCaptureSummary(root === '' ? storage.location : storage.describe(root));
  for await (const file of walkCaptureFiles(storage, root, o, summary)) {
    hooks.onFile?.(file.path, summary.files);
    summary.files++;
    summary.bytes += file.size ?? 0;
    await readCaptureFile(storage, file, o, tally, summary, hooks.onRecord);
  }
  return summary;
}
