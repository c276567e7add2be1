/**
 * @module The confusion-matrix heat map: one cell per (actual, predicted) pair with its count, shaded by the
 * row-normalised share (the share of that actual class predicted as each label). Correct cells and errors use two
 * colour classes. Hidden classes (see cap-classes.ts) are summed into "other".
 */
import type { ConfusionMatrix } from '../../metrics/types.ts';
import { capClasses, matrixLabels, MAX_CLASSES } from './cap-classes.ts';
import { escapeHtml, shorten } from './escape.ts';
import { formatCount, formatShare } from './format.ts';
import { px, svgElement } from './svg.ts';

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
  const left = 28 + labelChars * 7;
  const top = 22 + (n <= 8 ? 20 : labelChars * 5.5);
  const totalWidth = 64;
  const width = left + n * cell + totalWidth;
  const height = top + n * cell + 10;
  const name = (k: Key): string => (k === OTHER ? `other (${hidden.length} classes)` : k);
  const attr = (k: Key): string => (k === OTHER ? '' : escapeHtml(k));

  const parts: string[] = [];
  parts.push(`<text class="axis-title" x="${px(left + (n * cell) / 2)}" y="12" text-anchor="middle">Predicted →</text>`);
  parts.push(`<text class="axis-title" x="4" y="${px(top - 6)}">Actual ↓</text>`);
  parts.push(`<text class="tick" x="${px(left + n * cell + 6)}" y="${px(top - 6)}">Total</text>`);
  keys.forEach((k, j) => {
    const x = left + j * cell + cell / 2;
    const text = escapeHtml(shorten(name(k), labelChars));
    parts.push(
      n <= 8
        ? `<text class="tick" x="${px(x)}" y="${px(top - 8)}" text-anchor="middle"><title>${escapeHtml(name(k))}</title>${text}</text>`
        : `<text class="tick" x="${px(x + 4)}" y="${px(top - 6)}" transform="rotate(-45 ${px(x + 4)} ${px(top - 6)})"><title>${escapeHtml(name(k))}</title>${text}</text>`,
    );
  });
  keys.forEach((actual, i) => {
    const y = top + i * cell;
    parts.push(`<text class="tick" x="${left - 6}" y="${px(y + cell / 2 + 4)}" text-anchor="end"><title>${escapeHtml(name(actual))}</title>${escapeHtml(shorten(name(actual), labelChars))}</text>`);
    keys.forEach((predicted, j) => {
      const count = counts[i]![j]!;
      const share = rowTotals[i] === 0 ? 0 : count / rowTotals[i]!;
      const x = left + j * cell;
      const tone = i === j && actual !== OTHER ? 'hit' : 'miss';
      const strong = share >= 0.5 ? ' on' : '';
      const tip = `actual ${name(actual)}, predicted ${name(predicted)}: ${formatCount(count)} of ${formatCount(rowTotals[i]!)} (${formatShare(share)})`;
      const opacity = count === 0 ? 0 : Math.max(0.06, share);
      parts.push(
        `<g class="cell" data-actual="${attr(actual)}" data-predicted="${attr(predicted)}"${actual === OTHER || predicted === OTHER ? ' data-other=""' : ''}><title>${escapeHtml(tip)}</title>` +
          `<rect class="${tone}" x="${px(x + 1)}" y="${px(y + 1)}" width="${cell - 2}" height="${cell - 2}" fill-opacity="${Math.round(opacity * 100) / 100}"/>` +
          `<text class="count${strong}" x="${px(x + cell / 2)}" y="${px(y + cell / 2 + (withShare ? -1 : 4))}" text-anchor="middle">${formatCount(count)}</text>` +
          (withShare ? `<text class="share${strong}" x="${px(x + cell / 2)}" y="${px(y + cell / 2 + 13)}" text-anchor="middle">${formatShare(share)}</text>` : '') +
          '</g>',
      );
    });
    parts.push(`<text class="tick row-total" x="${px(left + n * cell + 6)}" y="${px(y + cell / 2 + 4)}">${formatCount(rowTotals[i]!)}</text>`);
  });
  const wide = width > 720 ? ' wide' : '';
  const note =
    hidden.length > 0
      ? `<p class="note">Showing the ${shown.length} most frequent of ${labels.length} classes; the other ${hidden.length} are summed in “other”. statistics.json has the full matrix.</p>`
      : '';
  const legend = withShare ? 'Each cell: count and share of its actual class (row).' : 'Each cell: count; shade and tooltip: share of its actual class (row).';
  return `<figure class="scroll${wide}">${svgElement(width, height, options.title, parts.join(''), `chart heat${n > 16 ? ' dense' : ''}`)}<figcaption>${escapeHtml(legend)}</figcaption></figure>${note}`;
}
