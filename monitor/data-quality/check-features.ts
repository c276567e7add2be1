/**
 * @module The data-quality checks of a window against a baseline, with SageMaker's check types and the built-in
 * analyzer's description strings where they are known. Per baseline feature, in the baseline's order:
 * - missing_column_check: the feature never appears in the window;
 * - data_type_check: the share of present values of the baseline's inferred_type (value-type.ts typeMatchShare) is
 *   below datatype_check_threshold ("Data type match requirement is not met. Expected data type: Integral,
 *   Expected match: 100.0%. Observed: Only 99.6% of data is Integral.", the analyzer's text);
 * - completeness_check: the share of rows with a value is below the feature's completeness ("Value: 0.0 does not
 *   meet the constraint requirement! ", the analyzer's text, trailing space included);
 * - baseline_drift_check (perform_comparison, needs baseline statistics): numerical features compare KLL sketches
 *   (drift-distance.ts), String features their categories, with comparison_method Simple or Robust; drift when
 *   the distance exceeds comparison_threshold / categorical_comparison_threshold, or for ChiSquared when the
 *   p-value is below the threshold;
 * - categorical_values_check: the share of present values inside string_constraints.domains is below
 *   domain_content_threshold (same "Value: ..." text);
 * then extra_column_check for every column of the window the baseline does not have. The thresholds of the
 * datatype and domain checks are minimum shares: the analyzer's fallback 1.0 prints "Expected match: 100.0%".
 * evaluate_constraints Disabled (globally or for a feature) skips the checks; emit_metrics is passed on to the
 * CloudWatch metrics. num_constraints.is_non_negative has no check type in SageMaker's list: its result is
 * reported beside the feature, never as a violation. Violations carry feature_name, constraint_check_type and
 * description only, as SageMaker writes them.
 */
import type { DatasetSummary } from './dataset-profile.ts';
import { categoricalDistance, chiSquareTest, numericalDistance, type ComparisonMethod, type Counts, type Distance } from './drift-distance.ts';
import type { FeatureSummary } from './feature-profile.ts';
import { javaDouble } from './java-number.ts';
import { ANALYZER_FALLBACKS, categoricalThreshold, type DataQualityConstraints, type MonitoringConfig } from './load-constraints.ts';
import type { BaselineFeature, BaselineStatistics } from './load-statistics.ts';
import { typeMatchShare, type InferredType } from './value-type.ts';

/** SageMaker's data-quality check types. */
export type DataQualityCheckType =
  | 'data_type_check'
  | 'completeness_check'
  | 'baseline_drift_check'
  | 'missing_column_check'
  | 'extra_column_check'
  | 'categorical_values_check'
  /** mpm's: a window without records (feature_name "item_count"), as model quality's too few joined records. */
  | 'InsufficientDataCheck';

/** A violation as constraint_violations.json lists it. */
export interface DataQualityViolation {
  feature_name: string;
  constraint_check_type: DataQualityCheckType;
  description: string;
}

/** A drift comparison that could be made. */
export interface DriftComparison {
  status: 'pass' | 'violated';
  kind: 'numerical' | 'categorical';
  method: ComparisonMethod | 'ChiSquared';
  /** The value compared with the threshold: a distance, or the chi-squared p-value. */
  value: number;
  threshold: number;
  /** The L-infinity distance (Simple and Robust) between the distributions, for ranking and display. */
  distance: Distance;
}

/** The drift comparison of one feature. */
export type DriftResult = DriftComparison | { status: 'not_evaluated'; why: string };

/** What the checks found for one feature (baseline, window or both). */
export interface FeatureCheck {
  name: string;
  inBaseline: boolean;
  inCurrent: boolean;
  /** Checks ran for it (evaluate_constraints). */
  evaluated: boolean;
  /** Its CloudWatch metrics are emitted (emit_metrics). */
  emitMetrics: boolean;
  expectedType?: string;
  /** Share of present values of the expected type. */
  typeMatch?: number;
  expectedCompleteness?: number;
  completeness?: number;
  /** Share of present values inside the baseline's domain (a lower bound when the categories are approximate). */
  domainShare?: number;
  nonNegative?: { expected: boolean; min: number; holds: boolean };
  drift?: DriftResult;
}

export interface DataQualityCheckResult {
  violations: DataQualityViolation[];
  /** Baseline features in baseline order, then the window's other columns in column order. */
  features: FeatureCheck[];
}

export interface CheckOptions {
  constraints?: DataQualityConstraints;
  statistics?: BaselineStatistics;
  /** The monitoring_config when there is no constraints file (default: the analyzer's fallbacks). */
  config?: MonitoringConfig;
  /** Columns left out of the checks (exclude_features_attribute). */
  excludeFeatures?: readonly string[];
}

/** A threshold as the constraints file gives it (0.1, 0: the analyzer printed "threshold: 0"). */
const thresholdText = (t: number): string => String(t);

function countsOf(buckets: ReadonlyArray<{ value: string; count: number }>): Counts {
  const m = new Map<string, number>();
  for (const b of buckets) m.set(b.value, (m.get(b.value) ?? 0) + b.count);
  return m;
}

function isNumericType(t: string | undefined): boolean {
  return t === 'Integral' || t === 'Fractional';
}

/** Compares one feature's distribution with the baseline's. */
export function compareDistributions(baseline: BaselineFeature | undefined, current: FeatureSummary, config: MonitoringConfig): DriftResult {
  if (!config.performComparison) return { status: 'not_evaluated', why: 'perform_comparison is Disabled' };
  if (baseline === undefined) return { status: 'not_evaluated', why: 'the baseline statistics have no such feature' };
  if (isNumericType(baseline.inferredType)) {
    const sketch = baseline.numeric?.sketch;
    if (sketch === undefined) return { status: 'not_evaluated', why: 'the baseline statistics have no KLL sketch for this feature' };
    if (current.numeric === undefined) return { status: 'not_evaluated', why: `the window's values are ${current.deequType}, not numeric` };
    const d = numericalDistance(sketch, current.numeric.sketch);
    if (d === undefined) return { status: 'not_evaluated', why: 'a sketch is empty' };
    const value = config.comparisonMethod === 'Simple' ? d.simple : d.robust;
    return { status: value > config.comparisonThreshold ? 'violated' : 'pass', kind: 'numerical', method: config.comparisonMethod, value, threshold: config.comparisonThreshold, distance: d };
  }
  if (baseline.inferredType === 'String') {
    const buckets = baseline.categorical?.buckets;
    if (buckets === undefined || buckets.length === 0) return { status: 'not_evaluated', why: 'the baseline statistics have no categorical buckets for this feature' };
    if (current.categorical === undefined) return { status: 'not_evaluated', why: 'the window has no values for this feature' };
    const base = countsOf(buckets);
    const now = countsOf(current.categorical.buckets);
    const d = categoricalDistance(base, now);
    if (d === undefined) return { status: 'not_evaluated', why: 'a categorical distribution is empty' };
    const threshold = categoricalThreshold(config);
    if (config.categoricalDriftMethod === 'ChiSquared') {
      const test = chiSquareTest(base, now);
      if (test === undefined) return { status: 'not_evaluated', why: 'the chi-squared test needs 2 categories with enough expected counts, and values in them' };
      return { status: test.pValue < threshold ? 'violated' : 'pass', kind: 'categorical', method: 'ChiSquared', value: test.pValue, threshold, distance: d };
    }
    const value = config.comparisonMethod === 'Simple' ? d.simple : d.robust;
    return { status: value > threshold ? 'violated' : 'pass', kind: 'categorical', method: config.comparisonMethod, value, threshold, distance: d };
  }
  return { status: 'not_evaluated', why: `the baseline type ${baseline.inferredType} has no distribution` };
}

function driftDescription(d: DriftComparison): string {
  if (d.method === 'ChiSquared') {
    return `Categorical drift p-value: ${javaDouble(d.value)} is below categorical threshold: ${thresholdText(d.threshold)} (ChiSquared test: the current distribution differs from the baseline's)`;
  }
  return d.kind === 'numerical'
    ? `Numerical distance: ${javaDouble(d.value)} exceeds numerical threshold: ${thresholdText(d.threshold)}`
    : `Categorical distance: ${javaDouble(d.value)} exceeds categorical threshold: ${thresholdText(d.threshold)}`;
}

const valueText = (v: number): string => `Value: ${javaDouble(v)} does not meet the constraint requirement! `;

/** What the baseline expects of one feature (constraints.json, or statistics.json's types under the global config). */
type ExpectedFeature = { name: string; inferredType?: string; completeness?: number; isNonNegative?: boolean; domains?: string[]; config: MonitoringConfig };

/** A baseline feature the window has: type, completeness, drift, domain and sign, each adding its violation. */
function checkPresentFeature(
  b: ExpectedFeature,
  f: FeatureSummary,
  check: FeatureCheck,
  add: (type: DataQualityCheckType, description: string) => void,
  current: DatasetSummary,
  hasConstraints: boolean,
  statsByName: Map<string, BaselineFeature> | undefined,
): void {
  const cfg = b.config;
  if (hasConstraints && b.inferredType !== undefined && b.inferredType !== 'Unknown' && f.present > 0) {
    const t = b.inferredType as InferredType;
    const share = typeMatchShare(t, f.counts);
    if (Number.isFinite(share)) {
      check.typeMatch = share;
      if (share < cfg.datatypeCheckThreshold) {
        add('data_type_check', `Data type match requirement is not met. Expected data type: ${t}, Expected match: ${javaDouble(cfg.datatypeCheckThreshold * 100)}%. Observed: Only ${javaDouble(share * 100)}% of data is ${t}.`);
      }
    }
  }
  if (current.itemCount > 0) {
    check.completeness = f.present / current.itemCount;
    if (b.completeness !== undefined) {
      check.expectedCompleteness = b.completeness;
      if (check.completeness < b.completeness) add('completeness_check', valueText(check.completeness));
    }
  }
  if (statsByName !== undefined) {
    check.drift = compareDistributions(statsByName.get(b.name), f, cfg);
    if (check.drift.status === 'violated') add('baseline_drift_check', driftDescription(check.drift));
  }
  if (b.domains !== undefined && b.domains.length > 0 && f.categorical !== undefined && f.present > 0) {
    const domain = new Set(b.domains);
    let inside = 0;
    for (const bucket of f.categorical.buckets) if (domain.has(bucket.value)) inside += bucket.count;
    check.domainShare = inside / f.present;
    if (check.domainShare < cfg.domainContentThreshold) add('categorical_values_check', valueText(check.domainShare));
  }
  if (b.isNonNegative !== undefined && f.numeric !== undefined) {
    check.nonNegative = { expected: b.isNonNegative, min: f.numeric.min, holds: !b.isNonNegative || f.numeric.min >= 0 };
  }
}

/** Runs every check. */
export function checkDataQuality(current: DatasetSummary, options: CheckOptions): DataQualityCheckResult {
  const excluded = new Set(options.excludeFeatures ?? []);
  const global = options.constraints?.config ?? options.config ?? ANALYZER_FALLBACKS;
  const currentByName = new Map(current.features.filter((f) => !excluded.has(f.name)).map((f) => [f.name, f]));
  const statsByName = new Map((options.statistics?.features ?? []).map((f) => [f.name, f]));
  const expected: ExpectedFeature[] = options.constraints
    ? options.constraints.features
    : (options.statistics?.features ?? []).map((f) => ({ name: f.name, inferredType: f.inferredType, config: global }));
  const baselineFeatures = expected.filter((f) => !excluded.has(f.name));
  const hasBaseline = options.constraints !== undefined || options.statistics !== undefined;
  const violations: DataQualityViolation[] = [];
  const features: FeatureCheck[] = [];
  const counts = `the current dataset has ${currentByName.size} columns, the baseline ${baselineFeatures.length}`;

  for (const b of baselineFeatures) {
    const cfg = b.config;
    const f = currentByName.get(b.name);
    const check: FeatureCheck = { name: b.name, inBaseline: true, inCurrent: f !== undefined, evaluated: cfg.evaluateConstraints, emitMetrics: cfg.emitMetrics, expectedType: b.inferredType };
    features.push(check);
    const add = (type: DataQualityCheckType, description: string): void => {
      if (cfg.evaluateConstraints) violations.push({ feature_name: b.name, constraint_check_type: type, description });
    };
    if (f === undefined) {
      add('missing_column_check', `Column ${JSON.stringify(b.name)} of the baseline is missing from the current dataset: ${counts}.`);
      continue;
    }
    checkPresentFeature(b, f, check, add, current, options.constraints !== undefined, options.statistics !== undefined ? statsByName : undefined);
  }

  const known = new Set(baselineFeatures.map((f) => f.name));
  for (const f of currentByName.values()) {
    if (known.has(f.name)) continue;
    features.push({ name: f.name, inBaseline: false, inCurrent: true, evaluated: global.evaluateConstraints, emitMetrics: global.emitMetrics, completeness: current.itemCount > 0 ? f.present / current.itemCount : undefined });
    if (hasBaseline && global.evaluateConstraints) {
      violations.push({ feature_name: f.name, constraint_check_type: 'extra_column_check', description: `Column ${JSON.stringify(f.name)} is not in the baseline: ${counts}.` });
    }
  }
  return { violations, features };
}

