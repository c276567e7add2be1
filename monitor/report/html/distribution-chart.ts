/**
 * @module Baseline and current distributions of one feature side by side, as paired bars in one inline SVG: grey
 * (class "track") for the baseline, the accent colour (class "bar") for the current window, each bar the share of
 * its sample. Numeric features share BINS equal-width bins over the union of both ranges, counted from the KLL
 * sketches (or, without a baseline sketch, the baseline's own 10 buckets are redrawn as they are); categorical
 * features show the MAX_CATEGORIES most frequent categories of both, the rest summed into "other". Only shares of
 * aggregates reach the page.
 */
import type { CategoryCount } from '../../data-quality/category-table.ts';
import type { KllBucket, KllSketch } from '../../data-quality/kll-sketch.ts';
import { escapeHtml, shorten } from './escape.ts';
import { formatShare, formatTick } from './format.ts';
import { niceTicks, px, renderAxes, scale, svgElement, type PlotBox } from './svg.ts';

/** Bins of a numeric comparison. */
export const BINS = 20;
/** Categories drawn; the rest are summed into "other". */
export const MAX_CATEGORIES = 12;

/** One bin or category: its label and the two shares. */
export interface PairedShare {
  label: string;
  lower?: number;
  upper?: number;
  baseline: number;
  current: number;
}

const BOX: PlotBox = { left: 48, top: 10, width: 300, height: 150 };

/** Shares of both sketches in BINS bins over [lo, hi] (the last bin includes hi, as the KLL buckets do). */
export function numericShares(baseline: KllSketch, current: KllSketch, lo: number, hi: number): PairedShare[] {
  const out: PairedShare[] = [];
  const nb = baseline.count();
  const nc = current.count();
  if (nb === 0 || nc === 0) return out;
  const bins = hi > lo ? BINS : 1;
  for (let i = 0; i < bins; i++) {
    const lower = lo + ((hi - lo) * i) / bins;
    const upper = lo + ((hi - lo) * (i + 1)) / bins;
    const last = i === bins - 1;
    const share = (s: KllSketch, n: number): number => ((last ? s.rank(upper) : s.rankExclusive(upper)) - s.rankExclusive(lower)) / n;
    out.push({ label: `${formatTick(lower)} to ${formatTick(upper)}`, lower, upper, baseline: share(baseline, nb), current: share(current, nc) });
  }
  return out;
}

/** The baseline's buckets beside the current sketch counted in the same buckets. */
export function bucketShares(baseline: readonly KllBucket[], current: KllSketch): PairedShare[] {
  const nb = baseline.reduce((t, b) => t + b.count, 0);
  const nc = current.count();
  if (nb === 0 || nc === 0) return [];
  return baseline.map((b, i) => {
    const last = i === baseline.length - 1;
    const c = (last ? current.rank(b.upper_bound) : current.rankExclusive(b.upper_bound)) - current.rankExclusive(b.lower_bound);
    return { label: `${formatTick(b.lower_bound)} to ${formatTick(b.upper_bound)}`, lower: b.lower_bound, upper: b.upper_bound, baseline: b.count / nb, current: c / nc };
  });
}

/** Shares of the most frequent categories of both samples, then "other". */
export function categoricalShares(baseline: readonly CategoryCount[], current: readonly CategoryCount[], max = MAX_CATEGORIES): PairedShare[] {
  const nb = baseline.reduce((t, b) => t + b.count, 0);
  const nc = current.reduce((t, b) => t + b.count, 0);
  if (nb === 0 && nc === 0) return [];
  const shares = new Map<string, { baseline: number; current: number }>();
  for (const b of baseline) shares.set(b.value, { baseline: nb ? b.count / nb : 0, current: 0 });
  for (const c of current) shares.set(c.value, { baseline: shares.get(c.value)?.baseline ?? 0, current: nc ? c.count / nc : 0 });
  const ranked = [...shares].sort(([a, x], [b, y]) => Math.max(y.baseline, y.current) - Math.max(x.baseline, x.current) || (a < b ? -1 : a > b ? 1 : 0));
  const shown = ranked.slice(0, max).map(([label, s]) => ({ label, ...s }));
  if (ranked.length > max) {
    const rest = ranked.slice(max).reduce((t, [, s]) => ({ baseline: t.baseline + s.baseline, current: t.current + s.current }), { baseline: 0, current: 0 });
    shown.push({ label: `other (${ranked.length - max} categories)`, ...rest });
  }
  return shown;
}

/** Paired bars of the shares, or a note when there is nothing to draw. */
export function renderPairedBars(shares: readonly PairedShare[], title: string, numeric: boolean): string {
  if (shares.length === 0) return '<p class="note">Nothing to draw.</p>';
  const tallest = Math.max(...shares.map((s) => Math.max(s.baseline, s.current)));
  // The y axis ends at the first round tick at or above the tallest bar.
  const top = niceTicks(0, tallest * 1.25).find((t) => t >= tallest * 1.02) || 1;
  const sy = scale([0, top], [BOX.top + BOX.height, BOX.top]);
  const slot = BOX.width / shares.length;
  const bar = Math.max(0.5, slot / 2 - 1);
  const parts: string[] = [];
  if (numeric) {
    const lo = shares[0]!.lower!;
    const hi = shares.at(-1)!.upper!;
    parts.push(renderAxes(BOX, { domain: hi > lo ? [lo, hi] : [lo - 1, lo + 1], title: 'Value' }, { domain: [0, top], title: 'Share' }));
  } else {
    parts.push(renderAxes(BOX, { domain: [0, shares.length], ticks: [], title: '' }, { domain: [0, top], title: 'Share' }));
  }
  shares.forEach((s, i) => {
    const x = BOX.left + i * slot;
    const tip = `${s.label}: baseline ${formatShare(s.baseline)}, current ${formatShare(s.current)}`;
    for (const [cls, value, dx] of [['track', s.baseline, 0.5], ['bar', s.current, bar + 1]] as const) {
      if (value <= 0) continue;
      const y = sy(value);
      parts.push(`<rect class="${cls}" x="${px(x + dx)}" y="${px(y)}" width="${px(bar)}" height="${px(BOX.top + BOX.height - y)}"><title>${escapeHtml(tip)}</title></rect>`);
    }
    if (!numeric) {
      const label = escapeHtml(shorten(s.label, 14));
      const lx = px(x + slot / 2);
      const ly = px(BOX.top + BOX.height + 10);
      parts.push(`<text class="tick" x="${lx}" y="${ly}" text-anchor="end" transform="rotate(-35 ${lx} ${ly})">${label}</text>`);
    }
  });
  return svgElement(BOX.left + BOX.width + 14, BOX.top + BOX.height + (numeric ? 40 : 70), title, parts.join(''));
}
