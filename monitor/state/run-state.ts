/**
 * @module The run-state of a model-quality run (or of one host's part of it): what the scan accumulated (the join's
 * metrics, shape, estimate and counts), the capture counts, the capture's input errors and, between hosts, which
 * labels joined. Saved into a state file's named states and merged back so that the leader of several hosts holds
 * what one instance reading every file would hold. A data-quality analysis adds its own named state beside these.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { formatContractTime } from '../config/time.ts';
import { InputError } from '../errors.ts';
import type { InputErrorSample, InputErrorTally, ReasonTally } from '../ingest/input-errors.ts';
import type { JoinResults } from '../join/join-results.ts';
import type { LabelStore } from '../join/label-store.ts';
import { TOOL_VERSION } from '../report/build-run-report.ts';
import type { UnreadableFiles } from '../ingest/unreadable-files.ts';
import type { SkippedFiles } from '../ingest/walk.ts';
import type { CaptureSummary } from '../scan/capture-summary.ts';
import type { SkipReason } from '../storage/storage.ts';
import type { AccumulatorState, JsonValue } from './accumulator-state.ts';
import { expectState, stateCount } from './accumulator-state.ts';
import type { RunIdentity } from './run-identity.ts';
import { fingerprintOf, resultSettings, type ResultSettings } from './settings-fingerprint.ts';
import { saveStoreParts, type HostStoreParts } from './store-parts-state.ts';
import type { StateHeaderInput } from './state-header.ts';

/** The names of a model-quality run's states in a state file. */
export const RUN_STATES = { modelQuality: 'model_quality', capture: 'capture', inputErrors: 'input_errors', labels: 'labels_used', store: 'prediction_store' } as const;

/** What a run's scan produced, as the state file holds it. */
export interface RunParts {
  results: JoinResults;
  capture: CaptureSummary;
  tally: InputErrorTally;
  /** Between hosts only: the label store, whose used labels the leader merges. */
  store?: LabelStore;
  /** Between hosts: the capture folders this host's window pruned (the leader counts the union). */
  prunedFolders?: readonly string[];
  /** Between hosts with a prediction store: the parts this host wrote (the leader's manifest lists every host's). */
  storeParts?: HostStoreParts;
}

/** What a state header says of the analysis; the rest (settings, window, host, job, tool, time) is the same for all. */
type AnalysisFields = Pick<StateHeaderInput, 'analysis' | 'problem_type' | 'positive_label' | 'label_dictionary'>;

/** A state file's header: the analysis's own fields, the settings behind the fingerprint, and the run's identity. */
export function stateHeader(config: MonitorConfig, identity: RunIdentity, analysis: AnalysisFields, settings: ResultSettings, writtenAt: Date): StateHeaderInput {
  const { start, end } = config.window;
  return {
    analysis: analysis.analysis,
    problem_type: analysis.problem_type,
    positive_label: analysis.positive_label,
    seed: config.seed,
    label_dictionary: analysis.label_dictionary,
    settings_fingerprint: fingerprintOf(settings),
    result_settings: settings,
    window: { start_time: start === undefined ? null : formatContractTime(start), end_time: end === undefined ? null : formatContractTime(end) },
    host: { current_host: identity.host.current_host, hosts: [...identity.host.hosts] },
    job: { ...identity.job },
    tool: { name: 'mpm', version: TOOL_VERSION },
    written_at: writtenAt.toISOString(),
  };
}

/** The header of a model-quality run's state file. */
export function runStateHeader(config: MonitorConfig, identity: RunIdentity, labels: readonly string[], positiveLabel: string | undefined, writtenAt: Date): StateHeaderInput {
  const analysis: AnalysisFields = {
    analysis: 'model_quality',
    problem_type: config.problemType,
    positive_label: config.problemType === 'BinaryClassification' ? (positiveLabel ?? null) : null,
    label_dictionary: [...labels],
  };
  return stateHeader(config, identity, analysis, resultSettings(config.resolved), writtenAt);
}

const CAPTURE_COUNTS = ['files', 'bytes', 'lines', 'requests', 'predictions', 'pruned_folders', 'ignored_files', 'keyed_by_event_id'] as const;

/**
 * The capture counts as a state (shared by the model-quality and data-quality files). Version 2 adds, for the hosts'
 * merge, the pruned folders' paths (each host sees the folders of its shard; the run's count is their union), the
 * files not read to the end and the tree entries skipped. Version 1 is still read.
 */
export function saveCapture(summary: CaptureSummary, prunedFolders?: readonly string[]): AccumulatorState {
  const counts = [...CAPTURE_COUNTS.map((k) => summary[k]), summary.skipped.outside_window, summary.skipped.shadow_traffic, summary.warnings.records_without_inference_time];
  const extra = { pruned: prunedFolders === undefined ? null : [...prunedFolders], unreadable: (summary.unreadable_files ?? null) as JsonValue, skipped_files: (summary.skipped_files ?? null) as JsonValue };
  return { kind: 'mq.capture-summary', version: 2, meta: { location: summary.location, counts, ...extra }, arrays: {} };
}

/** Reads capture counts saved by saveCapture, and the pruned folders' paths when the state has them. */
export function loadCaptureState(state: AccumulatorState): { capture: CaptureSummary; prunedFolders?: string[] } {
  expectState(state, 'mq.capture-summary', state.version === 1 ? 1 : 2);
  const meta = state.meta as { location?: unknown; counts?: unknown; pruned?: unknown; unreadable?: unknown; skipped_files?: unknown };
  if (typeof meta?.location !== 'string' || !Array.isArray(meta.counts) || meta.counts.length !== CAPTURE_COUNTS.length + 3) {
    throw new InputError('state: a capture-summary state lacks its location or counts');
  }
  const n = meta.counts.map((c, i) => stateCount(c, `capture count ${i}`));
  const summary = Object.fromEntries(CAPTURE_COUNTS.map((k, i) => [k, n[i]!])) as Record<(typeof CAPTURE_COUNTS)[number], number>;
  const k = CAPTURE_COUNTS.length;
  const capture: CaptureSummary = { location: meta.location, ...summary, skipped: { outside_window: n[k]!, shadow_traffic: n[k + 1]! }, warnings: { records_without_inference_time: n[k + 2]! } };
  if (meta.unreadable != null) capture.unreadable_files = loadUnreadable(meta.unreadable);
  if (meta.skipped_files != null) capture.skipped_files = loadSkipped(meta.skipped_files);
  if (meta.pruned == null) return { capture };
  if (!Array.isArray(meta.pruned) || meta.pruned.some((p) => typeof p !== 'string')) throw new InputError('state: a capture-summary state has pruned folders that are not paths');
  return { capture, prunedFolders: meta.pruned as string[] };
}

function loadUnreadable(value: unknown): UnreadableFiles {
  const u = value as Partial<UnreadableFiles>;
  if (u === null || typeof u !== 'object' || !Array.isArray(u.lost) || u.lost.some((f) => typeof f !== 'string')) throw new InputError('state: a capture-summary state has malformed unreadable files');
  return { files: stateCount(u.files, 'unreadable files'), bytes: stateCount(u.bytes, 'unreadable bytes'), lost_entirely: stateCount(u.lost_entirely, 'files lost entirely'), lost: [...u.lost] };
}

const SKIP_REASONS: Record<SkipReason, true> = { link_outside_tree: true, broken_link: true, not_a_regular_file: true, already_read: true };

function loadSkipped(value: unknown): SkippedFiles {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError('state: a capture-summary state has malformed skipped files');
  const out: SkippedFiles = {};
  for (const [why, count] of Object.entries(value)) {
    if (!Object.hasOwn(SKIP_REASONS, why)) throw new InputError(`state: a capture-summary state skips files for an unknown reason ${JSON.stringify(why)}`);
    out[why as SkipReason] = stateCount(count, `skipped files (${why})`);
  }
  return out;
}

/** Adds another host's capture counts (the location stays this host's: every host reads the same local path). */
export function addCapture(into: CaptureSummary, from: CaptureSummary): void {
  for (const k of CAPTURE_COUNTS) into[k] += from[k];
  into.skipped.outside_window += from.skipped.outside_window;
  into.skipped.shadow_traffic += from.skipped.shadow_traffic;
  into.warnings.records_without_inference_time += from.warnings.records_without_inference_time;
}

/** The input-error tally (counts, descriptions, samples by reason) as a state. */
export function saveTally(tally: InputErrorTally): AccumulatorState {
  const reasons = [...tally.byReason.entries()].map(([reason, t]) => ({ reason, count: t.count, description: t.description, samples: t.samples as unknown as JsonValue }));
  return { kind: 'mq.input-errors', version: 1, meta: { reasons }, arrays: {} };
}

/** Reads a tally saved by saveTally, as [reason, tally] pairs. */
export function loadTally(state: AccumulatorState): [string, ReasonTally][] {
  expectState(state, 'mq.input-errors', 1);
  const reasons = (state.meta as { reasons?: unknown })?.reasons;
  if (!Array.isArray(reasons)) throw new InputError('state: an input-errors state lacks its reasons');
  return reasons.map((r: { reason?: unknown; count?: unknown; description?: unknown; samples?: unknown }) => {
    if (typeof r?.reason !== 'string' || typeof r.description !== 'string' || !Array.isArray(r.samples)) throw new InputError('state: an input-errors reason is malformed');
    return [r.reason, { count: stateCount(r.count, `input errors ${r.reason}`), description: r.description, samples: r.samples as InputErrorSample[] }];
  });
}

function saveLabels(store: LabelStore): AccumulatorState {
  return { kind: 'mq.labels-used', version: 1, meta: { labels: store.size, slots: store.slots }, arrays: { used: store.usedBits() } };
}

/** The named states of a run's file. */
export function saveRun(parts: RunParts): Record<string, AccumulatorState> {
  return {
    [RUN_STATES.modelQuality]: parts.results.save(),
    [RUN_STATES.capture]: saveCapture(parts.capture, parts.prunedFolders),
    [RUN_STATES.inputErrors]: saveTally(parts.tally),
    ...(parts.store ? { [RUN_STATES.labels]: saveLabels(parts.store) } : {}),
    ...(parts.storeParts ? { [RUN_STATES.store]: saveStoreParts(parts.storeParts) } : {}),
  };
}

/** A run's states read back: the join results, the capture counts and the input errors by reason. */
export interface LoadedRun {
  results: JoinResults;
  capture: CaptureSummary;
  /** The pruned capture folders' paths (states of version 2 on). */
  prunedFolders?: string[];
  inputErrors: [string, ReasonTally][];
  labelsUsed?: { labels: number; slots: number; used: Uint8Array };
  storeParts?: HostStoreParts;
}
