/**
 * @module The prediction store on the report page (issue 17): which window a delayed run judged and which it stored,
 * the judged result beside the fresh window's label-free estimate, how the labels of the judged window arrived (so a
 * reader can choose the evaluation delay), and what the run stored. Read from the run report's `evaluation`,
 * `label_arrival` and `prediction_store`; rows are capped so the page stays small whatever the hours or lags.
 */
import type { ModelQualityStatistics } from '../../metrics/types.ts';
import type { EvaluationReport, RunReport } from '../build-run-report.ts';
import type { LabelLagSummary } from '../../store/label-lag.ts';
import type { StoreReport } from '../../store/store-report.ts';
import { miniBar } from './class-table.ts';
import { escapeHtml, shorten } from './escape.ts';
import { formatCount, formatMetric, formatShare } from './format.ts';
import { metricSection } from './metrics-section.ts';

/** Most lag hours and stored hours listed as rows; the run report has them all. */
export const MAX_ROWS = 48;

/** The fields of an estimated metric the page reads (statistics.json mpm_estimated_metrics shape). */
interface ShownEstimate {
  value: number;
  standard_error: number | null;
  lower: number | null;
  upper: number | null;
}

function windowText(w: { start_time?: string; end_time?: string } | undefined): string {
  return `${w?.start_time ?? 'open'} to ${w?.end_time ?? 'open'}`;
}

function facts(rows: Array<[string, string, string]>): string {
  return `<dl class="facts">${rows.map(([key, fact, value]) => `<dt>${escapeHtml(key)}</dt><dd data-fact="${fact}">${value}</dd>`).join('')}</dl>`;
}

function moreRows(total: number, what: string, where: string): string {
  return total > MAX_ROWS ? `<p class="note">${formatCount(total - MAX_ROWS)} more ${what} in monitoring_report.json (${where}).</p>` : '';
}

/** The judged metrics (statistics.json) beside the fresh window's estimate: a delayed run's two verdicts. */
function freshBesideJudged(evaluation: EvaluationReport, statistics: ModelQualityStatistics | undefined, report: RunReport): string {
  const fresh = evaluation.fresh_window_estimate as
    | { metrics?: Record<string, ShownEstimate>; not_estimated_reason?: string; not_estimated?: Record<string, string>; predictions?: number; window?: { start_time?: string; end_time?: string } }
    | undefined;
  if (fresh === undefined) return '';
  if (fresh.not_estimated_reason !== undefined) return `<p class="note" data-fact="fresh not estimated">The fresh window was not estimated: ${escapeHtml(fresh.not_estimated_reason)}.</p>`;
  if (Object.keys(fresh.metrics ?? {}).length === 0) {
    // No metric to set beside the judged ones (a fresh hour without traffic): say why instead of an empty table.
    const why = fresh.predictions === 0 ? ['it holds no predictions'] : [...new Set(Object.values(fresh.not_estimated ?? {}))].slice(0, 3);
    return `<p class="note" data-fact="fresh not estimated">The fresh window (${escapeHtml(windowText(fresh.window ?? evaluation.stored_window))}) gave no estimate: ${escapeHtml(why.join('; ') || 'no metric could be estimated')}.</p>`;
  }
  const judged = metricSection(statistics, report) ?? {};
  const rows = Object.entries(fresh.metrics ?? {}).map(([name, e]) => {
    const value = (judged[name] as { value?: unknown } | undefined)?.value;
    const band = e.lower === null || e.upper === null ? '–' : `${formatMetric(e.lower)} – ${formatMetric(e.upper)}`;
    return (
      `<tr data-compare="${escapeHtml(name)}"><th scope="row" class="mono">${escapeHtml(name)}</th>` +
      `<td class="num" data-field="judged">${typeof value === 'number' ? formatMetric(value) : '–'}</td>` +
      `<td class="num" data-field="fresh">${formatMetric(e.value)}</td><td class="num" data-field="fresh-band">${escapeHtml(band)}</td></tr>`
    );
  });
  return (
    `<h3>Judged window beside the fresh window's estimate</h3>` +
    '<div class="table-scroll"><table class="compare"><thead><tr><th>Metric</th>' +
    '<th class="num">Judged, with labels</th><th class="num">Fresh, estimated</th><th class="num">Band (±3 SE)</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div>` +
    `<p class="note">Judged: ${escapeHtml(windowText(evaluation.judged_window))}, with the labels that have arrived since. ` +
    `Fresh: ${escapeHtml(windowText(fresh.window ?? evaluation.stored_window))}, estimated without labels (most have not come yet): the early warning for that hour.</p>`
  );
}

/**
 * Which window was judged from the store, which was stored, the hours missing from the store, and the judged result
 * beside the fresh window's estimate; empty for a run that judged its own window. It goes right after the verdict:
 * the rest of the page describes the judged window.
 */
export function renderEvaluation(report: RunReport, statistics: ModelQualityStatistics | undefined): string {
  const e = report.evaluation;
  if (e === undefined) return '';
  const missing = e.missing_hours.length;
  const rows: Array<[string, string, string]> = [
    ['Judged window', 'judged window', escapeHtml(windowText(e.judged_window))],
    ...(e.stored_window ? ([['Stored window (this run)', 'stored window', escapeHtml(windowText(e.stored_window))]] as Array<[string, string, string]>) : []),
    ['Evaluation delay', 'delay hours', `${formatCount(e.delay_hours)} h`],
    ['Hours found in the store', 'stored hours', `${formatCount(e.stored_hours.length)}`],
    [
      'Hours missing from the store',
      'missing hours',
      missing === 0 ? '0' : `<span class="badge violated">${formatCount(missing)}</span> <span class="mono">${escapeHtml(shorten(e.missing_hours.slice(0, 5).join(', '), 200))}${missing > 5 ? ', …' : ''}</span>`,
    ],
  ];
  const notes = (e.notes ?? []).map((n) => `<li>${escapeHtml(shorten(n, 300))}</li>`);
  return (
    '<h2 id="evaluation">Judged from the prediction store</h2>' +
    `<p>This run judged an earlier window from the prediction store, with the labels present now${e.stored_window ? ', and stored its own window for a later judgement' : ''}: ` +
    'statistics.json, the violations and the metrics describe the judged window.</p>' +
    facts(rows) +
    (notes.length > 0 ? `<ul class="samples">${notes.join('')}</ul>` : '') +
    freshBesideJudged(e, statistics, report)
  );
}

function delayText(hours: number | null): string {
  return hours === null ? 'not reached' : `${formatCount(hours)} h`;
}

/** Label coverage of the judged window, labels per lag hour and the delay that catches each share of them. */
function renderLabelArrival(a: LabelLagSummary | undefined): string {
  if (a === undefined) return '';
  const shares = Object.entries(a.delay_for_share).map(
    ([share, hours]) => `<tr data-share="${escapeHtml(share)}"><th scope="row">${formatShare(Number(share))} of the labels</th><td class="num">${delayText(hours)}</td></tr>`,
  );
  const maxLabels = Math.max(1, ...a.lag_hours.map((l) => l.labels));
  const lags = a.lag_hours.slice(0, MAX_ROWS).map(
    (l) =>
      `<tr data-lag="${l.lag}"><th scope="row" class="num">${formatCount(l.lag)}</th><td class="num" data-field="labels">${formatCount(l.labels)}${miniBar(l.labels / maxLabels)}</td>` +
      `<td class="num" data-field="coverage">${formatShare(l.coverage_with_delay)}</td></tr>`,
  );
  const other: string[] = [];
  if (a.early_labels > 0) other.push(`${formatCount(a.early_labels)} in a partition before their prediction's hour`);
  if (a.unplaced_labels > 0) other.push(`${formatCount(a.unplaced_labels)} in no dated folder`);
  if (a.beyond_labels > 0) other.push(`${formatCount(a.beyond_labels)} more than a year late`);
  return (
    '<h2 id="label-arrival">Label arrival</h2>' +
    `<p>Label coverage of the judged window: <strong class="num" data-fact="label arrival coverage">${formatShare(a.coverage)}</strong> ` +
    `(<span class="num" data-fact="labelled">${formatCount(a.labelled)}</span> of <span class="num" data-fact="arrival predictions">${formatCount(a.predictions)}</span> predictions have a label now).` +
    (other.length > 0 ? ` Labels counted apart: ${escapeHtml(other.join('; '))}.` : '') +
    '</p>' +
    '<div class="table-scroll"><table class="facts delay-for-share"><thead><tr><th>Delay that catches</th><th class="num">Hours</th></tr></thead>' +
    `<tbody>${shares.join('')}</tbody></table></div>` +
    (lags.length === 0
      ? '<p class="note" data-fact="no lags">No label of this window has arrived yet.</p>'
      : '<div class="table-scroll"><table class="lag-hours"><thead><tr><th class="num">Lag (hours)</th><th class="num">Labels</th><th class="num">Coverage with this delay</th></tr></thead>' +
        `<tbody>${lags.join('')}</tbody></table></div>${moreRows(a.lag_hours.length, 'lag hours', 'label_arrival.lag_hours')}`) +
    '<p class="note">Lag: hours from a prediction\'s hour to the hour of its label\'s ground-truth folder. A run only sees the labels that exist when it runs; ' +
    'choose MPM_EVALUATION_DELAY_HOURS from a run that judged its window late enough (docs/aws.md, "Choosing the delay").</p>'
  );
}

/** What this run stored: the window, its hours with their parts and bytes, the bytes per record. */
function renderPredictionStore(s: StoreReport | undefined): string {
  if (s === undefined) return '';
  const hours = s.hours.slice(0, MAX_ROWS).map(
    (h) =>
      `<tr data-hour="${escapeHtml(h.hour)}" data-variant="${escapeHtml(h.variant)}"><th scope="row" class="mono">${escapeHtml(h.hour)}</th><td class="mono">${escapeHtml(shorten(h.variant, 60))}</td>` +
      `<td class="num" data-field="requests">${formatCount(h.requests)}</td><td class="num" data-field="records">${formatCount(h.records)}</td>` +
      `<td class="num" data-field="parts">${formatCount(h.parts)}</td><td class="num" data-field="bytes">${formatCount(h.bytes)}</td></tr>`,
  );
  const rows: Array<[string, string, string]> = [
    ['Location', 'store location', `<span class="mono">${escapeHtml(shorten(s.location, 300))}</span>`],
    ['Stored window', 'store window', escapeHtml(windowText(s.stored_window))],
    ['Records stored', 'stored records', formatCount(s.records)],
    ['Bytes', 'stored bytes', formatCount(s.bytes)],
    ['Bytes per record', 'bytes per record', s.bytes_per_record.toFixed(2)],
    ...(s.unstored_records > 0 ? ([['Records not stored (no inference time)', 'unstored records', formatCount(s.unstored_records)]] as Array<[string, string, string]>) : []),
    ['Input errors kept with the hours', 'stored input errors', formatCount(s.input_errors)],
  ];
  return (
    '<h2 id="prediction-store">Prediction store</h2>' +
    facts(rows) +
    '<div class="table-scroll"><table class="stored-hours"><thead><tr><th>Hour</th><th>Variant</th><th class="num">Requests</th><th class="num">Records</th><th class="num">Parts</th><th class="num">Bytes</th></tr></thead>' +
    `<tbody>${hours.join('')}</tbody></table></div>${moreRows(s.hours.length, 'stored hours', 'prediction_store.hours')}`
  );
}

/** Label arrival and what the run stored; empty for a run without the store. */
export function renderStoreSections(report: RunReport): string {
  return [renderLabelArrival(report.label_arrival), renderPredictionStore(report.prediction_store)].filter((s) => s !== '').join('\n');
}
