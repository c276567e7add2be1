/**
 * @module What the history keeps of one run's report folder: a small, normalised record (window, verdict, coverage,
 * each metric with its standard deviation, threshold and result, label-free estimates, data-quality features and the
 * violations), whichever program wrote the folder (mpm, or SageMaker's built-in analyzer without
 * monitoring_report.json). The big parts of the files (curves, sketches, confusion matrices) are dropped on reading.
 */

export type Analysis = 'model_quality' | 'data_quality';
export type RunStatus = 'Completed' | 'CompletedWithViolations' | 'Failed';
/** The result of one constraint: violated, passed, could not be evaluated; null when nothing checked the metric. */
export type CheckStatus = 'pass' | 'violated' | 'not_evaluated' | null;

/** A time span in epoch milliseconds, end excluded. */
export interface Span {
  start: number;
  end: number;
}

/** One scalar metric of a model-quality run. */
export interface MetricPoint {
  metric: string;
  /** null when the metric could not be computed (it may still have a constraint that was not evaluated). */
  value: number | null;
  /** null where statistics.json says "NaN" (fewer than 200 records) or has none. */
  standardDeviation: number | null;
  threshold: number | null;
  operator: string | null;
  status: CheckStatus;
}

/** A label-free estimate (statistics.json `mpm_estimated_metrics`). */
export interface EstimatePoint {
  metric: string;
  value: number;
  standardError: number | null;
  lower: number | null;
  upper: number | null;
  /** A constraint on `estimated_<metric>` (issue 18), with its result. */
  threshold: number | null;
  operator: string | null;
  status: CheckStatus;
}

/** One feature of a data-quality run. */
export interface FeaturePoint {
  feature: string;
  inferredType: string | null;
  numPresent: number | null;
  numMissing: number | null;
  /** num_present / (num_present + num_missing). */
  completeness: number | null;
  mean: number | null;
  standardDeviation: number | null;
  min: number | null;
  max: number | null;
  distinctCount: number | null;
}

/** A violation as listed in constraint_violations.json, with the numbers its description states. */
export interface ViolationPoint {
  /** metric_name (model quality) or feature_name (data quality); null when the entry has neither. */
  subject: string | null;
  feature: boolean;
  checkType: string;
  description: string;
  value: number | null;
  threshold: number | null;
}

/** Where the run's window came from. */
export type WindowSource = 'monitoring_report' | 'folder' | 'evaluation_time';

/** Everything the history keeps of one run. */
export interface RunRecord {
  /** The report folder, relative to the history source ("" for the source itself). */
  path: string;
  endpoint: string | null;
  schedule: string | null;
  analysis: Analysis;
  problemType: string | null;
  window: Span;
  windowSource: WindowSource;
  evaluationTime: number | null;
  status: RunStatus;
  /** The run report's message, or null (built-in analyzer folders have none). */
  message: string | null;
  itemCount: number | null;
  predictions: number | null;
  joined: number | null;
  /** joined / predictions from the run report. */
  coverage: number | null;
  metrics: MetricPoint[];
  estimates: EstimatePoint[];
  /** The window the estimates describe, when it is not the run's (a delayed run estimates the fresh hour). */
  estimateWindow: Span | null;
  features: FeaturePoint[];
  /** Features in statistics.json beyond the per-run cap (counted, not kept). */
  featuresDropped: number;
  violations: ViolationPoint[];
  /** Violations in the file beyond the per-run cap (counted, not kept). */
  violationsDropped: number;
  /** Which report files the folder held. */
  files: string[];
}

/** Per-run caps: a hostile or huge report cannot make the history keep more than this of one run. */
export const RUN_CAPS = { features: 2000, violations: 2000, metrics: 500, estimates: 200, text: 2000 } as const;
