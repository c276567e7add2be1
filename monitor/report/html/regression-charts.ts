/**
 * @module The regression charts: the residual histogram (bars) and predicted versus actual as a density (cells
 * shaded by log count, with the y = x line). Both draw a RegressionShapeSummary, never records.
 */
import { escapeHtml } from './escape.ts';
import { formatCount, formatTick } from './format.ts';
import type { HistogramSummary } from '../../metrics/grid-histogram.ts';
import { niceTicks, px, renderAxes, scale, svgElement, type PlotBox } from './svg.ts';

const BOX: PlotBox = { left: 56, top: 12, width: 300, height: 220 };

/** The residual histogram, or a note when there is nothing to draw. */
export function renderResidualHistogram(h: HistogramSummary): string {
  const axis = h.axes[0];
  if (h.total === 0 || axis === undefined) return '<p class="note">No residuals to draw.</p>';
  const counts = h.counts as number[];
  const end = axis.start + axis.bins * axis.width;
  // Headroom: the y axis ends at the first round tick at or above the tallest bar.
  const max = niceTicks(0, Math.max(...counts) * 1.05).at(-1)!;
  const sx = scale([axis.start, end], [BOX.left, BOX.left + BOX.width]);
  const sy = scale([0, max], [BOX.top + BOX.height, BOX.top]);
  const parts = [renderAxes(BOX, { domain: [axis.start, end], title: 'Residual (actual − predicted)' }, { domain: [0, max], title: 'Records' })];
  counts.forEach((count, i) => {
    if (count === 0) return;
    const lo = axis.start + i * axis.width;
    const x = sx(lo);
    const y = sy(count);
    const tip = `${formatTick(lo)} to ${formatTick(lo + axis.width)}: ${formatCount(count)} records`;
    parts.push(`<rect class="bar" x="${px(x + 0.5)}" y="${px(y)}" width="${px(Math.max(0.5, sx(lo + axis.width) - x - 1))}" height="${px(BOX.top + BOX.height - y)}"><title>${escapeHtml(tip)}</title></rect>`);
  });
  if (axis.start < 0 && end > 0) parts.push(`<line class="ref" x1="${px(sx(0))}" x2="${px(sx(0))}" y1="${BOX.top}" y2="${BOX.top + BOX.height}"/>`);
  return svgElement(BOX.left + BOX.width + 14, BOX.top + BOX.height + 40, 'Histogram of residuals', parts.join(''));
}

/** Predicted versus actual as a density on one square domain, or a note when there is nothing to draw. */
export function renderPredictedVersusActual(h: HistogramSummary): string {
  const [actual, predicted] = h.axes;
  if (h.total === 0 || actual === undefined || predicted === undefined) return '<p class="note">No records to draw.</p>';
  const counts = h.counts as number[][];
  const width = actual.width;
  const lo = Math.min(actual.start, predicted.start);
  const hi = Math.max(actual.start + actual.bins * width, predicted.start + predicted.bins * width);
  const box: PlotBox = { left: BOX.left, top: BOX.top, width: 260, height: 260 };
  const sx = scale([lo, hi], [box.left, box.left + box.width]);
  const sy = scale([lo, hi], [box.top + box.height, box.top]);
  const max = Math.max(...counts.map((row) => Math.max(...row)));
  // Tooltips only while there are few cells: a scattered 32×32 density stays under ~100 KB without them.
  const occupied = counts.reduce((sum, row) => sum + row.filter((c) => c > 0).length, 0);
  const tips = occupied <= 300;
  const parts = [renderAxes(box, { domain: [lo, hi], title: 'Actual' }, { domain: [lo, hi], title: 'Predicted' })];
  counts.forEach((row, i) => {
    row.forEach((count, j) => {
      if (count === 0) return;
      const a = actual.start + i * width;
      const p = predicted.start + j * width;
      const opacity = Math.round((0.15 + (0.85 * Math.log1p(count)) / Math.log1p(max)) * 100) / 100;
      const tip = `actual ${formatTick(a)} to ${formatTick(a + width)}, predicted ${formatTick(p)} to ${formatTick(p + width)}: ${formatCount(count)} records`;
      parts.push(
        `<rect class="dot" x="${px(sx(a))}" y="${px(sy(p + width))}" width="${px(Math.max(0.5, sx(a + width) - sx(a)))}" height="${px(Math.max(0.5, sy(p) - sy(p + width)))}" fill-opacity="${opacity}">${tips ? `<title>${escapeHtml(tip)}</title>` : ''}</rect>`,
      );
    });
  });
  parts.push(`<line class="ref" x1="${px(sx(lo))}" y1="${px(sy(lo))}" x2="${px(sx(hi))}" y2="${px(sy(hi))}"><title>predicted = actual</title></line>`);
  return svgElement(box.left + box.width + 14, box.top + box.height + 40, 'Predicted versus actual', parts.join(''));
}
