/**
 * @module A host's share of the prediction store in its run state: the Parquet parts its threads wrote (one per writer
 * and hour, not yet listed by any manifest), the capture facts of each hour and the label arrival its scan counted.
 * The leader adds every host's parts to its own and alone writes each hour's manifest, which then lists them all.
 */
import { InputError } from '../errors.ts';
import { buildManifest, parseManifest } from '../store/hour-manifest.ts';
import type { PredictionSinkResult } from '../store/prediction-sink.ts';
import type { WrittenHour } from '../store/prediction-store-writer.ts';
import { HOUR_MS } from '../store/store-layout.ts';
import type { AccumulatorState, JsonValue } from './accumulator-state.ts';
import { expectState, stateCount } from './accumulator-state.ts';

/** The store parts a host wrote for one run. */
export interface HostStoreParts {
  /** The store's location (every host of a job must write to the same one). */
  location: string;
  /** The host's store run id (its parts' names carry it). */
  runId: string;
  /** What each of its threads' sinks gave back. */
  sinks: PredictionSinkResult[];
  /** The capture locations of the hosts merged so far (the leader's only; not saved). */
  captureLocations?: string[];
}

const KIND = 'mq.store-parts';
const VARIANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Saves a host's store parts (written hours as meta, each sink's label-arrival state as a part). */
export function saveStoreParts(p: HostStoreParts): AccumulatorState {
  const sinks = p.sinks.map((s) => ({ written: JSON.parse(JSON.stringify(s.written)) as JsonValue, unstored: s.unstored, lag: s.lag !== undefined }));
  const parts = Object.fromEntries(p.sinks.flatMap((s, i) => (s.lag === undefined ? [] : [[`lag_${i}`, s.lag]])));
  return { kind: KIND, version: 1, meta: { location: p.location, run_id: p.runId, sinks }, arrays: {}, parts };
}

/** Checks one written hour as the manifest it will become (part names inside the hour folder, counts, facts). */
function loadWritten(value: unknown, file: string): WrittenHour {
  const w = value as WrittenHour;
  const bad = (why: string): never => {
    throw new InputError(`state: ${file}: its prediction-store parts are malformed (${why})`);
  };
  if (w === null || typeof w !== 'object' || typeof w.variant !== 'string' || !VARIANT.test(w.variant)) bad('a variant is not a folder name');
  if (!Number.isSafeInteger(w.hour) || w.hour % HOUR_MS !== 0) bad(`hour ${JSON.stringify(w.hour)} is not a whole UTC hour`);
  if (!Array.isArray(w.parts)) bad('parts is not a list');
  const address = { endpoint: 'e', variant: w.variant, hour: w.hour };
  const text = JSON.stringify(buildManifest(address, { run_id: 'r', written_at: 'w', window: { start: null, end: null }, extraction: { problem_type: 'Regression', inference_attribute: null, probability_attribute: null }, parts: w.parts, capture: w.capture }));
  try {
    parseManifest(text, file, address);
  } catch (error) {
    bad((error as Error).message.replace(/^store: [^:]*: /, ''));
  }
  return { variant: w.variant, hour: w.hour, parts: w.parts, capture: w.capture };
}

/** Loads a host's store parts, checked (a part name that leaves the hour folder, or a malformed count, is refused). */
export function loadStoreParts(state: AccumulatorState, file: string): HostStoreParts {
  expectState(state, KIND, 1);
  const meta = state.meta as { location?: unknown; run_id?: unknown; sinks?: unknown };
  if (typeof meta?.location !== 'string' || typeof meta.run_id !== 'string' || !Array.isArray(meta.sinks)) {
    throw new InputError(`state: ${file}: its prediction-store state lacks its location, run id or sinks`);
  }
  const sinks = meta.sinks.map((s: { written?: unknown; unstored?: unknown; lag?: unknown }, i): PredictionSinkResult => {
    if (s === null || typeof s !== 'object' || !Array.isArray(s.written)) throw new InputError(`state: ${file}: prediction-store sink ${i} lacks its written hours`);
    const lag = s.lag === true ? state.parts?.[`lag_${i}`] : undefined;
    if (s.lag === true && lag === undefined) throw new InputError(`state: ${file}: prediction-store sink ${i} lacks its label arrival`);
    return { written: s.written.map((w) => loadWritten(w, file)), unstored: stateCount(s.unstored, 'unstored records'), ...(lag === undefined ? {} : { lag }) };
  });
  return { location: meta.location, runId: meta.run_id, sinks };
}
