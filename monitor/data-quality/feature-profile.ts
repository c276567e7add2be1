/**
 * @module One feature's data-quality profile, built in one pass and merged across files, workers and hosts: Deequ's
 * type counts, the numeric statistics SageMaker writes (exact sum, mean, population std_dev, min, max, KLL sketch)
 * and the string statistics (distinct count, categorical buckets). Deequ decides the type first and computes the
 * rest in later passes; a single pass cannot know the type until the end, so numeric values feed both the numeric
 * accumulators and a small exact value table, and text values feed the category table; the summary picks what the
 * final type needs.
 *
 * Memory per feature is bounded whatever the number of records: the KLL sketch (about 6,000 numbers), two exact sums
 * (32 KB each once used), the numeric value table (exact up to CATEGORY_CAP values; past it a frequent-items summary of
 * at most 2 × CATEGORY_CAP entries beside a HyperLogLog of the distinct values),
 * the category table (CATEGORY_CAP keys of at most 257 characters) and a distinct counter (exact set or 4 KB).
 */
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState, stateArray, stateCountArray } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';
import { ExactSum, meanOf, populationStdDev } from '../metrics/exact-sum.ts';
import { CATEGORY_CAP, CategoryTable, type CategoryCount } from './category-table.ts';
import { DistinctCounter } from './distinct-counter.ts';
import { giveFloats, takeFloats } from './float-pool.ts';
import { FrequentNumbers } from './frequent-numbers.ts';
import { HyperLogLog } from './hyperloglog.ts';
import { KllSketch } from './kll-sketch.ts';
import { hashNumber, hashText } from './value-hash.ts';
import { KIND, determineType, fileType, parsedNumber, parsedRespelled, textKindAndNumber, textNumber, type DeequType, type InferredType, type TypeCounts } from './value-type.ts';

export const FEATURE_KIND = 'dq.feature';
/**
 * Numeric values are buffered and reach the sums, the sketch and the value table this many at a time: tight loops
 * over a Float64Array instead of a dozen calls per value. Every accumulator sees the values in their order, so the
 * profile is the one value-by-value updates give.
 */
const NUMBER_BATCH = 1024;
/** Widest range of whole numbers #tallyNumbers counts in its tally. */
const TALLY_MAX = 4096;
const tally = new Uint32Array(TALLY_MAX);
/** Whole numbers below this in magnitude have squares below 2^42: 2^11 of them sum exactly as doubles. */
const SMALL_SQUARE = 2 ** 21;
export const FEATURE_VERSION = 1;

/** The numeric statistics of a feature whose type is Integral or Fractional. */
export interface NumericSummary {
  count: number;
  sum: number;
  mean: number;
  /** Population standard deviation, as Deequ's StandardDeviation (sqrt(Σ(x − mean)² / n)). */
  stdDev: number;
  min: number;
  max: number;
  sketch: KllSketch;
}

/** The categories of a feature's values (text; numbers by their shortest text). */
export interface CategoricalSummary {
  /** By count descending, then value. */
  buckets: CategoryCount[];
  /** True when some counts are lower bounds (more than CATEGORY_CAP distinct values were seen). */
  approximate: boolean;
}

/** What a feature's profile says at the end of a window. */
export interface FeatureSummary {
  name: string;
  /** Deequ's type, Boolean included. */
  deequType: DeequType;
  /** The type statistics.json writes. */
  inferredType: InferredType;
  /** Values present (not missing). */
  present: number;
  /** Rows where the feature's column appeared at all (with a value or null). */
  occurrences: number;
  counts: TypeCounts;
  /** Distinct present values: exact up to 1,000 per kind, then HyperLogLog estimates. */
  distinct: number;
  distinctExact: boolean;
  /** Set for Integral and Fractional features. */
  numeric?: NumericSummary;
  /** Set whenever a value is present (for numeric features too: their values as text). */
  categorical?: CategoricalSummary;
}

export class FeatureProfile {
  readonly name: string;
  occurrences = 0;
  /** The dataset profile's row counter when this feature last got a value (duplicate detection; not saved). */
  lastRow = 0;
  readonly #counts: TypeCounts = { fractional: 0, integral: 0, boolean: 0, string: 0, integralText: 0 };
  #sum: ExactSum | undefined;
  #squares: ExactSum | undefined;
  #min = Infinity;
  #max = -Infinity;
  #sketch: KllSketch | undefined;
  /** Numeric values not yet passed on (#flush). */
  #batch: Float64Array | undefined;
  #batchLength = 0;
  /**
   * Of the buffered values, those from numeric text (typed by their text, counted when added) and how many of them
   * are whole: the other buffered values are JSON numbers, typed by #flush (Integral when whole, as numberKind says).
   */
  #batchFromText = 0;
  #batchFromTextWhole = 0;
  /**
   * Counts of numeric values: exact up to CATEGORY_CAP values, then a frequent-items summary (frequent-numbers.ts).
   * It used to be dropped for the HyperLogLog alone past the cap: a String feature's numeric values then vanished
   * from its categories past 1,000 distinct numbers, and with them the drift of its most frequent values.
   */
  #numbers = new FrequentNumbers();
  /** The distinct numeric values, once the table has passed CATEGORY_CAP (its counts are lower bounds then). */
  #numberSketch: HyperLogLog | undefined;
  /**
   * Numeric text spelled otherwise than its number's String ("05", "5.0"; value-type.ts parsedRespelled), by
   * spelling: the categories give those values back their text (Deequ counts a string column's raw text).
   */
  #spellings: CategoryTable | undefined;
  /** Text and boolean values. */
  #text: CategoryTable | undefined;
  #textDistinct: DistinctCounter | undefined;

  constructor(name: string) {
    this.name = name;
  }

  /** Values by Deequ's type (the buffered numbers counted first). */
  get counts(): TypeCounts {
    this.#flush();
    return this.#counts;
  }

  /** Values present. */
  get present(): number {
    const c = this.counts;
    return c.fractional + c.integral + c.boolean + c.string;
  }

  /**
   * Adds one value of a row: null or undefined is missing; a number, a boolean or text is typed as Deequ types it
   * (value-type.ts); a BigInt (Parquet int64) by its digits. Anything else (an object or array that was not
   * flattened) counts as text, its JSON.
   */
  add(value: unknown): void {
    this.occurrences++;
    switch (typeof value) {
      case 'number': {
        // Finite numbers are typed (Integral when whole: numberKind's rule) in #flush, a batch at a time.
        if (Number.isFinite(value)) this.#pushNumber(value);
        else this.#addText(String(value));
        return;
      }
      case 'string':
        this.#addString(value);
        return;
      case 'bigint':
        // Parquet int64: typed by its digits, as Spark's long column would be.
        this.#addString(String(value));
        return;
      case 'boolean':
        this.#addBoolean(value ? 'true' : 'false');
        return;
      case 'undefined':
        return;
      default:
        if (value === null) return;
        this.#addText(JSON.stringify(value) ?? String(value));
    }
  }

  #startNumbers(): void {
    this.#sum = new ExactSum();
    this.#squares = new ExactSum();
    this.#sketch = new KllSketch();
    this.#batch = takeFloats(NUMBER_BATCH);
  }

  #startText(): void {
    this.#text = new CategoryTable();
    this.#textDistinct = new DistinctCounter();
  }

  #addString(value: string): void {
    const kind = textKindAndNumber(value);
    if (kind === KIND.integral || kind === KIND.fractional) {
      const x = parsedNumber;
      if (Number.isFinite(x)) {
        this.#addNumberText(x, kind);
        if (parsedRespelled) (this.#spellings ??= new CategoryTable()).add(value);
      } else this.#addText(value);
    } else if (kind === KIND.boolean) this.#addBoolean(value as 'true' | 'false');
    else this.#addText(value);
  }

  /** A number read from text: typed by its text now ("3.0" is Fractional), its value buffered. */
  #addNumberText(x: number, kind: number): void {
    if (kind === KIND.integral) {
      this.#counts.integral++;
      this.#counts.integralText++;
    } else this.#counts.fractional++;
    this.#batchFromText++;
    if (Number.isInteger(x)) this.#batchFromTextWhole++;
    this.#pushNumber(x);
  }

  #pushNumber(x: number): void {
    if (this.#batch === undefined) this.#startNumbers();
    this.#batch![this.#batchLength++] = x;
    if (this.#batchLength === NUMBER_BATCH) this.#flush();
  }

  /** Passes the buffered numeric values on, in order; called before anything reads or merges the profile. */
  #flush(): void {
    const n = this.#batchLength;
    if (n === 0) return;
    this.#batchLength = 0;
    const xs = this.#batch!;
    // One pass for the bounds and, while every value is a whole number of 32 bits, the plain sums (exact then).
    let lo = xs[0]!;
    let hi = lo;
    let whole = true;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      if (x < lo) lo = x;
      else if (x > hi) hi = x;
      if ((x | 0) !== x) whole = false;
      sum += x;
      squares += x * x;
    }
    if (lo < this.#min) this.#min = lo;
    if (hi > this.#max) this.#max = hi;
    this.#countTypes(xs, n, whole);
    if (whole) {
      // n <= 2^11 whole numbers below 2^31: the sum is below 2^42, exact; below 2^21, squares sum below 2^53, exact.
      this.#sum!.addWhole(sum);
      if (lo > -SMALL_SQUARE && hi < SMALL_SQUARE) this.#squares!.addWhole(squares);
      else this.#squares!.addSquares(xs, n);
    } else {
      this.#sum!.addMany(xs, n);
      this.#squares!.addSquares(xs, n);
    }
    this.#sketch!.updateMany(xs, n, whole ? { low: lo, high: hi } : undefined);
    if (whole && hi - lo <= 1) {
      // One or two values (flags): the count of the larger is Σ(x − lo), exact (whole numbers, n <= 2^11).
      const high = sum - n * lo;
      this.#countValue(lo, n - high);
      if (hi !== lo) this.#countValue(hi, high);
    } else if (whole && hi - lo < TALLY_MAX) this.#tallyNumbers(xs, n, lo, hi);
    else this.#countNumbers(xs, n);
  }

  /** Types the batch's JSON numbers (those not from text): Integral when whole, else Fractional (numberKind). */
  #countTypes(xs: Float64Array, n: number, whole: boolean): void {
    let integers = n;
    if (!whole) {
      integers = 0;
      for (let i = 0; i < n; i++) if (Math.floor(xs[i]!) === xs[i]!) integers++;
    }
    const direct = n - this.#batchFromText;
    const directIntegers = integers - this.#batchFromTextWhole;
    this.#batchFromText = 0;
    this.#batchFromTextWhole = 0;
    this.#counts.integral += directIntegers;
    this.#counts.fractional += direct - directIntegers;
  }

  /** Adds `count` occurrences of x to the value table (and past the cap to the HyperLogLog). */
  #countValue(x: number, count: number): void {
    if (count === 0) return;
    if (this.#numberSketch !== undefined) {
      this.#numberSketch.add(hashNumber(x + 0));
      this.#numbers.add(x, count);
    } else {
      this.#numbers.add(x, count);
      if (this.#numbers.approximate) this.#startNumberSketch();
    }
  }

  /**
   * Starts the HyperLogLog when the table first passes CATEGORY_CAP, from the values it holds then: exactly the
   * distinct values seen so far (the first reduction comes at twice the cap).
   */
  #startNumberSketch(): void {
    const sketch = new HyperLogLog();
    for (const [x] of this.#numbers.entries()) sketch.add(hashNumber(x));
    this.#numberSketch = sketch;
  }

  /**
   * The value table's update for a batch of whole numbers over [lo, hi], a narrow range (flags, codes: most tabular
   * columns): counted in a shared tally first, then one table update per distinct value (in value order: past the
   * cap, a reduction may fall between other values than value by value would, within the same error bound).
   */
  #tallyNumbers(xs: Float64Array, n: number, lo: number, hi: number): void {
    const range = hi - lo + 1;
    for (let i = 0; i < n; i++) tally[xs[i]! - lo]!++;
    for (let v = 0; v < range; v++) {
      const c = tally[v]!;
      if (c === 0) continue;
      tally[v] = 0;
      this.#countValue(lo + v, c);
    }
  }

  /** Counts each value in the table (and past the cap in the HyperLogLog). */
  #countNumbers(xs: Float64Array, n: number): void {
    const numbers = this.#numbers;
    let i = 0;
    // While exact: only the table (the HyperLogLog starts from its values when the table passes the cap).
    while (i < n && this.#numberSketch === undefined) {
      numbers.add(xs[i++]!, 1);
      if (numbers.approximate) this.#startNumberSketch();
    }
    if (i === n) return;
    this.#numberSketch!.addNumbers(xs, i, n);
    while (i < n) numbers.add(xs[i++]!, 1);
  }

  #addBoolean(text: 'true' | 'false'): void {
    this.#counts.boolean++;
    this.#textValue(text);
  }

  #addText(text: string): void {
    this.#counts.string++;
    this.#textValue(text);
  }

  #textValue(text: string): void {
    if (this.#text === undefined) this.#startText();
    this.#text!.add(text);
    this.#textDistinct!.add(hashText(text));
  }

  /**
   * Gives the profile's buffers back for reuse (float-pool.ts) when it is dropped (a file's, once merged): the
   * profile must not be used after.
   */
  release(): void {
    if (this.#batch !== undefined) giveFloats(this.#batch);
    this.#sketch?.release();
    this.#batch = undefined;
    this.#batchLength = 0;
    this.#batchFromText = 0;
    this.#batchFromTextWhole = 0;
    this.#sketch = undefined;
    this.#sum = undefined;
    this.#squares = undefined;
  }

  /** Folds in the profile of the same feature over other rows. */
  merge(other: FeatureProfile): void {
    this.#flush();
    other.#flush();
    this.occurrences += other.occurrences;
    this.#counts.fractional += other.#counts.fractional;
    this.#counts.integral += other.#counts.integral;
    this.#counts.boolean += other.#counts.boolean;
    this.#counts.string += other.#counts.string;
    this.#counts.integralText += other.#counts.integralText;
    if (other.#sum !== undefined) {
      if (this.#sum === undefined) this.#startNumbers();
      this.#sum!.merge(other.#sum);
      this.#squares!.merge(other.#squares!);
      this.#sketch!.merge(other.#sketch!);
      this.#min = Math.min(this.#min, other.#min);
      this.#max = Math.max(this.#max, other.#max);
    }
    // Counts add (Misra-Gries summaries merge so: Agarwal et al., "Mergeable summaries"); the distinct values of an
    // exact side reach the other's HyperLogLog by their keys.
    if (this.#numberSketch !== undefined && other.#numberSketch === undefined) for (const [x] of other.#numbers.entries()) this.#numberSketch.add(hashNumber(x));
    else if (other.#numberSketch !== undefined) {
      if (this.#numberSketch === undefined) this.#startNumberSketch();
      this.#numberSketch!.merge(other.#numberSketch);
    }
    const sketched = this.#numberSketch !== undefined;
    // Both exact: the merged table passing the cap starts the HyperLogLog from its values, which are then every
    // distinct value of both (no reduction before twice the cap, and two exact tables hold at most that).
    this.#numbers.merge(other.#numbers);
    if (!sketched && this.#numbers.approximate) this.#startNumberSketch();
    if (other.#spellings !== undefined) (this.#spellings ??= new CategoryTable()).merge(other.#spellings);
    if (other.#text !== undefined) {
      if (this.#text === undefined) this.#startText();
      this.#text!.merge(other.#text);
      this.#textDistinct!.merge(other.#textDistinct!);
    }
  }

  /** The distinct present values (numbers by value, text by characters; the two kinds never coincide). */
  distinct(): { count: number; exact: boolean } {
    this.#flush();
    const textExact = this.#textDistinct?.exact ?? true;
    if (this.#numberSketch === undefined) return { count: this.#numbers.size + (this.#textDistinct?.count() ?? 0), exact: textExact };
    return { count: Math.round(this.#numberSketch.estimate()) + (this.#textDistinct?.count() ?? 0), exact: false };
  }

  /** The summary at the end of a window. */
  summary(): FeatureSummary {
    this.#flush();
    const deequType = determineType(this.counts);
    const inferredType = fileType(deequType);
    const { count: distinct, exact: distinctExact } = this.distinct();
    const out: FeatureSummary = { name: this.name, deequType, inferredType, present: this.present, occurrences: this.occurrences, counts: { ...this.counts }, distinct, distinctExact };
    if ((deequType === 'Integral' || deequType === 'Fractional') && this.#sum !== undefined) {
      const n = this.counts.integral + this.counts.fractional;
      const sum = this.#sum.value();
      out.numeric = { count: n, sum, mean: meanOf(n, this.#sum), stdDev: populationStdDev(n, this.#sum, this.#squares!), min: this.#min, max: this.#max, sketch: this.#sketch! };
    }
    if (this.present > 0) {
      // Categories of every value, whatever the type: statistics.json writes them for String features, and the
      // categorical checks compare them with a String baseline even when the current values look numeric.
      const merged = new Map<string, number>();
      for (const { value, count } of this.#text?.entries() ?? []) merged.set(value, count);
      for (const [x, c] of this.#numbers.entries()) merged.set(String(x), (merged.get(String(x)) ?? 0) + c);
      const before = merged.size;
      this.#respell(merged);
      // A String feature's distinct values are its raw texts ("05" and "5" are two), as Deequ counts a string column.
      if (deequType === 'String' || deequType === 'Boolean') out.distinct += merged.size - before;
      const buckets = [...merged].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      const numbersApproximate = this.#numberSketch !== undefined;
      const approximate = (this.#text?.approximate ?? false) || (this.#spellings?.approximate ?? false) || numbersApproximate || buckets.length > CATEGORY_CAP;
      out.categorical = { buckets: buckets.slice(0, CATEGORY_CAP), approximate };
    }
    return out;
  }

  /**
   * Gives numeric text spelled otherwise than its number ("05", "5.0") its own category, moving its count from its
   * number's ("5"). Needs the exact value table (past CATEGORY_CAP numbers the categories are approximate anyway).
   */
  #respell(merged: Map<string, number>): void {
    if (this.#spellings === undefined || this.#numberSketch !== undefined) return;
    for (const { value, count } of this.#spellings.entries()) {
      const number = String(textNumber(value) + 0); // a cut spelling ("…") reads as NaN and is not moved
      const have = merged.get(number) ?? 0;
      const moved = Math.min(count, have);
      if (moved === 0) continue;
      if (moved === have) merged.delete(number);
      else merged.set(number, have - moved);
      merged.set(value, (merged.get(value) ?? 0) + moved);
    }
  }

  save(): AccumulatorState {
    this.#flush();
    const parts: Record<string, AccumulatorState> = {};
    if (this.#sum !== undefined) {
      parts.sum = this.#sum.save();
      parts.squares = this.#squares!.save();
      parts.sketch = this.#sketch!.save();
    }
    if (this.#numberSketch !== undefined) parts.numberSketch = this.#numberSketch.save();
    if (this.#text !== undefined) {
      parts.text = this.#text.save();
      parts.textDistinct = this.#textDistinct!.save();
    }
    if (this.#spellings !== undefined) parts.spellings = this.#spellings.save();
    const numbers = [...this.#numbers.entries()].sort(([a], [b]) => a - b);
    const arrays: AccumulatorState['arrays'] = { counts: Float64Array.of(this.occurrences, this.counts.fractional, this.counts.integral, this.counts.boolean, this.counts.string, this.counts.integralText) };
    arrays.numberValues = Float64Array.from(numbers, ([x]) => x);
    arrays.numberCounts = Float64Array.from(numbers, ([, c]) => c);
    return {
      kind: FEATURE_KIND,
      version: FEATURE_VERSION,
      meta: { name: this.name, min: this.#sum === undefined ? null : this.#min, max: this.#sum === undefined ? null : this.#max },
      arrays,
      parts,
    };
  }

  static load(state: AccumulatorState): FeatureProfile {
    expectState(state, FEATURE_KIND, FEATURE_VERSION);
    const meta = state.meta as { name?: unknown; min?: unknown; max?: unknown } | null;
    if (typeof meta?.name !== 'string') throw new InputError('state: a feature profile has no name');
    const profile = new FeatureProfile(meta.name);
    const counts = stateCountArray(state, 'counts');
    // Five counts before the whole-text count was kept (session 18): such a state reads as having none.
    if (counts.length !== 5 && counts.length !== 6) throw new InputError('state: a feature profile has no type counts');
    profile.occurrences = counts[0]!;
    profile.counts.fractional = counts[1]!;
    profile.counts.integral = counts[2]!;
    profile.counts.boolean = counts[3]!;
    profile.counts.string = counts[4]!;
    profile.counts.integralText = counts[5] ?? 0;
    const parts = state.parts ?? {};
    if (parts.sum && parts.squares && parts.sketch) {
      if (typeof meta.min !== 'number' || typeof meta.max !== 'number' || !(meta.min <= meta.max) || !Number.isFinite(meta.min) || !Number.isFinite(meta.max)) {
        throw new InputError('state: a numeric feature profile lacks a finite min and max (min <= max)');
      }
      profile.#sum = ExactSum.load(parts.sum);
      profile.#squares = ExactSum.load(parts.squares);
      profile.#sketch = KllSketch.load(parts.sketch);
      profile.#min = meta.min;
      profile.#max = meta.max;
    }
    if (parts.numberSketch) {
      profile.#numberSketch = HyperLogLog.load(parts.numberSketch);
      profile.#numbers.markApproximate();
    }
    // A state written before the summary was kept past the cap has the HyperLogLog alone: its table reads as empty.
    if (parts.numberSketch === undefined || state.arrays.numberValues !== undefined) {
      const values = stateArray(state, 'numberValues', Float64Array);
      const numberCounts = stateCountArray(state, 'numberCounts');
      const cap = parts.numberSketch === undefined ? CATEGORY_CAP : 2 * CATEGORY_CAP;
      if (values.length !== numberCounts.length || values.length > cap || !values.every(Number.isFinite)) throw new InputError('state: a feature profile has a bad numeric value table');
      values.forEach((x, i) => {
        if (numberCounts[i]! > 0) profile.#numbers.add(x, numberCounts[i]!);
      });
    }
    if (parts.text && parts.textDistinct) {
      profile.#text = CategoryTable.load(parts.text);
      profile.#textDistinct = DistinctCounter.load(parts.textDistinct);
    }
    if (parts.spellings) profile.#spellings = CategoryTable.load(parts.spellings);
    return profile;
  }
}
