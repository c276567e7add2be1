/**
 * @module A byte-level reader of flat JSON Lines ground-truth rows ({"InferenceId":"…","payload_index":3,
 * "groundTruthLabel":4}): it finds where the id, index and label values lie in the line's bytes without building the
 * row's string or object (JSON.parse of every row was about half of the ground-truth read). It accepts only lines it
 * can read exactly as JSON.parse would: a flat object of strings without escapes, numbers, true, false and null;
 * anything else (escapes, nested values, control characters, invalid JSON, non-ASCII keys) is left to JSON.parse.
 */

/** What a field's value is in the scanned line. */
export const TokenKind = { Absent: 0, String: 1, Number: 2, True: 3, False: 4, Null: 5 } as const;
type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;
}

/**
 * Scans lines for the values of a few named top-level fields. After scan() returns true, kind[f], start[f] and end[f]
 * say where field f's value lies (strings: the bytes between the quotes; a key given twice: the last one, as
 * JSON.parse keeps), and ascii[f] whether a string value is all ASCII.
 */
export class LabelRowScanner {
  readonly kind: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly ascii: Uint8Array;
  readonly #names: Uint8Array[];
  readonly #refuse: Uint8Array[];
  /**
   * The fields whose key can be matched in place (a name of printable ASCII without quote or backslash, given once and
   * not refused): a key that is such a name followed by its closing quote needs no byte checks of its own.
   */
  readonly #quick: number[];

  /**
   * @param fields the field names whose values are wanted, in order.
   * @param refuse keys whose presence sends the line to JSON.parse (groundTruthData: SageMaker's own rows).
   */
  constructor(fields: readonly string[], refuse: readonly string[] = []) {
    this.#names = fields.map((f) => Buffer.from(f, 'utf8'));
    this.#refuse = refuse.map((f) => Buffer.from(f, 'utf8'));
    this.kind = new Uint8Array(fields.length);
    this.start = new Int32Array(fields.length);
    this.end = new Int32Array(fields.length);
    this.ascii = new Uint8Array(fields.length);
    this.#quick = fields.flatMap((name, f) => {
      const bytes = this.#names[f]!;
      const plain = bytes.length > 0 && bytes.every((b) => b >= 0x20 && b < 0x80 && b !== QUOTE && b !== BACKSLASH);
      return plain && fields.indexOf(name) === fields.lastIndexOf(name) && !refuse.includes(name) ? [f] : [];
    });
  }

  /** The quick field whose name is the key at `keyStart` (its closing quote before `n`), or -1. */
  #quickField(line: Uint8Array, keyStart: number, n: number): number {
    for (const f of this.#quick) {
      const name = this.#names[f]!;
      const end = keyStart + name.length;
      if (end < n && line[end] === QUOTE && sameBytes(line, keyStart, end, name)) return f;
    }
    return -1;
  }

  /**
   * Whether the line line[from, to) is a flat object this reader reads exactly; false leaves it to JSON.parse. The
   * positions it gives are in `line`, and nothing outside [from, to) is read.
   */
  scan(line: Uint8Array, from = 0, to = line.length): boolean {
    for (let f = 0; f < this.kind.length; f++) this.kind[f] = TokenKind.Absent;
    const n = to;
    let i = skipSpace(line, from, n);
    if (i >= n || line[i] !== OPEN) return false;
    i = skipSpace(line, i + 1, n);
    if (i < n && line[i] === CLOSE) return skipSpace(line, i + 1, n) === n;
    for (;;) {
      if (i >= n || line[i] !== QUOTE) return false;
      const keyStart = i + 1;
      const field = this.#quickField(line, keyStart, n);
      let k = field < 0 ? keyStart : keyStart + this.#names[field]!.length;
      // Keys: ASCII without escapes or control characters (a key is compared byte for byte with the field names).
      for (; field < 0 && k < n; k++) {
        const b = line[k]!;
        if (b === QUOTE) break;
        if (b === BACKSLASH || b < 0x20 || b >= 0x80) return false;
      }
      if (k >= n) return false;
      const keyEnd = k;
      i = skipSpace(line, k + 1, n);
      if (i >= n || line[i] !== COLON) return false;
      i = skipSpace(line, i + 1, n);
      if (i >= n) return false;
      const valueEnd = this.#value(line, i, n, keyStart, keyEnd, field);
      if (valueEnd < 0) return false;
      i = skipSpace(line, valueEnd, n);
      if (i >= n) return false;
      if (line[i] === CLOSE) return skipSpace(line, i + 1, n) === n;
      if (line[i] !== COMMA) return false;
      i = skipSpace(line, i + 1, n);
    }
  }

  /**
   * Reads the value at `i` (before `n`) of the key line[keyStart, keyEnd), the quick field `field` when not -1;
   * returns the index after it, or -1.
   */
  #value(line: Uint8Array, i: number, n: number, keyStart: number, keyEnd: number, field: number): number {
    const b = line[i]!;
    let kind: TokenKind;
    let start = i;
    let end: number;
    let ascii = 1;
    if (b === QUOTE) {
      kind = TokenKind.String;
      start = i + 1;
      end = start;
      for (; end < n; end++) {
        const c = line[end]!;
        if (c === QUOTE) break;
        if (c === BACKSLASH || c < 0x20) return -1;
        if (c >= 0x80) ascii = 0;
      }
      if (end >= n) return -1;
      i = end + 1;
    } else if (b === MINUS || (b >= ZERO && b <= NINE)) {
      kind = TokenKind.Number;
      end = numberEnd(line, i, n);
      if (end < 0) return -1;
      i = end;
    } else {
      kind = literal(line, i, n);
      if (kind === TokenKind.Absent) return -1;
      end = i + (kind === TokenKind.False ? 5 : 4);
      i = end;
    }
    if (field >= 0) {
      this.#found(field, kind, start, end, ascii);
      return i;
    }
    for (const refused of this.#refuse) if (sameBytes(line, keyStart, keyEnd, refused)) return -1;
    const names = this.#names;
    for (let f = 0; f < names.length; f++) if (sameBytes(line, keyStart, keyEnd, names[f]!)) this.#found(f, kind, start, end, ascii);
    return i;
  }

  #found(f: number, kind: TokenKind, start: number, end: number, ascii: number): void {
    this.kind[f] = kind;
    this.start[f] = start;
    this.end[f] = end;
    this.ascii[f] = ascii;
  }
}

function skipSpace(line: Uint8Array, i: number, n: number): number {
  while (i < n && isSpace(line[i]!)) i++;
  return i;
}

function sameBytes(line: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length) return false;
  for (let j = 0; j < name.length; j++) if (line[start + j] !== name[j]) return false;
  return true;
}

/** true, false or null at `i` (ending before `n`), else Absent. */
function literal(line: Uint8Array, i: number, n: number): TokenKind {
  const word = (text: string): boolean => {
    if (i + text.length > n) return false;
    for (let j = 0; j < text.length; j++) if (line[i + j] !== text.charCodeAt(j)) return false;
    return true;
  };
  if (word('true')) return TokenKind.True;
  if (word('false')) return TokenKind.False;
  if (word('null')) return TokenKind.Null;
  return TokenKind.Absent;
}

function digitsEnd(line: Uint8Array, i: number, n: number): number {
  while (i < n && line[i]! >= ZERO && line[i]! <= NINE) i++;
  return i;
}

/** The end of a JSON number starting at `i` and ending before `n` (RFC 8259's grammar exactly), or -1. */
function numberEnd(line: Uint8Array, i: number, n: number): number {
  if (line[i] === MINUS) i++;
  if (i >= n) return -1;
  if (line[i] === ZERO) i++;
  else if (line[i]! >= 0x31 && line[i]! <= NINE) i = digitsEnd(line, i + 1, n);
  else return -1;
  if (i < n && line[i] === DOT) {
    const after = digitsEnd(line, i + 1, n);
    if (after === i + 1) return -1;
    i = after;
  }
  if (i < n && (line[i] === 0x65 || line[i] === 0x45)) {
    i++;
    if (i < n && (line[i] === 0x2b || line[i] === MINUS)) i++;
    const after = digitsEnd(line, i, n);
    if (after === i) return -1;
    i = after;
  }
  return i;
}

/** The value of field `f` as JSON.parse gives it (strings decoded as UTF-8, invalid bytes as U+FFFD), or undefined when absent. */
export function tokenValue(scanner: LabelRowScanner, line: Buffer, f: number): unknown {
  const start = scanner.start[f]!;
  const end = scanner.end[f]!;
  switch (scanner.kind[f] as TokenKind) {
    case TokenKind.String:
      return scanner.ascii[f] ? line.toString('latin1', start, end) : line.toString('utf8', start, end);
    case TokenKind.Number:
      // A valid JSON number's text: Number() rounds it exactly as JSON.parse does.
      return Number(line.toString('latin1', start, end));
    case TokenKind.True:
      return true;
    case TokenKind.False:
      return false;
    case TokenKind.Null:
      return null;
    default:
      return undefined;
  }
}

/**
 * The value of field `f` when it is a payload index written as plain digits no greater than `max`, else -1 (absent
 * and null give -2: no index, 0). Other spellings (a string, a fraction, an exponent) go the general way.
 */
export function plainIndex(scanner: LabelRowScanner, line: Uint8Array, f: number, max: number): number {
  const kind = scanner.kind[f] as TokenKind;
  if (kind === TokenKind.Absent || kind === TokenKind.Null) return -2;
  if (kind !== TokenKind.Number) return -1;
  const start = scanner.start[f]!;
  const end = scanner.end[f]!;
  if (end - start > 10) return -1;
  let value = 0;
  for (let j = start; j < end; j++) {
    const d = line[j]! - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value <= max ? value : -1;
}
