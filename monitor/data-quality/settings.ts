/**
 * @module The settings data quality reads, declared as entries of monitor/config/settings.ts's table (variable,
 * flag, key, commands, default, help and rule), for the integrator to append to SETTING_TABLE. A failed rule ends
 * "is not valid; expected …", which load-config.ts prefixes with the variable and the value.
 *
 * - exclude_features_attribute (contract, EndpointInput.ExcludeFeaturesAttribute): comma-separated column names or
 *   positions left out of the analysis.
 * - categorical_drift_method (contract): LInfinity or ChiSquared; replaces constraints.json's global value.
 * - MPM_DATA_QUALITY_COLUMNS: names of positional columns (CSV cells, array values) in the order of SageMaker's
 *   row (predictions first with START), used where the baseline has no names; a JSON array or comma-separated.
 * - MPM_OUTPUT_COLUMNS_POSITION: START (default) or END, where prediction columns go among positional columns of
 *   captured records (dataset_format csv's own output_columns_position decides for CSV datasets).
 * - MPM_MAX_FEATURES: columns profiled at most (default 1000); values of further columns are counted.
 * analysis_type must also accept DATA_QUALITY (its rule in the table).
 */
import { z } from 'zod';
import { integer, oneOf, type Rule } from '../config/rules.ts';
import type { Command, SettingSpec } from '../config/settings.ts';
import type { OutputColumnsPosition } from './capture-rows.ts';
import { MAX_FEATURES } from './dataset-profile.ts';
import { parseCategoricalDriftMethod, type CategoricalDriftMethod } from './load-constraints.ts';

const BOTH = ['job', 'suggest-baseline'] as const satisfies readonly Command[];

function invalid(ctx: z.RefinementCtx<string>, expected: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message: `is not valid; expected ${expected}` });
  return z.NEVER;
}

/** A list of names: a JSON array of strings (or numbers), or comma-separated with spaces around items trimmed. */
export const nameList = (allowEmpty: boolean): Rule<string[]> =>
  z.string().transform((value, ctx) => {
    const text = value.trim();
    let names: string[] | undefined;
    if (text.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string' || typeof x === 'number')) names = parsed.map(String);
      } catch {
        names = undefined;
      }
    } else names = text === '' ? [] : text.split(',').map((s) => s.trim());
    if (names === undefined) return invalid(ctx, 'a JSON array of names, e.g. ["a","b"], or names separated by commas');
    if (!allowEmpty && names.some((n) => n === '')) return invalid(ctx, 'names separated by commas, none empty');
    return allowEmpty ? names.filter((n) => n !== '') : names;
  });

/** categorical_drift_method: LInfinity or ChiSquared, in any case. */
export const driftMethod = (): Rule<CategoricalDriftMethod> =>
  z.string().transform((value, ctx) => parseCategoricalDriftMethod(value.trim()) ?? invalid(ctx, 'LInfinity or ChiSquared'));

/** The entries for SETTING_TABLE. */
export const DATA_QUALITY_SETTINGS = [
  { env: 'exclude_features_attribute', flag: 'exclude-features-attribute', key: 'excludeFeatures', group: 'contract', commands: BOTH, rule: nameList(true), description: 'Data quality: column names or positions left out of the analysis, comma-separated (EndpointInput.ExcludeFeaturesAttribute)' },
  { env: 'categorical_drift_method', flag: 'categorical-drift-method', key: 'categoricalDriftMethod', group: 'contract', commands: BOTH, rule: driftMethod(), description: 'Data quality: LInfinity or ChiSquared for categorical drift; replaces the constraints file\'s global categorical_drift_method' },
  { env: 'MPM_DATA_QUALITY_COLUMNS', flag: 'data-quality-columns', key: 'dataQualityColumns', group: 'mpm', commands: BOTH, rule: nameList(false), description: 'Data quality: names of positional columns (CSV cells, array values) in row order, predictions first with START; a JSON array or comma-separated. The baseline\'s names win; else _c0, _c1...' },
  { env: 'MPM_OUTPUT_COLUMNS_POSITION', flag: 'output-columns-position', key: 'outputColumnsPosition', group: 'mpm', commands: BOTH, rule: oneOf(['START', 'END'] as const satisfies readonly OutputColumnsPosition[], true), default: 'START', description: 'Data quality: START or END, where prediction columns go among the positional columns of captured records' },
  { env: 'MPM_MAX_FEATURES', flag: 'max-features', key: 'maxFeatures', group: 'mpm', commands: BOTH, rule: integer('a whole number from 1 to 100000', 1, 100_000), default: String(MAX_FEATURES), description: 'Data quality: columns profiled at most; values of further columns are counted, not profiled' },
] as const satisfies readonly SettingSpec[];

export type DataQualitySettingName = (typeof DATA_QUALITY_SETTINGS)[number]['env'];

/** The data-quality options as the settings give them. */
export interface DataQualitySettings {
  excludeFeatures: string[];
  categoricalDriftMethod?: CategoricalDriftMethod;
  dataQualityColumns?: string[];
  outputColumnsPosition: OutputColumnsPosition;
  maxFeatures: number;
}
