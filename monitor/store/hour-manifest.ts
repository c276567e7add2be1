/**
 * @module The manifest of a stored hour (manifest.json): written last, it is what makes the hour exist. It lists the
 * parts that hold the hour's records (parts in the folder that it does not list, from a crashed or replaced writer,
 * are not part of the hour), what the capture read said about the hour (lines, requests, input errors by reason, so a
 * delayed report and its error gate describe the judged hour), and the extraction settings the predictions were read
 * with. A manifest that cannot be read is an InputError naming its location.
 */
import { InputError } from '../errors.ts';
import type { ReasonTally } from '../ingest/input-errors.ts';
import { samplePathOrder } from '../ingest/sample-order.ts';
import type { ProblemType } from '../metrics/types.ts';
import { parseContractTime } from '../config/time.ts';
import { STORE_SCHEMA_VERSION } from './store-version.ts';
import { formatHour, HOUR_MS, type HourAddress } from './store-layout.ts';

/** Most parts a manifest may list: one per writer of a run. */
const MAX_PARTS = 25_600;

export const MANIFEST_FORMAT = 'mpm-prediction-store';

/** One writer's Parquet part of an hour. */
export interface PartEntry {
  /** File name inside the hour folder. */
  file: string;
  /** Who wrote it (a host, a worker). */
  writer: string;
  /** Capture records (requests) in it. */
  requests: number;
  /** Predictions (rows) in it. */
  records: number;
  bytes: number;
  row_groups: number;
  /** SHA-256 of the part's bytes (hex): a reader checks it before decoding, so a damaged part is an input error. */
  sha256: string;
}

/** What the capture read said about one hour, besides its records: the denominators and causes of input errors. */
export interface HourCaptureFacts {
  /** Capture lines attributed to the hour (the denominator of the input-error gate). */
  lines: number;
  /** Requests read (stored) in the hour. */
  requests: number;
  /** Predictions read (stored) in the hour. */
  predictions: number;
  /** Requests keyed by eventId because they had no inferenceId. */
  keyed_by_event_id: number;
  skipped: { outside_window: number; shadow_traffic: number };
  /** Input errors of the capture lines attributed to the hour, by reason (as the run report lists them). */
  input_errors: Record<string, ReasonTally>;
}

/** The settings the stored predictions were extracted with (a judgement with another problem type is refused). */
export interface ExtractionSettings {
  problem_type: ProblemType;
  inference_attribute: string | null;
  probability_attribute: string | null;
}

export interface HourManifest {
  format: typeof MANIFEST_FORMAT;
  schema_version: number;
  endpoint: string;
  variant: string;
  hour: { start: string; end: string };
  /** The write that made this manifest (its parts carry the same id). */
  run_id: string;
  written_at: string;
  /** The window of the run that wrote the hour. */
  window: { start: string | null; end: string | null };
  extraction: ExtractionSettings;
  /** Totals over the parts. */
  requests: number;
  records: number;
  parts: PartEntry[];
  capture: HourCaptureFacts;
}

/** Facts with nothing counted yet. */
export function emptyCaptureFacts(): HourCaptureFacts {
  return { lines: 0, requests: 0, predictions: 0, keyed_by_event_id: 0, skipped: { outside_window: 0, shadow_traffic: 0 }, input_errors: {} };
}

/**
 * Adds `other` into `into` (several writers of one hour, or the variants of one endpoint hour). Input-error samples
 * are kept up to `samplesPerReason`, the first in path order (file, then line) of both; `locations` are the capture
 * locations of the writers (hosts reading their shards from different prefixes), see samplePathOrder.
 */
export function mergeCaptureFacts(into: HourCaptureFacts, other: HourCaptureFacts, samplesPerReason = Infinity, locations: readonly string[] = []): HourCaptureFacts {
  into.lines += other.lines;
  into.requests += other.requests;
  into.predictions += other.predictions;
  into.keyed_by_event_id += other.keyed_by_event_id;
  into.skipped.outside_window += other.skipped.outside_window;
  into.skipped.shadow_traffic += other.skipped.shadow_traffic;
  const errors = new Map(Object.entries(into.input_errors));
  for (const [reason, theirs] of Object.entries(other.input_errors)) {
    const mine = errors.get(reason);
    if (mine === undefined) errors.set(reason, { count: theirs.count, description: theirs.description, samples: theirs.samples.slice(0, samplesPerReason) });
    else {
      mine.count += theirs.count;
      // The first samples in path order (file, then line) of all writers': those one writer reading every file keeps.
      mine.samples = [...mine.samples, ...theirs.samples].sort(samplePathOrder(locations)).slice(0, samplesPerReason);
    }
  }
  into.input_errors = Object.fromEntries([...errors.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return into;
}

/** Builds a manifest. */
export function buildManifest(a: HourAddress, fields: Omit<HourManifest, 'format' | 'schema_version' | 'endpoint' | 'variant' | 'hour' | 'requests' | 'records'>): HourManifest {
  return {
    format: MANIFEST_FORMAT,
    schema_version: STORE_SCHEMA_VERSION,
    endpoint: a.endpoint,
    variant: a.variant,
    hour: { start: formatHour(a.hour), end: formatHour(a.hour + HOUR_MS) },
    run_id: fields.run_id,
    written_at: fields.written_at,
    window: fields.window,
    extraction: fields.extraction,
    requests: fields.parts.reduce((n, p) => n + p.requests, 0),
    records: fields.parts.reduce((n, p) => n + p.records, 0),
    parts: fields.parts,
    capture: fields.capture,
  };
}

type Check = (ok: boolean, what: string) => void;

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function checkFacts(c: unknown, check: Check): void {
  const f = c as HourCaptureFacts;
  check(c !== null && typeof c === 'object', 'capture is not an object');
  for (const k of ['lines', 'requests', 'predictions', 'keyed_by_event_id'] as const) check(isCount(f[k]), `capture.${k} is not a count`);
  check(f.skipped !== null && typeof f.skipped === 'object' && isCount(f.skipped.outside_window) && isCount(f.skipped.shadow_traffic), 'capture.skipped is not {outside_window, shadow_traffic}');
  check(f.input_errors !== null && typeof f.input_errors === 'object' && !Array.isArray(f.input_errors), 'capture.input_errors is not an object');
  for (const [reason, t] of Object.entries(f.input_errors)) {
    check(t !== null && typeof t === 'object' && isCount(t.count) && typeof t.description === 'string' && Array.isArray(t.samples), `capture.input_errors.${reason} is not {count, description, samples}`);
    for (const s of t.samples) check(s !== null && typeof s === 'object' && typeof s.file === 'string', `capture.input_errors.${reason} has a sample without a file`);
  }
}

/**
 * Parses and checks a manifest read from `location`, for the hour `a`.
 *
 * @throws InputError naming the location when it is not JSON, not a manifest of a known schema version, not of
 * this hour, or inconsistent (totals that do not add up, part names that leave the folder).
 */
export function parseManifest(text: string, location: string, a: HourAddress): HourManifest {
  let m: HourManifest;
  try {
    m = JSON.parse(text) as HourManifest;
  } catch (error) {
    throw new InputError(`store: ${location} is not a readable manifest (${(error as Error).message})`, { cause: error });
  }
  const check: Check = (ok, what) => {
    if (!ok) throw new InputError(`store: ${location} is not a valid manifest: ${what}`);
  };
  check(m !== null && typeof m === 'object' && !Array.isArray(m), 'not a JSON object');
  check(m.format === MANIFEST_FORMAT, `format is ${JSON.stringify(m.format)}, expected "${MANIFEST_FORMAT}"`);
  if (m.schema_version !== STORE_SCHEMA_VERSION) {
    throw new InputError(`store: ${location} has schema_version ${JSON.stringify(m.schema_version)}; this mpm reads version ${STORE_SCHEMA_VERSION} (written by another mpm release?)`);
  }
  check(m.endpoint === a.endpoint && m.variant === a.variant, `it names ${JSON.stringify(m.endpoint)}/${JSON.stringify(m.variant)}, not ${a.endpoint}/${a.variant}`);
  check(m.hour !== null && typeof m.hour === 'object' && parseContractTime(String(m.hour.start)) === a.hour, `hour.start ${JSON.stringify(m.hour?.start)} is not ${formatHour(a.hour)}`);
  check(typeof m.run_id === 'string' && typeof m.written_at === 'string', 'run_id or written_at is missing');
  check(m.extraction !== null && typeof m.extraction === 'object', 'extraction is missing');
  check(['BinaryClassification', 'MulticlassClassification', 'Regression'].includes(m.extraction.problem_type), `extraction.problem_type ${JSON.stringify(m.extraction.problem_type)} is not a problem type`);
  check(Array.isArray(m.parts), 'parts is not a list');
  // One part per writer: a run has at most 256 workers on each of at most 100 instances. A longer list is no
  // manifest a run wrote (200,000 parts were read for minutes), and a part listed twice was counted twice.
  check(m.parts.length <= MAX_PARTS, `it lists ${m.parts.length} parts, more than the ${MAX_PARTS} writers of a run (256 workers on 100 instances)`);
  const files = new Set<string>();
  let requests = 0;
  let records = 0;
  for (const p of m.parts) {
    check(p !== null && typeof p === 'object' && typeof p.file === 'string' && /^[^/\\]+\.parquet$/.test(p.file) && !p.file.startsWith('.'), `part ${JSON.stringify(p?.file)} is not a file name in the hour folder`);
    check(!files.has(p.file), `part ${p.file} is listed twice (its records would count twice)`);
    files.add(p.file);
    check(isCount(p.records) && isCount(p.requests) && isCount(p.bytes) && isCount(p.row_groups), `part ${p.file} lacks its counts`);
    check(typeof p.sha256 === 'string' && /^[0-9a-f]{64}$/.test(p.sha256), `part ${p.file} lacks its sha256`);
    requests += p.requests;
    records += p.records;
  }
  check(m.requests === requests && m.records === records, `its totals (${m.requests} requests, ${m.records} records) are not the sum of its parts' (${requests}, ${records})`);
  checkFacts(m.capture, check);
  return m;
}
