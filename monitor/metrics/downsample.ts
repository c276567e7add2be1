/**
 * @module Downsampling of output curves to a bounded number of points. Only the written curves are downsampled; the
 * AUCs are computed from the exact counts.
 */

/**
 * The indices kept when a curve of `length` points is cut to at most `maxPoints` (≥ 2): evenly spaced by index,
 * `round(i·(length − 1)/(maxPoints − 1))`, so the first and last points are always kept.
 */
export function downsampleIndices(length: number, maxPoints: number): number[] {
  if (length <= maxPoints) return Array.from({ length }, (_, i) => i);
  const step = (length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, i) => Math.round(i * step));
}
