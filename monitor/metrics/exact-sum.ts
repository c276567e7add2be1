/**
 * @module An exact, order-independent sum of doubles: any split of the terms, added and merged in any order, gives
 * the same bits. The sums behind regression metrics and data-quality statistics use it, so that worker threads,
 * several hosts and roll-ups agree with one pass to the last bit.
 *
 * How: a double is `m · 2^(e − 1075)` with an integer mantissa `m < 2^53`. Terms are split by biased exponent `e`
 * into two integer columns (the mantissa's top 21 bits and its low 32 bits), added as plain doubles, which stays exact
 * for 2^20 terms; then the columns are folded into one BigInt scaled by 2^-SCALE. The hot path is a few integer
 * operations and two array additions per term (the "large superaccumulator" of R. M. Neal, "Fast exact summation
 * using small and large superaccumulators", 2015, arXiv:1505.05571, with BigInt as the small one). The value is the
 * exact sum rounded once to the nearest double (ties to even).
 */
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState, stateCount } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';

/** The BigInt total holds the sum times 2^SCALE: enough for the low half of a product of two subnormals. */
export const SCALE = 2200;
/** Terms added between folds: |low column| stays below 2^32 · 2^20 = 2^52, exact in a double. */
const FOLD_EVERY = 1 << 20;
const TWO_32 = 4294967296;
/** Dekker's splitter 2^27 + 1. */
const SPLITTER = 134217729;
/** Squares of numbers inside this range are split exactly by Dekker's algorithm (no overflow, no underflow). */
const SQUARE_SAFE_MAX = 2 ** 500;
const SQUARE_SAFE_MIN = 2 ** -450;
/** Terms summed as plain doubles before one exact add (addMany, addSquares). */
const SMALL_RUN = 2048;
/** Whole numbers below this in magnitude have squares below 2^42. */
const SMALL_SQUARE = 2 ** 21;
/** Whole numbers below this magnitude are exact doubles. */
const MAX_WHOLE = 2 ** 53;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Index of the high word of a double in `words` (little-endian hosts: 1). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

export const EXACT_SUM_KIND = 'exact-sum';
export const EXACT_SUM_VERSION = 1;

export class ExactSum {
  /** Per biased exponent: Σ ± (top 21 mantissa bits) and Σ ± (low 32 bits); allocated on the first finite term. */
  #high: Float64Array | undefined;
  #low: Float64Array | undefined;
  #minExponent = 2048;
  #maxExponent = -1;
  #pending = 0;
  /** Whole numbers added by addMany and addSquares, kept exact as a double while its magnitude stays <= 2^53. */
  #whole = 0;
  #total = 0n;
  #nan = 0;
  #positiveInfinity = 0;
  #negativeInfinity = 0;

  /** Adds one term exactly. NaN and infinities are counted apart: the value is then NaN or the infinity. */
  add(x: number): void {
    if (x === 0) return;
    bits[0] = x;
    const hi = words[HIGH]!;
    const lo = words[LOW]!;
    let exponent = (hi >>> 20) & 0x7ff;
    if (exponent === 0x7ff) return this.#addSpecial(x);
    let top = hi & 0xfffff;
    if (exponent === 0) exponent = 1;
    else top |= 0x100000;
    if (this.#high === undefined) this.#allocate();
    if (hi >>> 31) {
      this.#high![exponent]! -= top;
      this.#low![exponent]! -= lo;
    } else {
      this.#high![exponent]! += top;
      this.#low![exponent]! += lo;
    }
    if (exponent < this.#minExponent) this.#minExponent = exponent;
    if (exponent > this.#maxExponent) this.#maxExponent = exponent;
    if (++this.#pending === FOLD_EVERY) this.#fold();
  }

  /** Adds x² exactly (the product is not rounded). */
  addSquare(x: number): void {
    const a = Math.abs(x);
    if (a === 0) return;
    if (!Number.isFinite(a)) return this.add(a * a);
    if (a < SQUARE_SAFE_MAX && a > SQUARE_SAFE_MIN) {
      // Dekker's two-product: x·x = p + e exactly.
      const p = a * a;
      const t = SPLITTER * a;
      const high = t - (t - a);
      const low = a - high;
      const e = high * high - p + 2 * high * low + low * low;
      this.add(p);
      this.add(e);
      return;
    }
    // Far out of range: the square of the integer mantissa, exactly, as a BigInt.
    const { mantissa, exponent } = decompose(a);
    this.#addScaled(mantissa * mantissa, 2 * exponent);
  }

  /**
   * Adds xs[0..n) exactly: the same value as n calls of add(). Runs of up to 2^11 whole numbers of 32 bits are summed
   * as plain doubles first (their sum stays below 2^43, so it is exact) and added as one term.
   */
  addMany(xs: Float64Array, n: number): void {
    for (let start = 0; start < n; start += SMALL_RUN) {
      const end = Math.min(n, start + SMALL_RUN);
      let s = 0;
      let i = start;
      for (; i < end; i++) {
        const x = xs[i]!;
        if ((x | 0) !== x) break;
        s += x;
      }
      this.addWhole(s);
      for (; i < end; i++) this.add(xs[i]!);
    }
  }

  /**
   * Adds the squares of xs[0..n) exactly: the same value as n calls of addSquare(). Whole numbers below 2^21 in
   * magnitude have squares below 2^42, so up to 2^11 of them sum exactly as plain doubles.
   */
  addSquares(xs: Float64Array, n: number): void {
    for (let start = 0; start < n; start += SMALL_RUN) {
      const end = Math.min(n, start + SMALL_RUN);
      let s = 0;
      let i = start;
      for (; i < end; i++) {
        const x = xs[i]!;
        if ((x | 0) !== x || x >= SMALL_SQUARE || x <= -SMALL_SQUARE) break;
        s += x * x;
      }
      this.addWhole(s);
      for (; i < end; i++) this.addSquare(xs[i]!);
    }
  }

  /** Folds in another sum. */
  merge(other: ExactSum): void {
    other.#fold();
    this.#fold();
    this.#total += other.#total;
    this.#nan += other.#nan;
    this.#positiveInfinity += other.#positiveInfinity;
    this.#negativeInfinity += other.#negativeInfinity;
  }

  /** The exact sum rounded to the nearest double. */
  value(): number {
    if (this.#nan > 0 || (this.#positiveInfinity > 0 && this.#negativeInfinity > 0)) return NaN;
    if (this.#positiveInfinity > 0) return Infinity;
    if (this.#negativeInfinity > 0) return -Infinity;
    this.#fold();
    return roundScaled(this.#total, -SCALE);
  }

  /** The exact sum times 2^SCALE, for exact arithmetic on sums (see centralMoment); undefined when not finite. */
  scaled(): bigint | undefined {
    if (this.#nan + this.#positiveInfinity + this.#negativeInfinity > 0) return undefined;
    this.#fold();
    return this.#total;
  }

  save(): AccumulatorState {
    this.#fold();
    return {
      kind: EXACT_SUM_KIND,
      version: EXACT_SUM_VERSION,
      meta: { scaled: this.#total.toString(16), nan: this.#nan, positive_infinity: this.#positiveInfinity, negative_infinity: this.#negativeInfinity },
      arrays: {},
    };
  }

  static load(state: AccumulatorState): ExactSum {
    expectState(state, EXACT_SUM_KIND, EXACT_SUM_VERSION);
    const meta = state.meta as { scaled?: unknown; nan?: unknown; positive_infinity?: unknown; negative_infinity?: unknown } | null;
    const scaled = meta?.scaled;
    if (typeof scaled !== 'string' || !/^-?[0-9a-f]+$/.test(scaled)) throw new InputError('state: exact-sum state has no valid "scaled" value');
    const sum = new ExactSum();
    sum.#total = scaled.startsWith('-') ? -BigInt(`0x${scaled.slice(1)}`) : BigInt(`0x${scaled}`);
    sum.#nan = stateCount(meta!.nan);
    sum.#positiveInfinity = stateCount(meta!.positive_infinity);
    sum.#negativeInfinity = stateCount(meta!.negative_infinity);
    return sum;
  }

  /**
   * Adds s exactly, as add(s) does; cheaper for a whole number of magnitude at most 2^53 (the plain-double total of a
   * run of small whole numbers): it goes to #whole while the result stays below 2^53 in magnitude, which is exact,
   * since a rounded sum below 2^53 was below it before rounding, so representable. A sum of whole numbers then never
   * allocates its columns.
   */
  addWhole(s: number): void {
    const t = this.#whole + s;
    if (Number.isInteger(s) && t < MAX_WHOLE && t > -MAX_WHOLE) this.#whole = t;
    else this.add(s);
  }

  #allocate(): void {
    this.#high = new Float64Array(2048);
    this.#low = new Float64Array(2048);
  }

  #addSpecial(x: number): void {
    if (Number.isNaN(x)) this.#nan++;
    else if (x > 0) this.#positiveInfinity++;
    else this.#negativeInfinity++;
  }

  /** Adds an exact integer times 2^exponent. */
  #addScaled(integer: bigint, exponent: number): void {
    const shift = exponent + SCALE;
    if (shift < 0) throw new RangeError(`exact-sum: term below 2^-${SCALE}`);
    this.#total += integer << BigInt(shift);
  }

  /** Moves the columns into the BigInt total. */
  #fold(): void {
    if (this.#whole !== 0) {
      this.#total += BigInt(this.#whole) << BigInt(SCALE);
      this.#whole = 0;
    }
    if (this.#pending === 0 || this.#high === undefined) return;
    const high = this.#high;
    const low = this.#low!;
    for (let e = this.#minExponent; e <= this.#maxExponent; e++) {
      const h = high[e]!;
      const l = low[e]!;
      if (h === 0 && l === 0) continue;
      // Column e stands for (h · 2^32 + l) · 2^(e − 1075).
      this.#addScaled(BigInt(h) * BigInt(TWO_32) + BigInt(l), e - 1075);
      high[e] = 0;
      low[e] = 0;
    }
    this.#minExponent = 2048;
    this.#maxExponent = -1;
    this.#pending = 0;
  }
}

/** A finite nonzero double as integer mantissa · 2^exponent. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  bits[0] = x;
  const hi = words[HIGH]!;
  const lo = words[LOW]!;
  let exponent = (hi >>> 20) & 0x7ff;
  let top = hi & 0xfffff;
  if (exponent === 0) exponent = 1;
  else top |= 0x100000;
  return { mantissa: BigInt(top) * BigInt(TWO_32) + BigInt(lo), exponent: exponent - 1075 };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** x · 2^n without intermediate overflow or underflow when the result is representable. */
function scaleByPowerOfTwo(x: number, n: number): number {
  let result = x;
  let rest = n;
  for (; rest > 1000; rest -= 1000) result *= 2 ** 1000;
  for (; rest < -1000; rest += 1000) result *= 2 ** -1000;
  return result * 2 ** rest;
}

/**
 * `integer · 2^exponent` rounded once to the nearest double (ties to even), including subnormal results and
 * overflow to ±Infinity.
 */
export function roundScaled(integer: bigint, exponent: number): number {
  if (integer === 0n) return 0;
  const negative = integer < 0n;
  let magnitude = negative ? -integer : integer;
  let scale = exponent;
  // Keep 64 bits at most, with a sticky bit for what is cut, so Number() rounds once and correctly. A subnormal
  // result has fewer significant bits: cut at 2^-1074 instead (the result's own last place) in that case.
  const length = bitLength(magnitude);
  const topExponent = scale + length - 1;
  const keep = topExponent < -1022 ? Math.max(1, topExponent + 1074 + 1 + 2) : 64;
  const cut = length - keep;
  if (cut > 0) {
    const dropped = magnitude & ((1n << BigInt(cut)) - 1n);
    magnitude >>= BigInt(cut);
    // The sticky bit sits two places below the last kept bit of the result, so it breaks ties without moving them.
    magnitude = (magnitude << 2n) | (dropped !== 0n ? 1n : 0n);
    scale += cut - 2;
  }
  const value = scaleByPowerOfTwo(Number(magnitude), scale);
  return negative ? -value : value;
}

/**
 * The sum of squared deviations from the mean, Σ(x − x̄)² = Σx² − (Σx)²/n, computed exactly from exact sums of x and
 * x² and rounded once. NaN when n is 0 or a sum is not finite.
 */
export function centralMoment(count: number, sum: ExactSum, sumOfSquares: ExactSum): number {
  const numerator = momentNumerator(count, sum, sumOfSquares);
  return numerator === undefined ? NaN : roundQuotient(numerator, BigInt(count), -2 * SCALE);
}

/** n·M2 in units of 2^-2S, exactly: Σx = s·2^-S, Σx² = q·2^-S give n·M2 = (n·q·2^S − s²)·2^-2S; undefined when not finite. */
function momentNumerator(count: number, sum: ExactSum, sumOfSquares: ExactSum): bigint | undefined {
  const s = sum.scaled();
  const q = sumOfSquares.scaled();
  if (count <= 0 || s === undefined || q === undefined) return undefined;
  return BigInt(count) * q * (1n << BigInt(SCALE)) - s * s;
}

/**
 * The mean Σx / n of `count` terms as a double computes it from the rounded sum (the bits every report has had),
 * unless that sum passes Number.MAX_VALUE while the mean fits: then the exact sum divided, rounded once.
 */
export function meanOf(count: number, sum: ExactSum): number {
  const plain = sum.value() / count;
  const s = sum.scaled();
  if (Number.isFinite(plain) || s === undefined || count <= 0) return plain;
  return roundQuotient(s, BigInt(count), -SCALE);
}

/**
 * The population standard deviation sqrt(M2 / n) as a double computes it from M2 (the bits every report has had),
 * unless M2 passes Number.MAX_VALUE while the deviation fits (terms past about 1e154): then from the exact sums.
 * sqrt(M2 / n) = sqrt(n·M2) / n, and momentNumerator is n·M2 in units of 2^-2S: its integer square root · 2^-S / n.
 */
export function populationStdDev(count: number, sum: ExactSum, sumOfSquares: ExactSum): number {
  const m2 = centralMoment(count, sum, sumOfSquares);
  const plain = Math.sqrt(m2 / count);
  if (Number.isFinite(plain) || Number.isNaN(plain)) return plain;
  const n = BigInt(count);
  const numerator = momentNumerator(count, sum, sumOfSquares)!;
  // At least 70 bits of root (the numerator is scaled by 2^2S, so this is a safeguard); an even shift halves exactly.
  let extra = Math.max(0, 140 - bitLength(numerator));
  extra += extra & 1;
  const shifted = numerator << BigInt(extra);
  const root = integerSquareRoot(shifted);
  // An inexact root lies strictly between root and root + 1: root + 1/2 stands in for it (a sticky bit).
  if (root * root === shifted) return roundQuotient(root, n, -SCALE - extra / 2);
  return roundQuotient((root << 1n) | 1n, n, -SCALE - extra / 2 - 1);
}

/** floor(sqrt(n)) for n >= 0 (Newton's iteration from above). */
function integerSquareRoot(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** (numerator / denominator) · 2^exponent, rounded once; denominator > 0. */
export function roundQuotient(numerator: bigint, denominator: bigint, exponent: number): number {
  if (numerator === 0n) return 0;
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  // Enough quotient bits (>= 66) that a sticky bit for the remainder decides the rounding correctly.
  const extra = Math.max(0, 66 - (bitLength(magnitude) - bitLength(denominator)));
  const shifted = magnitude << BigInt(extra);
  const quotient = shifted / denominator;
  const exact = quotient * denominator === shifted;
  const value = exact ? roundScaled(quotient, exponent - extra) : roundScaled((quotient << 1n) | 1n, exponent - extra - 1);
  return negative ? -value : value;
}
