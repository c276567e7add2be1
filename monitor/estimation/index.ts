/**
 * @module Public API of the label-free estimation (CBPE), re-exports only. docs/estimation.md describes the method,
 * its assumptions and how the run uses it.
 */
export { CALIBRATION_KEY, CALIBRATION_VERSION, parseCalibrationArtefact } from './calibration-artefact.ts';
export type { CalibrationArtefact, CalibrationPolicy, EstimationMode, SamplingErrorComponents, ScoreCalibration } from './calibration-artefact.ts';
export { decideCalibration, type CalibrationDecision, type DecisionOptions } from './calibration-decision.ts';
export { createEstimator, loadEstimator, REGRESSION_NOT_ESTIMATED, type Estimator, type EstimatorOptions } from './create-estimator.ts';
export {
  checkEstimatedConstraints,
  describeEstimatedCheck,
  ESTIMATED_CHECK_TYPE,
  ESTIMATED_PREFIX,
  estimatedMetricNames,
  isEstimatedMetricName,
  readEstimatedConstraints,
  suggestEstimatedConstraints,
  type EstimatedCheck,
  type EstimatedConstraint,
  type EstimatedConstraintEntry,
} from './estimated-constraints.ts';
export {
  ESTIMATED_METRICS_KEY,
  estimatedCloudWatchMetrics,
  estimatedMetricsSection,
  notEstimatedSection,
  regressionSection,
  type EstimatedMetricsSection,
  type EstimatedWindow,
} from './estimated-statistics.ts';
export type { EstimationInput, EstimationResult } from './estimation-result.ts';
export { fitCalibration, type FitOptions } from './fit-calibration.ts';
export { fitIsotonic, predictIsotonic, type IsotonicMap } from './isotonic-regression.ts';
export { ReferenceCollector, ReferenceSample, type ReferenceRecord } from './reference-sample.ts';
export type { EstimatedMetric, StandardErrorMethod } from './sampling-error.ts';
