/**
 * @module The synthetic violation of --create-violation-tests: clearly marked, with its own metric, changing no
 * real value (the seed set accuracy to -1 instead, which hid the real figure).
 */
import type { Violation } from './evaluate.ts';

export const SYNTHETIC_METRIC = 'mpm_synthetic_violation_test';

export function syntheticViolation(): Violation {
  return {
    metric_name: SYNTHETIC_METRIC,
    constraint_check_type: 'SyntheticViolationTest',
    description:
      'Synthetic violation added by --create-violation-tests to demonstrate alerting. It is not a finding about the model; no real metric was changed.',
    value: -1,
    threshold: 0,
  };
}
