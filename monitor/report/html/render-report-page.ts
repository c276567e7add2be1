/**
 * @module The report page: one self-contained HTML file with no script and no external resource, built from the
 * run report, statistics.json and (regression) the RegressionShape. Only aggregates reach it; every string from data
 * is escaped; its size is bounded whatever the number of classes (see cap-classes.ts and the caps in each section).
 */
import type { ModelQualityStatistics } from '../../metrics/types.ts';
import type { RunReport } from '../build-run-report.ts';
import { renderCharts } from './charts-section.ts';
import { escapeHtml } from './escape.ts';
import { renderEstimate } from './estimate-section.ts';
import { renderJoinHealth } from './join-section.ts';
import { renderEvaluation, renderStoreSections } from './store-section.ts';
import { renderMetrics } from './metrics-section.ts';
import { contentSecurityPolicy, PAGE_CSP, PAGE_CSS } from './page-style.ts';
import type { RegressionShapeSummary } from '../../metrics/regression-shape.ts';
import { renderVerdict, statusHeading } from './verdict-section.ts';
import { renderDataQualityReport, type DataQualityPageData } from './data-quality-report-page.ts';

/** What the page is made of. */
export interface ReportPageInput {
  report: RunReport;
  /** statistics.json as written; absent for a failed run. */
  statistics?: ModelQualityStatistics;
  /** Regression only: the histograms collected during the run. */
  regression?: RegressionShapeSummary;
  /** Most classes drawn in the heat map and the per-class table. Default 30. */
  maxClasses?: number;
  /** A completed data-quality run: its profile and checks (the page of a DATA_QUALITY run report). */
  dataQuality?: DataQualityPageData;
}

/** The page's HTML. */
export function renderReportPage(input: ReportPageInput): string {
  const { report } = input;
  if (report.analysis_type === 'DATA_QUALITY') return renderDataQualityReport(report, input.dataQuality);
  const { heading } = statusHeading(report);
  const title = `mpm ${heading}${report.endpoint ? ` — ${report.endpoint}` : ''}${report.window.end_time ? ` — ${report.window.end_time}` : ''}`;
  const files = Object.values(report.outputs ?? {}).map((f) => `<li class="mono">${escapeHtml(f)}</li>`);
  const body = [
    renderVerdict(report),
    renderEvaluation(report, input.statistics),
    renderMetrics(report, input.statistics),
    renderEstimate(report, input.statistics),
    renderCharts(input),
    renderJoinHealth(report),
    renderStoreSections(report),
    `<footer><p>Made by ${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)} (run report version ${report.report_version}). ` +
      'This page shows aggregates only; the machine-readable files next to it are the reference.</p>' +
      (files.length ? `<ul>${files.join('')}</ul>` : '') +
      '</footer>',
  ].join('\n');
  return renderHtmlDocument(title, PAGE_CSS, body);
}

/**
 * A whole self-contained page: the CSP meta that allows only `css` (by its hash), viewport, no referrer, both colour
 * schemes, the escaped title, the one <style> element and `body` (already escaped markup) inside <main>.
 */
export function renderHtmlDocument(title: string, css: string, body: string): string {
  const csp = css === PAGE_CSS ? PAGE_CSP : contentSecurityPolicy(css);
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><meta name="color-scheme" content="light dark">' +
    `<title>${escapeHtml(title)}</title><style>${css}</style></head>\n<body><main>\n${body}\n</main></body></html>\n`
  );
}
