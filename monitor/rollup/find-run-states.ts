/**
 * @module Finds the stored run states of a span for a roll-up: for each hour of [from, to) the run folders under
 * {yyyy/mm/dd/hh}/ of the state location, the latest run.mpmstate whose window lies inside the span (a delayed,
 * matured judging of an hour replaces the first) of the analysis rolled up, and the hours that have none.
 */
import { InputError } from '../errors.ts';
import { RUN_STATE_FILE, runFolder } from '../pipeline/host-states.ts';
import { readStateFile } from '../state/read-state-file.ts';
import type { UnpackedState } from '../state/state-file.ts';
import type { StateAnalysis } from '../state/state-header.ts';
import type { Storage } from '../storage/storage.ts';

const HOUR = 3_600_000;

/** One hour's chosen state and what else was stored for it. */
export interface HourState {
  hour: string;
  file: string;
  state: UnpackedState;
  /** Other states of the hour, left out because a later one exists. */
  superseded: string[];
}

function windowInside(state: UnpackedState, from: number, to: number): boolean {
  const start = state.header.window.start_time === null ? NaN : Date.parse(state.header.window.start_time);
  const end = state.header.window.end_time === null ? NaN : Date.parse(state.header.window.end_time);
  return start >= from && end <= to;
}

/** The latest state of one hour folder (by written_at, then path), or undefined. */
async function latestOfHour(storage: Storage, folder: string, from: number, to: number, analysis: StateAnalysis): Promise<Omit<HourState, 'hour'> | undefined> {
  const { dirs } = await storage.listChildren(folder);
  const found: { file: string; state: UnpackedState }[] = [];
  for (const dir of dirs) {
    const path = `${dir}/${RUN_STATE_FILE}`;
    if (!(await storage.exists(path))) continue;
    const state = await readStateFile(storage, path);
    if (state.header.analysis !== analysis) continue;
    if (windowInside(state, from, to)) found.push({ file: storage.describe(path), state });
  }
  if (found.length === 0) return undefined;
  found.sort((a, b) => (a.state.header.written_at ?? '').localeCompare(b.state.header.written_at ?? '') || (a.file < b.file ? -1 : 1));
  const latest = found.at(-1)!;
  return { ...latest, superseded: found.slice(0, -1).map((f) => f.file) };
}

/** Calls `onHour` with each hour's latest state of `analysis`, in time order; returns the hours without one. */
export async function forEachHourState(storage: Storage, from: number, to: number, analysis: StateAnalysis, onHour: (hour: HourState) => void): Promise<string[]> {
  if (!(from < to)) throw new InputError('input: the roll-up span is empty');
  const missing: string[] = [];
  for (let t = Math.floor(from / HOUR) * HOUR; t < to; t += HOUR) {
    const folder = runFolder(t, '').slice(0, -1);
    const hour = new Date(t).toISOString().replace('.000Z', 'Z');
    const latest = await latestOfHour(storage, folder, from, to, analysis);
    if (latest === undefined) missing.push(hour);
    else onHour({ hour, ...latest });
  }
  return missing;
}
