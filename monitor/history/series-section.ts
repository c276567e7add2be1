/**
 * @module One series (endpoint, schedule, analysis) on the history page: what it covers, the verdict per window,
 * the violations, ground-truth coverage, each metric over time (value, standard-deviation band, threshold, the
 * constant classifier, the estimate beside it), the features of data-quality runs and the latest runs.
 */
import { OPERATORS, isOperator } from '../constraints/operators.ts';
import { escapeHtml, shorten } from '../report/html/escape.ts';
import { formatCount, formatMetric, formatShare } from '../report/html/format.ts';
import type { SeriesData, SeriesRun } from './history-collector.ts';
import { renderFeatureTable, renderMetricTable, renderRuns, renderViolations } from './series-tables.ts';
import { findMissingWindows, renderStatusTimeline } from './status-timeline.ts';
import { formatWindow } from './time-axis.ts';
import { renderTimeChart, type ChartPoint } from './time-chart.ts';

/** Most metric charts per series; the summary table lists every metric. */
export const MAX_METRIC_CHARTS = 24;
const CONSTANT = '_best_constant_classifier';
const HOUR = 3_600_000;

/** "every hour", "every 2 hours", "every 30 minutes", "every day". */
function cadenceText(ms: number): string {
  if (ms % (24 * HOUR) === 0) return ms === 24 * HOUR ? 'every day' : `every ${ms / (24 * HOUR)} days`;
  if (ms % HOUR === 0) return ms === HOUR ? 'every hour' : `every ${ms / HOUR} hours`;
  return `every ${Math.round(ms / 60_000)} minutes`;
}

const STATUS_WORDS = { pass: 'pass', violated: 'violated', not_evaluated: 'not evaluated' } as const;

function judged(operator: string | null, threshold: number | null, status: ChartPoint['status']): string {
  if (threshold === null || operator === null) return '';
  const op = isOperator(operator) ? OPERATORS[operator].symbol : operator;
  return `; alert if ${op} ${formatMetric(threshold)}${status ? ` (${STATUS_WORDS[status]})` : ''}`;
}

/** The metrics to chart, in order: those with a constraint first, then the others (constant classifiers are drawn on their metric). */
export function chartedMetrics(data: SeriesData): { charted: string[]; all: string[] } {
  const names = [...data.metrics.keys()].filter((n) => !(n.endsWith(CONSTANT) && data.metrics.has(n.slice(0, -CONSTANT.length))));
  for (const n of data.estimates.keys()) if (!names.includes(n)) names.push(n);
  const constrained = (n: string): boolean => (data.metrics.get(n) ?? []).some((p) => p.threshold !== null) || (data.estimates.get(n) ?? []).some((p) => p.threshold !== null);
  const ordered = [...names.filter(constrained), ...names.filter((n) => !constrained(n))];
  return { charted: ordered.slice(0, MAX_METRIC_CHARTS), all: ordered };
}

/** The realized points of a metric (superseded evaluations left out) and how many runs had no value. */
function realizedPoints(data: SeriesData, name: string, visible: (run: number) => boolean): { points: ChartPoint[]; withoutValue: number } {
  const points: ChartPoint[] = [];
  let withoutValue = 0;
  for (const p of data.metrics.get(name) ?? []) {
    if (!visible(p.run)) continue;
    const r = data.runs[p.run]!;
    if (p.value === null) {
      withoutValue++;
      continue;
    }
    points.push({
      start: r.start,
      end: r.end,
      value: p.value,
      lo: p.std === null ? null : p.value - p.std,
      hi: p.std === null ? null : p.value + p.std,
      threshold: p.threshold,
      status: p.status,
      run: p.run,
      tooltip: `${formatWindow(r.start, r.end)} UTC: ${name} ${formatMetric(p.value)}${p.std === null ? '' : ` ± ${formatMetric(p.std)}`}${judged(p.operator, p.threshold, p.status)}`,
    });
  }
  return { points, withoutValue };
}

/** The label-free estimates of a metric, at the windows they estimate. */
function estimatedPoints(data: SeriesData, name: string, visible: (run: number) => boolean): ChartPoint[] {
  return (data.estimates.get(name) ?? [])
    .filter((e) => visible(e.run))
    .map((e) => ({
      start: e.start,
      end: e.end,
      value: e.value,
      lo: e.lower,
      hi: e.upper,
      threshold: null,
      status: e.status,
      run: e.run,
      tooltip:
        `${formatWindow(e.start, e.end)} UTC: estimated ${name} ${formatMetric(e.value)}` +
        `${e.standardError === null ? '' : ` (standard error ${formatMetric(e.standardError)})`}` +
        `${e.lower !== null && e.upper !== null ? `, band ${formatMetric(e.lower)} to ${formatMetric(e.upper)}` : ''}${judged(e.operator, e.threshold, e.status)}`,
    }))
    .sort((a, b) => a.start - b.start);
}

function metricChart(data: SeriesData, name: string, id: string, domain: readonly [number, number], cadence: number, visible: (run: number) => boolean): string {
  const { points, withoutValue } = realizedPoints(data, name, visible);
  const estimates = estimatedPoints(data, name, visible);
  const reference = (data.metrics.get(`${name}${CONSTANT}`) ?? [])
    .filter((p) => visible(p.run) && p.value !== null)
    .map((p) => ({ start: data.runs[p.run]!.start, end: data.runs[p.run]!.end, value: p.value! }));
  const chart = renderTimeChart({
    label: `${name} over time`,
    domain,
    cadence,
    points,
    estimates,
    reference,
    format: formatMetric,
    bandLabel: '± one standard deviation',
    estimateLabel: 'label-free estimate',
  });
  const violated = points.filter((p) => p.status === 'violated').length;
  const caption = [
    `${formatCount(points.length)} runs`,
    violated > 0 ? `${formatCount(violated)} violated` : '',
    withoutValue > 0 ? `${formatCount(withoutValue)} without a value (not computed)` : '',
    estimates.length > 0 ? `${formatCount(estimates.length)} estimates` : '',
  ].filter(Boolean);
  return (
    `<figure id="${id}" data-metric="${escapeHtml(name)}"><figcaption><strong class="mono">${escapeHtml(shorten(name, 80))}</strong> · ${escapeHtml(caption.join(', '))}</figcaption>` +
    `<div class="scroll">${chart.svg}</div>${chart.legend}</figure>`
  );
}

function coverageChart(data: SeriesData, domain: readonly [number, number], cadence: number, visible: SeriesRun[]): string {
  const points: ChartPoint[] = visible
    .filter((r) => r.coverage !== null)
    .map((r) => ({
      start: r.start,
      end: r.end,
      value: r.coverage!,
      lo: null,
      hi: null,
      threshold: null,
      status: null,
      run: r.index,
      tooltip: `${formatWindow(r.start, r.end)} UTC: coverage ${formatShare(r.coverage!)}${r.joined !== null && r.predictions !== null ? `, ${formatCount(r.joined)} of ${formatCount(r.predictions)} predictions joined a label` : ''}`,
    }));
  if (points.length === 0) return '';
  const chart = renderTimeChart({ label: 'ground-truth coverage over time', domain, cadence, points, yRange: [0, 1], format: formatShare, bandLabel: '' });
  const latest = points[points.length - 1]!;
  return (
    `<h3>Ground-truth coverage</h3><figure data-metric="ground_truth_coverage"><figcaption>Share of the window's predictions that joined a label (monitoring_report.json). Latest ${escapeHtml(formatShare(latest.value))}.</figcaption>` +
    `<div class="scroll">${chart.svg}</div>${chart.legend}</figure>`
  );
}

/** The section of one series; `n` numbers it for anchors. */
export function renderSeries(data: SeriesData, n: number): string {
  const visibleRuns = data.runs.filter((r) => !r.superseded);
  const visible = (run: number): boolean => !data.runs[run]!.superseded;
  const starts = visibleRuns.map((r) => r.start);
  const ends = visibleRuns.map((r) => r.end);
  for (const points of data.estimates.values()) {
    for (const e of points) {
      if (!visible(e.run)) continue;
      starts.push(e.start);
      ends.push(e.end);
    }
  }
  const domain: [number, number] = [Math.min(...starts), Math.max(...ends)];
  const { cadence, missing, missingCount } = findMissingWindows(visibleRuns);
  const count = (status: SeriesRun['status']): number => visibleRuns.filter((r) => r.status === status).length;
  const superseded = data.runs.length - visibleRuns.length;
  const title = `${data.endpoint ?? '(no endpoint)'} / ${data.schedule ?? '(no schedule)'}`;
  const analysis = data.analysis === 'data_quality' ? 'data quality' : `model quality${data.problemTypes.length ? ` (${data.problemTypes.join(', ')})` : ''}`;
  const records = visibleRuns.map((r) => r.itemCount).filter((c): c is number => c !== null);
  const facts: Array<[string, string]> = [
    ['Analysis', analysis],
    ['Windows', `${formatWindow(domain[0], domain[1])} UTC, ${cadenceText(cadence)}`],
    ['Runs', `${formatCount(visibleRuns.length)}${superseded ? ` (plus ${formatCount(superseded)} earlier evaluations of the same windows, superseded)` : ''}`],
    ['Verdicts', `${formatCount(count('Completed'))} completed, ${formatCount(count('CompletedWithViolations'))} with violations, ${formatCount(count('Failed'))} failed`],
    ['Missing windows', missingCount === 0 ? 'none' : `${formatCount(missingCount)}: ${missing.slice(0, 5).map((m) => `${formatWindow(m.start, m.end)}${m.slots > 1 ? ` (${m.slots} windows)` : ''}`).join('; ')}${missing.length > 5 ? '; …' : ''}`],
  ];
  if (records.length) facts.push(['Records per run', `${formatCount(Math.min(...records))} to ${formatCount(Math.max(...records))}`]);
  const fromFolder = (data.windowSources.folder ?? 0) + (data.windowSources.evaluation_time ?? 0);
  if (fromFolder > 0) {
    facts.push(['Window source', `${formatCount(fromFolder)} of ${formatCount(data.runs.length)} runs have no monitoring_report.json (SageMaker's analyzer): their window is the hour before their folder's hour (see --folder-window-offset-hours)`]);
  }
  const { charted, all } = chartedMetrics(data);
  const charts = charted.map((name, i) => metricChart(data, name, `s${n}-m${i + 1}`, domain, cadence, visible));
  const notCharted = all.length > charted.length ? `<p class="note">${formatCount(all.length - charted.length)} more metrics are in the table below and in the Parquet table.</p>` : '';
  const metricsDropped = data.metricsDropped > 0 ? `<p class="note">${formatCount(data.metricsDropped)} metric values beyond the first ${all.length} metric names were not kept for this page.</p>` : '';
  return [
    `<section class="series" id="series-${n}" data-series="${escapeHtml(title)}" data-analysis="${data.analysis}">`,
    `<h2>${escapeHtml(shorten(title, 200))}</h2>`,
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`,
    '<h3>Verdict per window</h3>',
    `<div class="scroll">${renderStatusTimeline(visibleRuns, missing, domain, `verdict per window of ${title}`)}</div>`,
    renderViolations(data),
    data.analysis === 'model_quality' ? coverageChart(data, domain, cadence, visibleRuns) : '',
    charts.length ? `<h3>Metrics over time</h3>${charts.join('')}${notCharted}` : '',
    all.length ? `<h3>Metric summary</h3>${renderMetricTable(data, all, visible)}${metricsDropped}` : '',
    renderFeatureTable(data),
    renderRuns(data.runs),
    '</section>',
  ].join('\n');
}
