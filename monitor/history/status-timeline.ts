/**
 * @module The verdict of every window on one strip: a cell per run (completed, with violations, failed) over its
 * window, and the windows no report covers. Past MAX_CELLS runs, consecutive runs share a cell that shows the worst
 * verdict among them; past MAX_CELLS gaps, the rest are counted in the caption.
 */
import { escapeHtml } from '../report/html/escape.ts';
import { px, scale, svgElement } from '../report/html/svg.ts';
import type { SeriesRun } from './history-collector.ts';
import { formatTick, formatWindow, timeTicks } from './time-axis.ts';

export const MAX_CELLS = 500;

const WIDTH = 960;
const LEFT = 62;
const INNER = 868;
const TOP = 6;
const CELL_HEIGHT = 22;

const TONE = { Completed: 'completed', CompletedWithViolations: 'violations', Failed: 'failed' } as const;
const WORST = ['Completed', 'CompletedWithViolations', 'Failed'] as const;

/** A window no report covers. */
export interface MissingWindow {
  start: number;
  end: number;
  /** How many windows of the usual length fit in the gap. */
  slots: number;
}

function runTooltip(r: SeriesRun): string {
  const verdict = r.status === 'Completed' ? 'completed, no violations' : r.status === 'Failed' ? 'failed' : `${r.violationCount} violation${r.violationCount === 1 ? '' : 's'}${r.violated.length ? ` (${r.violated.join(', ')}${r.violationCount > r.violated.length ? ', …' : ''})` : ''}`;
  return `${formatWindow(r.start, r.end)} UTC: ${verdict}${r.itemCount === null ? '' : `, ${r.itemCount} records`}`;
}

/** The strip's <svg> and a caption. `runs` are the series' runs without superseded ones, sorted by window. */
export function renderStatusTimeline(runs: SeriesRun[], missing: MissingWindow[], domain: readonly [number, number], label: string): string {
  const [t0, t1] = domain[1] > domain[0] ? domain : [domain[0] - 1_800_000, domain[0] + 1_800_000];
  const sx = scale([t0, t1], [LEFT, LEFT + INNER]);
  const parts: string[] = [];
  const size = Math.ceil(runs.length / MAX_CELLS) || 1;
  for (let i = 0; i < runs.length; i += size) {
    const group = runs.slice(i, i + size);
    const worst = group.reduce((w, r) => (WORST.indexOf(r.status) > WORST.indexOf(w) ? r.status : w), 'Completed' as SeriesRun['status']);
    const first = group[0]!;
    const last = group[group.length - 1]!;
    const x0 = sx(first.start);
    const x1 = sx(last.end);
    const tooltip =
      group.length === 1
        ? runTooltip(first)
        : `${formatWindow(first.start, last.end)} UTC: ${group.length} runs, ${group.filter((r) => r.status === 'CompletedWithViolations').length} with violations, ${group.filter((r) => r.status === 'Failed').length} failed`;
    parts.push(
      `<rect class="cell ${TONE[worst]}" x="${px(x0)}" y="${TOP}" width="${px(Math.max(1, x1 - x0 - (size === 1 ? 0.5 : 0)))}" height="${CELL_HEIGHT}"` +
        `${group.length === 1 ? ` data-i="${first.index}"` : ''} data-status="${worst}"><title>${escapeHtml(tooltip)}</title></rect>`,
    );
  }
  for (const m of missing.slice(0, MAX_CELLS)) {
    const x0 = sx(m.start);
    parts.push(`<rect class="cell missing" x="${px(x0)}" y="${TOP}" width="${px(Math.max(1, sx(m.end) - x0))}" height="${CELL_HEIGHT}" data-status="missing"><title>${escapeHtml(`${formatWindow(m.start, m.end)} UTC: no report`)}</title></rect>`);
  }
  const bottom = TOP + CELL_HEIGHT;
  const { ticks, step } = timeTicks(t0, t1, 9);
  for (const t of ticks) parts.push(`<text class="tick" x="${px(sx(t))}" y="${bottom + 14}" text-anchor="middle">${escapeHtml(formatTick(t, step))}</text>`);
  const svg = svgElement(WIDTH, bottom + 20, label, parts.join(''));
  const notes: string[] = [];
  if (size > 1) notes.push(`Each cell covers ${size} consecutive runs and shows the worst verdict among them.`);
  if (missing.length > MAX_CELLS) notes.push(`${missing.length - MAX_CELLS} more missing windows are not drawn.`);
  const legend =
    '<ul class="legend"><li><i class="cell"></i>completed</li><li><i class="cell violations"></i>with violations</li><li><i class="cell failed"></i>failed</li>' +
    `${missing.length > 0 ? '<li><i class="cell missing"></i>no report</li>' : ''}</ul>`;
  return `${svg}${legend}${notes.length ? `<p class="note">${escapeHtml(notes.join(' '))}</p>` : ''}`;
}

/**
 * The usual distance between window starts (the most frequent one, smallest on ties) and the windows that distance
 * predicts but no run covers.
 */
export function findMissingWindows(runs: SeriesRun[]): { cadence: number; missing: MissingWindow[]; missingCount: number } {
  const counts = new Map<number, number>();
  for (let i = 1; i < runs.length; i++) {
    const d = runs[i]!.start - runs[i - 1]!.start;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let cadence = 3_600_000;
  let best = 0;
  for (const [d, n] of counts) {
    if (n < best || (n === best && d >= cadence)) continue;
    cadence = d;
    best = n;
  }
  if (runs.length > 1 && best === 0) cadence = Math.max(1, runs[1]!.start - runs[0]!.start);
  const missing: MissingWindow[] = [];
  let missingCount = 0;
  for (let i = 1; i < runs.length; i++) {
    const gap = runs[i]!.start - runs[i - 1]!.start;
    if (gap < 1.5 * cadence) continue;
    const slots = Math.round(gap / cadence) - 1;
    missingCount += slots;
    // One rectangle per gap: from the end of the run before it to the start of the run after.
    if (missing.length < MAX_CELLS) missing.push({ start: runs[i - 1]!.end, end: runs[i]!.start, slots });
  }
  return { cadence, missing, missingCount };
}
