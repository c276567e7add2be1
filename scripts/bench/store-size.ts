/**
 * @module Measures the prediction store on the bench data: bytes per stored prediction (one label and one score per
 * record, as scripts/bench/generate-capture.ts writes), by column, with the score byte-stream-split (the store's
 * choice) and plain, and with a 7-class probability vector per prediction; and the time to read the capture against
 * the time to read the stored hour back and interpret it (what judging an hour from the store costs instead).
 *
 *   npx tsx scripts/bench/store-size.ts [--size-mb 200] [--out /tmp/mpm-store-size]
 *
 * Speed figures depend on the machine's load: the script prints the load average beside them.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { InputErrorTally } from '../../monitor/ingest/input-errors.ts';
import type { CaptureLineOptions, CaptureRecord } from '../../monitor/ingest/decode-capture-line.ts';
import { captureRoot, walkCaptureFiles } from '../../monitor/scan/capture-files.ts';
import { emptyCaptureSummary } from '../../monitor/scan/capture-summary.ts';
import { readCaptureFile } from '../../monitor/scan/read-capture-file.ts';
import type { Storage } from '../../monitor/storage/storage.ts';
import type { ResponseOptions } from '../../monitor/ingest/explode-response.ts';
import { LocalStorage } from '../../monitor/storage/local.ts';
import { openParquetRange } from '../../monitor/store/parquet-range-file.ts';
import { PredictionPartWriter, storeRecordOf, type StoreRecord } from '../../monitor/store/prediction-part-writer.ts';
import { openStoredHour } from '../../monitor/store/prediction-store-reader.ts';
import { PredictionStoreWriter } from '../../monitor/store/prediction-store-writer.ts';
import { storedJoinRecords } from '../../monitor/store/stored-hour-source.ts';
import { DEFAULT_OPTIONS, generateCapture } from './generate-capture.ts';

const { values } = parseArgs({ options: { 'size-mb': { type: 'string' }, out: { type: 'string' } } });
const sizeMb = Number(values['size-mb'] ?? 200);
const out = values.out ?? '/tmp/mpm-store-size';
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
/** CPU seconds (user + system) since `since`: steadier than wall time on a loaded machine. */
const cpu = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

const manifest = generateCapture({ ...DEFAULT_OPTIONS, out: path.join(out, 'bench'), sizeMb });
const hour = Date.parse(manifest.startTime);
const window = { start: hour, end: hour + 3_600_000 };
const response: ResponseOptions = { problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0' };
const lineOptions = { response, window, checkRequestCount: false, format: { kind: 'sagemakerCaptureJson' as const, captureIndexNames: ['endpointInput', 'endpointOutput'] } };
const capture = new LocalStorage(manifest.captureDir);

/** Reads the window's capture files in path order on this thread, handing each record and its file on. */
async function readCapture(storage: Storage, o: CaptureLineOptions, tally: InputErrorTally, onRecord: (record: CaptureRecord, file: string) => void): Promise<void> {
  const root = await captureRoot(storage, DEFAULT_OPTIONS.endpoint);
  const summary = emptyCaptureSummary(storage.location);
  const files = [];
  for await (const file of walkCaptureFiles(storage, root, o.window, summary)) files.push(file);
  for (const file of files) await readCaptureFile(storage, file.path, o, tally, summary, (record) => onRecord(record, file.path));
}
const store = new LocalStorage(path.join(out, 'store'));
const extraction = { problem_type: response.problemType, inference_attribute: null, probability_attribute: null };

// 1. Capture read alone (the parse the store saves on a delayed judgement).
let t = performance.now();
let c = process.cpuUsage();
let predictions = 0;
await readCapture(capture, lineOptions, new InputErrorTally(5), (r) => void (predictions += r.predictions.length));
const captureSeconds = (performance.now() - t) / 1000;
const captureCpu = cpu(c);
console.log(`capture read: ${predictions} predictions in ${captureSeconds.toFixed(2)} s, ${captureCpu.toFixed(2)} CPU s (load ${load()})`);

// 2. Capture read while storing the hour (the live run with MPM_PREDICTION_STORE).
t = performance.now();
c = process.cpuUsage();
const writer = PredictionStoreWriter.open(store, { endpoint: DEFAULT_OPTIONS.endpoint, window, extraction });
const records: StoreRecord[] = [];
await readCapture(
  capture,
  { ...lineOptions, keepRaw: true },
  new InputErrorTally(5),
  (line, file) => {
    const record = storeRecordOf(line)!;
    writer.add(record, writer.variantOfFile(file));
    if (records.length < 20_000) records.push(record);
  },
);
const [stored] = await writer.finish();
const storeSeconds = (performance.now() - t) / 1000;
const part = stored!.parts[0]!;
const storeCpu = cpu(c);
console.log(`capture read + store written: ${storeSeconds.toFixed(2)} s, ${storeCpu.toFixed(2)} CPU s: the store adds ${((storeCpu - captureCpu) / predictions * 1e6).toFixed(2)} CPU µs per prediction (load ${load()})`);
console.log(`store: ${stored!.records} predictions, ${part.bytes} bytes, ${(part.bytes / stored!.records).toFixed(2)} bytes per prediction, ${part.row_groups} row groups`);
const file = await openParquetRange(store, `${DEFAULT_OPTIONS.endpoint}/AllTraffic/${manifest.startTime.slice(0, 4)}/${manifest.startTime.slice(5, 7)}/${manifest.startTime.slice(8, 10)}/${manifest.startTime.slice(11, 13)}/${part.file}`);
for (const [column, bytes] of Object.entries(file.columnBytes())) console.log(`  ${column.padEnd(24)} ${(bytes / stored!.records).toFixed(3)} bytes per prediction`);
file.close();

// 3. The stored hour read back and interpreted (judging from the store, without the join).
t = performance.now();
c = process.cpuUsage();
const opened = (await openStoredHour(store, { endpoint: DEFAULT_OPTIONS.endpoint, hour }))!;
let back = 0;
for await (const line of storedJoinRecords(opened, response, new InputErrorTally(5))) back += line.predictions.length;
const readSeconds = (performance.now() - t) / 1000;
const readCpu = cpu(c);
console.log(
  `stored hour read + interpreted: ${back} predictions in ${readSeconds.toFixed(2)} s, ${readCpu.toFixed(2)} CPU s; ` +
    `${(captureSeconds / readSeconds).toFixed(1)}x (wall), ${(captureCpu / readCpu).toFixed(1)}x (CPU) less than the capture read (load ${load()})`,
);

// 4. Variants on the first 20,000 requests: the score plain, and a probability vector per prediction.
async function measure(name: string, recs: StoreRecord[], columns?: Parameters<typeof PredictionPartWriter.create>[3]): Promise<void> {
  const w = await PredictionPartWriter.create(store, `variants/${name}.parquet`, undefined, columns);
  for (const r of recs) w.add(r);
  const result = await w.close();
  console.log(`${name}: ${(result.bytes / result.rows).toFixed(2)} bytes per prediction (${result.rows} predictions)`);
}
await measure('store-encodings', records);
await measure('score-plain', records, { score: { dictionary: false } });
let x = 7;
const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const withVectors = records.map((r) => ({
  ...r,
  predictions: r.predictions.map((p) => {
    // A float32 softmax over 7 classes whose largest entry is the response's score at its label.
    const label = Number(p.label);
    const rest = Array.from({ length: 7 }, () => next());
    const sum = rest.reduce((a, b, i) => a + (i === label ? 0 : b), 0);
    const vector = rest.map((v, i) => Math.fround(i === label ? p.score! : ((1 - p.score!) * v) / sum));
    return { ...p, vector };
  }),
}));
await measure('with-7-class-probabilities', withVectors);
