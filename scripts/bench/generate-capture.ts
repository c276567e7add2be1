/**
 * @module Seeded generator of benchmark input: SageMaker data capture (JSON Lines, one request per line) and the
 * seed's ground-truth rows, of a chosen size, plus a manifest of what it wrote, including the confusion matrix of the
 * records that must join, so the benchmark can check the monitor's statistics exactly.
 *
 * Capture lines are what the service writes for the seed's endpoint: encoding "JSON", observedContentType
 * application/json, the request (a JSON array of covertype records with the 54 features) and the response (the seed's
 * [{"payload_index", "label", "score"}], as Python's json.dumps writes it) as escaped JSON strings in `data`, and
 * eventMetadata with eventId, inferenceId and inferenceTime. Files of about --file-mb each sit in one hour folder
 * {endpoint}/AllTraffic/yyyy/mm/dd/hh/ and are named {MM}-{SS}-{mmm}-{uuid}.jsonl like the service's.
 *
 * Speed: feature records come from a pool of precomputed covertype rows (already escaped), so generating runs at a
 * few hundred MB/s. Labels, predictions, scores and ids are drawn per record.
 *
 *   npx tsx scripts/bench/generate-capture.ts --out /tmp/mpm-bench/1000 --size-mb 1000 [--records-per-request 50]
 *     [--malformed-share 0.001] [--label-coverage 0.9] [--seed 1] [--file-mb 25] [--separators compact|python]
 */
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FEATURE_NAMES, generateCovertype } from '../covertype/generate.ts';
import { createRandom } from '../covertype/random.ts';

export interface GenerateOptions {
  /** Output folder: capture/ and groundtruth/ are written below it (any old content is removed). */
  out: string;
  /** Capture bytes to write (about; the last line may pass it). */
  sizeMb: number;
  recordsPerRequest: number;
  /** Share of capture lines written truncated (invalid JSON). */
  malformedShare: number;
  /** Share of records whose ground-truth label is written. */
  labelCoverage: number;
  seed: number;
  /** Size of one capture file. */
  fileMb: number;
  endpoint: string;
  /** The hour the capture belongs to (UTC, whole hour). */
  hour: string;
  /** Ground-truth rows for inference ids that are not in the capture (labels without a prediction): memory runs. */
  extraLabels: number;
  /**
   * How the request's JSON is written: 'compact' (JSON.stringify: `{"a":1,"b":2}`) or 'python' (json.dumps' default
   * separators, what a Python client sends: `{"a": 1, "b": 2}`, records joined by ", ").
   */
  separators: 'compact' | 'python';
}

export const DEFAULT_OPTIONS: Omit<GenerateOptions, 'out'> = {
  sizeMb: 1000,
  recordsPerRequest: 50,
  malformedShare: 0.001,
  labelCoverage: 0.9,
  seed: 1,
  fileMb: 25,
  endpoint: 'covertype-ep',
  hour: '2024-05-06T21:00:00Z',
  extraLabels: 0,
  separators: 'compact',
};

/** What was written: the benchmark checks the monitor's statistics against it. */
export interface Manifest {
  version: 1;
  options: Omit<GenerateOptions, 'out'>;
  captureDir: string;
  groundTruthDir: string;
  files: number;
  bytes: number;
  lines: number;
  malformedLines: number;
  requests: number;
  predictions: number;
  labelsWritten: number;
  /** Predictions of well-formed lines that have a label: the monitor's item_count. */
  joined: number;
  /** confusion[actual][predicted] over the joined records, every cell of the labels seen (as statistics.json). */
  confusion: Record<string, Record<string, number>>;
  accuracy: number;
  /** The monitor's window. */
  startTime: string;
  endTime: string;
  seconds: number;
}

const CLASSES = 7;
const POOL = 4096;
/** Share of predictions equal to the label (the seed's baseline accuracy is 0.8043). */
const MODEL_ACCURACY = 0.8;

function hex(random: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ((random() * 16) | 0).toString(16);
  return s;
}

function uuid(random: () => number): string {
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-${'89ab'[(random() * 4) | 0]}${hex(random, 3)}-${hex(random, 12)}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Writes the capture and ground truth; returns the manifest (also written to out/manifest.json). */
export function generateCapture(options: GenerateOptions): Manifest {
  const o = options;
  const started = performance.now();
  const random = createRandom(o.seed);
  const next = random.next;
  // The pool of feature records, escaped once as they appear inside the captured `data` string.
  const pool = generateCovertype({ n: POOL, seed: o.seed + 7 });
  // JSON.stringify's separators, or json.dumps' default ones.
  const [comma, colon] = o.separators === 'python' ? [', ', ': '] : [',', ':'];
  const recordText = (row: ArrayLike<number>): string => `{${FEATURE_NAMES.map((name, i) => `${JSON.stringify(name)}${colon}${JSON.stringify(row[i])}`).join(comma)}}`;
  const poolText = pool.rows.map((row) => JSON.stringify(recordText(row)).slice(1, -1));

  rmSync(o.out, { recursive: true, force: true });
  const hourStart = Date.parse(o.hour);
  const h = new Date(hourStart);
  const folder = `${h.getUTCFullYear()}/${pad(h.getUTCMonth() + 1)}/${pad(h.getUTCDate())}/${pad(h.getUTCHours())}`;
  const captureDir = path.join(o.out, 'capture');
  const hourDir = path.join(captureDir, o.endpoint, 'AllTraffic', folder);
  const gtDir = path.join(o.out, 'groundtruth', folder);
  mkdirSync(hourDir, { recursive: true });
  mkdirSync(gtDir, { recursive: true });

  const target = o.sizeMb * 1e6;
  const fileTarget = o.fileMb * 1e6;
  // Lines are ~1.2 KB per record: spread the inference times over the hour by the expected line count.
  const expectedLines = Math.max(1, Math.round(target / (o.recordsPerRequest * 1130 + 600)));
  const confusion = Array.from({ length: CLASSES }, () => new Float64Array(CLASSES));
  let bytes = 0;
  let lines = 0;
  let malformed = 0;
  let predictions = 0;
  let requests = 0;
  let labelsWritten = 0;
  let joined = 0;
  let files = 0;

  const gtFd = openSync(path.join(gtDir, 'ground-truth.jsonl'), 'w');
  let gtBuffer = '';
  let fd = -1;
  let fileBytes = 0;
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = (): void => {
    if (pending.length > 0) writeSync(fd, pending.join(''));
    pending = [];
    pendingLength = 0;
  };
  const input: string[] = new Array(o.recordsPerRequest);
  const output: string[] = new Array(o.recordsPerRequest);

  while (bytes < target) {
    if (fd === -1 || fileBytes >= fileTarget) {
      if (fd !== -1) {
        flush();
        closeSync(fd);
      }
      const at = new Date(hourStart + Math.min(3_599_000, Math.floor((lines / expectedLines) * 3_600_000)));
      const name = `${pad(at.getUTCMinutes())}-${pad(at.getUTCSeconds())}-${pad(at.getUTCMilliseconds(), 3)}-${uuid(next)}.jsonl`;
      fd = openSync(path.join(hourDir, name), 'w');
      files++;
      fileBytes = 0;
    }
    const id = String(lines);
    const bad = next() < o.malformedShare;
    for (let i = 0; i < o.recordsPerRequest; i++) {
      const k = (next() * POOL) | 0;
      const actual = pool.labels[k]!;
      const right = next() < MODEL_ACCURACY;
      const predicted = right ? actual : (actual + 1 + ((next() * (CLASSES - 1)) | 0)) % CLASSES;
      // A float32 probability printed as Python prints the float it becomes.
      const score = Math.fround(right ? 0.5 + 0.5 * next() : 0.3 + 0.4 * next());
      input[i] = poolText[k]!;
      output[i] = `{\\"payload_index\\": ${i}, \\"label\\": ${predicted}, \\"score\\": ${score}}`;
      if (next() < o.labelCoverage) {
        gtBuffer += `{"InferenceId":"${id}","payload_index":${i},"groundTruthLabel":${actual}}\n`;
        labelsWritten++;
        if (!bad) {
          joined++;
          confusion[actual]![predicted]!++;
        }
      }
    }
    const time = new Date(hourStart + Math.min(3_599_999, Math.floor((lines / expectedLines) * 3_600_000))).toISOString().slice(0, 19) + 'Z';
    let line =
      `{"captureData":{"endpointInput":{"observedContentType":"application/json","mode":"INPUT","data":"[${input.join(comma)}]","encoding":"JSON"},` +
      `"endpointOutput":{"observedContentType":"application/json","mode":"OUTPUT","data":"[${output.join(', ')}]","encoding":"JSON"}},` +
      `"eventMetadata":{"eventId":"${uuid(next)}","inferenceId":"${id}","inferenceTime":"${time}"},"eventVersion":"0"}`;
    if (bad) {
      // A line cut short (as by an interrupted write): invalid JSON, and its records must not count.
      line = line.slice(0, (line.length * (0.2 + 0.6 * next())) | 0);
      malformed++;
    } else {
      requests++;
      predictions += o.recordsPerRequest;
    }
    line += '\n';
    pending.push(line);
    pendingLength += line.length;
    bytes += line.length;
    fileBytes += line.length;
    lines++;
    if (pendingLength > 4 << 20) flush();
    if (gtBuffer.length > 4 << 20) {
      writeSync(gtFd, gtBuffer);
      gtBuffer = '';
    }
  }
  flush();
  closeSync(fd);
  for (let i = 0; i < o.extraLabels; i++) {
    gtBuffer += `{"InferenceId":"x${i >> 6}","payload_index":${i & 63},"groundTruthLabel":${i % CLASSES}}\n`;
    if (gtBuffer.length > 4 << 20) {
      writeSync(gtFd, gtBuffer);
      gtBuffer = '';
    }
  }
  labelsWritten += o.extraLabels;
  writeSync(gtFd, gtBuffer);
  closeSync(gtFd);

  // statistics.json lists every label seen among the joined records, actual or predicted, with zero cells.
  const seen = [...Array(CLASSES).keys()].filter((c) => confusion.some((row, a) => row[c]! > 0 || (a === c && row.some((n) => n > 0))));
  const matrix: Record<string, Record<string, number>> = {};
  let correct = 0;
  for (const a of seen) {
    matrix[String(a)] = {};
    for (const p of seen) matrix[String(a)]![String(p)] = confusion[a]![p]!;
    correct += confusion[a]![a]!;
  }
  const manifest: Manifest = {
    version: 1,
    options: { ...o, out: undefined } as unknown as Manifest['options'],
    captureDir,
    groundTruthDir: path.join(o.out, 'groundtruth'),
    files,
    bytes,
    lines,
    malformedLines: malformed,
    requests,
    predictions,
    labelsWritten,
    joined,
    confusion: matrix,
    accuracy: joined === 0 ? NaN : correct / joined,
    startTime: new Date(hourStart).toISOString().slice(0, 19) + 'Z',
    endTime: new Date(hourStart + 3_600_000).toISOString().slice(0, 19) + 'Z',
    seconds: (performance.now() - started) / 1000,
  };
  delete (manifest.options as { out?: string }).out;
  writeFileSync(path.join(o.out, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'size-mb': { type: 'string' },
      'records-per-request': { type: 'string' },
      'malformed-share': { type: 'string' },
      'label-coverage': { type: 'string' },
      seed: { type: 'string' },
      'file-mb': { type: 'string' },
      'extra-labels': { type: 'string' },
      separators: { type: 'string' },
    },
  });
  if (!values.out) throw new Error('generate-capture: --out <folder> is required');
  const num = (v: string | undefined, d: number): number => (v === undefined ? d : Number(v));
  const m = generateCapture({
    ...DEFAULT_OPTIONS,
    out: values.out,
    sizeMb: num(values['size-mb'], DEFAULT_OPTIONS.sizeMb),
    recordsPerRequest: num(values['records-per-request'], DEFAULT_OPTIONS.recordsPerRequest),
    malformedShare: num(values['malformed-share'], DEFAULT_OPTIONS.malformedShare),
    labelCoverage: num(values['label-coverage'], DEFAULT_OPTIONS.labelCoverage),
    seed: num(values.seed, DEFAULT_OPTIONS.seed),
    fileMb: num(values['file-mb'], DEFAULT_OPTIONS.fileMb),
    extraLabels: num(values['extra-labels'], 0),
    separators: values.separators === 'python' ? 'python' : 'compact',
  });
  console.log(`${m.bytes / 1e6} MB, ${m.files} files, ${m.lines} lines, ${m.predictions} predictions, ${m.joined} to join, in ${m.seconds.toFixed(1)} s (${(m.bytes / 1e6 / m.seconds).toFixed(0)} MB/s)`);
}
