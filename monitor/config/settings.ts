/**
 * @module The table of every setting mpm reads, each declared once: its variable (in the environment and in
 * processingjobconfig.json "Environment"), its flag, the commands that take it, its default, its help, whether it is a
 * location the run writes, and its validation rule. The config type, the checks (load-config.ts), --help (cli/) and
 * the README's contract table (scripts/settings-table.ts) all come from it.
 */
import { PROBLEM_TYPES } from '../metrics/types.ts';
import { compilePath, asColumnIndex } from '../ingest/json-path.ts';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_GZIP_RATIO, DEFAULT_MAX_LINE_BYTES, MAX_STRING_BYTES } from '../ingest/read-limits.ts';
import { datasetFormat, driftMethod, enabled, fail, integer, invalid, labelList, location, nameList, number, oneOf, text, time, timeOrDate, unsupported, workers, type Rule } from './rules.ts';
import { MAX_FEATURES } from '../data-quality/dataset-profile.ts';

/** The commands of mpm-monitor: the monitoring job (the default) and the others. */
export const COMMANDS = ['job', 'suggest-baseline', 'evaluate'] as const;
export type Command = (typeof COMMANDS)[number];

export type SettingGroup = 'contract' | 'ground truth' | 'mpm' | 'paths' | 'aws' | 'baseline';

export interface SettingSpec<Key extends string = string, Value = unknown> {
  /** Name in the environment and in processingjobconfig.json "Environment"; none for command-line-only options. */
  env?: string;
  /** Long CLI flag without the leading dashes. */
  flag: string;
  /** Property of the configuration object (inside `section` when given). */
  key: Key;
  section?: 'window' | 'groundTruth' | 'cloudwatch' | 'paths' | 'suggest';
  group: SettingGroup;
  commands: readonly Command[];
  /** Documented default, as the string a user would write; undefined when the setting is optional. */
  default?: string;
  description: string;
  /** The text in, the typed value out; a failure says what was expected. */
  rule: Rule<Value>;
  /** A command-line switch without a value (true when present). */
  switch?: true;
  /**
   * A location the run writes: a folder, or a file (whose folder is written). The registry of written locations:
   * the image's privilege drop makes exactly these writable, and nothing else.
   */
  writes?: 'folder' | 'file';
}

const BOTH = ['job', 'suggest-baseline'] as const satisfies readonly Command[];
const JOB = ['job'] as const satisfies readonly Command[];
const SUGGEST = ['suggest-baseline'] as const satisfies readonly Command[];
const EVALUATE = ['evaluate'] as const satisfies readonly Command[];

/** Declares one setting, keeping its key and value types for the config type. */
function setting<const Key extends string, Value, const Spec extends Omit<SettingSpec<Key, Value>, 'rule' | 'key'>>(
  spec: Spec & { key: Key; rule: Rule<Value> },
): Spec & { key: Key; rule: Rule<Value> } {
  return spec;
}

/** inference_attribute / probability_attribute: a column index or a JSONPath mpm can compile. */
const attribute = (variable: string): Rule<string> =>
  (value) => {
    if (asColumnIndex(value) !== undefined) return value;
    try {
      compilePath(value, variable);
      return value;
    } catch (error) {
      return fail((error as Error).message.replace(/^config: \S+ "(?:[^"\\]|\\.)*" /, ''));
    }
  };

/** positive_label: a label, trimmed. */
const label = (): Rule<string> =>
  (value) => {
    const trimmed = value.trim();
    return trimmed !== '' ? trimmed : invalid('a label such as 1 or true');
  };

/** MPM_RUN_ID: a name safe as one folder of a local path or an S3 key. */
const runId = (): Rule<string> =>
  (value) =>
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(value) ? value : invalid('1-128 letters, digits, dots, dashes or underscores, starting with a letter or digit');

/** The analyses mpm performs. */
export const ANALYSIS_TYPES = ['MODEL_QUALITY', 'DATA_QUALITY'] as const;

/** analysis_type: the analyses mpm performs (bias and explainability are SageMaker Clarify's). */
const analysisType = (): Rule<(typeof ANALYSIS_TYPES)[number]> =>
  (value) => {
    const text = value.trim().toUpperCase();
    if (text === 'MODEL_QUALITY' || text === 'DATA_QUALITY') return text;
    // Only the analyses Clarify performs are sent there; anything else is simply not an analysis type.
    return text === 'MODEL_BIAS' || text === 'MODEL_EXPLAINABILITY'
      ? fail(`is not supported; expected MODEL_QUALITY or DATA_QUALITY (mpm judges model quality and data quality; use SageMaker Clarify for ${text})`)
      : invalid('MODEL_QUALITY or DATA_QUALITY');
  };

/** MPM_RUN_AS_ROOT: true or false in any case; a bare --run-as-root (empty text, which only a flag can give) is true. */
const trueOrFalse = (): Rule<boolean> =>
  (value) => {
    const v = value.trim().toLowerCase();
    if (v === '' || v === 'true') return true;
    if (v === 'false') return false;
    return invalid('true or false');
  };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const SCRIPTS = 'mpm does not run Python scripts of the built-in container: multi-record payloads are exploded natively';

export const SETTING_TABLE = [
  // Table order is the order settings are read, checked and listed in the run report (config_sources): the
  // window first, then what the run reads, then paths. --help groups them by `group`.
  setting({ env: 'dataset_format', flag: 'dataset-format', key: 'datasetFormat', group: 'contract', commands: BOTH, rule: datasetFormat(), default: '{"sagemakerCaptureJson":{"captureIndexNames":["endpointInput","endpointOutput"]}}', description: 'Format of dataset_source as a JSON string: sagemakerCaptureJson, sagemakerMergeJson, csv {header}, json {lines}, parquet' }),
  setting({ env: 'start_time', flag: 'start-time', key: 'start', section: 'window', group: 'contract', commands: BOTH, rule: time(), description: 'Window start, inclusive, YYYY-MM-DDTHH:MM:SSZ (UTC). Without a window every record is read' }),
  setting({ env: 'end_time', flag: 'end-time', key: 'end', section: 'window', group: 'contract', commands: BOTH, rule: time(), description: 'Window end, exclusive, YYYY-MM-DDTHH:MM:SSZ (UTC)' }),
  setting({ env: 'MPM_SCHEDULED_TIME', flag: 'scheduled-time', key: 'scheduledTime', group: 'contract', commands: JOB, rule: time(), description: 'Runs started by a scheduler without a window (EventBridge Scheduler\'s <aws.scheduler.scheduled-time>): the window is the full hour before it' }),
  setting({ env: 'metric_time', flag: 'metric-time', key: 'metricTime', group: 'contract', commands: JOB, rule: time(), description: 'Timestamp of the CloudWatch metrics, YYYY-MM-DDTHH:MM:SSZ (default end_time, else now; with MPM_SCHEDULED_TIME, the window\'s start, as Model Monitor passes metric_time = start_time)' }),
  setting({ env: 'analysis_type', flag: 'analysis-type', key: 'analysisType', group: 'contract', commands: BOTH, rule: analysisType(), default: 'MODEL_QUALITY', description: 'MODEL_QUALITY (metrics against ground truth) or DATA_QUALITY (a profile of every record of every request against the baseline statistics and constraints; docs/data-quality.md). Unset, a baseline_constraints or baseline_statistics file that is a data-quality file makes the run DATA_QUALITY (SageMaker\'s data-quality jobs pass no analysis_type)' }),
  setting({ env: 'problem_type', flag: 'problem-type', key: 'problemType', group: 'contract', commands: BOTH, rule: oneOf(PROBLEM_TYPES), default: 'MulticlassClassification', description: 'MulticlassClassification, BinaryClassification or Regression' }),
  setting({ env: 'probability_threshold_attribute', flag: 'probability-threshold-attribute', key: 'probabilityThreshold', group: 'contract', commands: BOTH, rule: number('a number between 0 and 1, e.g. 0.5', (n) => n >= 0 && n <= 1), description: 'Binary: a score >= this threshold is the positive label (used when the response has no label, or always when set)' }),
  setting({ env: 'record_preprocessor_script', flag: 'record-preprocessor-script', key: 'recordPreprocessorScript', group: 'contract', commands: BOTH, rule: unsupported(SCRIPTS), description: 'Python preprocessor of the built-in container: not supported by mpm (an error when set)' }),
  setting({ env: 'post_analytics_processor_script', flag: 'post-analytics-processor-script', key: 'postAnalyticsProcessorScript', group: 'contract', commands: BOTH, rule: unsupported(SCRIPTS), description: 'Python postprocessor of the built-in container: not supported by mpm (an error when set)' }),
  setting({ env: 'baseline_constraints', flag: 'baseline-constraints', key: 'baselineConstraints', group: 'contract', commands: JOB, rule: location(true), default: '/opt/ml/processing/baseline/constraints/constraints.json', description: 'Constraints file (SageMaker model-quality schema, or the seed\'s {"accuracy":{"threshold":t}}). The default is used only when it exists' }),
  setting({ env: 'baseline_statistics', flag: 'baseline-statistics', key: 'baselineStatistics', group: 'contract', commands: JOB, rule: location(true), default: '/opt/ml/processing/baseline/stats/statistics.json', description: 'Baseline statistics.json (used only when it exists at the default path). Data quality: the distributions drift is measured against; model quality: shown beside the current values in monitoring_report.json (baseline_statistics) and report.html, judging nothing; a named file without the problem type\'s metrics section is a configuration error' }),
  setting({ env: 'exclude_features_attribute', flag: 'exclude-features-attribute', key: 'excludeFeatures', group: 'contract', commands: BOTH, rule: nameList(true), description: 'Data quality: column names or positions left out of the analysis, comma-separated (EndpointInput.ExcludeFeaturesAttribute)' }),
  setting({ env: 'categorical_drift_method', flag: 'categorical-drift-method', key: 'categoricalDriftMethod', group: 'contract', commands: BOTH, rule: driftMethod(), description: 'Data quality: LInfinity or ChiSquared for categorical drift; replaces the constraints file\'s global categorical_drift_method' }),
  setting({ env: 'MPM_DATA_QUALITY_COLUMNS', flag: 'data-quality-columns', key: 'dataQualityColumns', group: 'mpm', commands: BOTH, rule: nameList(false), description: 'Data quality: names of positional columns (CSV cells, array values) in row order, predictions first with START; a JSON array or comma-separated. The baseline\'s names win; else _c0, _c1...' }),
  setting({ env: 'MPM_OUTPUT_COLUMNS_POSITION', flag: 'output-columns-position', key: 'outputColumnsPosition', group: 'mpm', commands: BOTH, rule: oneOf(['START', 'END'] as const), default: 'START', description: 'Data quality: START or END, where prediction columns go among the positional columns of captured records (a csv dataset_format\'s output_columns_position wins for csv datasets)' }),
  setting({ env: 'MPM_MAX_FEATURES', flag: 'max-features', key: 'maxFeatures', group: 'mpm', commands: BOTH, rule: integer('a whole number from 1 to 100000', 1, 100_000), default: String(MAX_FEATURES), description: 'Data quality: columns profiled at most; values of further columns are counted, not profiled' }),
  setting({ env: 'ground_truth_s3_uri_path', flag: 'ground-truth-s3-uri-path', key: 's3UriPath', section: 'groundTruth', group: 'ground truth', commands: BOTH, rule: location(true), description: 'The seed\'s variable: an s3:// URI (or folder) of ground truth; wins over ground_truth_source' }),
  setting({ env: 'ground_truth_source', flag: 'ground-truth-source', key: 'source', section: 'groundTruth', group: 'ground truth', commands: BOTH, rule: location(true), default: '/opt/ml/processing/groundtruth', description: 'Folder (or s3:// URI) of ground-truth labels, partitioned yyyy/mm/dd/hh by collection time' }),
  setting({ env: 'positive_label', flag: 'positive-label', key: 'positiveLabel', group: 'contract', commands: BOTH, rule: label(), default: '1', description: 'Binary: the label counted as positive' }),
  setting({ env: 'MPM_LOG_LEVEL', flag: 'log-level', key: 'logLevel', group: 'mpm', commands: BOTH, rule: oneOf(LOG_LEVELS), default: 'info', description: 'pino log level: fatal, error, warn, info, debug, trace, silent' }),
  setting({ env: 'dataset_source', flag: 'dataset-source', key: 'datasetSource', group: 'contract', commands: BOTH, rule: location(true), default: '/opt/ml/processing/input/endpoint', description: 'Folder (or s3:// URI) holding the capture: {endpoint}/{variant}/yyyy/mm/dd/hh/*.jsonl[.gz]' }),
  setting({ env: 'output_path', flag: 'output-path', key: 'outputPath', group: 'contract', commands: BOTH, rule: location(true), writes: 'folder', default: '/opt/ml/processing/output', description: 'Folder (or s3:// URI) the report files are written to' }),
  setting({ env: 'publish_cloudwatch_metrics', flag: 'publish-cloudwatch-metrics', key: 'publishCloudWatchMetrics', group: 'contract', commands: JOB, rule: enabled(), default: 'Disabled', description: 'Enabled: write the CloudWatch metrics file (JSON Lines) into the CloudWatch metrics folder' }),
  setting({ env: 'sagemaker_endpoint_name', flag: 'sagemaker-endpoint-name', key: 'endpointName', group: 'contract', commands: BOTH, rule: text(), description: 'Endpoint name: the Endpoint metric dimension; when dataset_source has a folder of this name, only that folder is read' }),
  setting({ env: 'sagemaker_monitoring_schedule_name', flag: 'sagemaker-monitoring-schedule-name', key: 'scheduleName', group: 'contract', commands: JOB, rule: text(), description: 'Monitoring schedule name: the MonitoringSchedule metric dimension' }),
  setting({ env: 'sagemaker_endpoint_datacapture_prefix', flag: 'sagemaker-endpoint-datacapture-prefix', key: 'datacapturePrefix', group: 'contract', commands: JOB, rule: text(), description: 'The endpoint DataCaptureConfig prefix (recorded in the run report; not read)' }),
  setting({ env: 'inference_attribute', flag: 'inference-attribute', key: 'inferenceAttribute', group: 'contract', commands: BOTH, rule: attribute('inference_attribute'), description: 'JSONPath (per prediction item, or $..[*] over the response) or column index of the predicted label/value' }),
  setting({ env: 'probability_attribute', flag: 'probability-attribute', key: 'probabilityAttribute', group: 'contract', commands: BOTH, rule: attribute('probability_attribute'), description: 'JSONPath or column index of the probability (binary: of the positive class; multiclass: the vector or the max)' }),
  setting({ env: 'ground_truth_attribute', flag: 'ground-truth-attribute', key: 'groundTruthAttribute', group: 'contract', commands: BOTH, rule: text(), description: 'Tabular datasets (csv, json, parquet): the label column, when the dataset carries labels (else ground truth is joined)' }),
  setting({ env: 'MPM_INFERENCE_ID_ATTRIBUTE', flag: 'inference-id-attribute', key: 'inferenceIdAttribute', group: 'contract', commands: BOTH, rule: text(), description: 'Tabular datasets: the inference id column joined with ground truth (default SageMakerInferenceId when present)' }),
  setting({ env: 'MPM_CLASS_LABELS', flag: 'class-labels', key: 'classLabels', group: 'contract', commands: BOTH, rule: labelList(), description: 'Multiclass: the class of each position of the responses\' probability vectors, comma-separated (default: the positions 0, 1, 2, ...); names the predicted label of a vector and the classes of the estimate' }),
  setting({ env: 'MPM_BINARY_SCORE', flag: 'binary-score', key: 'binaryScore', group: 'contract', commands: BOTH, rule: oneOf(['positive', 'predicted'] as const), default: 'positive', description: 'Binary: a response score is the probability of the positive label (positive) or the confidence of the predicted label (predicted, the seed\'s shape)' }),
  setting({ env: 'MPM_GROUND_TRUTH_FORMAT', flag: 'ground-truth-format', key: 'format', section: 'groundTruth', group: 'ground truth', commands: BOTH, rule: oneOf(['auto', 'records', 'sagemaker', 'csv', 'parquet'] as const), default: 'auto', description: 'auto (detected per file), records (the seed\'s rows), sagemaker (groundTruthData), csv or parquet' }),
  setting({ env: 'MPM_GROUND_TRUTH_ID_FIELD', flag: 'ground-truth-id-field', key: 'idField', section: 'groundTruth', group: 'ground truth', commands: BOTH, rule: text(), default: 'InferenceId', description: 'Field (or CSV/Parquet column) of the inference id in ground-truth rows' }),
  setting({ env: 'MPM_GROUND_TRUTH_INDEX_FIELD', flag: 'ground-truth-index-field', key: 'indexField', section: 'groundTruth', group: 'ground truth', commands: BOTH, rule: text(), default: 'payload_index', description: 'Field of the payload index in ground-truth rows' }),
  setting({ env: 'MPM_GROUND_TRUTH_LABEL_FIELD', flag: 'ground-truth-label-field', key: 'labelField', section: 'groundTruth', group: 'ground truth', commands: BOTH, rule: text(), default: 'groundTruthLabel', description: 'Field of the label in ground-truth rows' }),
  setting({ env: 'MPM_GROUND_TRUTH_LOOKAHEAD_HOURS', flag: 'ground-truth-lookahead-hours', key: 'lookaheadHours', section: 'groundTruth', group: 'ground truth', commands: BOTH, rule: integer('a whole number of hours from 0 to 876000 (100 years), e.g. 24', 0, 876_000), default: '24', description: 'Labels arrive late: ground-truth hours read after end_time' }),
  setting({ env: 'MPM_MAX_INPUT_ERROR_RATE', flag: 'max-input-error-rate', key: 'maxInputErrorRate', group: 'mpm', commands: BOTH, rule: number('a share between 0 and 1, e.g. 0.05', (n) => n >= 0 && n <= 1), default: '0.05', description: 'The run fails (exit 3) when input errors exceed this share of capture lines or ground-truth rows, or unreadable bytes this share of the bytes listed (0..1)' }),
  setting({ env: 'MPM_MIN_JOINED_RECORDS', flag: 'min-joined-records', key: 'minJoinedRecords', group: 'mpm', commands: BOTH, rule: integer('a whole number >= 0, e.g. 1', 0), default: '1', description: 'Fewer joined records than this is an insufficient_data violation (or a failure, see next)' }),
  setting({ env: 'MPM_ON_INSUFFICIENT_DATA', flag: 'on-insufficient-data', key: 'onInsufficientData', group: 'mpm', commands: JOB, rule: oneOf(['violation', 'fail'] as const), default: 'violation', description: 'violation (CompletedWithViolations) or fail (exit 3) when too few records join, or (data quality) the window holds no records' }),
  setting({ env: 'MPM_SEED', flag: 'seed', key: 'seed', group: 'mpm', commands: BOTH, rule: integer('a whole number between 0 and 4294967295', 0, 0xffffffff), default: '0', description: 'Seed of the standard-deviation subsamples (a rerun gives the same file)' }),
  setting({ env: 'MPM_MIN_RECORDS_FOR_STD', flag: 'min-records-for-std', key: 'minRecordsForStd', group: 'mpm', commands: BOTH, rule: integer('a whole number >= 2, e.g. 200', 2), default: '200', description: 'Records needed for a numeric standard_deviation (SageMaker: 200; below it the string "NaN")' }),
  setting({ env: 'MPM_WORKERS', flag: 'workers', key: 'workers', group: 'mpm', commands: BOTH, rule: workers(), default: '1', description: 'Worker threads reading capture files in parallel: a number, or auto (one per available core); the results are identical to one thread\'s' }),
  setting({ env: 'MPM_ESTIMATE', flag: 'estimate', key: 'estimate', group: 'mpm', commands: BOTH, rule: enabled(), default: 'Enabled', description: 'Enabled: estimate classification metrics without labels (CBPE, docs/estimation.md) over every prediction of the window. Disabled: no estimate (statistics.json says so)' }),
  setting({ env: 'MPM_CHECK_REQUEST_COUNT', flag: 'check-request-count', key: 'checkRequestCount', group: 'mpm', commands: BOTH, rule: enabled(), default: 'Enabled', description: 'Enabled: decode each request (endpointInput) to check it has as many records as its response (count_mismatch). Disabled: never decode endpointInput, about twice as fast on large requests (docs/benchmarks.md)' }),
  // Issue 14: the limits on one line, one file read whole, one gzip stream (README "Bad input").
  setting({ env: 'MPM_MAX_LINE_BYTES', flag: 'max-line-bytes', key: 'maxLineBytes', group: 'mpm', commands: BOTH, rule: integer(`a whole number of bytes between 1024 and ${MAX_STRING_BYTES}, e.g. 67108864 (64 MiB)`, 1024, MAX_STRING_BYTES), default: String(DEFAULT_MAX_LINE_BYTES), description: 'Longest line read (capture, ground truth, JSON Lines datasets), in bytes (default 64 MiB); a longer line is skipped without being buffered and counts as one input error (line_too_long)' }),
  setting({ env: 'MPM_MAX_FILE_BYTES', flag: 'max-file-bytes', key: 'maxFileBytes', group: 'mpm', commands: BOTH, rule: integer(`a whole number of bytes between 1024 and ${MAX_STRING_BYTES}, e.g. 268435456 (256 MiB)`, 1024, MAX_STRING_BYTES), default: String(DEFAULT_MAX_FILE_BYTES), description: 'Largest file read whole (a JSON-array ground-truth file, Parquet), in bytes (default 256 MiB); a larger one is an unreadable file (write JSON Lines instead)' }),
  setting({ env: 'MPM_MAX_GZIP_RATIO', flag: 'max-gzip-ratio', key: 'maxGzipRatio', group: 'mpm', commands: BOTH, rule: number('a number >= 2, e.g. 200', (n) => n >= 2), default: String(DEFAULT_MAX_GZIP_RATIO), description: 'A .gz file may decompress to at most this many times its compressed size (beyond its first 16 MiB); the rest of a gzip bomb is unreadable' }),
  setting({ env: 'MPM_SAMPLES_PER_REASON', flag: 'samples-per-reason', key: 'samplesPerReason', group: 'mpm', commands: BOTH, rule: integer('a whole number between 0 and 1000', 0, 1000), default: '5', description: 'Sample locations kept per input-error reason in the run report' }),
  setting({ env: 'MPM_RUN_AS_ROOT', flag: 'run-as-root', key: 'runAsRoot', group: 'mpm', commands: BOTH, rule: trueOrFalse(), default: 'false', description: 'The images start as root, make the folders the job writes writable for their unprivileged user (uid 10001) and drop to it before reading any input; true keeps root for the whole run (for platforms that need it; docs/containers.md)' }),
  setting({ env: 'MPM_PREDICTION_STORE', flag: 'prediction-store', key: 'predictionStore', group: 'mpm', commands: JOB, rule: location(true), writes: 'folder', description: 'Folder (or s3:// URI) of the prediction store: every run writes its window\'s exploded predictions there as Parquet, {endpoint}/{variant}/yyyy/mm/dd/hh/ (hour-aligned windows; docs/prediction-store.md)' }),
  setting({ env: 'MPM_EVALUATE_FROM', flag: 'from', key: 'evaluateFrom', group: 'mpm', commands: EVALUATE, rule: timeOrDate(), description: 'evaluate: the first hour judged from the prediction store (a whole UTC hour, or a date: its midnight; inclusive)' }),
  setting({ env: 'MPM_EVALUATE_TO', flag: 'to', key: 'evaluateTo', group: 'mpm', commands: EVALUATE, rule: timeOrDate(), description: 'evaluate: the end of the hours judged (a whole UTC hour, or a date: its midnight; exclusive)' }),
  setting({ env: 'MPM_EVALUATION_DELAY_HOURS', flag: 'evaluation-delay-hours', key: 'evaluationDelayHours', group: 'mpm', commands: JOB, rule: integer('a whole number of hours between 0 and 8784, e.g. 24', 0, 8784), default: '0', description: 'Labels arrive late: store the fresh window, then judge the window this many hours earlier from the prediction store with the labels present now (0: judge the fresh window)' }),
  setting({ env: 'MPM_DELAYED_METRIC_TIME', flag: 'delayed-metric-time', key: 'delayedMetricTime', group: 'mpm', commands: JOB, rule: oneOf(['judged', 'run'] as const), default: 'judged', description: 'With an evaluation delay: stamp the CloudWatch metrics with the judged window (judged) or with this run\'s window (run, for alarms that look at recent periods only)' }),
  setting({ env: 'MPM_JOINED_RECORDS_OUTPUT', flag: 'joined-records-output', key: 'joinedRecordsOutput', group: 'mpm', commands: JOB, rule: enabled(), default: 'Disabled', description: 'Enabled: write the judged window\'s joined records (keys, time, prediction, label) as joined_records.parquet beside the reports' }),
  setting({ env: 'MPM_CLOUDWATCH_PUT_METRIC_DATA', flag: 'cloudwatch-put-metric-data', key: 'putMetricData', section: 'cloudwatch', group: 'aws', commands: JOB, rule: enabled(), default: 'Disabled', description: 'Enabled: also publish the metrics with CloudWatch PutMetricData (for runs outside Model Monitor)' }),
  setting({ env: 'MPM_CLOUDWATCH_NAMESPACE', flag: 'cloudwatch-namespace', key: 'namespace', section: 'cloudwatch', group: 'aws', commands: JOB, rule: text(), description: 'Namespace for PutMetricData (default aws/sagemaker/Endpoints/model-metrics, or aws/sagemaker/ModelMonitoring/model-metrics without an endpoint)' }),
  setting({ env: 'AWS_ENDPOINT_URL_CLOUDWATCH', flag: 'cloudwatch-endpoint-url', key: 'endpointUrl', section: 'cloudwatch', group: 'aws', commands: JOB, rule: text(), description: 'Endpoint override for CloudWatch PutMetricData' }),
  setting({ env: 'AWS_ENDPOINT_URL_S3', flag: 's3-endpoint-url', key: 's3EndpointUrl', group: 'aws', commands: BOTH, rule: text(), description: 'Endpoint of an S3-compatible server for s3:// locations' }),
  setting({ env: 'MPM_MESSAGE_FILE', flag: 'message-file', key: 'messageFile', section: 'paths', group: 'paths', commands: BOTH, rule: location(false), writes: 'file', default: '/opt/ml/output/message', description: 'Status message file (its first 1 KB becomes the job\'s ExitMessage)' }),
  setting({ env: 'CLOUDWATCH_METRICS_DIRECTORY', flag: 'cloudwatch-metrics-dir', key: 'cloudwatchDir', section: 'paths', group: 'paths', commands: JOB, rule: location(false), writes: 'folder', default: '/opt/ml/output/metrics/cloudwatch', description: 'Folder of the CloudWatch metrics file' }),
  setting({ env: 'MPM_JOB_CONFIG_FILE', flag: 'job-config-file', key: 'jobConfigFile', section: 'paths', group: 'paths', commands: BOTH, rule: location(false), default: '/opt/ml/config/processingjobconfig.json', description: 'Processing job config whose "Environment" is read after the process environment' }),
  setting({ env: 'MPM_STATE_URI', flag: 'state-uri', key: 'stateUri', group: 'mpm', commands: JOB, rule: location(true), writes: 'folder', description: 'Folder (or s3:// URI) of run-state files (docs/state.md): the run writes its mergeable accumulators under {window start yyyy/mm/dd/hh}/{job}/; needed by several instances and by rollup' }),
  setting({ env: 'MPM_RUN_ID', flag: 'run-id', key: 'runId', group: 'mpm', commands: JOB, rule: runId(), description: 'Name of the run in the state location when there is no processing job (docker run, the CLI); default: the window start' }),
  setting({ env: 'MPM_HOST_WAIT_SECONDS', flag: 'host-wait-seconds', key: 'hostWaitSeconds', group: 'mpm', commands: JOB, rule: number('a number of seconds > 0 and at most 432000 (5 days, a processing job\'s longest run), e.g. 1800', (n) => n > 0 && n <= 432_000), default: '1800', description: 'Several instances: how long the first host waits for the others\' states before it fails naming the missing hosts (keep it well under the job\'s MaxRuntimeInSeconds; at most 432000)' }),
  setting({ env: 'MPM_RESOURCE_CONFIG_FILE', flag: 'resource-config-file', key: 'resourceConfigFile', section: 'paths', group: 'paths', commands: JOB, rule: location(false), default: '/opt/ml/config/resourceconfig.json', description: 'The instances of the job (current_host, hosts); absent: one instance' }),
  setting({ flag: 'create-violation-tests', key: 'createViolationTests', group: 'mpm', commands: JOB, rule: () => true, switch: true, description: 'Add one clearly marked synthetic violation (to test alerting); Model Monitor passes it as a container argument' }),
  setting({ env: 'MPM_CALIBRATION', flag: 'calibration', key: 'calibration', section: 'suggest', group: 'baseline', commands: SUGGEST, rule: oneOf(['auto', 'always', 'never'] as const), default: 'auto', description: 'Calibration of the label-free estimate written with the baseline: auto (isotonic, only when it lowers the calibration error, NannyML\'s rule), always or never' }),
  setting({ env: 'MPM_ESTIMATED_THRESHOLDS', flag: 'estimated-thresholds', key: 'estimatedThresholds', section: 'suggest', group: 'baseline', commands: SUGGEST, rule: enabled(), default: 'Enabled', description: 'Enabled: suggest-baseline also writes estimated_<metric> constraints (reference-chunk mean -/+ 3 standard deviations)' }),
  setting({ flag: 'k', key: 'k', section: 'suggest', group: 'baseline', commands: SUGGEST, rule: number('a number >= 0, e.g. 3', (n) => n >= 0), default: '3', description: 'Noise units between the baseline value and the threshold' }),
  setting({ flag: 'expected-records', key: 'expectedRecords', section: 'suggest', group: 'baseline', commands: SUGGEST, rule: integer('a whole number > 0', 1), description: 'Records expected in one monitoring run (default: as many as the baseline)' }),
  setting({ flag: 'from-accuracy', key: 'fromAccuracy', section: 'suggest', group: 'baseline', commands: SUGGEST, rule: number('a number between 0 and 1', (n) => n >= 0 && n <= 1), description: "The seed's path: write one accuracy constraint with this threshold, read no data" }),
] as const;

export type SettingEntry = (typeof SETTING_TABLE)[number];
/** The variable name of a setting that has one. */
export type SettingName = Extract<SettingEntry, { env: string }>['env'];

/** The settings a command takes, in table order. */
export function settingsOf(command: Command): SettingEntry[] {
  // evaluate judges stored hours as the job judges its window: it takes the job's settings and its own.
  const wanted: readonly Command[] = command === 'evaluate' ? ['job', 'evaluate'] : [command];
  return SETTING_TABLE.filter((s) => (s.commands as readonly Command[]).some((c) => wanted.includes(c)));
}

/** The settings of the monitoring job (the default command), each with its variable: what `mpm-monitor --help` lists. */
export const SETTINGS = SETTING_TABLE.filter((s): s is Extract<SettingEntry, { env: string }> => 'env' in s && (s.commands as readonly Command[]).includes('job'));
