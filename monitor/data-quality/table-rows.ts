/**
 * @module Rows of a tabular dataset (a validation set for suggest-baseline, or a batch-transform dataset) into a
 * data-quality profile, from the trunk's tabular row layer (ingest/table-rows.ts: CSV with or without a header,
 * JSON Lines or a JSON array, Parquet). A CSV with a header names its columns; without one, positions are named as
 * in captured records (the baseline's or the setting's names, else `_c{i}`), and a row of another width is counted
 * as row_width_mismatch when a layout is known. Empty CSV cells are missing (Spark's reading); CSV text is typed by
 * Deequ's patterns like any text. JSON and Parquet rows are records: objects are flattened with dotted names,
 * arrays are positional; Parquet int64 values (BigInt) are typed by their digits.
 */
import type { Row } from '../ingest/table-rows.ts';
import type { CaptureRowBuilder } from './capture-rows.ts';
import type { DatasetProfile } from './dataset-profile.ts';
import { RecordFlattener } from './flatten-record.ts';

/** What a row gave: added, or the reason it could not be read (for the caller's input-error tally). */
export type TableRowOutcome = { status: 'ok' } | { status: 'problem'; problem: 'invalid_json' | 'unreadable' | 'too_long'; detail: string };

export class TableRowProfiler {
  readonly #flattener = new RecordFlattener();
  readonly #positional = new Map<number, string[]>();

  constructor(
    readonly profile: DatasetProfile,
    /** Names positional columns (and knows the expected width): the run's CaptureRowBuilder. */
    readonly rows: CaptureRowBuilder,
    /** The width of the known positional layout (the baseline's or the setting's names), for row_width_mismatch. */
    readonly expectedWidth?: number,
  ) {}

  /** Adds one row; `columns` is the file's header or schema, when it has one. */
  add(row: Row, columns?: readonly string[]): TableRowOutcome {
    if ('problem' in row) return { status: 'problem', problem: row.problem, detail: row.detail };
    const value = row.value;
    if (Array.isArray(value)) {
      const cells = value.map((v) => (v === '' ? null : v));
      if (columns !== undefined) {
        // A header names the cells; extra cells past the header are new positional columns.
        const names = cells.length <= columns.length ? columns : [...columns, ...this.#names(cells.length).slice(columns.length)];
        if (cells.length !== columns.length) this.profile.countProblem('row_width_mismatch');
        this.profile.addRow(names, cells, cells.length);
        return { status: 'ok' };
      }
      if (this.expectedWidth !== undefined && cells.length !== this.expectedWidth) this.profile.countProblem('row_width_mismatch');
      this.profile.addRow(this.#names(cells.length), cells, cells.length);
      return { status: 'ok' };
    }
    if (value !== null && typeof value === 'object') {
      const flat = this.#flattener.flatten(value);
      this.profile.addRow(flat.names, flat.values, flat.names.length);
      return { status: 'ok' };
    }
    this.profile.addRow(this.#names(1), [value], 1);
    return { status: 'ok' };
  }

  #names(width: number): string[] {
    let names = this.#positional.get(width);
    if (names === undefined) {
      if (this.#positional.size >= 64) this.#positional.clear();
      names = Array.from({ length: width }, (_, i) => this.rows.positionalName(i));
      this.#positional.set(width, names);
    }
    return names;
  }
}
