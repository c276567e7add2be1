/**
 * @module Resolves every setting (flag, then process environment, then processingjobconfig.json "Environment",
 * then the documented default) and validates it all before the first record is read. Every problem found is
 * reported at once, each naming the variable, the bad value and what was expected.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ConfigError, showValue } from '../errors.ts';
import { PROBLEM_TYPES, type ProblemType } from '../metrics/types.ts';
import { parseDatasetFormat, type DatasetFormat } from './dataset-format.ts';
import { SETTINGS, type SettingName } from './settings.ts';
import { readJobConfigEnvironment } from './job-config-environment.ts';
import { MAX_STRING_BYTES } from '../ingest/read-limits.ts';
import { parseContractTime } from './time.ts';

export type SettingSource = 'flag' | 'environment' | 'job-config' | 'default' | 'unset';

export type GroundTruthFormat = 'auto' | 'records' | 'sagemaker' | 'csv' | 'parquet';

export interface MonitorConfig {
  datasetFormat: DatasetFormat;
  datasetSource: string;
  outputPath: string;
  publishCloudWatchMetrics: boolean;
  endpointName?: string;
  scheduleName?: string;
  datacapturePrefix?: string;
  /** Window [start, end) in epoch ms; either side may be open. */
  window: { start?: number; end?: number };
  metricTime?: number;
  baselineConstraints?: string;
  baselineStatistics?: string;
  problemType: ProblemType;
  inferenceAttribute?: string;
  probabilityAttribute?: string;
  /** Tabular datasets: the label column. */
  groundTruthAttribute?: string;
  /** Tabular datasets: the inference id column. */
  inferenceIdAttribute?: string;
  probabilityThreshold?: number;
  positiveLabel: string;
  /** Binary: what a response score means. */
  binaryScore: 'positive' | 'predicted';
  groundTruth: {
    location: string;
    /** Which variable named the location. */
    variable: 'ground_truth_s3_uri_path' | 'ground_truth_source';
    format: GroundTruthFormat;
    idField: string;
    indexField: string;
    labelField: string;
    lookaheadHours: number;
  };
  maxInputErrorRate: number;
  minJoinedRecords: number;
  onInsufficientData: 'violation' | 'fail';
  seed: number;
  /** Records needed for a numeric standard_deviation. */
  minRecordsForStd: number;
  samplesPerReason: number;
  /** Worker threads reading capture files (1: the main thread reads them). */
  workers: number;
  /** Whether endpointInput is decoded to check that request and response counts agree. */
  checkRequestCount: boolean;
  /** The longest line read, in bytes; a longer one is an input error. */
  maxLineBytes: number;
  /** The largest file read whole (a JSON-array ground-truth file, Parquet), in bytes. */
  maxFileBytes: number;
  /** How many times its compressed size a .gz file may decompress to. */
  maxGzipRatio: number;
  logLevel: string;
  cloudwatch: { putMetricData: boolean; namespace?: string; endpointUrl?: string };
  s3EndpointUrl?: string;
  paths: { jobConfigFile: string; messageFile: string; cloudwatchDir: string };
  createViolationTests: boolean;
  /** Where each setting's value came from (for the run report). */
  sources: Record<string, SettingSource>;
  /** The resolved string of every setting that has a value (after precedence and defaults). */
  resolved: Partial<Record<SettingName, string>>;
}

export interface ConfigInputs {
  /** Flag values by setting env name (only those given on the command line). */
  flags: Partial<Record<SettingName, string>>;
  env: NodeJS.ProcessEnv;
  createViolationTests?: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Resolves and validates the whole configuration. Throws one ConfigError listing every problem. */
export function loadConfig(inputs: ConfigInputs): MonitorConfig {
  const problems: string[] = [];
  const sources: Record<string, SettingSource> = {};

  const jobFileFlag = inputs.flags.MPM_JOB_CONFIG_FILE ?? inputs.env.MPM_JOB_CONFIG_FILE;
  const jobFile = jobFileFlag ?? '/opt/ml/config/processingjobconfig.json';
  const jobEnv = readJobConfigEnvironment(jobFile, jobFileFlag !== undefined, problems, new Set(SETTINGS.map((s) => s.env)));

  const resolve = (name: SettingName): string | undefined => {
    const spec = SETTINGS.find((s) => s.env === name)!;
    const fromFlag = inputs.flags[name];
    if (fromFlag !== undefined) return ((sources[name] = 'flag'), fromFlag);
    const fromEnv = inputs.env[name];
    if (fromEnv !== undefined && fromEnv !== '') return ((sources[name] = 'environment'), fromEnv);
    const fromJob = jobEnv[name];
    if (fromJob !== undefined && fromJob !== '') return ((sources[name] = 'job-config'), fromJob);
    const fallback = (spec as { default?: string }).default;
    sources[name] = fallback === undefined ? 'unset' : 'default';
    return fallback;
  };
  const resolved: Partial<Record<SettingName, string>> = {};
  for (const spec of SETTINGS) {
    const value = resolve(spec.env);
    if (value !== undefined) resolved[spec.env] = value;
  }
  const raw = (name: SettingName): string | undefined => resolved[name];
  const given = (name: SettingName): boolean => sources[name] !== 'default' && sources[name] !== 'unset';

  const oneOf = <T extends string>(name: SettingName, choices: readonly T[], ci = false): T => {
    const value = raw(name)!;
    const hit = choices.find((c) => (ci ? c.toLowerCase() === value.toLowerCase() : c === value));
    if (hit === undefined) problems.push(`config: ${name} ${showValue(value)} is not valid; expected one of ${choices.join(', ')}`);
    return hit ?? choices[0]!;
  };
  const number = (name: SettingName, what: string, ok: (n: number) => boolean): number => {
    const value = raw(name)!;
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n) || !ok(n)) {
      problems.push(`config: ${name} ${showValue(value)} is not valid; expected ${what}`);
      return NaN;
    }
    return n;
  };
  const time = (name: SettingName): number | undefined => {
    const value = raw(name);
    if (value === undefined) return undefined;
    const ms = parseContractTime(value);
    if (ms === undefined) problems.push(`config: ${name} ${showValue(value)} is not valid; expected an ISO-8601 UTC time YYYY-MM-DDTHH:MM:SSZ, e.g. 2024-05-06T22:00:00Z`);
    return ms;
  };
  const optional = (name: SettingName): string | undefined => {
    const value = raw(name);
    return value === undefined || value.trim() === '' ? undefined : value;
  };

  let datasetFormat: DatasetFormat = { kind: 'sagemakerCaptureJson', captureIndexNames: ['endpointInput', 'endpointOutput'] };
  try {
    datasetFormat = parseDatasetFormat(raw('dataset_format')!);
  } catch (error) {
    problems.push((error as Error).message);
  }

  const enabled = (name: SettingName): boolean => oneOf(name, ['Enabled', 'Disabled'] as const, true) === 'Enabled';

  let start = time('start_time');
  let end = time('end_time');
  const scheduled = time('MPM_SCHEDULED_TIME');
  if (scheduled !== undefined && start === undefined && end === undefined) {
    // A scheduler fires just after the hour it should judge: the window is the last full hour before it.
    end = Math.floor(scheduled / 3_600_000) * 3_600_000;
    start = end - 3_600_000;
  }
  if (start !== undefined && end !== undefined && !(start < end)) {
    problems.push(`config: start_time ${showValue(raw('start_time'))} is not before end_time ${showValue(raw('end_time'))}; expected start_time < end_time`);
  }
  const metricTime = time('metric_time') ?? (scheduled !== undefined ? start : undefined);

  const analysisType = raw('analysis_type')!;
  if (analysisType !== 'MODEL_QUALITY') {
    problems.push(`config: analysis_type ${showValue(analysisType)} is not supported; expected MODEL_QUALITY (mpm judges model quality only; use SageMaker's built-in container for ${analysisType})`);
  }
  const problemType = oneOf('problem_type', PROBLEM_TYPES);

  let probabilityThreshold: number | undefined;
  if (optional('probability_threshold_attribute') !== undefined) {
    probabilityThreshold = number('probability_threshold_attribute', 'a number between 0 and 1, e.g. 0.5', (n) => n >= 0 && n <= 1);
  }

  for (const name of ['record_preprocessor_script', 'post_analytics_processor_script'] as const) {
    const value = optional(name);
    if (value !== undefined) {
      problems.push(`config: ${name} ${showValue(value)} is not supported; expected it unset (mpm does not run Python scripts of the built-in container: multi-record payloads are exploded natively)`);
    }
  }

  let baselineConstraints = optional('baseline_constraints');
  if (baselineConstraints !== undefined && !baselineConstraints.startsWith('s3://') && !existsSync(baselineConstraints)) {
    if (given('baseline_constraints')) {
      problems.push(`config: baseline_constraints ${showValue(baselineConstraints)} does not exist; expected the path of a constraints.json file`);
    } else {
      baselineConstraints = undefined; // the default path is used only when it exists
      sources.baseline_constraints = 'unset';
    }
  }
  const baselineStatistics = optional('baseline_statistics');
  if (baselineStatistics !== undefined && !baselineStatistics.startsWith('s3://') && !existsSync(baselineStatistics)) {
    problems.push(`config: baseline_statistics ${showValue(baselineStatistics)} does not exist; expected the path of a statistics.json file`);
  }

  const s3Uri = optional('ground_truth_s3_uri_path');
  const gtLocation = s3Uri ?? raw('ground_truth_source')!;

  const positiveLabel = raw('positive_label')!.trim();
  if (positiveLabel === '') problems.push('config: positive_label "" is not valid; expected a label such as 1 or true');

  const logLevel = raw('MPM_LOG_LEVEL')!;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`config: MPM_LOG_LEVEL ${showValue(logLevel)} is not valid; expected one of ${LOG_LEVELS.join(', ')}`);

  const config: MonitorConfig = {
    datasetFormat,
    datasetSource: raw('dataset_source')!,
    outputPath: raw('output_path')!,
    publishCloudWatchMetrics: enabled('publish_cloudwatch_metrics'),
    endpointName: optional('sagemaker_endpoint_name'),
    scheduleName: optional('sagemaker_monitoring_schedule_name'),
    datacapturePrefix: optional('sagemaker_endpoint_datacapture_prefix'),
    window: { start, end },
    metricTime,
    baselineConstraints,
    baselineStatistics,
    problemType,
    inferenceAttribute: optional('inference_attribute'),
    probabilityAttribute: optional('probability_attribute'),
    groundTruthAttribute: optional('ground_truth_attribute'),
    inferenceIdAttribute: optional('MPM_INFERENCE_ID_ATTRIBUTE'),
    probabilityThreshold,
    positiveLabel,
    binaryScore: oneOf('MPM_BINARY_SCORE', ['positive', 'predicted'] as const),
    groundTruth: {
      location: gtLocation,
      variable: s3Uri !== undefined ? 'ground_truth_s3_uri_path' : 'ground_truth_source',
      format: oneOf('MPM_GROUND_TRUTH_FORMAT', ['auto', 'records', 'sagemaker', 'csv', 'parquet'] as const),
      idField: raw('MPM_GROUND_TRUTH_ID_FIELD')!,
      indexField: raw('MPM_GROUND_TRUTH_INDEX_FIELD')!,
      labelField: raw('MPM_GROUND_TRUTH_LABEL_FIELD')!,
      lookaheadHours: number('MPM_GROUND_TRUTH_LOOKAHEAD_HOURS', 'a whole number of hours >= 0, e.g. 24', (n) => Number.isInteger(n) && n >= 0),
    },
    maxInputErrorRate: number('MPM_MAX_INPUT_ERROR_RATE', 'a share between 0 and 1, e.g. 0.05', (n) => n >= 0 && n <= 1),
    minJoinedRecords: number('MPM_MIN_JOINED_RECORDS', 'a whole number >= 0, e.g. 1', (n) => Number.isInteger(n) && n >= 0),
    onInsufficientData: oneOf('MPM_ON_INSUFFICIENT_DATA', ['violation', 'fail'] as const),
    seed: number('MPM_SEED', 'a whole number between 0 and 4294967295', (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff),
    minRecordsForStd: number('MPM_MIN_RECORDS_FOR_STD', 'a whole number >= 2, e.g. 200', (n) => Number.isInteger(n) && n >= 2),
    workers: raw('MPM_WORKERS')!.trim().toLowerCase() === 'auto' ? availableParallelism() : number('MPM_WORKERS', 'a whole number between 1 and 256, or auto', (n) => Number.isInteger(n) && n >= 1 && n <= 256),
    checkRequestCount: enabled('MPM_CHECK_REQUEST_COUNT'),
    maxLineBytes: number('MPM_MAX_LINE_BYTES', `a whole number of bytes between 1024 and ${MAX_STRING_BYTES}, e.g. 67108864 (64 MiB)`, (n) => Number.isInteger(n) && n >= 1024 && n <= MAX_STRING_BYTES),
    maxFileBytes: number('MPM_MAX_FILE_BYTES', `a whole number of bytes between 1024 and ${MAX_STRING_BYTES}, e.g. 268435456 (256 MiB)`, (n) => Number.isInteger(n) && n >= 1024 && n <= MAX_STRING_BYTES),
    maxGzipRatio: number('MPM_MAX_GZIP_RATIO', 'a number >= 2, e.g. 200', (n) => n >= 2),
    samplesPerReason: number('MPM_SAMPLES_PER_REASON', 'a whole number between 0 and 1000', (n) => Number.isInteger(n) && n >= 0 && n <= 1000),
    logLevel,
    cloudwatch: {
      putMetricData: enabled('MPM_CLOUDWATCH_PUT_METRIC_DATA'),
      namespace: optional('MPM_CLOUDWATCH_NAMESPACE'),
      endpointUrl: optional('AWS_ENDPOINT_URL_CLOUDWATCH'),
    },
    s3EndpointUrl: optional('AWS_ENDPOINT_URL_S3'),
    paths: {
      jobConfigFile: jobFile,
      messageFile: raw('MPM_MESSAGE_FILE')!,
      cloudwatchDir: raw('CLOUDWATCH_METRICS_DIRECTORY')!,
    },
    createViolationTests: inputs.createViolationTests ?? false,
    sources,
    resolved,
  };
  sources.MPM_JOB_CONFIG_FILE = jobFileFlag !== undefined ? (inputs.flags.MPM_JOB_CONFIG_FILE !== undefined ? 'flag' : 'environment') : 'default';

  if (problems.length > 0) {
    throw new ConfigError(problems.length === 1 ? problems[0]! : `${problems.length} configuration problems:\n- ${problems.join('\n- ')}`);
  }
  return config;
}
