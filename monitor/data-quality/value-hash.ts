/**
 * @module 53-bit hashes of feature values for distinct counting: text by its UTF-16 code units, numbers by their
 * IEEE bits (so 3 and 3.0 are one value, and -0 is +0). Two 32-bit multiply-xor lanes, each finished with
 * MurmurHash3's fmix32, give `hi` (21 bits) and `lo` (32 bits); the HyperLogLog takes its register index from the
 * top of `hi` and its run of zeros from `lo`, so the two are independent bits. Not cryptographic: a value that
 * collides with another (about 1 in 2^53 per pair) is counted once.
 */
import { fmix32 } from '../metrics/subsample.ts';

/** The hash as one exact JavaScript number: hi · 2^32 + lo. */
export type ValueHash = number;

const TWO_32 = 4294967296;
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

function combine(a: number, b: number): ValueHash {
  const hi = fmix32(a ^ Math.imul(b, 0x27d4eb2f));
  const lo = fmix32(b ^ Math.imul(hi, 0x165667b1));
  return (hi >>> 11) * TWO_32 + lo;
}

/** The hash of a text value. */
export function hashText(s: string): ValueHash {
  let a = 0x9e3779b9 ^ s.length;
  let b = 0x7f4a7c15;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0xcc9e2d51);
    a = (a << 15) | (a >>> 17);
    b = Math.imul(b ^ c, 0x1b873593);
    b = (b << 13) | (b >>> 19);
  }
  return combine(fmix32(a), fmix32(b ^ 0x5bd1e995));
}

/** The hash of a number (finite in practice; -0 hashes as +0). */
export function hashNumber(x: number): ValueHash {
  bits[0] = x + 0;
  // A different start from hashText keeps the number 1 and the text "1" apart.
  return combine(fmix32(words[0]! ^ 0x3c6ef372), fmix32(words[1]! ^ 0xa54ff53a));
}

/** Where splitHashNumber writes: [hashHigh, hashLow] of the number's hash (a typed array, so nothing is boxed). */
export const numberHashParts = new Uint32Array(2);

/**
 * hashNumber(x) in its two parts, without building the 53-bit number: numberHashParts[0] = its top 21 bits
 * (hashHigh), numberHashParts[1] = its low 32 bits (hashLow). For hot loops (a HyperLogLog fed every value of a column).
 */
export function splitHashNumber(x: number): void {
  bits[0] = x + 0;
  const a = fmix32(words[0]! ^ 0x3c6ef372);
  const b = fmix32(words[1]! ^ 0xa54ff53a);
  // combine(a, b), kept in parts.
  const hi = fmix32(a ^ Math.imul(b, 0x27d4eb2f));
  numberHashParts[0] = hi >>> 11;
  numberHashParts[1] = fmix32(b ^ Math.imul(hi, 0x165667b1));
}

/** The top 21 bits of a hash. */
export function hashHigh(h: ValueHash): number {
  return Math.floor(h / TWO_32);
}

/** The low 32 bits of a hash. */
export function hashLow(h: ValueHash): number {
  return h % TWO_32;
}
