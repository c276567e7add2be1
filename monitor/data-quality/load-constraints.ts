/**
 * @module Reads a data-quality constraints.json (developer guide "Schema for Constraints"; the SDK's sample
 * tests/data/monitor/constraints.json): per feature inferred_type, completeness, num_constraints.is_non_negative,
 * string_constraints.domains, and the monitoring_config with its per-feature overrides, accepted under both
 * spellings in use: `monitoringConfigOverrides` on the feature (the documentation) and
 * `string_constraints.monitoring_config_overrides` (the SDK's Constraints.set_monitoring), plus
 * `monitoring_config_overrides` on the feature and under num_constraints.
 *
 * Settings the file leaves out take the built-in analyzer's fallbacks (ANALYZER_FALLBACKS, from the analyzer's
 * DataQualityMonitoringConfig): evaluate_constraints and emit_metrics Enabled, datatype_check_threshold 1.0,
 * domain_content_threshold 1.0, perform_comparison Enabled, comparison_threshold 0.1, comparison_method Robust,
 * categorical_comparison_threshold = comparison_threshold, categorical_drift_method LInfinity. Older files'
 * names are read too: distribution_constraints.enable_comparisons (perform_comparison) and min_domain_mass
 * (domain_content_threshold); comparison_method also reads linf_simple / linf_robust (the documentation's values).
 * A value of the wrong kind is a ConfigError naming its path, the value and what is expected.
 */
import { ConfigError, showValue } from '../errors.ts';
import type { ComparisonMethod } from './drift-distance.ts';

/** categorical_drift_method. */
export type CategoricalDriftMethod = 'LInfinity' | 'ChiSquared';

/** A monitoring_config, resolved. */
export interface MonitoringConfig {
  evaluateConstraints: boolean;
  emitMetrics: boolean;
  /** data_type_check: the share of values of the expected type must be at least this. */
  datatypeCheckThreshold: number;
  /** categorical_values_check: the share of values inside the baseline's domain must be at least this. */
  domainContentThreshold: number;
  performComparison: boolean;
  comparisonThreshold: number;
  comparisonMethod: ComparisonMethod;
  /** Undefined: the comparison_threshold applies (the documented default). */
  categoricalComparisonThreshold?: number;
  categoricalDriftMethod: CategoricalDriftMethod;
}

/** The built-in analyzer's fallbacks when a setting is absent. */
export const ANALYZER_FALLBACKS: Readonly<MonitoringConfig> = Object.freeze({
  evaluateConstraints: true,
  emitMetrics: true,
  datatypeCheckThreshold: 1.0,
  domainContentThreshold: 1.0,
  performComparison: true,
  comparisonThreshold: 0.1,
  comparisonMethod: 'Robust',
  categoricalDriftMethod: 'LInfinity',
});

/** The threshold a categorical drift is compared with. */
export function categoricalThreshold(config: MonitoringConfig): number {
  return config.categoricalComparisonThreshold ?? config.comparisonThreshold;
}

/** One feature's constraints. */
export interface FeatureConstraint {
  name: string;
  inferredType?: string;
  completeness?: number;
  isNonNegative?: boolean;
  domains?: string[];
  /** The global monitoring_config with this feature's overrides applied. */
  config: MonitoringConfig;
}

export interface DataQualityConstraints {
  source: string;
  features: FeatureConstraint[];
  /** The global monitoring_config, resolved. */
  config: MonitoringConfig;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function switchOf(v: unknown, path: string, problems: string[]): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(enabled|disabled)$/i.test(v)) return v.toLowerCase() === 'enabled';
  problems.push(`${path} is ${showValue(v)}; expected "Enabled" or "Disabled"`);
  return undefined;
}

function thresholdOf(v: unknown, path: string, problems: string[]): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return n;
  problems.push(`${path} is ${showValue(v)}; expected a number >= 0`);
  return undefined;
}

/** Parses a comparison_method value (Simple, Robust, linf_simple, linf_robust; any case). */
export function parseComparisonMethod(v: unknown): ComparisonMethod | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.toLowerCase();
  if (s === 'simple' || s === 'linf_simple') return 'Simple';
  if (s === 'robust' || s === 'linf_robust') return 'Robust';
  return undefined;
}

/** Parses a categorical_drift_method value (LInfinity, ChiSquared; any case). */
export function parseCategoricalDriftMethod(v: unknown): CategoricalDriftMethod | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.toLowerCase();
  if (s === 'linfinity') return 'LInfinity';
  if (s === 'chisquared') return 'ChiSquared';
  return undefined;
}

/** Applies one monitoring_config object (global or a feature's overrides) on top of `base`. */
export function applyMonitoringConfig(raw: unknown, base: Readonly<MonitoringConfig>, path: string, problems: string[]): MonitoringConfig {
  const out: MonitoringConfig = { ...base };
  if (raw === undefined || raw === null) return out;
  if (!isObject(raw)) {
    problems.push(`${path} is ${showValue(raw)}; expected an object`);
    return out;
  }
  out.evaluateConstraints = switchOf(raw.evaluate_constraints, `${path}.evaluate_constraints`, problems) ?? out.evaluateConstraints;
  out.emitMetrics = switchOf(raw.emit_metrics, `${path}.emit_metrics`, problems) ?? out.emitMetrics;
  out.datatypeCheckThreshold = thresholdOf(raw.datatype_check_threshold, `${path}.datatype_check_threshold`, problems) ?? out.datatypeCheckThreshold;
  const domain = raw.domain_content_threshold ?? (isObject(raw.distribution_constraints) ? raw.distribution_constraints.min_domain_mass : undefined);
  out.domainContentThreshold = thresholdOf(domain, `${path}.domain_content_threshold`, problems) ?? out.domainContentThreshold;
  const d = raw.distribution_constraints;
  if (d !== undefined) {
    const dp = `${path}.distribution_constraints`;
    if (!isObject(d)) problems.push(`${dp} is ${showValue(d)}; expected an object`);
    else {
      out.performComparison = switchOf(d.perform_comparison ?? d.enable_comparisons, `${dp}.perform_comparison`, problems) ?? out.performComparison;
      out.comparisonThreshold = thresholdOf(d.comparison_threshold, `${dp}.comparison_threshold`, problems) ?? out.comparisonThreshold;
      if (d.comparison_method !== undefined) {
        const m = parseComparisonMethod(d.comparison_method);
        if (m === undefined) problems.push(`${dp}.comparison_method is ${showValue(d.comparison_method)}; expected "Simple" or "Robust"`);
        else out.comparisonMethod = m;
      }
      out.categoricalComparisonThreshold = thresholdOf(d.categorical_comparison_threshold, `${dp}.categorical_comparison_threshold`, problems) ?? out.categoricalComparisonThreshold;
      if (d.categorical_drift_method !== undefined) {
        const m = parseCategoricalDriftMethod(d.categorical_drift_method);
        if (m === undefined) problems.push(`${dp}.categorical_drift_method is ${showValue(d.categorical_drift_method)}; expected "LInfinity" or "ChiSquared"`);
        else out.categoricalDriftMethod = m;
      }
    }
  }
  return out;
}

/** The overrides objects of a feature under every spelling in use. */
function overridesOf(f: Json): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  if (f.monitoringConfigOverrides !== undefined) out.push(['monitoringConfigOverrides', f.monitoringConfigOverrides]);
  if (f.monitoring_config_overrides !== undefined) out.push(['monitoring_config_overrides', f.monitoring_config_overrides]);
  for (const section of ['num_constraints', 'string_constraints']) {
    const s = f[section];
    if (isObject(s) && s.monitoring_config_overrides !== undefined) out.push([`${section}.monitoring_config_overrides`, s.monitoring_config_overrides]);
  }
  return out;
}

/** Environment overrides of the global monitoring_config (the contract's categorical_drift_method variable). */
export interface ConstraintOverrides {
  categoricalDriftMethod?: CategoricalDriftMethod;
}

/**
 * Parses a data-quality constraints.json. `overrides` (from the environment) replace the file's global settings;
 * a feature's own overrides still apply on top. Throws one ConfigError listing every problem.
 */
export function parseDataQualityConstraints(text: string, source: string, overrides: ConstraintOverrides = {}): DataQualityConstraints {
  const where = `baseline_constraints ${showValue(source)}`;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config: ${where} is not valid JSON (${(error as Error).message}); expected a data-quality constraints.json`);
  }
  if (!isObject(doc) || !Array.isArray(doc.features)) {
    const mq = isObject(doc) ? Object.keys(doc).find((k) => k.endsWith('_constraints')) : undefined;
    throw new ConfigError(
      `config: ${where} has no "features" list` + (mq ? ` (it has "${mq}": a model-quality constraints file)` : '') + '; expected a data-quality constraints.json {"features": [...], "monitoring_config": {...}}',
    );
  }
  const problems: string[] = [];
  const config = applyMonitoringConfig(doc.monitoring_config, ANALYZER_FALLBACKS, 'monitoring_config', problems);
  if (overrides.categoricalDriftMethod !== undefined) config.categoricalDriftMethod = overrides.categoricalDriftMethod;
  const features: FeatureConstraint[] = [];
  const seen = new Set<string>();
  doc.features.forEach((f, i) => {
    const path = `features[${i}]`;
    if (!isObject(f) || typeof f.name !== 'string') {
      problems.push(`${path} has no "name" string`);
      return;
    }
    if (seen.has(f.name)) {
      problems.push(`${path} repeats the feature ${showValue(f.name)}`);
      return;
    }
    seen.add(f.name);
    const feature: FeatureConstraint = { name: f.name, config };
    if (f.inferred_type !== undefined) {
      if (typeof f.inferred_type !== 'string') problems.push(`${path}.inferred_type is ${showValue(f.inferred_type)}; expected Integral, Fractional, String or Unknown`);
      else feature.inferredType = f.inferred_type;
    }
    if (f.completeness !== undefined) {
      const c = thresholdOf(f.completeness, `${path}.completeness`, problems);
      if (c !== undefined && c > 1) problems.push(`${path}.completeness is ${showValue(f.completeness)}; expected a share from 0 to 1`);
      else feature.completeness = c;
    }
    const num = f.num_constraints;
    if (isObject(num) && num.is_non_negative !== undefined) {
      if (typeof num.is_non_negative !== 'boolean') problems.push(`${path}.num_constraints.is_non_negative is ${showValue(num.is_non_negative)}; expected true or false`);
      else feature.isNonNegative = num.is_non_negative;
    }
    const str = f.string_constraints;
    if (isObject(str) && str.domains !== undefined) {
      if (!Array.isArray(str.domains) || !str.domains.every((d) => typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean')) {
        problems.push(`${path}.string_constraints.domains is not a list of values`);
      } else feature.domains = str.domains.map(String);
    }
    let resolved = config;
    for (const [key, raw] of overridesOf(f)) resolved = applyMonitoringConfig(raw, resolved, `${path}.${key}`, problems);
    feature.config = resolved;
    features.push(feature);
  });
  if (problems.length > 0) throw new ConfigError(`config: ${where} is not a usable data-quality constraints.json: ${problems.join('; ')}`);
  return { source, features, config };
}
