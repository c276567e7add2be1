/**
 * @module The prediction store on a local folder: records written and read back exactly (every column), the hour
 * layout and its manifest, empty hours, reruns that replace, writers that crash, corrupt files, hour alignment, and
 * a stored hour judged with the same interpretation as the live run.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Float32, Int32, Int64, makeVector, Table, tableFromIPC, tableToIPC, Timestamp, TimeUnit, type Vector } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../errors.ts';
import { decodePayload } from '../ingest/decode-payload.ts';
import { explodeResponse, negativeLabelFor, type ResponseOptions } from '../ingest/explode-response.ts';
import { extractRawPredictions } from '../ingest/extract-response.ts';
import { InputErrorTally } from '../ingest/input-errors.ts';
import { loadParquetWasm } from '../ingest/parquet.ts';
import { LocalStorage } from '../storage/local.ts';
import type { ExtractionSettings } from './hour-manifest.ts';
import type { StoreRecord } from './prediction-part-writer.ts';
import { missingHourMessage, openStoredHour, readHourManifest, type StoredHour, type StoredRecord } from './prediction-store-reader.ts';
import { commitHours, PredictionStoreWriter } from './prediction-store-writer.ts';
import { checkExtraction, restoreInputErrors, storedCaptureSummary, storedJoinRecords } from './stored-hour-source.ts';
import { hoursOfWindow } from './store-layout.ts';
import { warmUpStoreReader } from './store-warm-up.ts';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

async function freshStore(): Promise<LocalStorage> {
  const root = await mkdtemp(path.join(tmpdir(), 'mpm-store-'));
  roots.push(root);
  return new LocalStorage(root);
}

const H = Date.UTC(2024, 4, 6, 21);
const HOUR = 3_600_000;
const BINARY: ExtractionSettings = { problem_type: 'BinaryClassification', inference_attribute: null, probability_attribute: null };
const MULTI: ExtractionSettings = { problem_type: 'MulticlassClassification', inference_attribute: null, probability_attribute: null };
const NOW = () => new Date(Date.UTC(2024, 4, 6, 22, 0, 5));

/** Records that exercise every column and every label type. */
const RECORDS: StoreRecord[] = [
  { inferenceId: '007', eventId: 'e-1', inferenceTime: H + 1_234, predictions: [{ index: 0, label: '1', score: 0.75 }, { index: 1, label: ' 0 ', score: 0.125 }] },
  { inferenceId: '7', eventId: 'e-2', inferenceTime: H + 1_234, predictions: [{ index: 0, label: 1 }, { index: 1, label: -0 }, { index: 2, label: 0.5 }] },
  { eventId: 'only-event-id', inferenceTime: H + 60_000, predictions: [{ index: 3, label: true, score: 1 }, { index: 2 ** 40 + 3, label: false }] },
  { inferenceId: 'vec', inferenceTime: H + 61_001, predictions: [{ index: 0, label: undefined, vector: [0.2, 0.8] }, { index: 1, label: null, score: 0.4, vector: [0.6, 0.4] }] },
  { inferenceId: 'ünïcode ✓', eventId: '', inferenceTime: H + HOUR - 1, predictions: [{ index: 0, label: 'Yes', score: 5e-324 }, { index: 1, label: 'x'.repeat(300), score: -0 }] },
];

/** What reading RECORDS back gives: the same, with non-label values (null) read as null. */
function expected(records: StoreRecord[], file: string): Array<Omit<StoredRecord, 'file' | 'row'>> {
  return records.map((r) => ({
    ...(r.inferenceId !== undefined ? { inferenceId: r.inferenceId } : {}),
    ...(r.eventId !== undefined ? { eventId: r.eventId } : {}),
    inferenceTime: r.inferenceTime,
    predictions: r.predictions.map((p) => ({ ...p })),
  }));
  void file;
}

async function readAll(hour: StoredHour | undefined): Promise<StoredRecord[]> {
  expect(hour).toBeDefined();
  const out: StoredRecord[] = [];
  for await (const r of hour!.read()) out.push(r);
  return out;
}

const strip = (records: StoredRecord[]) => records.map(({ file: _file, row: _row, ...rest }) => rest);

async function writeHour(storage: LocalStorage, records: StoreRecord[], extra: Partial<Parameters<typeof PredictionStoreWriter.open>[1]> = {}) {
  const writer = PredictionStoreWriter.open(storage, { endpoint: 'churn-ep', window: { start: H, end: H + HOUR }, extraction: BINARY, rowGroupRows: 3, now: NOW, ...extra });
  for (const r of records) writer.add(r);
  return { writer, manifests: await writer.finish() };
}

describe('prediction store: round trip', () => {
  it('gives back every record exactly, every column, across row groups (ids that look numeric stay strings)', async () => {
    const storage = await freshStore();
    const { manifests, writer } = await writeHour(storage, RECORDS);
    expect(manifests).toHaveLength(1);
    const m = manifests[0]!;
    const rows = RECORDS.reduce((n, r) => n + r.predictions.length, 0);
    expect(m).toMatchObject({ endpoint: 'churn-ep', variant: 'AllTraffic', hour: { start: '2024-05-06T21:00:00Z', end: '2024-05-06T22:00:00Z' }, requests: 5, records: rows, schema_version: 1 });
    expect(m.parts).toEqual([{ file: `part-w0-${writer.runId}.parquet`, writer: 'w0', requests: 5, records: rows, bytes: expect.any(Number), row_groups: Math.ceil(rows / 3), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const hour = await openStoredHour(storage, { endpoint: 'churn-ep', hour: H });
    const back = await readAll(hour);
    // null was a label that is no label: it reads back as null (interpretation treats any such value alike).
    const want = expected(RECORDS, '');
    expect(strip(back)).toEqual(want);
    expect(typeof back[0]!.inferenceId).toBe('string');
    expect(back[0]!.inferenceId).toBe('007');
    expect(Object.is(back[1]!.predictions[1]!.label, -0)).toBe(true);
    expect(back[2]!.predictions[1]!.index).toBe(2 ** 40 + 3);
    expect(back.map((r) => r.row)).toEqual([1, 3, 6, 8, 10]);
    expect(back[0]!.file).toBe(storage.describe(`churn-ep/AllTraffic/2024/05/06/21/${m.parts[0]!.file}`));
  });

  it('keeps the folder layout {endpoint}/{variant}/yyyy/mm/dd/hh with the part and a manifest', async () => {
    const storage = await freshStore();
    const { writer } = await writeHour(storage, RECORDS.slice(0, 1));
    const files = await readdir(path.join(storage.location, 'churn-ep/AllTraffic/2024/05/06/21'));
    expect(files.sort()).toEqual(['manifest.json', `part-w0-${writer.runId}.parquet`]);
    expect(writer.runId).toMatch(/^20240506T220005Z-[0-9a-f]{8}$/);
  });

  it('reads back what a live run read from the responses, and judges it with the same interpretation', async () => {
    const responses: Array<{ kind: 'json' | 'csv' | 'jsonlines'; text: string }> = [
      { kind: 'json', text: '[{"payload_index":0,"label":1,"score":0.9},{"payload_index":1,"label":0,"score":0.8}]' },
      { kind: 'json', text: '{"predictions":[0.75,0.05,0.5]}' },
      { kind: 'json', text: '{"predictions":[{"score":[0.12,0.88]},{"score":[0.5,0.5]}]}' },
      { kind: 'csv', text: '0.3,0.7\n0.9,0.1' },
      { kind: 'csv', text: '1,0.91\n0,0.12\n' },
      { kind: 'jsonlines', text: '{"label":"1"}\n{"label":true}\n' },
      { kind: 'json', text: '[{"label":null,"probabilities":[0.5,0.5]}]' },
    ];
    const base: ResponseOptions = { problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0' };
    const storage = await freshStore();
    const records = responses.map((r, i): StoreRecord => ({ inferenceId: `req-${i}`, inferenceTime: H + i, predictions: extractRawPredictions(decodePayload({ data: r.text, encoding: 'JSON', observedContentType: r.kind === 'csv' ? 'text/csv' : r.kind === 'jsonlines' ? 'application/jsonlines' : 'application/json' }, 'endpointOutput'), base) }));
    await writeHour(storage, records);
    const hour = (await openStoredHour(storage, { endpoint: 'churn-ep', hour: H }))!;
    // Settings applied when the hour is judged: each gives what the live run would have given with it.
    for (const settings of [{}, { threshold: 0.6 }, { binaryScore: 'predicted' as const }, { positiveLabel: '0', negativeLabel: '1' }, { positiveLabel: 'true', negativeLabel: negativeLabelFor('true') }]) {
      const o = { ...base, ...settings };
      const tally = new InputErrorTally(5);
      const judged = [];
      for await (const line of storedJoinRecords(hour, o, tally)) judged.push(line.predictions);
      const live = responses.map((r) => explodeResponse({ kind: r.kind, text: r.text }, o));
      expect(judged).toEqual(live);
      expect(tally.total()).toBe(0);
    }
  });
});

describe('prediction store: hours and windows', () => {
  it('writes a manifest for every hour of the window, an empty one where no record fell', async () => {
    const storage = await freshStore();
    const { manifests } = await writeHour(storage, RECORDS.slice(0, 2), { window: { start: H, end: H + 3 * HOUR } });
    expect(manifests.map((m) => [m.hour.start, m.records, m.parts.length])).toEqual([
      ['2024-05-06T21:00:00Z', 5, 1],
      ['2024-05-06T22:00:00Z', 0, 0],
      ['2024-05-06T23:00:00Z', 0, 0],
    ]);
    const empty = await openStoredHour(storage, { endpoint: 'churn-ep', hour: H + HOUR });
    expect(empty?.records).toBe(0);
    expect(await readAll(empty)).toEqual([]);
    expect(await openStoredHour(storage, { endpoint: 'churn-ep', hour: H + 5 * HOUR })).toBeUndefined();
    // A missing hour is told apart from an empty one, with a message naming the hour for the insufficient-data violation.
    expect(missingHourMessage(storage, 'churn-ep', H + 5 * HOUR)).toBe(
      `the hour 2024-05-07T02:00:00Z of endpoint churn-ep is not in the prediction store ${storage.describe('churn-ep')} (no manifest.json for it): no run stored it, or its run failed before writing it`,
    );
  });

  it('routes records to the hour of their inference time and to their variant', async () => {
    const storage = await freshStore();
    const writer = PredictionStoreWriter.open(storage, { endpoint: 'churn-ep', window: { start: H, end: H + 2 * HOUR }, extraction: BINARY, now: NOW });
    writer.add({ inferenceId: 'a', inferenceTime: H + HOUR - 1, predictions: [{ index: 0, label: '1' }] }, 'Blue');
    writer.add({ inferenceId: 'b', inferenceTime: H + HOUR, predictions: [{ index: 0, label: '0' }] }, 'Blue');
    writer.add({ inferenceId: 'c', inferenceTime: H + HOUR + 5, predictions: [{ index: 0, label: '0' }] }, 'Green');
    const manifests = await writer.finish();
    expect(manifests.map((m) => [m.variant, m.hour.start, m.records])).toEqual([
      ['Blue', '2024-05-06T21:00:00Z', 1],
      ['Green', '2024-05-06T21:00:00Z', 0],
      ['Blue', '2024-05-06T22:00:00Z', 1],
      ['Green', '2024-05-06T22:00:00Z', 1],
    ]);
    const second = (await openStoredHour(storage, { endpoint: 'churn-ep', hour: H + HOUR }))!;
    expect(second.manifests.map((m) => m.variant)).toEqual(['Blue', 'Green']);
    expect((await readAll(second)).map((r) => r.inferenceId)).toEqual(['b', 'c']);
  });

  it('refuses a window that is not hour-aligned, naming the time, before anything is written', async () => {
    const storage = await freshStore();
    const open = () => PredictionStoreWriter.open(storage, { endpoint: 'churn-ep', window: { start: H + 30 * 60_000, end: H + HOUR }, extraction: BINARY });
    expect(open).toThrow(ConfigError);
    expect(open).toThrow('start_time "2024-05-06T21:30:00Z" is not a whole UTC hour');
    expect(() => hoursOfWindow({ start: H, end: H + HOUR + 1000 })).toThrow('end_time "2024-05-06T22:00:01Z"');
    expect(hoursOfWindow({ start: H, end: H + 2 * HOUR })).toEqual([H, H + HOUR]);
    expect(hoursOfWindow({})).toEqual([]);
    expect(() => PredictionStoreWriter.open(storage, { endpoint: '../x', window: {}, extraction: BINARY })).toThrow('endpoint_name "../x" cannot name a prediction-store folder');
    expect(await readdir(storage.location)).toEqual([]);
  });

  it('attributes capture lines and input errors to the hour of their file, and keeps them in the manifest', async () => {
    const storage = await freshStore();
    const writer = PredictionStoreWriter.open(storage, { endpoint: 'churn-ep', window: { start: H, end: H + 2 * HOUR }, extraction: BINARY, now: NOW });
    const file = 'churn-ep/Blue/2024/05/06/22/10-00-000-x.jsonl';
    const place = writer.placeOfFile(file)!;
    expect(place).toEqual({ variant: 'Blue', hour: H + HOUR });
    expect(writer.placeOfFile('churn-ep/Blue/2024/05/07/03/a.jsonl')).toEqual({ variant: 'Blue', hour: H + HOUR }); // moved into the window
    // A path naming no hour still counts (its lines and errors were dropped from every hour of a several-hour window).
    expect(writer.placeOfFile('churn-ep/Blue/flat.jsonl')).toEqual({ variant: 'AllTraffic', hour: H });
    expect(writer.placeOfFile('churn-ep/Blue/2024/05/06/day.jsonl')).toEqual({ variant: 'AllTraffic', hour: H });
    expect(writer.placeOfFile('churn-ep/Blue/2024/05/07/day.jsonl')).toEqual({ variant: 'AllTraffic', hour: H + HOUR });
    for (let i = 0; i < 4; i++) writer.countLine(place);
    writer.countSkipped(place, 'shadow_traffic');
    writer.addInputError(place, 'invalid_json', { file, line: 2, detail: 'Unexpected end' });
    writer.add({ inferenceId: 'a', inferenceTime: H + HOUR + 1, predictions: [{ index: 0, label: '1' }, { index: 1, label: '0' }] }, writer.variantOfFile(file));
    await writer.finish();
    const hour = (await openStoredHour(storage, { endpoint: 'churn-ep', hour: H + HOUR, variants: ['Blue'] }))!;
    expect(hour.capture).toEqual({
      lines: 4,
      requests: 1,
      predictions: 2,
      keyed_by_event_id: 0,
      skipped: { outside_window: 0, shadow_traffic: 1 },
      input_errors: { invalid_json: { count: 1, description: 'the line is not valid JSON', samples: [{ file, line: 2, detail: 'Unexpected end' }] } },
    });
    const tally = new InputErrorTally(10);
    restoreInputErrors(hour, tally);
    expect(tally.toJSON()).toEqual(hour.capture.input_errors);
    expect(storedCaptureSummary(hour)).toMatchObject({ files: 1, lines: 4, requests: 1, predictions: 2, skipped: { shadow_traffic: 1, outside_window: 0 } });
  });
});

describe('prediction store: reruns and crashes', () => {
  it('a rerun replaces the hour: a smaller rerun never merges the stale parts, which are removed', async () => {
    const storage = await freshStore();
    // The first run had two writers (two hosts) for the hour.
    const options = { endpoint: 'churn-ep', window: { start: H, end: H + HOUR }, extraction: BINARY, now: NOW, runId: 'run-1' };
    const a = PredictionStoreWriter.open(storage, { ...options, writerId: 'host-a' });
    const b = PredictionStoreWriter.open(storage, { ...options, writerId: 'host-b' });
    RECORDS.slice(0, 3).forEach((r) => a.add(r));
    RECORDS.slice(3).forEach((r) => b.add(r));
    const first = await commitHours(storage, [...(await a.closeParts()), ...(await b.closeParts())], options);
    expect(first[0]!.parts.map((p) => p.file)).toEqual(['part-host-a-run-1.parquet', 'part-host-b-run-1.parquet']);
    expect((await readAll(await openStoredHour(storage, { endpoint: 'churn-ep', hour: H }))).length).toBe(5);
    // The rerun: one writer, one record.
    const rerun = PredictionStoreWriter.open(storage, { ...options, runId: 'run-2', writerId: 'host-a' });
    rerun.add(RECORDS[1]!);
    await rerun.finish();
    const back = await readAll(await openStoredHour(storage, { endpoint: 'churn-ep', hour: H }));
    expect(strip(back)).toEqual(expected([RECORDS[1]!], ''));
    expect((await readdir(path.join(storage.location, 'churn-ep/AllTraffic/2024/05/06/21'))).sort()).toEqual(['manifest.json', 'part-host-a-run-2.parquet']);
    // The same rerun again (same records): the hour reads the same, never doubled.
    const again = PredictionStoreWriter.open(storage, { ...options, runId: 'run-3', writerId: 'host-a' });
    again.add(RECORDS[1]!);
    await again.finish();
    expect(strip(await readAll(await openStoredHour(storage, { endpoint: 'churn-ep', hour: H })))).toEqual(expected([RECORDS[1]!], ''));
  });

  it('a rerun that no longer sees a variant empties that variant\'s hour: the hour never merges the stale variant', async () => {
    const storage = await freshStore();
    const options = { endpoint: 'churn-ep', window: { start: H, end: H + HOUR }, extraction: BINARY, now: NOW };
    const first = PredictionStoreWriter.open(storage, { ...options, runId: 'run-1' });
    RECORDS.slice(0, 2).forEach((r) => first.add(r, 'Blue'));
    RECORDS.slice(2).forEach((r) => first.add(r, 'Green'));
    await first.finish();
    // Another hour of Green, outside the rerun's window, stays.
    const later = PredictionStoreWriter.open(storage, { ...options, window: { start: H + HOUR, end: H + 2 * HOUR }, runId: 'run-1b' });
    later.add({ ...RECORDS[0]!, inferenceTime: H + HOUR + 1 }, 'Green');
    await later.finish();
    expect((await readAll(await openStoredHour(storage, { endpoint: 'churn-ep', hour: H }))).length).toBe(5);
    // The rerun of hour H sees only Blue (Green's capture of the hour is gone).
    const rerun = PredictionStoreWriter.open(storage, { ...options, runId: 'run-2' });
    RECORDS.slice(0, 2).forEach((r) => rerun.add(r, 'Blue'));
    const manifests = await rerun.finish();
    expect(manifests.map((m) => [m.variant, m.run_id, m.requests, m.parts.length])).toEqual([
      ['Blue', 'run-2', 2, 1],
      ['Green', 'run-2', 0, 0],
    ]);
    const hour = (await openStoredHour(storage, { endpoint: 'churn-ep', hour: H }))!;
    expect(strip(await readAll(hour))).toEqual(expected(RECORDS.slice(0, 2), ''));
    expect(await readdir(path.join(storage.location, 'churn-ep/Green/2024/05/06/21'))).toEqual(['manifest.json']);
    expect((await readAll((await openStoredHour(storage, { endpoint: 'churn-ep', hour: H + HOUR }))!)).length).toBe(1);
  });

  it('a writer that aborts leaves no hour, no part and no temporary file', async () => {
    const storage = await freshStore();
    const writer = PredictionStoreWriter.open(storage, { endpoint: 'churn-ep', window: { start: H, end: H + HOUR }, extraction: BINARY, rowGroupRows: 2 });
    for (let i = 0; i < 50; i++) writer.add({ inferenceId: `r${i}`, inferenceTime: H + i, predictions: [{ index: 0, label: '1' }, { index: 1, label: '0' }] });
    await writer.drain();
    await writer.abort();
    expect(await openStoredHour(storage, { endpoint: 'churn-ep', hour: H })).toBeUndefined();
    expect(await readdir(path.join(storage.location, 'churn-ep/AllTraffic/2024/05/06/21')).catch(() => [])).toEqual([]);
  });

  it('a writer that dies after its parts but before the manifest leaves the hour as it was', async () => {
    const storage = await freshStore();
    await writeHour(storage, RECORDS.slice(0, 1), { runId: 'old' });
    const dying = PredictionStoreWriter.open(storage, { endpoint: 'churn-ep', window: { start: H, end: H + HOUR }, extraction: BINARY, runId: 'dead' });
    RECORDS.forEach((r) => dying.add(r));
    await dying.closeParts(); // ... and the process ends here: no commit.
    const back = await readAll(await openStoredHour(storage, { endpoint: 'churn-ep', hour: H }));
    expect(strip(back)).toEqual(expected(RECORDS.slice(0, 1), ''));
    // A never-stored hour with only a dead writer's part is not an hour.
    const other = PredictionStoreWriter.open(storage, { endpoint: 'churn-ep', window: { start: H + HOUR, end: H + 2 * HOUR }, extraction: BINARY, runId: 'dead' });
    other.add({ inferenceId: 'x', inferenceTime: H + HOUR, predictions: [{ index: 0, label: '1' }] });
    await other.closeParts();
    expect(await openStoredHour(storage, { endpoint: 'churn-ep', hour: H + HOUR })).toBeUndefined();
  });
});

describe('prediction store: bad files are input errors naming them', () => {
  async function stored() {
    const storage = await freshStore();
    const { manifests } = await writeHour(storage, RECORDS);
    const folder = path.join(storage.location, 'churn-ep/AllTraffic/2024/05/06/21');
    return { storage, folder, part: path.join(folder, manifests[0]!.parts[0]!.file), manifest: path.join(folder, 'manifest.json') };
  }

  async function failure(storage: LocalStorage): Promise<unknown> {
    try {
      await readAll(await openStoredHour(storage, { endpoint: 'churn-ep', hour: H }));
    } catch (error) {
      return error;
    }
    throw new Error('expected the read to fail');
  }

  it('a part that is not Parquet', async () => {
    const { storage, part } = await stored();
    await writeFile(part, 'not parquet at all, just text that is long enough');
    const error = await failure(storage);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(part);
  });

  it('a truncated part', async () => {
    const { storage, part } = await stored();
    const bytes = await readFile(part);
    await writeFile(part, bytes.subarray(0, bytes.length - 100));
    const error = await failure(storage);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(part);
  });

  it('a part whose bytes changed (its checksum no longer matches)', async () => {
    const { storage, part } = await stored();
    const bytes = Buffer.from(await readFile(part));
    for (let i = 4; i < 200; i++) bytes[i] = 0xff;
    await writeFile(part, bytes);
    const error = await failure(storage);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(`${part} is damaged: its SHA-256 is`);
  });

  it('a damaged part whose manifest was rewritten to match it (decoding fails cleanly, nothing hangs)', async () => {
    const { storage, part, manifest } = await stored();
    const bytes = Buffer.from(await readFile(part));
    for (let i = 4; i < 200; i++) bytes[i] = 0xff;
    await writeFile(part, bytes);
    const m = JSON.parse(await readFile(manifest, 'utf8'));
    m.parts[0].sha256 = createHash('sha256').update(bytes).digest('hex');
    await writeFile(manifest, JSON.stringify(m));
    const error = await failure(storage);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(`${part} is not a readable Parquet file`);
  });

  it('a part rewritten by another tool with other column types, or a negative payload_index, is refused naming it', async () => {
    // int32 indexes were read as 64-bit halves, float32 scores as raw bits, microsecond times as milliseconds: exit 0.
    const pw = await loadParquetWasm('write');
    for (const [column, type, values, message] of [
      ['payload_index', new Int32(), (n: number) => Int32Array.from({ length: n }, (_, i) => i), 'column payload_index is Int32, not Int64'],
      ['payload_index', new Int64(), (n: number) => BigInt64Array.from({ length: n }, (_, i) => (i === 0 ? -5n : BigInt(i))), 'row 1 of its row group has payload_index -5, below 0'],
      ['score', new Float32(), (n: number) => Float32Array.from({ length: n }, () => 0.5), 'column score is Float32, not float64'],
      ['inference_time', new Timestamp(TimeUnit.MICROSECOND, 'UTC'), (n: number) => BigInt64Array.from({ length: n }, () => BigInt(H) * 1000n), 'column inference_time is Timestamp<MICROSECOND, UTC>, not Timestamp<MILLISECOND>'],
    ] as const) {
      const { storage, part, manifest } = await stored();
      const table = tableFromIPC(pw.readParquet(new Uint8Array(await readFile(part))).intoIPCStream());
      const columns: Record<string, Vector> = {};
      for (const field of table.schema.fields) columns[field.name] = field.name === column ? makeVector({ type, data: values(table.numRows) } as never) : table.getChild(field.name)!;
      const rewritten = new Table(columns);
      rewritten.schema.metadata.set(...[...table.schema.metadata.entries()][0]!);
      const bytes = pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(rewritten, 'stream')));
      await writeFile(part, bytes);
      const m = JSON.parse(await readFile(manifest, 'utf8'));
      m.parts[0].bytes = bytes.length;
      m.parts[0].sha256 = createHash('sha256').update(bytes).digest('hex');
      await writeFile(manifest, JSON.stringify(m));
      const error = await failure(storage);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe(`store: ${part}: ${message}`);
    }
  });

  it('a manifest listing a part twice, or more parts than a run has writers', async () => {
    const { storage, manifest } = await stored();
    const m = JSON.parse(await readFile(manifest, 'utf8'));
    const twice = { ...m, parts: [m.parts[0], m.parts[0]], requests: 2 * m.requests, records: 2 * m.records };
    await writeFile(manifest, JSON.stringify(twice));
    await expect(openStoredHour(storage, { endpoint: 'churn-ep', hour: H })).rejects.toThrow(`is not a valid manifest: part ${m.parts[0].file} is listed twice (its records would count twice)`);
    const many = { ...m, parts: Array.from({ length: 25_601 }, (_, i) => ({ ...m.parts[0], file: `p${i}.parquet` })), requests: 25_601 * m.requests, records: 25_601 * m.records };
    await writeFile(manifest, JSON.stringify(many));
    await expect(openStoredHour(storage, { endpoint: 'churn-ep', hour: H })).rejects.toThrow('is not a valid manifest: it lists 25601 parts, more than the 25600 writers of a run');
  });

  it('a manifest that is not JSON, of another schema version, or listing a missing part', async () => {
    const { storage, manifest, part } = await stored();
    const good = await readFile(manifest, 'utf8');
    await writeFile(manifest, '{"format": "mpm-prediction-store", ');
    await expect(openStoredHour(storage, { endpoint: 'churn-ep', hour: H })).rejects.toThrow(new RegExp(`${manifest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a readable manifest`));
    await writeFile(manifest, good.replace('"schema_version": 1', '"schema_version": 2'));
    await expect(openStoredHour(storage, { endpoint: 'churn-ep', hour: H })).rejects.toThrow('has schema_version 2; this mpm reads version 1');
    await writeFile(manifest, good.replace('"requests": 5', '"requests": 6'));
    await expect(openStoredHour(storage, { endpoint: 'churn-ep', hour: H })).rejects.toThrow('is not a valid manifest: its totals');
    await writeFile(manifest, good);
    await rm(part);
    const error = await failure(storage);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(part);
  });

  it('an hour folder that is a symbolic-link loop is an input error naming it, not a missing hour', async () => {
    const storage = await freshStore();
    const folder = path.join(storage.location, 'churn-ep/AllTraffic/2024/05/06');
    await mkdir(folder, { recursive: true });
    await symlink(path.join(folder, '21'), path.join(folder, '21'));
    const error = await openStoredHour(storage, { endpoint: 'churn-ep', hour: H }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`storage: cannot tell whether ${storage.describe('churn-ep/AllTraffic/2024/05/06/21/manifest.json')} exists (ELOOP)`);
  });

  it('a manifest that is a folder', async () => {
    const { storage, manifest } = await stored();
    await rm(manifest);
    await mkdir(manifest);
    const error = await openStoredHour(storage, { endpoint: 'churn-ep', hour: H }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`store: ${manifest} cannot be read (it is not a regular file)`);
  });

  it('a stored hour read with another problem type is refused; other attributes are noted', async () => {
    const { storage } = await stored();
    const hour = (await openStoredHour(storage, { endpoint: 'churn-ep', hour: H }))!;
    expect(() => checkExtraction(hour, MULTI)).toThrow(ConfigError);
    expect(() => checkExtraction(hour, MULTI)).toThrow('holds predictions read as BinaryClassification');
    expect(checkExtraction(hour, BINARY)).toEqual([]);
    expect(checkExtraction(hour, { ...BINARY, inference_attribute: '$.label' })).toEqual([
      'AllTraffic 2024-05-06T21:00:00Z: stored with inference_attribute null, this run has "$.label"; the stored readings are used',
    ]);
    expect(await readHourManifest(storage, { endpoint: 'churn-ep', variant: 'AllTraffic', hour: H })).toEqual(hour.manifests[0]);
  });
});

describe('prediction store: the reader warm-up (store-warm-up.ts)', () => {
  it('decodes the first row group of a stored hour, passes over a missing hour, and throws what a damaged part throws', async () => {
    const storage = await freshStore();
    const { manifests } = await writeHour(storage, RECORDS);
    expect(await warmUpStoreReader(storage, 'churn-ep', { start: H, end: H + HOUR })).toBe(true);
    expect(await warmUpStoreReader(storage, 'churn-ep', { start: H + HOUR, end: H + 2 * HOUR })).toBe(false);
    // It leaves the hour as it was: read in full afterwards, every record is there.
    expect(strip(await readAll(await openStoredHour(storage, { endpoint: 'churn-ep', hour: H })))).toEqual(expected(RECORDS, ''));
    const part = path.join(storage.location, 'churn-ep/AllTraffic/2024/05/06/21', manifests[0]!.parts[0]!.file);
    const bytes = Buffer.from(await readFile(part));
    bytes[10] = bytes[10]! ^ 0xff;
    await writeFile(part, bytes);
    await expect(warmUpStoreReader(storage, 'churn-ep', { start: H, end: H + HOUR })).rejects.toThrow(/is damaged/);
  });
});
