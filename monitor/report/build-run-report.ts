/**
 * @module The machine-readable run report (monitoring_report.json): what was read, what was dropped and why, how
 * the join went, the metrics, every constraint's result, where the files went, and how long each stage took.
 * It carries a version because other programs read it.
 */
import type { BaselineMetrics } from '../baseline/read-baseline-metrics.ts';
import type { MonitorConfig } from '../config/load-config.ts';
import { formatContractTime } from '../config/time.ts';
import type { ConstraintResult, Violation } from '../constraints/evaluate.ts';
import type { ConstraintSet } from '../constraints/parse-constraints.ts';
import type { GroundTruthSummary } from '../ground-truth/read-ground-truth.ts';
import type { InputErrorTally, ReasonTally } from '../ingest/input-errors.ts';
import type { CaptureSummary } from '../scan/capture-summary.ts';
import type { JoinSummary } from '../join/join-results.ts';
import type { ModelQualityResult, MetricValue } from '../metrics/types.ts';
import type { PublishSummary } from '../publish/publish-metrics.ts';
import type { EstimatedCheck } from '../estimation/estimated-constraints.ts';
import type { EstimationResult } from '../estimation/estimation-result.ts';
import type { StoreReport } from '../store/store-report.ts';
import type { LabelLagSummary } from '../store/label-lag.ts';
import type { JoinedRecordsReport } from '../pipeline/joined-records.ts';
import type { DataQualityRunSection } from '../data-quality/run-report-section.ts';

export const RUN_REPORT_VERSION = 1;

export interface RunReport {
  report_version: number;
  tool: { name: 'mpm'; version: string };
  status: 'Completed' | 'CompletedWithViolations' | 'Failed';
  message: string;
  exit_code: number;
  evaluation_time?: string;
  /** Present for a data-quality run only (a model-quality run's report has no such key, as before). */
  analysis_type?: 'DATA_QUALITY';
  /** Model quality only. */
  problem_type?: string;
  endpoint?: string;
  monitoring_schedule?: string;
  window: { start_time?: string; end_time?: string; metric_time?: string };
  dataset_format: string;
  capture?: CaptureSummary;
  ground_truth?: GroundTruthSummary & { lookahead_hours: number };
  join?: JoinSummary & { labels_without_prediction?: number; ground_truth_coverage: number };
  input_errors: { total: number; by_reason: Record<string, ReasonTally>; limit: number };
  metrics?: { section: string; item_count: number; scalars: Record<string, MetricValue>; not_computed?: Record<string, string>; warnings?: string[] };
  constraints?: { source: string; schema: string; results: ConstraintResult[]; estimated_results?: EstimatedConstraintResult[] };
  /** baseline_statistics of a model-quality run: the baseline's values, shown beside the window's (judges nothing). */
  baseline_statistics?: BaselineMetrics;
  /** The label-free estimate of the window: how it was made (statistics.json mpm_estimated_metrics has the values). */
  estimate?: { mode: string; calibration_source: string; calibrated: boolean; predictions: number; estimated_records: number; skipped: Record<string, number>; not_estimated?: Record<string, string> };
  violations?: Violation[];
  /** A data-quality run: its profile, checks and violations (constraint_violations.json has the violations too). */
  data_quality?: DataQualityRunSection;
  outputs?: Record<string, string>;
  publish?: PublishSummary;
  /** report.html, the page people read: written (where, how big) or why not. Its failure never fails the job. */
  report_html?: { status: 'written' | 'failed'; location?: string; bytes?: number; error?: string };
  timings_ms: Record<string, number>;
  config_sources: Record<string, string>;
  /** MPM_PREDICTION_STORE: what this run stored (the fresh window, also when an earlier one is judged). */
  prediction_store?: StoreReport;
  /** The judged window's label coverage and label lag per hour (with the prediction store). */
  label_arrival?: LabelLagSummary;
  /** A judgement from the store (MPM_EVALUATION_DELAY_HOURS, evaluate): which window was judged, which stored. */
  evaluation?: EvaluationReport;
  /** MPM_JOINED_RECORDS_OUTPUT: the judged window's joined records file. */
  joined_records?: JoinedRecordsReport;
}

/** How a window was judged from the prediction store. */
export interface EvaluationReport {
  source: 'prediction_store';
  delay_hours: number;
  judged_window: { start_time?: string; end_time?: string };
  /** The window this run stored (a delayed run); absent for evaluate. */
  stored_window?: { start_time?: string; end_time?: string };
  stored_hours: string[];
  missing_hours: string[];
  /** Notes on the stored hours (extracted with other attributes than this run's). */
  notes?: string[];
  /** The label-free estimate of the fresh window (statistics.json mpm_estimated_metrics shape), when feasible. */
  fresh_window_estimate?: unknown;
}

export const TOOL_VERSION = '0.1.0';

function estimatedResult(check: EstimatedCheck): EstimatedConstraintResult {
  const c = check.constraint;
  return {
    metric: c.metric,
    operator: c.operator,
    threshold: c.threshold,
    ...(c.upperThreshold === undefined ? {} : { upper_threshold: c.upperThreshold }),
    status: check.status,
    ...(check.value === undefined ? {} : { value: check.value }),
    ...(check.why === undefined ? {} : { why: check.why }),
  };
}

function windowOf(config: MonitorConfig): RunReport['window'] {
  const t = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : formatContractTime(ms));
  return { start_time: t(config.window.start), end_time: t(config.window.end), metric_time: t(config.metricTime) };
}

/** One estimated constraint's outcome, as the run report lists it. */
export interface EstimatedConstraintResult {
  metric: string;
  operator: string;
  threshold: number;
  upper_threshold?: number;
  status: 'pass' | 'violated' | 'not_evaluated';
  value?: number;
  why?: string;
}

export interface RunReportParts {
  config: MonitorConfig;
  /** DATA_QUALITY: the report of a data-quality run (no problem_type, no join). */
  analysisType?: 'DATA_QUALITY';
  dataQuality?: DataQualityRunSection;
  status: RunReport['status'];
  message: string;
  exitCode: number;
  constraints?: ConstraintSet;
  baselineMetrics?: BaselineMetrics;
  constraintResults?: ConstraintResult[];
  estimatedChecks?: EstimatedCheck[];
  estimate?: EstimationResult;
  violations?: Violation[];
  result?: ModelQualityResult;
  capture?: CaptureSummary;
  groundTruth?: GroundTruthSummary;
  join?: JoinSummary;
  labelsWithoutPrediction?: number;
  tally?: InputErrorTally;
  outputs?: Record<string, string>;
  publish?: PublishSummary;
  timings: Record<string, number>;
  evaluationTime?: Date;
  store?: StoreReport;
  labelArrival?: LabelLagSummary;
  evaluation?: EvaluationReport;
  joinedRecords?: JoinedRecordsReport;
}

/** The constraints checked and their results (the estimated ones too). */
function constraintsSection(p: RunReportParts): RunReport['constraints'] {
  if (!p.constraints) return undefined;
  return {
    source: p.constraints.source,
    schema: p.constraints.schema,
    results: p.constraintResults ?? [],
    ...(p.estimatedChecks && p.estimatedChecks.length > 0 ? { estimated_results: p.estimatedChecks.map(estimatedResult) } : {}),
  };
}

export function buildRunReport(p: RunReportParts): RunReport {
  const { config } = p;
  return {
    report_version: RUN_REPORT_VERSION,
    tool: { name: 'mpm', version: TOOL_VERSION },
    status: p.status,
    message: p.message,
    exit_code: p.exitCode,
    evaluation_time: p.evaluationTime?.toISOString(),
    ...(p.analysisType === 'DATA_QUALITY' ? { analysis_type: p.analysisType } : { problem_type: config.problemType }),
    endpoint: config.endpointName,
    monitoring_schedule: config.scheduleName,
    window: windowOf(config),
    dataset_format: config.datasetFormat.kind,
    capture: p.capture,
    ground_truth: p.groundTruth ? { ...p.groundTruth, lookahead_hours: config.groundTruth.lookaheadHours } : undefined,
    join: p.join
      ? {
          ...p.join,
          labels_without_prediction: p.labelsWithoutPrediction,
          ground_truth_coverage: p.join.predictions === 0 ? 0 : p.join.joined / p.join.predictions,
        }
      : undefined,
    input_errors: { total: p.tally?.total() ?? 0, by_reason: p.tally?.toJSON() ?? {}, limit: config.maxInputErrorRate },
    metrics: p.result
      ? {
          section: p.result.section,
          item_count: p.result.itemCount,
          scalars: p.result.scalars,
          not_computed: (p.result.extra as { not_computed?: Record<string, string> }).not_computed,
          warnings: (p.result.extra as { warnings?: string[] }).warnings,
        }
      : undefined,
    constraints: constraintsSection(p),
    baseline_statistics: p.baselineMetrics,
    estimate: p.estimate
      ? {
          mode: p.estimate.mode,
          calibration_source: p.estimate.calibration_source,
          calibrated: p.estimate.calibrated,
          predictions: p.estimate.predictions,
          estimated_records: p.estimate.estimated_records,
          skipped: p.estimate.skipped,
          ...(Object.keys(p.estimate.not_estimated).length > 0 ? { not_estimated: p.estimate.not_estimated } : {}),
        }
      : undefined,
    violations: p.violations,
    data_quality: p.dataQuality,
    outputs: p.outputs,
    publish: p.publish,
    timings_ms: p.timings,
    config_sources: Object.fromEntries(Object.entries(config.sources).filter(([, s]) => s !== 'unset' && s !== 'default')),
    ...storeSections(p),
  };
}

/** The sections of the prediction store (absent unless its settings are set). */
function storeSections(p: RunReportParts): Pick<RunReport, 'prediction_store' | 'label_arrival' | 'evaluation' | 'joined_records'> {
  return { prediction_store: p.store, label_arrival: p.labelArrival, evaluation: p.evaluation, joined_records: p.joinedRecords };
}
