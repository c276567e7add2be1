/**
 * @module The one tabular row layer of the ground-truth and tabular-dataset readers: opens a file (gunzipped by its
 * extension), yields its rows (CSV with or without a header, a JSON array, JSON Lines, Parquet) with their line or
 * row numbers, and picks columns by name, index or fallback list. Rows that cannot be read are yielded as problems
 * for the caller to count under its own reason.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import { ConfigError, showValue } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';
import { readParquetTable } from './parquet.ts';
import { forEachLine } from './read-lines.ts';
import { asColumnIndex } from './json-path.ts';

/** How a file's rows are laid out. `json-auto`: a JSON array when the file starts with "[", else JSON Lines. */
export type RowLayout = 'csv-header' | 'csv' | 'json-array' | 'json-lines' | 'json-auto' | 'parquet';

/** One row: its value (cells of a CSV line, a Parquet row as an object, any JSON value), or why it is unreadable. */
export type Row = { line: number; value: unknown } | { line: number; problem: 'invalid_json' | 'unreadable'; detail: string };

export interface RowFile {
  /** Column names, when the file has a header or a schema (CSV with a header, Parquet); known by the first row. */
  columns?: string[];
  /** Which layout `json-auto` resolved to, or the layout asked for. */
  layout: Exclude<RowLayout, 'json-auto'>;
  /** Streams the rows in order (once). */
  forEach(onRow: (row: Row) => void): Promise<void>;
}

/** The id columns tried when none is named: batch transform's, the seed's, and the usual spellings. */
export const ID_COLUMN_FALLBACKS = ['SageMakerInferenceId', 'InferenceId', 'inferenceId', 'inference_id', 'eventId', 'event_id'];

/** Opens a file as bytes, gunzipped when its name ends in .gz. */
export async function openMaybeGzip(storage: Storage, path: string): Promise<Readable> {
  const raw = await storage.openRead(path);
  return /\.gz$/i.test(path) ? raw.pipe(createGunzip()) : raw;
}

/** The whole stream as text. */
export async function readAllText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Picks a column: `attribute` (a name, or a column index) when given, else the first of `fallbacks` present. Throws
 * a ConfigError naming `variable` when the attribute is not a column, or when `required` and nothing matches.
 */
export function pickColumn(names: readonly string[], attribute: string | undefined, fallbacks: readonly string[], variable: string, required: boolean): string | number | undefined {
  if (attribute !== undefined) {
    const index = asColumnIndex(attribute);
    if (index !== undefined) {
      if (index >= names.length) throw new ConfigError(`config: ${variable} ${showValue(attribute)} is not a column: the data has ${names.length} columns (${names.join(', ')})`);
      return index;
    }
    if (!names.includes(attribute)) throw new ConfigError(`config: ${variable} ${showValue(attribute)} is not a column; columns are: ${names.join(', ')}`);
    return attribute;
  }
  const hit = fallbacks.find((f) => names.includes(f));
  if (hit === undefined && required) {
    throw new ConfigError(`config: ${variable} is not set and no column is named ${fallbacks.join(' or ')}; columns are: ${names.join(', ')}`);
  }
  return hit;
}

/** The first of `candidates` that names a column, if any (no error: for files that may lack it). */
export function findColumn(names: readonly string[], candidates: readonly string[]): string | undefined {
  return candidates.find((c) => names.includes(c));
}

/** A row's cell by column name or index: CSV cells by the header, objects by key. */
export function cellOf(row: unknown, column: string | number | undefined, columns?: readonly string[]): unknown {
  if (column === undefined || row === null || typeof row !== 'object') return undefined;
  if (Array.isArray(row)) return row[typeof column === 'number' ? column : (columns ?? []).indexOf(column)];
  const obj = row as Record<string, unknown>;
  return typeof column === 'number' ? obj[(columns ?? Object.keys(obj))[column]!] : Object.hasOwn(obj, column) ? obj[column] : undefined;
}

async function forEachCsvRow(stream: Readable, file: RowFile, header: boolean, onRow: (row: Row) => void): Promise<void> {
  const parser = stream.pipe(parseCsv({ columns: false, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }));
  let line = 0;
  let fromCaller: unknown;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      line++;
      if (header && file.columns === undefined) {
        file.columns = cells;
        continue;
      }
      try {
        onRow({ line, value: cells });
      } catch (error) {
        throw (fromCaller = error);
      }
    }
  } catch (error) {
    // The caller's own errors (a ConfigError for a missing column) go through; a CSV that cannot be parsed is a row problem.
    if (error === fromCaller) throw error;
    onRow({ line: line + 1, problem: 'unreadable', detail: (error as Error).message });
  }
}

async function forEachJsonLine(stream: Readable, onRow: (row: Row) => void): Promise<void> {
  await forEachLine(stream, (text, line) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return onRow({ line, problem: 'invalid_json', detail: (error as Error).message });
    }
    onRow({ line, value });
  });
}

async function forEachArrayItem(stream: Readable, onRow: (row: Row) => void): Promise<void> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readAllText(stream));
  } catch (error) {
    return onRow({ line: 0, problem: 'invalid_json', detail: (error as Error).message });
  }
  const rows = Array.isArray(doc) ? doc : [doc];
  for (let i = 0; i < rows.length; i++) onRow({ line: i + 1, value: rows[i] });
}

/** A Parquet value as plain data: 64-bit integers as bigints (ids keep every digit), lists as arrays. */
function plain(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'toArray' in value) return Array.from((value as { toArray(): ArrayLike<unknown> }).toArray(), plain);
  return value;
}

/** Resolves `json-auto` by peeking at the first bytes: "[" is a JSON array (the seed's files), else JSON Lines. */
async function peekJsonLayout(stream: Readable): Promise<{ layout: 'json-array' | 'json-lines'; stream: Readable }> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value as string);
  const layout = head.toString('utf8', 0, Math.min(head.length, 64)).trimStart().startsWith('[') ? 'json-array' : 'json-lines';
  const replay = Readable.from(
    (async function* () {
      if (!first.done) yield head;
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value as Buffer;
    })(),
  );
  return { layout, stream: replay };
}

/** Opens a file's rows in `layout`. */
export async function openRows(storage: Storage, path: string, layout: RowLayout): Promise<RowFile> {
  if (layout === 'parquet') {
    const table = await readParquetTable(new Uint8Array(await storage.readFile(path)));
    const columns = table.schema.fields.map((f) => f.name);
    const vectors = columns.map((_, i) => table.getChildAt(i)!);
    return {
      layout,
      columns,
      async forEach(onRow) {
        for (let i = 0; i < table.numRows; i++) {
          const value: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
          columns.forEach((name, c) => (value[name] = plain(vectors[c]!.get(i))));
          onRow({ line: i + 1, value });
        }
      },
    };
  }
  const stream = await openMaybeGzip(storage, path);
  if (layout === 'csv' || layout === 'csv-header') {
    const file: RowFile = { layout, forEach: (onRow) => forEachCsvRow(stream, file, layout === 'csv-header', onRow) };
    return file;
  }
  const json = layout === 'json-auto' ? await peekJsonLayout(stream) : { layout, stream };
  return {
    layout: json.layout,
    forEach: (onRow) => (json.layout === 'json-array' ? forEachArrayItem(json.stream, onRow) : forEachJsonLine(json.stream, onRow)),
  };
}
