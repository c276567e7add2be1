/**
 * @module The part of a roll-up common to both analyses: the span from the settings, each hour's latest state of the
 * analysis, every state checked against the previous one (same settings, windows that do not overlap) and against
 * the roll-up's own settings, and what the roll-up report says about the hours merged and missing.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { formatContractTime } from '../config/time.ts';
import { ConfigError, InputError } from '../errors.ts';
import type { UnpackedState } from '../state/state-file.ts';
import { assertMergeable, type StateAnalysis, type StateHeader } from '../state/state-header.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { Logger } from 'pino';
import { compareWithRollup, type SettingFromStates } from './compare-settings.ts';
import { forEachHourState, type HourState } from './find-run-states.ts';

/** The roll-up's own report beside statistics.json and constraint_violations.json. */
export const ROLLUP_REPORT_FILE = 'rollup_report.json';

/** What the roll-up merged. */
export interface RollupSummary {
  window: { start_time: string; end_time: string };
  hours: { hour: string; state: string; job: string; written_at: string | null; superseded: string[] }[];
  missing_hours: string[];
  /** Result settings the roll-up did not read and took from the states (its own were left at their defaults). */
  settings_from_states: SettingFromStates[];
  violations: number;
  outputs: Record<string, string>;
}

/** The span [start, end) of a roll-up; a ConfigError without a state location or a closed span. */
function spanOf(config: MonitorConfig): { start: number; end: number } {
  const { start, end } = config.window;
  if (config.stateUri === undefined) throw new ConfigError('config: MPM_STATE_URI is not set; expected the folder or s3:// URI the runs wrote their states to');
  if (start === undefined || end === undefined) throw new ConfigError('config: a roll-up needs --from and --to; expected UTC times YYYY-MM-DDTHH:MM:SSZ or dates YYYY-MM-DD');
  return { start, end };
}

/**
 * Hands each hour's latest state of `analysis` to `onState`, in time order, after checking it; `derived` are the
 * values the roll-up derives that its states' fingerprints cover. Fails (InputError, exit 3) when no hour has one.
 */
export async function collectStates(
  config: MonitorConfig,
  log: Logger,
  analysis: StateAnalysis,
  derived: Readonly<Record<string, string>>,
  onState: (state: UnpackedState, file: string) => void,
): Promise<Omit<RollupSummary, 'violations' | 'outputs'>> {
  const { start, end } = spanOf(config);
  const states = await openStorage(config.stateUri!, { s3EndpointUrl: config.s3EndpointUrl });
  let previous: { header: StateHeader; file: string } | undefined;
  let fromStates: SettingFromStates[] = [];
  const hours: RollupSummary['hours'] = [];
  const missing = await forEachHourState(states, start, end, analysis, (h: HourState) => {
    const { header } = h.state;
    // Every state against the roll-up's own settings first (a ConfigError, exit 2, whichever hour differs: only the
    // first hour's was compared, so the same mismatch in a later hour was an InputError, exit 3), then with the
    // previous state (windows that overlap, settings the roll-up takes from the states).
    const taken = compareWithRollup(config, header, h.file, derived);
    if (previous) assertMergeable(previous, { header, file: h.file }, 'windows');
    else fromStates = taken;
    previous = { header, file: h.file };
    onState(h.state, h.file);
    hours.push({ hour: h.hour, state: h.file, job: header.job.name, written_at: header.written_at ?? null, superseded: h.superseded });
    log.info({ hour: h.hour, state: h.file }, 'state merged');
  });
  const window = { start_time: formatContractTime(start), end_time: formatContractTime(end) };
  if (hours.length === 0) throw new InputError(`input: no ${analysis.replace('_', '-')} run state in ${states.location} for ${window.start_time} to ${window.end_time}`);
  return { window, hours, missing_hours: missing, settings_from_states: fromStates };
}
