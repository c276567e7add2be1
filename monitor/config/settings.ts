/**
 * @module The table of every setting the monitor reads: the SageMaker Model Monitor contract's variables and mpm's
 * own. One entry gives the environment name, the CLI flag, the default and the help text; load-config.ts resolves
 * and validates them all before the first record is read, and cli.ts builds --help from the same table.
 */

export interface SettingSpec {
  /** Name in the environment and in processingjobconfig.json "Environment". */
  env: string;
  /** Long CLI flag without the leading dashes. */
  flag: string;
  /** Documented default, as the string a user would write; undefined when the setting is optional. */
  default?: string;
  description: string;
  /** Group in --help. */
  group: 'contract' | 'ground truth' | 'mpm' | 'paths' | 'aws';
  /**
   * A location the run writes: a folder, or a file (whose folder is written). The registry of written locations:
   * the image's privilege drop makes exactly these writable, and nothing else.
   */
  writes?: 'folder' | 'file';
}

export const SETTINGS = [
  // --- The SageMaker Model Monitor BYOC contract ---
  { env: 'dataset_format', flag: 'dataset-format', group: 'contract', default: '{"sagemakerCaptureJson":{"captureIndexNames":["endpointInput","endpointOutput"]}}', description: 'Format of dataset_source as a JSON string: sagemakerCaptureJson, sagemakerMergeJson, csv {header}, json {lines}, parquet' },
  { env: 'dataset_source', flag: 'dataset-source', group: 'contract', default: '/opt/ml/processing/input/endpoint', description: 'Folder (or s3:// URI) holding the capture: {endpoint}/{variant}/yyyy/mm/dd/hh/*.jsonl[.gz]' },
  { env: 'output_path', flag: 'output-path', group: 'contract', writes: 'folder', default: '/opt/ml/processing/output', description: 'Folder (or s3:// URI) the report files are written to' },
  { env: 'publish_cloudwatch_metrics', flag: 'publish-cloudwatch-metrics', group: 'contract', default: 'Disabled', description: 'Enabled: write the CloudWatch metrics file (JSON Lines) into the CloudWatch metrics folder' },
  { env: 'sagemaker_endpoint_name', flag: 'sagemaker-endpoint-name', group: 'contract', description: 'Endpoint name: the Endpoint metric dimension; when dataset_source has a folder of this name, only that folder is read' },
  { env: 'sagemaker_monitoring_schedule_name', flag: 'sagemaker-monitoring-schedule-name', group: 'contract', description: 'Monitoring schedule name: the MonitoringSchedule metric dimension' },
  { env: 'sagemaker_endpoint_datacapture_prefix', flag: 'sagemaker-endpoint-datacapture-prefix', group: 'contract', description: 'The endpoint DataCaptureConfig prefix (recorded in the run report; not read)' },
  { env: 'start_time', flag: 'start-time', group: 'contract', description: 'Window start, inclusive, YYYY-MM-DDTHH:MM:SSZ (UTC). Without a window every record is read' },
  { env: 'end_time', flag: 'end-time', group: 'contract', description: 'Window end, exclusive, YYYY-MM-DDTHH:MM:SSZ (UTC)' },
  { env: 'MPM_SCHEDULED_TIME', flag: 'scheduled-time', group: 'contract', description: 'Runs started by a scheduler without a window (EventBridge Scheduler\'s <aws.scheduler.scheduled-time>): the window is the full hour before it' },
  { env: 'metric_time', flag: 'metric-time', group: 'contract', description: 'Timestamp of the CloudWatch metrics, YYYY-MM-DDTHH:MM:SSZ (default end_time, else now)' },
  { env: 'baseline_constraints', flag: 'baseline-constraints', group: 'contract', default: '/opt/ml/processing/baseline/constraints/constraints.json', description: 'Constraints file (SageMaker model-quality schema, or the seed\'s {"accuracy":{"threshold":t}}). The default is used only when it exists' },
  { env: 'baseline_statistics', flag: 'baseline-statistics', group: 'contract', description: 'Baseline statistics.json (optional; shown beside the current values in the run report)' },
  { env: 'analysis_type', flag: 'analysis-type', group: 'contract', default: 'MODEL_QUALITY', description: 'MODEL_QUALITY (the only analysis mpm performs)' },
  { env: 'problem_type', flag: 'problem-type', group: 'contract', default: 'MulticlassClassification', description: 'MulticlassClassification, BinaryClassification or Regression' },
  { env: 'inference_attribute', flag: 'inference-attribute', group: 'contract', description: 'JSONPath (per prediction item, or $..[*] over the response) or column index of the predicted label/value' },
  { env: 'probability_attribute', flag: 'probability-attribute', group: 'contract', description: 'JSONPath or column index of the probability (binary: of the positive class; multiclass: the vector or the max)' },
  { env: 'probability_threshold_attribute', flag: 'probability-threshold-attribute', group: 'contract', description: 'Binary: a score >= this threshold is the positive label (used when the response has no label, or always when set)' },
  { env: 'ground_truth_attribute', flag: 'ground-truth-attribute', group: 'contract', description: 'Tabular datasets (csv, json, parquet): the label column, when the dataset carries labels (else ground truth is joined)' },
  { env: 'MPM_INFERENCE_ID_ATTRIBUTE', flag: 'inference-id-attribute', group: 'contract', description: 'Tabular datasets: the inference id column joined with ground truth (default SageMakerInferenceId when present)' },
  { env: 'MPM_BINARY_SCORE', flag: 'binary-score', group: 'contract', default: 'positive', description: 'Binary: a response score is the probability of the positive label (positive) or the confidence of the predicted label (predicted, the seed\'s shape)' },
  { env: 'positive_label', flag: 'positive-label', group: 'contract', default: '1', description: 'Binary: the label counted as positive' },
  { env: 'record_preprocessor_script', flag: 'record-preprocessor-script', group: 'contract', description: 'Python preprocessor of the built-in container: not supported by mpm (an error when set)' },
  { env: 'post_analytics_processor_script', flag: 'post-analytics-processor-script', group: 'contract', description: 'Python postprocessor of the built-in container: not supported by mpm (an error when set)' },
  // --- Ground truth ---
  { env: 'ground_truth_source', flag: 'ground-truth-source', group: 'ground truth', default: '/opt/ml/processing/groundtruth', description: 'Folder (or s3:// URI) of ground-truth labels, partitioned yyyy/mm/dd/hh by collection time' },
  { env: 'ground_truth_s3_uri_path', flag: 'ground-truth-s3-uri-path', group: 'ground truth', description: 'The seed\'s variable: an s3:// URI (or folder) of ground truth; wins over ground_truth_source' },
  { env: 'MPM_GROUND_TRUTH_FORMAT', flag: 'ground-truth-format', group: 'ground truth', default: 'auto', description: 'auto (detected per file), records (the seed\'s rows), sagemaker (groundTruthData), csv or parquet' },
  { env: 'MPM_GROUND_TRUTH_ID_FIELD', flag: 'ground-truth-id-field', group: 'ground truth', default: 'InferenceId', description: 'Field (or CSV/Parquet column) of the inference id in ground-truth rows' },
  { env: 'MPM_GROUND_TRUTH_INDEX_FIELD', flag: 'ground-truth-index-field', group: 'ground truth', default: 'payload_index', description: 'Field of the payload index in ground-truth rows' },
  { env: 'MPM_GROUND_TRUTH_LABEL_FIELD', flag: 'ground-truth-label-field', group: 'ground truth', default: 'groundTruthLabel', description: 'Field of the label in ground-truth rows' },
  { env: 'MPM_GROUND_TRUTH_LOOKAHEAD_HOURS', flag: 'ground-truth-lookahead-hours', group: 'ground truth', default: '24', description: 'Labels arrive late: ground-truth hours read after end_time' },
  // --- mpm's own behaviour ---
  { env: 'MPM_MAX_INPUT_ERROR_RATE', flag: 'max-input-error-rate', group: 'mpm', default: '0.05', description: 'The run fails (exit 3) when input errors exceed this share of capture lines or ground-truth rows, or unreadable bytes this share of the bytes listed (0..1)' },
  { env: 'MPM_MIN_JOINED_RECORDS', flag: 'min-joined-records', group: 'mpm', default: '1', description: 'Fewer joined records than this is an insufficient_data violation (or a failure, see next)' },
  { env: 'MPM_ON_INSUFFICIENT_DATA', flag: 'on-insufficient-data', group: 'mpm', default: 'violation', description: 'violation (CompletedWithViolations) or fail (exit 3) when too few records join' },
  { env: 'MPM_MIN_RECORDS_FOR_STD', flag: 'min-records-for-std', group: 'mpm', default: '200', description: 'Records needed for a numeric standard_deviation (SageMaker: 200; below it the string "NaN")' },
  { env: 'MPM_WORKERS', flag: 'workers', group: 'mpm', default: '1', description: 'Worker threads reading capture files in parallel: a number, or auto (one per available core); the results are identical to one thread\'s' },
  { env: 'MPM_CHECK_REQUEST_COUNT', flag: 'check-request-count', group: 'mpm', default: 'Enabled', description: 'Enabled: decode each request (endpointInput) to check it has as many records as its response (count_mismatch). Disabled: never decode endpointInput, about twice as fast on large requests (docs/benchmarks.md)' },
  { env: 'MPM_MAX_LINE_BYTES', flag: 'max-line-bytes', group: 'mpm', default: '67108864', description: 'Longest line read (capture, ground truth, JSON Lines datasets), in bytes (default 64 MiB); a longer line is skipped without being buffered and counts as one input error (line_too_long)' },
  { env: 'MPM_MAX_FILE_BYTES', flag: 'max-file-bytes', group: 'mpm', default: '268435456', description: 'Largest file read whole (a JSON-array ground-truth file, Parquet), in bytes (default 256 MiB); a larger one is an unreadable file (write JSON Lines instead)' },
  { env: 'MPM_MAX_GZIP_RATIO', flag: 'max-gzip-ratio', group: 'mpm', default: '200', description: 'A .gz file may decompress to at most this many times its compressed size (beyond its first 16 MiB); the rest of a gzip bomb is unreadable' },
  { env: 'MPM_SEED', flag: 'seed', group: 'mpm', default: '0', description: 'Seed of the standard-deviation subsamples (a rerun gives the same file)' },
  { env: 'MPM_SAMPLES_PER_REASON', flag: 'samples-per-reason', group: 'mpm', default: '5', description: 'Sample locations kept per input-error reason in the run report' },
  { env: 'MPM_LOG_LEVEL', flag: 'log-level', group: 'mpm', default: 'info', description: 'pino log level: fatal, error, warn, info, debug, trace, silent' },
  { env: 'MPM_CLOUDWATCH_PUT_METRIC_DATA', flag: 'cloudwatch-put-metric-data', group: 'aws', default: 'Disabled', description: 'Enabled: also publish the metrics with CloudWatch PutMetricData (for runs outside Model Monitor)' },
  { env: 'MPM_CLOUDWATCH_NAMESPACE', flag: 'cloudwatch-namespace', group: 'aws', description: 'Namespace for PutMetricData (default aws/sagemaker/Endpoints/model-metrics, or aws/sagemaker/ModelMonitoring/model-metrics without an endpoint)' },
  { env: 'AWS_ENDPOINT_URL_S3', flag: 's3-endpoint-url', group: 'aws', description: 'Endpoint of an S3-compatible server for s3:// locations' },
  { env: 'AWS_ENDPOINT_URL_CLOUDWATCH', flag: 'cloudwatch-endpoint-url', group: 'aws', description: 'Endpoint override for CloudWatch PutMetricData' },
  // --- Redirectable /opt/ml paths ---
  { env: 'MPM_JOB_CONFIG_FILE', flag: 'job-config-file', group: 'paths', default: '/opt/ml/config/processingjobconfig.json', description: 'Processing job config whose "Environment" is read after the process environment' },
  { env: 'MPM_MESSAGE_FILE', flag: 'message-file', group: 'paths', writes: 'file', default: '/opt/ml/output/message', description: 'Status message file (its first 1 KB becomes the job\'s ExitMessage)' },
  { env: 'CLOUDWATCH_METRICS_DIRECTORY', flag: 'cloudwatch-metrics-dir', group: 'paths', writes: 'folder', default: '/opt/ml/output/metrics/cloudwatch', description: 'Folder of the CloudWatch metrics file' },
] as const satisfies readonly SettingSpec[];

export type SettingName = (typeof SETTINGS)[number]['env'];
