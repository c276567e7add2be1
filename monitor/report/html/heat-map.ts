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

/** The matrix folded onto the drawn classes: hidden ones summed into "other". */
interface Folded {
  keys: Key[];
  counts: number[][];
  rowTotals: number[];
  shown: string[];
  hidden: string[];
  labelCount: number;
}

function fold(matrix: ConfusionMatrix, maxClasses: number): Folded {
  const labels = matrixLabels(matrix);
  const { shown, hidden } = capClasses(matrix, labels, maxClasses);
  const hiddenSet = new Set(hidden);
  const keys: Key[] = hidden.length > 0 ? [...shown, OTHER] : shown;
  const keyOf = (label: string): Key => (hiddenSet.has(label) ? OTHER : label);
  const index = new Map<Key, number>(keys.map((k, i) => [k, i]));
  const counts = Array.from({ length: keys.length }, () => new Array<number>(keys.length).fill(0));
  for (const [actual, row] of Object.entries(matrix)) {
    for (const [predicted, count] of Object.entries(row)) counts[index.get(keyOf(actual))!]![index.get(keyOf(predicted))!]! += count;
  }
  const rowTotals = counts.map((row) => row.reduce((a, b) => a + b, 0));
  return { keys, counts, rowTotals, shown, hidden, labelCount: labels.length };
}

/** Sizes and positions of the chart for n classes, and how labels are named and shortened. */
function layoutOf({ keys, hidden }: Folded) {
  const n = keys.length;
  const cell = n <= 4 ? 64 : n <= 8 ? 54 : n <= 16 ? 40 : 32;
  const labelChars = n <= 8 ? 14 : 12;
  const name = (k: Key): string => (k === OTHER ? `other (${hidden.length} classes)` : shorten(k, MAX_LABEL_CHARS));
  // Column labels run across when every one fits its cell, else at 45°.
  const longest = Math.min(labelChars, Math.max(...keys.map((k) => Array.from(name(k)).length)));
  const across = keys.every((k) => Array.from(name(k)).length * 7 <= cell - 4);
  // At least the width of the "Actual ↓" title, which sits above the row labels.
  const left = Math.max(72, 28 + longest * 7);
  const top = Math.round(22 + (across ? 20 : longest * 5.5 + 10));
  return { n, cell, withShare: n <= 12, labelChars, name, across, left, top, width: left + n * cell + 64, height: top + n * cell + 10 };
}
type Layout = ReturnType<typeof layoutOf>;

function dataAttribute(layout: Layout, attr: string, k: Key): string {
  return k === OTHER ? ' data-other=""' : ` ${attr}="${escapeHtml(layout.name(k))}"`;
}

/** The axis titles and the column labels. */
function renderHeader(layout: Layout, keys: Key[]): string[] {
  const { left, top, n, cell, across, labelChars, name } = layout;
  const parts: string[] = [];
  parts.push(`<text class="axis-title" x="${left + (n * cell) / 2}" y="12" text-anchor="middle">Predicted →</text>`);
  parts.push(`<text class="axis-title" x="4" y="${top - 6}">Actual ↓</text>`);
  parts.push(`<text class="tick" x="${left + n * cell + 6}" y="${top - 6}">Total</text>`);
  keys.forEach((k, j) => {
    const x = left + j * cell + cell / 2;
    const text = `<title>${escapeHtml(name(k))}</title>${escapeHtml(shorten(name(k), labelChars))}`;
    const attr = dataAttribute(layout, 'data-predicted', k);
    parts.push(
      across
        ? `<text class="tick col"${attr} x="${x}" y="${top - 8}" text-anchor="middle">${text}</text>`
        : `<text class="tick col"${attr} x="${x + 4}" y="${top - 6}" transform="rotate(-45 ${x + 4} ${top - 6})">${text}</text>`,
    );
  });
  return parts;
}

/** One cell: its count, shade and share (or 0). */
function renderCell(layout: Layout, folded: Folded, i: number, j: number): string {
  const { cell, left, top, withShare, name } = layout;
  const count = folded.counts[i]![j]!;
  const x = left + j * cell;
  const y = top + i * cell;
  const cx = x + cell / 2;
  if (count === 0) return `<text class="count zero" x="${cx}" y="${y + cell / 2 + 4}">0</text>`;
  const total = folded.rowTotals[i]!;
  const share = count / total;
  const actual = folded.keys[i]!;
  const tone = i === j && actual !== OTHER ? 'hit' : 'miss';
  const on = share >= 0.5 ? ' on' : '';
  // Up to 12 classes the tooltip names the pair; beyond, the headers do, and the tooltip stays short.
  const tipName = (k: Key): string => shorten(name(k), 24);
  const pair = withShare ? `${tipName(actual)} → ${tipName(folded.keys[j]!)}: ` : '';
  const tip = `${pair}${formatCount(count)} of ${formatCount(total)} (${formatShare(share)})`;
  return (
    `<rect class="${tone}" x="${x + 1}" y="${y + 1}" width="${cell - 2}" height="${cell - 2}" fill-opacity="${Math.round(Math.max(0.06, share) * 100) / 100}"><title>${escapeHtml(tip)}</title></rect>` +
    `<text class="count${on}" x="${cx}" y="${y + cell / 2 + (withShare ? -1 : 4)}">${formatCount(count)}</text>` +
    (withShare ? `<text class="share${on}" x="${cx}" y="${y + cell / 2 + 13}">${formatShare(share)}</text>` : '')
  );
}

/** One row: its label, its cells and its total. */
function renderRow(layout: Layout, folded: Folded, i: number): string {
  const { left, top, n, cell, labelChars, name } = layout;
  const actual = folded.keys[i]!;
  const y = top + i * cell;
  const cells = folded.keys.map((_, j) => renderCell(layout, folded, i, j)).join('');
  return (
    `<g class="row"${dataAttribute(layout, 'data-actual', actual)}><text class="tick" x="${left - 6}" y="${y + cell / 2 + 4}" text-anchor="end"><title>${escapeHtml(name(actual))}</title>${escapeHtml(shorten(name(actual), labelChars))}</text>` +
    `${cells}<text class="tick row-total" x="${left + n * cell + 6}" y="${y + cell / 2 + 4}">${formatCount(folded.rowTotals[i]!)}</text></g>`
  );
}

/** The heat map as an HTML fragment (an SVG in a scroll box, and a note when classes were left out). */
export function renderHeatMap(matrix: ConfusionMatrix, options: HeatMapOptions): string {
  const folded = fold(matrix, options.maxClasses ?? MAX_CLASSES);
  const layout = layoutOf(folded);
  const parts = [...renderHeader(layout, folded.keys), ...folded.keys.map((_, i) => renderRow(layout, folded, i))];
  const { shown, hidden } = folded;
  const wide = layout.width > 720 ? ' wide' : '';
  const note =
    hidden.length > 0
      ? `<p class="note">Showing the ${shown.length} most frequent of ${formatCount(folded.labelCount)} classes; the other ${formatCount(hidden.length)} are summed in “other”. statistics.json has the full matrix.</p>`
      : '';
  const legend = layout.withShare ? 'Each cell: count and share of its actual class (row).' : 'Each cell: count; shade and tooltip: share of its actual class (row).';
  return `<figure class="scroll${wide}">${svgElement(layout.width, layout.height, options.title, parts.join(''), `chart heat${layout.n > 16 ? ' dense' : ''}`)}<figcaption>${escapeHtml(legend)}</figcaption></figure>${note}`;
}
