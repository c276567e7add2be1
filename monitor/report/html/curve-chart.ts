/**
 * @module A curve in the unit square (ROC, precision-recall) as inline SVG, with a dashed reference line. Curves
 * arrive downsampled to at most 1000 points (statistics.json); the page keeps at most MAX_CURVE_POINTS of them, by
 * evenly spaced index as the metrics do, and drops points that round to the previous one.
 */
import { downsampleIndices } from '../../metrics/downsample.ts';
import { escapeHtml } from './escape.ts';
import { px, renderAxes, scale, svgElement, type PlotBox } from './svg.ts';

/** Most points drawn per curve. */
export const MAX_CURVE_POINTS = 400;

/** A curve chart. */
export interface CurveChart {
  title: string;
  xTitle: string;
  yTitle: string;
  x: readonly number[];
  y: readonly number[];
  /** A reference line, as two points in data coordinates (chance diagonal, constant precision). */
  reference?: readonly [readonly [number, number], readonly [number, number]];
  referenceLabel?: string;
}

const BOX: PlotBox = { left: 46, top: 12, width: 260, height: 260 };

/** The chart as an <svg>, or a note when the arrays are empty or do not pair up. */
export function renderCurve(chart: CurveChart): string {
  const length = Math.min(chart.x.length, chart.y.length);
  if (length === 0) return `<p class="note">${escapeHtml(chart.title)}: no points.</p>`;
  const sx = scale([0, 1], [BOX.left, BOX.left + BOX.width]);
  const sy = scale([0, 1], [BOX.top + BOX.height, BOX.top]);
  const points: string[] = [];
  for (const i of downsampleIndices(length, MAX_CURVE_POINTS)) {
    const x = chart.x[i]!;
    const y = chart.y[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const point = `${px(sx(x))},${px(sy(y))}`;
    if (point !== points[points.length - 1]) points.push(point);
  }
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const parts = [renderAxes(BOX, { domain: [0, 1], title: chart.xTitle, ticks }, { domain: [0, 1], title: chart.yTitle, ticks })];
  if (chart.reference) {
    const [[x1, y1], [x2, y2]] = chart.reference;
    parts.push(`<line class="ref" x1="${px(sx(x1))}" y1="${px(sy(y1))}" x2="${px(sx(x2))}" y2="${px(sy(y2))}"><title>${escapeHtml(chart.referenceLabel ?? '')}</title></line>`);
  }
  parts.push(`<polyline class="curve" points="${points.join(' ')}"/>`);
  return svgElement(BOX.left + BOX.width + 14, BOX.top + BOX.height + 40, chart.title, parts.join(''));
}
