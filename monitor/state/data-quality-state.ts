/**
 * @module The run-state of a data-quality run (or of one host's part of it): the dataset profile (per column the KLL
 * sketch, counts, exact sums, type counts, the categorical table and the HyperLogLog; the extra-key counts and row
 * problems), the capture counts and the capture's input errors. Saved into a state file's named states beside the
 * header (analysis data_quality) and merged back by the leader of several hosts and by roll-ups.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { DatasetProfile } from '../data-quality/dataset-profile.ts';
import { InputError } from '../errors.ts';
import type { InputErrorTally, ReasonTally } from '../ingest/input-errors.ts';
import type { CaptureSummary } from '../scan/capture-summary.ts';
import { namingFile, type AccumulatorState } from './accumulator-state.ts';
import type { RunIdentity } from './run-identity.ts';
import { loadCaptureState, loadTally, saveCapture, saveTally, stateHeader } from './run-state.ts';
import { resultSettings } from './settings-fingerprint.ts';
import type { StateHeaderInput } from './state-header.ts';

/** The names of a data-quality run's states in a state file. */
export const DATA_QUALITY_STATES = { profile: 'data_quality', capture: 'capture', inputErrors: 'input_errors' } as const;

/** What a data-quality scan produced, as the state file holds it. */
export interface DataQualityParts {
  profile: DatasetProfile;
  capture: CaptureSummary;
  tally: InputErrorTally;
  /** Between hosts: the capture folders this host's window pruned (the leader counts the union). */
  prunedFolders?: readonly string[];
}

/** A data-quality run's states read back. */
export interface LoadedDataQualityRun {
  profile: DatasetProfile;
  capture: CaptureSummary;
  /** The pruned capture folders' paths (capture states of version 2 on). */
  prunedFolders?: string[];
  inputErrors: [string, ReasonTally][];
}

/**
 * The header of a data-quality run's state file. `baselineColumns` (the baseline's column names, which name the
 * positional columns of CSV and array records and order the profile) is fingerprinted with the settings.
 */
export function dataQualityStateHeader(config: MonitorConfig, identity: RunIdentity, baselineColumns: readonly string[] | undefined, writtenAt: Date): StateHeaderInput {
  const settings = resultSettings(config.resolved, { 'mpm.baseline_columns': JSON.stringify(baselineColumns ?? null) });
  return stateHeader(config, identity, { analysis: 'data_quality', problem_type: null, positive_label: null, label_dictionary: [] }, settings, writtenAt);
}

/** The named states of a data-quality run's file. */
export function saveDataQualityRun(parts: DataQualityParts): Record<string, AccumulatorState> {
  return {
    [DATA_QUALITY_STATES.profile]: parts.profile.save(),
    [DATA_QUALITY_STATES.capture]: saveCapture(parts.capture, parts.prunedFolders),
    [DATA_QUALITY_STATES.inputErrors]: saveTally(parts.tally),
  };
}

/** Loads a data-quality run's states; a file without them (a model-quality run's) is an InputError naming it. */
export function loadDataQualityRun(states: Record<string, AccumulatorState>, file: string): LoadedDataQualityRun {
  const need = (name: string): AccumulatorState => {
    const state = Object.hasOwn(states, name) ? states[name] : undefined;
    if (state === undefined) throw new InputError(`state: ${file} holds no "${name}" state; expected a data-quality run's state file`);
    return state;
  };
  return namingFile(file, () => ({
    profile: DatasetProfile.load(need(DATA_QUALITY_STATES.profile)),
    ...loadCaptureState(need(DATA_QUALITY_STATES.capture)),
    inputErrors: loadTally(need(DATA_QUALITY_STATES.inputErrors)),
  }));
}
