/**
 * @module What a report folder's path says in Model Monitor's output layout
 * `{MonitoringOutput S3Uri}/{endpoint}/{schedule}/yyyy/mm/dd/hh/` (docs sagemaker-contract §1.3): the endpoint,
 * the schedule and the hour the execution ran. The window an hourly execution at hh:00 judges is the hour before
 * (the contract's real execution read input hour 22 and wrote output hour 23); other schedules set the offset.
 */
import { partitionSpan } from '../ingest/walk.ts';
import type { Span } from './run-record.ts';

const HOUR = 3_600_000;

/** How a folder's hour maps to the window it judged. */
export interface FolderWindowRule {
  /** Window start relative to the folder's hour, in hours. Default -1 (the hour before). */
  offsetHours: number;
  /** Window length in hours. Default 1. */
  hours: number;
}

export const DEFAULT_FOLDER_WINDOW: FolderWindowRule = { offsetHours: -1, hours: 1 };

/** The path segments of a storage location ("s3://b/p/q/" → ["b","p","q"], "/a/b" → ["a","b"]). */
export function locationSegments(location: string): string[] {
  const rest = location.startsWith('s3://') ? location.slice(5) : location;
  return rest.split(/[\\/]+/).filter((s) => s !== '');
}

/** What the layout says about a folder; fields are null when the path is not in the layout. */
export interface ReportPath {
  endpoint: string | null;
  schedule: string | null;
  /** The folder's yyyy/mm/dd/hh (or yyyy/mm/dd) span. */
  folderSpan: Span | null;
  /** The folder's hour (a day folder: the day) moved by the rule; null outside the layout. */
  window: Span | null;
}

/**
 * Reads `segments` (the source's own segments followed by the folder's relative ones): the last four as
 * yyyy/mm/dd/hh (or the last three as yyyy/mm/dd), and the two before them as endpoint and schedule.
 */
export function parseReportPath(segments: readonly string[], rule: FolderWindowRule = DEFAULT_FOLDER_WINDOW): ReportPath {
  const joined = segments.join('/');
  const span = partitionSpan(joined);
  if (!span) return { endpoint: null, schedule: null, folderSpan: null, window: null };
  const hourly = span.end - span.start === HOUR;
  const dateSegments = hourly ? 4 : 3;
  const before = segments.length - dateSegments;
  const schedule = before >= 1 ? segments[before - 1]! : null;
  const endpoint = before >= 2 ? segments[before - 2]! : null;
  const window = hourly ? { start: span.start + rule.offsetHours * HOUR, end: span.start + (rule.offsetHours + rule.hours) * HOUR } : span;
  return { endpoint, schedule, folderSpan: span, window };
}
