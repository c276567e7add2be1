/**
 * @module Finds the stored run states of a span for a roll-up: for each hour of [from, to) the run folders under
 * {yyyy/mm/dd/hh}/ of the state location, for each window the latest run.mpmstate whose window lies inside the span
 * (a delayed, matured judging of a window replaces the first) of the analysis rolled up, and the hours that have none.
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
  /** Other states of the same window, left out because a later one exists. */
  superseded: string[];
}

function windowInside(state: UnpackedState, from: number, to: number): boolean {
  const start = state.header.window.start_time === null ? NaN : Date.parse(state.header.window.start_time);
  const end = state.header.window.end_time === null ? NaN : Date.parse(state.header.window.end_time);
  return start >= from && end <= to;
}

const windowOf = (state: UnpackedState): string => `${state.header.window.start_time} to ${state.header.window.end_time}`;
const startOf = (state: UnpackedState): number => Date.parse(state.header.window.start_time ?? '');
const endOf = (state: UnpackedState): number => Date.parse(state.header.window.end_time ?? '');

/**
 * The states of one hour folder to merge: for each window, the latest state of it (by written_at, then path; the
 * others of that window are superseded), in order of their windows' starts. Runs over parts of an hour (08:00-08:30
 * and 08:30-09:00) are both merged: only a state of the same window replaces another (it used to be the latest of
 * the folder whatever its window, and half the hour was dropped without a word). States of one hour whose windows
 * overlap without being the same cannot both be merged, and neither replaces the other: an InputError names both.
 */
async function statesOfHour(storage: Storage, folder: string, from: number, to: number, analysis: StateAnalysis): Promise<Array<Omit<HourState, 'hour'>>> {
  const { dirs } = await storage.listChildren(folder);
  const byWindow = new Map<string, { file: string; state: UnpackedState }[]>();
  for (const dir of dirs) {
    const path = `${dir}/${RUN_STATE_FILE}`;
    if (!(await storage.exists(path))) continue;
    const state = await readStateFile(storage, path);
    if (state.header.analysis !== analysis) continue;
    if (!windowInside(state, from, to)) continue;
    const key = windowOf(state);
    if (!byWindow.has(key)) byWindow.set(key, []);
    byWindow.get(key)!.push({ file: storage.describe(path), state });
  }
  const chosen: Array<Omit<HourState, 'hour'>> = [];
  for (const found of byWindow.values()) {
    found.sort((a, b) => (a.state.header.written_at ?? '').localeCompare(b.state.header.written_at ?? '') || (a.file < b.file ? -1 : 1));
    const latest = found.at(-1)!;
    chosen.push({ ...latest, superseded: found.slice(0, -1).map((f) => f.file) });
  }
  chosen.sort((a, b) => startOf(a.state) - startOf(b.state) || endOf(a.state) - endOf(b.state));
  for (let i = 1; i < chosen.length; i++) {
    const [a, b] = [chosen[i - 1]!, chosen[i]!];
    if (startOf(b.state) < endOf(a.state)) {
      throw new InputError(
        `input: the run states ${a.file} (${windowOf(a.state)}) and ${b.file} (${windowOf(b.state)}) cover overlapping windows of one hour; ` +
          'neither replaces the other (only a state of the same window does) and merging both would count records twice: remove the one that should not count',
      );
    }
  }
  return chosen;
}

/**
 * Calls `onHour` with each state to merge, in time order (each hour's states by their windows' starts); returns the
 * hours without one.
 */
export async function forEachHourState(storage: Storage, from: number, to: number, analysis: StateAnalysis, onHour: (hour: HourState) => void): Promise<string[]> {
  if (!(from < to)) throw new InputError('input: the roll-up span is empty');
  const missing: string[] = [];
  for (let t = Math.floor(from / HOUR) * HOUR; t < to; t += HOUR) {
    const folder = runFolder(t, '').slice(0, -1);
    const hour = new Date(t).toISOString().replace('.000Z', 'Z');
    const states = await statesOfHour(storage, folder, from, to, analysis);
    if (states.length === 0) missing.push(hour);
    for (const state of states) onHour({ hour, ...state });
  }
  return missing;
}
