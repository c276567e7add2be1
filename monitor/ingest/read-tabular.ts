/**
 * @module Reads tabular datasets (dataset_format csv, json / JSON Lines, parquet): one record per row, with a
 * prediction column, optionally a probability column, a label column (ground_truth_attribute) and an inference-id
 * column (batch transform's SageMakerInferenceId) to join ground truth. Used by suggest-baseline and by monitoring
 * runs over batch-transform output.
 */
import type { DatasetFormat } from '../config/dataset-format.ts';
import { ConfigError, showValue } from '../errors.ts';
import type { Storage, StorageFile } from '../storage/storage.ts';
import { toPrediction, type Prediction, type ResponseOptions } from './explode-response.ts';
import { type InputErrorTally, RecordProblem } from './input-errors.ts';
import { compilePath, getPath, asColumnIndex, type CompiledPath } from './json-path.ts';
import { bytesLost, cellOf, fieldOf, ID_COLUMN_FALLBACKS, openRows, pickColumn, type RowFile, type RowLayout } from './table-rows.ts';
import { UnreadableInput } from './open-input.ts';
import { DEFAULT_READ_LIMITS, type ReadLimits } from './read-limits.ts';
import { noteUnreadable, type UnreadableFiles } from './unreadable-files.ts';
import { walkFiles } from './walk.ts';
import { dealListed, type CaptureDeal } from '../state/input-distribution.ts';

export interface TabularColumns {
  /** inference_attribute: the predicted label or value (name, JSONPath or column index). */
  prediction?: string;
  /** probability_attribute. */
  probability?: string;
  /** ground_truth_attribute: the label, when the dataset carries it. */
  label?: string;
  /** The inference id column, to join ground truth (default SageMakerInferenceId when present). */
  id?: string;
}

export interface TabularRow {
  id?: string;
  prediction: Prediction;
  label?: unknown;
}

export interface TabularSummary {
  location: string;
  files: number;
  rows: number;
  /** Bytes the files were listed with. */
  bytes: number;
  /** Files not read to their end and the bytes lost (absent when none: issue 14). */
  unreadable_files?: UnreadableFiles;
}

type TabularFormat = Extract<DatasetFormat, { kind: 'csv' | 'json' | 'parquet' }>;

const PREDICTION_FALLBACKS = ['prediction', 'predicted_label', 'label_predicted', 'predictions', 'y_pred', 'output'];
const PROBABILITY_FALLBACKS = ['probability', 'score', 'probabilities', 'scores', 'y_score'];

/** The four cells of a row, by column (CSV and Parquet) or by JSONPath and fallback keys (JSON objects). */
type Cells = (value: unknown) => { id: unknown; prediction: unknown; probability: unknown; label: unknown };

function layoutOf(format: TabularFormat): RowLayout {
  if (format.kind === 'csv') return format.header ? 'csv-header' : 'csv';
  return format.kind === 'parquet' ? 'parquet' : format.lines ? 'json-lines' : 'json-array';
}

/** Cells of CSV rows (by the header, or by index without one) and Parquet rows (by the schema). */
function columnCells(file: RowFile, columns: TabularColumns): Cells {
  const names = file.columns;
  if (names === undefined) {
    // CSV without a header: the attributes must be column indexes; the prediction defaults to column 0.
    const need = (attr: string | undefined, variable: string): number | undefined => {
      if (attr === undefined) return undefined;
      const i = asColumnIndex(attr);
      if (i === undefined) throw new ConfigError(`config: ${variable} ${showValue(attr)} must be a column index for CSV without a header; expected e.g. 0`);
      return i;
    };
    const picks = [
      need(columns.id, 'MPM_INFERENCE_ID_ATTRIBUTE'),
      need(columns.prediction ?? (columns.probability === undefined ? '0' : undefined), 'inference_attribute'),
      need(columns.probability, 'probability_attribute'),
      need(columns.label, 'ground_truth_attribute'),
    ];
    return (v) => ({ id: cellOf(v, picks[0]), prediction: cellOf(v, picks[1]), probability: cellOf(v, picks[2]), label: cellOf(v, picks[3]) });
  }
  const picks = [
    pickColumn(names, columns.id, ID_COLUMN_FALLBACKS, 'MPM_INFERENCE_ID_ATTRIBUTE', false),
    pickColumn(names, columns.prediction, PREDICTION_FALLBACKS, 'inference_attribute', columns.probability === undefined),
    pickColumn(names, columns.probability, PROBABILITY_FALLBACKS, 'probability_attribute', false),
    pickColumn(names, columns.label, [], 'ground_truth_attribute', false),
  ];
  return (v) => ({ id: cellOf(v, picks[0], names), prediction: cellOf(v, picks[1], names), probability: cellOf(v, picks[2], names), label: cellOf(v, picks[3], names) });
}

/** Cells of JSON objects: the attributes as JSONPaths, else the first fallback key present. */
function objectCells(columns: TabularColumns): Cells {
  const compile = (attr: string | undefined, variable: string): CompiledPath | undefined => (attr === undefined ? undefined : compilePath(attr, variable));
  const paths = {
    id: compile(columns.id, 'MPM_INFERENCE_ID_ATTRIBUTE'),
    prediction: compile(columns.prediction, 'inference_attribute'),
    probability: compile(columns.probability, 'probability_attribute'),
    label: compile(columns.label, 'ground_truth_attribute'),
  };
  const get = (obj: Record<string, unknown>, path: CompiledPath | undefined, fallbacks: readonly string[]): unknown => {
    if (path) return getPath(obj, path);
    return fieldOf(obj, fallbacks);
  };
  return (v) => {
    const obj = v as Record<string, unknown>;
    return {
      id: get(obj, paths.id, ID_COLUMN_FALLBACKS),
      prediction: get(obj, paths.prediction, PREDICTION_FALLBACKS),
      probability: get(obj, paths.probability, PROBABILITY_FALLBACKS),
      label: paths.label ? getPath(obj, paths.label) : undefined,
    };
  };
}

/** Reads every row of a tabular dataset, calling onRow for each; bad rows are counted in the tally. */
export async function readTabular(
  storage: Storage,
  format: TabularFormat,
  columns: TabularColumns,
  response: ResponseOptions,
  tally: InputErrorTally,
  onRow: (row: TabularRow) => void,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
  deal?: CaptureDeal,
): Promise<TabularSummary> {
  const summary: TabularSummary = { location: storage.location, files: 0, rows: 0, bytes: 0 };
  const accept =
    format.kind === 'csv' ? /\.csv(\.gz)?$|\.out$/i : format.kind === 'parquet' ? /\.parquet$/i : /\.(jsonl|json|jsonlines|ndjson|out)(\.gz)?$/i;
  const emit = (cells: ReturnType<Cells>, where: { file: string; line: number }): void => {
    summary.rows++;
    try {
      const { id, prediction, probability, label } = cells;
      const vector = Array.isArray(probability) ? probability.map(Number) : undefined;
      const score = vector ? undefined : probability === undefined || probability === null || probability === '' ? undefined : Number(probability);
      const predicted = toPrediction(0, prediction === '' ? undefined : typeof prediction === 'bigint' ? Number(prediction) : prediction, Number.isFinite(score) ? score : undefined, vector, response);
      const plainLabel = typeof label === 'bigint' ? Number(label) : label;
      onRow({ id: id === undefined || id === null || id === '' ? undefined : String(id), prediction: predicted, label: plainLabel === '' ? undefined : plainLabel });
    } catch (error) {
      if (!(error instanceof RecordProblem)) throw error;
      tally.add(error.reason, { ...where, detail: error.detail });
    }
  };
  for await (const entry of dealListed(walkFiles(storage, '', { accept: (p) => accept.test(p) }), deal)) {
    summary.files++;
    summary.bytes += entry.size ?? 0;
    await readTabularFile(storage, entry, format, columns, limits, tally, summary, emit);
  }
  return summary;
}

/**
 * Reads the rows of one file into `emit`. A file that cannot be read to its end weighs by its unread bytes; a line
 * past MPM_MAX_LINE_BYTES is skipped (issue 14).
 */
async function readTabularFile(
  storage: Storage,
  entry: StorageFile,
  format: TabularFormat,
  columns: TabularColumns,
  limits: ReadLimits,
  tally: InputErrorTally,
  summary: TabularSummary,
  emit: (cells: ReturnType<Cells>, where: { file: string; line: number }) => void,
): Promise<void> {
  const display = storage.describe(entry.path);
  let cells: Cells | undefined;
  let lastLine = 0;
  let readAtLastRow = 0;
  let file: RowFile | undefined;
  try {
    file = await openRows(storage, entry.path, layoutOf(format), limits);
    const rows = file;
    await rows.forEach((row) => {
      const where = { file: display, line: row.line };
      if ('problem' in row && row.problem === 'unreadable' && row.line > 0) {
        // A CSV that breaks: the rest of the file is lost, and weighs by its bytes in the error limit.
        noteUnreadable(summary, tally, 'unreadable_file', { ...where, detail: row.detail }, bytesLost(row, rows.progress, entry.size ?? 0, readAtLastRow), lastLine === 0);
        lastLine = row.line;
        return;
      }
      if (row.line > 0) {
        lastLine = row.line;
        readAtLastRow = rows.progress.rawBytes;
      }
      if ('problem' in row) {
        if (row.line > 0) summary.rows++;
        const reason = row.problem === 'invalid_json' ? 'invalid_json' : row.problem === 'too_long' ? 'line_too_long' : 'unreadable_file';
        tally.add(reason, row.line > 0 ? { ...where, detail: row.detail } : { file: display, detail: row.detail });
        return;
      }
      if (format.kind === 'json' && (row.value === null || typeof row.value !== 'object' || Array.isArray(row.value))) {
        summary.rows++;
        tally.add('not_a_capture_record', { ...where, detail: 'the row is not a JSON object' });
        return;
      }
      cells ??= format.kind === 'json' ? objectCells(columns) : columnCells(rows, columns);
      emit(cells(row.value), where);
    });
  } catch (error) {
    if (!(error instanceof UnreadableInput)) throw error;
    noteUnreadable(summary, tally, 'unreadable_file', { file: display, line: lastLine + 1, detail: error.message }, (entry.size ?? 0) - readAtLastRow, lastLine === 0);
  }
  if (file?.progress.trailingGarbage !== undefined) tally.add('gzip_trailing_garbage', { file: display, detail: file.progress.trailingGarbage });
}
