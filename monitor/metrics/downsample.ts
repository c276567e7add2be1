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

/** Keeps the same points of every array of a curve (the arrays have one length). */
export function downsampleCurve<K extends string>(curve: Record<K, number[]>, maxPoints: number): Record<K, number[]> {
  const arrays: number[][] = Object.values(curve);
  const length = arrays.length === 0 ? 0 : arrays[0]!.length;
  if (length <= maxPoints) return curve;
  const keep = downsampleIndices(length, maxPoints);
  const out: Record<string, number[]> = {};
  for (const [key, values] of Object.entries<number[]>(curve)) out[key] = keep.map((i) => values[i]!);
  return out as Record<K, number[]>;
}
