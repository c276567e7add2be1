/**
 * @module The capture counts of several hosts merged into what one instance reading every shard counts: sums for
 * what each file adds (files, bytes, lines, records, ignored and skipped entries, unreadable files), and the union for
 * the folders the window pruned, which every host whose shard holds a file below them sees.
 */
import { MAX_NAMED_FILES } from '../ingest/unreadable-files.ts';
import type { SkipReason } from '../storage/storage.ts';
import { addCapture, type LoadedRun, type RunParts } from '../state/run-state.ts';

/** Adds another host's capture counts into the leader's `parts` (its capture summary and pruned folders). */
export function mergeHostCapture(parts: Pick<RunParts, 'capture' | 'prunedFolders'>, other: Pick<LoadedRun, 'capture' | 'prunedFolders'>): void {
  const into = parts.capture;
  const from = other.capture;
  addCapture(into, from);
  if (parts.prunedFolders !== undefined && other.prunedFolders !== undefined) {
    const union = [...new Set([...parts.prunedFolders, ...other.prunedFolders])].sort(byCodeUnit);
    into.pruned_folders = union.length;
    parts.prunedFolders = union;
  }
  const theirs = from.unreadable_files;
  if (theirs !== undefined) {
    const u = (into.unreadable_files ??= { files: 0, bytes: 0, lost_entirely: 0, lost: [] });
    u.files += theirs.files;
    u.bytes += theirs.bytes;
    u.lost_entirely += theirs.lost_entirely;
    // The files one instance names: the first in path order of all shards'.
    u.lost = [...u.lost, ...theirs.lost].sort(byCodeUnit).slice(0, MAX_NAMED_FILES);
  }
  if (from.skipped_files !== undefined) {
    const skipped = (into.skipped_files ??= {});
    for (const [why, n] of Object.entries(from.skipped_files) as [SkipReason, number][]) skipped[why] = (skipped[why] ?? 0) + n;
  }
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
