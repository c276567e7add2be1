/**
 * @module The metrics table: each metric of the statistics section with its standard deviation, the best constant
 * classifier's value beside it (and the baseline's, with baseline_statistics), and, where a constraint targets it, the threshold, the margin and the result.
 * Metrics that could not be computed are listed with the reason.
 */
import type { ConstraintResult } from '../../constraints/evaluate.ts';
import type { MetricValue, ModelQualityStatistics } from '../../metrics/types.ts';
import type { RunReport } from '../build-run-report.ts';
import { OPERATORS } from '../../constraints/operators.ts';
import { escapeHtml } from './escape.ts';
import { formatMetric, formatSigned } from './format.ts';

const CONSTANT = '_best_constant_classifier';
const CURVES = new Set(['confusion_matrix', 'receiver_operating_characteristic_curve', 'precision_recall_curve']);

function isMetricValue(v: unknown): v is MetricValue {
  return typeof v === 'object' && v !== null && typeof (v as MetricValue).value === 'number' && 'standard_deviation' in v;
}

/** The section of statistics.json that holds the metrics, if any. */
export function metricSection(statistics: ModelQualityStatistics | undefined, report: RunReport): Record<string, unknown> | undefined {
  if (!statistics) return undefined;
  const name = report.metrics?.section;
  const section = name ? (statistics as unknown as Record<string, unknown>)[name] : undefined;
  return section && typeof section === 'object' ? (section as Record<string, unknown>) : undefined;
}

/** Signed distance to a violation: positive is room left, negative is how far past the threshold the value is. */
export function margin(r: ConstraintResult): number | undefined {
  if (r.value === undefined) return undefined;
  return r.operator.startsWith('Less') ? r.value - r.threshold : r.threshold - r.value;
}

function constraintCells(results: ConstraintResult[]): string {
  if (results.length === 0) return '<td class="num">–</td><td class="num"></td><td></td>';
  const threshold = results.map((r) => `alert if ${OPERATORS[r.operator].symbol} ${formatMetric(r.threshold)}`);
  const margins = results.map((r) => {
    const m = margin(r);
    if (m === undefined) return '–';
    const sigmas = typeof r.standard_deviation === 'number' && r.standard_deviation > 0 ? ` (${(m / r.standard_deviation).toFixed(1)}σ)` : '';
    return `${formatSigned(m)}${sigmas}`;
  });
  const status = results.map((r) =>
    r.status === 'not_evaluated'
      ? `<span class="badge not-evaluated">not evaluated</span> <span class="why">${escapeHtml(r.why ?? '')}</span>`
      : `<span class="badge ${r.status}">${r.status === 'pass' ? 'pass' : 'violated'}</span>`,
  );
  return `<td class="num" data-field="threshold">${threshold.map(escapeHtml).join('<br>')}</td><td class="num" data-field="margin">${margins.map(escapeHtml).join('<br>')}</td><td>${status.join('<br>')}</td>`;
}

const std = (m: MetricValue): string => (typeof m.standard_deviation === 'number' ? `± ${formatMetric(m.standard_deviation)}` : '–');

/** The metrics table, or why there is none. */
export function renderMetrics(report: RunReport, statistics: ModelQualityStatistics | undefined): string {
  const section = metricSection(statistics, report);
  const results = report.constraints?.results ?? [];
  const notComputed = report.metrics?.not_computed ?? {};
  if (!section) {
    const why = report.status === 'Failed' ? 'the run failed before the metrics were computed.' : 'statistics.json was not available to this page.';
    return `<h2 id="metrics">Metrics</h2><p class="note">No metrics: ${escapeHtml(why)}</p>`;
  }
  const names = Object.keys(section).filter((k) => !k.endsWith(CONSTANT) && !CURVES.has(k) && isMetricValue(section[k]));
  for (const name of [...Object.keys(notComputed), ...results.map((r) => r.metric)]) {
    if (!names.includes(name) && !name.endsWith(CONSTANT) && !CURVES.has(name)) names.push(name);
  }
  // Without any constraint, the three constraint columns are left out rather than shown empty.
  const constrained = results.length > 0;
  const hasConstant = names.some((n) => isMetricValue(section[`${n}${CONSTANT}`]));
  // baseline_statistics: the baseline's value and the window's change from it.
  const baseline = report.baseline_statistics?.metrics ?? {};
  const hasBaseline = names.some((n) => Object.hasOwn(baseline, n));
  const rows = names.map((name) => {
    const m = section[name];
    const constant = section[`${name}${CONSTANT}`];
    const mine = results.filter((r) => r.metric === name);
    const value = isMetricValue(m)
      ? `<td class="num" data-field="value">${formatMetric(m.value)}</td><td class="num" data-field="std">${std(m)}</td>`
      : `<td class="why" colspan="2">not computed: ${escapeHtml(notComputed[name] ?? 'no value')}</td>`;
    const base = Object.hasOwn(baseline, name) ? baseline[name] : undefined;
    const change = base !== undefined && isMetricValue(m) ? ` (${formatSigned(m.value - base.value)})` : '';
    const baselineCell = hasBaseline ? `<td class="num" data-field="baseline">${base !== undefined ? `${formatMetric(base.value)}${escapeHtml(change)}` : ''}</td>` : '';
    const constantCell = hasConstant ? `<td class="num" data-field="constant">${isMetricValue(constant) ? formatMetric(constant.value) : ''}</td>` : '';
    return `<tr data-metric="${escapeHtml(name)}"><th scope="row" class="mono">${escapeHtml(name)}</th>${value}${baselineCell}${constantCell}${constrained ? constraintCells(mine) : ''}</tr>`;
  });
  const head =
    `<tr><th>Metric</th><th class="num">Value</th><th class="num">Std dev</th>${hasBaseline ? '<th class="num">Baseline (change)</th>' : ''}${hasConstant ? '<th class="num">Constant classifier</th>' : ''}` +
    `${constrained ? '<th class="num">Constraint</th><th class="num">Margin</th><th>Result</th>' : ''}</tr>`;
  const notes =
    'Std dev: standard deviation of the metric over 5 deterministic subsamples; “–” below 200 records. ' +
    (hasBaseline ? `Baseline: the value in baseline_statistics (${report.baseline_statistics!.source}), and this window's change from it. ` : '') +
    (hasConstant ? 'Constant classifier: the same metric for a model that always predicts the most frequent class (binary: the positive label). ' : '') +
    (constrained ? 'Margin: how far the value is from alerting (negative: past the threshold), also in standard deviations.' : 'No constraint was given, so nothing was checked.');
  return `<h2 id="metrics">Metrics</h2><div class="table-scroll"><table class="metrics"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div><p class="note">${escapeHtml(notes)}</p>`;
}
