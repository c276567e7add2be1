/**
 * @module A feature's categorical value counts with bounded memory: exact while the feature has at most
 * CATEGORY_CAP distinct values, then the Misra-Gries frequent-items summary (J. Misra, D. Gries, "Finding repeated
 * elements", 1982), mergeable as in Agarwal et al., "Mergeable summaries" (PODS 2012). Above the cap every kept
 * count is an undercount by at most `errorBound()` = (values − Σ kept counts) / (CATEGORY_CAP + 1), any value more
 * frequent than that bound is kept, and the table says it is approximate. Values longer than CATEGORY_MAX_LENGTH
 * characters count under their first CATEGORY_MAX_LENGTH characters followed by "…", so a table holds at most
 * CATEGORY_CAP × 257 characters. Keys live in a Map and are saved as an array: a category named "__proto__" is data.
 */
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState, isCount, stateCountArray } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';

/** Categories counted exactly (Deequ's Histogram.MaximumAllowedDetailBins, the most buckets it reports). */
export const CATEGORY_CAP = 1000;
/** Characters of a category kept. */
export const CATEGORY_MAX_LENGTH = 256;

export const CATEGORY_KIND = 'dq.categories';
export const CATEGORY_VERSION = 1;

/** One category and its count. */
export interface CategoryCount {
  value: string;
  count: number;
}

/** The stored form of a value: long values are cut (never inside a surrogate pair) and marked with "…". */
export function categoryKey(value: string): string {
  if (value.length <= CATEGORY_MAX_LENGTH) return value;
  let end = CATEGORY_MAX_LENGTH;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${value.slice(0, end)}…`;
}

export class CategoryTable {
  #counts = new Map<string, number>();
  /** Values added (every one, kept or not). */
  #total = 0;
  #approximate = false;

  /** Counts one value. */
  add(value: string): void {
    this.#total++;
    const key = categoryKey(value);
    const counts = this.#counts;
    const count = counts.get(key);
    if (count !== undefined) counts.set(key, count + 1);
    else if (counts.size < CATEGORY_CAP) counts.set(key, 1);
    else {
      // Misra-Gries: a new value with every counter in use decrements all (itself included).
      this.#approximate = true;
      for (const [k, c] of counts) {
        if (c === 1) counts.delete(k);
        else counts.set(k, c - 1);
      }
    }
  }

  /** Values added. */
  get total(): number {
    return this.#total;
  }

  /** False while every count is exact (never more than CATEGORY_CAP distinct values). */
  get approximate(): boolean {
    return this.#approximate;
  }

  /** The most any kept count is below the true count; 0 while exact. */
  errorBound(): number {
    let kept = 0;
    for (const c of this.#counts.values()) kept += c;
    return (this.#total - kept) / (CATEGORY_CAP + 1);
  }

  /** Categories by count, descending, then by value (Deequ's Histogram order: count desc, value asc). */
  entries(): CategoryCount[] {
    return [...this.#counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }

  /** Folds in another table: counts add; past the cap, the (cap+1)-th largest count is taken from all. */
  merge(other: CategoryTable): void {
    this.#total += other.#total;
    this.#approximate ||= other.#approximate;
    for (const [k, c] of other.#counts) this.#counts.set(k, (this.#counts.get(k) ?? 0) + c);
    if (this.#counts.size <= CATEGORY_CAP) return;
    this.#approximate = true;
    const cut = [...this.#counts.values()].sort((a, b) => b - a)[CATEGORY_CAP]!;
    for (const [k, c] of this.#counts) {
      if (c <= cut) this.#counts.delete(k);
      else this.#counts.set(k, c - cut);
    }
  }

  save(): AccumulatorState {
    const entries = [...this.#counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      kind: CATEGORY_KIND,
      version: CATEGORY_VERSION,
      meta: { total: this.#total, approximate: this.#approximate, values: entries.map(([k]) => k) },
      arrays: { counts: Float64Array.from(entries, ([, c]) => c) },
    };
  }

  static load(state: AccumulatorState): CategoryTable {
    expectState(state, CATEGORY_KIND, CATEGORY_VERSION);
    const meta = state.meta as { total?: unknown; approximate?: unknown; values?: unknown } | null;
    const counts = stateCountArray(state, 'counts');
    const values = meta?.values;
    if (!Array.isArray(values) || values.length !== counts.length || values.length > CATEGORY_CAP || !values.every((v) => typeof v === 'string')) {
      throw new InputError('state: category table values and counts do not agree');
    }
    const total = meta!.total;
    if (!isCount(total) || total < counts.reduce((a, b) => a + b, 0) || typeof meta!.approximate !== 'boolean') throw new InputError('state: category table lacks its total (a count at least the sum of its counts)');
    const table = new CategoryTable();
    values.forEach((v, i) => table.#counts.set(v as string, counts[i]!));
    table.#total = total;
    table.#approximate = meta!.approximate;
    return table;
  }
}
