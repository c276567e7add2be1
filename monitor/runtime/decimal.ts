/**
 * @module Numbers as people write them in settings, flags and labels: decimal only. Number() also reads `0x1F`,
 * `0b1`, `Infinity` and a blank as 0, which no setting means. Shared with the server image (its settings): Node alone.
 */

/** A number written in decimal (`0.05`, `1e-3`, `200`, `-7`). */
export const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The finite number `text` writes in decimal (spaces around it ignored), else undefined. */
export function readDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  const n = Number(trimmed);
  return DECIMAL.test(trimmed) && Number.isFinite(n) ? n : undefined;
}
