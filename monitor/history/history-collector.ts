/**
 * @module What the history page needs, gathered run by run as the folders stream past: per series (endpoint,
 * schedule, analysis) a compact row per run, each metric's points, the estimates, a summary per data-quality feature
 * and the latest violations. The reports themselves are dropped after each run; memory grows by about a hundred bytes
 * per run and metric (the chart points), with caps on series, metrics per series and features per series.
 */
import type { Analysis, CheckStatus, RunRecord, RunStatus, WindowSource } from './run-record.ts';

/** Caps of the page's data (the Parquet table has everything). */
export const COLLECT_CAPS = { series: 100, metricsPerSeries: 100, featuresPerSeries: 1000, recentViolations: 200, violationKeys: 1000 } as const;

/** One run, as the page shows it. `index` is its position in the series' runs after sorting. */
export interface SeriesRun {
  index: number;
  path: string;
  start: number;
  end: number;
  windowSource: WindowSource;
  evaluationTime: number | null;
  status: RunStatus;
  message: string | null;
  violationCount: number;
  /** Metric or feature names of the first few violations. */
  violated: string[];
  itemCount: number | null;
  predictions: number | null;
  joined: number | null;
  coverage: number | null;
  /** A later evaluation of the same window exists (a re-evaluation after late labels): charts use the later one. */
  superseded: boolean;
}

export interface MetricPointRef {
  run: number;
  value: number | null;
  std: number | null;
  threshold: number | null;
  operator: string | null;
  status: CheckStatus;
}

export interface EstimatePointRef {
  run: number;
  start: number;
  end: number;
  value: number;
  standardError: number | null;
  lower: number | null;
  upper: number | null;
  threshold: number | null;
  operator: string | null;
  status: CheckStatus;
}

export interface FeatureSummary {
  name: string;
  runs: number;
  type: string | null;
  lastCompleteness: number | null;
  minCompleteness: number | null;
  driftViolations: number;
  /** The last stated drift distance and threshold, and the run it is from. */
  lastDrift: number | null;
  lastDriftThreshold: number | null;
  lastDriftRun: number | null;
  /** Violations by check type. */
  checks: Map<string, number>;
  /** Runs with a violation of this feature: [run, drift violated]. */
  events: Array<[number, boolean]>;
}

export interface ViolationRef {
  run: number;
  subject: string | null;
  feature: boolean;
  checkType: string;
  description: string;
  value: number | null;
  threshold: number | null;
}

/** One series' data, runs sorted by window. */
export interface SeriesData {
  key: string;
  endpoint: string | null;
  schedule: string | null;
  analysis: Analysis;
  problemTypes: string[];
  runs: SeriesRun[];
  metrics: Map<string, MetricPointRef[]>;
  metricsDropped: number;
  estimates: Map<string, EstimatePointRef[]>;
  features: Map<string, FeatureSummary>;
  featuresDropped: number;
  /** Counts by (subject, check type). */
  violationCounts: Array<{ subject: string | null; feature: boolean; checkType: string; count: number; lastRun: number }>;
  /** The latest violations (by window), newest last. */
  recentViolations: ViolationRef[];
  windowSources: Partial<Record<WindowSource, number>>;
}

interface Building {
  data: SeriesData;
  violationKeys: Map<string, { subject: string | null; feature: boolean; checkType: string; count: number; lastRun: number }>;
}

const SYNTHETIC = 'mpm_synthetic_violation_test';

export class HistoryCollector {
  readonly #series = new Map<string, Building>();
  /** Runs not kept because the series cap was reached (they are in the table). */
  seriesDropped = 0;
  runsDroppedWithSeries = 0;

  /** Adds one run to its series (a new series past the cap is counted, not kept). */
  add(run: RunRecord): void {
    const building = this.#seriesOf(run);
    if (!building) return;
    const data = building.data;
    const index = data.runs.length;
    if (run.problemType !== null && !data.problemTypes.includes(run.problemType)) data.problemTypes.push(run.problemType);
    data.windowSources[run.windowSource] = (data.windowSources[run.windowSource] ?? 0) + 1;
    data.runs.push(seriesRun(run, index));
    addMetrics(data, run, index);
    addEstimates(data, run, index);
    addFeatures(data, run);
    addViolations(building, run, index);
  }

  #seriesOf(run: RunRecord): Building | undefined {
    const key = JSON.stringify([run.endpoint, run.schedule, run.analysis]);
    const known = this.#series.get(key);
    if (known) return known;
    if (this.#series.size >= COLLECT_CAPS.series) {
      this.seriesDropped++;
      this.runsDroppedWithSeries++;
      return undefined;
    }
    const building: Building = {
      data: {
        key,
        endpoint: run.endpoint,
        schedule: run.schedule,
        analysis: run.analysis,
        problemTypes: [],
        runs: [],
        metrics: new Map(),
        metricsDropped: 0,
        estimates: new Map(),
        features: new Map(),
        featuresDropped: 0,
        violationCounts: [],
        recentViolations: [],
        windowSources: {},
      },
      violationKeys: new Map(),
    };
    this.#series.set(key, building);
    return building;
  }

  /** The series in a fixed order (endpoint, schedule, analysis), each with its runs sorted by window. */
  finish(): SeriesData[] {
    const out: SeriesData[] = [];
    for (const { data, violationKeys } of [...this.#series.values()].sort((a, b) => compareKeys(a.data, b.data))) {
      // Sort by window, then evaluation time, then walk order; remap every run reference to the sorted position.
      const sorted = [...data.runs].sort((a, b) => a.start - b.start || a.end - b.end || (a.evaluationTime ?? -Infinity) - (b.evaluationTime ?? -Infinity) || a.index - b.index);
      const position = new Int32Array(sorted.length);
      sorted.forEach((r, i) => (position[r.index] = i));
      sorted.forEach((r, i) => {
        r.index = i;
        const next = sorted[i + 1];
        r.superseded = next !== undefined && next.start === r.start && next.end === r.end;
      });
      data.runs = sorted;
      for (const points of [...data.metrics.values(), ...data.estimates.values()]) {
        for (const p of points) p.run = position[p.run]!;
        points.sort((a, b) => a.run - b.run);
      }
      for (const f of data.features.values()) {
        for (const e of f.events) e[0] = position[e[0]]!;
        f.events.sort((a, b) => a[0] - b[0]);
        if (f.lastDriftRun !== null) f.lastDriftRun = position[f.lastDriftRun]!;
      }
      data.violationCounts = [...violationKeys.values()].map((v) => ({ ...v, lastRun: position[v.lastRun]! }));
      data.violationCounts.sort((a, b) => b.count - a.count || compareNullable(a.subject, b.subject) || compareNullable(a.checkType, b.checkType));
      for (const v of data.recentViolations) v.run = position[v.run]!;
      data.recentViolations.sort((a, b) => a.run - b.run);
      data.recentViolations = data.recentViolations.slice(-COLLECT_CAPS.recentViolations);
      out.push(data);
    }
    return out;
  }
}

function seriesRun(run: RunRecord, index: number): SeriesRun {
  return {
    index,
    path: run.path,
    start: run.window.start,
    end: run.window.end,
    windowSource: run.windowSource,
    evaluationTime: run.evaluationTime,
    status: run.status,
    message: run.message === null ? null : run.message.slice(0, 300),
    violationCount: run.violations.length + run.violationsDropped,
    violated: run.violations.slice(0, 5).map((v) => v.subject ?? v.checkType),
    itemCount: run.itemCount,
    predictions: run.predictions,
    joined: run.joined,
    coverage: run.coverage,
    superseded: false,
  };
}

function addMetrics(data: SeriesData, run: RunRecord, index: number): void {
  for (const m of run.metrics) {
    let points = data.metrics.get(m.metric);
    if (!points) {
      if (data.metrics.size >= COLLECT_CAPS.metricsPerSeries) {
        data.metricsDropped++;
        continue;
      }
      data.metrics.set(m.metric, (points = []));
    }
    points.push({ run: index, value: m.value, std: m.standardDeviation, threshold: m.threshold, operator: m.operator, status: m.status });
  }
}

function addEstimates(data: SeriesData, run: RunRecord, index: number): void {
  const estimated = run.estimateWindow ?? run.window;
  for (const e of run.estimates) {
    let points = data.estimates.get(e.metric);
    if (!points) {
      if (data.estimates.size >= COLLECT_CAPS.metricsPerSeries) continue;
      data.estimates.set(e.metric, (points = []));
    }
    points.push({ run: index, start: estimated.start, end: estimated.end, value: e.value, standardError: e.standardError, lower: e.lower, upper: e.upper, threshold: e.threshold, operator: e.operator, status: e.status });
  }
}

function addFeatures(data: SeriesData, run: RunRecord): void {
  for (const f of run.features) {
    let summary = data.features.get(f.feature);
    if (!summary) {
      if (data.features.size >= COLLECT_CAPS.featuresPerSeries) {
        data.featuresDropped++;
        continue;
      }
      summary = { name: f.feature, runs: 0, type: null, lastCompleteness: null, minCompleteness: null, driftViolations: 0, lastDrift: null, lastDriftThreshold: null, lastDriftRun: null, checks: new Map(), events: [] };
      data.features.set(f.feature, summary);
    }
    summary.runs++;
    summary.type = f.inferredType ?? summary.type;
    if (f.completeness !== null) {
      summary.lastCompleteness = f.completeness;
      summary.minCompleteness = summary.minCompleteness === null ? f.completeness : Math.min(summary.minCompleteness, f.completeness);
    }
  }
}

function addViolations(building: Building, run: RunRecord, index: number): void {
  const data = building.data;
  let kept = 0;
  for (const v of run.violations) {
    const vKey = JSON.stringify([v.subject, v.feature, v.checkType]);
    let counted = building.violationKeys.get(vKey);
    if (!counted && building.violationKeys.size < COLLECT_CAPS.violationKeys) {
      building.violationKeys.set(vKey, (counted = { subject: v.subject, feature: v.feature, checkType: v.checkType, count: 0, lastRun: index }));
    }
    if (counted) {
      counted.count++;
      counted.lastRun = index;
    }
    // At most 10 per run (the page lists 10 per run), so the kept ones span at least 20 runs.
    if (kept++ < 10) data.recentViolations.push({ run: index, subject: v.subject, feature: v.feature, checkType: v.checkType, description: v.description.slice(0, 500), value: v.value, threshold: v.threshold });
    if (data.recentViolations.length > 2 * COLLECT_CAPS.recentViolations) data.recentViolations.splice(0, COLLECT_CAPS.recentViolations);
    const summary = v.feature && v.subject !== null ? data.features.get(v.subject) : undefined;
    if (summary) noteFeatureViolation(summary, v, index);
  }
}

function noteFeatureViolation(summary: FeatureSummary, v: RunRecord['violations'][number], index: number): void {
  summary.checks.set(v.checkType, (summary.checks.get(v.checkType) ?? 0) + 1);
  const drift = v.checkType === 'baseline_drift_check';
  const last = summary.events[summary.events.length - 1];
  if (last && last[0] === index) last[1] ||= drift;
  else summary.events.push([index, drift]);
  if (!drift) return;
  summary.driftViolations++;
  if (v.value === null) return;
  summary.lastDrift = v.value;
  summary.lastDriftThreshold = v.threshold;
  summary.lastDriftRun = index;
}

/** Whether a violation is the synthetic one of --create-violation-tests (not a finding). */
export function isSyntheticViolation(subject: string | null): boolean {
  return subject === SYNTHETIC;
}

function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function compareKeys(a: SeriesData, b: SeriesData): number {
  return compareNullable(a.endpoint, b.endpoint) || compareNullable(a.schedule, b.schedule) || compareNullable(a.analysis, b.analysis);
}
