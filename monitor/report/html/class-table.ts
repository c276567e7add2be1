/**
 * @module Per-class precision, recall, f1 and support as a table with inline bars (text stays readable on a phone,
 * bars show the shape). Capped to the classes the heat map shows.
 */
import type { ClassMetrics } from '../../metrics/multiclass-metrics.ts';
import { escapeHtml, shorten } from './escape.ts';
import { MAX_LABEL_CHARS } from './heat-map.ts';
import { formatCount, formatMetric } from './format.ts';
import { px } from './svg.ts';

/** A bar of `share` (0..1) of the cell width. */
export function miniBar(share: number): string {
  const w = Number.isFinite(share) ? Math.min(1, Math.max(0, share)) * 100 : 0;
  return `<svg class="mini" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true"><rect class="track" width="100" height="6"/><rect class="bar" width="${px(w)}" height="6"/></svg>`;
}

/** The per-class table of the `shown` classes, with a note about the others. */
export function renderClassTable(perClass: Record<string, ClassMetrics>, shown: readonly string[], total: number): string {
  const maxSupport = Math.max(1, ...shown.map((c) => perClass[c]?.support ?? 0));
  const rows = shown
    .filter((c) => perClass[c] !== undefined)
    .map((c) => {
      const m = perClass[c]!;
      const cell = (field: string, v: number): string => `<td class="num" data-field="${field}">${formatMetric(v)}${miniBar(v)}</td>`;
      return (
        `<tr data-class="${escapeHtml(shorten(c, MAX_LABEL_CHARS))}"><th scope="row" class="mono" title="${escapeHtml(shorten(c, MAX_LABEL_CHARS))}">${escapeHtml(shorten(c, 40))}</th>` +
        `${cell('precision', m.precision)}${cell('recall', m.recall)}${cell('f1', m.f1)}` +
        `<td class="num" data-field="support">${formatCount(m.support)}${miniBar(m.support / maxSupport)}</td></tr>`
      );
    });
  const left = total - rows.length;
  const note = left > 0 ? `<p class="note">${formatCount(left)} more classes are not shown; statistics.json (mpm_extra_metrics.per_class) has them all.</p>` : '';
  return (
    '<div class="table-scroll"><table class="per-class"><thead><tr><th>Class</th><th class="num">Precision</th><th class="num">Recall</th><th class="num">F1</th><th class="num">Support</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div>${note}`
  );
}
