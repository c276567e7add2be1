/**
 * @module Resolves every setting of the table (flag, then process environment, then processingjobconfig.json
 * "Environment", then the documented default), runs each one's rule, and derives the few values that depend on
 * several settings (the window, the ground-truth location). Every problem is reported at once, each naming the
 * variable, the bad value and what was expected. The config type comes from the table.
 */
import { existsSync } from 'node:fs';
import { ConfigError, showValue } from '../errors.ts';
import type { Rule } from './rules.ts';
import { Refusal } from './rules.ts';
import { SETTING_TABLE, type SettingEntry, type SettingName } from './settings.ts';
// Issue 14: strings only in "Environment", read with a size cap and never through a FIFO or device.
import { misspelledVariables } from './misspelled-variables.ts';
import { readJobConfigEnvironment } from './job-config-environment.ts';
import { inferredAnalysisType } from './infer-analysis-type.ts';

/** Where a setting's value came from; 'baseline': analysis_type unset, read from the baseline files' kind. */
export type SettingSource = 'flag' | 'environment' | 'job-config' | 'default' | 'unset' | 'baseline';

type ValueOf<S> = S extends { rule: Rule<infer V> } ? (S extends { default: string } ? V : V | undefined) : never;
type TopLevel = { [S in SettingEntry as S extends { section: string } ? never : S['key']]: ValueOf<S> };
type Section<Name extends string> = { [S in SettingEntry as S extends { section: Name } ? S['key'] : never]: ValueOf<S> };

/** The settings' values, typed by their rules, with sections as nested objects. */
export type SettingValues = TopLevel & {
  window: Section<'window'>;
  groundTruth: Section<'groundTruth'>;
  cloudwatch: Section<'cloudwatch'>;
  paths: Section<'paths'>;
  suggest: Section<'suggest'>;
};

/** The resolved configuration: the settings' values plus what is derived from several of them. */
export type MonitorConfig = Omit<SettingValues, 'createViolationTests' | 'groundTruth' | 'baselineConstraints' | 'baselineStatistics'> & {
  /** The constraints file; the default path only when it exists. */
  baselineConstraints: string | undefined;
  /** The baseline statistics file; the default path only when it exists. */
  baselineStatistics: string | undefined;
  /** Window [start, end) in epoch ms; either side may be open (MPM_SCHEDULED_TIME makes it the hour before). */
  window: { start?: number; end?: number };
  groundTruth: Section<'groundTruth'> & {
    location: string;
    /** Which variable named the location. */
    variable: 'ground_truth_s3_uri_path' | 'ground_truth_source';
  };
  createViolationTests: boolean;
  /** Where each setting's value came from (for the run report), in the order they were read. */
  sources: Record<string, SettingSource>;
  /** The resolved string of every setting that has a value (after precedence and defaults). */
  resolved: Partial<Record<SettingName, string>>;
  /** What the settings may not mean as written (a misspelled variable, a conflicting window): the commands log them. */
  warnings: string[];
};

/** A flag's value by the setting's variable name, or by its flag for command-line-only settings (e.g. "k"). */
export type FlagValues = Partial<Record<SettingName | Extract<SettingEntry, { switch: true } | { section: 'suggest' }>['flag'], string>>;

export interface ConfigInputs {
  flags: FlagValues;
  env: NodeJS.ProcessEnv;
  createViolationTests?: boolean;
}

const JOB_CONFIG_FILE = '/opt/ml/config/processingjobconfig.json';

/** How a setting is named in messages: its variable, or its flag when it has none. */
function nameOf(spec: SettingEntry): string {
  return 'env' in spec ? spec.env : `--${spec.flag}`;
}

/** A value as a message shows it: quoted for a variable, as typed for a command-line option. */
function shown(spec: SettingEntry, text: string): string {
  return 'env' in spec ? showValue(text) : text;
}

/** Where the settings' text comes from, in precedence order; records each setting's source. */
function resolver(inputs: ConfigInputs, jobEnv: Record<string, string>, sources: Record<string, SettingSource>) {
  return (spec: SettingEntry): string | undefined => {
    const env = 'env' in spec ? spec.env : undefined;
    const flagKey = (env ?? spec.flag) as keyof FlagValues;
    const fromFlag = inputs.flags[flagKey] ?? (spec.flag === 'create-violation-tests' && inputs.createViolationTests ? 'true' : undefined);
    const record = (source: SettingSource): void => {
      if (env !== undefined) sources[env] = source;
    };
    if (fromFlag !== undefined) return (record('flag'), fromFlag);
    if (env !== undefined) {
      const fromEnv = inputs.env[env];
      // Blank (empty or only spaces) is unset: the job config or the default applies.
      if (fromEnv !== undefined && fromEnv.trim() !== '') return (record('environment'), fromEnv);
      const fromJob = jobEnv[env];
      if (fromJob !== undefined && fromJob.trim() !== '') return (record('job-config'), fromJob);
    }
    const fallback = 'default' in spec ? spec.default : undefined;
    record(fallback === undefined ? 'unset' : 'default');
    return fallback;
  };
}

/** Sets `value` at the setting's key (inside its section). */
function place(target: Record<string, unknown>, spec: SettingEntry, value: unknown): void {
  const section = 'section' in spec ? spec.section : undefined;
  if (section === undefined) target[spec.key] = value;
  else ((target[section] ??= {}) as Record<string, unknown>)[spec.key] = value;
}

/** Runs every setting's rule; problems are collected in table order. */
function applyRules(read: (spec: SettingEntry) => string | undefined, problems: string[], resolved: Record<string, string>): Record<string, unknown> {
  const values: Record<string, unknown> = { window: {}, groundTruth: {}, cloudwatch: {}, paths: {}, suggest: {} };
  for (const spec of SETTING_TABLE) {
    const text = read(spec);
    if (text !== undefined && 'env' in spec) resolved[spec.env] = text;
    // An optional setting given as blank is unset.
    if (text === undefined || (!('default' in spec) && text.trim() === '')) {
      place(values, spec, undefined);
      continue;
    }
    // A rule refuses with a Refusal; one that throws is a bug, not a refusal.
    const parsed = (spec.rule as Rule<unknown>)(text);
    if (!(parsed instanceof Refusal)) {
      place(values, spec, parsed);
      continue;
    }
    const { message, whole, shown: value } = parsed;
    problems.push(whole ? message : `config: ${nameOf(spec)} ${value !== undefined ? showValue(value) : shown(spec, text)} ${message}`);
    place(values, spec, undefined);
  }
  return values;
}

/** The values that depend on several settings, and the checks across settings. */
function derive(
  values: SettingValues,
  sources: Record<string, SettingSource>,
  resolved: Record<string, string>,
  problems: string[],
  warnings: string[],
): Pick<MonitorConfig, 'window' | 'groundTruth' | 'metricTime' | 'baselineConstraints' | 'baselineStatistics'> {
  let { start, end } = values.window;
  const scheduled = values.scheduledTime;
  if (scheduled !== undefined && start === undefined && end === undefined) {
    // A scheduler fires just after the hour it should judge: the window is the last full hour before it.
    end = Math.floor(scheduled / 3_600_000) * 3_600_000;
    start = end - 3_600_000;
  } else if (scheduled !== undefined) {
    warnings.push(`MPM_SCHEDULED_TIME ${showValue(resolved.MPM_SCHEDULED_TIME)} is ignored: start_time/end_time set the window`);
  }
  if ((start === undefined) !== (end === undefined)) {
    warnings.push(start === undefined ? `only end_time is set: the window holds every record before ${showValue(resolved.end_time)}` : `only start_time is set: the window holds every record from ${showValue(resolved.start_time)} on`);
  }
  if (start !== undefined && end !== undefined && !(start < end)) {
    problems.push(`config: start_time ${showValue(resolved.start_time)} is not before end_time ${showValue(resolved.end_time)}; expected start_time < end_time`);
  }
  let baselineConstraints: string | undefined = values.baselineConstraints;
  if (baselineConstraints !== undefined && !baselineConstraints.startsWith('s3://') && !existsSync(baselineConstraints)) {
    if (sources.baseline_constraints !== 'default') {
      problems.push(`config: baseline_constraints ${showValue(baselineConstraints)} does not exist; expected the path of a constraints.json file`);
    } else {
      baselineConstraints = undefined; // the default path is used only when it exists
      sources.baseline_constraints = 'unset';
    }
  }
  let baselineStatistics: string | undefined = values.baselineStatistics;
  if (baselineStatistics !== undefined && !baselineStatistics.startsWith('s3://') && !existsSync(baselineStatistics)) {
    if (sources.baseline_statistics !== 'default') {
      problems.push(`config: baseline_statistics ${showValue(baselineStatistics)} does not exist; expected the path of a statistics.json file`);
    } else {
      baselineStatistics = undefined; // the default path is used only when it exists
      sources.baseline_statistics = 'unset';
    }
  }
  const s3UriPath = values.groundTruth.s3UriPath;
  // The seed's variable wins; the other is then not read at all.
  if (s3UriPath !== undefined) delete sources.ground_truth_source;
  return {
    window: { start, end },
    metricTime: values.metricTime ?? (scheduled !== undefined ? start : undefined),
    baselineConstraints,
    baselineStatistics,
    groundTruth: {
      ...values.groundTruth,
      location: s3UriPath ?? values.groundTruth.source,
      variable: s3UriPath !== undefined ? 'ground_truth_s3_uri_path' : 'ground_truth_source',
    },
  };
}

/** The ConfigError of loadConfig, with output_path when that setting was valid. */
export class InvalidConfiguration extends ConfigError {
  constructor(
    message: string,
    /** The output folder, and the input files that may lie in it (never removed). */
    readonly output?: { outputPath: string; inputs: Array<string | undefined> },
  ) {
    super(message);
  }
}

/** Resolves and validates the whole configuration. Throws one InvalidConfiguration listing every problem. */
export function loadConfig(inputs: ConfigInputs): MonitorConfig {
  const problems: string[] = [];
  const sources: Record<string, SettingSource> = {};
  // A blank MPM_JOB_CONFIG_FILE is unset, like every other optional setting: the default path, read when it exists.
  const given = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value);
  const jobFileGiven = given(inputs.flags.MPM_JOB_CONFIG_FILE) ?? given(inputs.env.MPM_JOB_CONFIG_FILE);
  const variables = new Set(SETTING_TABLE.flatMap((s) => ('env' in s ? [s.env] : [])));
  const jobEnv = readJobConfigEnvironment(jobFileGiven ?? JOB_CONFIG_FILE, jobFileGiven !== undefined, problems, variables);
  const resolved: Record<string, string> = {};
  const values = applyRules(resolver(inputs, jobEnv, sources), problems, resolved) as SettingValues;
  const warnings: string[] = [];
  const derived = derive(values, sources, resolved, problems, warnings);
  if (sources.analysis_type === 'default') {
    // SageMaker's data-quality jobs pass no analysis_type: a data-quality baseline they name says what the run is (a
    // file found only at the default path does not: a pipeline may have left it there, read-baseline-metrics.ts).
    const named = (file: string | undefined, variable: string): string | undefined => (sources[variable] === 'default' ? undefined : file);
    const inferred = inferredAnalysisType({ constraints: named(derived.baselineConstraints, 'baseline_constraints'), statistics: named(derived.baselineStatistics, 'baseline_statistics') });
    if (inferred !== undefined) {
      values.analysisType = inferred.analysisType;
      sources.analysis_type = 'baseline';
      resolved.analysis_type = inferred.analysisType;
      warnings.push(`analysis_type is not set: running ${inferred.analysisType}, because ${inferred.because} (set analysis_type to choose)`);
    }
  }
  if (problems.length > 0) {
    const message = problems.length === 1 ? problems[0]! : `${problems.length} configuration problems:\n- ${problems.join('\n- ')}`;
    // output_path itself valid: the job command clears an earlier run's results from it, as a later failure does.
    const output = values.outputPath === undefined ? undefined : { outputPath: values.outputPath, inputs: [resolved.baseline_constraints, resolved.baseline_statistics] };
    throw new InvalidConfiguration(message, output);
  }
  const misspelled = misspelledVariables(
    [
      { where: 'environment', names: Object.keys(inputs.env) },
      { where: 'processingjobconfig.json "Environment"', names: Object.keys(jobEnv) },
    ],
    [...variables],
  );
  return { ...values, ...derived, createViolationTests: values.createViolationTests ?? false, sources, resolved, warnings: [...warnings, ...misspelled] };
}
