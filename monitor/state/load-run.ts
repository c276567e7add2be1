/**
 * @module Reads a model-quality run's states back (a host's part, or a run merged by roll-up): apart from
 * run-state.ts, so that the runs that only write states (or a data-quality run) do not load the join results and,
 * through them, every metric accumulator and estimator.
 */
import { InputError } from '../errors.ts';
import { JoinResults, type JoinExtras } from '../join/join-results.ts';
import type { AccumulatorState } from './accumulator-state.ts';
import { expectState, namingFile, stateCount } from './accumulator-state.ts';
import { loadCaptureState, loadTally, RUN_STATES, type LoadedRun } from './run-state.ts';
import { loadStoreParts } from './store-parts-state.ts';

function need(states: Record<string, AccumulatorState>, name: string, file: string): AccumulatorState {
  const state = Object.hasOwn(states, name) ? states[name] : undefined;
  if (state === undefined) throw new InputError(`state: ${file} holds no "${name}" state; expected a model-quality run's state file`);
  return state;
}

/** Loads a run's states (extras: the estimator options of the run that merges them); its errors name the file. */
export function loadRun(states: Record<string, AccumulatorState>, file: string, extras: JoinExtras): LoadedRun {
  return namingFile(file, () => loadRunStates(states, file, extras));
}

function loadRunStates(states: Record<string, AccumulatorState>, file: string, extras: JoinExtras): LoadedRun {
  const labels = Object.hasOwn(states, RUN_STATES.labels) ? states[RUN_STATES.labels] : undefined;
  let labelsUsed: LoadedRun['labelsUsed'];
  if (labels !== undefined) {
    expectState(labels, 'mq.labels-used', 1);
    const meta = labels.meta as { labels?: unknown; slots?: unknown };
    const used = labels.arrays.used;
    if (!(used instanceof Uint8Array)) throw new InputError(`state: ${file}: its labels_used state lacks the used bits`);
    labelsUsed = { labels: stateCount(meta?.labels, 'labels'), slots: stateCount(meta?.slots, 'slots'), used };
  }
  return {
    results: JoinResults.load(need(states, RUN_STATES.modelQuality, file), extras),
    ...loadCaptureState(need(states, RUN_STATES.capture, file)),
    inputErrors: loadTally(need(states, RUN_STATES.inputErrors, file)),
    labelsUsed,
    ...(Object.hasOwn(states, RUN_STATES.store) ? { storeParts: loadStoreParts(states[RUN_STATES.store]!, file) } : {}),
  };
}
