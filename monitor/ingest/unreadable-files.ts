/**
 * @module Files that could not be read to their end (not gzip, cut short, a read that broke, too large to read whole,
 * unusable as a whole): how many, how many of their listed bytes were lost, and which were lost entirely. The error
 * gate weighs the bytes (report/error-gate.ts) and a file lost entirely is a violation that names it.
 */
import type { InputErrorReason, InputErrorSample, InputErrorTally } from './input-errors.ts';

/** The files one source (capture or ground truth) could not read to the end. Absent from a summary when none. */
export interface UnreadableFiles {
  /** Files not read to their end. */
  files: number;
  /** Of the bytes those files were listed with, the bytes not read (for gzip: compressed bytes after the last line read). */
  bytes: number;
  /** Files of which not a single line could be read. */
  lost_entirely: number;
  /** The first MAX_NAMED_FILES files lost entirely, in path order. */
  lost: string[];
}

/** Files named in `lost`, at most: the count says how many there were. */
export const MAX_NAMED_FILES = 20;

/**
 * Records that `file` could not be read to its end, as one input error of `reason` in `tally` and in the
 * summary's unreadable_files (created on first use, so summaries of clean runs do not change).
 *
 * @param lostBytes the listed bytes not read.
 * @param entirely whether nothing of the file could be read.
 */
export function noteUnreadable(
  summary: { unreadable_files?: UnreadableFiles },
  tally: InputErrorTally,
  reason: InputErrorReason,
  sample: InputErrorSample,
  lostBytes: number,
  entirely: boolean,
): void {
  tally.add(reason, sample);
  const u = (summary.unreadable_files ??= { files: 0, bytes: 0, lost_entirely: 0, lost: [] });
  u.files++;
  u.bytes += Math.max(0, lostBytes);
  if (entirely) {
    u.lost_entirely++;
    if (u.lost.length < MAX_NAMED_FILES) u.lost.push(sample.file);
  }
}

/** Adds `from`'s unreadable files to `into`'s, as if they were met after (files merged in path order). */
export function mergeUnreadable(into: { unreadable_files?: UnreadableFiles }, from: { unreadable_files?: UnreadableFiles }): void {
  const theirs = from.unreadable_files;
  if (theirs === undefined) return;
  const u = (into.unreadable_files ??= { files: 0, bytes: 0, lost_entirely: 0, lost: [] });
  u.files += theirs.files;
  u.bytes += theirs.bytes;
  u.lost_entirely += theirs.lost_entirely;
  for (const name of theirs.lost) if (u.lost.length < MAX_NAMED_FILES) u.lost.push(name);
}
