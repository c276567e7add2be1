/**
 * @module The label-free estimate on the report page: each estimated metric beside its realized value (when labels
 * joined), with the +/-3 standard-error band and whether the realized value fell inside it, how much of the window
 * the estimate and the labels cover, what could not be estimated and why, and the estimated constraints' results.
 * It reads statistics.json's `mpm_estimated_metrics` (the reference) and the run report.
 */
import { OPERATORS, isOperator } from '../../constraints/operators.ts';
import type { ModelQualityStatistics } from '../../metrics/types.ts';
import type { EstimatedConstraintResult, RunReport } from '../build-run-report.ts';
import { escapeHtml } from './escape.ts';
import { formatCount, formatMetric, formatShare } from './format.ts';
import { metricSection } from './metrics-section.ts';

/** The fields of one estimated metric the page reads. */
interface ShownEstimate {
  value: number;
  standard_error: number | null;
  lower: number | null;
  upper: number | null;
  standard_error_method?: string;
}

/** The fields of mpm_estimated_metrics the page reads. */
interface ShownSection {
  mode?: string;
  calibration_source?: string;
  calibrated?: boolean;
  predictions?: number;
  estimated_records?: number;
  metrics?: Record<string, ShownEstimate>;
  not_estimated?: Record<string, string>;
  not_estimated_reason?: string;
}

const MODES: Record<string, string> = {
  binary: 'binary, from P(positive)',
  multiclass_vectors: 'multiclass, from the probability vectors (expected confusion matrix)',
  multiclass_top_score: 'multiclass, from the predicted label\'s probability only',
};

/** Where the realized value sits against the band: inside, outside, or no realized value to compare. */
function bandCell(realized: number | undefined, e: ShownEstimate): { cell: string; inside?: boolean } {
  if (realized === undefined || !Number.isFinite(realized)) return { cell: '<td data-field="in-band">–</td>' };
  if (e.lower === null || e.upper === null) return { cell: '<td data-field="in-band"><span class="why">no band</span></td>' };
  const inside = realized >= e.lower && realized <= e.upper;
  const badge = inside ? '<span class="badge pass">inside</span>' : '<span class="badge violated">outside</span>';
  return { cell: `<td data-field="in-band">${badge}</td>`, inside };
}

function constraintText(r: EstimatedConstraintResult): string {
  const symbol = isOperator(r.operator) ? OPERATORS[r.operator].symbol : r.operator;
  const bounds = `alert if ${symbol} ${formatMetric(r.threshold)}${r.upper_threshold === undefined ? '' : ` or > ${formatMetric(r.upper_threshold)}`}`;
  const status =
    r.status === 'not_evaluated'
      ? `<span class="badge not-evaluated">not evaluated</span> <span class="why">${escapeHtml(r.why ?? '')}</span>`
      : `<span class="badge ${r.status}">${r.status === 'pass' ? 'pass' : 'violated'}</span>`;
  return `${escapeHtml(bounds)} ${status}`;
}

/** The rows of the side-by-side table and how many realized values fell inside their band. */
function rows(section: ShownSection, realized: Map<string, number>, constraints: EstimatedConstraintResult[]): { html: string[]; compared: number; inside: number } {
  let compared = 0;
  let inside = 0;
  const html = Object.entries(section.metrics ?? {}).map(([name, e]) => {
    const value = realized.get(name);
    const band = bandCell(value, e);
    if (band.inside !== undefined) {
      compared++;
      if (band.inside) inside++;
    }
    const se = e.standard_error === null || !Number.isFinite(e.standard_error) ? '–' : `± ${formatMetric(e.standard_error)}`;
    const range = e.lower === null || e.upper === null ? '–' : `${formatMetric(e.lower)} – ${formatMetric(e.upper)}`;
    const mine = constraints.filter((c) => c.metric === `estimated_${name}`);
    return (
      `<tr data-estimate="${escapeHtml(name)}"><th scope="row" class="mono">${escapeHtml(name)}</th>` +
      `<td class="num" data-field="estimate">${formatMetric(e.value)}</td><td class="num" data-field="se">${escapeHtml(se)}</td>` +
      `<td class="num" data-field="band">${escapeHtml(range)}</td><td class="num" data-field="realized">${value === undefined ? '–' : formatMetric(value)}</td>` +
      `${band.cell}${constraints.length > 0 ? `<td data-field="constraint">${mine.map(constraintText).join('<br>')}</td>` : ''}</tr>`
    );
  });
  return { html, compared, inside };
}

/** The realized values by name: the SageMaker section's metrics, and the macro averages of mpm_extra_metrics. */
function realizedValues(statistics: ModelQualityStatistics | undefined, report: RunReport): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, m] of Object.entries(metricSection(statistics, report) ?? {})) {
    const value = (m as { value?: unknown } | null)?.value;
    if (typeof value === 'number') out.set(name, value);
  }
  for (const [name, value] of Object.entries(statistics?.mpm_extra_metrics ?? {})) {
    if (name.startsWith('macro_') && typeof value === 'number') out.set(name, value);
  }
  return out;
}

/** What the estimate covers: the predictions estimated and the share with a label (the realized value's basis). */
function coverageText(section: ShownSection, report: RunReport, compared: number, inside: number): string {
  const predictions = section.predictions ?? 0;
  const estimated = section.estimated_records ?? 0;
  const joined = report.join?.joined ?? 0;
  const parts = [
    `Estimated over <strong class="num" data-fact="estimated records">${formatCount(estimated)}</strong> of ${formatCount(predictions)} predictions, labelled or not ` +
      `(${predictions > 0 ? formatShare(estimated / predictions) : '–'}).`,
    ` Label coverage: <strong class="num" data-fact="label coverage">${predictions > 0 ? formatShare(joined / predictions) : '–'}</strong> of predictions joined a label` +
      (joined === 0 ? ', so no realized value can be compared yet (the estimate stands alone).' : '.'),
  ];
  if (compared > 0) parts.push(` Realized value inside the band: <strong class="num" data-fact="inside band">${inside} of ${compared}</strong> metrics.`);
  return `<p>${parts.join('')}</p>`;
}

/** The estimate section, or why there is none. */
export function renderEstimate(report: RunReport, statistics: ModelQualityStatistics | undefined): string {
  const heading = '<h2 id="estimate">Label-free estimate (CBPE)</h2>';
  const section = statistics?.mpm_estimated_metrics as ShownSection | undefined;
  if (section === undefined) return '';
  if (section.not_estimated_reason !== undefined) return `${heading}<p class="note" data-fact="not estimated">Not estimated: ${escapeHtml(section.not_estimated_reason)}.</p>`;
  const constraints = report.constraints?.estimated_results ?? [];
  const table = rows(section, realizedValues(statistics, report), constraints);
  const how =
    `<p class="note">Mode: ${escapeHtml(MODES[section.mode ?? ''] ?? section.mode ?? '')}. ` +
    (section.calibration_source === 'baseline'
      ? `Calibration from the baseline (constraints.json <code>mpm_calibration</code>)${section.calibrated ? '' : '; the baseline judged the scores calibrated already'}.`
      : '<strong data-fact="uncalibrated">Uncalibrated</strong>: the baseline has no calibration, so the scores are taken as calibrated and the standard errors come from this window.') +
    '</p>';
  const head =
    '<tr><th>Metric</th><th class="num">Estimate</th><th class="num">Std error</th><th class="num">Band (±3 SE)</th><th class="num">Realized</th><th>Realized in band</th>' +
    `${constraints.length > 0 ? '<th>Constraint</th>' : ''}</tr>`;
  const notEstimated = Object.entries(section.not_estimated ?? {}).map(([name, why]) => `<li data-not-estimated="${escapeHtml(name)}"><span class="mono">${escapeHtml(name)}</span>: ${escapeHtml(why)}</li>`);
  return (
    heading +
    coverageText(section, report, table.compared, table.inside) +
    how +
    `<div class="table-scroll"><table class="estimate"><thead>${head}</thead><tbody>${table.html.join('')}</tbody></table></div>` +
    (notEstimated.length > 0 ? `<p>Not estimated:</p><ul class="samples">${notEstimated.join('')}</ul>` : '') +
    '<p class="note">The estimate uses every prediction of the window and needs no label; the realized value uses the labelled ones. ' +
    'A realized value outside the band means the estimate\'s assumptions broke (concept drift, inputs outside the reference, miscalibration): see docs/estimation.md.</p>'
  );
}
