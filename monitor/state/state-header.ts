/**
 * @module The JSON header of a run-state file: what run the states come from (analysis, problem type, positive
 * label, seed, label dictionary, the fingerprint of the settings that change results, the window, the host and the
 * job), its validation on read, and the rule that says whether two states may be merged and, if not, which field
 * disagrees. See docs/state.md.
 */
import { InputError } from '../errors.ts';
import { describeDifferences, differingSettings, fingerprintOf, type ResultSettings } from './settings-fingerprint.ts';

/** The analyses a state can hold. */
export const STATE_ANALYSES = ['model_quality', 'data_quality'] as const;
export type StateAnalysis = (typeof STATE_ANALYSES)[number];

/** What the writer says about the run; pack() adds the container fields. */
export interface StateHeaderInput {
  analysis: StateAnalysis;
  /** MulticlassClassification, BinaryClassification, Regression; null for data quality. */
  problem_type: string | null;
  /** Binary: the label counted as positive; null otherwise. */
  positive_label: string | null;
  /** Seed of the standard-deviation subsamples (MPM_SEED). */
  seed: number;
  /** The run's label dictionary: label i has code i (codes in the states' arrays refer to it). */
  label_dictionary: string[];
  /** settingsFingerprint() of the settings that change results ("sha256:<hex>"). */
  settings_fingerprint: string;
  /** The window the states cover: contract timestamps (YYYY-MM-DDTHH:MM:SSZ), null for an open end. */
  window: { start_time: string | null; end_time: string | null };
  /** Which instance wrote the states (resourceconfig.json); one host for a one-instance run. */
  host: { current_host: string; hosts: string[] };
  /** The job: ProcessingJobName from processingjobconfig.json, else the run-id setting. */
  job: { name: string; source: 'processing_job' | 'run_id' };
  /** The program that wrote the file. */
  tool: { name: string; version: string };
  /**
   * Optional: the settings the fingerprint covers, [name, value] sorted by name (a value null when unset), so that a
   * refusal names the settings that differ. Written by every mpm that writes this field; older states lack it.
   */
  result_settings?: ResultSettings;
  /** Optional: when the file was written (ISO-8601 UTC with milliseconds); a roll-up keeps the latest state of a window. */
  written_at?: string;
}

/** The header as read back: the input plus the container's own fields. */
export interface StateHeader extends StateHeaderInput {
  format: 'mpm-state';
  container_version: number;
  byte_order: 'little-endian';
}

const CONTRACT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Milliseconds of a contract timestamp, or undefined. */
function timeOf(text: string | null): number | undefined {
  if (text === null || !CONTRACT_TIME.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

type Check = (value: unknown) => string | undefined;

const isString: Check = (v) => (typeof v === 'string' ? undefined : 'a string');
const isStringOrNull: Check = (v) => (v === null || typeof v === 'string' ? undefined : 'a string or null');
const isTimeOrNull: Check = (v) => (v === null || (typeof v === 'string' && timeOf(v) !== undefined) ? undefined : 'null or a time YYYY-MM-DDTHH:MM:SSZ');

function isStringList(unique: boolean): Check {
  return (v) => {
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) return 'a list of strings';
    if (unique && new Set(v).size !== v.length) return 'a list of distinct strings';
    return undefined;
  };
}

function object(fields: Record<string, Check>): Check {
  return (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'an object';
    for (const [name, check] of Object.entries(fields)) {
      const problem = check(Object.hasOwn(v, name) ? (v as Record<string, unknown>)[name] : undefined);
      if (problem !== undefined) return `an object whose "${name}" is ${problem}`;
    }
    return undefined;
  };
}

const FIELDS: Record<Exclude<keyof StateHeaderInput, 'written_at' | 'result_settings'>, Check> = {
  analysis: (v) => (STATE_ANALYSES.includes(v as StateAnalysis) ? undefined : `one of ${STATE_ANALYSES.join(', ')}`),
  problem_type: isStringOrNull,
  positive_label: isStringOrNull,
  seed: (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : 'a finite number'),
  label_dictionary: isStringList(true),
  settings_fingerprint: isString,
  window: object({ start_time: isTimeOrNull, end_time: isTimeOrNull }),
  host: object({ current_host: isString, hosts: isStringList(true) }),
  job: object({ name: isString, source: (v) => (v === 'processing_job' || v === 'run_id' ? undefined : 'processing_job or run_id') }),
  tool: object({ name: isString, version: isString }),
};

/**
 * The problem with a header's run fields, as "field: expected …, found …", or undefined when they are valid. Unknown
 * extra fields are allowed (a later writer may add optional ones; see docs/state.md).
 */
export function headerProblem(header: Record<string, unknown>): string | undefined {
  for (const [name, check] of Object.entries(FIELDS)) {
    const value = Object.hasOwn(header, name) ? header[name] : undefined;
    const problem = check(value);
    if (problem !== undefined) return `header field "${name}" must be ${problem}; found ${describe(value)}`;
  }
  const host = header.host as StateHeaderInput['host'];
  if (!host.hosts.includes(host.current_host)) return `header field "host": current_host ${JSON.stringify(host.current_host)} is not in hosts`;
  if (Object.hasOwn(header, 'written_at') && (typeof header.written_at !== 'string' || !Number.isFinite(Date.parse(header.written_at)))) {
    return `header field "written_at" must be an ISO-8601 time; found ${describe(header.written_at)}`;
  }
  if (Object.hasOwn(header, 'result_settings')) {
    const problem = settingsProblem(header.result_settings);
    if (problem !== undefined) return `header field "result_settings" must be ${problem}; found ${describe(header.result_settings)}`;
    const hash = fingerprintOf(header.result_settings as ResultSettings);
    if (hash !== header.settings_fingerprint) return `header field "settings_fingerprint" ${describe(header.settings_fingerprint)} is not the hash of its result_settings (${hash})`;
  }
  const window = header.window as StateHeaderInput['window'];
  const start = timeOf(window.start_time);
  const end = timeOf(window.end_time);
  if (start !== undefined && end !== undefined && start >= end) return `header field "window": start_time ${window.start_time} is not before end_time ${window.end_time}`;
  return undefined;
}

function settingsProblem(value: unknown): string | undefined {
  const expected = 'a list of [name, value] pairs (a string name, a string or null value) sorted by distinct name';
  if (!Array.isArray(value)) return expected;
  let previous: string | undefined;
  for (const pair of value as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || (pair[1] !== null && typeof pair[1] !== 'string')) return expected;
    if (previous !== undefined && !(previous < pair[0])) return expected;
    previous = pair[0];
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Copies the run fields of a header input in a fixed order (so the bytes of a file never depend on key order). */
export function canonicalHeaderInput(h: StateHeaderInput): StateHeaderInput {
  return {
    analysis: h.analysis,
    problem_type: h.problem_type,
    positive_label: h.positive_label,
    seed: h.seed,
    label_dictionary: [...h.label_dictionary],
    settings_fingerprint: h.settings_fingerprint,
    window: { start_time: h.window.start_time, end_time: h.window.end_time },
    host: { current_host: h.host.current_host, hosts: [...h.host.hosts] },
    job: { name: h.job.name, source: h.job.source },
    tool: { name: h.tool.name, version: h.tool.version },
    ...(h.result_settings === undefined ? {} : { result_settings: h.result_settings.map(([name, value]): [string, string | null] => [name, value]) }),
    ...(h.written_at === undefined ? {} : { written_at: h.written_at }),
  };
}

/**
 * Why two states are merged:
 * - `hosts`: the parts of one run written by the instances of one job (same job, same window, different hosts);
 * - `windows`: a roll-up of runs over different windows (windows that do not overlap, else records count twice).
 */
export type MergePurpose = 'hosts' | 'windows';

/** The outcome of checkMergeable: either mergeable, or the first field that disagrees and both values. */
export type Mergeability = { mergeable: true } | { mergeable: false; field: string; left: unknown; right: unknown; reason: string };

function differ(field: string, left: unknown, right: unknown, reason: string): Mergeability {
  return { mergeable: false, field, left, right, reason };
}

/**
 * Whether the states of two headers may be merged. Always compared: format, analysis, problem_type, positive_label,
 * seed and settings_fingerprint (a state made under other settings holds other numbers). Not compared:
 * label_dictionary (each host meets labels in its own order; states keep their labels and merge() remaps codes by
 * label string), container_version (unpack() reads every version it knows into the same shape) and tool.
 */
export function checkMergeable(left: StateHeader, right: StateHeader, purpose: MergePurpose): Mergeability {
  for (const field of ['format', 'analysis', 'problem_type', 'positive_label', 'seed', 'settings_fingerprint'] as const) {
    if (!Object.is(left[field], right[field])) return differ(field, left[field], right[field], settingsReason(left, right));
  }
  if (purpose === 'hosts') {
    if (left.job.name !== right.job.name) return differ('job.name', left.job.name, right.job.name, 'the hosts of one run share one job');
    if (left.window.start_time !== right.window.start_time || left.window.end_time !== right.window.end_time) {
      return differ('window', left.window, right.window, 'the hosts of one run judge one window');
    }
    if (!sameList(left.host.hosts, right.host.hosts)) return differ('host.hosts', left.host.hosts, right.host.hosts, 'the hosts of one run see one host list');
    if (left.host.current_host === right.host.current_host) {
      return differ('host.current_host', left.host.current_host, right.host.current_host, 'two states of one host would count its records twice');
    }
    return { mergeable: true };
  }
  const a = [timeOf(left.window.start_time), timeOf(left.window.end_time)] as const;
  const b = [timeOf(right.window.start_time), timeOf(right.window.end_time)] as const;
  if (a.includes(undefined) || b.includes(undefined)) return differ('window', left.window, right.window, 'a roll-up needs closed windows');
  if (a[0]! < b[1]! && b[0]! < a[1]!) return differ('window', left.window, right.window, 'overlapping windows would count records twice');
  return { mergeable: true };
}

/** Why states of other settings are refused, naming the settings that differ when both headers list them. */
function settingsReason(left: StateHeader, right: StateHeader): string {
  const differences = left.result_settings && right.result_settings ? differingSettings(left.result_settings, right.result_settings) : [];
  const named = differences.length > 0 ? `: ${describeDifferences(differences)}` : '';
  return `states made with other settings hold other numbers${named}`;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Throws an InputError naming both files and the field that disagrees, unless the states may be merged for `purpose`.
 */
export function assertMergeable(left: { header: StateHeader; file: string }, right: { header: StateHeader; file: string }, purpose: MergePurpose): void {
  const outcome = checkMergeable(left.header, right.header, purpose);
  if (outcome.mergeable) return;
  // The reason first (it names the settings that differ): a job keeps only the first 1 KB of its message.
  const a = describe(outcome.left);
  const b = describe(outcome.right);
  const values = a === b ? `is ${a} in both` : `differs: ${a} against ${b}`;
  throw new InputError(`state: ${left.file} and ${right.file} cannot be merged: ${outcome.reason} (their ${outcome.field} ${values})`);
}
