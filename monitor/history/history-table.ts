/**
 * @module The history's Parquet table: all runs' metrics in long format, one row per run, window and metric (plus
 * estimates, data-quality feature statistics and the violations), for pandas, DuckDB or Athena. Rows are buffered
 * column by column in batches of BATCH_ROWS and handed to parquet-wasm's streaming writer one Arrow record batch at a time, so memory
 * holds one batch of rows and the compressed output, never every report. Column meanings: docs/history.md.
 */
import { Bool, Field, Float64, Int64, RecordBatch, Schema, Struct, Table, TimeUnit, Timestamp, Utf8, makeData, tableToIPC, type Data, type DataType } from 'apache-arrow';
import { loadParquetWasm } from '../ingest/parquet.ts';
import { TOOL_VERSION } from '../report/build-run-report.ts';
import type { RunRecord, ViolationPoint } from './run-record.ts';

/** Version of the table's columns and meanings (in the file's key-value metadata as mpm.history.table_version). */
export const HISTORY_TABLE_VERSION = 1;
/** Rows per Arrow record batch and per Parquet row group. */
export const BATCH_ROWS = 16_384;

const timestamp = (): DataType => new Timestamp(TimeUnit.MILLISECOND, 'UTC');

/** The columns, in order: name, Arrow type, nullable. */
export const HISTORY_COLUMNS = [
  ['endpoint', new Utf8(), true],
  ['monitoring_schedule', new Utf8(), true],
  ['analysis', new Utf8(), false],
  ['problem_type', new Utf8(), true],
  ['run_path', new Utf8(), false],
  ['window_start', timestamp(), false],
  ['window_end', timestamp(), false],
  ['window_source', new Utf8(), false],
  ['evaluation_time', timestamp(), true],
  ['run_status', new Utf8(), false],
  ['item_count', new Int64(), true],
  ['predictions', new Int64(), true],
  ['joined', new Int64(), true],
  ['ground_truth_coverage', new Float64(), true],
  ['kind', new Utf8(), false],
  ['metric', new Utf8(), false],
  ['feature', new Utf8(), true],
  ['value', new Float64(), true],
  ['standard_deviation', new Float64(), true],
  ['standard_error', new Float64(), true],
  ['lower', new Float64(), true],
  ['upper', new Float64(), true],
  ['threshold', new Float64(), true],
  ['comparison_operator', new Utf8(), true],
  ['status', new Utf8(), true],
  ['check_type', new Utf8(), true],
  ['description', new Utf8(), true],
  ['synthetic', new Bool(), false],
] as const;

export type HistoryColumn = (typeof HISTORY_COLUMNS)[number][0];
export type HistoryRow = Record<HistoryColumn, string | number | boolean | null>;

const SCHEMA = new Schema(HISTORY_COLUMNS.map(([name, type, nullable]) => new Field(name, type, nullable)));
const SYNTHETIC_METRIC = 'mpm_synthetic_violation_test';

/** What one row adds to its run's columns (the rest are null, synthetic false). */
interface RowFields {
  feature?: string | null;
  value?: number | null;
  standard_deviation?: number | null;
  standard_error?: number | null;
  lower?: number | null;
  upper?: number | null;
  threshold?: number | null;
  comparison_operator?: string | null;
  status?: string | null;
  check_type?: string | null;
  description?: string | null;
  synthetic?: boolean;
  /** An estimate of another window than the run's. */
  window_start?: number;
  window_end?: number;
}

type Emit = (kind: string, metric: string, fields: RowFields) => void;

/**
 * Emits the rows of one run, in a fixed order: the run's own row (kind "run": its violation count, its message),
 * then metrics, estimates, features and violations. Every run has its run row, so a failed run is in the table too.
 */
function emitRows(run: RunRecord, emit: Emit): void {
  emit('run', 'violation_count', { value: run.violations.length + run.violationsDropped, description: run.message });
  for (const m of run.metrics) {
    emit('metric', m.metric, { value: m.value, standard_deviation: m.standardDeviation, threshold: m.threshold, comparison_operator: m.operator, status: m.status });
  }
  const estimated = run.estimateWindow ? { window_start: run.estimateWindow.start, window_end: run.estimateWindow.end } : {};
  for (const e of run.estimates) {
    emit('estimate', e.metric, { ...estimated, value: e.value, standard_error: e.standardError, lower: e.lower, upper: e.upper, threshold: e.threshold, comparison_operator: e.operator, status: e.status });
  }
  const byFeature = new Map<string, ViolationPoint[]>();
  for (const v of run.violations) if (v.feature) (byFeature.get(v.subject!) ?? byFeature.set(v.subject!, []).get(v.subject!)!).push(v);
  for (const f of run.features) {
    const checks = byFeature.get(f.feature) ?? [];
    const completenessViolated = checks.some((v) => v.checkType === 'completeness_check');
    const stats: Array<[string, number | null]> = [
      ['completeness', f.completeness],
      ['num_present', f.numPresent],
      ['num_missing', f.numMissing],
      ['mean', f.mean],
      ['standard_deviation', f.standardDeviation],
      ['min', f.min],
      ['max', f.max],
      ['distinct_count', f.distinctCount],
    ];
    for (const [metric, value] of stats) {
      if (value === null) continue;
      emit('feature', metric, { feature: f.feature, value, status: metric === 'completeness' && completenessViolated ? 'violated' : null });
    }
    const drift = checks.find((v) => v.checkType === 'baseline_drift_check');
    if (drift) emit('feature', 'baseline_drift', { feature: f.feature, value: drift.value, threshold: drift.threshold, status: 'violated' });
  }
  for (const v of run.violations) {
    emit('violation', v.feature ? v.checkType : (v.subject ?? v.checkType), {
      feature: v.feature ? v.subject : null,
      value: v.value,
      threshold: v.threshold,
      status: 'violated',
      check_type: v.checkType,
      description: v.description,
      synthetic: v.subject === SYNTHETIC_METRIC,
    });
  }
}

/** How each column's value is found: from the run, the row's kind and metric, or the row's fields. */
const VALUE_OF: Record<HistoryColumn, (run: RunRecord, kind: string, metric: string, f: RowFields) => string | number | boolean | null> = {
  endpoint: (r) => r.endpoint,
  monitoring_schedule: (r) => r.schedule,
  analysis: (r) => r.analysis,
  problem_type: (r) => r.problemType,
  run_path: (r) => r.path,
  window_start: (r, _k, _m, f) => f.window_start ?? r.window.start,
  window_end: (r, _k, _m, f) => f.window_end ?? r.window.end,
  window_source: (r) => r.windowSource,
  evaluation_time: (r) => r.evaluationTime,
  run_status: (r) => r.status,
  item_count: (r) => r.itemCount,
  predictions: (r) => r.predictions,
  joined: (r) => r.joined,
  ground_truth_coverage: (r) => r.coverage,
  kind: (_r, k) => k,
  metric: (_r, _k, m) => m,
  feature: (_r, _k, _m, f) => f.feature ?? null,
  value: (_r, _k, _m, f) => f.value ?? null,
  standard_deviation: (_r, _k, _m, f) => f.standard_deviation ?? null,
  standard_error: (_r, _k, _m, f) => f.standard_error ?? null,
  lower: (_r, _k, _m, f) => f.lower ?? null,
  upper: (_r, _k, _m, f) => f.upper ?? null,
  threshold: (_r, _k, _m, f) => f.threshold ?? null,
  comparison_operator: (_r, _k, _m, f) => f.comparison_operator ?? null,
  status: (_r, _k, _m, f) => f.status ?? null,
  check_type: (_r, _k, _m, f) => f.check_type ?? null,
  description: (_r, _k, _m, f) => f.description ?? null,
  synthetic: (_r, _k, _m, f) => f.synthetic ?? false,
};
const COLUMN_NAMES = HISTORY_COLUMNS.map(([name]) => name);
const GETTERS = COLUMN_NAMES.map((name) => VALUE_OF[name]);

/** The rows of one run as objects (for tests and small uses; the writer fills columns directly). */
export function rowsOfRun(run: RunRecord): HistoryRow[] {
  const rows: HistoryRow[] = [];
  emitRows(run, (kind, metric, f) => rows.push(Object.fromEntries(COLUMN_NAMES.map((name, i) => [name, GETTERS[i]!(run, kind, metric, f)])) as HistoryRow));
  return rows;
}

/** A null bitmap (bit set = valid) for `values`, and the null count. */
function validity(values: readonly unknown[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { nullBitmap, nullCount };
}

/** Arrow data for one column, built directly (vectorFromArray's builders cost ~25 µs per string). */
function columnData(type: DataType, values: readonly unknown[]): Data {
  const length = values.length;
  const { nullBitmap, nullCount } = validity(values);
  if (type instanceof Utf8) {
    const valueOffsets = new Int32Array(length + 1);
    let bytes = 0;
    for (let i = 0; i < length; i++) {
      const v = values[i];
      if (typeof v === 'string') bytes += Buffer.byteLength(v, 'utf8');
      valueOffsets[i + 1] = bytes;
    }
    const data = Buffer.alloc(bytes);
    for (let i = 0; i < length; i++) {
      const v = values[i];
      if (typeof v === 'string') data.write(v, valueOffsets[i]!, 'utf8');
    }
    return makeData({ type, length, nullCount, nullBitmap, valueOffsets, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  }
  if (type instanceof Float64) {
    const data = new Float64Array(length);
    for (let i = 0; i < length; i++) if (typeof values[i] === 'number') data[i] = values[i] as number;
    return makeData({ type, length, nullCount, nullBitmap, data });
  }
  if (type instanceof Bool) {
    const data = new Uint8Array(Math.ceil(length / 8));
    for (let i = 0; i < length; i++) if (values[i] === true) data[i >> 3]! |= 1 << (i & 7);
    return makeData({ type, length, nullCount, nullBitmap, data });
  }
  // Int64 counts and millisecond timestamps: whole numbers as 64-bit integers (a non-integer count is null).
  const data = new BigInt64Array(length);
  const valid = nullBitmap;
  let nulls = nullCount;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (typeof v !== 'number') continue;
    if (Number.isSafeInteger(v)) data[i] = BigInt(v);
    else if (valid[i >> 3]! & (1 << (i & 7))) {
      valid[i >> 3]! &= ~(1 << (i & 7));
      nulls++;
    }
  }
  return makeData({ type: type as Int64, length, nullCount: nulls, nullBitmap: valid, data });
}

/** Streams rows into a Parquet file held in memory (compressed). */
export class HistoryTableWriter {
  #columns: unknown[][] = COLUMN_NAMES.map(() => []);
  #pending = 0;
  #rowCount = 0;
  #controller!: ReadableStreamDefaultController<unknown>;
  #output: Promise<Uint8Array> | undefined;
  #started: Promise<void>;

  constructor() {
    this.#started = this.#start();
  }

  /** Rows written so far. */
  get rowCount(): number {
    return this.#rowCount;
  }

  async #start(): Promise<void> {
    const pw = await loadParquetWasm();
    const batches = new ReadableStream<unknown>({ start: (controller) => void (this.#controller = controller) });
    const properties = new pw.WriterPropertiesBuilder()
      .setCompression(pw.Compression.SNAPPY)
      .setMaxRowGroupSize(BATCH_ROWS)
      .setCreatedBy(`mpm ${TOOL_VERSION} (parquet-wasm)`)
      .setKeyValueMetadata(new Map([['mpm.history.table_version', String(HISTORY_TABLE_VERSION)]]))
      .build();
    // The writer reads the first batch before it resolves: it must not be awaited before batches are enqueued.
    this.#output = (async () => {
      const bytes = await pw.transformParquetStream(batches, properties);
      const chunks: Uint8Array[] = [];
      for await (const chunk of bytes as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
      return Buffer.concat(chunks);
    })();
    this.#output.catch(() => undefined);
  }

  /** Adds one run's rows. */
  async addRun(run: RunRecord): Promise<void> {
    emitRows(run, (kind, metric, f) => {
      for (let i = 0; i < GETTERS.length; i++) this.#columns[i]!.push(GETTERS[i]!(run, kind, metric, f));
      this.#pending++;
    });
    if (this.#pending >= BATCH_ROWS) await this.#flush();
  }

  async #flush(): Promise<void> {
    await this.#started;
    const pw = await loadParquetWasm();
    const columns = this.#columns;
    const length = this.#pending;
    this.#columns = COLUMN_NAMES.map(() => []);
    this.#pending = 0;
    const children = HISTORY_COLUMNS.map(([, type], i) => columnData(type, columns[i]!));
    const batch = new RecordBatch(SCHEMA, makeData({ type: new Struct(SCHEMA.fields), length, nullCount: 0, children }));
    this.#controller.enqueue(pw.Table.fromIPCStream(tableToIPC(new Table(SCHEMA, [batch]), 'stream')).recordBatch(0));
    this.#rowCount += length;
  }

  /** Writes the last batch (an empty one when there were no rows, so the file has its schema) and returns the file. */
  async finish(): Promise<Uint8Array> {
    await this.#started;
    if (this.#pending > 0 || this.#rowCount === 0) await this.#flush();
    this.#controller.close();
    return this.#output!;
  }
}
