/**
 * @module The monitoring job both ways run (Model Monitor schedule, or processing job from EventBridge Scheduler):
 * the flags they share and their resolution into one checked MonitoringJobSpec.
 */
import type { Options } from 'yargs';
import { UsageError } from './errors.ts';
import { parseKeyValues } from './key-values.ts';
import { buildMonitorEnvironment, PROBLEM_TYPES, type ProblemType } from './monitor-environment.ts';
import { checkRoleArn, checkSageMakerName } from './names.ts';
import { resolveLocation } from './s3-layout.ts';
import { parseS3Uri } from './s3-uri.ts';

/** Hourly, at minute 0 (UTC): the cron the blog post's CronExpressionGenerator().hourly() produces. */
export const HOURLY_CRON = 'cron(0 * ? * * *)';

/** Flags shared by create-schedule and create-scheduler-job. */
export const MONITORING_JOB_OPTIONS = {
  'endpoint-name': { type: 'string', demandOption: true, describe: 'Endpoint whose capture is monitored' },
  'image-uri': { type: 'string', demandOption: true, describe: 'ECR URI of the monitor image (Dockerfile.monitor)' },
  'role-arn': {
    type: 'string',
    demandOption: true,
    describe: 'SageMaker execution role of the monitoring job (reads capture, ground truth, baseline; writes reports)',
  },
  's3-prefix': { type: 'string', describe: 'Project prefix; the locations below default to paths under it' },
  'capture-uri': { type: 'string', describe: 'Capture destination of the endpoint (default {s3-prefix}/data-capture)' },
  'ground-truth-uri': { type: 'string', describe: 'Ground truth, yyyy/mm/dd/hh/*.jsonl below (default {s3-prefix}/ground-truth/{endpoint})' },
  'constraints-uri': { type: 'string', describe: 'Baseline constraints.json (default {s3-prefix}/baseline/constraints.json)' },
  baseline: { type: 'boolean', default: true, describe: 'Mount the baseline constraints (--no-baseline: run without)' },
  'statistics-uri': { type: 'string', describe: 'Baseline statistics.json (optional)' },
  'output-uri': { type: 'string', describe: 'Report destination (default {s3-prefix}/reports)' },
  'problem-type': { type: 'string', choices: PROBLEM_TYPES, default: 'MulticlassClassification', describe: 'problem_type' },
  'inference-attribute': { type: 'string', describe: 'inference_attribute (unset: the monitor\'s default)' },
  'probability-attribute': { type: 'string', describe: 'probability_attribute (unset: the monitor\'s default)' },
  'probability-threshold': { type: 'number', describe: 'probability_threshold_attribute (BinaryClassification)' },
  'create-violation-tests': {
    type: 'boolean',
    default: false,
    describe: 'Pass --create-violation-tests to the monitor: every run reports a fake violation (demo only)',
  },
  'container-arg': { type: 'array', string: true, describe: 'More container arguments (repeatable)' },
  'cloudwatch-metrics': { type: 'boolean', default: true, describe: 'Publish the metrics to CloudWatch' },
  env: { type: 'array', string: true, describe: 'More container environment KEY=VALUE (repeatable; wins over the defaults)' },
  'instance-type': { type: 'string', default: 'ml.m5.xlarge', describe: 'Job instance type' },
  'instance-count': {
    type: 'number',
    default: 1,
    describe: 'Job instance count; above 1 the capture is sharded between the instances (ShardedByS3Key) and the first merges their states (needs --state-uri or --s3-prefix)',
  },
  'state-uri': { type: 'string', describe: 'Run-state location MPM_STATE_URI (default with --s3-prefix: {s3-prefix}/state/{endpoint}); needed by --instance-count > 1 and by rollup' },
  'prediction-store-uri': {
    type: 'string',
    describe: 'Prediction store MPM_PREDICTION_STORE: every run stores its hour\'s predictions there (default with --evaluation-delay-hours > 0 and --s3-prefix: {s3-prefix}/prediction-store; unset otherwise: no store)',
  },
  'evaluation-delay-hours': {
    type: 'number',
    default: 0,
    describe: 'MPM_EVALUATION_DELAY_HOURS: each run stores the fresh hour and judges the hour this many hours earlier from the store, with the labels that arrived since (0: judge the fresh hour; pick it from the run report\'s label_arrival, docs/aws.md)',
  },
  'volume-size': { type: 'number', default: 30, describe: 'Job volume size in GB' },
  'max-runtime': { type: 'number', default: 3600, describe: 'Job time limit in seconds (at most 3600 for an hourly schedule)' },
  cron: { type: 'string', default: HOURLY_CRON, describe: 'Schedule expression (UTC)' },
} as const satisfies Record<string, Options>;

/** The flag values `resolveMonitoringJob` reads (what yargs infers from MONITORING_JOB_OPTIONS). */
export interface MonitoringJobArgs {
  'endpoint-name': string;
  'image-uri': string;
  'role-arn': string;
  's3-prefix'?: string;
  'capture-uri'?: string;
  'ground-truth-uri'?: string;
  'constraints-uri'?: string;
  baseline: boolean;
  'statistics-uri'?: string;
  'output-uri'?: string;
  'problem-type': string;
  'inference-attribute'?: string;
  'probability-attribute'?: string;
  'probability-threshold'?: number;
  'create-violation-tests': boolean;
  'container-arg'?: (string | number)[];
  'cloudwatch-metrics': boolean;
  env?: (string | number)[];
  'instance-type': string;
  'instance-count': number;
  'state-uri'?: string;
  'prediction-store-uri'?: string;
  'evaluation-delay-hours': number;
  'volume-size': number;
  'max-runtime': number;
  cron: string;
}

/** Everything a monitoring job needs, checked. */
export interface MonitoringJobSpec {
  endpointName: string;
  imageUri: string;
  roleArn: string;
  /** Known when --capture-uri or --s3-prefix is given; only the processing-job way needs it. */
  captureUri?: string;
  outputUri: string;
  /** Absent with --no-baseline. */
  constraintsUri?: string;
  statisticsUri?: string;
  containerArguments: string[];
  cloudwatchMetrics: boolean;
  /** analysis_type, problem_type, the attributes and ground_truth_s3_uri_path. */
  environment: Record<string, string>;
  /** The --env entries; builders add them last so that they win over every default. */
  extraEnvironment: Record<string, string>;
  instanceType: string;
  instanceCount: number;
  /** MPM_STATE_URI, when given or derived from --s3-prefix (set in the environment). */
  stateUri?: string;
  /** MPM_PREDICTION_STORE, when given or derived for a delayed evaluation (set in the environment). */
  predictionStoreUri?: string;
  volumeSizeInGb: number;
  maxRuntimeSeconds: number;
  scheduleExpression: string;
}

/**
 * MPM_STATE_URI when there is a state location, and with several instances how long the first waits for the others:
 * half the job's time limit, at most the monitor's default of 1800 s.
 */
function hostEnvironment(stateUri: string | undefined, instances: number, maxRuntime: number): Record<string, string> {
  if (stateUri === undefined) return {};
  return { MPM_STATE_URI: stateUri, ...(instances > 1 ? { MPM_HOST_WAIT_SECONDS: String(Math.min(1800, Math.floor(maxRuntime / 2))) } : {}) };
}

/** The monitor's longest evaluation delay (MPM_EVALUATION_DELAY_HOURS: a leap year of hours). */
const MAX_EVALUATION_DELAY_HOURS = 8784;

/**
 * The prediction store and the evaluation delay: the store when --prediction-store-uri is given, or derived from
 * --s3-prefix when a delay needs one; a delay without any store location is a usage error. Nothing is set for the
 * default (no store, no delay), so such a schedule's request is what it was before the store existed.
 */
function resolveStore(args: MonitoringJobArgs, endpointName: string): { uri?: string; environment: Record<string, string> } {
  const delay = args['evaluation-delay-hours'];
  if (!Number.isInteger(delay) || delay < 0 || delay > MAX_EVALUATION_DELAY_HOURS) {
    throw new UsageError(`--evaluation-delay-hours: ${delay} is not a whole number of hours between 0 and ${MAX_EVALUATION_DELAY_HOURS}`);
  }
  if (!args['prediction-store-uri'] && delay === 0) return { environment: {} };
  if (!args['prediction-store-uri'] && !args['s3-prefix']) {
    throw new UsageError(
      `--evaluation-delay-hours: ${delay} judges each hour from the prediction store; give --prediction-store-uri or --s3-prefix (the store then is {s3-prefix}/prediction-store)`,
    );
  }
  const uri = resolveLocation('prediction-store', args['prediction-store-uri'], args['s3-prefix'], endpointName);
  return {
    uri,
    environment: { MPM_PREDICTION_STORE: uri, ...(delay > 0 ? { MPM_EVALUATION_DELAY_HOURS: String(delay) } : {}) },
  };
}

/** The S3 distribution of the capture input: whole files dealt to the instances when there are several. */
export function captureDistribution(spec: Pick<MonitoringJobSpec, 'instanceCount'>): 'ShardedByS3Key' | 'FullyReplicated' {
  return spec.instanceCount > 1 ? 'ShardedByS3Key' : 'FullyReplicated';
}

/** MPM_STATE_URI when given or derivable; several instances need one. */
function resolveStateUri(args: MonitoringJobArgs, endpointName: string): string | undefined {
  const prefix = args['s3-prefix'];
  const stateUri = args['state-uri'] || prefix ? resolveLocation('state', args['state-uri'], prefix, endpointName) : undefined;
  if (args['instance-count'] > 1 && stateUri === undefined) {
    throw new UsageError(
      `--instance-count: ${args['instance-count']} instances need a state location where the first merges the others' states; give --state-uri or --s3-prefix`,
    );
  }
  return stateUri;
}

/** Checks and resolves the shared flags. */
export function resolveMonitoringJob(args: MonitoringJobArgs): MonitoringJobSpec {
  const endpointName = checkSageMakerName(args['endpoint-name'], 'endpoint-name');
  const prefix = args['s3-prefix'];
  for (const [flag, value] of [
    ['instance-count', args['instance-count']],
    ['volume-size', args['volume-size']],
    ['max-runtime', args['max-runtime']],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${flag}: ${value} is not a whole number >= 1`);
  }
  if (!/^(cron|rate|at)\(.+\)$/.test(args.cron)) {
    throw new UsageError(`--cron: ${JSON.stringify(args.cron)} is not a schedule expression; expected e.g. "${HOURLY_CRON}"`);
  }
  if (args['statistics-uri']) parseS3Uri(args['statistics-uri'], '--statistics-uri');
  const extra = parseKeyValues(args.env, 'env');
  const stateUri = resolveStateUri(args, endpointName);
  const groundTruthUri = resolveLocation('ground-truth', args['ground-truth-uri'], prefix, endpointName);
  const store = resolveStore(args, endpointName);
  return {
    endpointName,
    imageUri: args['image-uri'],
    roleArn: checkRoleArn(args['role-arn'], 'role-arn'),
    ...(args['capture-uri'] || prefix
      ? { captureUri: resolveLocation('capture', args['capture-uri'], prefix, endpointName) }
      : {}),
    outputUri: resolveLocation('reports', args['output-uri'], prefix, endpointName),
    ...(args.baseline
      ? { constraintsUri: resolveLocation('constraints', args['constraints-uri'], prefix, endpointName) }
      : {}),
    ...(args['statistics-uri'] ? { statisticsUri: args['statistics-uri'] } : {}),
    containerArguments: [
      ...(args['create-violation-tests'] ? ['--create-violation-tests'] : []),
      ...(args['container-arg'] ?? []).map(String),
    ],
    cloudwatchMetrics: args['cloudwatch-metrics'],
    environment: {
      ...buildMonitorEnvironment({
      problemType: args['problem-type'] as ProblemType,
      inferenceAttribute: args['inference-attribute'],
      probabilityAttribute: args['probability-attribute'],
      probabilityThreshold: args['probability-threshold'],
        groundTruthUri,
      }),
      ...hostEnvironment(stateUri, args['instance-count'], args['max-runtime']),
      ...store.environment,
    },
    extraEnvironment: extra,
    ...(stateUri ? { stateUri } : {}),
    ...(store.uri ? { predictionStoreUri: store.uri } : {}),
    instanceType: args['instance-type'],
    instanceCount: args['instance-count'],
    volumeSizeInGb: args['volume-size'],
    maxRuntimeSeconds: args['max-runtime'],
    scheduleExpression: args.cron,
  };
}
