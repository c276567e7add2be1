/**
 * @module Counts and validates a captured request straight from the capture line's bytes, without turning the
 * request into a JavaScript string or objects: the request is 94% of a line, and JSON.parse of it only to count its
 * records cost as much as the rest of the capture stage.
 *
 * The request sits in the line as a JSON string (`"data":"[{\"a\": 1}, ...]"`), so the scan reads two layers at
 * once: the line's string escapes (`\"`, `\\`, `\n`, `\uXXXX`, which may encode a quote, a bracket, a comma or a
 * backslash of the request) and, over the characters they give, the request's own JSON grammar, exactly as V8's
 * JSON.parse reads it (whitespace, numbers, literals, string escapes, control characters). The counts are the ones
 * count-request.ts gives for the parsed value (same shapes, same order of candidates); a request that JSON.parse
 * refuses is refused here, and the caller asks the JSON.parse-based path for its message.
 *
 * Memory: an explicit container stack (no recursion, whatever the nesting); keys are decoded only where the count
 * depends on them (members of a top-level object, keys of its object members: the columnar shapes).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** readChar's packed result: the character (or END / BAD) in the low 17 bits, its length in bytes above them. */
const CHAR_MASK = 0x1ffff;
const LEN_SHIFT = 17;
/** The line-level string's closing quote. */
const END = 0x10000;
/** The line-level string is not valid JSON (bad escape, raw control character, or no closing quote). */
const BAD = 0x10001;

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const l = b | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

/**
 * The character of the line-level JSON string that starts at bytes[i], packed with its length. Bytes of 0x80 and
 * above come one at a time (the request's grammar only needs to know they are not ASCII); `\uXXXX` gives the UTF-16
 * code unit.
 */
function readChar(bytes: Uint8Array, i: number, end: number): number {
  if (i >= end) return BAD;
  const b = bytes[i]!;
  if (b === QUOTE) return END | (1 << LEN_SHIFT);
  if (b < 0x20) return BAD;
  if (b !== BACKSLASH) return b | (1 << LEN_SHIFT);
  if (i + 1 >= end) return BAD;
  switch (bytes[i + 1]) {
    case 0x22:
      return 0x22 | (2 << LEN_SHIFT);
    case 0x5c:
      return 0x5c | (2 << LEN_SHIFT);
    case 0x2f:
      return 0x2f | (2 << LEN_SHIFT);
    case 0x62:
      return 0x08 | (2 << LEN_SHIFT);
    case 0x66:
      return 0x0c | (2 << LEN_SHIFT);
    case 0x6e:
      return 0x0a | (2 << LEN_SHIFT);
    case 0x72:
      return 0x0d | (2 << LEN_SHIFT);
    case 0x74:
      return 0x09 | (2 << LEN_SHIFT);
    case 0x75: {
      if (i + 5 >= end) return BAD;
      const a = hexValue(bytes[i + 2]!);
      const b2 = hexValue(bytes[i + 3]!);
      const c = hexValue(bytes[i + 4]!);
      const d = hexValue(bytes[i + 5]!);
      if ((a | b2 | c | d) < 0) return BAD;
      return ((a << 12) | (b2 << 8) | (c << 4) | d) | (6 << LEN_SHIFT);
    }
    default:
      return BAD;
  }
}

/**
 * Skips a line-level JSON string whose content starts at bytes[start] (just after its opening quote), checking its
 * escapes and that it holds no raw control character. Returns the index of its closing quote, or -1 when the string
 * is not valid JSON (the line is then not valid JSON either).
 */
export function skipJsonString(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b === QUOTE) return i;
    if (b === BACKSLASH) {
      const p = readChar(bytes, i, end);
      if (p === BAD) return -1;
      i += p >>> LEN_SHIFT;
    } else if (b < 0x20) return -1;
    else i++;
  }
  return -1;
}

// Parser states.
const S_VALUE = 0;
const S_ARRAY_FIRST = 1;
const S_OBJECT_FIRST = 2;
const S_KEY = 3;
const S_COLON = 4;
const S_AFTER = 5;

const ARRAY = 1;
const OBJECT = 2;

/**
 * What a container's contents mean for the count (count-request.ts's countJson): the value counted (the request, or
 * a wrapper key's value inside a counted object), the members of a counted object, or nothing.
 */
const R_PLAIN = 0;
/** A counted array: its length and whether every element is a scalar. */
const R_TARGET_ARRAY = 1;
/** A counted object: its members (last one wins for a repeated key), each with its kind and size. */
const R_TARGET_OBJECT = 2;
/** An array member of a counted object: its length. */
const R_MEMBER_ARRAY = 3;
/** An object member of a counted object: its number of distinct keys. */
const R_MEMBER_OBJECT = 4;

const WRAPPER_KEYS = ['instances', 'inputs', 'data', 'records', 'rows'];

/** Kinds of a counted object's members. */
export const K_SCALAR = 0;
export const K_NULL = 1;
export const K_ARRAY = 2;
export const K_OBJECT = 3;

/** One member of a counted object. */
export interface Member {
  kind: number;
  /** Array length, or the number of distinct keys of an object. */
  size: number;
  /** countJson of the value, for the values of wrapper keys. */
  counts: number[] | undefined;
}

/** The outcome of scanning one line-level string that holds a request. */
export interface RequestScan {
  /**
   * ok: the request is valid JSON and `counts` holds the record counts it is consistent with. invalid_request: the
   * string is valid at the line level but the request is not valid JSON (or the scan cannot decide a key exactly:
   * `exact` false); invalid_line: the line-level string itself is not valid JSON.
   */
  status: 'ok' | 'invalid_request' | 'invalid_line';
  /** Index of the string's closing quote (not set for invalid_line). */
  end: number;
  counts: number[];
}

/** The container stack, reused from line to line and grown by doubling (nesting has no fixed limit). */
let kinds = new Uint8Array(64);
let roles = new Uint8Array(64);
/** Per depth, for counted containers only. */
const sizes: number[] = [];
const allScalar: boolean[] = [];
const members: Array<Map<string, Member> | undefined> = [];
const keySets: Array<Set<string> | undefined> = [];
const pendingKeys: string[] = [];
let topCounts: number[] = [];
/** Set when a key needed for the count cannot be decoded exactly by the fast path and its fallback failed. */
let undecidable = false;

function grow(): void {
  const k = new Uint8Array(kinds.length * 2);
  k.set(kinds);
  kinds = k;
  const r = new Uint8Array(roles.length * 2);
  r.set(roles);
  roles = r;
}

/** countJson of a counted array. */
export function arrayCounts(n: number, scalarsOnly: boolean): number[] {
  return n > 0 && scalarsOnly ? [n, 1] : [n];
}

/** countJson of a counted object, from its members. */
export function objectCounts(map: Map<string, Member>): number[] {
  for (const k of WRAPPER_KEYS) {
    const m = map.get(k);
    if (m !== undefined && m.kind !== K_SCALAR) return m.kind === K_NULL ? [1] : m.counts!;
  }
  if (map.size > 0) {
    let arrays = true;
    let objects = true;
    let first = -1;
    let same = true;
    for (const m of map.values()) {
      if (m.kind !== K_ARRAY) arrays = false;
      if (m.kind !== K_OBJECT) objects = false;
      if (first === -1) first = m.size;
      else if (m.size !== first) same = false;
    }
    if ((arrays || objects) && same) return [first, 1];
  }
  return [1];
}

/**
 * A member key held at bytes[start, end) (its quotes included, in the line's escaped form), decoded exactly as
 * JSON.parse would give it, or undefined if it cannot be. Plain ASCII keys are read from the bytes; anything else
 * (escapes of either layer, non-ASCII bytes) goes through two JSON.parse calls of the key's own bytes.
 */
export function decodeKey(bytes: Uint8Array, start: number, end: number): string | undefined {
  const simple = bytes[start] === BACKSLASH && bytes[start + 1] === QUOTE && bytes[end - 2] === BACKSLASH && bytes[end - 1] === QUOTE;
  if (simple) {
    let plain = true;
    for (let i = start + 2; i < end - 2; i++) {
      const b = bytes[i]!;
      if (b === BACKSLASH || b >= 0x80) {
        plain = false;
        break;
      }
    }
    if (plain) return Buffer.from(bytes.buffer, bytes.byteOffset + start + 2, end - start - 4).toString('latin1');
  }
  try {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
    return JSON.parse(JSON.parse(`"${text}"`) as string) as string;
  } catch {
    return undefined;
  }
}

/** A key the count depends on; marks the scan undecidable when it cannot be decoded. */
function countedKey(bytes: Uint8Array, start: number, end: number): string {
  const key = decodeKey(bytes, start, end);
  if (key === undefined) undecidable = true;
  return key ?? '';
}

/** Records a finished value (scalar or closed container) in the container at `depth`, by that container's role. */
function deliver(depth: number, kind: number, size: number, counts: number[] | undefined): void {
  if (depth === 0) {
    topCounts = counts ?? [1];
    return;
  }
  if (roles[depth] === R_TARGET_OBJECT) {
    members[depth]!.set(pendingKeys[depth]!, { kind, size, counts });
  } else if (roles[depth] === R_MEMBER_OBJECT) {
    // keys are recorded when read
  }
}

/** The role of a container opened as a value inside the container at `depth`. */
function childRole(depth: number, isArray: boolean): number {
  const parent = depth === 0 ? -1 : roles[depth]!;
  if (depth === 0) return isArray ? R_TARGET_ARRAY : R_TARGET_OBJECT;
  if (parent === R_TARGET_OBJECT) {
    const wrapper = WRAPPER_KEYS.includes(pendingKeys[depth]!);
    if (isArray) return wrapper ? R_TARGET_ARRAY : R_MEMBER_ARRAY;
    return wrapper ? R_TARGET_OBJECT : R_MEMBER_OBJECT;
  }
  return R_PLAIN;
}

/** Opens a container at `depth` (already incremented) with its role's bookkeeping. */
function openCounted(depth: number, role: number): void {
  sizes[depth] = 0;
  allScalar[depth] = true;
  if (role === R_TARGET_OBJECT) members[depth] = new Map();
  else if (role === R_MEMBER_OBJECT) keySets[depth] = new Set();
}

/** Closes the counted container at `depth` and delivers its summary to its parent. */
function closeCounted(depth: number): void {
  const role = roles[depth]!;
  if (role === R_TARGET_ARRAY) deliver(depth - 1, K_ARRAY, sizes[depth]!, arrayCounts(sizes[depth]!, allScalar[depth]!));
  else if (role === R_MEMBER_ARRAY) deliver(depth - 1, K_ARRAY, sizes[depth]!, undefined);
  else if (role === R_TARGET_OBJECT) {
    const map = members[depth]!;
    members[depth] = undefined;
    deliver(depth - 1, K_OBJECT, map.size, objectCounts(map));
  } else if (role === R_MEMBER_OBJECT) {
    const set = keySets[depth]!;
    keySets[depth] = undefined;
    deliver(depth - 1, K_OBJECT, set.size, undefined);
  }
}

/** A value starts inside a counted container at `depth`: count it; a scalar member is recorded now. */
function valueStarts(depth: number, c: number): void {
  const role = depth === 0 ? -1 : roles[depth]!;
  const container = c === 0x5b || c === 0x7b;
  if (role === R_TARGET_ARRAY) {
    sizes[depth]!++;
    if (container) allScalar[depth] = false;
  } else if (role === R_MEMBER_ARRAY) sizes[depth]!++;
  else if (!container && (role === R_TARGET_OBJECT || depth === 0)) deliver(depth, c === 0x6e ? K_NULL : K_SCALAR, 0, undefined);
}

/** Reads a JSON number starting at bytes[i]; returns the index just after it, or -1 when it is not a number. */
function scanNumber(bytes: Uint8Array, i: number, end: number): number {
  let p = readChar(bytes, i, end);
  let c = p & CHAR_MASK;
  if (c === 0x2d) {
    i += p >>> LEN_SHIFT;
    p = readChar(bytes, i, end);
    c = p & CHAR_MASK;
  }
  if (c === 0x30) {
    i += p >>> LEN_SHIFT;
    p = readChar(bytes, i, end);
    c = p & CHAR_MASK;
  } else if (c >= 0x31 && c <= 0x39) {
    do {
      i += p >>> LEN_SHIFT;
      const b = i < end ? bytes[i]! : 0;
      if (b >= 0x30 && b <= 0x39) {
        c = b;
        p = b | (1 << LEN_SHIFT);
        continue;
      }
      p = readChar(bytes, i, end);
      c = p & CHAR_MASK;
    } while (c >= 0x30 && c <= 0x39);
  } else return -1;
  if (c === 0x2e) {
    i += p >>> LEN_SHIFT;
    p = readChar(bytes, i, end);
    c = p & CHAR_MASK;
    if (c < 0x30 || c > 0x39) return -1;
    do {
      i += p >>> LEN_SHIFT;
      p = readChar(bytes, i, end);
      c = p & CHAR_MASK;
    } while (c >= 0x30 && c <= 0x39);
  }
  if (c === 0x65 || c === 0x45) {
    i += p >>> LEN_SHIFT;
    p = readChar(bytes, i, end);
    c = p & CHAR_MASK;
    if (c === 0x2b || c === 0x2d) {
      i += p >>> LEN_SHIFT;
      p = readChar(bytes, i, end);
      c = p & CHAR_MASK;
    }
    if (c < 0x30 || c > 0x39) return -1;
    do {
      i += p >>> LEN_SHIFT;
      p = readChar(bytes, i, end);
      c = p & CHAR_MASK;
    } while (c >= 0x30 && c <= 0x39);
  }
  return i;
}

/** Reads the literal whose characters are `word` (true, false, null) at bytes[i]; returns the index after it or -1. */
function scanLiteral(bytes: Uint8Array, i: number, end: number, word: string): number {
  for (let k = 0; k < word.length; k++) {
    const p = readChar(bytes, i, end);
    if ((p & CHAR_MASK) !== word.charCodeAt(k)) return -1;
    i += p >>> LEN_SHIFT;
  }
  return i;
}

/**
 * Reads a string of the request whose opening quote has been read; bytes[i] is its first character. Returns the
 * index just after its closing quote, or -1 when it is not a valid JSON string (unterminated, a control character,
 * a bad escape).
 */
function scanString(bytes: Uint8Array, i: number, end: number): number {
  for (;;) {
    while (i < end) {
      const b = bytes[i]!;
      if (b < 0x20 || b === BACKSLASH || b === QUOTE) break;
      i++;
    }
    const p = readChar(bytes, i, end);
    if (p === BAD) return -1;
    const c = p & CHAR_MASK;
    if (c === END || c < 0x20) return -1;
    i += p >>> LEN_SHIFT;
    if (c === QUOTE) return i;
    if (c === BACKSLASH) {
      // An escape of the request's string: \" \\ \/ \b \f \n \r \t or \uXXXX, each character maybe line-escaped.
      const q = readChar(bytes, i, end);
      const e = q & CHAR_MASK;
      i += q >>> LEN_SHIFT;
      if (e === 0x75) {
        for (let k = 0; k < 4; k++) {
          const h = readChar(bytes, i, end);
          const hc = h & CHAR_MASK;
          if (hc > 0x7f || hexValue(hc) < 0) return -1;
          i += h >>> LEN_SHIFT;
        }
      } else if (e !== 0x22 && e !== 0x5c && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return -1;
    }
    // any other character (\/, a \uXXXX of the line, a byte of a multi-byte character) is content
  }
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Scans a request held as a line-level JSON string whose content starts at bytes[start] (just after the opening
 * quote), up to its closing quote at or before `end`. Validates the request as JSON and counts its records.
 */
// eslint-disable-next-line max-lines-per-function -- one pass of a byte-level state machine (the hot loop of the count check); the wasm build mirrors it
export function scanJsonRequest(bytes: Uint8Array, start: number, end: number): RequestScan {
  const fail = (): RequestScan => {
    const close = skipJsonString(bytes, start, end);
    return close < 0 ? { status: 'invalid_line', end: -1, counts: [] } : { status: 'invalid_request', end: close, counts: [] };
  };
  undecidable = false;
  topCounts = [];
  let i = start;
  let depth = 0;
  let state = S_VALUE;
  for (;;) {
    const b = i < end ? bytes[i]! : 0;
    let c: number;
    let n: number;
    if (b >= 0x20 && b !== BACKSLASH && b !== QUOTE) {
      c = b;
      n = 1;
    } else {
      const p = readChar(bytes, i, end);
      if (p === BAD) return fail();
      c = p & CHAR_MASK;
      n = p >>> LEN_SHIFT;
      if (c === END) {
        if (state !== S_AFTER || depth !== 0 || undecidable) return fail();
        return { status: 'ok', end: i, counts: topCounts };
      }
    }
    switch (state) {
      case S_AFTER:
        if (c === 0x2c && depth > 0) {
          state = kinds[depth] === ARRAY ? S_VALUE : S_KEY;
          i += n;
          continue;
        }
        if ((c === 0x5d && kinds[depth] === ARRAY) || (c === 0x7d && kinds[depth] === OBJECT)) {
          if (roles[depth] !== R_PLAIN) closeCounted(depth);
          depth--;
          i += n;
          continue;
        }
        if (isJsonSpace(c)) {
          i += n;
          continue;
        }
        return fail();
      case S_VALUE:
      case S_ARRAY_FIRST:
        if (isJsonSpace(c)) {
          i += n;
          continue;
        }
        if (c === 0x5d && state === S_ARRAY_FIRST) {
          if (roles[depth] !== R_PLAIN) closeCounted(depth);
          depth--;
          state = S_AFTER;
          i += n;
          continue;
        }
        if (depth === 0 || roles[depth] !== R_PLAIN) valueStarts(depth, c);
        if (c === 0x22) {
          i = scanString(bytes, i + n, end);
          if (i < 0) return fail();
          state = S_AFTER;
          continue;
        }
        if (c === 0x7b || c === 0x5b) {
          const role = depth === 0 || roles[depth] !== R_PLAIN ? childRole(depth, c === 0x5b) : R_PLAIN;
          depth++;
          if (depth >= kinds.length) grow();
          kinds[depth] = c === 0x5b ? ARRAY : OBJECT;
          roles[depth] = role;
          if (role !== R_PLAIN) openCounted(depth, role);
          state = c === 0x5b ? S_ARRAY_FIRST : S_OBJECT_FIRST;
          i += n;
          continue;
        }
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) i = scanNumber(bytes, i, end);
        else if (c === 0x74) i = scanLiteral(bytes, i, end, 'true');
        else if (c === 0x66) i = scanLiteral(bytes, i, end, 'false');
        else if (c === 0x6e) i = scanLiteral(bytes, i, end, 'null');
        else return fail();
        if (i < 0) return fail();
        state = S_AFTER;
        continue;
      case S_OBJECT_FIRST:
      case S_KEY: {
        if (isJsonSpace(c)) {
          i += n;
          continue;
        }
        if (c === 0x7d && state === S_OBJECT_FIRST) {
          if (roles[depth] !== R_PLAIN) closeCounted(depth);
          depth--;
          state = S_AFTER;
          i += n;
          continue;
        }
        if (c !== 0x22) return fail();
        const keyStart = i;
        i = scanString(bytes, i + n, end);
        if (i < 0) return fail();
        const role = roles[depth];
        if (role === R_TARGET_OBJECT) pendingKeys[depth] = countedKey(bytes, keyStart, i);
        else if (role === R_MEMBER_OBJECT) keySets[depth]!.add(countedKey(bytes, keyStart, i));
        state = S_COLON;
        continue;
      }
      case S_COLON:
        if (c === 0x3a) {
          state = S_VALUE;
          i += n;
          continue;
        }
        if (isJsonSpace(c)) {
          i += n;
          continue;
        }
        return fail();
    }
  }
}

/** Whether the UTF-8 bytes at bytes[i] encode one of the characters String.prototype.trim removes (above ASCII). */
function utf8SpaceLength(bytes: Uint8Array, i: number, end: number): number {
  const b = bytes[i]!;
  if (b === 0xc2) return i + 1 < end && bytes[i + 1] === 0xa0 ? 2 : 0;
  if (i + 2 >= end) return 0;
  const b1 = bytes[i + 1]!;
  const b2 = bytes[i + 2]!;
  if (b === 0xe1) return b1 === 0x9a && b2 === 0x80 ? 3 : 0;
  if (b === 0xe2) {
    if (b1 === 0x80) return (b2 >= 0x80 && b2 <= 0x8a) || b2 === 0xa8 || b2 === 0xa9 || b2 === 0xaf ? 3 : 0;
    return b1 === 0x81 && b2 === 0x9f ? 3 : 0;
  }
  if (b === 0xe3) return b1 === 0x80 && b2 === 0x80 ? 3 : 0;
  if (b === 0xef) return b1 === 0xbb && b2 === 0xbf ? 3 : 0;
  return 0;
}

/** Whether a UTF-16 code unit is one String.prototype.trim removes. */
function isTrimSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** The outcome of counting the lines of a CSV or JSON Lines request held as a line-level JSON string. */
export interface LinesScan {
  status: 'ok' | 'invalid_line';
  end: number;
  /** Non-empty lines (a line of whitespace only, as String.prototype.trim sees it, is empty). */
  count: number;
}

/**
 * Counts the non-empty lines of a CSV or JSON Lines request held as a line-level JSON string whose content starts at
 * bytes[start] (decode-payload.ts's payloadLines: split on "\n", a line is empty when trim() leaves nothing).
 */
export function countRequestLines(bytes: Uint8Array, start: number, end: number): LinesScan {
  let i = start;
  let count = 0;
  let filled = false;
  for (;;) {
    const b = i < end ? bytes[i]! : 0;
    if (b > 0x20 && b < 0x7f && b !== BACKSLASH && b !== QUOTE) {
      filled = true;
      i++;
      continue;
    }
    if (b === 0x20) {
      i++;
      continue;
    }
    if (b >= 0x80) {
      const n = utf8SpaceLength(bytes, i, end);
      if (n > 0) i += n;
      else {
        filled = true;
        i++;
      }
      continue;
    }
    const p = readChar(bytes, i, end);
    if (p === BAD) return { status: 'invalid_line', end: -1, count: 0 };
    const c = p & CHAR_MASK;
    if (c === END) return { status: 'ok', end: i, count: count + (filled ? 1 : 0) };
    i += p >>> LEN_SHIFT;
    if (c === 0x0a) {
      if (filled) count++;
      filled = false;
    } else if (!isTrimSpace(c)) filled = true;
  }
}
