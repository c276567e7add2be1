/**
 * @module A metric over time as inline SVG: the value per run as a line with markers, its band (± one standard
 * deviation), the threshold as a dashed step line (it may change between runs), an optional reference line (the best
 * constant classifier) and the label-free estimate with its band. Lines break where windows are missing. Past
 * MAX_DRAWN_POINTS runs, consecutive runs are merged into one point (mean, with the range of the merged runs as the
 * band), so the page stays small whatever the history's length. Colours come from classes only.
 */
import { escapeHtml } from '../report/html/escape.ts';
import { formatTick as formatNumberTick } from '../report/html/format.ts';
import { niceTicks, px, scale, svgElement, type PlotBox } from '../report/html/svg.ts';
import type { CheckStatus } from './run-record.ts';
import { formatTick, formatWindow, timeTicks } from './time-axis.ts';

/** Most points drawn per line; beyond, runs are merged. */
export const MAX_DRAWN_POINTS = 200;

export interface ChartPoint {
  start: number;
  end: number;
  value: number;
  /** The band around the value (value ± std, or an estimate's lower and upper). */
  lo: number | null;
  hi: number | null;
  threshold: number | null;
  status: CheckStatus;
  /** The run's position in its series (data-i on the marker; the runs table's rows carry the same data-i). */
  run: number | null;
  tooltip: string;
}

export interface TimeChart {
  /** The accessible name. */
  label: string;
  /** The x range: the series' first window start to last window end. */
  domain: readonly [number, number];
  /** The usual distance between window starts; a larger gap breaks the lines. */
  cadence: number;
  points: ChartPoint[];
  estimates?: ChartPoint[];
  /** A reference line (the best constant classifier), not judged. */
  reference?: Array<{ start: number; end: number; value: number }>;
  /** A fixed y range (a share: [0, 1]). */
  yRange?: readonly [number, number];
  /** Formats a value for a merged point's tooltip. */
  format: (value: number) => string;
  /** What the band shows, for the legend. */
  bandLabel: string;
  estimateLabel?: string;
}

const WIDTH = 960;
const HEIGHT = 210;
const BOX: PlotBox = { left: 62, top: 10, width: 868, height: 160 };

const mid = (p: { start: number; end: number }): number => (p.start + p.end) / 2;

/** Merges consecutive points into at most MAX_DRAWN_POINTS: mean value, band = range of the merged values. */
export function mergePoints(points: ChartPoint[], format: (v: number) => string, what: string): { points: ChartPoint[]; merged: number } {
  if (points.length <= MAX_DRAWN_POINTS) return { points, merged: 1 };
  const size = Math.ceil(points.length / MAX_DRAWN_POINTS);
  const out: ChartPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const group = points.slice(i, i + size);
    const values = group.map((p) => p.value);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const violated = group.filter((p) => p.status === 'violated').length;
    const last = group[group.length - 1]!;
    out.push({
      start: group[0]!.start,
      end: last.end,
      value: mean,
      lo,
      hi,
      threshold: last.threshold,
      status: violated > 0 ? 'violated' : last.status,
      run: null,
      tooltip: `${formatWindow(group[0]!.start, last.end)} UTC: ${group.length} runs, ${what} mean ${format(mean)}, from ${format(lo)} to ${format(hi)}${violated > 0 ? `, ${violated} violated` : ''}`,
    });
  }
  return { points: out, merged: size };
}

/** Splits points where the gap to the previous window start exceeds 1.5 cadences. */
/** Most value ticks on a chart's axis (niceTicks asks for about 4; the bound holds whatever the values). */
const MAX_VALUE_TICKS = 20;

function segments<T extends { start: number }>(points: T[], cadence: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  for (const p of points) {
    const previous = current[current.length - 1];
    if (previous && p.start - previous.start > 1.5 * cadence) {
      out.push(current);
      current = [];
    }
    current.push(p);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** The y range covering every value, band, threshold, estimate and reference, on round ticks. */
function yDomain(chart: TimeChart, points: ChartPoint[], estimates: ChartPoint[]): { domain: [number, number]; ticks: number[] } {
  if (chart.yRange) return { domain: [chart.yRange[0], chart.yRange[1]], ticks: niceTicks(chart.yRange[0], chart.yRange[1], 4) };
  const values: number[] = [];
  const centres: number[] = [];
  for (const p of [...points, ...estimates]) {
    for (const v of [p.value, p.threshold]) if (v !== null && Number.isFinite(v)) centres.push(v);
    for (const v of [p.lo, p.hi]) if (v !== null && Number.isFinite(v)) values.push(v);
  }
  for (const r of chart.reference ?? []) if (Number.isFinite(r.value)) centres.push(r.value);
  values.push(...centres);
  // A metric whose values all lie in [0, 1] (a rate, a share) keeps that range: its bands are cut at 0 and 1.
  const unit = centres.length > 0 && centres.every((v) => v >= 0 && v <= 1);
  let min = values.length ? Math.min(...values) : 0;
  let max = values.length ? Math.max(...values) : 1;
  if (unit) {
    min = Math.max(0, min);
    max = Math.min(1, max);
  }
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.05 : 0.5;
    min -= pad;
    max += pad;
  }
  const rough = niceTicks(min, max, 4);
  const step = rough.length > 1 ? rough[1]! - rough[0]! : max - min;
  // Round the ends out to the tick step, so the outermost points do not sit on the frame, and tick every step.
  // Near Number.MAX_VALUE the rounded ends overflow: they stay at the values then (the tick loop went on to Infinity
  // and ended the process on V8's array size limit, writing no page).
  let low = Math.floor(min / step) * step;
  let high = Math.ceil(max / step) * step;
  if (!Number.isFinite(low)) low = min;
  if (!Number.isFinite(high)) high = max;
  if (unit) {
    low = Math.max(0, low);
    high = Math.min(1, high);
  }
  const ticks: number[] = [];
  for (let i = 0; low + i * step <= high + step * 1e-9 && Number.isFinite(low + i * step) && i <= MAX_VALUE_TICKS; i++) ticks.push(Number((low + i * step).toPrecision(12)));
  return { domain: [low, high], ticks };
}

function pathOf(points: Array<[number, number]>): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${px(x)} ${px(y)}`).join('');
}

/** Data to pixels: x is time, y the value (cut at the frame, so a band past the range stops at its edge). */
interface Frame {
  sx: (t: number) => number;
  sy: (v: number) => number;
}

/** Grid, UTC ticks below, value ticks at the left, the frame and the axis title. */
function renderFrame(frame: Frame, t0: number, t1: number, yTicks: number[]): string {
  const bottom = BOX.top + BOX.height;
  const parts: string[] = [];
  const { ticks, step } = timeTicks(t0, t1, 9);
  for (const t of ticks) {
    const at = px(frame.sx(t));
    parts.push(`<line class="grid" x1="${at}" x2="${at}" y1="${BOX.top}" y2="${bottom}"/>`, `<text class="tick" x="${at}" y="${px(bottom + 14)}" text-anchor="middle">${escapeHtml(formatTick(t, step))}</text>`);
  }
  for (const t of yTicks) {
    const at = px(frame.sy(t));
    parts.push(`<line class="grid" x1="${BOX.left}" x2="${BOX.left + BOX.width}" y1="${at}" y2="${at}"/>`, `<text class="tick" x="${BOX.left - 5}" y="${px(frame.sy(t) + 4)}" text-anchor="end">${escapeHtml(formatNumberTick(t))}</text>`);
  }
  parts.push(`<rect class="frame" x="${BOX.left}" y="${BOX.top}" width="${BOX.width}" height="${BOX.height}"/>`);
  parts.push(`<text class="axis-title" x="${px(BOX.left + BOX.width / 2)}" y="${px(bottom + 32)}" text-anchor="middle">window (UTC)</text>`);
  return parts.join('');
}

/** A band (lo to hi) per run of neighbouring points: a polygon, or a short bar for a point alone. */
function renderBand(points: ChartPoint[], className: string, cadence: number, frame: Frame): string {
  const parts: string[] = [];
  for (const seg of segments(points, cadence)) {
    for (const part of segments(seg.filter((p) => p.lo !== null && p.hi !== null), cadence)) {
      if (part.length === 1) {
        const p = part[0]!;
        const x0 = frame.sx(p.start);
        parts.push(`<rect class="${className}" x="${px(x0)}" y="${px(frame.sy(p.hi!))}" width="${px(Math.max(1, frame.sx(p.end) - x0))}" height="${px(Math.max(0.5, frame.sy(p.lo!) - frame.sy(p.hi!)))}"/>`);
        continue;
      }
      const upper = part.map((p) => [frame.sx(mid(p)), frame.sy(p.hi!)] as [number, number]);
      const lower = part.map((p) => [frame.sx(mid(p)), frame.sy(p.lo!)] as [number, number]).reverse();
      parts.push(`<path class="${className}" d="${pathOf([...upper, ...lower])}Z"/>`);
    }
  }
  return parts.join('');
}

/** The threshold: a step line over each window that had one, joined across neighbouring windows. */
function thresholdPath(points: ChartPoint[], frame: Frame): string {
  let path = '';
  let previous: { x: number; y: number } | undefined;
  for (const p of points) {
    if (p.threshold === null) {
      previous = undefined;
      continue;
    }
    const x0 = frame.sx(p.start);
    const x1 = frame.sx(p.end);
    const y = frame.sy(p.threshold);
    if (previous && Math.abs(previous.x - x0) < 0.5) path += `${Math.abs(previous.y - y) < 0.05 ? '' : `V${px(y)}`}H${px(x1)}`;
    else path += `M${px(x0)} ${px(y)}H${px(x1)}`;
    previous = { x: x1, y };
  }
  return path;
}

/** The reference line, merged like the values (the mean of each group of runs). */
function referencePaths(reference: Array<{ start: number; end: number; value: number }>, cadence: number, frame: Frame): string {
  const size = Math.ceil(reference.length / MAX_DRAWN_POINTS);
  const merged: Array<{ start: number; end: number; value: number }> = [];
  for (let i = 0; i < reference.length; i += size) {
    const group = reference.slice(i, i + size);
    merged.push({ start: group[0]!.start, end: group[group.length - 1]!.end, value: group.reduce((a, r) => a + r.value, 0) / group.length });
  }
  return segments(merged, cadence * size)
    .map((seg) => `<path class="constant" d="${pathOf(seg.map((r) => [frame.sx(mid(r)), frame.sy(r.value)]))}"/>`)
    .join('');
}

/** A line through the points of each run of neighbours. */
function linePaths(points: ChartPoint[], className: string, cadence: number, frame: Frame): string {
  return segments(points, cadence)
    .filter((seg) => seg.length > 1)
    .map((seg) => `<path class="${className}" d="${pathOf(seg.map((p) => [frame.sx(mid(p)), frame.sy(p.value)]))}"/>`)
    .join('');
}

function marker(p: ChartPoint, className: string, r: number, frame: Frame): string {
  const tone = p.status === 'violated' ? ' violated' : p.status === 'not_evaluated' ? ' not-evaluated' : '';
  return (
    `<circle class="${className}${tone}" cx="${px(frame.sx(mid(p)))}" cy="${px(frame.sy(p.value))}" r="${r}"` +
    `${p.run === null ? '' : ` data-i="${p.run}"`}><title>${escapeHtml(p.tooltip)}</title></circle>`
  );
}

/** The chart's <svg> and its legend (<ul class="legend">), listing only what is drawn. */
export function renderTimeChart(chart: TimeChart): { svg: string; legend: string; merged: number } {
  const main = mergePoints(chart.points, chart.format, 'value');
  const est = mergePoints(chart.estimates ?? [], chart.format, 'estimate');
  const { domain, ticks: yTicks } = yDomain(chart, main.points, est.points);
  const [t0, t1] = chart.domain[1] > chart.domain[0] ? chart.domain : [chart.domain[0] - 1_800_000, chart.domain[0] + 1_800_000];
  const sy = scale(domain, [BOX.top + BOX.height, BOX.top]);
  const frame: Frame = { sx: scale([t0, t1], [BOX.left, BOX.left + BOX.width]), sy: (v) => sy(Math.min(domain[1], Math.max(domain[0], v))) };
  // Merged points stand for `merged` windows each: their usual distance grows with it.
  const mainCadence = chart.cadence * main.merged;
  const estCadence = chart.cadence * est.merged;
  const parts = [renderFrame(frame, t0, t1, yTicks)];
  const legend: string[] = [];
  if (main.points.length > 0) legend.push(`<li><i></i>${main.merged > 1 ? `value (mean of ${main.merged} runs per point)` : 'value per run'}</li>`);
  const threshold = thresholdPath(main.points, frame);
  const drawn: Array<[string, string]> = [
    [renderBand(main.points, main.merged > 1 ? 'range' : 'band', mainCadence, frame), `<li><i class="band"></i>${escapeHtml(main.merged > 1 ? `range of the ${main.merged} runs merged into each point` : chart.bandLabel)}</li>`],
    [renderBand(est.points, 'est-band', estCadence, frame), '<li><i class="est-band"></i>estimate band (lower to upper)</li>'],
    [threshold ? `<path class="threshold" d="${threshold}"/>` : '', '<li><i class="threshold"></i>threshold (a violation beyond it)</li>'],
    [chart.reference && chart.reference.length > 0 ? referencePaths(chart.reference, chart.cadence, frame) : '', '<li><i class="constant"></i>best constant classifier</li>'],
  ];
  for (const [svg, item] of drawn) {
    if (!svg) continue;
    parts.push(svg);
    legend.push(item);
  }
  parts.push(linePaths(main.points, 'line', mainCadence, frame), linePaths(est.points, 'est-line', estCadence, frame));
  if (est.points.length > 0) legend.push(`<li><i class="est"></i>${escapeHtml(chart.estimateLabel ?? 'estimate')}</li>`);
  for (const p of est.points) parts.push(marker(p, 'est', 2.2, frame));
  for (const p of main.points) parts.push(marker(p, 'pt', p.status === 'violated' ? 3.6 : 2.6, frame));
  if ([...main.points, ...est.points].some((p) => p.status === 'violated')) legend.push('<li><i class="dot"></i>violated</li>');
  return { svg: svgElement(WIDTH, HEIGHT, chart.label, parts.join('')), legend: `<ul class="legend">${legend.join('')}</ul>`, merged: main.merged };
}
