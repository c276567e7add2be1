/**
 * @module `mpm-monitor history` without the command line: finds the report folders under a folder or S3 prefix,
 * reads them a few at a time in path order, streams every run's rows into the Parquet table and its summary into the
 * page's collector, then writes history.html and history.parquet atomically into the output location. Memory holds
 * a few folders' files, one batch of table rows, the compressed table and the page's points, never every report.
 */
import type { Logger } from 'pino';
import { InputError, OutputError } from '../errors.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { Storage } from '../storage/storage.ts';
import { HistoryCollector } from './history-collector.ts';
import { HistoryIssues } from './history-issues.ts';
import { HistoryTableWriter } from './history-table.ts';
import { findReportFolders } from './find-report-folders.ts';
import { orderedMap } from './ordered-map.ts';
import { readReportFolder, type ReadFolderContext, type ReportFolder } from './read-report-folder.ts';
import { renderHistoryPage } from './render-history-page.ts';
import { DEFAULT_FOLDER_WINDOW, locationSegments, type FolderWindowRule } from './report-path.ts';
import type { RunRecord } from './run-record.ts';

export const HISTORY_PAGE_FILE = 'history.html';
export const HISTORY_TABLE_FILE = 'history.parquet';
/** Report folders read at the same time. */
const READ_AHEAD = 8;

export interface HistoryOptions {
  /** A local folder or an s3:// prefix holding report folders. */
  source: string;
  /** Where history.html and history.parquet go: a local folder or an s3:// prefix. */
  outputPath: string;
  /** Only windows starting at or after this time (epoch ms). */
  from?: number;
  /** Only windows starting before this time (epoch ms). */
  to?: number;
  endpoint?: string;
  schedule?: string;
  title?: string;
  s3EndpointUrl?: string;
  /** Largest report file read (bytes); larger ones are skipped and listed. Default 64 MiB. */
  maxFileBytes?: number;
  /** How a folder's hour maps to the window it judged, for folders without monitoring_report.json. */
  folderWindow?: FolderWindowRule;
}

export interface HistoryResult {
  folders: number;
  runs: number;
  filtered: number;
  series: number;
  rows: number;
  problems: number;
  page: { location: string; bytes: number };
  table: { location: string; bytes: number };
}

function keep(run: RunRecord, o: HistoryOptions): boolean {
  if (o.from !== undefined && run.window.start < o.from) return false;
  if (o.to !== undefined && run.window.start >= o.to) return false;
  if (o.endpoint !== undefined && run.endpoint !== o.endpoint) return false;
  if (o.schedule !== undefined && run.schedule !== o.schedule) return false;
  return true;
}

/** Everything read from the source: runs into the table and the page's collector, with the counts. */
interface Gathered {
  folders: number;
  runs: number;
  filtered: number;
  table: HistoryTableWriter;
  collector: HistoryCollector;
}

/** Reads the report folders a few at a time, in path order, and streams each run into the table and the collector. */
async function gather(source: Storage, options: HistoryOptions, issues: HistoryIssues, log: Pick<Logger, 'info'>): Promise<Gathered> {
  const ctx: ReadFolderContext = {
    storage: source,
    rootSegments: locationSegments(source.location),
    maxFileBytes: options.maxFileBytes ?? 64 * 1024 * 1024,
    folderWindow: options.folderWindow ?? DEFAULT_FOLDER_WINDOW,
    issues,
  };
  const gathered: Gathered = { folders: 0, runs: 0, filtered: 0, table: new HistoryTableWriter(), collector: new HistoryCollector() };
  let lastLog = performance.now();
  const found = findReportFolders(source, { from: options.from, issues });
  const read = (folder: ReportFolder): Promise<RunRecord | undefined> => {
    gathered.folders++;
    return readReportFolder(ctx, folder);
  };
  for await (const run of orderedMap(found, read, READ_AHEAD)) {
    if (!run) continue;
    if (!keep(run, options)) {
      gathered.filtered++;
      continue;
    }
    gathered.runs++;
    gathered.collector.add(run);
    await gathered.table.addRun(run);
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log.info({ folders: gathered.folders, runs: gathered.runs, last: run.path }, 'reading report folders');
    }
  }
  return gathered;
}

/** Builds and writes the history. Throws InputError when no report folder is found, OutputError when writing fails. */
export async function buildHistory(options: HistoryOptions, log: Pick<Logger, 'info' | 'warn'>): Promise<HistoryResult> {
  const storageOptions = { s3EndpointUrl: options.s3EndpointUrl };
  const source = await openStorage(options.source, storageOptions);
  const output = await openStorage(options.outputPath, storageOptions);
  const issues = new HistoryIssues();
  const { folders, runs, filtered, table, collector } = await gather(source, options, issues, log);
  const tableBytes = await table.finish();
  if (folders === 0) {
    const listed = issues.list().find((i) => i.reason === 'not_listable');
    throw new InputError(
      `history: no report folder (statistics.json, constraint_violations.json, constraints.json or monitoring_report.json) under ${source.location}` +
        (listed ? ` (it could not be listed: ${listed.samples[0]?.detail ?? 'unknown error'})` : '; expected Model Monitor\'s {endpoint}/{schedule}/yyyy/mm/dd/hh/ layout or report folders anywhere below it'),
    );
  }
  const series = collector.finish();
  const html = renderHistoryPage({
    title: options.title,
    source: source.location,
    series,
    folders,
    runs,
    filtered,
    filters: { from: options.from, to: options.to, endpoint: options.endpoint, schedule: options.schedule },
    issues,
    seriesDropped: collector.seriesDropped,
    runsDroppedWithSeries: collector.runsDroppedWithSeries,
    table: { name: HISTORY_TABLE_FILE, rows: table.rowCount },
  });
  try {
    await output.writeFile(HISTORY_TABLE_FILE, Buffer.from(tableBytes.buffer, tableBytes.byteOffset, tableBytes.byteLength));
    await output.writeFile(HISTORY_PAGE_FILE, html);
  } catch (error) {
    throw new OutputError(`history: cannot write ${HISTORY_PAGE_FILE} and ${HISTORY_TABLE_FILE} to ${output.location} (${(error as Error).message})`, { cause: error });
  }
  if (issues.total() > 0) log.warn({ problems: Object.fromEntries(issues.list().map((i) => [i.reason, i.count])) }, 'some report files could not be used; the page lists them');
  return {
    folders,
    runs,
    filtered,
    series: series.length + collector.seriesDropped,
    rows: table.rowCount,
    problems: issues.total(),
    page: { location: output.describe(HISTORY_PAGE_FILE), bytes: Buffer.byteLength(html) },
    table: { location: output.describe(HISTORY_TABLE_FILE), bytes: tableBytes.byteLength },
  };
}
