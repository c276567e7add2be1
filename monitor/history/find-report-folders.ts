/**
 * @module Finds report folders under a history source (a local folder or an S3 prefix): every folder that holds
 * statistics.json, constraint_violations.json, constraints.json or monitoring_report.json, depth first in code-unit
 * order of paths (so Model Monitor's yyyy/mm/dd/hh folders come out in time order), listing a few folders ahead
 * concurrently. Day and hour folders that end before `from` are not listed at all: a run judges a window before the
 * time it runs, so nothing in them can be at or after `from`.
 */
import { ConfigError } from '../errors.ts';
import { partitionSpan } from '../ingest/walk.ts';
import type { Storage, StorageListing } from '../storage/storage.ts';
import type { HistoryIssues } from './history-issues.ts';
import { orderedMap } from './ordered-map.ts';
import { reportFilesOf, type ReportFolder } from './read-report-folder.ts';

/** Folders below the source that are walked (the layout needs 6: endpoint, schedule, yyyy, mm, dd, hh). */
export const MAX_WALK_DEPTH = 12;
/** Folder listings in flight per level. */
const LIST_AHEAD = 8;

export interface FindOptions {
  /** Skip day and hour folders that end at or before this time (epoch ms). */
  from?: number;
  issues: HistoryIssues;
}

/** Yields the report folders below the source's root, in path order. */
export async function* findReportFolders(storage: Storage, options: FindOptions): AsyncGenerator<ReportFolder> {
  let root: StorageListing;
  try {
    root = await storage.listChildren('');
  } catch (error) {
    // A configuration problem (no region, a bad endpoint) is the user's to fix, not a folder to skip.
    if (error instanceof ConfigError) throw error;
    options.issues.add('not_listable', '(the source itself)', (error as Error).message);
    return;
  }
  yield* walk(storage, '', root, 0, options);
}

async function* walk(storage: Storage, dir: string, listing: StorageListing, depth: number, options: FindOptions): AsyncGenerator<ReportFolder> {
  const files = reportFilesOf(listing.files);
  if (files.length > 0) yield { path: dir, files };
  if (listing.dirs.length === 0) return;
  if (depth >= MAX_WALK_DEPTH) {
    options.issues.add('too_deep', dir);
    return;
  }
  const dirs = listing.dirs.filter((d) => {
    if (options.from === undefined) return true;
    const span = partitionSpan(d);
    return span === undefined || span.end > options.from;
  });
  const listed = orderedMap(
    dirs,
    async (d) => {
      try {
        return { dir: d, listing: await storage.listChildren(d) };
      } catch (error) {
        options.issues.add('not_listable', d, (error as Error).message);
        return { dir: d, listing: { dirs: [], files: [] } };
      }
    },
    LIST_AHEAD,
  );
  for await (const child of listed) yield* walk(storage, child.dir, child.listing, depth + 1, options);
}
