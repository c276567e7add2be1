/**
 * @module Deequ's data types, value by value and per feature: the rule SageMaker's data-quality analyzer uses to
 * write `inferred_type`.
 *
 * Each value (awslabs/deequ `StatefulDataType`, `DataTypeHistogram.determineType`):
 * - missing: JSON null, an absent key, an empty CSV cell (Spark's CSV reader reads "" as null);
 * - a JSON number: Integral when it is a whole number, else Fractional (Spark's JSON reader types 3 as a long and
 *   3.5 as a double; a parsed 3.0 cannot be told from 3 and counts as Integral);
 * - a JSON boolean: Boolean (Spark's BooleanType);
 * - text (a CSV cell, a JSON string): Deequ's patterns, whole string, ASCII digits:
 *   Fractional `^(-|\+)? ?\d+((\.\d+)|((?:\.\d+)?[Ee][-+]?\d+))$`, else Integral `^(-|\+)? ?\d+$`, else Boolean
 *   `^(true|false)$` (lower case only), else String. So the JSON string "42" is Integral and "true" is Boolean, as
 *   Spark's string column of them is to Deequ; "1." , ".5", "NaN", "Infinity", "TRUE" and "" are String. A number
 *   that overflows a double ("1e999") is String too: statistics.json cannot hold an infinite value.
 * A feature's type (determineType): no present value: Unknown; any String, or Booleans mixed with numbers: String;
 * only Booleans: Boolean; any Fractional: Fractional; else Integral. statistics.json and constraints.json have no
 * Boolean type (the schema lists Integral, Fractional, String, Unknown), so a Boolean feature is written as a String
 * feature whose categories are "true" and "false"; its type counts still say Boolean.
 */

/** A value's kind, as a small integer for the hot path. */
export const KIND = { missing: 0, fractional: 1, integral: 2, boolean: 3, string: 4 } as const;
export type ValueKind = (typeof KIND)[keyof typeof KIND];

/** A feature's inferred type as Deequ names it. */
export type DeequType = 'Unknown' | 'Fractional' | 'Integral' | 'Boolean' | 'String';
/** The types statistics.json and constraints.json carry. */
export const INFERRED_TYPES = ['Integral', 'Fractional', 'String', 'Unknown'] as const;
export type InferredType = (typeof INFERRED_TYPES)[number];

/** Per-kind value counts of a feature. */
export interface TypeCounts {
  fractional: number;
  integral: number;
  boolean: number;
  string: number;
  /** Of the Integral values, those typed from text (a CSV cell, a JSON string): "7" rather than the JSON number 7. */
  integralText: number;
}

const ZERO = 48;
const NINE = 57;

function digitsFrom(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c < ZERO || c > NINE) break;
    j++;
  }
  return j;
}

/**
 * The Deequ kind of a text value (never missing: callers turn empty CSV cells into null first). Equivalent to the
 * three patterns above (value-type.test.ts checks it against them), in one pass.
 */
export function textKind(s: string): ValueKind {
  let i = 0;
  const first = s.charCodeAt(0);
  if (first === 45 || first === 43) i = 1; // - or +
  if (s.charCodeAt(i) === 32) i++; // one optional space
  const intEnd = digitsFrom(s, i);
  if (intEnd > i) {
    if (intEnd === s.length) return KIND.integral;
    let j = intEnd;
    if (s.charCodeAt(j) === 46) {
      // .digits
      const fracEnd = digitsFrom(s, j + 1);
      if (fracEnd === j + 1) return wordKind(s);
      if (fracEnd === s.length) return KIND.fractional;
      j = fracEnd;
    }
    const e = s.charCodeAt(j);
    if (e === 101 || e === 69) {
      let k = j + 1;
      const sign = s.charCodeAt(k);
      if (sign === 45 || sign === 43) k++;
      const expEnd = digitsFrom(s, k);
      if (expEnd > k && expEnd === s.length) return KIND.fractional;
    }
  }
  return wordKind(s);
}

function wordKind(s: string): ValueKind {
  return s === 'true' || s === 'false' ? KIND.boolean : KIND.string;
}

/**
 * The number a numeric text stands for (textKind integral or fractional): Deequ allows one space after the sign,
 * which Number() does not.
 */
export function textNumber(s: string): number {
  const space = s.indexOf(' ');
  return space < 0 ? Number(s) : Number(s.slice(0, space) + s.slice(space + 1));
}

/** Exact powers of ten: 10^k is a double exactly for k <= 22. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Digits that always fit a double's 53-bit integer range. */
const MAX_FAST_DIGITS = 15;

/** The number textKind's last numeric answer stands for (set by textKindAndNumber). */
export let parsedNumber = 0;
/**
 * Whether that numeric text is spelled otherwise than String(parsedNumber) writes it: "05", "5.0", "+5", "- 5",
 * "1e3", "-0", "0.0000001" (set by textKindAndNumber). Such text keeps its spelling as a category, as Deequ's
 * histogram of a string column counts raw text.
 */
export let parsedRespelled = false;

/**
 * textKind and, for Integral and Fractional text, its number (in `parsedNumber`) and whether String writes that
 * number otherwise (`parsedRespelled`), in one pass. Plain decimals of up to 15 significant digits are computed as
 * mantissa / 10^k, one correctly rounded division of exact operands (Clinger's fast path), so the result equals
 * Number(text); other numbers go through textNumber. Such a decimal, without sign, space, leading or trailing zero,
 * is written back unchanged by String when its value is 0 or at least 1e-6 (a double holds 15 significant digits,
 * and no shorter decimal reads as the same double); anything else is compared with String's text.
 */
export function textKindAndNumber(s: string): ValueKind {
  const n = s.length;
  let i = 0;
  const first = s.charCodeAt(0);
  const negative = first === 45;
  if (negative || first === 43) i = 1;
  const spaced = s.charCodeAt(i) === 32;
  if (spaced) i++;
  let mantissa = 0;
  let digits = 0;
  const start = i;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    mantissa = mantissa * 10 + (c - ZERO);
    if (mantissa !== 0) digits++;
    i++;
  }
  if (i === start) return wordKind(s);
  // Spelled otherwise whatever follows: a plus, a space, a leading zero ("05", "00.5").
  const marked = first === 43 || spaced || (s.charCodeAt(start) === ZERO && i - start > 1);
  if (i === n) {
    parsedNumber = digits <= MAX_FAST_DIGITS ? (negative ? -mantissa : mantissa) : textNumber(s);
    parsedRespelled = marked || (negative && mantissa === 0) || (digits > MAX_FAST_DIGITS && String(parsedNumber) !== s);
    return KIND.integral;
  }
  if (s.charCodeAt(i) === 46) {
    const fracStart = ++i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < ZERO || c > NINE) break;
      mantissa = mantissa * 10 + (c - ZERO);
      if (mantissa !== 0) digits++;
      i++;
    }
    if (i === fracStart) return wordKind(s);
    if (i === n) {
      const scale = i - fracStart;
      const x = digits <= MAX_FAST_DIGITS && scale <= 22 ? (negative ? -mantissa : mantissa) / POW10[scale]! : textNumber(s);
      parsedNumber = x;
      if (marked || s.charCodeAt(n - 1) === ZERO) parsedRespelled = true;
      else parsedRespelled = digits > MAX_FAST_DIGITS ? String(x) !== s : x !== 0 && Math.abs(x) < 1e-6;
      return KIND.fractional;
    }
  }
  const kind = textKind(s);
  if (kind === KIND.fractional || kind === KIND.integral) {
    parsedNumber = textNumber(s);
    parsedRespelled = String(parsedNumber) !== s;
  }
  return kind;
}

/** The kind of a JSON number. */
export function numberKind(x: number): ValueKind {
  if (!Number.isFinite(x)) return KIND.string;
  return Number.isInteger(x) ? KIND.integral : KIND.fractional;
}

/** Deequ's DataTypeHistogram.determineType over a feature's counts. */
export function determineType(counts: TypeCounts): DeequType {
  const numeric = counts.integral + counts.fractional;
  if (numeric + counts.boolean + counts.string === 0) return 'Unknown';
  if (counts.string > 0 || (counts.boolean > 0 && numeric > 0)) return 'String';
  if (counts.boolean > 0) return 'Boolean';
  if (counts.fractional > 0) return 'Fractional';
  return 'Integral';
}

/** The type written to statistics.json and constraints.json: Boolean becomes String (see the module comment). */
export function fileType(type: DeequType): InferredType {
  return type === 'Boolean' ? 'String' : type;
}

/**
 * The share of present values that satisfy an expected type, for data_type_check (Deequ's hasDataType ratio):
 * Integral values satisfy Integral; Fractional values and whole JSON numbers satisfy Fractional, whole text ("7", a
 * CSV cell written without a decimal point) does not: Deequ's pattern types it Integral, and the built-in analyzer
 * flags such columns (the SDK's sample violations: fare_amount 0.4995 of a CSV). A whole JSON number does, because a
 * parsed 3.0 cannot be told from 3 and Spark reads a JSON column holding fractions as doubles ("3.0" to Deequ).
 * Every present value satisfies String. NaN when nothing is present or the type is Unknown.
 */
export function typeMatchShare(expected: InferredType, counts: TypeCounts): number {
  const present = counts.integral + counts.fractional + counts.boolean + counts.string;
  if (present === 0 || expected === 'Unknown') return NaN;
  switch (expected) {
    case 'Integral':
      return counts.integral / present;
    case 'Fractional':
      return (counts.integral - counts.integralText + counts.fractional) / present;
    case 'String':
      return 1;
  }
}
