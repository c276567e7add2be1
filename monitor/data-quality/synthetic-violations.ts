/**
 * @module The synthetic violations of --create-violation-tests in a data-quality run: one per data-quality check type,
 * so that alerting on any of them can be tried out. Each is clearly marked (the feature name
 * mpm_synthetic_violation_test, which no real column is given by a baseline, and a description that says so) and
 * changes no real value: statistics.json, the checks of the real features and the CloudWatch metrics stay as they are.
 */
import { SYNTHETIC_METRIC } from '../constraints/synthetic.ts';
import type { DataQualityCheckType, DataQualityViolation } from './check-features.ts';

/** Every data-quality check type, in the order constraint_violations.json lists the synthetic ones. */
const CHECK_TYPES: readonly DataQualityCheckType[] = ['data_type_check', 'completeness_check', 'baseline_drift_check', 'missing_column_check', 'extra_column_check', 'categorical_values_check'];

/** One synthetic violation per check type. */
export function syntheticDataQualityViolations(): DataQualityViolation[] {
  return CHECK_TYPES.map((type) => ({
    feature_name: SYNTHETIC_METRIC,
    constraint_check_type: type,
    description: `Synthetic ${type} violation added by --create-violation-tests to demonstrate alerting. It is not a finding about the data; no real statistic was changed.`,
  }));
}

/** Whether a violation is one of syntheticDataQualityViolations (for the page). */
export function isSyntheticDataQualityViolation(v: DataQualityViolation): boolean {
  return v.feature_name === SYNTHETIC_METRIC && v.description.includes('--create-violation-tests');
}
