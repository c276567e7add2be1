/**
 * @module The settings data quality reads, declared in the style of monitor/config/settings.ts (for the integrator
 * to add to that table), and their resolution from resolved strings into typed options. Every problem is reported
 * at once, each naming the variable, the bad value and what was expected (ConfigError, exit 2).
 *
 * - exclude_features_attribute (contract, EndpointInput.ExcludeFeaturesAttribute): comma-separated column names or
 *   positions left out of the analysis.
 * - categorical_drift_method (contract): LInfinity or ChiSquared; replaces constraints.json's global value.
 * - MPM_DATA_QUALITY_COLUMNS: names of positional columns (CSV cells, array values) in the order of SageMaker's
 *   row (predictions first with START), used where the baseline has no names; a JSON array or comma-separated.
 * - MPM_OUTPUT_COLUMNS_POSITION: START (default) or END, where prediction columns go among positional columns of
 *   captured records (dataset_format csv's own output_columns_position decides for CSV datasets).
 * - MPM_MAX_FEATURES: columns profiled at most (default 1000); values of further columns are counted.
 * analysis_type DATA_QUALITY selects the analysis (the contract's variable; the table entry already exists).
 */
import type { SettingSpec } from '../config/settings.ts';
import { ConfigError, showValue } from '../errors.ts';
import type { OutputColumnsPosition } from './capture-rows.ts';
import { MAX_FEATURES } from './dataset-profile.ts';
import { parseCategoricalDriftMethod, type CategoricalDriftMethod } from './load-constraints.ts';

/** The entries for monitor/config/settings.ts. */
export const DATA_QUALITY_SETTINGS = [
  { env: 'exclude_features_attribute', flag: 'exclude-features-attribute', group: 'contract', description: 'Data quality: comma-separated column names or positions left out of the analysis (EndpointInput.ExcludeFeaturesAttribute)' },
  { env: 'categorical_drift_method', flag: 'categorical-drift-method', group: 'contract', description: 'Data quality: LInfinity or ChiSquared for categorical drift; replaces the constraints file\'s global categorical_drift_method' },
  { env: 'MPM_DATA_QUALITY_COLUMNS', flag: 'data-quality-columns', group: 'mpm', description: 'Data quality: names of positional columns (CSV cells, array values) in row order, predictions first with START; a JSON array or comma-separated. The baseline\'s names win; else _c0, _c1...' },
  { env: 'MPM_OUTPUT_COLUMNS_POSITION', flag: 'output-columns-position', group: 'mpm', default: 'START', description: 'Data quality: START or END, where prediction columns go among the positional columns of captured records' },
  { env: 'MPM_MAX_FEATURES', flag: 'max-features', group: 'mpm', default: String(MAX_FEATURES), description: 'Data quality: columns profiled at most; values of further columns are counted, not profiled' },
] as const satisfies readonly SettingSpec[];

export type DataQualitySettingName = (typeof DATA_QUALITY_SETTINGS)[number]['env'];

/** The data-quality options, resolved. */
export interface DataQualitySettings {
  excludeFeatures: string[];
  categoricalDriftMethod?: CategoricalDriftMethod;
  columnNames?: string[];
  outputColumnsPosition: OutputColumnsPosition;
  maxFeatures: number;
}

/** Splits a list setting: a JSON array of strings, or comma-separated (spaces around items trimmed). */
function listOf(raw: string, variable: string, problems: string[]): string[] | undefined {
  const text = raw.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string' || typeof x === 'number')) return parsed.map(String);
    } catch {
      // reported below
    }
    problems.push(`config: ${variable} ${showValue(raw)} is not a JSON array of names; expected ["a","b"] or a,b`);
    return undefined;
  }
  return text === '' ? [] : text.split(',').map((s) => s.trim());
}

/**
 * Resolves the data-quality settings from their resolved strings (`get` returns the value after flag, environment,
 * job config and default). Throws one ConfigError listing every problem.
 */
export function resolveDataQualitySettings(get: (name: DataQualitySettingName) => string | undefined): DataQualitySettings {
  const problems: string[] = [];
  const excludeRaw = get('exclude_features_attribute');
  const exclude = excludeRaw === undefined ? [] : (listOf(excludeRaw, 'exclude_features_attribute', problems) ?? []).filter((s) => s !== '');
  let categoricalDriftMethod: CategoricalDriftMethod | undefined;
  const drift = get('categorical_drift_method');
  if (drift !== undefined && drift !== '') {
    categoricalDriftMethod = parseCategoricalDriftMethod(drift);
    if (categoricalDriftMethod === undefined) problems.push(`config: categorical_drift_method ${showValue(drift)} is not valid; expected LInfinity or ChiSquared`);
  }
  const columnsRaw = get('MPM_DATA_QUALITY_COLUMNS');
  const columnNames = columnsRaw === undefined ? undefined : listOf(columnsRaw, 'MPM_DATA_QUALITY_COLUMNS', problems);
  if (columnNames?.some((n) => n === '')) problems.push(`config: MPM_DATA_QUALITY_COLUMNS ${showValue(columnsRaw)} has an empty name; expected names separated by commas`);
  const position = (get('MPM_OUTPUT_COLUMNS_POSITION') ?? 'START').toUpperCase();
  if (position !== 'START' && position !== 'END') problems.push(`config: MPM_OUTPUT_COLUMNS_POSITION ${showValue(get('MPM_OUTPUT_COLUMNS_POSITION'))} is not valid; expected START or END`);
  const maxRaw = get('MPM_MAX_FEATURES') ?? String(MAX_FEATURES);
  const maxFeatures = Number(maxRaw);
  if (!/^\d+$/.test(maxRaw.trim()) || !Number.isSafeInteger(maxFeatures) || maxFeatures < 1 || maxFeatures > 100_000) {
    problems.push(`config: MPM_MAX_FEATURES ${showValue(maxRaw)} is not valid; expected a whole number from 1 to 100000`);
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return {
    excludeFeatures: exclude,
    ...(categoricalDriftMethod ? { categoricalDriftMethod } : {}),
    ...(columnNames ? { columnNames } : {}),
    outputColumnsPosition: position as OutputColumnsPosition,
    maxFeatures,
  };
}
