/**
 * @module The top of the page: the verdict (completed, completed with violations, failed), what was judged
 * (endpoint, schedule, window, records) and each violation in plain words. The synthetic violation of
 * --create-violation-tests is marked as a test, never as a finding.
 */
import { OPERATORS, isOperator } from '../../constraints/operators.ts';
import { SYNTHETIC_METRIC } from '../../constraints/synthetic.ts';
import type { Violation } from '../../constraints/evaluate.ts';
import type { RunReport } from '../build-run-report.ts';
import { escapeHtml, shorten } from './escape.ts';
import { formatCount, formatMetric } from './format.ts';

/** At most this many violations are listed; constraint_violations.json has them all. */
export const MAX_VIOLATIONS = 50;

/** The CSS class and the heading of a status. */
export function statusHeading(report: RunReport): { tone: string; heading: string } {
  const violations = report.violations ?? [];
  const synthetic = violations.filter((v) => v.metric_name === SYNTHETIC_METRIC).length;
  switch (report.status) {
    case 'Completed':
      return { tone: 'completed', heading: 'Completed: no violations' };
    case 'CompletedWithViolations': {
      const n = violations.length;
      const only = synthetic > 0 && synthetic === n ? ', a synthetic test only' : '';
      return { tone: 'violations', heading: `Completed with ${n} violation${n === 1 ? '' : 's'}${only}` };
    }
    default:
      return { tone: 'failed', heading: 'Failed' };
  }
}

/** The window as the page states it. */
export function windowText(w: RunReport['window']): string {
  if (w.start_time === undefined && w.end_time === undefined) return 'every record read (no window set)';
  return `${w.start_time ?? 'the first record'} to ${w.end_time ?? 'the last record'} (UTC, end excluded)`;
}

function describe(v: Violation, report: RunReport): string {
  if (v.metric_name === SYNTHETIC_METRIC) {
    return (
      `<li class="synthetic" data-violation="${escapeHtml(v.metric_name)}"><strong>Synthetic violation</strong><span class="badge synthetic">test, not a finding</span>` +
      `<p>Added by <code>--create-violation-tests</code> to check that alerting works. No real metric was changed; the model was not judged by it.</p></li>`
    );
  }
  if (!isOperator(v.constraint_check_type) || v.value === undefined || v.threshold === undefined) {
    return `<li data-violation="${escapeHtml(v.metric_name)}"><strong>${escapeHtml(v.metric_name)}</strong> <span class="mono">${escapeHtml(v.constraint_check_type)}</span><p>${escapeHtml(shorten(v.description, 1000))}</p></li>`;
  }
  const op = OPERATORS[v.constraint_check_type];
  const result = report.constraints?.results.find((r) => r.metric === v.metric_name && r.operator === v.constraint_check_type);
  const std = typeof result?.standard_deviation === 'number' ? ` (± ${formatMetric(result.standard_deviation)})` : '';
  const records = report.join?.joined ?? report.metrics?.item_count;
  return (
    `<li data-violation="${escapeHtml(v.metric_name)}"><strong>${escapeHtml(v.metric_name)}</strong> is <span class="num">${formatMetric(v.value)}</span>${std}, ` +
    `${escapeHtml(op.words)} the threshold <span class="num">${formatMetric(v.threshold)}</span>` +
    `${records === undefined ? '' : `, over ${formatCount(records)} records`}.` +
    `<p class="note mono">${escapeHtml(v.metric_name)} ${formatMetric(v.value)} ${op.symbol} ${formatMetric(v.threshold)} (${escapeHtml(v.constraint_check_type)})</p></li>`
  );
}

/** The verdict header, the facts of the run and the violations. */
export function renderVerdict(report: RunReport): string {
  const { tone, heading } = statusHeading(report);
  const facts: Array<[string, string]> = [
    ['Endpoint', report.endpoint ?? '(not given)'],
    ['Monitoring schedule', report.monitoring_schedule ?? '(not given)'],
    ['Window', windowText(report.window)],
    ['Problem type', report.problem_type ?? '(not given)'],
  ];
  if (report.metrics) facts.push(['Records judged', formatCount(report.metrics.item_count)]);
  if (report.evaluation_time) facts.push(['Evaluated at', report.evaluation_time]);
  if (report.constraints) facts.push(['Constraints', report.constraints.schema === 'none' ? 'none given' : report.constraints.source]);
  const violations = report.violations ?? [];
  const shown = violations.slice(0, MAX_VIOLATIONS);
  const more = violations.length > shown.length ? `<p class="note">${formatCount(violations.length - shown.length)} more in constraint_violations.json.</p>` : '';
  const list = violations.length === 0 ? '' : `<h2 id="violations">Violations</h2><ul class="violations">${shown.map((v) => describe(v, report)).join('')}</ul>${more}`;
  return (
    `<header class="verdict ${tone}" data-status="${escapeHtml(report.status)}"><h1 class="status">${escapeHtml(heading)}</h1>` +
    `<p>${escapeHtml(shorten(report.message, 2000))}</p>` +
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(shorten(v, 300))}</dd>`).join('')}</dl></header>${list}`
  );
}
