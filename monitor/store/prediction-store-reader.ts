/**
 * @module Reads a stored hour back: its manifests (one per endpoint variant), then each listed part row group by row
 * group, giving the capture records exactly as they were stored (every column; ids stay the strings they were).
 * Memory holds one part's compressed bytes (at most the hour; about 5 bytes per prediction on the bench data) and
 * one decoded row group. Each part's size and SHA-256 are checked against its manifest before it is decoded. A missing hour is `undefined` (the caller reports it as insufficient data, naming the
 * hour); a corrupt manifest or part, or a part that disagrees with its manifest, is an InputError naming its path.
 */
import { createHash } from 'node:crypto';
import { DataType, Precision, TimeUnit, tableFromIPC, type Data, type Table } from 'apache-arrow';
import { InputError } from '../errors.ts';
import type { RawPrediction } from '../ingest/extract-response.ts';
import type { Storage } from '../storage/storage.ts';
import { emptyCaptureFacts, mergeCaptureFacts, parseManifest, type HourCaptureFacts, type HourManifest, type PartEntry } from './hour-manifest.ts';
import { loadParquetWasm } from '../ingest/parquet.ts';
import { FfiScratch, tableFromFfi } from './arrow-ffi.ts';
import { LABEL_TYPES, loadLabel, PREDICTION_SCHEMA } from './prediction-schema.ts';
import { RequestIndexes } from './request-rows.ts';
import { SCHEMA_VERSION_KEY, STORE_SCHEMA_VERSION } from './store-version.ts';
import { checkSegment, formatHour, hourFolder, manifestPath, type HourAddress } from './store-layout.ts';

/** One capture record read back from the store. */
export interface StoredRecord {
  inferenceId?: string;
  eventId?: string;
  inferenceTime: number;
  predictions: RawPrediction[];
  /** The part file the record is in (for messages). */
  file: string;
  /** 1-based row of the record's first prediction in that file. */
  row: number;
}

/** A stored hour of an endpoint: the union of its variants' stored hours. */
export interface StoredHour {
  endpoint: string;
  hour: number;
  /** Manifests of the variants whose hour is stored, by variant name. */
  manifests: HourManifest[];
  /** Variants of the endpoint (folders in the store) whose hour is not stored. */
  missingVariants: string[];
  requests: number;
  records: number;
  /** Capture facts of the hour, summed over the variants. */
  capture: HourCaptureFacts;
  /** Where the hour's folders are (for messages and reports). */
  locations: string[];
  /** Reads the hour's records, part by part, row group by row group. */
  read(): AsyncGenerator<StoredRecord>;
  /** Reads the hour's rows batch by batch, column by column (no object per row). */
  batches(): AsyncGenerator<StoredBatch>;
}

/** The manifest of one variant's hour, or undefined when the hour is not stored. */
export async function readHourManifest(storage: Storage, address: HourAddress): Promise<HourManifest | undefined> {
  const path = manifestPath(address);
  if (!(await storage.exists(path))) return undefined;
  let text: string;
  try {
    text = (await storage.readFile(path)).toString('utf8');
  } catch (error) {
    // A manifest that is a folder (EISDIR) or cannot be read: the hour's store is damaged, an input error naming it.
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || error instanceof InputError) throw error;
    const why = code === 'ENOTREGULAR' ? 'it is not a regular file' : code;
    throw new InputError(`store: ${storage.describe(path)} cannot be read (${why})`, { cause: error });
  }
  return parseManifest(text, storage.describe(path), address);
}

export interface OpenStoredHourOptions {
  endpoint: string;
  /** Start of the hour (epoch ms, a whole hour). */
  hour: number;
  /** Variants to read; default every variant folder of the endpoint in the store. */
  variants?: string[];
  /** Input-error samples kept per reason when the variants' facts are summed. Default 10. */
  samplesPerReason?: number;
}

/** Opens a stored hour, or returns undefined when no variant of the endpoint has it. */
export async function openStoredHour(storage: Storage, o: OpenStoredHourOptions): Promise<StoredHour | undefined> {
  checkSegment(o.endpoint, 'endpoint_name');
  if (o.hour % 3_600_000 !== 0) throw new InputError(`store: ${new Date(o.hour).toISOString()} is not a whole hour`);
  const variants = o.variants ?? (await storage.listChildren(o.endpoint)).dirs.map((d) => d.slice(o.endpoint.length + 1));
  const manifests: HourManifest[] = [];
  const missingVariants: string[] = [];
  for (const variant of variants) {
    checkSegment(variant, 'the variant name');
    const m = await readHourManifest(storage, { endpoint: o.endpoint, variant, hour: o.hour });
    if (m === undefined) missingVariants.push(variant);
    else manifests.push(m);
  }
  if (manifests.length === 0) return undefined;
  const capture = emptyCaptureFacts();
  for (const m of manifests) mergeCaptureFacts(capture, m.capture, o.samplesPerReason ?? 10);
  return {
    endpoint: o.endpoint,
    hour: o.hour,
    manifests,
    missingVariants,
    requests: manifests.reduce((n, m) => n + m.requests, 0),
    records: manifests.reduce((n, m) => n + m.records, 0),
    capture,
    locations: manifests.map((m) => storage.describe(hourFolder({ endpoint: o.endpoint, variant: m.variant, hour: o.hour }))),
    read: () => readManifests(storage, o.endpoint, o.hour, manifests, readPart),
    batches: () => readManifests(storage, o.endpoint, o.hour, manifests, readPartBatches),
  };
}

async function* readManifests<T>(storage: Storage, endpoint: string, hour: number, manifests: HourManifest[], readOne: (storage: Storage, path: string, entry: PartEntry) => AsyncGenerator<T>): AsyncGenerator<T> {
  for (const m of manifests) {
    const folder = hourFolder({ endpoint, variant: m.variant, hour });
    for (const part of m.parts) yield* readOne(storage, `${folder}/${part.file}`, part);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function isValid(data: Data, i: number): boolean {
  if (data.nullCount === 0) return true;
  const bitmap = data.nullBitmap;
  return bitmap !== undefined && bitmap.length > 0 ? ((bitmap[i >> 3]! >> (i & 7)) & 1) === 1 : data.nullCount === 0;
}

/** Decodes every string of a Utf8 Data (a dictionary). */
function decodeAll(data: Data): Array<string | null> {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const out: Array<string | null> = new Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = isValid(data, i) ? decoder.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!)) : null;
  return out;
}

/**
 * Reads row i of a string column: a dictionary column (as the store writes) looks its index up in the decoded
 * dictionary; a plain UTF-8 column (a part rewritten by another tool) reuses the previous row's string when the
 * bytes are the same (ids repeat for every record of a request).
 */
function stringReader(data: Data, location: string, name: string): (i: number) => string | null {
  if (DataType.isDictionary(data.type)) {
    const dictionary = data.dictionary?.data;
    if (dictionary === undefined || dictionary.length !== 1 || !DataType.isUtf8(dictionary[0]!.type)) throw new InputError(`store: ${location}: column ${name} is not a dictionary of strings`);
    const entries = decodeAll(dictionary[0]!);
    const indices = data.values as Int32Array;
    return (i) => {
      if (!isValid(data, i)) return null;
      const value = entries[indices[i]!];
      if (value === undefined) throw new InputError(`store: ${location}: column ${name} row ${i} has a dictionary index out of range`);
      return value;
    };
  }
  if (!DataType.isUtf8(data.type)) throw new InputError(`store: ${location}: column ${name} is ${data.type}, not strings`);
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  let prev: string | null = null;
  let prevStart = 0;
  let prevEnd = -1;
  return (i) => {
    if (!isValid(data, i)) return null;
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    if (end - start === prevEnd - prevStart) {
      let same = true;
      for (let k = 0; k < end - start; k++) {
        if (bytes[start + k] !== bytes[prevStart + k]) {
          same = false;
          break;
        }
      }
      if (same) return prev;
    }
    prev = decoder.decode(bytes.subarray(start, end));
    prevStart = start;
    prevEnd = end;
    return prev;
  };
}

/**
 * Reads row i of a signed 64-bit integer column (payload_index) or a millisecond timestamp column (inference_time)
 * as a number (exact below 2^53, as it was written). The type is checked exactly: a part rewritten by another tool
 * with int32 indexes or microsecond times was read as 64-bit halves or as milliseconds, and judged wrong with exit 0.
 * A payload_index below 0 is no index a run stores.
 */
function int64Reader(data: Data, location: string, name: 'payload_index' | 'inference_time'): (i: number) => number {
  const type = data.type as { bitWidth?: number; isSigned?: boolean; unit?: TimeUnit };
  const ok = name === 'payload_index' ? DataType.isInt(data.type) && type.bitWidth === 64 && type.isSigned === true : DataType.isTimestamp(data.type) && type.unit === TimeUnit.MILLISECOND;
  if (!ok) throw new InputError(`store: ${location}: column ${name} is ${data.type}, not ${name === 'payload_index' ? 'Int64' : 'Timestamp<MILLISECOND>'}`);
  if (data.nullCount > 0) throw new InputError(`store: ${location}: column ${name} has ${data.nullCount} nulls`);
  const values = data.values as BigInt64Array;
  const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  if (name === 'payload_index') {
    for (let i = 0; i < values.length; i++) {
      if (halves[2 * i + 1]! < 0) throw new InputError(`store: ${location}: row ${i + 1} of its row group has payload_index ${values[i]}, below 0`);
    }
  }
  return (i) => halves[2 * i + 1]! * 4294967296 + (halves[2 * i]! >>> 0);
}

const isFloat64 = (type: DataType | undefined): boolean => type !== undefined && DataType.isFloat(type) && (type as { precision?: Precision }).precision === Precision.DOUBLE;

function float64Reader(data: Data, location: string, name: string): (i: number) => number | undefined {
  if (!isFloat64(data.type)) throw new InputError(`store: ${location}: column ${name} is ${data.type}, not float64`);
  const values = data.values as Float64Array;
  return (i) => (isValid(data, i) ? values[i] : undefined);
}

function listReader(data: Data, location: string, name: string): (i: number) => number[] | undefined {
  if (!DataType.isList(data.type) || !isFloat64(data.children[0]?.type)) throw new InputError(`store: ${location}: column ${name} is ${data.type}, not a list of float64`);
  const offsets = data.valueOffsets as Int32Array;
  const child = data.children[0]!;
  const values = child.values as Float64Array;
  return (i) => (isValid(data, i) ? Array.from(values.subarray(offsets[i]!, offsets[i + 1]!)) : undefined);
}

function columnData(table: Table, batch: number, name: string, location: string): Data {
  const column = table.batches[batch]!.getChild(name);
  const data = column?.data[0];
  if (data === undefined) throw new InputError(`store: ${location} has no column ${name}`);
  if (data.offset !== 0) throw new InputError(`store: ${location}: column ${name} starts at offset ${data.offset}`);
  return data;
}

/**
 * Decodes row group `g` of a part held in memory. parquet-wasm is called synchronously: a panic on a malformed file
 * (which its asynchronous reader raises outside any promise, hanging the read) is then an exception to catch.
 */
async function decodeRowGroup(bytes: Uint8Array, g: number, rows: number, location: string, scratch: FfiScratch): Promise<Table> {
  const pw = await loadParquetWasm();
  try {
    const options = { rowGroups: [g], batchSize: Math.max(1, rows) };
    const stream = pw.readParquet(bytes, options).intoFFI();
    let table: Table | undefined;
    try {
      table = tableFromFfi(pw.wasmMemory().buffer, stream, scratch);
    } finally {
      stream.free();
    }
    return table ?? tableFromIPC(pw.readParquet(bytes, options).intoIPCStream());
  } catch (error) {
    throw new InputError(`store: ${location} is not a readable Parquet file (row group ${g}: ${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
}

/** The column readers of batch `b` of a decoded row group. */
function batchReaders(table: Table, b: number, location: string) {
  const column = (name: string): Data => columnData(table, b, name, location);
  return {
    inferenceId: stringReader(column('inference_id'), location, 'inference_id'),
    eventId: stringReader(column('event_id'), location, 'event_id'),
    index: int64Reader(column('payload_index'), location, 'payload_index'),
    time: int64Reader(column('inference_time'), location, 'inference_time'),
    label: stringReader(column('label'), location, 'label'),
    labelType: stringReader(column('label_type'), location, 'label_type'),
    score: float64Reader(column('score'), location, 'score'),
    vector: listReader(column('probabilities'), location, 'probabilities'),
  };
}

/**
 * One decoded batch of a part, read column by column without a record object per row: row i's values come from its
 * column readers. Valid until the next batch of the same part is asked for (its buffers are reused).
 */
export interface StoredBatch extends ReturnType<typeof batchReaders> {
  /** The part file (for messages). */
  location: string;
  /** Rows of the part before this batch (row i of the batch is row `before + i + 1` of the part, 1-based). */
  before: number;
  rows: number;
}

/** The raw label of row i of a batch, after checking the row as a stored row must be (else an InputError naming it). */
export function checkedLabel(batch: StoredBatch, i: number, iid: string | null, eid: string | null): unknown {
  const type = batch.labelType(i);
  if (type !== null && !LABEL_TYPES.has(type)) throw new InputError(`store: ${batch.location} row ${batch.before + i + 1}: label_type ${JSON.stringify(type)} is not one of ${[...LABEL_TYPES].join(', ')}`);
  if (iid === null && eid === null) throw new InputError(`store: ${batch.location} row ${batch.before + i + 1} has neither inference_id nor event_id`);
  return loadLabel(batch.label(i), type);
}

/** A part's bytes, checked against the manifest's size and SHA-256 before anything is decoded. */
async function partBytes(storage: Storage, path: string, entry: PartEntry, location: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await storage.readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`store: ${location} is listed by its hour's manifest but does not exist`, { cause: error });
    throw error;
  }
  if (bytes.length !== entry.bytes) throw new InputError(`store: ${location} is damaged: it has ${bytes.length} bytes, its manifest lists ${entry.bytes}`);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== entry.sha256) throw new InputError(`store: ${location} is damaged: its SHA-256 is ${digest}, its manifest lists ${entry.sha256}`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

function checkSchema(table: Table, location: string): void {
  const version = table.schema.metadata.get(SCHEMA_VERSION_KEY);
  if (version !== String(STORE_SCHEMA_VERSION)) {
    throw new InputError(`store: ${location} has ${SCHEMA_VERSION_KEY} ${JSON.stringify(version ?? null)}; this mpm reads version ${STORE_SCHEMA_VERSION}`);
  }
}

/**
 * Reads one part batch by batch: its bytes (the compressed part, at most the hour) are checked against the
 * manifest first, then decoded one row group at a time. After the last batch the part's rows are checked against
 * the manifest's count.
 */
async function* readPartBatches(storage: Storage, path: string, entry: PartEntry): AsyncGenerator<StoredBatch> {
  const location = storage.describe(path);
  const data = await partBytes(storage, path, entry, location);
  let before = 0;
  const scratch = new FfiScratch();
  for (let g = 0; g < entry.row_groups; g++) {
    // Row group g's table lives in `scratch` until row group g + 1 is decoded: it is read to its end before that.
    const table = await decodeRowGroup(data, g, entry.records, location, scratch);
    if (g === 0) checkSchema(table, location);
    for (const field of PREDICTION_SCHEMA.fields) {
      if (!table.schema.fields.some((f) => f.name === field.name)) throw new InputError(`store: ${location} lacks the column ${field.name}`);
    }
    for (let b = 0; b < table.batches.length; b++) {
      const rows = table.batches[b]!.numRows;
      yield { ...batchReaders(table, b, location), location, before, rows };
      before += rows;
    }
  }
  if (before !== entry.records) throw new InputError(`store: ${location} holds ${before} rows; its manifest lists ${entry.records}`);
}

/**
 * Reads one part record by record (a record is the rows of one request: the same ids and time, one after another,
 * no payload index twice (request-rows.ts); never across parts).
 */
async function* readPart(storage: Storage, path: string, entry: PartEntry): AsyncGenerator<StoredRecord> {
  let pending: StoredRecord | undefined;
  const indexes = new RequestIndexes();
  for await (const batch of readPartBatches(storage, path, entry)) {
    const { inferenceId, eventId, index, time, score, vector } = batch;
    for (let i = 0; i < batch.rows; i++) {
      const iid = inferenceId(i);
      const eid = eventId(i);
      const t = time(i);
      const p: RawPrediction = { index: index(i), label: checkedLabel(batch, i, iid, eid) };
      const s = score(i);
      if (s !== undefined) p.score = s;
      const v = vector(i);
      if (v !== undefined) p.vector = v;
      if (pending !== undefined && pending.inferenceId === (iid ?? undefined) && pending.eventId === (eid ?? undefined) && pending.inferenceTime === t && indexes.add(p.index)) {
        pending.predictions.push(p);
        continue;
      }
      if (pending !== undefined) yield pending;
      indexes.clear();
      indexes.add(p.index);
      pending = { inferenceTime: t, predictions: [p], file: batch.location, row: batch.before + i + 1 };
      if (iid !== null) pending.inferenceId = iid;
      if (eid !== null) pending.eventId = eid;
    }
  }
  if (pending !== undefined) yield pending;
}

/** A message for an hour that is not in the store (for the insufficient-data violation). */
export function missingHourMessage(storage: Storage, endpoint: string, hour: number): string {
  return `the hour ${formatHour(hour)} of endpoint ${endpoint} is not in the prediction store ${storage.describe(endpoint)} (no manifest.json for it): no run stored it, or its run failed before writing it`;
}
