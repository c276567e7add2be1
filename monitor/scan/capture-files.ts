/**
 * @module Which capture files a run reads: below the endpoint's folder when dataset_source has one of its name,
 * capture file names only, in path order, with day and hour folders outside the window pruned.
 */
import type { Storage, StorageFile } from '../storage/storage.ts';
import { walkFiles, type TimeRange } from '../ingest/walk.ts';
import type { CaptureSummary } from './capture-summary.ts';

const CAPTURE_FILE = /\.(jsonl|json|jsonlines|ndjson)(\.gz)?$/i;

/** The folder capture is read from: the endpoint's folder when dataset_source has one of its name, else the root. */
export async function captureRoot(storage: Storage, endpointName?: string): Promise<string> {
  if (endpointName !== undefined) {
    const top = await storage.listChildren('');
    if (top.dirs.includes(endpointName)) return endpointName;
  }
  return '';
}

/**
 * The capture files below `root` in the window, in path order; counts pruned folders and ignored files, and lists the
 * pruned folders' paths in `pruned` when given (hosts of one job each see the folders of their shard: the leader
 * counts the union).
 */
export function walkCaptureFiles(storage: Storage, root: string, window: TimeRange, summary: CaptureSummary, pruned?: string[]): AsyncGenerator<StorageFile> {
  return walkFiles(storage, root, {
    range: window,
    accept: (p) => {
      if (CAPTURE_FILE.test(p)) return true;
      summary.ignored_files++;
      return false;
    },
    onPruned: (p) => {
      summary.pruned_folders++;
      pruned?.push(p);
    },
    onSkipped: (_, why) => {
      const skipped = (summary.skipped_files ??= {});
      skipped[why] = (skipped[why] ?? 0) + 1;
    },
  });
}
