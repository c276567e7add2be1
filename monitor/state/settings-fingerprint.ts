/**
 * @module The fingerprint of the settings that change a run's numbers, written into every run-state header with the
 * settings themselves. Two states with different fingerprints hold numbers computed differently (another positive
 * label, threshold, seed, dataset format, sketch size …) and are never merged; the settings list says which differ.
 */
import { createHash } from 'node:crypto';
import { CATEGORY_CAP, CATEGORY_MAX_LENGTH } from '../data-quality/category-table.ts';
import { DISTINCT_EXACT_CAP } from '../data-quality/distinct-counter.ts';
import { HLL_PRECISION } from '../data-quality/hyperloglog.ts';
import { KLL_SKETCH_SIZE, KLL_SHRINKING_FACTOR } from '../data-quality/kll-sketch.ts';
import { FIRST_GRID_BITS, MAX_SCORE_ENTRIES } from '../metrics/score-grid.ts';

/**
 * Settings (by their contract or MPM_* name) that change what the accumulators hold. Left out on purpose: the window
 * (in the header on its own), locations, log level, workers (results are identical for any count), and what only the
 * verdict reads (constraints, error-rate limit, minimum joined records, drift method): the leader and a roll-up apply
 * those to merged counts.
 */
export const RESULT_SETTINGS: readonly string[] = Object.freeze([
  'analysis_type',
  'problem_type',
  'dataset_format',
  'sagemaker_endpoint_name',
  'inference_attribute',
  'probability_attribute',
  'probability_threshold_attribute',
  'ground_truth_attribute',
  'MPM_INFERENCE_ID_ATTRIBUTE',
  'MPM_BINARY_SCORE',
  'MPM_CLASS_LABELS',
  'positive_label',
  'MPM_GROUND_TRUTH_FORMAT',
  'MPM_GROUND_TRUTH_ID_FIELD',
  'MPM_GROUND_TRUTH_INDEX_FIELD',
  'MPM_GROUND_TRUTH_LABEL_FIELD',
  'MPM_GROUND_TRUTH_LOOKAHEAD_HOURS',
  'MPM_MIN_RECORDS_FOR_STD',
  'MPM_CHECK_REQUEST_COUNT',
  'MPM_ESTIMATE',
  'MPM_SEED',
  'exclude_features_attribute',
  'MPM_DATA_QUALITY_COLUMNS',
  'MPM_OUTPUT_COLUMNS_POSITION',
  'MPM_MAX_FEATURES',
]);

/**
 * The fixed parameters of the accumulators, fingerprinted beside the settings (names start with `mpm.`): a later mpm
 * whose sketches differ refuses the states of an earlier one instead of merging sketches of two sizes.
 */
export const RESULT_CONSTANTS: Readonly<Record<string, string>> = Object.freeze({
  'mpm.kll': `k=${KLL_SKETCH_SIZE} c=${KLL_SHRINKING_FACTOR}`,
  'mpm.hll': `p=${HLL_PRECISION}`,
  'mpm.categories': `cap=${CATEGORY_CAP} length=${CATEGORY_MAX_LENGTH}`,
  'mpm.distinct_exact': `cap=${DISTINCT_EXACT_CAP}`,
  'mpm.score_entries': `max=${MAX_SCORE_ENTRIES} first_grid=2^-${FIRST_GRID_BITS}`,
});

/** The settings that change results as [name, value] pairs sorted by name (an unset setting is null). */
export type ResultSettings = Array<[string, string | null]>;

/**
 * The result settings of a run: `names` read from `resolved` (unset counts as null), the accumulators' constants and
 * `derived` (values a run derives from its inputs that change its numbers, e.g. the baseline's column names).
 */
export function resultSettings(
  resolved: Readonly<Record<string, string | undefined>>,
  derived: Readonly<Record<string, string>> = {},
  names: readonly string[] = RESULT_SETTINGS,
): ResultSettings {
  const pairs = new Map<string, string | null>();
  for (const name of names) pairs.set(name, Object.hasOwn(resolved, name) ? (resolved[name] ?? null) : null);
  for (const source of [RESULT_CONSTANTS, derived]) for (const [name, value] of Object.entries(source)) pairs.set(name, value);
  return [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** "sha256:<hex>" of a settings list, as canonical JSON. */
export function fingerprintOf(settings: ResultSettings): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(settings), 'utf8').digest('hex')}`;
}

/**
 * "sha256:<hex>" over the names and resolved values of `names` and the accumulators' constants (sorted by name; an
 * unset setting counts as null). The order of `resolved`'s keys and settings outside `names` do not matter.
 */
export function settingsFingerprint(resolved: Readonly<Record<string, string | undefined>>, names: readonly string[] = RESULT_SETTINGS): string {
  return fingerprintOf(resultSettings(resolved, {}, names));
}

/** One setting that two lists disagree on (undefined: the list lacks the setting). */
export interface SettingDifference {
  name: string;
  left: string | null | undefined;
  right: string | null | undefined;
}

/** The settings whose values differ between two lists, in name order. */
export function differingSettings(left: ResultSettings, right: ResultSettings): SettingDifference[] {
  const a = new Map(left);
  const b = new Map(right);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  return names.filter((n) => !a.has(n) || !b.has(n) || a.get(n) !== b.get(n)).map((name) => ({ name, left: a.get(name), right: b.get(name) }));
}

/** "MPM_SEED \"0\" against \"1\", positive_label …" (a value a list lacks is "absent"). */
export function describeDifferences(differences: readonly SettingDifference[], limit = 8): string {
  const show = (v: string | null | undefined): string => (v === undefined ? 'absent' : JSON.stringify(v));
  const text = differences.slice(0, limit).map((d) => `${d.name} ${show(d.left)} against ${show(d.right)}`);
  if (differences.length > limit) text.push(`and ${differences.length - limit} more`);
  return text.join(', ');
}
