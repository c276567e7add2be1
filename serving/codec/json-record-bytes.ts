/**
 * @module The common application/json request read straight from its bytes: an array of records whose values are
 * numbers or null (`[{"Elevation": 2596, ...}, ...]`, what the seed sends). JSON.parse built 50 objects of 54
 * properties per 50-record request only for FeatureRows to read them back by name: a third of the request thread's
 * work. Here the bytes go straight into the float32 matrix.
 *
 * It reads only that subset and answers undefined for anything else, so decode-json.ts then reads the body as
 * before and gives the same rows or the same 400: any other shape, a string, `true` or nested value, an escape or a
 * non-ASCII byte, a key the model does not know, a key given twice, a missing feature, an empty array or record,
 * a byte-order mark, or anything that is not valid JSON. What it accepts gives exactly JSON.parse's values: a
 * number of at most 15 significant digits and a power of ten up to 22 is one correctly rounded operation on exact
 * operands (Clinger's fast path), any other number is converted by Number() of its text, as JSON.parse does.
 */
import { FeatureRows, type FeatureSchema } from './feature-rows.ts';

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const LOWER_E = 0x65;
const LOWER_L = 0x6c;
const LOWER_N = 0x6e;
const LOWER_U = 0x75;
const UPPER_E = 0x45;

/** Exact powers of ten as doubles (10^0 .. 10^22). */
const POWERS = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** Digits a double holds exactly whatever they are (10^15 < 2^53). */
const EXACT_DIGITS = 15;

/** The feature names as matched in a body. */
interface Names {
  /** Each name's bytes followed by the closing quote, when the name is spelt in JSON by its own bytes (printable
   * ASCII, no quote or backslash); else undefined (such a key is read by the general way). */
  readonly quoted: Array<Uint8Array | undefined>;
  /** The same bytes as little-endian 32-bit words (the whole words of them), compared four bytes at a time. */
  readonly words: Array<Int32Array | undefined>;
  /** UTF-16 length of the longest name. */
  readonly longest: number;
}

const isPlain = (bytes: Uint8Array) => bytes.every((c) => c >= SPACE && c < 0x7f && c !== QUOTE && c !== BACKSLASH);

const namesCache = new WeakMap<FeatureSchema, Names>();

function namesOf(schema: FeatureSchema): Names {
  let names = namesCache.get(schema);
  if (names === undefined) {
    const quoted = schema.names.map((n) => {
      const bytes = Buffer.from(`${n}"`, 'utf8');
      return isPlain(bytes.subarray(0, bytes.length - 1)) ? new Uint8Array(bytes) : undefined;
    });
    const words = quoted.map((q) => {
      if (q === undefined) return undefined;
      const view = new DataView(q.buffer, q.byteOffset, q.length);
      return Int32Array.from({ length: q.length >> 2 }, (_, w) => view.getInt32(4 * w, true));
    });
    names = { quoted, words, longest: schema.names.reduce((m, n) => Math.max(m, n.length), 0) };
    namesCache.set(schema, names);
  }
  return names;
}

/** The index past the JSON white space at `i`. */
function skipSpace(b: Uint8Array, i: number): number {
  // Most structure has no white space: one comparison (every JSON white space byte is at most a space).
  if (!(b[i]! <= SPACE)) return i;
  for (let c = b[i]; c === SPACE || c === LF || c === CR || c === TAB; c = b[++i]);
  return i;
}

/** The index past `quoted` (a name and its closing quote) when the body holds it at `i`, else -1. */
function matchName(b: Uint8Array, view: DataView, i: number, quoted: Uint8Array, words: Int32Array): number {
  const length = quoted.length;
  if (i + length > b.length) return -1;
  let k = 0;
  for (let w = 0; w < words.length; w++, k += 4) if (view.getInt32(i + k, true) !== words[w]) return -1;
  for (; k < length; k++) if (b[i + k] !== quoted[k]) return -1;
  return i + length;
}

/**
 * The index past a key's closing quote when the key is plain ASCII (no escape, no control character), else -1.
 */
function scanKey(b: Uint8Array, i: number): number {
  for (;;) {
    const c = b[i];
    if (c === undefined || c === BACKSLASH || c < SPACE || c >= 0x80) return -1;
    if (c === QUOTE) return i + 1;
    i++;
  }
}

/** The text of ASCII bytes start..end (one native copy: a string built a character at a time is quadratic-ish). */
function ascii(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1', start, end);
}

/** The feature a plain key (bytes start..end) names, or -1 (a key longer than every name names none). */
function lookUp(b: Uint8Array, start: number, end: number, schema: FeatureSchema, longest: number): number {
  if (end - start > longest) return -1;
  return schema.index.get(ascii(b, start, end)) ?? -1;
}

/**
 * Reads the JSON number at `start` of `b` into `out.value`, converted exactly as JSON.parse converts it. Returns the
 * index past it, or -1 when no number in JSON's grammar starts there.
 */
export function readJsonNumber(b: Uint8Array, start: number, out: { value: number }): number {
  let i = start;
  const negative = b[i] === MINUS;
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  let c = b[i];
  if (c === ZERO) {
    c = b[++i];
  } else if (c !== undefined && c > ZERO && c <= NINE) {
    do {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      c = b[++i];
    } while (c !== undefined && c >= ZERO && c <= NINE);
  } else return -1;
  let scale = 0;
  if (c === DOT) {
    c = b[++i];
    if (c === undefined || c < ZERO || c > NINE) return -1;
    do {
      // Leading zeros of a fraction (0.00x) are not significant digits.
      if (digits > 0 || c !== ZERO) digits++;
      mantissa = mantissa * 10 + (c - ZERO);
      scale--;
      c = b[++i];
    } while (c !== undefined && c >= ZERO && c <= NINE);
  }
  let exponent = 0;
  let exponentDigits = 0;
  if (c === LOWER_E || c === UPPER_E) {
    c = b[++i];
    let exponentNegative = false;
    if (c === MINUS || c === PLUS) {
      exponentNegative = c === MINUS;
      c = b[++i];
    }
    if (c === undefined || c < ZERO || c > NINE) return -1;
    do {
      if (exponentDigits < 6) exponent = exponent * 10 + (c - ZERO);
      exponentDigits++;
      c = b[++i];
    } while (c !== undefined && c >= ZERO && c <= NINE);
    if (exponentNegative) exponent = -exponent;
  }
  const power = scale + exponent;
  if (digits <= EXACT_DIGITS && exponentDigits <= 6 && (mantissa === 0 || (power >= -22 && power <= 22))) {
    // Clinger's fast path: both operands exact, so the one operation rounds correctly.
    const value = mantissa === 0 ? 0 : power >= 0 ? mantissa * POWERS[power]! : mantissa / POWERS[-power]!;
    out.value = negative ? -value : value;
  } else {
    out.value = Number(ascii(b, start, i));
  }
  return i;
}

/**
 * What follows an item of an object or an array (after white space): a comma ('next', `at.i` past it and the white
 * space after it), the closing `close` ('end', `at.i` past it), or anything else ('bad').
 */
function separator(b: Uint8Array, i: number, close: number, at: { i: number }): 'next' | 'end' | 'bad' {
  i = skipSpace(b, i);
  const c = b[i];
  if (c === COMMA) {
    at.i = skipSpace(b, i + 1);
    return 'next';
  }
  at.i = i + 1;
  return c === close ? 'end' : 'bad';
}

/**
 * The rows of `body` when it is an array of records whose values are all numbers or null and whose keys are exactly
 * the model's features; undefined otherwise (decode-json.ts then reads it, with the same result or the same error).
 */
export function decodeJsonRecordBytes(body: Uint8Array, schema: FeatureSchema): FeatureRows | undefined {
  const width = schema.names.length;
  if (width === 0) return undefined;
  const { quoted, words, longest } = namesOf(schema);
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  // Where separator() leaves the reading, and the number readJsonNumber() read.
  const at = { i: 0, value: 0 };
  const seen = new Int32Array(width);
  const values = new Float64Array(width);
  let i = skipSpace(body, 0);
  if (body[i] !== OPEN_ARRAY) return undefined;
  i = skipSpace(body, i + 1);
  // A first guess of the record count: a feature takes a dozen bytes or more.
  const rows = new FeatureRows(schema, Math.min(4096, Math.max(1, Math.floor(body.length / (width * 12)))));
  let record = 0;
  for (;;) {
    if (body[i] !== OPEN_OBJECT) return undefined;
    i = skipSpace(body, i + 1);
    record++;
    let count = 0;
    // The feature expected next: records usually list the features in one order.
    let guess = 0;
    for (;;) {
      if (body[i] !== QUOTE) return undefined;
      i++;
      let f = -1;
      const q = guess < width ? quoted[guess] : undefined;
      if (q !== undefined) {
        const end = matchName(body, view, i, q, words[guess]!);
        if (end >= 0) {
          f = guess;
          i = end;
        }
      }
      if (f < 0) {
        const end = scanKey(body, i);
        if (end < 0) return undefined;
        f = lookUp(body, i, end - 1, schema, longest);
        i = end;
      }
      if (f < 0 || seen[f] === record) return undefined;
      seen[f] = record;
      i = skipSpace(body, i);
      if (body[i] !== COLON) return undefined;
      i = skipSpace(body, i + 1);
      if (body[i] === LOWER_N) {
        if (body[i + 1] !== LOWER_U || body[i + 2] !== LOWER_L || body[i + 3] !== LOWER_L) return undefined;
        values[f] = NaN;
        i += 4;
      } else {
        i = readJsonNumber(body, i, at);
        if (i < 0) return undefined;
        values[f] = at.value;
      }
      count++;
      guess = f + 1;
      const next = separator(body, i, CLOSE_OBJECT, at);
      i = at.i;
      if (next === 'end') break;
      if (next === 'bad') return undefined;
    }
    if (count !== width) return undefined;
    rows.addNumbers(values);
    const next = separator(body, i, CLOSE_ARRAY, at);
    i = at.i;
    if (next === 'end') break;
    if (next === 'bad') return undefined;
  }
  return skipSpace(body, i) === body.length ? rows : undefined;
}
