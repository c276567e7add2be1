/**
 * @module Turns one report folder into a RunRecord: statistics.json, constraint_violations.json, constraints.json
 * and, when mpm wrote the folder, monitoring_report.json. Without the run report (SageMaker's built-in analyzer) the
 * window comes from the folder's path, the verdict from the violations and the thresholds from constraints.json.
 * Each file is read whole but capped in size, parsed, and reduced to the record at once; a broken file is counted
 * and ignored, and only a run that cannot be placed in time is skipped.
 */
import { parseContractTime } from '../config/time.ts';
import { isOperator, OPERATORS } from '../constraints/operators.ts';
import { ESTIMATED_PREFIX } from '../estimation/estimated-constraints.ts';
import type { Storage, StorageFile } from '../storage/storage.ts';
import type { HistoryIssues } from './history-issues.ts';
import {
  constraintsFromFile,
  constraintsFromRunReport,
  estimatePoints,
  featurePoints,
  isObject,
  metricPoints,
  modelQualitySection,
  numberOrNull,
  stringOrNull,
  violationPoints,
} from './read-statistics.ts';
import { parseReportPath, type FolderWindowRule, type ReportPath } from './report-path.ts';
import type { EstimatePoint, MetricPoint, RunRecord, RunStatus, Span, WindowSource } from './run-record.ts';

/** The files that make a folder a report folder. */
export const REPORT_FILES = {
  statistics: 'statistics.json',
  violations: 'constraint_violations.json',
  constraints: 'constraints.json',
  runReport: 'monitoring_report.json',
} as const;

const NAMES = new Set<string>(Object.values(REPORT_FILES));

/**
 * What makes each file one of its kind (an object with none of these is ignored as unexpected_shape): statistics.json
 * a dataset, features or a metrics section; constraint_violations.json its violations list; constraints.json features,
 * a *_constraints section or a monitoring_config; monitoring_report.json a status, window, analysis or join.
 */
const SHAPES: Record<string, { fields: string; fits(json: Json): boolean }> = {
  [REPORT_FILES.statistics]: {
    fields: '"dataset", "features", a *_metrics section or "mpm_estimated_metrics"',
    fits: (j) => isObject(j.dataset) || Array.isArray(j.features) || modelQualitySection(j) !== undefined || isObject(j.mpm_estimated_metrics),
  },
  [REPORT_FILES.violations]: { fields: 'a "violations" list', fits: (j) => Array.isArray(j.violations) },
  [REPORT_FILES.constraints]: {
    fields: '"features", a *_constraints section or "monitoring_config"',
    fits: (j) => Array.isArray(j.features) || isObject(j.monitoring_config) || Object.keys(j).some((k) => k.endsWith('_constraints')),
  },
  [REPORT_FILES.runReport]: {
    fields: '"status", "window", "analysis_type" or "join"',
    fits: (j) => typeof j.status === 'string' || isObject(j.window) || typeof j.analysis_type === 'string' || isObject(j.join),
  },
};
const HOUR = 3_600_000;

/** The report files among a folder's files (by name), or an empty list when it is not a report folder. */
export function reportFilesOf(files: readonly StorageFile[]): StorageFile[] {
  return files.filter((f) => NAMES.has(baseName(f.path)));
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export interface ReadFolderContext {
  storage: Storage;
  /** The source location's own path segments (see locationSegments). */
  rootSegments: readonly string[];
  maxFileBytes: number;
  folderWindow: FolderWindowRule;
  issues: HistoryIssues;
}

/** A report folder found by the walk: its path (relative to the source) and its report files. */
export interface ReportFolder {
  path: string;
  files: StorageFile[];
}

type Json = Record<string, unknown>;

async function readJson(ctx: ReadFolderContext, file: StorageFile): Promise<Json | undefined> {
  if (file.size !== undefined && file.size > ctx.maxFileBytes) {
    ctx.issues.add('too_large', file.path, `${file.size} bytes`);
    return undefined;
  }
  let bytes: Buffer;
  try {
    bytes = await ctx.storage.readFile(file.path);
  } catch (error) {
    ctx.issues.add('unreadable_file', file.path, (error as Error).message);
    return undefined;
  }
  if (bytes.length > ctx.maxFileBytes) {
    ctx.issues.add('too_large', file.path, `${bytes.length} bytes`);
    return undefined;
  }
  let value: unknown;
  try {
    // A UTF-8 byte-order mark is not JSON but some editors write one.
    value = JSON.parse(bytes.toString('utf8').replace(/^\ufeff/, ''));
  } catch (error) {
    ctx.issues.add('invalid_json', file.path, (error as Error).message);
    return undefined;
  }
  if (!isObject(value)) {
    ctx.issues.add('unexpected_shape', file.path, 'not a JSON object');
    return undefined;
  }
  return value;
}

function timeOf(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const strict = parseContractTime(value);
  if (strict !== undefined) return strict;
  // evaluation_time is written by toISOString (milliseconds); other tools may add a zone offset.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

const STATUSES = new Set<string>(['Completed', 'CompletedWithViolations', 'Failed']);

interface FolderFiles {
  statistics?: Json;
  violations?: Json;
  constraints?: Json;
  report?: Json;
}

/** The run's window: the run report's, else the folder's hour moved by the rule, else the hour before the evaluation. */
function windowOf(files: FolderFiles, layout: ReportPath, evaluationTime: number | null): { window: Span; windowSource: WindowSource } | undefined {
  const reportWindow = isObject(files.report?.window) ? files.report.window : undefined;
  const start = timeOf(reportWindow?.start_time);
  const end = timeOf(reportWindow?.end_time);
  if (start !== null && end !== null && start < end) return { window: { start, end }, windowSource: 'monitoring_report' };
  if (layout.window) return { window: layout.window, windowSource: 'folder' };
  if (evaluationTime === null) return undefined;
  const hour = Math.floor(evaluationTime / HOUR) * HOUR;
  return { window: { start: hour - HOUR, end: hour }, windowSource: 'evaluation_time' };
}

/**
 * A constraint on estimated_<metric> judges the estimate, not a realized metric: its threshold and result move onto
 * the estimate (worked out on the estimate's value when the constraint came from a constraints.json), and it leaves
 * the metrics.
 */
function judgeEstimates(metrics: MetricPoint[], estimates: EstimatePoint[], fromRunReport: boolean): MetricPoint[] {
  let left = metrics;
  for (const estimate of estimates) {
    const judged = left.find((m) => m.metric === `${ESTIMATED_PREFIX}${estimate.metric}` && m.value === null);
    if (!judged) continue;
    let status = judged.status;
    if (status === 'not_evaluated' && !fromRunReport && isOperator(judged.operator) && judged.threshold !== null) {
      status = OPERATORS[judged.operator].test(estimate.value, judged.threshold) ? 'violated' : 'pass';
    }
    Object.assign(estimate, { threshold: judged.threshold, operator: judged.operator, status });
    left = left.filter((m) => m !== judged);
  }
  return left;
}

/** What the files say about the run's analysis, metrics, estimates, features and violations. */
function contentOf(files: FolderFiles): Pick<RunRecord, 'analysis' | 'metrics' | 'estimates' | 'estimateWindow' | 'features' | 'featuresDropped' | 'violations' | 'violationsDropped'> & { problemType: string | null } {
  const { statistics, report } = files;
  const { violations, dropped: violationsDropped } = files.violations ? violationPoints(files.violations) : { violations: [], dropped: 0 };
  const section = statistics ? modelQualitySection(statistics) : undefined;
  const reportConstraints = isObject(report?.constraints) ? report.constraints.results : undefined;
  const constraints = Array.isArray(reportConstraints) ? constraintsFromRunReport(reportConstraints) : files.constraints ? constraintsFromFile(files.constraints) : new Map();
  const { features, dropped: featuresDropped } = statistics ? featurePoints(statistics) : { features: [], dropped: 0 };
  const reportAnalysis = stringOrNull(report?.analysis_type ?? report?.analysis, 50);
  const dataQuality = Array.isArray(statistics?.features) || (reportAnalysis !== null && /data/i.test(reportAnalysis)) || (violations.length > 0 && violations.every((v) => v.feature));
  const { estimates, window: estimateWindow } = statistics ? estimatePoints(statistics, (t) => timeOf(t) ?? undefined) : { estimates: [], window: null };
  const metrics = dataQuality ? [] : judgeEstimates(metricPoints(section?.section, constraints, violations), estimates, Array.isArray(reportConstraints));
  const problemType = stringOrNull(report?.problem_type, 100) ?? section?.problemType ?? null;
  return { analysis: dataQuality ? 'data_quality' : 'model_quality', problemType, metrics, estimates, estimateWindow, features, featuresDropped, violations, violationsDropped };
}

/** Reads a report folder into a RunRecord, or undefined (counted in ctx.issues) when it cannot be placed in time. */
export async function readReportFolder(ctx: ReadFolderContext, folder: ReportFolder): Promise<RunRecord | undefined> {
  const byName = new Map(folder.files.map((f) => [baseName(f.path), f]));
  const load = async (name: string): Promise<Json | undefined> => {
    const file = byName.get(name);
    const json = file ? await readJson(ctx, file) : undefined;
    if (json === undefined || file === undefined) return undefined;
    const expected = SHAPES[name]!;
    if (expected.fits(json)) return json;
    ctx.issues.add('unexpected_shape', file.path, `it has none of ${expected.fields}`);
    return undefined;
  };
  const [statistics, violations, constraints, report] = await Promise.all([
    load(REPORT_FILES.statistics),
    load(REPORT_FILES.violations),
    load(REPORT_FILES.constraints),
    load(REPORT_FILES.runReport),
  ]);
  const files: FolderFiles = { statistics, violations, constraints, report };
  // A folder whose files were all ignored says nothing of a run: it is not a green cell.
  if (!statistics && !violations && !constraints && !report) {
    if (folder.files.some((f) => NAMES.has(baseName(f.path)))) ctx.issues.add('no_report', folder.path === '' ? '(the source itself)' : folder.path);
    return undefined;
  }
  const layout = parseReportPath([...ctx.rootSegments, ...folder.path.split('/').filter((s) => s !== '')], ctx.folderWindow);
  const dataset = isObject(statistics?.dataset) ? statistics.dataset : undefined;
  const evaluationTime = timeOf(report?.evaluation_time) ?? timeOf(dataset?.evaluation_time);
  const when = windowOf(files, layout, evaluationTime);
  if (!when) {
    ctx.issues.add('no_window', folder.path === '' ? '(the source itself)' : folder.path);
    return undefined;
  }
  const content = contentOf(files);
  const join = isObject(report?.join) ? report.join : undefined;
  const reportMetrics = isObject(report?.metrics) ? report.metrics : undefined;
  const reportStatus = typeof report?.status === 'string' && STATUSES.has(report.status) ? (report.status as RunStatus) : undefined;
  const predictions = numberOrNull(join?.predictions);
  const joined = numberOrNull(join?.joined);
  return {
    path: folder.path,
    endpoint: stringOrNull(report?.endpoint, 500) ?? layout.endpoint,
    schedule: stringOrNull(report?.monitoring_schedule, 500) ?? layout.schedule,
    ...content,
    ...when,
    evaluationTime,
    status: reportStatus ?? (content.violations.length > 0 ? 'CompletedWithViolations' : 'Completed'),
    message: stringOrNull(report?.message),
    itemCount: numberOrNull(dataset?.item_count) ?? numberOrNull(reportMetrics?.item_count),
    predictions,
    joined,
    // A window without predictions has no coverage (its report says 0): a gap in the chart, not a fall to 0%.
    coverage: predictions === 0 ? null : (numberOrNull(join?.ground_truth_coverage) ?? (predictions !== null && joined !== null && predictions > 0 ? joined / predictions : null)),
    files: [...byName.keys()].filter((n) => NAMES.has(n)).sort(),
  };
}
