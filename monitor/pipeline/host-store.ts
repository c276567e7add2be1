/**
 * @module The prediction store of a multi-instance run: every host streams its shard's records into parts of its own
 * (named after the host and its run id) and lists them in its state; the leader, once every host's state is in, adds
 * their parts to its own and writes each hour's manifest (written last, so the hour appears whole or not at all; a
 * rerun's manifest replaces it and lists only the rerun's parts).
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { ConfigError, InputError } from '../errors.ts';
import { readHosts } from '../state/run-identity.ts';
import type { LoadedRun, RunParts } from '../state/run-state.ts';
import type { PredictionSinkResult } from '../store/prediction-sink.ts';
import type { PredictionStore } from './store-predictions.ts';

/** The store parts of this host, to save in its state (undefined without a store, or for one instance). */
export function hostStoreParts(store: PredictionStore | undefined, hosts: number, sinks: PredictionSinkResult[] | undefined, captureLocation: string): RunParts['storeParts'] {
  if (store === undefined || hosts < 2) return undefined;
  return { location: store.storage.location, runId: store.runId, sinks: [...(sinks ?? [])], captureLocations: [captureLocation] };
}

/**
 * Adds another host's store parts to the leader's. A host without parts while the leader stores predictions, or one
 * that wrote to another store, is an InputError naming its state file: the hour would otherwise miss its records.
 */
export function mergeHostStore(parts: RunParts, other: Pick<LoadedRun, 'storeParts' | 'capture'>, file: string): void {
  const mine = parts.storeParts;
  if (mine === undefined) return;
  const theirs = other.storeParts;
  if (theirs === undefined) {
    throw new InputError(`state: ${file} lists no prediction-store parts, but this host stores the window's predictions in ${mine.location}; expected the same MPM_PREDICTION_STORE on every host`);
  }
  if (theirs.location !== mine.location) {
    throw new InputError(`state: ${file} stored its predictions in ${theirs.location}, this host in ${mine.location}; expected the same MPM_PREDICTION_STORE on every host`);
  }
  mine.sinks.push(...theirs.sinks);
  mine.captureLocations?.push(other.capture.location);
}

/**
 * A delayed run (MPM_EVALUATION_DELAY_HOURS > 0) on several hosts is refused before anything is read: it would store
 * the fresh window's hour once per host (each manifest listing one host's parts) and judge it on every host.
 */
export async function refuseDelayedOnHosts(config: MonitorConfig): Promise<void> {
  const file = config.paths.resourceConfigFile;
  const { hosts } = await readHosts(file);
  if (hosts.length < 2) return;
  throw new ConfigError(
    `config: MPM_EVALUATION_DELAY_HOURS ${config.evaluationDelayHours} with ${hosts.length} hosts in ${file} is not supported (every host would store and judge alone); expected one instance for a delayed run, or MPM_EVALUATION_DELAY_HOURS 0 on several hosts`,
  );
}
