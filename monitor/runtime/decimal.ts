/**
 * @module Numbers as people write them in settings, flags and labels: decimal only. Number() also reads `0x1F`,
 * `0b1`, `Infinity` and a blank as 0, which no setting means. Shared with the server image (its settings): Node alone.
 */

/**
 * A number written in decimal (`0.05`, `1e-3`, `200`, `-7`). Linear in the text's length: each digit run can be read
 * one way only. (It was `\d+\.?\d*`, where a failing match such as 80,000 digits and an `x`, as a label or a CSV
 * field, tried every split of the digits between the two runs: seconds for 80 KB, hours for a 6 MB field.)
 */
export const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The finite number `text` writes in decimal (spaces around it ignored), else undefined. */
export function readDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  const n = Number(trimmed);
  return DECIMAL.test(trimmed) && Number.isFinite(n) ? n : undefined;
}
