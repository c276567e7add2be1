/**
 * @module Writes a run's window into the prediction store: every capture record goes to the part of its (variant,
 * hour), each part streams to storage as its row groups fill, and at the end each hour of the window gets a manifest
 * listing its parts and what the capture read said about it. A rerun of a window replaces each hour's manifest (its
 * parts have new names, so a smaller rerun never merges stale parts) and then removes the parts the replaced
 * manifest listed; a variant stored in one of those hours that the rerun no longer sees gets an empty manifest.
 * Every hour of the window gets a manifest, an hour without traffic one with no parts: "stored, empty" is then told
 * apart from "never stored".
 *
 * Several writers of one window (hosts, worker threads) each call {@link PredictionStoreWriter.closeParts}; one of
 * them passes all the results to {@link commitHours}. A single writer calls {@link PredictionStoreWriter.finish}.
 */
import { formatContractTime } from '../config/time.ts';
import { OutputError } from '../errors.ts';
import { INPUT_ERROR_REASONS, type InputErrorReason, type InputErrorSample } from '../ingest/input-errors.ts';
import { partitionSpan } from '../ingest/walk.ts';
import type { Storage } from '../storage/storage.ts';
import {
  buildManifest,
  emptyCaptureFacts,
  mergeCaptureFacts,
  parseManifest,
  type ExtractionSettings,
  type HourCaptureFacts,
  type HourManifest,
  type PartEntry,
} from './hour-manifest.ts';
import { DEFAULT_ROW_GROUP_ROWS, PredictionPartWriter, type StoreRecord } from './prediction-part-writer.ts';
import { checkSegment, DEFAULT_VARIANT, HOUR_MS, hourFolder, hourOf, hoursOfWindow, manifestPath, newRunId, partFileName, type HourAddress } from './store-layout.ts';

export interface PredictionStoreWriterOptions {
  endpoint: string;
  /** The variant of records whose capture path names none. Default AllTraffic. */
  defaultVariant?: string;
  /** The run's window; it must be hour-aligned (checked when the writer opens). */
  window: { start?: number; end?: number };
  /** What the predictions were extracted with (recorded in each manifest). */
  extraction: ExtractionSettings;
  /** Names this writer's parts (a host, a worker). Default "w0". */
  writerId?: string;
  /** Shared by every writer of one run; default a new one. */
  runId?: string;
  rowGroupRows?: number;
  /** Input-error samples kept per reason and hour. Default 10. */
  samplesPerReason?: number;
  now?: () => Date;
}

/** One writer's result for one (variant, hour): its part (if it had records) and its capture facts. */
export interface WrittenHour {
  variant: string;
  hour: number;
  parts: PartEntry[];
  capture: HourCaptureFacts;
}

/** What a commit needs besides the written hours. */
export interface CommitOptions {
  endpoint: string;
  window: { start?: number; end?: number };
  extraction: ExtractionSettings;
  runId: string;
  samplesPerReason?: number;
  /** The capture locations the writers read (hosts reading shards from different prefixes): orders the samples kept. */
  captureLocations?: readonly string[];
  now?: () => Date;
}

interface HourState {
  variant: string;
  hour: number;
  part?: PredictionPartWriter;
  partFile?: string;
  opening?: Promise<PredictionPartWriter>;
  /** Records waiting for the part to open. */
  waiting: StoreRecord[];
  facts: HourCaptureFacts;
}

const key = (variant: string, hour: number): string => `${variant}\u0000${hour}`;
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Writes one run's window into the store. Use {@link PredictionStoreWriter.open}. */
export class PredictionStoreWriter {
  readonly runId: string;
  readonly writerId: string;
  readonly hours: readonly number[];
  /** The last capture file's place ({@link placeOfFile} is asked for every record of a file). */
  private placed: { path: string | undefined; place: { variant: string; hour: number } | undefined } = { path: undefined, place: undefined };
  /** Records that could not be stored: a payload index beyond int64 (never seen in practice). */
  unstorable = 0;
  private readonly states = new Map<string, HourState>();
  private readonly variants = new Set<string>();
  private readonly defaultVariant: string;
  private readonly rowGroupRows: number;
  private readonly samplesPerReason: number;
  private failure: unknown;
  private finished = false;

  private constructor(
    private readonly storage: Storage,
    private readonly options: PredictionStoreWriterOptions,
  ) {
    const now = options.now ?? (() => new Date());
    this.runId = options.runId ?? newRunId(now());
    this.writerId = options.writerId ?? 'w0';
    this.defaultVariant = options.defaultVariant ?? DEFAULT_VARIANT;
    this.rowGroupRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
    this.samplesPerReason = options.samplesPerReason ?? 10;
    this.hours = hoursOfWindow(options.window);
  }

  /**
   * Checks the names and the window (ConfigError before anything is read) and returns a writer. Nothing is written
   * until records arrive.
   */
  static open(storage: Storage, options: PredictionStoreWriterOptions): PredictionStoreWriter {
    checkSegment(options.endpoint, 'endpoint_name');
    checkSegment(options.defaultVariant ?? DEFAULT_VARIANT, 'the variant name');
    checkSegment(options.writerId ?? 'w0', 'the writer id');
    return new PredictionStoreWriter(storage, options);
  }

  /**
   * The variant and hour a capture file belongs to, from its path ({endpoint}/{variant}/yyyy/mm/dd/hh/file): for
   * attributing the lines and input errors of the file, which have no inference time of their own. The hour is the
   * file's hour folder, moved into the window when it lies outside (a file of 10:59 holding 11:00 records); with a
   * one-hour window it is always that hour; a file in a day folder or at the root goes to the first window hour its
   * folder overlaps (the window's first hour at the root).
   */
  placeOfFile(path: string): { variant: string; hour: number } | undefined {
    if (path !== this.placed.path) this.placed = { path, place: this.findPlaceOfFile(path) };
    return this.placed.place;
  }

  private findPlaceOfFile(path: string): { variant: string; hour: number } | undefined {
    const parts = path.split('/');
    const span = partitionSpan(parts.slice(0, -1).join('/'));
    const hourly = span !== undefined && span.end - span.start === HOUR_MS;
    const named = hourly && parts.length >= 6 ? parts[parts.length - 6]! : undefined;
    const variant = named !== undefined && SEGMENT.test(named) ? named : this.defaultVariant;
    if (this.hours.length === 0) return hourly ? { variant, hour: span.start } : undefined;
    // A path that names no hour (a day folder, a file at the root) still counts somewhere: into the first hour of the
    // window its folder overlaps, else the window's first hour. Its lines and errors used to be dropped from every
    // stored hour of a window of several, so a judgement from the store passed the error gate the run had failed.
    const first = this.hours[0]!;
    const last = this.hours[this.hours.length - 1]!;
    const from = span === undefined ? first : span.start - (span.start % HOUR_MS);
    return { variant, hour: Math.min(Math.max(from, first), last) };
  }

  /** The variant of the records of a capture file: the folder above yyyy/mm/dd/hh, else the default variant. */
  variantOfFile(path: string): string {
    return this.placeOfFile(path)?.variant ?? this.defaultVariant;
  }

  private state(variant: string, hour: number): HourState {
    const k = key(variant, hour);
    let s = this.states.get(k);
    if (s === undefined) {
      checkSegment(variant, 'the variant name');
      s = { variant, hour, waiting: [], facts: emptyCaptureFacts() };
      this.states.set(k, s);
      this.variants.add(variant);
    }
    return s;
  }

  /**
   * Stores one capture record in its hour (by inference time) and variant. Returns false (and counts it in
   * `unstorable`) for a record the store cannot hold. Await {@link drain} now and then (between capture files) so
   * that a slow store holds back the reader instead of filling memory.
   */
  add(record: StoreRecord, variant = this.defaultVariant): boolean {
    if (this.failure !== undefined) throw this.failure;
    if (this.finished) throw new Error('PredictionStoreWriter: add after finish');
    if (!PredictionPartWriter.fits(record)) {
      this.unstorable++;
      return false;
    }
    const s = this.state(variant, hourOf(record.inferenceTime));
    s.facts.requests++;
    s.facts.predictions += record.predictions.length;
    if (record.inferenceId === undefined) s.facts.keyed_by_event_id++;
    if (s.part !== undefined) s.part.add(record);
    else {
      s.waiting.push(record);
      s.opening ??= this.openPart(s);
    }
    return true;
  }

  private openPart(s: HourState): Promise<PredictionPartWriter> {
    const file = partFileName(this.writerId, this.runId);
    const opening = PredictionPartWriter.create(this.storage, `${hourFolder({ endpoint: this.options.endpoint, variant: s.variant, hour: s.hour })}/${file}`, this.rowGroupRows).then(
      (part) => {
        s.part = part;
        s.partFile = file;
        for (const r of s.waiting) part.add(r);
        s.waiting = [];
        return part;
      },
      (error: unknown) => {
        this.failure ??= error;
        throw error;
      },
    );
    opening.catch(() => undefined);
    return opening;
  }

  /** The capture facts of a (variant, hour), to count lines, skips and input errors into. */
  facts(variant: string, hour: number): HourCaptureFacts {
    return this.state(variant, hour).facts;
  }

  /** Counts a capture line of `place` (see {@link placeOfFile}). */
  countLine(place: { variant: string; hour: number }): void {
    this.facts(place.variant, place.hour).lines++;
  }

  /** Counts a record skipped by the window or as shadow traffic. */
  countSkipped(place: { variant: string; hour: number }, reason: 'outside_window' | 'shadow_traffic'): void {
    this.facts(place.variant, place.hour).skipped[reason]++;
  }

  /** Records an input error of a capture line of `place`, with its sample (file, line, detail). */
  addInputError(place: { variant: string; hour: number }, reason: InputErrorReason, sample: InputErrorSample): void {
    const errors = this.facts(place.variant, place.hour).input_errors;
    const entry = (errors[reason] ??= { count: 0, description: INPUT_ERROR_REASONS[reason], samples: [] });
    entry.count++;
    if (entry.samples.length < this.samplesPerReason) entry.samples.push(sample);
  }

  /** Whether a part's queued row groups exceed its high-water mark. */
  get needsDrain(): boolean {
    for (const s of this.states.values()) if (s.part?.needsDrain) return true;
    return false;
  }

  /** Resolves when every part has sent its queued row groups on (and every part has opened). */
  async drain(): Promise<void> {
    for (const s of this.states.values()) {
      if (s.opening) await s.opening;
      await s.part?.drain();
    }
  }

  /**
   * Closes this writer's parts (each complete and checked) and returns, for every hour of the window and every
   * hour that had records, its part and capture facts. Nothing is in the store until {@link commitHours}.
   */
  async closeParts(): Promise<WrittenHour[]> {
    this.finished = true;
    // Hours of the window without a record still get a manifest, for each variant seen (or the default one).
    const variants = this.variants.size > 0 ? [...this.variants] : [this.defaultVariant];
    for (const hour of this.hours) for (const v of variants) this.state(v, hour);
    const out: WrittenHour[] = [];
    try {
      for (const s of [...this.states.values()].sort((a, b) => a.hour - b.hour || (a.variant < b.variant ? -1 : 1))) {
        const parts: PartEntry[] = [];
        if (s.opening) {
          const part = await s.opening;
          const result = await part.close();
          parts.push({ file: s.partFile!, writer: this.writerId, requests: result.requests, records: result.rows, bytes: result.bytes, row_groups: result.rowGroups, sha256: result.sha256 });
        }
        out.push({ variant: s.variant, hour: s.hour, parts, capture: s.facts });
      }
    } catch (error) {
      await this.abort();
      throw error;
    }
    return out;
  }

  /** Closes the parts and commits every hour: the manifests are written and replaced parts removed. */
  async finish(): Promise<HourManifest[]> {
    const written = await this.closeParts();
    return commitHours(this.storage, written, {
      endpoint: this.options.endpoint,
      window: this.options.window,
      extraction: this.options.extraction,
      runId: this.runId,
      samplesPerReason: this.samplesPerReason,
      now: this.options.now,
    });
  }

  /** Gives up: no manifest is written; parts under way are abandoned (nothing of this run becomes visible). */
  async abort(): Promise<void> {
    this.finished = true;
    for (const s of this.states.values()) {
      const part = s.part ?? (await s.opening?.catch(() => undefined));
      await part?.abort();
    }
  }
}

/**
 * Commits hours written by one or several writers: per (variant, hour), the parts and facts of every writer are
 * merged, the previous manifest (if any) is read, the new manifest written (atomically: from then on the hour is the
 * new one), and the parts the previous manifest listed that the new one does not are removed. Returns the manifests.
 *
 * @throws OutputError when a manifest cannot be written (the hour then stays as it was).
 */
export async function commitHours(storage: Storage, written: readonly WrittenHour[], o: CommitOptions): Promise<HourManifest[]> {
  const merged = new Map<string, WrittenHour>();
  for (const w of written) {
    const k = key(w.variant, w.hour);
    const m = merged.get(k);
    if (m === undefined) merged.set(k, { variant: w.variant, hour: w.hour, parts: [...w.parts], capture: mergeCaptureFacts(emptyCaptureFacts(), w.capture, o.samplesPerReason, o.captureLocations) });
    else {
      m.parts.push(...w.parts);
      mergeCaptureFacts(m.capture, w.capture, o.samplesPerReason, o.captureLocations);
    }
  }
  await supersedeOtherVariants(storage, merged, o.endpoint);
  const now = o.now ?? (() => new Date());
  const manifests: HourManifest[] = [];
  for (const w of [...merged.values()].sort((a, b) => a.hour - b.hour || (a.variant < b.variant ? -1 : 1))) {
    const address: HourAddress = { endpoint: o.endpoint, variant: w.variant, hour: w.hour };
    const path = manifestPath(address);
    const previous = await readPreviousParts(storage, path, address);
    const manifest = buildManifest(address, {
      run_id: o.runId,
      written_at: formatContractTime(now().getTime()),
      window: { start: o.window.start === undefined ? null : formatContractTime(o.window.start), end: o.window.end === undefined ? null : formatContractTime(o.window.end) },
      extraction: o.extraction,
      parts: w.parts.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
      capture: w.capture,
    });
    try {
      await storage.writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
    } catch (error) {
      throw new OutputError(`output: cannot write the prediction-store manifest ${storage.describe(path)} (${(error as Error).message})`, { cause: error });
    }
    const kept = new Set(manifest.parts.map((p) => p.file));
    for (const file of previous) {
      // Best effort: a part left behind is invisible (no manifest lists it) and the store's lifecycle rule ends it.
      if (!kept.has(file)) await storage.remove(`${hourFolder(address)}/${file}`).catch(() => undefined);
    }
    manifests.push(manifest);
  }
  return manifests;
}

/**
 * A run stores its window's hours for the whole endpoint: a variant stored in one of those hours by an earlier run
 * but not seen by this one (its traffic ended, its capture was removed) gets an empty manifest of this run, and its
 * parts are removed like any replaced part, so the hour never merges what an earlier run stored. (A run reading one
 * variant's folder stores its records under the default variant: variants are told apart only by a capture read
 * above their folders, and such a run sees every variant.)
 */
async function supersedeOtherVariants(storage: Storage, merged: Map<string, WrittenHour>, endpoint: string): Promise<void> {
  const hours = new Set([...merged.values()].map((w) => w.hour));
  if (hours.size === 0) return;
  let stored: string[];
  try {
    stored = (await storage.listChildren(endpoint)).dirs.map((d) => d.slice(endpoint.length + 1)).filter((v) => SEGMENT.test(v));
  } catch {
    return; // No endpoint folder yet: nothing stored to supersede.
  }
  for (const hour of hours) {
    for (const variant of stored) {
      if (merged.has(key(variant, hour))) continue;
      if (await storage.exists(manifestPath({ endpoint, variant, hour }))) merged.set(key(variant, hour), { variant, hour, parts: [], capture: emptyCaptureFacts() });
    }
  }
}

/** The part files the current manifest of an hour lists ([] when there is none, or it cannot be read). */
async function readPreviousParts(storage: Storage, path: string, address: HourAddress): Promise<string[]> {
  if (!(await storage.exists(path))) return [];
  try {
    return parseManifest((await storage.readFile(path)).toString('utf8'), storage.describe(path), address).parts.map((p) => p.file);
  } catch {
    // A corrupt manifest is replaced; its parts (if any) cannot be known and stay for the lifecycle rule.
    return [];
  }
}
