/**
 * @module Reads tabular datasets (dataset_format csv, json / JSON Lines, parquet): one record per row, with a
 * prediction column, optionally a probability column, a label column (ground_truth_attribute) and an inference-id
 * column (batch transform's SageMakerInferenceId) to join ground truth. Used by suggest-baseline and by monitoring
 * runs over batch-transform output.
 */
import { createGunzip } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import { readParquetTable } from './parquet.ts';
import type { DatasetFormat } from '../config/dataset-format.ts';
import { ConfigError, showValue } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';
import { toPrediction, type Prediction, type ResponseOptions } from './explode-response.ts';
import { InputErrorTally, RecordProblem } from './input-errors.ts';
import { compilePath, getPath, asColumnIndex } from './json-path.ts';
import { forEachLine } from './read-lines.ts';
import { DEFAULT_READ_LIMITS } from './read-limits.ts';
import { walkFiles } from './walk.ts';

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
}

type TabularFormat = Extract<DatasetFormat, { kind: 'csv' | 'json' | 'parquet' }>;

const PREDICTION_FALLBACKS = ['prediction', 'predicted_label', 'label_predicted', 'predictions', 'y_pred', 'output'];
const PROBABILITY_FALLBACKS = ['probability', 'score', 'probabilities', 'scores', 'y_score'];
const ID_FALLBACKS = ['SageMakerInferenceId', 'inference_id', 'InferenceId', 'inferenceId'];

function pickName(names: string[], attr: string | undefined, fallbacks: string[], variable: string, required: boolean): string | number | undefined {
  if (attr !== undefined) {
    const index = asColumnIndex(attr);
    if (index !== undefined) {
      if (index >= names.length) throw new ConfigError(`config: ${variable} ${showValue(attr)} is not a column: the data has ${names.length} columns (${names.join(', ')})`);
      return index;
    }
    if (!names.includes(attr)) throw new ConfigError(`config: ${variable} ${showValue(attr)} is not a column; columns are: ${names.join(', ')}`);
    return attr;
  }
  const hit = fallbacks.find((f) => names.includes(f));
  if (hit === undefined && required) {
    throw new ConfigError(`config: ${variable} is not set and no column is named ${fallbacks.join(' or ')}; columns are: ${names.join(', ')}`);
  }
  return hit;
}

/** Reads every row of a tabular dataset, calling onRow for each; bad rows are counted in the tally. */
export async function readTabular(
  storage: Storage,
  format: TabularFormat,
  columns: TabularColumns,
  response: ResponseOptions,
  tally: InputErrorTally,
  onRow: (row: TabularRow) => void,
): Promise<TabularSummary> {
  const summary: TabularSummary = { location: storage.location, files: 0, rows: 0 };
  const accept =
    format.kind === 'csv' ? /\.csv(\.gz)?$|\.out$/i : format.kind === 'parquet' ? /\.parquet$/i : /\.(jsonl|json|jsonlines|ndjson|out)(\.gz)?$/i;
  const emit = (id: unknown, labelRaw: unknown, scoreRaw: unknown, label: unknown, where: { file: string; line: number }): void => {
    summary.rows++;
    try {
      const vector = Array.isArray(scoreRaw) ? scoreRaw.map(Number) : undefined;
      const score = vector ? undefined : scoreRaw === undefined || scoreRaw === null || scoreRaw === '' ? undefined : Number(scoreRaw);
      const prediction = toPrediction(0, labelRaw === '' ? undefined : labelRaw, Number.isFinite(score) ? score : undefined, vector, response);
      onRow({ id: id === undefined || id === null || id === '' ? undefined : String(id), prediction, label: label === '' ? undefined : label });
    } catch (error) {
      if (!(error instanceof RecordProblem)) throw error;
      tally.add(error.reason, { ...where, detail: error.detail });
    }
  };
  for await (const file of walkFiles(storage, '', { accept: (p) => accept.test(p) })) {
    summary.files++;
    const display = storage.describe(file.path);
    if (format.kind === 'parquet') {
      const table = await readParquetTable(new Uint8Array(await storage.readFile(file.path)));
      const names = table.schema.fields.map((f) => f.name);
      const col = (c: string | number | undefined) => (c === undefined ? null : typeof c === 'number' ? table.getChildAt(c) : table.getChild(c));
      const pred = col(pickName(names, columns.prediction, PREDICTION_FALLBACKS, 'inference_attribute', columns.probability === undefined));
      const prob = col(pickName(names, columns.probability, PROBABILITY_FALLBACKS, 'probability_attribute', false));
      const lab = col(pickName(names, columns.label, [], 'ground_truth_attribute', false));
      const id = col(pickName(names, columns.id, ID_FALLBACKS, 'MPM_INFERENCE_ID_ATTRIBUTE', false));
      const plain = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v && typeof v === 'object' && 'toArray' in v ? Array.from((v as { toArray(): ArrayLike<unknown> }).toArray()) : v);
      for (let i = 0; i < table.numRows; i++) {
        emit(plain(id?.get(i)), plain(pred?.get(i)), plain(prob?.get(i)), plain(lab?.get(i)), { file: display, line: i + 1 });
      }
      continue;
    }
    let stream = await storage.openRead(file.path);
    if (/\.gz$/i.test(file.path)) stream = stream.pipe(createGunzip());
    if (format.kind === 'csv') {
      const parser = stream.pipe(parseCsv({ columns: false, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }));
      let header: string[] | undefined;
      let picks: Array<string | number | undefined> | undefined;
      let line = 0;
      for await (const cells of parser as AsyncIterable<string[]>) {
        line++;
        if (!picks) {
          if (format.header) {
            header = cells;
            picks = [
              pickName(header, columns.prediction, PREDICTION_FALLBACKS, 'inference_attribute', columns.probability === undefined),
              pickName(header, columns.probability, PROBABILITY_FALLBACKS, 'probability_attribute', false),
              pickName(header, columns.label, [], 'ground_truth_attribute', false),
              pickName(header, columns.id, ID_FALLBACKS, 'MPM_INFERENCE_ID_ATTRIBUTE', false),
            ];
            continue;
          }
          const need = (attr: string | undefined, variable: string): number | undefined => {
            if (attr === undefined) return undefined;
            const i = asColumnIndex(attr);
            if (i === undefined) throw new ConfigError(`config: ${variable} ${showValue(attr)} must be a column index for CSV without a header; expected e.g. 0`);
            return i;
          };
          picks = [need(columns.prediction ?? (columns.probability === undefined ? '0' : undefined), 'inference_attribute'), need(columns.probability, 'probability_attribute'), need(columns.label, 'ground_truth_attribute'), need(columns.id, 'MPM_INFERENCE_ID_ATTRIBUTE')];
        }
        const at = (p: string | number | undefined): string | undefined => (p === undefined ? undefined : cells[typeof p === 'number' ? p : header!.indexOf(p)]);
        emit(at(picks[3]), at(picks[0]), at(picks[1]), at(picks[2]), { file: display, line });
      }
      continue;
    }
    const paths = {
      prediction: columns.prediction !== undefined ? compilePath(columns.prediction, 'inference_attribute') : undefined,
      probability: columns.probability !== undefined ? compilePath(columns.probability, 'probability_attribute') : undefined,
      label: columns.label !== undefined ? compilePath(columns.label, 'ground_truth_attribute') : undefined,
      id: columns.id !== undefined ? compilePath(columns.id, 'MPM_INFERENCE_ID_ATTRIBUTE') : undefined,
    };
    const fromObject = (obj: Record<string, unknown>, where: { file: string; line: number }): void => {
      const get = (p: ReturnType<typeof compilePath> | undefined, fallbacks: string[]): unknown => {
        if (p) return getPath(obj, p);
        const k = fallbacks.find((f) => obj[f] !== undefined);
        return k === undefined ? undefined : obj[k];
      };
      emit(get(paths.id, ID_FALLBACKS), get(paths.prediction, PREDICTION_FALLBACKS), get(paths.probability, PROBABILITY_FALLBACKS), paths.label ? getPath(obj, paths.label) : undefined, where);
    };
    const rowOf = (value: unknown, where: { file: string; line: number }): void => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        summary.rows++;
        tally.add('not_a_capture_record', { ...where, detail: 'the row is not a JSON object' });
        return;
      }
      fromObject(value as Record<string, unknown>, where);
    };
    if (format.kind === 'json' && !format.lines) {
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      let doc: unknown;
      try {
        doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        tally.add('invalid_json', { file: display, detail: (error as Error).message });
        continue;
      }
      const rows = Array.isArray(doc) ? doc : [doc];
      rows.forEach((r, i) => rowOf(r, { file: display, line: i + 1 }));
      continue;
    }
    await forEachLine(
      stream,
      (bytes, line) => {
        let value: unknown;
        try {
          value = JSON.parse(bytes.toString('utf8'));
        } catch (error) {
          summary.rows++;
          tally.add('invalid_json', { file: display, line, detail: (error as Error).message });
          return;
        }
        rowOf(value, { file: display, line });
      },
      {
        maxLineBytes: DEFAULT_READ_LIMITS.maxLineBytes,
        onTooLong: (line, bytes) => {
          summary.rows++;
          tally.add('line_too_long', { file: display, line, detail: `${bytes} bytes, above MPM_MAX_LINE_BYTES ${DEFAULT_READ_LIMITS.maxLineBytes}` });
        },
      },
    );
  }
  return summary;
}
