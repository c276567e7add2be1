/**
 * @module The state stages of a model-quality run: where its state goes (MPM_STATE_URI, under the window and the job),
 * each host of a multi-instance job writing its part, the first host waiting for the others (bounded), checking and
 * merging their parts into its own, and the merged run's state written for roll-ups. SageMaker shards the capture
 * between the instances (ShardedByS3Key); every host reads all labels; the leader alone judges and reports.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError, ConfigError, OutputError } from '../errors.ts';
import type { InputErrorTally } from '../ingest/input-errors.ts';
import { samplePathOrder } from '../ingest/sample-order.ts';
import type { JoinExtras } from '../join/join-results.ts';
import { openStorage } from '../storage/open-storage.ts';
import { assertWritableFolder } from '../storage/local.ts';
import { isS3Uri } from '../storage/s3-uri.ts';
import type { Storage } from '../storage/storage.ts';
import { readStateFile } from '../state/read-state-file.ts';
import { planCaptureDeal, type CaptureDeal } from '../state/input-distribution.ts';
import { readHosts, readRunIdentity, type RunIdentity } from '../state/run-identity.ts';
import { runStateHeader, saveRun, type LoadedRun, type RunParts } from '../state/run-state.ts';
import { pack, type UnpackedState } from '../state/state-file.ts';
import { assertMergeable, type StateHeader } from '../state/state-header.ts';
import { mergeHostCapture } from './host-capture.ts';
import { mergeHostStore } from './host-store.ts';
import type { RunContext } from './run-context.ts';

/** The file of a whole run's merged state, and the folder of the hosts' parts, under the run's folder. */
export const RUN_STATE_FILE = 'run.mpmstate';
const HOSTS_FOLDER = 'hosts';

/** Where this run's states go and who it is among the job's hosts. */
export interface StatePlan {
  storage: Storage;
  identity: RunIdentity;
  /** The run's folder in the state location: {yyyy/mm/dd/hh of the window start, or "all"}/{job}. */
  folder: string;
  /** True when this host merges and reports (hosts[0]); a one-instance run leads itself. */
  leader: boolean;
  /** This host's share of a capture that reaches every host whole (state/input-distribution.ts). */
  deal?: CaptureDeal;
}

/** The folder of a run: the window start's hour, then the job's name. */
export function runFolder(start: number | undefined, job: string): string {
  if (start === undefined) return `all/${job}`;
  const iso = new Date(start).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}/${job}`;
}

/** The path of a host's part. */
export function hostStatePath(folder: string, host: string): string {
  return `${folder}/${HOSTS_FOLDER}/${host}.mpmstate`;
}

/**
 * Reads the run's identity and opens the state location; undefined when the run keeps no state. Several hosts
 * without a state location is a configuration error (their parts would have nowhere to meet).
 */
export async function planState(ctx: Pick<RunContext, 'config'>): Promise<StatePlan | undefined> {
  const { config } = ctx;
  const { hosts } = await readHosts(config.paths.resourceConfigFile);
  if (config.stateUri === undefined) {
    if (hosts.length > 1) {
      throw new ConfigError(
        `config: MPM_STATE_URI is not set but ${config.paths.resourceConfigFile} lists ${hosts.length} hosts (${hosts.join(', ')}); expected a folder or s3:// URI every host can write, where the first host merges their states`,
      );
    }
    return undefined;
  }
  const identity = await readRunIdentity(config);
  const current = identity.host.current_host;
  if (!isS3Uri(config.stateUri)) await assertWritableFolder(config.stateUri, 'MPM_STATE_URI');
  const storage = await openStorage(config.stateUri, { s3EndpointUrl: config.s3EndpointUrl });
  const deal = planCaptureDeal(config, identity.host);
  return { storage, identity, folder: runFolder(config.window.start, identity.job.name), leader: current === hosts[0], ...(deal ? { deal } : {}) };
}

/** Packs and writes one state file atomically (a host that dies half-way leaves no partial file). */
export async function writeState(plan: StatePlan, path: string, bytes: Uint8Array): Promise<string> {
  try {
    await plan.storage.writeFile(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new OutputError(`output: cannot write the state file ${plan.storage.describe(path)} (${(error as Error).message})`, { cause: error });
  }
  return plan.storage.describe(path);
}

/** What a state file of this run says about it. */
export function headerOf(ctx: RunContext, plan: StatePlan, labels: readonly string[], positiveLabel: string | undefined): ReturnType<typeof runStateHeader> {
  return runStateHeader(ctx.config, plan.identity, labels, positiveLabel, ctx.deps.now());
}

/** A worker host writes its part (its shard's accumulators, its input errors, the labels its predictions joined). */
export async function writeHostState(ctx: RunContext, plan: StatePlan, parts: RunParts, labels: readonly string[], positiveLabel: string | undefined): Promise<{ file: string; bytes: number }> {
  const bytes = pack(saveRun(parts), headerOf(ctx, plan, labels, positiveLabel));
  const file = await writeState(plan, hostStatePath(plan.folder, plan.identity.host.current_host), bytes);
  ctx.log.info({ file, bytes: bytes.byteLength }, 'host state written');
  return { file, bytes: bytes.byteLength };
}

/** The merged run's state (no label bits: a roll-up merges windows, not hosts). */
export async function writeRunState(ctx: RunContext, plan: StatePlan, parts: RunParts, labels: readonly string[], positiveLabel: string | undefined): Promise<{ file: string; bytes: number }> {
  const bytes = pack(saveRun({ ...parts, store: undefined, storeParts: undefined }), headerOf(ctx, plan, labels, positiveLabel));
  const file = await writeState(plan, `${plan.folder}/${RUN_STATE_FILE}`, bytes);
  ctx.log.info({ file, bytes: bytes.byteLength }, 'run state written');
  return { file, bytes: bytes.byteLength };
}

/** Waits until every other host's part exists, polling; fails naming the hosts still missing at the deadline. */
async function awaitHosts(ctx: RunContext, plan: StatePlan): Promise<string[]> {
  const others = plan.identity.host.hosts.filter((h) => h !== plan.identity.host.current_host);
  const waitMs = ctx.config.hostWaitSeconds * 1000;
  const deadline = performance.now() + waitMs;
  const poll = Math.min(1000, Math.max(50, waitMs / 20));
  let missing = others;
  for (;;) {
    const present = await Promise.all(missing.map((h) => plan.storage.exists(hostStatePath(plan.folder, h))));
    missing = missing.filter((_, i) => !present[i]);
    if (missing.length === 0) return others;
    if (performance.now() >= deadline) {
      throw new InputError(
        `input: ${missing.length} of ${others.length + 1} hosts wrote no state to ${plan.storage.describe(`${plan.folder}/${HOSTS_FOLDER}`)} within ${ctx.config.hostWaitSeconds} s (MPM_HOST_WAIT_SECONDS): ${missing.join(', ')}`,
      );
    }
    ctx.log.info({ missing }, 'waiting for the other hosts\' states');
    await sleep(Math.min(poll, Math.max(1, deadline - performance.now())));
  }
}

/**
 * Adds another host's capture input errors: the counts add up, and the samples kept are the first of all hosts' in
 * path order (file, then line), as one instance reading every file in path order keeps. Files are ordered by their
 * path below their host's capture location (`locations`: every host's), so hosts that read their shards from
 * different prefixes order as one instance reading one prefix would. Ground-truth reasons (gt_*) are not added: every
 * host read the same labels, the leader's own count is the run's.
 */
export function addHostTally(tally: InputErrorTally, from: LoadedRun['inputErrors'], samplesPerReason: number, locations: readonly string[] = []): void {
  const order = samplePathOrder(locations);
  for (const [reason, theirs] of from) {
    if (reason.startsWith('gt_')) continue;
    let entry = tally.byReason.get(reason);
    if (!entry) {
      entry = { count: 0, description: theirs.description, samples: [] };
      tally.byReason.set(reason, entry);
    }
    entry.count += theirs.count;
    entry.samples = [...entry.samples, ...theirs.samples].sort(order).slice(0, samplesPerReason);
  }
}

/** Merges one host's loaded part into the leader's. */
function mergeHost(ctx: RunContext, parts: RunParts, other: LoadedRun, file: string, locations: string[]): void {
  parts.results.merge(other.results);
  locations.push(other.capture.location);
  addHostTally(parts.tally, other.inputErrors, ctx.config.samplesPerReason, locations);
  mergeHostCapture(parts, other);
  mergeHostStore(parts, other, file);
  const store = parts.store;
  if (store === undefined) return;
  const used = other.labelsUsed;
  if (used === undefined || used.labels !== store.size || used.slots !== store.slots) {
    throw new InputError(
      `state: ${file} was made from other ground truth (${used?.labels ?? 'no'} labels in ${used?.slots ?? 'no'} slots; this host read ${store.size} in ${store.slots}); every host must read the same labels`,
    );
  }
  parts.results.summary.duplicate_predictions += store.markUsed(used.used);
}

/**
 * The leader's side of every analysis: waits for every other host's part (bounded), then reads each in host order and
 * checks its header against the leader's own (same settings, job, window and host list; written by that host).
 */
export async function* readHostParts(ctx: RunContext, plan: StatePlan, own: StateHeader): AsyncGenerator<{ read: UnpackedState; file: string }> {
  for (const host of await awaitHosts(ctx, plan)) {
    const path = hostStatePath(plan.folder, host);
    const read: UnpackedState = await readStateFile(plan.storage, path);
    const file = plan.storage.describe(path);
    assertMergeable({ header: own, file: `this host (${own.host.current_host})` }, { header: read.header, file }, 'hosts');
    if (read.header.host.current_host !== host) throw new InputError(`state: ${file} says it was written by ${read.header.host.current_host}, not ${host}`);
    yield { read, file };
  }
}

/** The leader: waits for every other host's part, checks each against its own header, merges them into `parts`. */
export async function mergeHostStates(ctx: RunContext, plan: StatePlan, parts: RunParts, own: StateHeader, extras: JoinExtras): Promise<string[]> {
  // Loaded here, not at start-up: a data-quality run uses this module's other stages and never reads join results.
  const { loadRun } = await import('../state/load-run.ts');
  const files: string[] = [];
  const locations = [parts.capture.location];
  for await (const { read, file } of readHostParts(ctx, plan, own)) {
    mergeHost(ctx, parts, loadRun(read.states, file, extras), file, locations);
    files.push(file);
  }
  ctx.log.info({ hosts: files.length + 1 }, 'host states merged');
  return files;
}
