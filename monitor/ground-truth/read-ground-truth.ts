/**
 * @module Reads ground-truth labels into the label store.
 *
 * Formats, detected per file unless MPM_GROUND_TRUTH_FORMAT says otherwise: (1) the seed's rows
 * {"InferenceId","payload_index","groundTruthLabel"} as a JSON array or JSON Lines (field names configurable);
 * (2) SageMaker's {"groundTruthData":{"data","encoding"},"eventMetadata":{"eventId"}}, whose data may hold one label
 * per record of the request; (3) CSV with a header; (4) Parquet. Files are read oldest partition first, then by
 * name, so that for a key read twice the latest label wins (and the duplicate is counted).
 */
import { loneSurrogateAt } from '../ingest/lone-surrogate.ts';
import type { MonitorConfig } from '../config/load-config.ts';
import type { Storage, StorageFile } from '../storage/storage.ts';
import { describeValue } from '../ingest/describe-value.ts';
import { decodeGroundTruthData } from '../ingest/ground-truth-data.ts';
import { type InputErrorTally, type InputErrorReason } from '../ingest/input-errors.ts';
import { UnreadableInput } from '../ingest/open-input.ts';
import { DEFAULT_READ_LIMITS, type ReadLimits } from '../ingest/read-limits.ts';
import { noteUnreadable, type UnreadableFiles } from '../ingest/unreadable-files.ts';
import { partitionSpan, walkFiles, type SkippedFiles, type TimeRange } from '../ingest/walk.ts';
import { bytesLost, cellOf, fieldOf, findColumn, ID_COLUMN_FALLBACKS, openRows, type Row, type RowFile, type RowLayout } from '../ingest/table-rows.ts';
import { hashKey, hashKeyAscii, type KeyHash } from '../join/key-hash.ts';
import { LabelRowScanner, plainIndex, TokenKind, tokenValue } from './label-row-scan.ts';
import { LabelTokenCache } from './label-token-cache.ts';
import { LabelStore } from '../join/label-store.ts';
import type { LabelCodec } from '../join/label-codec.ts';
import type { BinaryClasses } from '../metrics/binary-classes.ts';
import { canonicalLabel } from '../metrics/labels.ts';

export interface GroundTruthOptions {
  format: MonitorConfig['groundTruth']['format'];
  idField: string;
  indexField: string;
  labelField: string;
  range: TimeRange;
  /** Limits on lines and files (default DEFAULT_READ_LIMITS). */
  limits?: ReadLimits;
  /** BinaryClassification: the two classes; a third label is gt_label_not_binary. */
  binary?: BinaryClasses;
}

/** The largest payload_index a label may have: the join key hashes it as a 32-bit integer (2^32 would be 0). */
const MAX_PAYLOAD_INDEX = 2_147_483_647;

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
const INDEX_FALLBACKS = ['payload_index', 'payloadIndex'];
const LABEL_FALLBACKS = ['groundTruthLabel', 'ground_truth_label', 'label', 'ground_truth', 'y_true', 'actual'];

/** Rows whose length sizes the label tables (see Sink.noteLine). */
const RESERVE_SAMPLE_ROWS = 16_384;

class Sink {
  private readonly key: KeyHash = { lo: 0, hi: 0 };
  rows = 0;
  /** Bytes of every file to read (compressed for .gz): with the first rows' length, how many labels to expect. */
  totalBytes = 0;
  #sampleRows = 0;
  #sampleBytes = 0;
  /** The last hour (epoch hours) of the partition of the file being read; -1 when it is in no dated folder. */
  partitionHour = -1;
  /** Where files that could not be read to their end are noted (the summary's unreadable_files). */
  readonly unreadable: { unreadable_files?: UnreadableFiles } = {};
  constructor(
    readonly store: LabelStore,
    readonly codec: LabelCodec,
    readonly tally: InputErrorTally,
    readonly binary: BinaryClasses | undefined,
  ) {}

  /** A file that could not be read (or used) to its end: one input error, and its unread bytes. */
  unreadableFile(reason: InputErrorReason, where: { file: string; line?: number }, detail: string, lostBytes: number, entirely: boolean): void {
    noteUnreadable(this.unreadable, this.tally, reason, { ...where, detail }, lostBytes, entirely);
  }

  /** Adds a label; gives the value stored, or undefined when the row is an input error (counted). */
  add(id: unknown, index: unknown, label: unknown, where: { file: string; line?: number }): number | undefined {
    this.rows++;
    const fail = (reason: InputErrorReason, detail: string): undefined => {
      this.tally.add(reason, { ...where, detail });
      return undefined;
    };
    // 64-bit integer ids (Parquet int64) keep every digit as text.
    const key = typeof id === 'bigint' ? String(id) : id;
    if (key === undefined || key === null || key === '' || (typeof key !== 'string' && typeof key !== 'number')) return fail('gt_missing_field', 'no inference id');
    // Ids are text: a JSON number id keeps its digits only when it is a whole number JSON parses exactly
    // (9007199254740993 reads as ...992, and joined that record's predictions).
    if (typeof key === 'number' && !Number.isSafeInteger(key)) return fail('gt_invalid_id', `inference id ${describeValue(key)} is a number that is not a whole number below 2^53 in size; write ids as strings`);
    // As a capture id: a lone surrogate (a \ud800 escape) is no text any file holds, and can match no stored id.
    if (typeof key === 'string' && loneSurrogateAt(key) >= 0) return fail('gt_invalid_id', 'inference id holds a lone surrogate: not valid Unicode');
    if (label === undefined || label === null) return fail('gt_missing_field', 'no label');
    let idx = 0;
    if (index !== undefined && index !== null && index !== '') {
      idx = typeof index === 'number' || typeof index === 'bigint' ? Number(index) : typeof index === 'string' && /^\s*\d+\s*$/.test(index) ? Number(index) : NaN;
      const shown = describeValue(typeof index === 'bigint' ? String(index) : index);
      if (!Number.isInteger(idx) || idx < 0) return fail('gt_invalid_payload_index', `payload_index ${shown}`);
      if (idx > MAX_PAYLOAD_INDEX) return fail('gt_invalid_payload_index', `payload_index ${shown} is above ${MAX_PAYLOAD_INDEX}`);
    }
    const plain = typeof label === 'bigint' ? Number(label) : label;
    if (this.binary !== undefined) {
      const canonical = canonicalLabel(plain);
      if (canonical !== undefined && !this.binary.accept(canonical)) return fail('gt_label_not_binary', this.binary.describeOutsider(canonical));
    }
    const value = this.codec.encode(plain);
    if (value === undefined) return fail('gt_invalid_label', labelDetail(plain));
    // A tagged store (the prediction store's label arrival) keeps each label's partition hour beside it.
    this.store.set(hashKey(String(key), idx, this.key), value, this.partitionHour);
    return value;
  }

  /**
   * Counts the bytes of a JSON Lines row. After the first RESERVE_SAMPLE_ROWS rows the label tables are sized once for
   * the labels the files' bytes promise at that row length (5% more), so that they do not double and rehash about
   * twenty times on the way (0.18 s of a 1 GB run's 0.9 s ground-truth read). An estimate off the mark costs only
   * growth as before (too low) or empty slots (too high; at most the table's cap).
   */
  noteLine(length: number): void {
    if (this.#sampleRows < 0) return;
    this.#sampleBytes += length + 1;
    if (++this.#sampleRows < RESERVE_SAMPLE_ROWS) return;
    const expected = Math.ceil(((this.totalBytes * RESERVE_SAMPLE_ROWS) / this.#sampleBytes) * 1.05);
    this.store.reserve(expected);
    this.#sampleRows = -1;
  }

  /** Labels of tokens already stored once (the scanned rows' fast way). */
  readonly #labels = new LabelTokenCache();

  /**
   * Adds a row the byte-level scanner read (fields: id, index, label), exactly as add() would the row JSON.parse
   * gives: the common spelling (an ASCII string id, a plain index, a label token stored before) without building a
   * string, anything else through add() with the values JSON.parse would give.
   */
  addScanned(line: Buffer, scan: LabelRowScanner, file: string, lineNumber: number): void {
    const labelKind = scan.kind[2]!;
    const idStart = scan.start[0]!;
    const idEnd = scan.end[0]!;
    const index = plainIndex(scan, line, 1, MAX_PAYLOAD_INDEX);
    const value = this.#labels.get(labelKind, line, scan.start[2]!, scan.end[2]!);
    if (scan.kind[0] === TokenKind.String && scan.ascii[0] === 1 && idEnd > idStart && index !== -1 && value !== undefined) {
      this.rows++;
      this.store.set(hashKeyAscii(line, idStart, idEnd, index < 0 ? 0 : index, this.key), value, this.partitionHour);
      return;
    }
    const stored = this.add(tokenValue(scan, line, 0), tokenValue(scan, line, 1), tokenValue(scan, line, 2), { file, line: lineNumber });
    if (stored !== undefined) this.#labels.set(labelKind, line, scan.start[2]!, scan.end[2]!, stored);
  }
}

/** Why a label is unusable, without repeating it at length (a label nested 5,000 deep was stringified into a stack overflow). */
function labelDetail(label: unknown): string {
  if (typeof label === 'number' && !Number.isFinite(label)) return `label ${describeValue(label)}: not a finite number (beyond double precision)`;
  if (label !== null && typeof label === 'object') return `label ${describeValue(label)}: an array or object is not a label`;
  return `label ${describeValue(label)}`;
}

type FileFormat = 'records' | 'sagemaker' | 'csv' | 'parquet' | 'json-auto';

function fileFormatOf(path: string, forced: GroundTruthOptions['format']): FileFormat {
  if (forced !== 'auto') return forced;
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.csv(\.gz)?$/i.test(path)) return 'csv';
  return 'json-auto';
}

function layoutOf(format: FileFormat): RowLayout {
  return format === 'csv' ? 'csv-header' : format === 'parquet' ? 'parquet' : 'json-auto';
}

function addJsonRow(row: unknown, sink: Sink, gt: GroundTruthOptions, where: { file: string; line?: number }, formats: Record<string, number>): void {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    // A row all the same: every row read is a label or one input error (the counts add up).
    sink.rows++;
    sink.tally.add('gt_missing_field', { ...where, detail: 'the row is not an object' });
    return;
  }
  const obj = row as Record<string, unknown>;
  if (gt.format === 'sagemaker' || (gt.format === 'auto' && Object.hasOwn(obj, 'groundTruthData'))) {
    formats.sagemaker = (formats.sagemaker ?? 0) + 1;
    const meta = (obj.eventMetadata ?? {}) as Record<string, unknown>;
    const id = meta.eventId ?? meta.inferenceId;
    const labels = decodeGroundTruthData(obj.groundTruthData);
    if (!(labels instanceof Map)) {
      sink.rows++;
      if (labels === undefined) sink.tally.add('gt_missing_field', { ...where, detail: 'groundTruthData has no data' });
      else sink.tally.add('gt_undecodable_data', { ...where, detail: labels.problem });
      return;
    }
    for (const [index, label] of labels) sink.add(id, index, label, where);
    return;
  }
  formats.records = (formats.records ?? 0) + 1;
  // The configured names, then the alternatives a CSV header's columns are found by ({"inferenceId", "label"} too).
  sink.add(fieldOf(obj, [gt.idField, ...ID_COLUMN_FALLBACKS]), fieldOf(obj, [gt.indexField, ...INDEX_FALLBACKS]), fieldOf(obj, [gt.labelField, ...LABEL_FALLBACKS]), where);
}

/** Whether a scanned row has the id, index and label fields; else JSON.parse's way looks for their alternatives (fieldOf). */
function hasAllFields(scanner: LabelRowScanner): boolean {
  return scanner.kind[0] !== TokenKind.Absent && scanner.kind[1] !== TokenKind.Absent && scanner.kind[2] !== TokenKind.Absent;
}


/**
 * Reads one ground-truth file into the sink. A file that cannot be read or used to its end (not gzip, cut short, a
 * broken read, a JSON array that does not parse or is too large, a CSV that breaks, no id or label column) is one
 * input error, and the bytes after its last row weigh in the error limit.
 */
async function readFile(storage: Storage, entry: StorageFile, sink: Sink, gt: GroundTruthOptions, formats: Record<string, number>): Promise<void> {
  const path = entry.path;
  const size = entry.size ?? 0;
  const display = storage.describe(path);
  const format = fileFormatOf(path, gt.format);
  const tabular = format === 'csv' || format === 'parquet';
  let file: RowFile | undefined;
  let lastLine = 0;
  // Bytes of the file read when the last row ended (compressed bytes for .gz, a little ahead).
  let readAtLastRow = 0;
  let columns: { id?: string; index?: string; label?: string } | undefined;
  let missing = false;
  try {
    file = await openRows(storage, path, layoutOf(format), gt.limits ?? DEFAULT_READ_LIMITS);
    const rows = file;
    // JSON Lines rows of the seed's flat shape are read from their bytes (label-row-scan.ts); others by JSON.parse.
    const scanner = !tabular && format !== 'sagemaker' ? new LabelRowScanner([gt.idField, gt.indexField, gt.labelField], gt.format === 'auto' ? ['groundTruthData'] : []) : undefined;
    const onJsonLine = scanner && ((bytes: Buffer, start: number, end: number, line: number): boolean => {
      if (!scanner.scan(bytes, start, end) || !hasAllFields(scanner)) return false;
      sink.noteLine(end - start);
      lastLine = line;
      readAtLastRow = rows.progress.rawBytes;
      formats.records = (formats.records ?? 0) + 1;
      sink.addScanned(bytes, scanner, display, line);
      return true;
    });
    await rows.forEach((row: Row) => {
      const where = { file: display, line: row.line === 0 ? undefined : row.line };
      if ('problem' in row) {
        if (row.line === 0 || row.problem === 'unreadable') {
          // A JSON array that does not parse, or a CSV that breaks: the rest of the file is lost.
          const detail = row.line === 0 ? `the JSON array is not valid JSON (${row.detail})` : row.detail;
          return sink.unreadableFile('gt_unreadable_file', where, detail, bytesLost(row, rows.progress, size, readAtLastRow), lastLine === 0);
        }
        lastLine = row.line;
        readAtLastRow = rows.progress.rawBytes;
        sink.rows++;
        return sink.tally.add(row.problem === 'too_long' ? 'gt_line_too_long' : 'gt_invalid_json', { ...where, detail: row.detail });
      }
      lastLine = row.line;
      readAtLastRow = rows.progress.rawBytes;
      if (!tabular) return addJsonRow(row.value, sink, gt, where, formats);
      if (missing) return;
      if (columns === undefined) {
        const names = rows.columns ?? [];
        columns = { id: findColumn(names, [gt.idField, ...ID_COLUMN_FALLBACKS]), index: findColumn(names, [gt.indexField, ...INDEX_FALLBACKS]), label: findColumn(names, [gt.labelField, ...LABEL_FALLBACKS]) };
        if (!columns.id || !columns.label) {
          missing = true;
          const what = !columns.id ? `id column (${gt.idField})` : `label column (${gt.labelField})`;
          const shown = names.length > 20 ? `${names.slice(0, 20).join(', ')}, …` : names.join(', ');
          // Nothing of the file can be used: it weighs by its bytes, as an unreadable one.
          return sink.unreadableFile('gt_missing_field', format === 'csv' ? { file: display, line: 1 } : { file: display }, format === 'csv' ? `the header has no ${what}` : `no ${what}; columns: ${shown}`, size, true);
        }
      }
      formats[format] = (formats[format] ?? 0) + 1;
      sink.add(cellOf(row.value, columns.id, rows.columns), cellOf(row.value, columns.index, rows.columns), cellOf(row.value, columns.label, rows.columns), where);
    }, onJsonLine);
  } catch (error) {
    if (!(error instanceof UnreadableInput)) throw error;
    sink.unreadableFile('gt_unreadable_file', { file: display, line: lastLine + 1 }, error.message, size - readAtLastRow, lastLine === 0);
  } finally {
    if (file?.progress.trailingGarbage !== undefined) sink.tally.add('gt_gzip_trailing_garbage', { file: display, detail: file.progress.trailingGarbage });
  }
}

/**
 * Reads every ground-truth file in range into a label store. Also gives the bytes the files were listed with, which
 * the error gate weighs the unreadable bytes against.
 */
export async function readGroundTruth(
  storage: Storage,
  gt: GroundTruthOptions,
  codec: LabelCodec,
  tally: InputErrorTally,
  onFile?: (file: StorageFile) => void,
  partitions = false,
): Promise<{ store: LabelStore; summary: GroundTruthSummary; bytes: number }> {
  // `partitions`: each label's partition hour is kept as the store's tag (the prediction store's label arrival).
  const store = new LabelStore(1024, partitions);
  const sink = new Sink(store, codec, tally, gt.binary);
  const formats: Record<string, number> = {};
  let pruned = 0;
  let skipped: SkippedFiles | undefined;
  const files: StorageFile[] = [];
  const walk = walkFiles(storage, '', {
    range: gt.range,
    accept: (p) => ACCEPT.test(p),
    onPruned: () => pruned++,
    onSkipped: (_, why) => {
      skipped ??= {};
      skipped[why] = (skipped[why] ?? 0) + 1;
    },
  });
  for await (const f of walk) files.push(f);
  sink.totalBytes = files.reduce((n, f) => n + (f.size ?? 0), 0);
  // Oldest partition first (unpadded hour folders sort wrongly as text), then by path, so the latest label wins.
  const when = (p: string): number => partitionSpan(p.split('/').slice(0, -1).join('/'))?.start ?? -Infinity;
  files.sort((a, b) => when(a.path) - when(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of files) {
    onFile?.(file);
    const span = partitionSpan(file.path.split('/').slice(0, -1).join('/'));
    // Label arrival (prediction store): each label's partition, as the last hour it covers.
    sink.partitionHour = span === undefined ? -1 : Math.floor((span.end - 1) / 3_600_000);
    await readFile(storage, file, sink, gt, formats);
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
  return { store, summary, bytes: sink.totalBytes };
}
