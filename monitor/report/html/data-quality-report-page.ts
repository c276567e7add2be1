/**
 * @module The page of a data-quality run, from its run report and its profile: the facts the page states (endpoint,
 * schedule, window, records, files, input errors, the baseline) and the data-quality view (data-quality-page.ts).
 * The one report writer (report/write-run-report.ts) renders it for completed and failed runs alike.
 */
import type { FeatureCheck } from '../../data-quality/check-features.ts';
import type { DatasetSummary } from '../../data-quality/dataset-profile.ts';
import type { BaselineStatistics } from '../../data-quality/load-statistics.ts';
import type { RunReport } from '../build-run-report.ts';
import { renderDataQualityPage } from './data-quality-page.ts';
import { formatCount } from './format.ts';
import { windowText } from './verdict-section.ts';

/** What a completed data-quality run adds to its page (absent for a failed run). */
export interface DataQualityPageData {
  summary: DatasetSummary;
  checks: readonly FeatureCheck[];
  baseline?: BaselineStatistics;
}

function facts(report: RunReport): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['Analysis', 'data quality'],
    ['Endpoint', report.endpoint ?? '(not given)'],
    ['Monitoring schedule', report.monitoring_schedule ?? '(not given)'],
    ['Window', windowText(report.window)],
  ];
  const dq = report.data_quality;
  if (dq) out.push(['Records profiled', formatCount(dq.item_count)], ['Features', formatCount(dq.features)]);
  if (report.capture) out.push(['Capture', `${formatCount(report.capture.files)} files, ${formatCount(report.capture.lines)} lines, ${formatCount(report.capture.requests)} requests`]);
  out.push(['Input errors', formatCount(report.input_errors.total)]);
  if (dq) {
    out.push(['Baseline statistics', dq.baseline.statistics ?? 'none given'], ['Baseline constraints', dq.baseline.constraints ?? 'none given']);
  }
  if (report.evaluation_time) out.push(['Evaluated at', report.evaluation_time]);
  return out;
}

/** The page's HTML. */
export function renderDataQualityReport(report: RunReport, data: DataQualityPageData | undefined): string {
  return renderDataQualityPage({
    status: report.status,
    message: report.message,
    facts: facts(report),
    violations: report.data_quality?.violations ?? [],
    ...(data ? { summary: data.summary, checks: data.checks, ...(data.baseline ? { baseline: data.baseline } : {}) } : {}),
    tool: report.tool,
    files: Object.values(report.outputs ?? {}),
  });
}
