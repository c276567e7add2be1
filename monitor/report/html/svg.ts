/**
 * @module Small helpers for the inline SVG charts: coordinates, nice ticks and axes. Colours are never written into
 * the SVG; elements carry classes that the page's stylesheet colours, so light, dark and print themes apply.
 */
import { escapeHtml } from './escape.ts';
import { formatTick } from './format.ts';

/** A coordinate with at most one decimal: keeps the markup small, far below a pixel of error. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Up to about `count` round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min) || !Number.isFinite(max - min)) return Number.isFinite(min) ? [min] : [];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  // Near Number.MAX_VALUE, max + step·1e-9 is Infinity and so is t past it: the loop stops at the first infinite t
  // (it pushed Infinity until V8's array size limit ended the process).
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9 && Number.isFinite(t); t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

/** A linear map from a data domain to a pixel range. */
export function scale(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  // Halved when the domain's width overflows (values near ±Number.MAX_VALUE), so k stays finite and nonzero.
  if (!Number.isFinite(d1 - d0) && Number.isFinite(d0) && Number.isFinite(d1)) {
    const half = (r1 - r0) / (d1 / 2 - d0 / 2);
    return (v) => r0 + (v / 2 - d0 / 2) * half;
  }
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** The plot box of a chart: the inner rectangle the data occupies. */
export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Axes with grid lines, tick labels and titles around `box`, for x and y domains. */
export function renderAxes(box: PlotBox, x: { domain: [number, number]; title: string; ticks?: number[] }, y: { domain: [number, number]; title: string; ticks?: number[] }): string {
  const sx = scale(x.domain, [box.left, box.left + box.width]);
  const sy = scale(y.domain, [box.top + box.height, box.top]);
  const bottom = box.top + box.height;
  const parts: string[] = [];
  for (const t of x.ticks ?? niceTicks(x.domain[0], x.domain[1])) {
    const at = px(sx(t));
    parts.push(`<line class="grid" x1="${at}" x2="${at}" y1="${box.top}" y2="${bottom}"/>`);
    parts.push(`<text class="tick" x="${at}" y="${px(bottom + 14)}" text-anchor="middle">${escapeHtml(formatTick(t))}</text>`);
  }
  for (const t of y.ticks ?? niceTicks(y.domain[0], y.domain[1])) {
    const at = px(sy(t));
    parts.push(`<line class="grid" x1="${box.left}" x2="${box.left + box.width}" y1="${at}" y2="${at}"/>`);
    parts.push(`<text class="tick" x="${box.left - 5}" y="${px(sy(t) + 4)}" text-anchor="end">${escapeHtml(formatTick(t))}</text>`);
  }
  parts.push(`<rect class="frame" x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}"/>`);
  parts.push(`<text class="axis-title" x="${px(box.left + box.width / 2)}" y="${px(bottom + 32)}" text-anchor="middle">${escapeHtml(x.title)}</text>`);
  const yMid = px(box.top + box.height / 2);
  parts.push(`<text class="axis-title" x="12" y="${yMid}" text-anchor="middle" transform="rotate(-90 12 ${yMid})">${escapeHtml(y.title)}</text>`);
  return parts.join('');
}

/** An <svg> element of the given size that scales down to its container; `label` is its accessible name. */
export function svgElement(width: number, height: number, label: string, body: string, className = 'chart'): string {
  return (
    `<svg class="${className}" viewBox="0 0 ${px(width)} ${px(height)}" width="${px(width)}" height="${px(height)}" role="img" aria-label="${escapeHtml(label)}">` +
    `${body}</svg>`
  );
}
