/**
 * @module Configuration: precedence (flag > environment > processingjobconfig.json "Environment" > default), the
 * contract's formats, and the exact text of every configuration error (variable, value, what was expected).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { loadConfig, type ConfigInputs } from './load-config.ts';
import { parseDatasetFormat } from './dataset-format.ts';
import type { SettingName } from './settings.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mpm-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const EMPTY_JOB = file('empty-job.json', '{}');

function load(env: Record<string, string> = {}, flags: Partial<Record<SettingName, string>> = {}, extra: Partial<ConfigInputs> = {}) {
  return loadConfig({ flags: { MPM_JOB_CONFIG_FILE: EMPTY_JOB, ...flags }, env, ...extra });
}

/** The message of the ConfigError that loading throws. */
function errorOf(env: Record<string, string>, flags: Partial<Record<SettingName, string>> = {}): string {
  try {
    load(env, flags);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig precedence', () => {
  const job = file(
    'job.json',
    JSON.stringify({
      ProcessingJobName: 'model-quality-monitoring-202405062300-abc',
      Environment: { sagemaker_endpoint_name: 'job', sagemaker_monitoring_schedule_name: 'job', problem_type: 'Regression', start_time: '2024-05-06T22:00:00Z', MPM_SEED: '7' },
    }),
  );

  it('takes a flag over the environment, the environment over the job config, the job config over the default', () => {
    const config = load(
      { sagemaker_endpoint_name: 'env', sagemaker_monitoring_schedule_name: 'env' },
      { MPM_JOB_CONFIG_FILE: job, sagemaker_monitoring_schedule_name: 'flag' },
    );
    expect(config.scheduleName).toBe('flag');
    expect(config.endpointName).toBe('env');
    expect(config.problemType).toBe('Regression');
    expect(config.window.start).toBe(Date.UTC(2024, 4, 6, 22));
    expect(config.seed).toBe(7);
    expect(config.maxInputErrorRate).toBe(0.05);
    expect(config.sources).toMatchObject({
      sagemaker_monitoring_schedule_name: 'flag',
      sagemaker_endpoint_name: 'environment',
      problem_type: 'job-config',
      MPM_SEED: 'job-config',
      MPM_MAX_INPUT_ERROR_RATE: 'default',
      MPM_JOB_CONFIG_FILE: 'flag',
    });
  });

  it('treats an empty environment variable as unset, so the job config still applies', () => {
    expect(load({ problem_type: '' }, { MPM_JOB_CONFIG_FILE: job }).problemType).toBe('Regression');
  });

  it('reads the job config file named by MPM_JOB_CONFIG_FILE in the environment', () => {
    const config = loadConfig({ flags: {}, env: { MPM_JOB_CONFIG_FILE: job } });
    expect(config.endpointName).toBe('job');
    expect(config.sources.MPM_JOB_CONFIG_FILE).toBe('environment');
  });

  it('uses the documented defaults when nothing is set', () => {
    const config = load();
    expect(config).toMatchObject({
      datasetSource: '/opt/ml/processing/input/endpoint',
      outputPath: '/opt/ml/processing/output',
      problemType: 'MulticlassClassification',
      publishCloudWatchMetrics: false,
      positiveLabel: '1',
      window: { start: undefined, end: undefined },
      groundTruth: { location: '/opt/ml/processing/groundtruth', variable: 'ground_truth_source', format: 'auto', lookaheadHours: 24 },
      minJoinedRecords: 1,
      onInsufficientData: 'violation',
      paths: { messageFile: '/opt/ml/output/message', cloudwatchDir: '/opt/ml/output/metrics/cloudwatch' },
    });
    // The default constraints path is used only when it exists.
    expect(config.baselineConstraints).toBeUndefined();
  });

  it("takes the seed's ground_truth_s3_uri_path over ground_truth_source", () => {
    const config = load({ ground_truth_s3_uri_path: 's3://bucket/gt', ground_truth_source: '/opt/ml/processing/groundtruth' });
    expect(config.groundTruth).toMatchObject({ location: 's3://bucket/gt', variable: 'ground_truth_s3_uri_path' });
  });

  it("reads the documentation's timestamps with spaces after the colons, and Enabled in any case", () => {
    const config = load({ start_time: '2019-12-01T15: 20: 00Z', end_time: '2019-12-01T16: 20: 00Z', publish_cloudwatch_metrics: 'enabled' });
    expect(config.window).toEqual({ start: Date.UTC(2019, 11, 1, 15, 20), end: Date.UTC(2019, 11, 1, 16, 20) });
    expect(config.publishCloudWatchMetrics).toBe(true);
  });

  it('reads the data-quality settings: exclusions, the drift method, column names, the output position, the feature cap', () => {
    const config = load({
      analysis_type: 'DATA_QUALITY',
      exclude_features_attribute: 'id, 3,',
      categorical_drift_method: 'chisquared',
      MPM_DATA_QUALITY_COLUMNS: '["label","a,b"]',
      MPM_OUTPUT_COLUMNS_POSITION: 'end',
      MPM_MAX_FEATURES: '50',
    });
    expect(config.analysisType).toBe('DATA_QUALITY');
    expect(config.excludeFeatures).toEqual(['id', '3']);
    expect(config.categoricalDriftMethod).toBe('ChiSquared');
    expect(config.dataQualityColumns).toEqual(['label', 'a,b']);
    expect(config.outputColumnsPosition).toBe('END');
    expect(config.maxFeatures).toBe(50);
    expect(load({ MPM_DATA_QUALITY_COLUMNS: 'label, f1' }).dataQualityColumns).toEqual(['label', 'f1']);
    // The default baseline_statistics path is used only when it exists.
    expect(load({}).baselineStatistics).toBeUndefined();
  });

  it('carries --create-violation-tests', () => {
    expect(load({}, {}, { createViolationTests: true }).createViolationTests).toBe(true);
  });
});

describe('loadConfig errors name the variable, the value and what was expected', () => {
  const ISO = 'expected an ISO-8601 UTC time YYYY-MM-DDTHH:MM:SSZ, e.g. 2024-05-06T22:00:00Z';
  const cases: Array<[string, Record<string, string>, string]> = [
    ['start_time in another format (the seed failure)', { start_time: '2024-05-06 22:00:00' }, `config: start_time "2024-05-06 22:00:00" is not valid; ${ISO}`],
    ['start_time with an offset instead of Z', { start_time: '2024-05-06T22:00:00+00:00' }, `config: start_time "2024-05-06T22:00:00+00:00" is not valid; ${ISO}`],
    ['an impossible end_time', { end_time: '2024-02-30T00:00:00Z' }, `config: end_time "2024-02-30T00:00:00Z" is not valid; ${ISO}`],
    ['metric_time', { metric_time: 'now' }, `config: metric_time "now" is not valid; ${ISO}`],
    [
      'start_time not before end_time',
      { start_time: '2024-05-06T23:00:00Z', end_time: '2024-05-06T22:00:00Z' },
      'config: start_time "2024-05-06T23:00:00Z" is not before end_time "2024-05-06T22:00:00Z"; expected start_time < end_time',
    ],
    ['problem_type', { problem_type: 'Multiclass' }, 'config: problem_type "Multiclass" is not valid; expected one of BinaryClassification, MulticlassClassification, Regression'],
    [
      'analysis_type MODEL_BIAS',
      { analysis_type: 'MODEL_BIAS' },
      'config: analysis_type "MODEL_BIAS" is not supported; expected MODEL_QUALITY or DATA_QUALITY (mpm judges model quality and data quality; use SageMaker Clarify for MODEL_BIAS)',
    ],
    ['categorical_drift_method', { categorical_drift_method: 'KL' }, 'config: categorical_drift_method "KL" is not valid; expected LInfinity or ChiSquared'],
    [
      'MPM_DATA_QUALITY_COLUMNS not a JSON array',
      { MPM_DATA_QUALITY_COLUMNS: '[1,' },
      'config: MPM_DATA_QUALITY_COLUMNS "[1," is not valid; expected a JSON array of names, e.g. ["a","b"], or names separated by commas',
    ],
    ['MPM_DATA_QUALITY_COLUMNS with an empty name', { MPM_DATA_QUALITY_COLUMNS: 'a,,b' }, 'config: MPM_DATA_QUALITY_COLUMNS "a,,b" is not valid; expected names separated by commas, none empty'],
    ['MPM_OUTPUT_COLUMNS_POSITION', { MPM_OUTPUT_COLUMNS_POSITION: 'MIDDLE' }, 'config: MPM_OUTPUT_COLUMNS_POSITION "MIDDLE" is not valid; expected one of START, END'],
    ['MPM_MAX_FEATURES', { MPM_MAX_FEATURES: '0' }, 'config: MPM_MAX_FEATURES "0" is not valid; expected a whole number from 1 to 100000'],
    [
      'dataset_format that is not JSON',
      { dataset_format: '{"sagemakerCaptureJson":' },
      'config: dataset_format "{\\"sagemakerCaptureJson\\":" is not valid JSON; expected a JSON object with one key: sagemakerCaptureJson, sagemakerMergeJson, csv, json or parquet, e.g. {"sagemakerCaptureJson":{"captureIndexNames":["endpointInput","endpointOutput"]}}',
    ],
    ['MPM_MAX_INPUT_ERROR_RATE above 1', { MPM_MAX_INPUT_ERROR_RATE: '1.5' }, 'config: MPM_MAX_INPUT_ERROR_RATE "1.5" is not valid; expected a share between 0 and 1, e.g. 0.05'],
    ['MPM_MAX_INPUT_ERROR_RATE not a number', { MPM_MAX_INPUT_ERROR_RATE: 'five percent' }, 'config: MPM_MAX_INPUT_ERROR_RATE "five percent" is not valid; expected a share between 0 and 1, e.g. 0.05'],
    // Number() reads 0x1 as 1, which would turn the error limit off.
    ['MPM_MAX_INPUT_ERROR_RATE in hex', { MPM_MAX_INPUT_ERROR_RATE: '0x1' }, 'config: MPM_MAX_INPUT_ERROR_RATE "0x1" is not valid; expected a share between 0 and 1, e.g. 0.05'],
    ['MPM_WORKERS in binary', { MPM_WORKERS: '0b10' }, 'config: MPM_WORKERS "0b10" is not valid; expected a whole number between 1 and 256, or auto'],
    ['a negative lookahead', { MPM_GROUND_TRUTH_LOOKAHEAD_HOURS: '-1' }, 'config: MPM_GROUND_TRUTH_LOOKAHEAD_HOURS "-1" is not valid; expected a whole number of hours from 0 to 876000 (100 years), e.g. 24'],
    // 2.5e9 hours after end_time is past the last date JavaScript can hold: it crashed with "Invalid time value".
    ['a lookahead past any date', { MPM_GROUND_TRUTH_LOOKAHEAD_HOURS: '2500000000' }, 'config: MPM_GROUND_TRUTH_LOOKAHEAD_HOURS "2500000000" is not valid; expected a whole number of hours from 0 to 876000 (100 years), e.g. 24'],
    ['a fractional lookahead', { MPM_GROUND_TRUTH_LOOKAHEAD_HOURS: '1.5' }, 'config: MPM_GROUND_TRUTH_LOOKAHEAD_HOURS "1.5" is not valid; expected a whole number of hours from 0 to 876000 (100 years), e.g. 24'],
    ['MPM_MIN_JOINED_RECORDS', { MPM_MIN_JOINED_RECORDS: '-3' }, 'config: MPM_MIN_JOINED_RECORDS "-3" is not valid; expected a whole number >= 0, e.g. 1'],
    ['MPM_ON_INSUFFICIENT_DATA', { MPM_ON_INSUFFICIENT_DATA: 'ignore' }, 'config: MPM_ON_INSUFFICIENT_DATA "ignore" is not valid; expected one of violation, fail'],
    ['MPM_SEED', { MPM_SEED: '4294967296' }, 'config: MPM_SEED "4294967296" is not valid; expected a whole number between 0 and 4294967295'],
    ['MPM_SAMPLES_PER_REASON', { MPM_SAMPLES_PER_REASON: '1001' }, 'config: MPM_SAMPLES_PER_REASON "1001" is not valid; expected a whole number between 0 and 1000'],
    ['MPM_GROUND_TRUTH_FORMAT', { MPM_GROUND_TRUTH_FORMAT: 'xml' }, 'config: MPM_GROUND_TRUTH_FORMAT "xml" is not valid; expected one of auto, records, sagemaker, csv, parquet'],
    ['publish_cloudwatch_metrics', { publish_cloudwatch_metrics: 'yes' }, 'config: publish_cloudwatch_metrics "yes" is not valid; expected one of Enabled, Disabled'],
    ['probability_threshold_attribute', { probability_threshold_attribute: '1.2' }, 'config: probability_threshold_attribute "1.2" is not valid; expected a number between 0 and 1, e.g. 0.5'],
    [
      'record_preprocessor_script',
      { record_preprocessor_script: '/opt/ml/processing/code/preprocessing/preprocessor.py' },
      'config: record_preprocessor_script "/opt/ml/processing/code/preprocessing/preprocessor.py" is not supported; expected it unset (mpm does not run Python scripts of the built-in container: multi-record payloads are exploded natively)',
    ],
    ['a baseline_constraints file that does not exist', { baseline_constraints: '/nonexistent/constraints.json' }, 'config: baseline_constraints "/nonexistent/constraints.json" does not exist; expected the path of a constraints.json file'],
    ['a baseline_statistics file that does not exist', { baseline_statistics: '/nonexistent/statistics.json' }, 'config: baseline_statistics "/nonexistent/statistics.json" does not exist; expected the path of a statistics.json file'],
    // Other schemes were taken for relative folders ("./S3:/bucket/reports"), so reports were never uploaded.
    ['an upper-case S3 scheme', { output_path: 'S3://bucket/reports' }, 'config: output_path "S3://bucket/reports" has the scheme "S3:", which is not supported; expected a local path or an s3:// URI (lower-case s3://bucket/prefix)'],
    ['an s3: with one slash', { dataset_source: 's3:/bucket/capture' }, 'config: dataset_source "s3:/bucket/capture" has the scheme "s3:", which is not supported; expected a local path or an s3:// URI (lower-case s3://bucket/prefix)'],
    ['another scheme', { MPM_STATE_URI: 'ftp://host/state' }, 'config: MPM_STATE_URI "ftp://host/state" has the scheme "ftp:", which is not supported; expected a local path or an s3:// URI (lower-case s3://bucket/prefix)'],
    ['an S3 location without a bucket', { baseline_constraints: 's3://' }, 'config: baseline_constraints "s3://" is not a valid S3 location (the bucket name is empty); expected s3://bucket or s3://bucket/prefix/'],
    ['an s3:// URI for a file of the container', { CLOUDWATCH_METRICS_DIRECTORY: 's3://bucket/metrics' }, 'config: CLOUDWATCH_METRICS_DIRECTORY "s3://bucket/metrics" has the scheme "s3:", which is not supported; expected a local path (this setting names a file or folder of the container)'],
    ['a blank positive_label given as a flag', {}, 'config: positive_label "  " is not valid; expected a label such as 1 or true'],
    // A wait past any processing job's run would never end in practice.
    ['MPM_HOST_WAIT_SECONDS', { MPM_HOST_WAIT_SECONDS: '1e12' }, "config: MPM_HOST_WAIT_SECONDS \"1e12\" is not valid; expected a number of seconds > 0 and at most 432000 (5 days, a processing job's longest run), e.g. 1800"],
    ['MPM_LOG_LEVEL', { MPM_LOG_LEVEL: 'verbose' }, 'config: MPM_LOG_LEVEL "verbose" is not valid; expected one of fatal, error, warn, info, debug, trace, silent'],
  ];
  it.each(cases)('%s', (name, env, message) => {
    expect(errorOf(env, name.endsWith('given as a flag') ? { positive_label: '  ' } : {})).toBe(message);
  });

  it('treats a value of only spaces in the environment as unset, like an empty one (the default applies)', () => {
    expect(load({ positive_label: '   ' }).positiveLabel).toBe('1');
    expect(loadConfig({ flags: {}, env: { MPM_JOB_CONFIG_FILE: '  ' } }).paths.jobConfigFile).toBe('/opt/ml/config/processingjobconfig.json');
  });

  it('lists every problem at once, one per line', () => {
    expect(errorOf({ problem_type: 'Binary', end_time: 'tomorrow' })).toBe(
      `2 configuration problems:\n- config: end_time "tomorrow" is not valid; ${ISO}\n- config: problem_type "Binary" is not valid; expected one of BinaryClassification, MulticlassClassification, Regression`,
    );
  });

  it('names a job config file that does not exist, is not JSON, or has an Environment that is not an object', () => {
    expect(errorOf({}, { MPM_JOB_CONFIG_FILE: path.join(dir, 'missing.json') })).toBe(
      `config: MPM_JOB_CONFIG_FILE "${path.join(dir, 'missing.json')}" does not exist; expected the path of processingjobconfig.json`,
    );
    const bad = file('bad-job.json', '{"Environment":');
    expect(errorOf({}, { MPM_JOB_CONFIG_FILE: bad })).toMatch(new RegExp(`^config: MPM_JOB_CONFIG_FILE "${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" is not valid JSON \\(.+\\); expected SageMaker's processingjobconfig.json$`));
    const array = file('array-job.json', '[]');
    expect(errorOf({}, { MPM_JOB_CONFIG_FILE: array })).toBe(`config: MPM_JOB_CONFIG_FILE "${array}" holds []; expected SageMaker's processingjobconfig.json, a JSON object (its "Environment" an object of strings)`);
    const list = file('list-job.json', '{"Environment":["a"]}');
    expect(errorOf({}, { MPM_JOB_CONFIG_FILE: list })).toBe(`config: MPM_JOB_CONFIG_FILE "${list}" has "Environment" ["a"]; expected an object of strings`);
  });

  it('reports a bad value from the job config like one from the environment', () => {
    const job = file('bad-value-job.json', JSON.stringify({ Environment: { start_time: '2024-05-06 22:00' } }));
    expect(errorOf({}, { MPM_JOB_CONFIG_FILE: job })).toBe(`config: start_time "2024-05-06 22:00" is not valid; ${ISO}`);
  });
});

describe('parseDatasetFormat', () => {
  it('reads the contract formats, keys in any case, "line" and "lines"', () => {
    expect(parseDatasetFormat('{"sagemakerCaptureJson":{"captureIndexNames":["endpointInput","endpointOutput"]}}')).toEqual({
      kind: 'sagemakerCaptureJson',
      captureIndexNames: ['endpointInput', 'endpointOutput'],
    });
    expect(parseDatasetFormat('{"sagemakerMergeJson":{"captureIndexNames":["endpointOutput"]}}')).toEqual({ kind: 'sagemakerMergeJson', captureIndexNames: ['endpointOutput'] });
    expect(parseDatasetFormat('{"Csv":{"Header":true}}')).toEqual({ kind: 'csv', header: true, outputColumnsPosition: undefined });
    expect(parseDatasetFormat('{"csv": {"header": true, "output_columns_position": "START"}}')).toMatchObject({ outputColumnsPosition: 'START' });
    expect(parseDatasetFormat('{"json":{"line":false}}')).toEqual({ kind: 'json', lines: false });
    expect(parseDatasetFormat('{"json":{"lines":"true"}}')).toEqual({ kind: 'json', lines: true });
    expect(parseDatasetFormat('{"parquet":{}}')).toEqual({ kind: 'parquet' });
  });

  const EXPECTED =
    'expected a JSON object with one key: sagemakerCaptureJson, sagemakerMergeJson, csv, json or parquet, e.g. {"sagemakerCaptureJson":{"captureIndexNames":["endpointInput","endpointOutput"]}}';
  it.each([
    ['[]', 'is not a JSON object'],
    ['{"csv":{},"json":{}}', 'has 2 keys'],
    ['{"avro":{}}', 'has the unknown key "avro"'],
    ['{"sagemakerCaptureJson":{"captureIndexNames":["input"]}}', 'has captureIndexNames ["input"]: only "endpointInput" and "endpointOutput" are valid'],
    ['{"sagemakerCaptureJson":{"captureIndexNames":"endpointInput"}}', 'has captureIndexNames "endpointInput": expected an array such as ["endpointInput","endpointOutput"]'],
    ['{"csv":{"header":"yes"}}', 'has header = "yes", not true or false'],
    ['{"csv":{"output_columns_position":"MIDDLE"}}', 'has output_columns_position "MIDDLE", not START or END'],
  ])('rejects %s', (raw, why) => {
    expect(() => parseDatasetFormat(raw)).toThrow(`config: dataset_format ${JSON.stringify(raw)} ${why}; ${EXPECTED}`);
  });
});

describe('enumerations', () => {
  it('ignores spaces around a choice, reads analysis_type in any case, and sends only bias and explainability to Clarify', () => {
    expect(load({ problem_type: ' Regression ', analysis_type: 'model_quality' })).toMatchObject({ problemType: 'Regression', analysisType: 'MODEL_QUALITY' });
    // Every choice in any case, as Enabled/Disabled always were: the value is the choice's own spelling.
    expect(load({ problem_type: 'binaryclassification', MPM_LOG_LEVEL: 'INFO', MPM_ON_INSUFFICIENT_DATA: 'Fail' })).toMatchObject({ problemType: 'BinaryClassification', logLevel: 'info', onInsufficientData: 'fail' });
    expect(errorOf({ analysis_type: 'bogus' })).toBe('config: analysis_type "bogus" is not valid; expected MODEL_QUALITY or DATA_QUALITY');
    expect(errorOf({ analysis_type: 'model_explainability' })).toMatch(/use SageMaker Clarify for MODEL_EXPLAINABILITY\)$/);
  });
});

describe('column names', () => {
  it('refuses a name given twice in MPM_DATA_QUALITY_COLUMNS', () => {
    expect(errorOf({ MPM_DATA_QUALITY_COLUMNS: 'a, b,a' })).toBe('config: MPM_DATA_QUALITY_COLUMNS "a, b,a" is not valid; expected distinct names; "a" is given twice');
  });
});

describe('windows that may not mean what they say', () => {
  it('warns of a scheduled time beside an explicit window, and of a window open on one side', () => {
    const both = load({ MPM_SCHEDULED_TIME: '2024-05-07T05:00:00Z', start_time: '2024-05-06T22:00:00Z', end_time: '2024-05-06T23:00:00Z' });
    expect(both.window).toEqual({ start: Date.UTC(2024, 4, 6, 22), end: Date.UTC(2024, 4, 6, 23) });
    expect(both.warnings).toEqual(['MPM_SCHEDULED_TIME "2024-05-07T05:00:00Z" is ignored: start_time/end_time set the window']);
    expect(load({ start_time: '2024-05-06T22:00:00Z' }).warnings).toEqual(['only start_time is set: the window holds every record from "2024-05-06T22:00:00Z" on']);
    expect(load({ MPM_SCHEDULED_TIME: '2024-05-07T05:00:00Z' }).warnings).toEqual([]);
  });
});

describe('evaluate\'s span', () => {
  it('takes a date for --from/--to as its midnight UTC, as rollup does', () => {
    expect(load({ MPM_EVALUATE_FROM: '2024-01-01', MPM_EVALUATE_TO: '2024-01-02T05:00:00Z' })).toMatchObject({ evaluateFrom: Date.UTC(2024, 0, 1), evaluateTo: Date.UTC(2024, 0, 2, 5) });
    expect(errorOf({ MPM_EVALUATE_FROM: '2024-02-30' })).toMatch(/^config: MPM_EVALUATE_FROM "2024-02-30" is not valid; expected an ISO-8601 UTC time YYYY-MM-DDTHH:MM:SSZ or a date YYYY-MM-DD/);
  });
});

describe('misspelled variables', () => {
  it('names a variable that looks like a setting (a typo of an MPM_ name, a contract name in another case) and the setting meant', () => {
    const job = file('typo-job.json', JSON.stringify({ Environment: { MPM_SEEED: '1' } }));
    const config = load({ MPM_MAX_INPUT_ERROR_RTE: '0.5', PROBLEM_TYPE: 'Regression', mpm_seed: '2', MPM_IMAGE_USER: 'mpm', HOME: '/root', MPM_SEED: '3' }, { MPM_JOB_CONFIG_FILE: job });
    expect(config.warnings).toEqual([
      'MPM_MAX_INPUT_ERROR_RTE (environment) is not a setting and is ignored; did you mean MPM_MAX_INPUT_ERROR_RATE?',
      'PROBLEM_TYPE (environment) is not a setting and is ignored; did you mean problem_type?',
      'mpm_seed (environment) is not a setting and is ignored; did you mean MPM_SEED?',
      'MPM_SEEED (processingjobconfig.json "Environment") is not a setting and is ignored; did you mean MPM_SEED?',
    ]);
    expect(config.seed).toBe(3);
  });
});

describe('analysis_type when it is not set', () => {
  // SageMaker's data-quality jobs pass no analysis_type: the baseline files say which analysis the run is.
  const dqConstraints = file('dq-constraints.json', JSON.stringify({ version: 0, features: [{ name: 'age', inferred_type: 'Integral', completeness: 1 }] }));
  const dqStatistics = file('dq-statistics.json', JSON.stringify({ version: 0, dataset: { item_count: 3 }, features: [] }));
  const mqConstraints = file('mq-constraints.json', JSON.stringify({ version: 0, multiclass_classification_constraints: { accuracy: { threshold: 0.8, comparison_operator: 'LessThanThreshold' } } }));
  const seedConstraints = file('seed-constraints.json', JSON.stringify({ accuracy: { threshold: 0.8043 } }));
  const notJson = file('not-json.json', '{"features": [');

  it('is DATA_QUALITY when baseline_constraints is a data-quality constraints file, and says so', () => {
    const config = load({ baseline_constraints: dqConstraints });
    expect(config.analysisType).toBe('DATA_QUALITY');
    expect(config.sources.analysis_type).toBe('baseline');
    expect(config.warnings).toContain(`analysis_type is not set: running DATA_QUALITY, because baseline_constraints "${dqConstraints}" is a data-quality constraints file (set analysis_type to choose)`);
  });

  it('is DATA_QUALITY when only baseline_statistics is a data-quality file', () => {
    expect(load({ baseline_statistics: dqStatistics }).analysisType).toBe('DATA_QUALITY');
  });

  it('stays MODEL_QUALITY for model-quality baselines (SageMaker schema or the seed), no baseline, or a file that says nothing', () => {
    const envs: Array<Record<string, string>> = [{ baseline_constraints: mqConstraints }, { baseline_constraints: seedConstraints }, {}, { baseline_constraints: notJson }, { baseline_constraints: mqConstraints, baseline_statistics: dqStatistics }];
    for (const env of envs) {
      const config = load(env);
      expect(config.analysisType, JSON.stringify(env)).toBe('MODEL_QUALITY');
      expect(config.sources.analysis_type, JSON.stringify(env)).toBe('default');
    }
  });

  it('is never inferred over a value someone set', () => {
    const config = load({ analysis_type: 'MODEL_QUALITY', baseline_constraints: dqConstraints });
    expect(config.analysisType).toBe('MODEL_QUALITY');
    expect(config.sources.analysis_type).toBe('environment');
  });

  it.skipIf(process.platform === 'win32')('does not wait on a FIFO given as the baseline: the default stands', () => {
    const fifo = path.join(dir, 'constraints.fifo');
    execFileSync('mkfifo', [fifo]);
    const config = load({ baseline_constraints: fifo });
    expect(config.analysisType).toBe('MODEL_QUALITY');
  });
});
