/**
 * @module The stored value of each label token met before, by its bytes and kind, so that a label spelled as an
 * earlier one is encoded without building its string (a handful of distinct labels over millions of rows). Only
 * values that were stored once go in (kinds: label-row-scan.ts's TokenKind): the first row with a token goes the general way (its checks, its errors).
 */
/** Tokens of at most this many bytes are keyed by one number; longer ones are compared byte for byte. */
const PACKED_BYTES = 5;
/** Long tokens kept (beyond, a new long token goes the general way every time). */
const MAX_LONG = 64;
const TWO_40 = 2 ** 40;

interface LongToken {
  kind: number;
  bytes: Buffer;
  value: number;
}

export class LabelTokenCache {
  readonly #packed = new Map<number, number>();
  readonly #long: LongToken[] = [];

  /** The value stored for the token line[start, end) of `kind`, or undefined when it was not met. */
  get(kind: number, line: Uint8Array, start: number, end: number): number | undefined {
    const length = end - start;
    if (length <= PACKED_BYTES) return this.#packed.get(packedKey(kind, line, start, end));
    for (const token of this.#long) {
      if (token.kind !== kind || token.bytes.length !== length) continue;
      let j = 0;
      while (j < length && token.bytes[j] === line[start + j]) j++;
      if (j === length) return token.value;
    }
    return undefined;
  }

  /** Remembers the value stored for a token. */
  set(kind: number, line: Uint8Array, start: number, end: number, value: number): void {
    if (end - start <= PACKED_BYTES) this.#packed.set(packedKey(kind, line, start, end), value);
    else if (this.#long.length < MAX_LONG) this.#long.push({ kind, bytes: Buffer.from(line.subarray(start, end)), value });
  }
}

/** kind, length and up to PACKED_BYTES bytes as one integer below 2^46. */
function packedKey(kind: number, line: Uint8Array, start: number, end: number): number {
  let bytes = 0;
  for (let j = start; j < end; j++) bytes = bytes * 256 + line[j]!;
  return (kind * 8 + (end - start)) * TWO_40 + bytes;
}
