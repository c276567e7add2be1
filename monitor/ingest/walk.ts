/**
 * @module Walks a storage tree in a deterministic order (code-unit order of paths), pruning day and hour folders
 * (the .../yyyy/mm/dd/hh layout of capture and ground truth) that lie outside a time range. Unpadded and
 * zero-padded folder names are both understood, and hour "1" is never taken for "10".."19". A file or folder met
 * twice (through a link, a hard link or a link loop) is walked once: a loop used to make the walk run forever.
 */
import type { SkipReason, Storage, StorageFile } from '../storage/storage.ts';

/** Entries of a tree that were not read, by why (only reasons that occurred appear). */
export type SkippedFiles = Partial<Record<SkipReason, number>>;

export interface TimeRange {
  start?: number;
  end?: number;
}

/** The time span a folder covers when the last segments of its path read as yyyy/mm/dd or yyyy/mm/dd/hh. */
export function partitionSpan(path: string): { start: number; end: number } | undefined {
  const parts = path.split('/');
  const n = parts.length;
  const num = (s: string | undefined, digits: RegExp): number | undefined => (s !== undefined && digits.test(s) ? Number(s) : undefined);
  const tryAt = (len: 3 | 4): { start: number; end: number } | undefined => {
    if (n < len) return undefined;
    const seg = parts.slice(n - len);
    const y = num(seg[0], /^\d{4}$/);
    const mo = num(seg[1], /^\d{1,2}$/);
    const d = num(seg[2], /^\d{1,2}$/);
    const h = len === 4 ? num(seg[3], /^\d{1,2}$/) : 0;
    if (y === undefined || mo === undefined || d === undefined || h === undefined) return undefined;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23) return undefined;
    const start = Date.UTC(y, mo - 1, d, h);
    if (new Date(start).getUTCDate() !== d) return undefined;
    return { start, end: start + (len === 4 ? 3_600_000 : 86_400_000) };
  };
  return tryAt(4) ?? tryAt(3);
}

function overlaps(span: { start: number; end: number }, range: TimeRange): boolean {
  return (range.end === undefined || span.start < range.end) && (range.start === undefined || span.end > range.start);
}

export interface WalkOptions {
  /** Folders whose yyyy/mm/dd[/hh] span does not meet this range are skipped. */
  range?: TimeRange;
  /** Which files to yield (by path). */
  accept: (path: string) => boolean;
  /** Called for every pruned folder (for the run report). */
  onPruned?: (path: string) => void;
  /** Called for every entry not walked: a link out of the tree, a file or folder met before, a FIFO or device. */
  onSkipped?: (path: string, why: SkipReason) => void;
}

/**
 * Yields the accepted files below `dir`, depth first, in code-unit order of their paths, each file and folder once
 * (by the identity the storage gives, the device and inode of a local file): the first path in that order wins.
 */
export async function* walkFiles(storage: Storage, dir: string, options: WalkOptions, seen = new Set<string>()): AsyncGenerator<StorageFile> {
  const listing = await storage.listChildren(dir);
  // The folder being listed (the walk's start has no parent listing to say who it is).
  const own = listing.identities?.get(dir);
  if (own !== undefined) seen.add(own);
  for (const skipped of listing.skipped ?? []) options.onSkipped?.(skipped.path, skipped.why);
  const once = (p: string): boolean => {
    const identity = listing.identities?.get(p);
    if (identity === undefined) return true;
    if (seen.has(identity)) {
      options.onSkipped?.(p, 'already_read');
      return false;
    }
    seen.add(identity);
    return true;
  };
  // Files and folders are merged in one order so that the sequence is the sorted order of full paths.
  const items: Array<{ path: string; file?: StorageFile }> = [
    ...listing.files.map((f) => ({ path: f.path, file: f })),
    ...listing.dirs.map((d) => ({ path: d })),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const item of items) {
    if (item.file) {
      if (options.accept(item.file.path) && once(item.file.path)) yield item.file;
      continue;
    }
    const span = options.range ? partitionSpan(item.path) : undefined;
    if (span && !overlaps(span, options.range!)) {
      options.onPruned?.(item.path);
      continue;
    }
    if (once(item.path)) yield* walkFiles(storage, item.path, options, seen);
  }
}
