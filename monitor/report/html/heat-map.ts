/**
 * @module The confusion-matrix heat map: one cell per (actual, predicted) pair with its count, shaded by the
 * row-normalised share (the share of that actual class predicted as each label), which the cell also prints (up to
 * 12 classes) or its tooltip gives (more). Correct cells and errors use two colour classes. Hidden classes (see
 * cap-classes.ts) are summed into "other". Labels appear once per row and column, so a dense 31×31 map with long
 * labels stays under 150 KB.
 */
import type { ConfusionMatrix } from '../../metrics/types.ts';
import { capClasses, matrixLabels, MAX_CLASSES } from './cap-classes.ts';
import { escapeHtml, shorten } from './escape.ts';
import { formatCount, formatShare } from './format.ts';
import { svgElement } from './svg.ts';

/** Longest label kept anywhere on the page (titles, data attributes); shown text is shorter still. */
export const MAX_LABEL_CHARS = 200;

/** Options of renderHeatMap. */
export interface HeatMapOptions {
  /** Most classes drawn; default MAX_CLASSES. */
  maxClasses?: number;
  /** Accessible name of the chart. */
  title: string;
}

const OTHER = Symbol('other');
type Key = string | typeof OTHER;

/** The heat map as an HTML fragment (an SVG in a scroll box, and a note when classes were left out). */
export function renderHeatMap(matrix: ConfusionMatrix, options: HeatMapOptions): string {
  const labels = matrixLabels(matrix);
  const { shown, hidden } = capClasses(matrix, labels, options.maxClasses ?? MAX_CLASSES);
  const hiddenSet = new Set(hidden);
  const keys: Key[] = hidden.length > 0 ? [...shown, OTHER] : shown;
  const keyOf = (label: string): Key => (hiddenSet.has(label) ? OTHER : label);
  const index = new Map<Key, number>(keys.map((k, i) => [k, i]));
  const n = keys.length;
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const [actual, row] of Object.entries(matrix)) {
    for (const [predicted, count] of Object.entries(row)) counts[index.get(keyOf(actual))!]![index.get(keyOf(predicted))!]! += count;
  }
  const rowTotals = counts.map((row) => row.reduce((a, b) => a + b, 0));

  const cell = n <= 4 ? 64 : n <= 8 ? 54 : n <= 16 ? 40 : 32;
  const withShare = n <= 12;
  const labelChars = n <= 8 ? 14 : 12;
  const name = (k: Key): string => (k === OTHER ? `other (${hidden.length} classes)` : shorten(k, MAX_LABEL_CHARS));
  // Column labels run across when every one fits its cell, else at 45°.
  const longest = Math.min(labelChars, Math.max(...keys.map((k) => Array.from(name(k)).length)));
  const across = keys.every((k) => Array.from(name(k)).length * 7 <= cell - 4);
  // At least the width of the "Actual ↓" title, which sits above the row labels.
  const left = Math.max(72, 28 + longest * 7);
  const top = Math.round(22 + (across ? 20 : longest * 5.5 + 10));
  const width = left + n * cell + 64;
  const height = top + n * cell + 10;
  const data = (attr: string, k: Key): string => (k === OTHER ? ' data-other=""' : ` ${attr}="${escapeHtml(name(k))}"`);
  const tipName = (k: Key): string => shorten(name(k), 24);

  const parts: string[] = [];
  parts.push(`<text class="axis-title" x="${left + (n * cell) / 2}" y="12" text-anchor="middle">Predicted →</text>`);
  parts.push(`<text class="axis-title" x="4" y="${top - 6}">Actual ↓</text>`);
  parts.push(`<text class="tick" x="${left + n * cell + 6}" y="${top - 6}">Total</text>`);
  keys.forEach((k, j) => {
    const x = left + j * cell + cell / 2;
    const text = `<title>${escapeHtml(name(k))}</title>${escapeHtml(shorten(name(k), labelChars))}`;
    parts.push(
      across
        ? `<text class="tick col"${data('data-predicted', k)} x="${x}" y="${top - 8}" text-anchor="middle">${text}</text>`
        : `<text class="tick col"${data('data-predicted', k)} x="${x + 4}" y="${top - 6}" transform="rotate(-45 ${x + 4} ${top - 6})">${text}</text>`,
    );
  });
  keys.forEach((actual, i) => {
    const y = top + i * cell;
    const cells: string[] = [];
    keys.forEach((predicted, j) => {
      const count = counts[i]![j]!;
      const x = left + j * cell;
      const cx = x + cell / 2;
      if (count === 0) {
        cells.push(`<text class="count zero" x="${cx}" y="${y + cell / 2 + 4}">0</text>`);
        return;
      }
      const share = count / rowTotals[i]!;
      const tone = i === j && actual !== OTHER ? 'hit' : 'miss';
      const on = share >= 0.5 ? ' on' : '';
      // Up to 12 classes the tooltip names the pair; beyond, the headers do, and the tooltip stays short.
      const pair = withShare ? `${tipName(actual)} → ${tipName(predicted)}: ` : '';
      const tip = `${pair}${formatCount(count)} of ${formatCount(rowTotals[i]!)} (${formatShare(share)})`;
      cells.push(
        `<rect class="${tone}" x="${x + 1}" y="${y + 1}" width="${cell - 2}" height="${cell - 2}" fill-opacity="${Math.round(Math.max(0.06, share) * 100) / 100}"><title>${escapeHtml(tip)}</title></rect>` +
          `<text class="count${on}" x="${cx}" y="${y + cell / 2 + (withShare ? -1 : 4)}">${formatCount(count)}</text>` +
          (withShare ? `<text class="share${on}" x="${cx}" y="${y + cell / 2 + 13}">${formatShare(share)}</text>` : ''),
      );
    });
    parts.push(
      `<g class="row"${data('data-actual', actual)}><text class="tick" x="${left - 6}" y="${y + cell / 2 + 4}" text-anchor="end"><title>${escapeHtml(name(actual))}</title>${escapeHtml(shorten(name(actual), labelChars))}</text>` +
        `${cells.join('')}<text class="tick row-total" x="${left + n * cell + 6}" y="${y + cell / 2 + 4}">${formatCount(rowTotals[i]!)}</text></g>`,
    );
  });
  const wide = width > 720 ? ' wide' : '';
  const note =
    hidden.length > 0
      ? `<p class="note">Showing the ${shown.length} most frequent of ${formatCount(labels.length)} classes; the other ${formatCount(hidden.length)} are summed in “other”. statistics.json has the full matrix.</p>`
      : '';
  const legend = withShare ? 'Each cell: count and share of its actual class (row).' : 'Each cell: count; shade and tooltip: share of its actual class (row).';
  return `<figure class="scroll${wide}">${svgElement(width, height, options.title, parts.join(''), `chart heat${n > 16 ? ' dense' : ''}`)}<figcaption>${escapeHtml(legend)}</figcaption></figure>${note}`;
}
