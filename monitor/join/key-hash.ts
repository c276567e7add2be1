/**
 * @module 64-bit hash of a join key (inferenceId, payload_index), as two 32-bit halves.
 *
 * The label store keeps only these hashes, not the id strings, so the join state stays at a few bytes per label.
 * Two different keys collide with probability about n²/2⁶⁵ (below 3·10⁻⁶ for 10 million labels).
 */

export interface KeyHash {
  lo: number;
  hi: number;
}

/** Hashes (id, index) into `out` (reused to avoid an allocation per record). */
export function hashKey(id: string, index: number, out: KeyHash): KeyHash {
  // Two FNV-1a style lanes with different offsets and multipliers, then a murmur3 finaliser on each.
  let a = 0x811c9dc5 ^ index;
  let b = 0x9e3779b9 ^ Math.imul(index, 0x85ebca6b);
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= id.length;
  b ^= Math.imul(id.length, 0x27d4eb2d);
  out.lo = fmix32(a ^ Math.imul(b, 0x9e3779b1)) >>> 0;
  out.hi = fmix32(b ^ 0x7f4a7c15 ^ index) >>> 0;
  return out;
}

/**
 * hashKey of the ASCII id held in bytes[start, end) (each byte is the id's UTF-16 code unit), without building the
 * string: the ground-truth reader hashes its ids straight from the line (label-row-scan.ts). Not for non-ASCII bytes.
 */
export function hashKeyAscii(bytes: Uint8Array, start: number, end: number, index: number, out: KeyHash): KeyHash {
  let a = 0x811c9dc5 ^ index;
  let b = 0x9e3779b9 ^ Math.imul(index, 0x85ebca6b);
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  const length = end - start;
  a ^= length;
  b ^= Math.imul(length, 0x27d4eb2d);
  out.lo = fmix32(a ^ Math.imul(b, 0x9e3779b1)) >>> 0;
  out.hi = fmix32(b ^ 0x7f4a7c15 ^ index) >>> 0;
  return out;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
