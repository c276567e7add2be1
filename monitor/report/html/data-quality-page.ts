/**
 * @module report.html for a data-quality run: the verdict and facts, the violations first (feature, check type,
 * description), then every feature ranked by drift distance (largest first; features without a drift comparison
 * after them in column order) with its baseline and current distributions side by side, completeness and type
 * checks beside them. The same page rules as the model-quality page: one self-contained file, no script, the
 * hashed stylesheet under the same Content-Security-Policy, every string from data escaped, and bounded size
 * (at most MAX_VIOLATIONS violations, MAX_CHARTS charts, MAX_TABLE_ROWS table rows; the JSON files have the rest).
 */
import type { DataQualityViolation, FeatureCheck } from '../../data-quality/check-features.ts';
import type { DatasetSummary } from '../../data-quality/dataset-profile.ts';
import type { FeatureSummary } from '../../data-quality/feature-profile.ts';
import type { BaselineFeature, BaselineStatistics } from '../../data-quality/load-statistics.ts';
import { isSyntheticDataQualityViolation } from '../../data-quality/synthetic-violations.ts';
import { bucketShares, categoricalShares, numericShares, renderPairedBars, type PairedShare } from './distribution-chart.ts';
import { escapeHtml, shorten } from './escape.ts';
import { formatCount, formatMetric, formatShare } from './format.ts';
import { PAGE_CSP, PAGE_CSS } from './page-style.ts';
import { MAX_VIOLATIONS } from './verdict-section.ts';

/** Features drawn with charts; the rest are rows of the table. */
export const MAX_CHARTS = 40;
/** Rows of the feature table. */
export const MAX_TABLE_ROWS = 500;

export interface DataQualityPageInput {
  status: 'Completed' | 'CompletedWithViolations' | 'Failed';
  /** The status message (as written to the message file). */
  message: string;
  /** What was judged: endpoint, schedule, window, records... in display order. */
  facts: ReadonlyArray<readonly [string, string]>;
  violations: readonly DataQualityViolation[];
  /** The window's profile; absent for a failed run. */
  summary?: DatasetSummary;
  /** checkDataQuality's per-feature results. */
  checks?: readonly FeatureCheck[];
  baseline?: BaselineStatistics;
  tool: { name: string; version: string };
  /** Files written next to the page. */
  files?: readonly string[];
}

const TONES = { Completed: 'completed', CompletedWithViolations: 'violations', Failed: 'failed' } as const;

function heading(input: DataQualityPageInput): string {
  if (input.status === 'Completed') return 'Completed: no violations';
  if (input.status === 'Failed') return 'Failed';
  const n = input.violations.length;
  const synthetic = input.violations.filter(isSyntheticDataQualityViolation).length;
  return `Completed with ${n} violation${n === 1 ? '' : 's'}${synthetic > 0 && synthetic === n ? ', synthetic tests only' : ''}`;
}

function driftOf(c: FeatureCheck | undefined): number | undefined {
  return c?.drift && c.drift.status !== 'not_evaluated' ? c.drift.distance.simple : undefined;
}

/** Features in page order: drift distance descending, then the rest in column order. */
export function rankFeatures(summary: DatasetSummary, checks: readonly FeatureCheck[]): FeatureSummary[] {
  const byName = new Map(checks.map((c) => [c.name, c]));
  const order = new Map(summary.features.map((f, i) => [f.name, i]));
  return [...summary.features].sort((a, b) => {
    const da = driftOf(byName.get(a.name));
    const db = driftOf(byName.get(b.name));
    if (da !== undefined && db !== undefined && da !== db) return db - da;
    if (da !== undefined && db === undefined) return -1;
    if (da === undefined && db !== undefined) return 1;
    return order.get(a.name)! - order.get(b.name)!;
  });
}

function sharesOf(f: FeatureSummary, base: BaselineFeature | undefined): { shares: PairedShare[]; numeric: boolean } | undefined {
  if (f.numeric !== undefined) {
    const sketch = base?.numeric?.sketch;
    if (sketch !== undefined && base?.numeric?.min !== undefined && base.numeric.max !== undefined) {
      const lo = Math.min(f.numeric.min, base.numeric.min);
      const hi = Math.max(f.numeric.max, base.numeric.max);
      return { shares: numericShares(sketch, f.numeric.sketch, lo, hi), numeric: true };
    }
    if (base?.numeric?.buckets && base.numeric.buckets.length > 0) return { shares: bucketShares(base.numeric.buckets, f.numeric.sketch), numeric: true };
    return { shares: numericShares(f.numeric.sketch, f.numeric.sketch, f.numeric.min, f.numeric.max).map((s) => ({ ...s, baseline: 0 })), numeric: true };
  }
  if (f.categorical !== undefined) return { shares: categoricalShares(base?.categorical?.buckets ?? [], f.categorical.buckets), numeric: false };
  return undefined;
}

function driftText(c: FeatureCheck | undefined): string {
  const d = c?.drift;
  if (d === undefined) return 'not compared (no baseline statistics)';
  if (d.status === 'not_evaluated') return `not compared: ${d.why}`;
  const what = d.method === 'ChiSquared' ? `chi-squared p-value ${formatMetric(d.value)} (drift below ${formatMetric(d.threshold)})` : `${d.method} distance ${formatMetric(d.value)} (threshold ${formatMetric(d.threshold)})`;
  return `${d.status === 'violated' ? 'drift' : 'no drift'}: ${what}; L-infinity distance ${formatMetric(d.distance.simple)}`;
}

function featureFacts(f: FeatureSummary, c: FeatureCheck | undefined, itemCount: number): string {
  const rows: Array<[string, string]> = [
    ['Type', `${f.inferredType}${f.deequType !== f.inferredType ? ` (${f.deequType})` : ''}${c?.expectedType && c.expectedType !== f.inferredType ? `, baseline ${c.expectedType}` : ''}`],
    ['Present', `${formatCount(f.present)} of ${formatCount(itemCount)} (${formatShare(itemCount ? f.present / itemCount : 0)})${c?.expectedCompleteness !== undefined ? `, baseline completeness ${formatShare(c.expectedCompleteness)}` : ''}`],
    ['Drift', driftText(c)],
  ];
  if (c?.typeMatch !== undefined && c.typeMatch < 1) rows.push(['Type match', formatShare(c.typeMatch)]);
  if (c?.domainShare !== undefined) rows.push(['In baseline domain', formatShare(c.domainShare)]);
  if (c?.nonNegative !== undefined && !c.nonNegative.holds) rows.push(['Non-negative', `expected, but the minimum is ${formatMetric(c.nonNegative.min)}`]);
  if (f.numeric) rows.push(['Mean, std dev', `${formatMetric(f.numeric.mean)}, ${formatMetric(f.numeric.stdDev)} (min ${formatMetric(f.numeric.min)}, max ${formatMetric(f.numeric.max)})`]);
  if (f.numeric === undefined && f.categorical?.approximate) rows.push(['Categories', 'approximate: more than 1,000 distinct values; counts are lower bounds']);
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(shorten(v, 400))}</dd>`).join('')}</dl>`;
}

function featureFigure(f: FeatureSummary, c: FeatureCheck | undefined, base: BaselineFeature | undefined, itemCount: number, index: number): string {
  const chart = sharesOf(f, base);
  const title = `${f.name}: baseline (grey) and current (blue) ${chart?.numeric ? 'distribution' : 'categories'}`;
  const body = chart === undefined ? '<p class="note">No values to draw.</p>' : renderPairedBars(chart.shares, title, chart.numeric);
  const flag = c?.drift?.status === 'violated' ? '<span class="badge violated">drift</span>' : '';
  return `<figure id="feature-${index}" data-feature="${escapeHtml(f.name)}"><h3><span class="mono">${escapeHtml(shorten(f.name, 120))}</span>${flag}</h3>${body}${featureFacts(f, c, itemCount)}</figure>`;
}

function violationList(violations: readonly DataQualityViolation[]): string {
  if (violations.length === 0) return '';
  const shown = violations.slice(0, MAX_VIOLATIONS);
  const more = violations.length > shown.length ? `<p class="note">${formatCount(violations.length - shown.length)} more in constraint_violations.json.</p>` : '';
  const items = shown.map((v) =>
    // The synthetic ones of --create-violation-tests are drawn dashed and marked as tests, as on the model-quality page.
    isSyntheticDataQualityViolation(v)
      ? `<li class="synthetic" data-violation="${escapeHtml(v.constraint_check_type)}"><strong>Synthetic violation</strong> <span class="mono">${escapeHtml(v.constraint_check_type)}</span><span class="badge synthetic">test, not a finding</span><p>${escapeHtml(v.description)}</p></li>`
      : `<li data-violation="${escapeHtml(v.constraint_check_type)}"><strong class="mono">${escapeHtml(shorten(v.feature_name, 200))}</strong> <span class="mono">${escapeHtml(v.constraint_check_type)}</span><p>${escapeHtml(shorten(v.description, 1000))}</p></li>`,
  );
  return `<h2 id="violations">Violations</h2><ul class="violations">${items.join('')}</ul>${more}`;
}

function featureTable(rest: readonly FeatureSummary[], checks: Map<string, FeatureCheck>, itemCount: number): string {
  if (rest.length === 0) return '';
  const rows = rest.slice(0, MAX_TABLE_ROWS).map((f) => {
    const c = checks.get(f.name);
    const d = driftOf(c);
    return `<tr><th scope="row" class="mono">${escapeHtml(shorten(f.name, 120))}</th><td>${escapeHtml(f.inferredType)}</td><td class="num">${formatShare(itemCount ? f.present / itemCount : 0)}</td><td class="num">${d === undefined ? '–' : formatMetric(d)}</td></tr>`;
  });
  const more = rest.length > MAX_TABLE_ROWS ? `<p class="note">${formatCount(rest.length - MAX_TABLE_ROWS)} more features in statistics.json.</p>` : '';
  return `<h3>More features</h3><div class="table-scroll"><table><thead><tr><th>Feature</th><th>Type</th><th class="num">Present</th><th class="num">L-infinity distance</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${more}`;
}

/** The page's HTML. */
export function renderDataQualityPage(input: DataQualityPageInput): string {
  const title = `mpm data quality ${heading(input)}`;
  const facts = input.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(shorten(v, 300))}</dd>`).join('');
  const parts = [
    `<header class="verdict ${TONES[input.status]}" data-status="${escapeHtml(input.status)}"><h1 class="status">${escapeHtml(heading(input))}</h1>` +
      `<p>${escapeHtml(shorten(input.message, 2000))}</p><dl class="facts">${facts}</dl></header>`,
    violationList(input.violations),
  ];
  const summary = input.summary;
  if (summary !== undefined) {
    const checks = new Map((input.checks ?? []).map((c) => [c.name, c]));
    const baseline = new Map((input.baseline?.features ?? []).map((f) => [f.name, f]));
    const ranked = rankFeatures(summary, input.checks ?? []);
    const charts = ranked.slice(0, MAX_CHARTS).map((f, i) => featureFigure(f, checks.get(f.name), baseline.get(f.name), summary.itemCount, i));
    const missing = (input.checks ?? []).filter((c) => c.inBaseline && !c.inCurrent).map((c) => c.name);
    const notes: string[] = [];
    if (missing.length > 0) notes.push(`Baseline features missing from this window: ${missing.slice(0, 50).map((m) => `<span class="mono">${escapeHtml(shorten(m, 80))}</span>`).join(', ')}${missing.length > 50 ? ` and ${formatCount(missing.length - 50)} more` : ''}.`);
    if (summary.unprofiled.columns > 0) notes.push(`${formatCount(summary.unprofiled.columns)} columns past the limit of ${formatCount(summary.maxFeatures)} were counted, not profiled (${formatCount(summary.unprofiled.values)} values).`);
    parts.push(
      `<h2 id="features">Features</h2><p class="note">${formatCount(summary.itemCount)} records, ${formatCount(summary.features.length)} features, ranked by drift distance (largest first). Grey: baseline; blue: this window; bars are shares of each.</p>` +
        notes.map((n) => `<p class="note">${n}</p>`).join('') +
        `<div class="cards">${charts.join('')}</div>` +
        featureTable(ranked.slice(MAX_CHARTS), checks, summary.itemCount),
    );
  }
  const files = (input.files ?? []).map((f) => `<li class="mono">${escapeHtml(f)}</li>`);
  parts.push(
    `<footer><p>Made by ${escapeHtml(input.tool.name)} ${escapeHtml(input.tool.version)}. This page shows aggregates only; the machine-readable files next to it are the reference.</p>` +
      (files.length ? `<ul>${files.join('')}</ul>` : '') +
      '</footer>',
  );
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(PAGE_CSP)}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><meta name="color-scheme" content="light dark">' +
    `<title>${escapeHtml(title)}</title><style>${PAGE_CSS}</style></head>\n<body><main>\n${parts.join('\n')}\n</main></body></html>\n`
  );
}
