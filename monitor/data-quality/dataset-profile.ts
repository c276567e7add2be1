/**
 * @module The data-quality profile of a window: one row per record, one FeatureProfile per column, in column order
 * (the baseline's columns first, then the order they were first seen). Rows are (names, values) pairs, so positional
 * records (CSV, arrays) share one names array and skip the name lookups. Bad input is data: a column given twice in
 * one row, values under keys past the feature cap and problems the row builder reports (a record with the wrong
 * number of values) are counted, never thrown. Profiles merge in any split (per file, in path order, gives the same
 * result whatever the worker count) and save as an AccumulatorState.
 */
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';
import { DistinctCounter } from './distinct-counter.ts';
import { FeatureProfile, type FeatureSummary } from './feature-profile.ts';
import { hashText } from './value-hash.ts';

/** Columns profiled at most; values of further columns are counted, not profiled (hostile or sparse keys). */
export const MAX_FEATURES = 1000;
/** Names of unprofiled columns kept as examples for the report. */
const UNPROFILED_SAMPLE = 10;

export const DATASET_KIND = 'dq.profile';
export const DATASET_VERSION = 1;

/** Columns given twice in a row that a profile names (the count of values says how many more there were). */
const MAX_DUPLICATE_NAMES = 10;

export interface DatasetProfileOptions {
  /** Columns profiled first, in this order (the baseline's features), whether or not they appear. */
  columns?: readonly string[];
  /** Default MAX_FEATURES. */
  maxFeatures?: number;
}

/** Columns past the feature cap. */
export interface UnprofiledColumns {
  /** Distinct column names (exact to 1,000, then estimated). */
  columns: number;
  /** Present values under those columns. */
  values: number;
  /** The first few names seen. */
  examples: string[];
}

/** The profile at the end of a window. */
export interface DatasetSummary {
  /** Rows (records). */
  itemCount: number;
  /** Every column that appeared in at least one row, in column order. */
  features: FeatureSummary[];
  /** Values dropped because their row already had a value for the column. */
  duplicateValues: number;
  /** The first MAX_DUPLICATE_NAMES columns given twice in a row, in the order met (the run names them in a warning). */
  duplicateColumns: string[];
  unprofiled: UnprofiledColumns;
  /** Row problems by reason (from the row builder), e.g. row_width_mismatch. */
  problems: Record<string, number>;
  maxFeatures: number;
}

export class DatasetProfile {
  readonly maxFeatures: number;
  #features = new Map<string, FeatureProfile>();
  #itemCount = 0;
  #duplicateValues = 0;
  #duplicateColumns: string[] = [];
  #unprofiledValues = 0;
  #unprofiledNames = new DistinctCounter();
  #unprofiledExamples: string[] = [];
  #problems = new Map<string, number>();
  #lastNames: readonly string[] | undefined;
  #lastSlots: Array<FeatureProfile | undefined> = [];
  /** True when no column repeats in the last layout: its rows need no duplicate check. */
  #lastUnique = false;

  constructor(options: DatasetProfileOptions = {}) {
    this.maxFeatures = options.maxFeatures ?? MAX_FEATURES;
    if (!Number.isInteger(this.maxFeatures) || this.maxFeatures < 1) throw new RangeError(`data quality: maxFeatures ${this.maxFeatures} is not a whole number >= 1`);
    for (const name of options.columns ?? []) this.#slot(name);
  }

  /** Rows added. */
  get itemCount(): number {
    return this.#itemCount;
  }

  /** Column names in order (including preset columns not seen yet). */
  get columns(): string[] {
    return [...this.#features.keys()];
  }

  /**
   * Adds one row: values[i] is the value of column names[i], for i < length. A missing value is null or undefined;
   * a column absent from the row is simply not named. Pass the same names array for rows of the same layout.
   */
  addRow(names: readonly string[], values: ArrayLike<unknown>, length = Math.min(names.length, values.length)): void {
    const row = ++this.#itemCount;
    const slots = this.#slotsFor(names, length);
    if (this.#lastUnique) this.#addValues(slots, 0, values, length);
    else this.#addChecked(slots, 0, values, length, row);
  }

  /**
   * Adds one row whose values are first's then second's (names covers both, in that order): addRow without copying
   * the two parts into one array.
   */
  addRowParts(names: readonly string[], first: readonly unknown[], second: readonly unknown[]): void {
    const row = ++this.#itemCount;
    const slots = this.#slotsFor(names, first.length + second.length);
    if (this.#lastUnique) {
      this.#addValues(slots, 0, first, first.length);
      this.#addValues(slots, first.length, second, second.length);
    } else {
      this.#addChecked(slots, 0, first, first.length, row);
      this.#addChecked(slots, first.length, second, second.length, row);
    }
  }

  /** The profiles of a layout's columns (cached for the last layout), and whether no column repeats in it. */
  #slotsFor(names: readonly string[], length: number): Array<FeatureProfile | undefined> {
    let slots = this.#lastSlots;
    if (names !== this.#lastNames || slots.length < length) {
      slots = new Array<FeatureProfile | undefined>(names.length);
      const seen = new Set<FeatureProfile>();
      for (let i = 0; i < names.length; i++) {
        const slot = this.#slot(names[i]!);
        slots[i] = slot;
        if (slot !== undefined) seen.add(slot);
      }
      this.#lastNames = names;
      this.#lastSlots = slots;
      this.#lastUnique = seen.size === slots.filter((s) => s !== undefined).length;
    }
    return slots;
  }

  /** values[0..length) to slots from `offset`, in a layout whose columns are all distinct (no duplicate check). */
  #addValues(slots: ReadonlyArray<FeatureProfile | undefined>, offset: number, values: ArrayLike<unknown>, length: number): void {
    for (let i = 0; i < length; i++) {
      const slot = slots[offset + i];
      if (slot !== undefined) slot.add(values[i]);
      else if (values[i] !== null && values[i] !== undefined) this.#unprofiledValues++;
    }
  }

  /** values[0..length) to slots from `offset`; a column given twice in row `row` keeps its first value. */
  #addChecked(slots: ReadonlyArray<FeatureProfile | undefined>, offset: number, values: ArrayLike<unknown>, length: number, row: number): void {
    for (let i = 0; i < length; i++) {
      const slot = slots[offset + i];
      const value = values[i];
      if (slot === undefined) {
        if (value !== null && value !== undefined) this.#unprofiledValues++;
        continue;
      }
      if (slot.lastRow === row) {
        this.#duplicateValues++;
        this.#duplicateColumn(slot.name);
        continue;
      }
      slot.lastRow = row;
      slot.add(value);
    }
  }

  /**
   * Notes a column given twice in one row (a request key named as a response field, "a.b" beside {"a": {"b": ...}},
   * a CSV header naming a column twice): the first value is kept, and the run names the columns in a warning.
   */
  #duplicateColumn(name: string): void {
    if (this.#duplicateColumns.length < MAX_DUPLICATE_NAMES && !this.#duplicateColumns.includes(name)) this.#duplicateColumns.push(name);
  }

  /** Counts a problem of the current row's construction (row_width_mismatch, ...). */
  countProblem(reason: string, times = 1): void {
    this.#problems.set(reason, (this.#problems.get(reason) ?? 0) + times);
  }

  /** The profile of column `name`, if it is profiled. */
  feature(name: string): FeatureProfile | undefined {
    return this.#features.get(name);
  }

  /** Folds in the profile of later rows (another file, worker or host). */
  merge(other: DatasetProfile): void {
    this.#itemCount += other.#itemCount;
    this.#duplicateValues += other.#duplicateValues;
    for (const name of other.#duplicateColumns) this.#duplicateColumn(name);
    this.#unprofiledValues += other.#unprofiledValues;
    this.#unprofiledNames.merge(other.#unprofiledNames);
    for (const name of other.#unprofiledExamples) this.#example(name);
    for (const [reason, n] of other.#problems) this.countProblem(reason, n);
    for (const [name, theirs] of other.#features) {
      const mine = this.#features.get(name);
      if (mine !== undefined) mine.merge(theirs);
      else if (this.#features.size < this.maxFeatures) this.#features.set(name, FeatureProfile.load(theirs.save()));
      else if (theirs.occurrences > 0) {
        this.#unprofiledValues += theirs.present;
        this.#unprofiledNames.add(hashText(name));
        this.#example(name);
      }
    }
    this.#lastNames = undefined;
  }

  /**
   * Gives the buffers of a profile that is dropped (a file's, once merged into the run's) back for reuse by the next
   * file's: the profile must not be used after.
   */
  release(): void {
    for (const f of this.#features.values()) f.release();
    this.#features.clear();
    this.#lastNames = undefined;
  }

  /** The summary at the end of the window. */
  summary(): DatasetSummary {
    const features: FeatureSummary[] = [];
    const parents = this.#nullParents();
    for (const f of this.#features.values()) if (f.occurrences > 0 && !parents.has(f.name)) features.push(f.summary());
    return {
      itemCount: this.#itemCount,
      features,
      duplicateValues: this.#duplicateValues,
      duplicateColumns: [...this.#duplicateColumns],
      unprofiled: { columns: this.#unprofiledNames.count(), values: this.#unprofiledValues, examples: [...this.#unprofiledExamples] },
      problems: Object.fromEntries([...this.#problems].sort(([a], [b]) => (a < b ? -1 : 1))),
      maxFeatures: this.maxFeatures,
    };
  }

  /**
   * Columns that only ever held null and are the parent of nested columns ("addr" beside "addr.zip"): a record with
   * "addr": null has no address, which "addr.zip" already counts as missing, as Spark reads a null struct. Such a
   * column used to appear as an Unknown feature, an extra column against a baseline without it and a missing one
   * against a baseline with it. A column that is null everywhere and has no nested columns stays (Spark keeps it).
   */
  #nullParents(): Set<string> {
    const parents = new Set<string>();
    const empty = [...this.#features.values()].filter((f) => f.occurrences > 0 && f.present === 0);
    if (empty.length === 0) return parents;
    const names = [...this.#features.keys()];
    for (const f of empty) {
      const prefix = `${f.name}.`;
      if (names.some((n) => n.startsWith(prefix))) parents.add(f.name);
    }
    return parents;
  }

  save(): AccumulatorState {
    const parts: Record<string, AccumulatorState> = { unprofiledNames: this.#unprofiledNames.save() };
    [...this.#features.values()].forEach((f, i) => (parts[`f${i}`] = f.save()));
    return {
      kind: DATASET_KIND,
      version: DATASET_VERSION,
      meta: {
        maxFeatures: this.maxFeatures,
        features: this.#features.size,
        itemCount: this.#itemCount,
        duplicateValues: this.#duplicateValues,
        duplicateColumns: [...this.#duplicateColumns],
        unprofiledValues: this.#unprofiledValues,
        unprofiledExamples: [...this.#unprofiledExamples],
        problems: [...this.#problems].map(([reason, n]) => [reason, n]),
      },
      arrays: {},
      parts,
    };
  }

  static load(state: AccumulatorState): DatasetProfile {
    expectState(state, DATASET_KIND, DATASET_VERSION);
    const meta = state.meta as Record<string, unknown> | null;
    const count = (key: string): number => {
      const v = meta?.[key];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InputError(`state: data-quality profile has an invalid ${key}`);
      return v;
    };
    const profile = new DatasetProfile({ maxFeatures: count('maxFeatures') });
    profile.#itemCount = count('itemCount');
    profile.#duplicateValues = count('duplicateValues');
    profile.#unprofiledValues = count('unprofiledValues');
    const examples = meta?.unprofiledExamples;
    const problems = meta?.problems;
    if (!Array.isArray(examples) || !examples.every((e) => typeof e === 'string')) throw new InputError('state: data-quality profile has invalid unprofiled examples');
    if (!Array.isArray(problems) || !problems.every((p) => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'number')) throw new InputError('state: data-quality profile has invalid problems');
    profile.#unprofiledExamples = examples as string[];
    // Kept since session 26: an older state names none.
    const duplicates = meta?.duplicateColumns ?? [];
    if (!Array.isArray(duplicates) || duplicates.length > MAX_DUPLICATE_NAMES || !duplicates.every((e) => typeof e === 'string')) throw new InputError('state: data-quality profile has invalid duplicate columns');
    profile.#duplicateColumns = duplicates as string[];
    for (const [reason, n] of problems as Array<[string, number]>) profile.#problems.set(reason, n);
    const parts = state.parts ?? {};
    if (!parts.unprofiledNames) throw new InputError('state: data-quality profile lacks its unprofiled names');
    profile.#unprofiledNames = DistinctCounter.load(parts.unprofiledNames);
    const features = count('features');
    for (let i = 0; i < features; i++) {
      const part = parts[`f${i}`];
      if (!part) throw new InputError(`state: data-quality profile lacks feature ${i}`);
      const f = FeatureProfile.load(part);
      profile.#features.set(f.name, f);
    }
    return profile;
  }

  /** The slot of a column, created while under the cap; undefined past it (and the name is counted). */
  #slot(name: string): FeatureProfile | undefined {
    const existing = this.#features.get(name);
    if (existing !== undefined) return existing;
    if (this.#features.size < this.maxFeatures) {
      const slot = new FeatureProfile(name);
      this.#features.set(name, slot);
      return slot;
    }
    this.#unprofiledNames.add(hashText(name));
    this.#example(name);
    return undefined;
  }

  #example(name: string): void {
    if (this.#unprofiledExamples.length < UNPROFILED_SAMPLE && !this.#unprofiledExamples.includes(name)) this.#unprofiledExamples.push(name);
  }
}
