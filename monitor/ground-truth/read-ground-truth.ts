/**
 * @module Reads ground-truth labels into the label store.
 *
 * Formats, detected per file unless MPM_GROUND_TRUTH_FORMAT says otherwise: (1) the seed's rows
 * {"InferenceId","payload_index","groundTruthLabel"} as a JSON array or JSON Lines (field names configurable);
 * (2) SageMaker's {"groundTruthData":{"data","encoding"},"eventMetadata":{"eventId"}}, whose data may hold one label
 * per record of the request; (3) CSV with a header; (4) Parquet. Files are read oldest partition first, then by
 * name, so that for a key read twice the latest label wins (and the duplicate is counted).
 */
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { ConfigError } from '../errors.ts';
import { readParquetTable } from '../ingest/parquet.ts';
import type { GroundTruthFormat } from '../config/load-config.ts';
import type { Storage, StorageFile } from '../storage/storage.ts';
import { describeValue } from '../ingest/describe-value.ts';
import { forEachLine } from '../ingest/read-lines.ts';
import { decodeGroundTruthData } from '../ingest/ground-truth-data.ts';
import { InputErrorTally, type InputErrorReason } from '../ingest/input-errors.ts';
import { jsonErrorDetail } from '../ingest/json-error.ts';
import { openInput, UnreadableInput, type InputProgress } from '../ingest/open-input.ts';
import { DEFAULT_READ_LIMITS, MAX_STRING_BYTES, type ReadLimits } from '../ingest/read-limits.ts';
import { noteUnreadable, type UnreadableFiles } from '../ingest/unreadable-files.ts';
import { partitionSpan, walkFiles, type SkippedFiles, type TimeRange } from '../ingest/walk.ts';
import { hashKey, type KeyHash } from '../join/key-hash.ts';
import { LabelStore } from '../join/label-store.ts';
import type { BinaryClasses } from '../metrics/binary-classes.ts';
import { canonicalLabel } from '../metrics/labels.ts';
import type { LabelCodec } from './label-values.ts';

export interface GroundTruthOptions {
  format: GroundTruthFormat;
  idField: string;
  indexField: string;
  labelField: string;
  range: TimeRange;
  /** Limits on lines and files (default DEFAULT_READ_LIMITS). */
  limits?: ReadLimits;
  /** BinaryClassification: the two classes; a third label is gt_label_not_binary. */
  binary?: BinaryClasses;
}

/** The largest payload_index a label may have: the join key hashes it as a 32-bit integer. */
export const MAX_PAYLOAD_INDEX = 2_147_483_647;

export interface GroundTruthSummary {
  location: string;
  files: number;
  rows: number;
  labels: number;
  duplicate_labels: number;
  pruned_folders: number;
  /** Rows read by format: records (the seed's), sagemaker, csv, parquet. */
  rows_by_format: Record<string, number>;
  /** Files not read to their end and the bytes lost (absent when every file was read whole). */
  unreadable_files?: UnreadableFiles;
  /** Entries of the tree that were not read: links out of it, files met twice, FIFOs and devices (absent when none). */
  skipped_files?: SkippedFiles;
}

const ACCEPT = /\.(jsonl|json|jsonlines|ndjson|csv)(\.gz)?$|\.parquet$/i;

class Sink {
  private readonly key: KeyHash = { lo: 0, hi: 0 };
  rows = 0;
  /** Where files that could not be read to their end are noted (the summary's unreadable_files). */
  readonly unreadable: { unreadable_files?: UnreadableFiles } = {};
  constructor(
    readonly store: LabelStore,
    readonly codec: LabelCodec,
    readonly tally: InputErrorTally,
    readonly binary: BinaryClasses | undefined,
  ) {}

  add(id: unknown, index: unknown, label: unknown, where: { file: string; line?: number }): void {
    this.rows++;
    const fail = (reason: InputErrorReason, detail: string): void => this.tally.add(reason, { ...where, detail });
    if (id === undefined || id === null || id === '' || (typeof id !== 'string' && typeof id !== 'number')) return fail('gt_missing_field', 'no inference id');
    if (label === undefined || label === null) return fail('gt_missing_field', 'no label');
    let idx = 0;
    if (index !== undefined && index !== null && index !== '') {
      idx = typeof index === 'number' ? index : typeof index === 'string' && /^\s*\d+\s*$/.test(index) ? Number(index) : NaN;
      if (!Number.isInteger(idx) || idx < 0) return fail('gt_invalid_payload_index', `payload_index ${describeValue(index)}`);
      if (idx > MAX_PAYLOAD_INDEX) return fail('gt_invalid_payload_index', `payload_index ${describeValue(index)} is above ${MAX_PAYLOAD_INDEX}`);
    }
    if (this.binary !== undefined) {
      const canonical = canonicalLabel(label);
      if (canonical !== undefined && !this.binary.accept(canonical)) return fail('gt_label_not_binary', this.binary.describeOutsider(canonical));
    }
    const value = this.codec.encode(label);
    if (value === undefined) return fail('gt_invalid_label', labelDetail(label));
    this.store.set(hashKey(String(id), idx, this.key), value);
  }

  /** A file that could not be read to its end: one gt_unreadable_file, and its unread bytes. */
  unreadableFile(where: { file: string; line?: number }, detail: string, lostBytes: number, entirely: boolean): void {
    noteUnreadable(this.unreadable, this.tally, 'gt_unreadable_file', { ...where, detail }, lostBytes, entirely);
  }
}

/** Why a label is unusable, without repeating it at length. */
function labelDetail(label: unknown): string {
  if (typeof label === 'number' && !Number.isFinite(label)) return `label ${describeValue(label)}: not a finite number (beyond double precision)`;
  if (typeof label === 'object') return `label ${describeValue(label)}: an array or object is not a label`;
  return `label ${describeValue(label)}`;
}

type FileFormat = 'records' | 'sagemaker' | 'csv' | 'parquet';

function fileFormatOf(path: string, forced: GroundTruthFormat): FileFormat | 'json-auto' {
  if (forced !== 'auto') return forced;
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.csv(\.gz)?$/i.test(path)) return 'csv';
  return 'json-auto';
}

function addJsonRow(row: unknown, sink: Sink, o: GroundTruthOptions, where: { file: string; line?: number }, formats: Record<string, number>): void {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    // A row all the same: every row read is a label or one input error (the counts add up).
    sink.rows++;
    sink.tally.add('gt_missing_field', { ...where, detail: 'the row is not an object' });
    return;
  }
  const obj = row as Record<string, unknown>;
  if (o.format === 'sagemaker' || (o.format === 'auto' && 'groundTruthData' in obj)) {
    formats.sagemaker = (formats.sagemaker ?? 0) + 1;
    const meta = (obj.eventMetadata ?? {}) as Record<string, unknown>;
    const id = meta.eventId ?? meta.inferenceId;
    const labels = decodeGroundTruthData(obj.groundTruthData);
    if (labels === undefined) {
      sink.rows++;
      sink.tally.add('gt_missing_field', { ...where, detail: 'groundTruthData has no data' });
      return;
    }
    for (const [index, label] of labels) sink.add(id, index, label, where);
    return;
  }
  formats.records = (formats.records ?? 0) + 1;
  sink.add(obj[o.idField], obj[o.indexField], obj[o.labelField], where);
}

/** The first non-blank byte of a chunk after a byte-order mark, or -1. */
function firstByte(chunk: Buffer): number {
  let i = chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0;
  while (i < chunk.length && (chunk[i] === 0x20 || chunk[i] === 0x0a || chunk[i] === 0x0d || chunk[i] === 0x09)) i++;
  return i < chunk.length ? chunk[i]! : -1;
}

/** Reads a JSON file: a JSON array (the seed's files), read whole up to MPM_MAX_FILE_BYTES, or JSON Lines. */
async function readJsonFile(storage: Storage, file: StorageFile, sink: Sink, o: GroundTruthOptions, formats: Record<string, number>, limits: ReadLimits): Promise<void> {
  const display = storage.describe(file.path);
  const size = file.size ?? 0;
  let lastLine = 0;
  let readAtLastLine = 0;
  let progress: InputProgress | undefined;
  try {
    const opened = await openInput(storage, file.path, limits);
    progress = opened.progress;
    const iterator = opened.chunks[Symbol.asyncIterator]();
    // Peek at the first bytes: a JSON array is parsed whole; anything else is JSON Lines.
    const head: Buffer[] = [];
    let kind = -1;
    while (kind === -1) {
      const r = await iterator.next();
      if (r.done) break;
      head.push(r.value);
      kind = firstByte(head.length === 1 ? r.value : Buffer.concat(head));
    }
    if (head.length === 0) return;
    if (kind === 0x5b) {
      await readJsonArray(head, iterator, display, size, sink, o, formats, limits);
      return;
    }
    const rest = (async function* (): AsyncGenerator<Buffer> {
      yield* head;
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value;
    })();
    const onLine = (bytes: Buffer, lineNumber: number): void => {
      lastLine = lineNumber;
      readAtLastLine = progress!.rawBytes;
      let row: unknown;
      try {
        row = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        sink.rows++;
        sink.tally.add('gt_invalid_json', { file: display, line: lineNumber, detail: jsonErrorDetail(error) });
        return;
      }
      addJsonRow(row, sink, o, { file: display, line: lineNumber }, formats);
    };
    await forEachLine(rest, onLine, {
      maxLineBytes: limits.maxLineBytes,
      onTooLong: (lineNumber, bytes) => {
        lastLine = lineNumber;
        readAtLastLine = progress!.rawBytes;
        sink.rows++;
        sink.tally.add('gt_line_too_long', { file: display, line: lineNumber, detail: `${bytes} bytes, above MPM_MAX_LINE_BYTES ${limits.maxLineBytes}` });
      },
    });
  } catch (error) {
    if (!(error instanceof UnreadableInput)) throw error;
    sink.unreadableFile({ file: display, line: lastLine + 1 }, error.message, size - readAtLastLine, lastLine === 0);
  } finally {
    if (progress?.trailingGarbage !== undefined) sink.tally.add('gt_gzip_trailing_garbage', { file: display, detail: progress.trailingGarbage });
  }
}

/** Parses a JSON-array file whole, refusing one larger than MPM_MAX_FILE_BYTES before it is all in memory. */
async function readJsonArray(
  head: Buffer[],
  iterator: AsyncIterator<Buffer>,
  display: string,
  size: number,
  sink: Sink,
  o: GroundTruthOptions,
  formats: Record<string, number>,
  limits: ReadLimits,
): Promise<void> {
  const max = Math.min(limits.maxFileBytes, MAX_STRING_BYTES);
  const chunks = [...head];
  let bytes = chunks.reduce((n, c) => n + c.length, 0);
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
    bytes += r.value.length;
    if (bytes > max) {
      await iterator.return?.();
      sink.unreadableFile(
        { file: display },
        `the JSON array holds more than ${max} bytes (MPM_MAX_FILE_BYTES), too many to read whole; write it as JSON Lines, which has no such limit`,
        size,
        true,
      );
      return;
    }
    chunks.push(r.value);
  }
  let text = Buffer.concat(chunks, bytes).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    sink.unreadableFile({ file: display }, `the JSON array is not valid JSON (${jsonErrorDetail(error)})`, size, true);
    return;
  }
  if (!Array.isArray(parsed)) {
    sink.unreadableFile({ file: display }, 'the file starts with "[" but is not a JSON array', size, true);
    return;
  }
  for (let i = 0; i < parsed.length; i++) addJsonRow(parsed[i], sink, o, { file: display, line: i + 1 }, formats);
}

function pickColumn(columns: string[], preferred: string, fallbacks: string[]): string | undefined {
  return [preferred, ...fallbacks].find((c) => columns.includes(c));
}
const ID_FALLBACKS = ['InferenceId', 'inferenceId', 'inference_id', 'eventId', 'event_id', 'SageMakerInferenceId'];
const INDEX_FALLBACKS = ['payload_index', 'payloadIndex'];
const LABEL_FALLBACKS = ['groundTruthLabel', 'ground_truth_label', 'label', 'ground_truth', 'y_true', 'actual'];

async function readCsvFile(storage: Storage, file: StorageFile, sink: Sink, o: GroundTruthOptions, formats: Record<string, number>, limits: ReadLimits): Promise<void> {
  const display = storage.describe(file.path);
  const size = file.size ?? 0;
  let cols: { id?: string; index?: string; label?: string } | undefined;
  let line = 1;
  let readAtLastRow = 0;
  let progress: InputProgress | undefined;
  try {
    const opened = await openInput(storage, file.path, limits);
    progress = opened.progress;
    const source = Readable.from(opened.chunks);
    const parser = parseCsv({ columns: true, skip_empty_lines: true, trim: true, bom: true, max_record_size: Math.min(limits.maxLineBytes, MAX_STRING_BYTES) });
    // pipe() does not pass a source's error on: without this a broken read would be an unhandled error.
    source.on('error', (error) => parser.destroy(error));
    source.pipe(parser);
    for await (const row of parser as AsyncIterable<Record<string, string>>) {
      line++;
      readAtLastRow = progress.rawBytes;
      if (!cols) {
        const names = Object.keys(row);
        cols = { id: pickColumn(names, o.idField, ID_FALLBACKS), index: pickColumn(names, o.indexField, INDEX_FALLBACKS), label: pickColumn(names, o.labelField, LABEL_FALLBACKS) };
        if (!cols.id || !cols.label) {
          source.destroy();
          const detail = `the header has no ${!cols.id ? `id column (${o.idField})` : `label column (${o.labelField})`}`;
          noteUnreadable(sink.unreadable, sink.tally, 'gt_missing_field', { file: display, line: 1, detail }, size, true);
          return;
        }
      }
      sink.add(row[cols.id!], cols.index ? row[cols.index] : undefined, row[cols.label!], { file: display, line });
      formats.csv = (formats.csv ?? 0) + 1;
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const detail = error instanceof UnreadableInput ? error.message : (error as Error).message;
    sink.unreadableFile({ file: display, line }, detail, size - readAtLastRow, line === 1);
  } finally {
    if (progress?.trailingGarbage !== undefined) sink.tally.add('gt_gzip_trailing_garbage', { file: display, detail: progress.trailingGarbage });
  }
}

async function readParquetFile(storage: Storage, file: StorageFile, sink: Sink, o: GroundTruthOptions, formats: Record<string, number>, limits: ReadLimits): Promise<void> {
  const display = storage.describe(file.path);
  const size = file.size ?? 0;
  if (size > limits.maxFileBytes) {
    sink.unreadableFile({ file: display }, `the Parquet file holds ${size} bytes, more than MPM_MAX_FILE_BYTES ${limits.maxFileBytes} (Parquet is read whole)`, size, true);
    return;
  }
  try {
    const table = await readParquetTable(new Uint8Array(await storage.readFile(file.path, limits.maxFileBytes)));
    const names = table.schema.fields.map((f) => f.name);
    const id = pickColumn(names, o.idField, ID_FALLBACKS);
    const index = pickColumn(names, o.indexField, INDEX_FALLBACKS);
    const label = pickColumn(names, o.labelField, LABEL_FALLBACKS);
    if (!id || !label) {
      const detail = `no ${!id ? `id column (${o.idField})` : `label column (${o.labelField})`}; columns: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}`;
      noteUnreadable(sink.unreadable, sink.tally, 'gt_missing_field', { file: display, detail }, size, true);
      return;
    }
    const idCol = table.getChild(id)!;
    const indexCol = index ? table.getChild(index) : null;
    const labelCol = table.getChild(label)!;
    formats.parquet = (formats.parquet ?? 0) + table.numRows;
    for (let i = 0; i < table.numRows; i++) {
      const idx = indexCol?.get(i);
      const lab = labelCol.get(i);
      // pandas writes numeric ids as int64, which Arrow hands over as bigints: their decimal text is the id.
      const rowId = idCol.get(i);
      sink.add(typeof rowId === 'bigint' ? String(rowId) : rowId, typeof idx === 'bigint' ? Number(idx) : idx, typeof lab === 'bigint' ? Number(lab) : lab, { file: display, line: i + 1 });
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    sink.unreadableFile({ file: display }, (error as Error).message, size, true);
  }
}

/**
 * Reads every ground-truth file in range into a label store. Also gives the bytes the files were listed with, which
 * the error gate weighs the unreadable bytes against.
 */
export async function readGroundTruth(
  storage: Storage,
  o: GroundTruthOptions,
  codec: LabelCodec,
  tally: InputErrorTally,
  onFile?: (file: StorageFile) => void,
): Promise<{ store: LabelStore; summary: GroundTruthSummary; bytes: number }> {
  const store = new LabelStore();
  const sink = new Sink(store, codec, tally, o.binary);
  const limits = o.limits ?? DEFAULT_READ_LIMITS;
  const formats: Record<string, number> = {};
  let pruned = 0;
  let skipped: SkippedFiles | undefined;
  const files: StorageFile[] = [];
  const walk = walkFiles(storage, '', {
    range: o.range,
    accept: (p) => ACCEPT.test(p),
    onPruned: () => pruned++,
    onSkipped: (_, why) => {
      skipped ??= {};
      skipped[why] = (skipped[why] ?? 0) + 1;
    },
  });
  for await (const f of walk) files.push(f);
  // Oldest partition first (unpadded hour folders sort wrongly as text), then by path, so the latest label wins.
  const when = (p: string): number => partitionSpan(p.split('/').slice(0, -1).join('/'))?.start ?? -Infinity;
  files.sort((a, b) => when(a.path) - when(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of files) {
    onFile?.(file);
    const kind = fileFormatOf(file.path, o.format);
    if (kind === 'csv') {
      await readCsvFile(storage, file, sink, o, formats, limits);
    } else if (kind === 'parquet') {
      await readParquetFile(storage, file, sink, o, formats, limits);
    } else {
      await readJsonFile(storage, file, sink, o, formats, limits);
    }
  }
  const summary: GroundTruthSummary = {
    location: storage.location,
    files: files.length,
    rows: sink.rows,
    labels: store.size,
    duplicate_labels: store.duplicates,
    pruned_folders: pruned,
    rows_by_format: formats,
  };
  // Present only when something happened, so the report of a clean run keeps its shape.
  if (sink.unreadable.unreadable_files !== undefined) summary.unreadable_files = sink.unreadable.unreadable_files;
  if (skipped !== undefined) summary.skipped_files = skipped;
  return { store, summary, bytes: files.reduce((n, f) => n + (f.size ?? 0), 0) };
}
