/**
 * @module Reads ground-truth labels into the label store.
 *
 * Formats, detected per file unless MPM_GROUND_TRUTH_FORMAT says otherwise: (1) the seed's rows
 * {"InferenceId","payload_index","groundTruthLabel"} as a JSON array or JSON Lines (field names configurable);
 * (2) SageMaker's {"groundTruthData":{"data","encoding"},"eventMetadata":{"eventId"}}, whose data may hold one label
 * per record of the request; (3) CSV with a header; (4) Parquet. Files are read oldest partition first, then by
 * name, so that for a key read twice the latest label wins (and the duplicate is counted).
 */
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { readParquetTable } from '../ingest/parquet.ts';
import type { GroundTruthFormat } from '../config/load-config.ts';
import type { Storage, StorageFile } from '../storage/storage.ts';
import { forEachLine } from '../ingest/read-lines.ts';
import { decodeGroundTruthData } from '../ingest/ground-truth-data.ts';
import { InputErrorTally, type InputErrorReason } from '../ingest/input-errors.ts';
import { partitionSpan, walkFiles, type TimeRange } from '../ingest/walk.ts';
import { hashKey, type KeyHash } from '../join/key-hash.ts';
import { LabelStore } from '../join/label-store.ts';
import type { LabelCodec } from './label-values.ts';

export interface GroundTruthOptions {
  format: GroundTruthFormat;
  idField: string;
  indexField: string;
  labelField: string;
  range: TimeRange;
}

export interface GroundTruthSummary {
  location: string;
  files: number;
  rows: number;
  labels: number;
  duplicate_labels: number;
  pruned_folders: number;
  /** Rows read by format: records (the seed's), sagemaker, csv, parquet. */
  rows_by_format: Record<string, number>;
}

const ACCEPT = /\.(jsonl|json|jsonlines|ndjson|csv)(\.gz)?$|\.parquet$/i;

class Sink {
  private readonly key: KeyHash = { lo: 0, hi: 0 };
  rows = 0;
  constructor(
    readonly store: LabelStore,
    readonly codec: LabelCodec,
    readonly tally: InputErrorTally,
  ) {}

  add(id: unknown, index: unknown, label: unknown, where: { file: string; line?: number }): void {
    this.rows++;
    const fail = (reason: InputErrorReason, detail: string): void => this.tally.add(reason, { ...where, detail });
    if (id === undefined || id === null || id === '' || (typeof id !== 'string' && typeof id !== 'number')) return fail('gt_missing_field', 'no inference id');
    if (label === undefined || label === null) return fail('gt_missing_field', 'no label');
    let idx = 0;
    if (index !== undefined && index !== null && index !== '') {
      idx = typeof index === 'number' ? index : typeof index === 'string' && /^\s*\d+\s*$/.test(index) ? Number(index) : NaN;
      if (!Number.isInteger(idx) || idx < 0) return fail('gt_invalid_payload_index', `payload_index ${JSON.stringify(index)}`);
    }
    const value = this.codec.encode(label);
    if (value === undefined) return fail('gt_invalid_label', `label ${JSON.stringify(label)}`);
    this.store.set(hashKey(String(id), idx, this.key), value);
  }
}

type FileFormat = 'records' | 'sagemaker' | 'csv' | 'parquet';

function fileFormatOf(path: string, forced: GroundTruthFormat): FileFormat | 'json-auto' {
  if (forced !== 'auto') return forced;
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.csv(\.gz)?$/i.test(path)) return 'csv';
  return 'json-auto';
}

async function open(storage: Storage, path: string): Promise<Readable> {
  const raw = await storage.openRead(path);
  return /\.gz$/i.test(path) ? raw.pipe(createGunzip()) : raw;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks).toString('utf8');
}

function addJsonRow(row: unknown, sink: Sink, o: GroundTruthOptions, where: { file: string; line?: number }, formats: Record<string, number>): void {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
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

async function readJsonFile(storage: Storage, file: string, sink: Sink, o: GroundTruthOptions, formats: Record<string, number>): Promise<void> {
  const display = storage.describe(file);
  const stream = await open(storage, file);
  // Peek at the first byte: a JSON array (the seed's files) is parsed whole; anything else is JSON Lines.
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value as string);
  const rest = (async function* () {
    yield head;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value as Buffer;
  })();
  const replay = Readable.from(rest);
  if (head.toString('utf8', 0, Math.min(head.length, 64)).trimStart().startsWith('[')) {
    const text = await readAll(replay);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      sink.tally.add('gt_invalid_json', { file: display, detail: (error as Error).message });
      return;
    }
    const rows = parsed as unknown[];
    rows.forEach((row, i) => addJsonRow(row, sink, o, { file: display, line: i + 1 }, formats));
    return;
  }
  await forEachLine(replay, (line, lineNumber) => {
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      sink.rows++;
      sink.tally.add('gt_invalid_json', { file: display, line: lineNumber, detail: (error as Error).message });
      return;
    }
    addJsonRow(row, sink, o, { file: display, line: lineNumber }, formats);
  });
}

function pickColumn(columns: string[], preferred: string, fallbacks: string[]): string | undefined {
  return [preferred, ...fallbacks].find((c) => columns.includes(c));
}
const ID_FALLBACKS = ['InferenceId', 'inferenceId', 'inference_id', 'eventId', 'event_id', 'SageMakerInferenceId'];
const INDEX_FALLBACKS = ['payload_index', 'payloadIndex'];
const LABEL_FALLBACKS = ['groundTruthLabel', 'ground_truth_label', 'label', 'ground_truth', 'y_true', 'actual'];

async function readCsvFile(storage: Storage, file: string, sink: Sink, o: GroundTruthOptions, formats: Record<string, number>): Promise<void> {
  const display = storage.describe(file);
  const parser = (await open(storage, file)).pipe(parseCsv({ columns: true, skip_empty_lines: true, trim: true, bom: true }));
  let cols: { id?: string; index?: string; label?: string } | undefined;
  let line = 1;
  try {
    for await (const row of parser as AsyncIterable<Record<string, string>>) {
      line++;
      if (!cols) {
        const names = Object.keys(row);
        cols = { id: pickColumn(names, o.idField, ID_FALLBACKS), index: pickColumn(names, o.indexField, INDEX_FALLBACKS), label: pickColumn(names, o.labelField, LABEL_FALLBACKS) };
        if (!cols.id || !cols.label) {
          sink.tally.add('gt_missing_field', { file: display, line: 1, detail: `the header has no ${!cols.id ? `id column (${o.idField})` : `label column (${o.labelField})`}` });
          return;
        }
      }
      sink.add(row[cols.id!], cols.index ? row[cols.index] : undefined, row[cols.label!], { file: display, line });
      formats.csv = (formats.csv ?? 0) + 1;
    }
  } catch (error) {
    sink.tally.add('gt_unreadable_file', { file: display, line, detail: (error as Error).message });
  }
}

async function readParquetFile(storage: Storage, file: string, sink: Sink, o: GroundTruthOptions, formats: Record<string, number>): Promise<void> {
  const display = storage.describe(file);
  try {
    const table = await readParquetTable(new Uint8Array(await storage.readFile(file)));
    const names = table.schema.fields.map((f) => f.name);
    const id = pickColumn(names, o.idField, ID_FALLBACKS);
    const index = pickColumn(names, o.indexField, INDEX_FALLBACKS);
    const label = pickColumn(names, o.labelField, LABEL_FALLBACKS);
    if (!id || !label) {
      sink.tally.add('gt_missing_field', { file: display, detail: `no ${!id ? `id column (${o.idField})` : `label column (${o.labelField})`}; columns: ${names.join(', ')}` });
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
    sink.tally.add('gt_unreadable_file', { file: display, detail: (error as Error).message });
  }
}

/** Reads every ground-truth file in range into a label store. */
export async function readGroundTruth(
  storage: Storage,
  o: GroundTruthOptions,
  codec: LabelCodec,
  tally: InputErrorTally,
  onFile?: (file: StorageFile) => void,
): Promise<{ store: LabelStore; summary: GroundTruthSummary }> {
  const store = new LabelStore();
  const sink = new Sink(store, codec, tally);
  const formats: Record<string, number> = {};
  let pruned = 0;
  const files: StorageFile[] = [];
  for await (const f of walkFiles(storage, '', { range: o.range, accept: (p) => ACCEPT.test(p), onPruned: () => pruned++ })) files.push(f);
  // Oldest partition first (unpadded hour folders sort wrongly as text), then by path, so the latest label wins.
  const when = (p: string): number => partitionSpan(p.split('/').slice(0, -1).join('/'))?.start ?? -Infinity;
  files.sort((a, b) => when(a.path) - when(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of files) {
    onFile?.(file);
    const kind = fileFormatOf(file.path, o.format);
    if (kind === 'csv') {
      await readCsvFile(storage, file.path, sink, o, formats);
    } else if (kind === 'parquet') {
      await readParquetFile(storage, file.path, sink, o, formats);
    } else {
      await readJsonFile(storage, file.path, sink, o, formats);
    }
  }
  return {
    store,
    summary: {
      location: storage.location,
      files: files.length,
      rows: sink.rows,
      labels: store.size,
      duplicate_labels: store.duplicates,
      pruned_folders: pruned,
      rows_by_format: formats,
    },
  };
}
