/**
 * @module The history's Parquet table: all runs' metrics in long format, one row per run, window and metric (plus
 * estimates, data-quality feature statistics and the violations), for pandas, DuckDB or Athena. Rows are buffered
 * in batches of BATCH_ROWS and handed to parquet-wasm's streaming writer one Arrow record batch at a time, so memory
 * holds one batch of rows and the compressed output, never every report. Column meanings: docs/history.md.
 */
import { Bool, Field, Float64, Int64, RecordBatch, Schema, Struct, Table, TimeUnit, Timestamp, Utf8, makeData, tableToIPC, vectorFromArray, type DataType } from 'apache-arrow';
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

function count(value: number | null): bigint | null {
  return value !== null && Number.isSafeInteger(value) ? BigInt(value) : null;
}

/** The rows of one run, in a fixed order: metrics, estimates, features, violations. */
export function rowsOfRun(run: RunRecord): HistoryRow[] {
  const base = {
    endpoint: run.endpoint,
    monitoring_schedule: run.schedule,
    analysis: run.analysis,
    problem_type: run.problemType,
    run_path: run.path,
    window_start: run.window.start,
    window_end: run.window.end,
    window_source: run.windowSource,
    evaluation_time: run.evaluationTime,
    run_status: run.status,
    item_count: run.itemCount,
    predictions: run.predictions,
    joined: run.joined,
    ground_truth_coverage: run.coverage,
  };
  const empty = { feature: null, value: null, standard_deviation: null, standard_error: null, lower: null, upper: null, threshold: null, comparison_operator: null, status: null, check_type: null, description: null, synthetic: false };
  const rows: HistoryRow[] = [];
  for (const m of run.metrics) {
    rows.push({ ...base, ...empty, kind: 'metric', metric: m.metric, value: m.value, standard_deviation: m.standardDeviation, threshold: m.threshold, comparison_operator: m.operator, status: m.status });
  }
  const estimated = run.estimateWindow ? { window_start: run.estimateWindow.start, window_end: run.estimateWindow.end } : {};
  for (const e of run.estimates) {
    rows.push({ ...base, ...estimated, ...empty, kind: 'estimate', metric: e.metric, value: e.value, standard_error: e.standardError, lower: e.lower, upper: e.upper, threshold: e.threshold, comparison_operator: e.operator, status: e.status });
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
      const status = metric === 'completeness' && checks.length > 0 ? (completenessViolated ? 'violated' : null) : null;
      rows.push({ ...base, ...empty, kind: 'feature', metric, feature: f.feature, value, status });
    }
    const drift = checks.find((v) => v.checkType === 'baseline_drift_check');
    if (drift) rows.push({ ...base, ...empty, kind: 'feature', metric: 'baseline_drift', feature: f.feature, value: drift.value, threshold: drift.threshold, status: 'violated' });
  }
  for (const v of run.violations) {
    rows.push({
      ...base,
      ...empty,
      kind: 'violation',
      metric: v.feature ? v.checkType : (v.subject ?? v.checkType),
      feature: v.feature ? v.subject : null,
      value: v.value,
      threshold: v.threshold,
      status: 'violated',
      check_type: v.checkType,
      description: v.description,
      synthetic: v.subject === SYNTHETIC_METRIC,
    });
  }
  return rows;
}

/** Streams rows into a Parquet file held in memory (compressed). */
export class HistoryTableWriter {
  #rows: HistoryRow[] = [];
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
    for (const row of rowsOfRun(run)) {
      this.#rows.push(row);
      if (this.#rows.length >= BATCH_ROWS) await this.#flush();
    }
  }

  async #flush(): Promise<void> {
    await this.#started;
    const pw = await loadParquetWasm();
    const rows = this.#rows;
    this.#rows = [];
    const children = HISTORY_COLUMNS.map(([name, type]) => vectorFromArray(rows.map((r) => (type instanceof Int64 ? count(r[name] as number | null) : r[name])), type).data[0]!);
    const batch = new RecordBatch(SCHEMA, makeData({ type: new Struct(SCHEMA.fields), length: rows.length, nullCount: 0, children }));
    const table = new Table(SCHEMA, [batch]);
    this.#controller.enqueue(pw.Table.fromIPCStream(tableToIPC(table, 'stream')).recordBatch(0));
    this.#rowCount += rows.length;
  }

  /** Writes the last batch (an empty one when there were no rows, so the file has its schema) and returns the file. */
  async finish(): Promise<Uint8Array> {
    await this.#started;
    if (this.#rows.length > 0 || this.#rowCount === 0) await this.#flush();
    this.#controller.close();
    return this.#output!;
  }
}
