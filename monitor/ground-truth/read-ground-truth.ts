/**
 * @module Reads ground-truth labels into the label store.
 *
 * Formats, detected per file unless MPM_GROUND_TRUTH_FORMAT says otherwise: (1) the seed's rows
 * {"InferenceId","payload_index","groundTruthLabel"} as a JSON array or JSON Lines (field names configurable);
 * (2) SageMaker's {"groundTruthData":{"data","encoding"},"eventMetadata":{"eventId"}}, whose data may hold one label
 * per record of the request; (3) CSV with a header; (4) Parquet. Files are read oldest partition first, then by
 * name, so that for a key read twice the latest label wins (and the duplicate is counted).
 */
import type { MonitorConfig } from '../config/load-config.ts';
import type { Storage, StorageFile } from '../storage/storage.ts';
import { decodeGroundTruthData } from '../ingest/ground-truth-data.ts';
import { type InputErrorTally, type InputErrorReason } from '../ingest/input-errors.ts';
import { partitionSpan, walkFiles, type TimeRange } from '../ingest/walk.ts';
import { cellOf, findColumn, ID_COLUMN_FALLBACKS, openRows, type Row, type RowLayout } from '../ingest/table-rows.ts';
import { hashKey, type KeyHash } from '../join/key-hash.ts';
import { LabelStore } from '../join/label-store.ts';
import type { LabelCodec } from '../join/label-codec.ts';

export interface GroundTruthOptions {
  format: MonitorConfig['groundTruth']['format'];
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
const INDEX_FALLBACKS = ['payload_index', 'payloadIndex'];
const LABEL_FALLBACKS = ['groundTruthLabel', 'ground_truth_label', 'label', 'ground_truth', 'y_true', 'actual'];

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
    // 64-bit integer ids (Parquet int64) keep every digit as text.
    const key = typeof id === 'bigint' ? String(id) : id;
    if (key === undefined || key === null || key === '' || (typeof key !== 'string' && typeof key !== 'number')) return fail('gt_missing_field', 'no inference id');
    if (label === undefined || label === null) return fail('gt_missing_field', 'no label');
    let idx = 0;
    if (index !== undefined && index !== null && index !== '') {
      idx = typeof index === 'number' || typeof index === 'bigint' ? Number(index) : typeof index === 'string' && /^\s*\d+\s*$/.test(index) ? Number(index) : NaN;
      if (!Number.isInteger(idx) || idx < 0) return fail('gt_invalid_payload_index', `payload_index ${JSON.stringify(typeof index === 'bigint' ? String(index) : index)}`);
    }
    const value = this.codec.encode(typeof label === 'bigint' ? Number(label) : label);
    if (value === undefined) return fail('gt_invalid_label', `label ${JSON.stringify(label)}`);
    this.store.set(hashKey(String(key), idx, this.key), value);
  }
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
    sink.tally.add('gt_missing_field', { ...where, detail: 'the row is not an object' });
    return;
  }
  const obj = row as Record<string, unknown>;
  if (gt.format === 'sagemaker' || (gt.format === 'auto' && Object.hasOwn(obj, 'groundTruthData'))) {
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
  sink.add(cellOf(obj, gt.idField), cellOf(obj, gt.indexField), cellOf(obj, gt.labelField), where);
}

/** Reads one ground-truth file into the sink. */
async function readFile(storage: Storage, path: string, sink: Sink, gt: GroundTruthOptions, formats: Record<string, number>): Promise<void> {
  const display = storage.describe(path);
  const format = fileFormatOf(path, gt.format);
  const tabular = format === 'csv' || format === 'parquet';
  let file;
  try {
    file = await openRows(storage, path, layoutOf(format));
  } catch (error) {
    sink.tally.add('gt_unreadable_file', { file: display, detail: (error as Error).message });
    return;
  }
  let columns: { id?: string; index?: string; label?: string } | undefined;
  let missing = false;
  await file.forEach((row: Row) => {
    const where = { file: display, line: row.line === 0 ? undefined : row.line };
    if ('problem' in row) {
      if (row.problem === 'unreadable') return sink.tally.add('gt_unreadable_file', { ...where, detail: row.detail });
      // A JSON Lines line counts as a row; a JSON array that does not parse is one error for the file.
      if (row.line > 0) sink.rows++;
      return sink.tally.add('gt_invalid_json', { ...where, detail: row.detail });
    }
    if (!tabular) return addJsonRow(row.value, sink, gt, where, formats);
    if (missing) return;
    if (columns === undefined) {
      const names = file.columns ?? [];
      columns = { id: findColumn(names, [gt.idField, ...ID_COLUMN_FALLBACKS]), index: findColumn(names, [gt.indexField, ...INDEX_FALLBACKS]), label: findColumn(names, [gt.labelField, ...LABEL_FALLBACKS]) };
      if (!columns.id || !columns.label) {
        missing = true;
        const what = !columns.id ? `id column (${gt.idField})` : `label column (${gt.labelField})`;
        sink.tally.add('gt_missing_field', format === 'csv' ? { file: display, line: 1, detail: `the header has no ${what}` } : { file: display, detail: `no ${what}; columns: ${names.join(', ')}` });
        return;
      }
    }
    formats[format] = (formats[format] ?? 0) + 1;
    sink.add(cellOf(row.value, columns.id, file.columns), cellOf(row.value, columns.index, file.columns), cellOf(row.value, columns.label, file.columns), where);
  });
}

/** Reads every ground-truth file in range into a label store. */
export async function readGroundTruth(
  storage: Storage,
  gt: GroundTruthOptions,
  codec: LabelCodec,
  tally: InputErrorTally,
  onFile?: (file: StorageFile) => void,
): Promise<{ store: LabelStore; summary: GroundTruthSummary }> {
  const store = new LabelStore();
  const sink = new Sink(store, codec, tally);
  const formats: Record<string, number> = {};
  let pruned = 0;
  const files: StorageFile[] = [];
  for await (const f of walkFiles(storage, '', { range: gt.range, accept: (p) => ACCEPT.test(p), onPruned: () => pruned++ })) files.push(f);
  // Oldest partition first (unpadded hour folders sort wrongly as text), then by path, so the latest label wins.
  const when = (p: string): number => partitionSpan(p.split('/').slice(0, -1).join('/'))?.start ?? -Infinity;
  files.sort((a, b) => when(a.path) - when(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of files) {
    onFile?.(file);
    await readFile(storage, file.path, sink, gt, formats);
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
