/**
 * @module The one tabular row layer of the ground-truth and tabular-dataset readers: opens a file (gunzipped by its
 * extension, a byte-order mark dropped), yields its rows (CSV with or without a header, a JSON array, JSON Lines,
 * Parquet) with their line or row numbers, and picks columns by name, index or fallback list. Rows that cannot be read
 * are yielded as problems for the caller to count under its own reason; a file that cannot be read to its end rejects
 * with UnreadableInput, and `progress` says how far it was read (issue 14: lines and files read whole are bounded).
 */
import { Readable } from 'node:stream';
import { ConfigError, showValue } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';
import { jsonErrorDetail } from './json-error.ts';
import { openInput, UnreadableInput, type InputProgress } from './open-input.ts';
import { readParquetTable } from './parquet.ts';
import { DEFAULT_READ_LIMITS, MAX_STRING_BYTES, type ReadLimits } from './read-limits.ts';
import { forEachLineRange } from './read-lines.ts';
import { asColumnIndex } from './json-path.ts';
import { withoutBom } from '../runtime/without-bom.ts';

/** How a file's rows are laid out. `json-auto`: a JSON array when the file starts with "[", else JSON Lines. */
export type RowLayout = 'csv-header' | 'csv' | 'json-array' | 'json-lines' | 'json-auto' | 'parquet';

/**
 * One row: its value (cells of a CSV line, a Parquet row as an object, any JSON value), or why it is unreadable.
 * `too_long`: a line past MPM_MAX_LINE_BYTES, skipped unread. Line 0 is the whole file (a JSON array that does not
 * parse, or is too large to read whole).
 */
export type Row =
  | { line: number; value: unknown }
  | {
      line: number;
      problem: 'invalid_json' | 'unreadable' | 'too_long';
      detail: string;
      /**
       * A CSV that breaks: the share of the bytes read so far that ended in good rows. The parser reads far ahead (an
       * unclosed quote takes it to the end of the file), so the bytes read when the last row came say nothing of
       * what was lost; see {@link bytesLost}.
       */
      readShare?: number;
    };

/**
 * The bytes of a file of `size` (as listed: compressed for .gz) lost after an unreadable row: those after the last
 * good row (by the row's readShare when it has one, else by the bytes read when that row came, `readAtLastRow`).
 */
export function bytesLost(row: Extract<Row, { problem: string }>, progress: InputProgress, size: number, readAtLastRow: number): number {
  const kept = row.readShare !== undefined ? Math.round(progress.rawBytes * row.readShare) : readAtLastRow;
  return Math.max(0, size - kept);
}

/** Offered a JSON line's bytes (the range [start, end) of `bytes`) before it is parsed; true takes the line. */
export type JsonLineCallback = (bytes: Buffer, start: number, end: number, lineNumber: number) => boolean;

export interface RowFile {
  /** Column names, when the file has a header or a schema (CSV with a header, Parquet); known by the first row. */
  columns?: string[];
  /** Which layout `json-auto` resolved to, or the layout asked for. */
  layout: Exclude<RowLayout, 'json-auto'>;
  /**
   * Streams the rows in order (once). Rejects with UnreadableInput when the file cannot be read to its end. JSON
   * Lines: `onJsonLine` is offered each line's bytes first (the range [start, end) of `bytes`, valid during the call),
   * and a line it takes (returns true) is no row.
   */
  forEach(onRow: (row: Row) => void, onJsonLine?: JsonLineCallback): Promise<void>;
  /** Bytes of the file read so far (compressed for .gz), and trailing garbage after its last gzip member. */
  progress: InputProgress;
}

/** The id columns tried when none is named: batch transform's, the seed's, and the usual spellings. */
export const ID_COLUMN_FALLBACKS = ['SageMakerInferenceId', 'InferenceId', 'inferenceId', 'inference_id', 'eventId', 'event_id'];

/** The whole stream as text, refusing (UnreadableInput) more than `max` bytes before they are all in memory. */
async function readAllText(chunks: AsyncIterable<Buffer>, max: number): Promise<string> {
  const parts: Buffer[] = [];
  let bytes = 0;
  for await (const c of chunks) {
    bytes += c.length;
    if (bytes > max) {
      throw new UnreadableInput(`the JSON array holds more than ${max} bytes (MPM_MAX_FILE_BYTES), too many to read whole; write it as JSON Lines, which has no such limit`);
    }
    parts.push(Buffer.from(c)); // a copy: the reader reuses the chunk's buffer
  }
  const text = Buffer.concat(parts, bytes).toString('utf8');
  // A byte-order mark at the start is no part of the JSON.
  return withoutBom(text);
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

/** A JSON object's value under the first of `names` it has as its own key (a configured name, then the usual alternatives). */
export function fieldOf(obj: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) if (Object.hasOwn(obj, name)) return obj[name];
  return undefined;
}

/** A row's cell by column name or index: CSV cells by the header, objects by key. */
export function cellOf(row: unknown, column: string | number | undefined, columns?: readonly string[]): unknown {
  if (column === undefined || row === null || typeof row !== 'object') return undefined;
  if (Array.isArray(row)) return row[typeof column === 'number' ? column : (columns ?? []).indexOf(column)];
  const obj = row as Record<string, unknown>;
  return typeof column === 'number' ? obj[(columns ?? Object.keys(obj))[column]!] : Object.hasOwn(obj, column) ? obj[column] : undefined;
}

async function forEachCsvRow(chunks: AsyncIterable<Buffer>, file: RowFile, header: boolean, limits: ReadLimits, onRow: (row: Row) => void): Promise<void> {
  // Bytes handed to the parser, and where its last good record ended (info.bytes): a CSV that breaks says how much
  // of what was read was rows (readShare).
  let received = 0;
  let consumed = 0;
  const source = Readable.from(
    (async function* (): AsyncGenerator<Buffer> {
      for await (const chunk of chunks) {
        received += chunk.length;
        yield chunk;
      }
    })(),
  );
  // csv-parse is imported when the first CSV file is read.
  const { parse: parseCsv } = await import('csv-parse');
  const parser = parseCsv({ columns: false, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true, info: true, max_record_size: Math.min(limits.maxLineBytes, MAX_STRING_BYTES) });
  // pipe() does not pass a source's error on: the parser gets it, so a broken read rejects instead of going unhandled.
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let line = 0;
  let fromCaller: unknown;
  try {
    for await (const { record: cells, info } of parser as AsyncIterable<{ record: string[]; info: { bytes: number } }>) {
      line++;
      consumed = info.bytes;
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
    // The caller's own errors (a ConfigError for a missing column) and a broken read go through; a CSV that cannot be
    // parsed is a row problem.
    if (error === fromCaller || error instanceof UnreadableInput) throw error;
    onRow({ line: line + 1, problem: 'unreadable', detail: (error as Error).message, readShare: received > 0 ? Math.min(1, consumed / received) : 0 });
  }
}

async function forEachJsonLine(chunks: AsyncIterable<Buffer>, limits: ReadLimits, onRow: (row: Row) => void, onJsonLine?: JsonLineCallback): Promise<void> {
  await forEachLineRange(
    chunks,
    (bytes, start, end, line) => {
      if (onJsonLine?.(bytes, start, end, line) === true) return;
      let value: unknown;
      try {
        value = JSON.parse(bytes.toString('utf8', start, end));
      } catch (error) {
        return onRow({ line, problem: 'invalid_json', detail: jsonErrorDetail(error) });
      }
      onRow({ line, value });
    },
    {
      maxLineBytes: limits.maxLineBytes,
      onTooLong: (line, bytes) => onRow({ line, problem: 'too_long', detail: `${bytes} bytes, above MPM_MAX_LINE_BYTES ${limits.maxLineBytes}` }),
    },
  );
}

async function forEachArrayItem(chunks: AsyncIterable<Buffer>, limits: ReadLimits, onRow: (row: Row) => void): Promise<void> {
  const text = await readAllText(chunks, Math.min(limits.maxFileBytes, MAX_STRING_BYTES));
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return onRow({ line: 0, problem: 'invalid_json', detail: jsonErrorDetail(error) });
  }
  const rows = Array.isArray(doc) ? doc : [doc];
  for (let i = 0; i < rows.length; i++) onRow({ line: i + 1, value: rows[i] });
}

/** A Parquet value as plain data: 64-bit integers as bigints (ids keep every digit), lists as arrays. */
function plain(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'toArray' in value) return Array.from((value as { toArray(): ArrayLike<unknown> }).toArray(), plain);
  return value;
}

/** The first byte that is not blank (after a byte-order mark), or -1 while there is none yet. */
function firstByte(bytes: Buffer): number {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return i < bytes.length ? bytes[i]! : -1;
}

/**
 * Resolves `json-auto` by peeking at the first bytes: "[" is a JSON array (the seed's files), else JSON Lines. A
 * byte-order mark used to hide the "[" (the file was then rejected whole).
 */
async function peekJsonLayout(chunks: AsyncIterable<Buffer>): Promise<{ layout: 'json-array' | 'json-lines'; chunks: AsyncIterable<Buffer> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let first = -1;
  while (first === -1) {
    const r = await iterator.next();
    if (r.done) break;
    head.push(Buffer.from(r.value)); // a copy: the reader reuses the chunk's buffer
    first = firstByte(head.length === 1 ? r.value : Buffer.concat(head));
  }
  const replay = (async function* (): AsyncGenerator<Buffer> {
    yield* head;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value;
  })();
  return { layout: first === 0x5b ? 'json-array' : 'json-lines', chunks: replay };
}

/**
 * Opens a file's rows in `layout`. A file that cannot be opened or read (not gzip, cut short, a broken read, a
 * Parquet file larger than MPM_MAX_FILE_BYTES) rejects with UnreadableInput.
 */
export async function openRows(storage: Storage, path: string, layout: RowLayout, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<RowFile> {
  if (layout === 'parquet') {
    let bytes: Buffer;
    try {
      bytes = await storage.readFile(path, limits.maxFileBytes);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new UnreadableInput(`the Parquet file cannot be read whole (${(error as Error).message})`, { cause: error });
    }
    const table = await readParquetTable(new Uint8Array(bytes)).catch((error: unknown) => {
      throw new UnreadableInput((error as Error).message, { cause: error });
    });
    const columns = table.schema.fields.map((f) => f.name);
    const vectors = columns.map((_, i) => table.getChildAt(i)!);
    return {
      layout,
      columns,
      progress: { rawBytes: bytes.length },
      async forEach(onRow) {
        for (let i = 0; i < table.numRows; i++) {
          const value: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
          columns.forEach((name, c) => (value[name] = plain(vectors[c]!.get(i))));
          onRow({ line: i + 1, value });
        }
      },
    };
  }
  const csv = layout === 'csv' || layout === 'csv-header';
  // JSON is split into lines here (or copied whole): the reader may reuse one buffer. csv-parse keeps what it was given.
  const { chunks, progress } = await openInput(storage, path, limits, { transientChunks: !csv });
  if (csv) {
    const file: RowFile = { layout, progress, forEach: (onRow) => forEachCsvRow(chunks, file, layout === 'csv-header', limits, onRow) };
    return file;
  }
  const json = layout === 'json-auto' ? await peekJsonLayout(chunks) : { layout, chunks };
  return {
    layout: json.layout,
    progress,
    forEach: (onRow, onJsonLine) => (json.layout === 'json-array' ? forEachArrayItem(json.chunks, limits, onRow) : forEachJsonLine(json.chunks, limits, onRow, onJsonLine)),
  };
}
