/**
 * @module Canonical form of class labels, so that "1", 1, " 1 " and "1.0" from a response, a ground-truth file or a
 * config value are the same label.
 */
import { DECIMAL } from '../runtime/decimal.ts';

/**
 * The canonical string of a label value, or undefined when the value is not a usable label.
 *
 * - strings are trimmed; a decimal number string becomes `String(Number(x))` ("1.0" → "1", "007" → "7", "-0" → "0",
 *   "1e3" → "1000"); other strings stay as they are (case is kept: "Yes" and "yes" differ);
 * - finite numbers and bigints become `String(Number(x))`; NaN and ±Infinity are undefined;
 * - booleans become "true" / "false";
 * - empty or blank strings, null, undefined, objects and arrays are undefined.
 *
 * This is for label values only: identifiers such as inference ids must not be canonicalised ("007" ≠ "7").
 */
export function canonicalLabel(raw: unknown): string | undefined {
  switch (typeof raw) {
    case 'string': {
      const text = raw.trim();
      if (text === '') return undefined;
      return DECIMAL.test(text) ? String(Number(text)) : text;
    }
    case 'number':
      return Number.isFinite(raw) ? String(raw) : undefined;
    case 'bigint':
      return String(Number(raw));
    case 'boolean':
      return raw ? 'true' : 'false';
    default:
      return undefined;
  }
}
