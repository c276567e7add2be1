/**
 * @module Turns one captured request and its response into data-quality rows: every record of the request becomes
 * one row, with the response's prediction columns.
 *
 * Columns, as SageMaker's data-quality analyzer lays out a captured record:
 * - captureIndexNames says which side is read: endpointInput gives the feature columns, endpointOutput the
 *   prediction columns; with only endpointInput there are no prediction columns, with only endpointOutput the
 *   rows are the predictions alone.
 * - Positional values (CSV cells, JSON arrays, scalars) form one row in the order SageMaker uses for CSV:
 *   prediction values first when output_columns_position is START (the default, as the SDK's CSV baselines put
 *   the label first), after the features when END. They are named by position i: the baseline's i-th feature
 *   name, else the i-th name of the column-names setting, else `_c{i}` (Spark's names for a CSV without header).
 * - Named values keep their names: JSON keys flattened with dots ("a.b", "v.0"). A positional prediction next to
 *   named features is named `prediction` (one value) or `prediction.0`, `prediction.1`... (a vector), since
 *   positions mean nothing among named columns.
 * A positional row whose width differs from the known layout (the baseline's or the setting's names) is counted
 * as row_width_mismatch and read all the same: missing trailing columns are missing values, extra ones are new
 * columns. exclude_features_attribute drops columns by name, or by position for positional values.
 */
import { RecordProblem } from '../ingest/input-errors.ts';
import type { PayloadRecord } from './payload-records.ts';

/** Where prediction columns go among positional columns (dataset_format csv output_columns_position). */
export type OutputColumnsPosition = 'START' | 'END';

/** The name of a positional prediction beside named features. */
export const PREDICTION_COLUMN = 'prediction';

/** Where the rows go: a DatasetProfile, or anything with the same two methods. */
export interface RowSink {
  addRow(names: readonly string[], values: ArrayLike<unknown>, length?: number): void;
  /** The same as addRow(names, [...first, ...second]), without the copy (optional: addRow is used without it). */
  addRowParts?(names: readonly string[], first: readonly unknown[], second: readonly unknown[]): void;
  countProblem(reason: string, times?: number): void;
}

export interface CaptureRowOptions {
  /** Which sides are read (dataset_format captureIndexNames). Default both. */
  captureIndexNames?: readonly ('endpointInput' | 'endpointOutput')[];
  /** Default START, SageMaker's default. */
  outputColumnsPosition?: OutputColumnsPosition;
  /** The baseline's feature names, in order: names of positional columns first. */
  baselineNames?: readonly string[];
  /** Names of positional columns from the setting, used where the baseline has none. */
  columnNames?: readonly string[];
  /** Columns left out of the analysis: names, or indices of positional columns (exclude_features_attribute). */
  excludeFeatures?: readonly string[];
}

// The row problem counted in the profile (the run report's data_quality.row_problems): row_width_mismatch, a
// positional record with more or fewer values than the baseline or the column-names setting names.

export class CaptureRowBuilder {
  readonly readInput: boolean;
  readonly readOutput: boolean;
  readonly outputFirst: boolean;
  readonly #known: readonly string[];
  readonly #expectedWidth: number | undefined;
  readonly #excludedNames: Set<string>;
  readonly #excludedIndices: Set<number>;
  /** Names of positional rows, by width. */
  readonly #positional = new Map<number, { names: string[]; keep: number[] | undefined }>();
  readonly #predictionNames = new Map<number, string[]>();
  /** The last mixed layout: the names arrays it was built from and the row's names (reused while they repeat). */
  #lastParts: Array<readonly string[] | number | undefined> = [];
  #lastNames: string[] = [];
  #lastKeep: number[] = [];
  /** True when the last mixed layout keeps every value of both parts (nothing excluded). */
  #lastAll = false;
  #scratch: unknown[] = [];

  constructor(options: CaptureRowOptions = {}) {
    const sides = options.captureIndexNames ?? ['endpointInput', 'endpointOutput'];
    this.readInput = sides.includes('endpointInput');
    this.readOutput = sides.includes('endpointOutput');
    this.outputFirst = (options.outputColumnsPosition ?? 'START') === 'START';
    const baseline = options.baselineNames ?? [];
    const setting = options.columnNames ?? [];
    const known: string[] = [];
    for (let i = 0; i < Math.max(baseline.length, setting.length); i++) known.push(baseline[i] ?? setting[i]!);
    this.#known = known;
    this.#expectedWidth = known.length > 0 ? known.length : undefined;
    this.#excludedNames = new Set();
    this.#excludedIndices = new Set();
    for (const e of options.excludeFeatures ?? []) {
      this.#excludedNames.add(e);
      if (/^\d+$/.test(e)) this.#excludedIndices.add(Number(e));
    }
  }

  /** The name of positional column i. */
  positionalName(i: number): string {
    return this.#known[i] ?? `_c${i}`;
  }

  /**
   * Adds the rows of one captured record: `records` from the request and `items` from the response (already paired
   * one to one, see PayloadDecoder.pair), either side undefined when it is not read. Returns the rows added.
   */
  addRows(records: readonly PayloadRecord[] | undefined, items: readonly PayloadRecord[] | undefined, sink: RowSink): number {
    const inputs = this.readInput ? records : undefined;
    const outputs = this.readOutput ? items : undefined;
    if (inputs !== undefined && outputs !== undefined && inputs.length !== outputs.length) {
      throw new RecordProblem('count_mismatch', `request has ${inputs.length} records, response has ${outputs.length} predictions`);
    }
    const n = inputs?.length ?? outputs?.length ?? 0;
    for (let r = 0; r < n; r++) this.#addRow(inputs?.[r], outputs?.[r], sink);
    return n;
  }

  #addRow(input: PayloadRecord | undefined, output: PayloadRecord | undefined, sink: RowSink): void {
    const inputNamed = input?.names !== undefined;
    const outputNamed = output?.names !== undefined;
    // Entirely positional (CSV, arrays): one positional row of predictions and features in SageMaker's order.
    if (!inputNamed && !outputNamed) {
      const first = this.outputFirst ? output : input;
      const second = this.outputFirst ? input : output;
      const values = first === undefined ? second!.values : second === undefined ? first.values : [...first.values, ...second.values];
      this.#positionalRow(values, sink);
      return;
    }
    const first = this.outputFirst ? output : input;
    const second = this.outputFirst ? input : output;
    // A layout is the two parts' names arrays (shared by the flattener between records of one shape) or widths.
    const a = first === undefined ? undefined : (first.names ?? first.values.length);
    const b = second === undefined ? undefined : (second.names ?? second.values.length);
    const last = this.#lastParts;
    if (last.length !== 2 || last[0] !== a || last[1] !== b) this.#layout([first, second], [a, b]);
    if (this.#lastAll && sink.addRowParts !== undefined) {
      sink.addRowParts(this.#lastNames, first?.values ?? NO_VALUES, second?.values ?? NO_VALUES);
      return;
    }
    const keep = this.#lastKeep;
    // One scratch row, reused: the sink reads it before addRow returns.
    const values = this.#scratch;
    let k = 0;
    if (first !== undefined) k = take(first.values, 0, keep, k, values);
    if (second !== undefined) take(second.values, first?.values.length ?? 0, keep, k, values);
    sink.addRow(this.#lastNames, values, keep.length);
  }

  /** Builds the names of a mixed row layout and which of its values are kept (exclusions dropped). */
  #layout(parts: ReadonlyArray<PayloadRecord | undefined>, layout: Array<readonly string[] | number | undefined>): void {
    const names: string[] = [];
    const keep: number[] = [];
    let offset = 0;
    let position = 0;
    for (const part of parts) {
      if (part === undefined) continue;
      for (let i = 0; i < part.values.length; i++) {
        let name: string;
        if (part.names !== undefined) name = part.names[i]!;
        else if (part === parts[this.outputFirst ? 0 : 1]) name = this.#predictionNamesFor(part.values.length)[i]!;
        else {
          // Positional features beside named predictions: numbered from 0 among themselves.
          name = this.positionalName(position);
          if (this.#excludedIndices.has(position++)) continue;
        }
        if (this.#excludedNames.has(name)) continue;
        names.push(name);
        keep.push(offset + i);
      }
      offset += part.values.length;
    }
    this.#lastParts = layout;
    this.#lastNames = names;
    this.#lastKeep = keep;
    this.#lastAll = keep.length === offset;
    this.#scratch = new Array<unknown>(keep.length);
  }

  #positionalRow(values: readonly unknown[], sink: RowSink): void {
    const width = values.length;
    let layout = this.#positional.get(width);
    if (layout === undefined) {
      // Hostile input could bring many widths: the cache stays small.
      if (this.#positional.size >= 64) this.#positional.clear();
      const all = Array.from({ length: width }, (_, i) => this.positionalName(i));
      const keep = all.map((name, i) => (this.#excludedIndices.has(i) || this.#excludedNames.has(name) ? -1 : i)).filter((i) => i >= 0);
      layout = keep.length === width ? { names: all, keep: undefined } : { names: keep.map((i) => all[i]!), keep };
      this.#positional.set(width, layout);
    }
    if (this.#expectedWidth !== undefined && width !== this.#expectedWidth) sink.countProblem('row_width_mismatch');
    if (layout.keep === undefined) sink.addRow(layout.names, values, width);
    else sink.addRow(layout.names, layout.keep.map((i) => values[i]), layout.keep.length);
  }

  #predictionNamesFor(width: number): string[] {
    let names = this.#predictionNames.get(width);
    if (names === undefined) {
      names = width === 1 ? [PREDICTION_COLUMN] : Array.from({ length: width }, (_, i) => `${PREDICTION_COLUMN}.${i}`);
      this.#predictionNames.set(width, names);
    }
    return names;
  }
}

const NO_VALUES: readonly unknown[] = [];

/** Copies the kept values of one part (kept positions from `offset` on) to out[k...]; returns the next k. */
function take(values: readonly unknown[], offset: number, keep: readonly number[], k: number, out: unknown[]): number {
  const end = offset + values.length;
  let j = k;
  while (j < keep.length && keep[j]! < end) {
    out[j] = values[keep[j]! - offset];
    j++;
  }
  return j;
}
