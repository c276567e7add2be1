/**
 * @module The counts of a capture scan: files, bytes, lines, requests, predictions, what was skipped and why. Parts of
 * a scan (files read by worker threads) add up to the whole.
 */

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

/** Adds what one file's read counted (lines and records; files and bytes are counted by the walk). */
export function addFileCounts(into: CaptureSummary, from: CaptureSummary): void {
  into.lines += from.lines;
  into.requests += from.requests;
  into.predictions += from.predictions;
  into.skipped.outside_window += from.skipped.outside_window;
  into.skipped.shadow_traffic += from.skipped.shadow_traffic;
  into.warnings.records_without_inference_time += from.warnings.records_without_inference_time;
  into.keyed_by_event_id += from.keyed_by_event_id;
}
