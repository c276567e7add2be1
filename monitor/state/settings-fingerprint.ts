/**
 * @module The fingerprint of the settings that change a run's numbers, written into every run-state header. Two
 * states with different fingerprints hold numbers computed differently (another positive label, threshold, seed,
 * dataset format …) and are never merged.
 */
import { createHash } from 'node:crypto';

/**
 * Settings (by their contract or MPM_* name) that change what the accumulators hold. Left out on purpose: the window
 * (in the header on its own), locations, log level, workers (results are identical for any count), and what only the
 * verdict reads (constraints, error-rate limit, minimum joined records): the leader applies those to merged counts.
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
  'positive_label',
  'MPM_GROUND_TRUTH_FORMAT',
  'MPM_GROUND_TRUTH_ID_FIELD',
  'MPM_GROUND_TRUTH_INDEX_FIELD',
  'MPM_GROUND_TRUTH_LABEL_FIELD',
  'MPM_GROUND_TRUTH_LOOKAHEAD_HOURS',
  'MPM_MIN_RECORDS_FOR_STD',
  'MPM_CHECK_REQUEST_COUNT',
  'MPM_SEED',
]);

/**
 * "sha256:<hex>" over the names and resolved values of `names` (sorted by name; an unset setting counts as null), as
 * canonical JSON. The order of `resolved`'s keys and settings outside `names` do not matter.
 */
export function settingsFingerprint(resolved: Readonly<Record<string, string | undefined>>, names: readonly string[] = RESULT_SETTINGS): string {
  const pairs = [...new Set(names)].sort().map((name) => [name, Object.hasOwn(resolved, name) ? (resolved[name] ?? null) : null]);
  return `sha256:${createHash('sha256').update(JSON.stringify(pairs), 'utf8').digest('hex')}`;
}
