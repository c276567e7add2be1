/**
 * @module Streams every capture file in the window, line by line, and hands each decoded record to a callback.
 * Nothing outlives its line but the counters. Bad lines are counted by reason with file and line.
 */
import { createGunzip } from 'node:zlib';
import type { Storage, StorageFile } from '../storage/storage.ts';
import type { DecodedLine, CaptureLineOptions } from './decode-capture-line.ts';
import { decodeCaptureLine } from './decode-capture-line.ts';
import { InputErrorTally, RecordProblem } from './input-errors.ts';
import { forEachLine } from './read-lines.ts';
import { walkFiles } from './walk.ts';

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
  });
}

/**
 * Reads one capture file line by line into `summary` and `tally`, handing each record to `onRecord`. A truncated
 * gzip stream counts as an input error for the rest of the file.
 */
export async function readCaptureFile(
  storage: Storage,
  path: string,
  o: CaptureLineOptions,
  tally: InputErrorTally,
  summary: CaptureSummary,
  onRecord: ReadCaptureHooks['onRecord'],
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
        decoded = decodeCaptureLine(text, o, warn);
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
      onRecord(decoded, display, line);
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
    await readCaptureFile(storage, file.path, o, tally, summary, hooks.onRecord);
  }
  return summary;
}
