/**
 * @module Exact, order-independent sums of many cells of probabilities (values in [0, 1]): the expected confusion
 * matrix of CBPE. Any split of the records, added and merged in any order, gives the same bits, as ExactSum does
 * (and the tests check both agree to the bit); but an ExactSum holds 32 KB of columns once used, so a K x K matrix of
 * them would take 320 MB at K = 100. Here a cell costs 32 bytes per exponent band it has seen (nearly always one).
 *
 * How: a value x in [2^-64, 1] times 2^116 is an integer below 2^117 (its last bit is worth at least 2^-116); it is
 * split exactly into three limbs of at most 39 bits, which are added as doubles (exact for 2^13 additions), then
 * folded into the cell's BigInt. Smaller values are first scaled by 2^64 until they reach [2^-64, 1) (band b means
 * scaled b times): 17 bands reach the smallest subnormal. The value is the exact total rounded once (roundScaled).
 */
import { roundScaled } from '../metrics/exact-sum.ts';
import { expectState, type AccumulatorState } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';

export const UNIT_INTERVAL_SUMS_KIND = 'estimation.unit-interval-sums';
export const UNIT_INTERVAL_SUMS_VERSION = 1;

/** Bits of fraction a band keeps: every double in [2^-64, 1] is a whole number of 2^-116. */
const FRACTION_BITS = 116;
const BAND_BITS = 64;
const BANDS = 17;
/** Limb additions per cell between folds: 2^39 (largest limb) * 2^13 = 2^52, still exact in a double. */
const FOLD_EVERY = 8192;
const TWO_39 = 2 ** 39;
const TWO_38 = 2 ** 38;
const TWO_64 = 2 ** 64;
const BAND_FLOOR = 2 ** -64;
/** All bands are brought to 2^-(64 * 16 + 116) for the value and the saved state. */
const COMMON_SHIFT = BAND_BITS * (BANDS - 1) + FRACTION_BITS;

interface Band {
  /** Per cell: limbs of weight 2^77, 2^38 and 1 (in units of the band's 2^-116). */
  limbs: Float64Array;
  pending: Uint16Array;
  /** Per cell: the folded total, in units of the band's 2^-116. */
  totals: bigint[];
}

/** `cells` independent exact sums of values in [0, 1]. */
export class UnitIntervalSums {
  readonly cells: number;
  readonly #bands: (Band | undefined)[] = new Array<Band | undefined>(BANDS).fill(undefined);

  constructor(cells: number) {
    if (!Number.isSafeInteger(cells) || cells < 0) throw new RangeError(`unit-interval-sums: invalid cell count ${cells}`);
    this.cells = cells;
  }

  /** Adds `x` (0 <= x <= 1) to cell `cell`. Throws a RangeError for anything else (NaN included). */
  add(cell: number, x: number): void {
    if (!(x >= 0 && x <= 1)) throw new RangeError(`unit-interval-sums: ${x} is outside [0, 1]`);
    if (x === 0) return;
    let band = 0;
    let y = x;
    while (y < BAND_FLOOR) {
      y *= TWO_64;
      band++;
    }
    const b = this.#bands[band] ?? this.#allocate(band);
    const a = y * TWO_39;
    const high = Math.floor(a);
    const r = (a - high) * TWO_39;
    const middle = Math.floor(r);
    const low = (r - middle) * TWO_38;
    const at = cell * 3;
    const limbs = b.limbs;
    limbs[at]! += high;
    limbs[at + 1]! += middle;
    limbs[at + 2]! += low;
    if (++b.pending[cell]! === FOLD_EVERY) fold(b, cell);
  }

  /** Folds in `other` (same cell count), which is left unchanged. */
  merge(other: UnitIntervalSums): void {
    if (other.cells !== this.cells) throw new RangeError(`unit-interval-sums: cannot merge ${other.cells} cells into ${this.cells}`);
    for (let band = 0; band < BANDS; band++) {
      const theirs = other.#bands[band];
      if (theirs === undefined) continue;
      const mine = this.#bands[band] ?? this.#allocate(band);
      for (let cell = 0; cell < this.cells; cell++) mine.totals[cell]! += totalOf(theirs, cell);
    }
  }

  /** The exact sum of cell `cell`, rounded once to the nearest double. */
  value(cell: number): number {
    return roundScaled(this.#scaled(cell), -COMMON_SHIFT);
  }

  /** Every cell's value, in cell order. */
  values(): Float64Array {
    const out = new Float64Array(this.cells);
    for (let cell = 0; cell < this.cells; cell++) out[cell] = this.value(cell);
    return out;
  }

  /** The exact sum of a cell times 2^COMMON_SHIFT. */
  #scaled(cell: number): bigint {
    let total = 0n;
    for (let band = 0; band < BANDS; band++) {
      const b = this.#bands[band];
      if (b !== undefined) total += totalOf(b, cell) << BigInt(BAND_BITS * (BANDS - 1 - band));
    }
    return total;
  }

  /** One hexadecimal exact total per cell (scaled by 2^COMMON_SHIFT, "0" for an empty cell). */
  save(): AccumulatorState {
    const totals: string[] = new Array<string>(this.cells);
    for (let cell = 0; cell < this.cells; cell++) totals[cell] = this.#scaled(cell).toString(16);
    return { kind: UNIT_INTERVAL_SUMS_KIND, version: UNIT_INTERVAL_SUMS_VERSION, meta: { cells: this.cells, totals }, arrays: {} };
  }

  static load(state: AccumulatorState): UnitIntervalSums {
    expectState(state, UNIT_INTERVAL_SUMS_KIND, UNIT_INTERVAL_SUMS_VERSION);
    const meta = state.meta as { cells?: unknown; totals?: unknown } | null;
    const cells = meta?.cells;
    const totals = meta?.totals;
    if (typeof cells !== 'number' || !Number.isSafeInteger(cells) || cells < 0 || !Array.isArray(totals) || totals.length !== cells) {
      throw new InputError('state: unit-interval-sums state needs "cells" and one total per cell');
    }
    const sums = new UnitIntervalSums(cells);
    // Everything is kept in the last band's units: exact, and merges and values treat all bands alike.
    const band = sums.#allocate(BANDS - 1);
    for (let cell = 0; cell < cells; cell++) {
      const hex = totals[cell] as unknown;
      if (typeof hex !== 'string' || !/^[0-9a-f]+$/.test(hex)) throw new InputError(`state: unit-interval-sums total ${cell} is not a hexadecimal count`);
      band.totals[cell] = BigInt(`0x${hex}`);
    }
    return sums;
  }

  #allocate(band: number): Band {
    const b: Band = { limbs: new Float64Array(this.cells * 3), pending: new Uint16Array(this.cells), totals: new Array<bigint>(this.cells).fill(0n) };
    this.#bands[band] = b;
    return b;
  }
}

/** Moves a cell's limbs into its BigInt total. */
function fold(b: Band, cell: number): void {
  if (b.pending[cell] === 0) return;
  const at = cell * 3;
  const limbs = b.limbs;
  b.totals[cell]! += (BigInt(limbs[at]!) << 77n) + (BigInt(limbs[at + 1]!) << 38n) + BigInt(limbs[at + 2]!);
  limbs[at] = 0;
  limbs[at + 1] = 0;
  limbs[at + 2] = 0;
  b.pending[cell] = 0;
}

/** A cell's exact total in its band (folded total plus pending limbs), without changing the band. */
function totalOf(b: Band, cell: number): bigint {
  const at = cell * 3;
  const limbs = b.limbs;
  return b.totals[cell]! + (BigInt(limbs[at]!) << 77n) + (BigInt(limbs[at + 1]!) << 38n) + BigInt(limbs[at + 2]!);
}
