/**
 * @module The tables of a series on the history page: each metric's summary over the runs (latest value, range,
 * threshold, how often violated, the latest estimate), the data-quality features with their drift, the violations by
 * metric or feature, and the latest runs. Every table is capped; the Parquet table has every row.
 */
import { OPERATORS, isOperator } from '../constraints/operators.ts';
import { escapeHtml, shorten } from '../report/html/escape.ts';
import { formatCount, formatMetric, formatShare } from '../report/html/format.ts';
import { px } from '../report/html/svg.ts';
import { isSyntheticViolation, type EstimatePointRef, type FeatureSummary, type MetricPointRef, type SeriesData, type SeriesRun } from './history-collector.ts';
import { formatWindow } from './time-axis.ts';

export const TABLE_CAPS = { runs: 100, features: 100, violationCounts: 50, recentRuns: 10, violationsPerRun: 10 } as const;

/** "alert if < 0.9000" (or the operator's name when it is not one mpm knows). */
export function alertText(operator: string | null, threshold: number | null): string {
  if (threshold === null || operator === null) return '–';
  return isOperator(operator) ? `alert if ${OPERATORS[operator].symbol} ${formatMetric(threshold)}` : `${operator} ${formatMetric(threshold)}`;
}

const withStd = (value: number, std: number | null): string => `${formatMetric(value)}${std === null ? '' : ` ± ${formatMetric(std)}`}`;

/** Each metric's summary row. `visible` tells which runs the charts use (not superseded). */
export function renderMetricTable(data: SeriesData, names: string[], visible: (run: number) => boolean): string {
  if (names.length === 0) return '';
  const rows = names.map((name) => {
    const points = (data.metrics.get(name) ?? []).filter((p) => visible(p.run));
    const valued = points.filter((p): p is MetricPointRef & { value: number } => p.value !== null);
    const latest = valued[valued.length - 1];
    const lastThreshold = [...points].reverse().find((p) => p.threshold !== null);
    const violated = points.filter((p) => p.status === 'violated').length;
    const notEvaluated = points.filter((p) => p.status === 'not_evaluated').length;
    const estimates = (data.estimates.get(name) ?? []).filter((e) => visible(e.run));
    const estimate: EstimatePointRef | undefined = estimates[estimates.length - 1];
    const min = valued.length ? Math.min(...valued.map((p) => p.value)) : undefined;
    const max = valued.length ? Math.max(...valued.map((p) => p.value)) : undefined;
    return (
      `<tr data-metric="${escapeHtml(name)}"><th scope="row" class="mono">${escapeHtml(shorten(name, 80))}</th>` +
      `<td class="num" data-field="runs">${formatCount(valued.length)}${points.length > valued.length ? ` <span class="why">(+${points.length - valued.length} without a value)</span>` : ''}</td>` +
      `<td class="num" data-field="latest">${latest ? withStd(latest.value, latest.std) : '–'}</td>` +
      `<td class="num" data-field="min">${min === undefined ? '–' : formatMetric(min)}</td><td class="num" data-field="max">${max === undefined ? '–' : formatMetric(max)}</td>` +
      `<td class="num" data-field="threshold">${escapeHtml(alertText(lastThreshold?.operator ?? null, lastThreshold?.threshold ?? null))}</td>` +
      `<td class="num" data-field="violated">${lastThreshold ? `${formatCount(violated)}${notEvaluated ? ` <span class="why">(+${notEvaluated} not evaluated)</span>` : ''}` : '–'}</td>` +
      `<td class="num" data-field="estimate">${estimate ? `${formatMetric(estimate.value)}${estimate.standardError === null ? '' : ` (SE ${formatMetric(estimate.standardError)})`}` : '–'}</td></tr>`
    );
  });
  const hasEstimates = names.some((n) => (data.estimates.get(n) ?? []).length > 0);
  const head =
    '<tr><th>Metric</th><th class="num">Runs</th><th class="num">Latest ± std dev</th><th class="num">Min</th><th class="num">Max</th><th class="num">Threshold (latest)</th><th class="num">Violated runs</th>' +
    `<th class="num">Latest estimate</th></tr>`;
  return (
    `<div class="table-scroll"><table class="metric-summary"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>` +
    `<p class="note">Over the runs charted (the latest evaluation of each window). Std dev: the run's standard deviation of the metric (5 subsamples; none below 200 records).${hasEstimates ? ' Estimate: label-free (mpm_estimated_metrics), with its standard error.' : ''}</p>`
  );
}

function strip(f: FeatureSummary, runs: number): string {
  if (f.events.length === 0 || runs === 0) return '';
  const width = 160;
  const cell = Math.max(1, width / runs);
  const cells = f.events.map(([run, drift]) => `<rect class="cell ${drift ? 'drift' : 'other'}" x="${px((run / runs) * width)}" y="0" width="${px(cell)}" height="12"/>`);
  return `<svg class="strip" viewBox="0 0 ${width} 12" role="img" aria-label="runs with a violation of this feature"><rect class="track" x="0" y="0" width="${width}" height="12"/>${cells.join('')}</svg>`;
}

/** Data-quality features, most drifted first. */
export function renderFeatureTable(data: SeriesData): string {
  const features = [...data.features.values()];
  if (features.length === 0) return '';
  const others = (f: FeatureSummary): number => [...f.checks.entries()].filter(([c]) => c !== 'baseline_drift_check').reduce((n, [, k]) => n + k, 0);
  features.sort((a, b) => b.driftViolations - a.driftViolations || others(b) - others(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rows = features.slice(0, TABLE_CAPS.features).map((f) => {
    const checks = [...f.checks.entries()].filter(([c]) => c !== 'baseline_drift_check').map(([c, n]) => `${c} ${formatCount(n)}`);
    const driftRun = f.lastDriftRun === null ? undefined : data.runs[f.lastDriftRun];
    const drift =
      f.lastDrift === null || !driftRun
        ? ''
        : `<span class="why" title="${escapeHtml(`${formatWindow(driftRun.start, driftRun.end)} UTC`)}">last ${formatMetric(f.lastDrift)}${f.lastDriftThreshold === null ? '' : ` &gt; ${formatMetric(f.lastDriftThreshold)}`}</span>`;
    return (
      `<tr data-feature="${escapeHtml(f.name)}"><th scope="row" class="mono">${escapeHtml(shorten(f.name, 60))}</th><td>${escapeHtml(f.type ?? '–')}</td>` +
      `<td class="num" data-field="runs">${formatCount(f.runs)}</td>` +
      `<td class="num" data-field="completeness">${f.lastCompleteness === null ? '–' : formatShare(f.lastCompleteness)}${f.minCompleteness !== null && f.minCompleteness < (f.lastCompleteness ?? 1) ? ` <span class="why">(min ${formatShare(f.minCompleteness)})</span>` : ''}</td>` +
      `<td class="num" data-field="drift">${formatCount(f.driftViolations)}${drift}</td>` +
      `<td data-field="checks">${checks.length ? escapeHtml(checks.join(', ')) : '–'}</td><td>${strip(f, data.runs.length)}</td></tr>`
    );
  });
  const more = features.length > TABLE_CAPS.features ? ` ${formatCount(features.length - TABLE_CAPS.features)} more features are in the Parquet table.` : '';
  const dropped = data.featuresDropped > 0 ? ` ${formatCount(data.featuresDropped)} feature entries beyond the first ${formatCount(features.length)} features were not tracked for this page.` : '';
  return (
    '<h3>Features</h3><div class="table-scroll"><table class="features"><thead><tr><th>Feature</th><th>Type</th><th class="num">Runs</th><th class="num">Completeness (latest)</th>' +
    `<th class="num">Drift violations</th><th>Other violations</th><th>Violations over time</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>` +
    `<p class="note">${escapeHtml(
      'Drift: baseline_drift_check violations (distance from the baseline above the threshold, as the violation states it; a distance below the threshold is not written to the report files). ' +
        `Over time: a cell per run with a violation of the feature (red: drift).${more}${dropped}`,
    )}</p>`
  );
}

/** Violations by metric or feature and check type, then the latest ones in words. */
export function renderViolations(data: SeriesData): string {
  if (data.violationCounts.length === 0) return '<h3>Violations</h3><p class="note">No run of this series reported a violation.</p>';
  const counts = data.violationCounts.slice(0, TABLE_CAPS.violationCounts).map((v) => {
    const run = data.runs[v.lastRun]!;
    const synthetic = isSyntheticViolation(v.subject) ? ' <span class="badge synthetic">test, not a finding</span>' : '';
    return (
      `<tr data-violation="${escapeHtml(v.subject ?? '')}" data-check="${escapeHtml(v.checkType)}"><th scope="row" class="mono">${escapeHtml(shorten(v.subject ?? '(none)', 80))}${synthetic}</th>` +
      `<td class="mono">${escapeHtml(shorten(v.checkType, 60))}</td><td class="num" data-field="count">${formatCount(v.count)}</td><td class="num">${escapeHtml(formatWindow(run.start, run.end))}</td></tr>`
    );
  });
  const moreCounts = data.violationCounts.length > TABLE_CAPS.violationCounts ? `<p class="note">${formatCount(data.violationCounts.length - TABLE_CAPS.violationCounts)} more combinations in the Parquet table.</p>` : '';
  // The latest runs with violations, newest first, each with its violations in words.
  const byRun = new Map<number, typeof data.recentViolations>();
  for (const v of [...data.recentViolations].reverse()) {
    if (!byRun.has(v.run) && byRun.size >= TABLE_CAPS.recentRuns) break;
    (byRun.get(v.run) ?? byRun.set(v.run, []).get(v.run)!).push(v);
  }
  const items = [...byRun.entries()].map(([runIndex, list]) => {
    const run = data.runs[runIndex]!;
    const shown = list.slice(0, TABLE_CAPS.violationsPerRun).reverse();
    const onlySynthetic = list.every((v) => isSyntheticViolation(v.subject));
    const lines = shown.map((v) => {
      const synthetic = isSyntheticViolation(v.subject) ? '<span class="badge synthetic">test, not a finding</span> ' : '';
      // A threshold check reads best as numbers ("accuracy 0.3750 < 0.7558"); other checks as their description.
      const compact = isOperator(v.checkType) && v.value !== null && v.threshold !== null;
      const text = compact ? `${formatMetric(v.value!)} ${OPERATORS[v.checkType as keyof typeof OPERATORS].symbol} ${formatMetric(v.threshold!)}` : shorten(v.description, 300);
      return (
        `<li data-violation="${escapeHtml(v.subject ?? '')}"><span class="mono">${escapeHtml(shorten(v.subject ?? '(none)', 80))}</span> ${synthetic}${escapeHtml(text)}` +
        `${compact ? '' : ` <span class="mono why">${escapeHtml(shorten(v.checkType, 60))}</span>`}</li>`
      );
    });
    const more = list.length > shown.length ? `<li class="why">${formatCount(list.length - shown.length)} more in this run's constraint_violations.json</li>` : '';
    return (
      `<li${onlySynthetic ? ' class="synthetic"' : ''} data-run="${escapeHtml(run.path)}"><strong>${escapeHtml(formatWindow(run.start, run.end))} UTC</strong>: ` +
      `${formatCount(run.violationCount)} violation${run.violationCount === 1 ? '' : 's'}<ul>${lines.join('')}${more}</ul></li>`
    );
  });
  return (
    `<h3>Violations</h3><div class="table-scroll"><table class="violation-counts"><thead><tr><th>Metric or feature</th><th>Check</th><th class="num">Runs</th><th class="num">Last window (UTC)</th></tr></thead>` +
    `<tbody>${counts.join('')}</tbody></table></div>${moreCounts}<h3>Latest violations</h3><ul class="violations">${items.join('')}</ul>` +
    `<p class="note">${byRun.size === 1 ? 'The latest run with violations' : `The latest ${byRun.size} runs with violations (newest first)`}; each run's constraint_violations.json and the Parquet table have them all.</p>`
  );
}

const VERDICT = { Completed: ['pass', 'completed'], CompletedWithViolations: ['violated', 'with violations'], Failed: ['violated', 'failed'] } as const;

/** The latest runs, newest first (superseded evaluations greyed). */
export function renderRuns(runs: SeriesRun[]): string {
  const shown = [...runs].reverse().slice(0, TABLE_CAPS.runs);
  const rows = shown.map((r) => {
    const [tone, words] = VERDICT[r.status];
    const coverage = r.coverage === null ? '–' : `${formatShare(r.coverage)}${r.joined !== null && r.predictions !== null ? ` <span class="why">(${formatCount(r.joined)} of ${formatCount(r.predictions)})</span>` : ''}`;
    const note = [r.superseded ? 'superseded by a later evaluation of this window' : '', r.windowSource === 'folder' ? 'window from the folder path' : r.windowSource === 'evaluation_time' ? 'window from the evaluation time' : ''].filter(Boolean).join('; ');
    return (
      `<tr data-run="${escapeHtml(r.path)}" data-i="${r.index}"${r.superseded ? ' class="superseded"' : ''}><th scope="row" class="num">${escapeHtml(formatWindow(r.start, r.end))}${note ? `<span class="why">${escapeHtml(note)}</span>` : ''}</th>` +
      `<td><span class="badge ${tone}" data-field="status">${escapeHtml(words)}</span></td><td class="num" data-field="records">${r.itemCount === null ? '–' : formatCount(r.itemCount)}</td>` +
      `<td class="num" data-field="coverage">${coverage}</td><td class="num" data-field="violations">${formatCount(r.violationCount)}</td><td class="mono">${escapeHtml(shorten(r.path === '' ? '.' : r.path, 160))}</td></tr>`
    );
  });
  const more = runs.length > shown.length ? `<p class="note">The ${shown.length} latest of ${formatCount(runs.length)} runs; the Parquet table has them all.</p>` : '';
  return (
    '<h3>Runs</h3><div class="table-scroll"><table class="runs"><thead><tr><th class="num">Window (UTC)</th><th>Verdict</th><th class="num">Records</th><th class="num">Coverage</th><th class="num">Violations</th><th>Report folder</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div>${more}`
  );
}
