/**
 * @module The history page: one self-contained HTML file (inline SVG, no script, a strict Content-Security-Policy,
 * every string from the reports escaped, every list capped), built from the series the collector gathered. It reuses
 * report.html's document, stylesheet, themes and number formats, so both pages read alike.
 */
import { TOOL_VERSION } from '../report/build-run-report.ts';
import { escapeHtml, shorten } from '../report/html/escape.ts';
import { formatCount } from '../report/html/format.ts';
import { renderHtmlDocument } from '../report/html/render-report-page.ts';
import type { SeriesData } from './history-collector.ts';
import type { HistoryIssues } from './history-issues.ts';
import { HISTORY_CSS } from './history-style.ts';
import { renderSeries } from './series-section.ts';
import { formatTime } from './time-axis.ts';

/** What the page is made of. */
export interface HistoryPageInput {
  /** A title given on the command line (default "Monitoring history"). */
  title?: string;
  /** The source location (folder or s3:// prefix). */
  source: string;
  series: SeriesData[];
  /** Report folders found and runs read (after filters). */
  folders: number;
  runs: number;
  /** Runs left out by --from/--to/--endpoint/--schedule. */
  filtered: number;
  filters: { from?: number; to?: number; endpoint?: string; schedule?: string };
  issues: HistoryIssues;
  /** Series beyond the page's cap (their runs are in the table). */
  seriesDropped: number;
  runsDroppedWithSeries: number;
  /** The Parquet table's file name and row count. */
  table: { name: string; rows: number };
}

function issuesSection(issues: HistoryIssues): string {
  const list = issues.list();
  if (list.length === 0) return '';
  const rows = list.map(
    (i) =>
      `<tr data-reason="${escapeHtml(i.reason)}"><th scope="row" class="mono">${escapeHtml(i.reason)}</th><td class="num">${formatCount(i.count)}</td><td>${escapeHtml(i.description)}` +
      `<ul class="samples">${i.samples.map((s) => `<li class="mono">${escapeHtml(shorten(s.path, 160))}${s.detail ? ` <span class="why">${escapeHtml(shorten(s.detail, 120))}</span>` : ''}</li>`).join('')}</ul></td></tr>`,
  );
  return (
    `<h2 id="problems">Problems reading the reports</h2><p>${formatCount(issues.total())} problem${issues.total() === 1 ? '' : 's'}; each skipped one file (or, for no_window, one run), never the history.</p>` +
    `<div class="table-scroll"><table class="input-errors"><thead><tr><th>Reason</th><th class="num">Count</th><th>What it means, first locations</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`
  );
}

/** The page's HTML. */
export function renderHistoryPage(input: HistoryPageInput): string {
  const title = input.title ?? 'Monitoring history';
  const starts = input.series.flatMap((s) => s.runs.map((r) => r.start));
  const ends = input.series.flatMap((s) => s.runs.map((r) => r.end));
  const span = starts.length ? `${formatTime(Math.min(...starts))} to ${formatTime(Math.max(...ends))} UTC` : 'no run';
  const filters = [
    input.filters.from === undefined ? '' : `from ${formatTime(input.filters.from)}`,
    input.filters.to === undefined ? '' : `before ${formatTime(input.filters.to)}`,
    input.filters.endpoint === undefined ? '' : `endpoint ${input.filters.endpoint}`,
    input.filters.schedule === undefined ? '' : `schedule ${input.filters.schedule}`,
  ].filter(Boolean);
  const facts: Array<[string, string]> = [
    ['Source', input.source],
    ['Runs', `${formatCount(input.runs)} in ${formatCount(input.series.length + input.seriesDropped)} series (${formatCount(input.folders)} report folders)`],
    ['Windows', span],
  ];
  if (filters.length) facts.push(['Filter', `${filters.join(', ')} (${formatCount(input.filtered)} runs left out)`]);
  if (input.issues.total() > 0) facts.push(['Problems', `${formatCount(input.issues.total())} (listed at the end)`]);
  const nav =
    input.series.length > 1
      ? `<nav class="series"><h2>Series</h2><ul>${input.series
          .map((s, i) => `<li><a href="#series-${i + 1}">${escapeHtml(shorten(`${s.endpoint ?? '(no endpoint)'} / ${s.schedule ?? '(no schedule)'}`, 200))}</a> <span class="why">${s.analysis === 'data_quality' ? 'data quality' : 'model quality'}, ${formatCount(s.runs.length)} runs</span></li>`)
          .join('')}</ul></nav>`
      : '';
  const dropped =
    input.seriesDropped > 0 ? `<p class="note">${formatCount(input.seriesDropped)} more series (${formatCount(input.runsDroppedWithSeries)} runs) are not drawn; the Parquet table has them.</p>` : '';
  const empty = input.series.length === 0 ? '<p class="note">No run to show: no report folder matched.</p>' : '';
  const body = [
    `<header class="verdict"><h1>${escapeHtml(shorten(title, 200))}</h1><dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(shorten(v, 500))}</dd>`).join('')}</dl></header>`,
    nav,
    ...input.series.map((s, i) => renderSeries(s, i + 1)),
    dropped,
    empty,
    issuesSection(input.issues),
    `<footer><p>Made by mpm ${escapeHtml(TOOL_VERSION)} from the report folders' statistics.json, constraint_violations.json, constraints.json and monitoring_report.json. ` +
      `Every run's metrics are in ${escapeHtml(input.table.name)} (${formatCount(input.table.rows)} rows, one per run, window and metric), for pandas, DuckDB or Athena. All times are UTC.</p></footer>`,
  ].join('\n');
  return renderHtmlDocument(title, HISTORY_CSS, body);
}
