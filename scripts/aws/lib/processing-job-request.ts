/**
 * @module The CreateProcessingJob request an EventBridge Scheduler schedule sends each hour: the monitor image with
 * the same paths and variables Model Monitor would give it. What Model Monitor computes per run is replaced by
 * Scheduler context attributes: the job name ends in the execution id, the report folder and MPM_SCHEDULED_TIME
 * carry the scheduled time, from which the monitor derives start_time and end_time (the previous full hour).
 */
import type { CreateProcessingJobRequest, ProcessingInput, ProcessingInstanceType } from '@aws-sdk/client-sagemaker';
import {
  CAPTURE_DATASET_FORMAT,
  CAPTURE_LOCAL_PATH,
  CONSTRAINTS_LOCAL_DIR,
  OUTPUT_LOCAL_PATH,
  STATISTICS_LOCAL_DIR,
} from './container-paths.ts';
import { UsageError } from './errors.ts';
import { captureDistribution, type MonitoringJobSpec } from './monitoring-job.ts';
import { joinS3 } from './s3-uri.ts';
import { EXECUTION_ID, SCHEDULED_TIME } from './scheduler-context.ts';

/**
 * How the job reads the capture:
 * - mount: SageMaker downloads {capture-uri}/{endpoint}/ to the contract path before the job starts (the same
 *   layout as under Model Monitor; every hour ever captured is downloaded, so it suits short-lived endpoints);
 * - s3: dataset_source is the capture s3:// URI and the monitor lists and reads only the window's hours.
 */
export type CaptureAccess = 'mount' | 's3';

/** The parts of the scheduled job that are not in MonitoringJobSpec. */
export interface ScheduledJobOptions {
  /** Name of the Scheduler schedule; also the monitor's sagemaker_monitoring_schedule_name. */
  scheduleName: string;
  /** Processing job names are `{prefix}-{execution id}`. */
  jobNamePrefix: string;
  captureAccess: CaptureAccess;
}

// Scheduler's execution ids look like d32c5kddcf5bb8c3 (16 characters); 22 are kept free for them in the 63 that
// SageMaker allows, which leaves 40 for the prefix.
/** Longest --job-name-prefix. */
export const MAX_JOB_NAME_PREFIX = 40;

function basename(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}

function s3Input(name: string, s3Uri: string, localPath: string, distribution: 'FullyReplicated' | 'ShardedByS3Key' = 'FullyReplicated'): ProcessingInput {
  return {
    InputName: name,
    S3Input: {
      S3Uri: s3Uri,
      LocalPath: localPath,
      S3DataType: 'S3Prefix',
      S3InputMode: 'File',
      S3DataDistributionType: distribution,
    },
  };
}

/** The processing job request, with Scheduler context attributes still in it (Scheduler fills them per run). */
export function buildScheduledProcessingJob(spec: MonitoringJobSpec, opts: ScheduledJobOptions): CreateProcessingJobRequest {
  if (!spec.captureUri) throw new UsageError('--capture-uri or --s3-prefix is required (the endpoint\'s capture location)');
  if (opts.jobNamePrefix.length > MAX_JOB_NAME_PREFIX) {
    throw new UsageError(
      `--job-name-prefix: ${JSON.stringify(opts.jobNamePrefix)} has ${opts.jobNamePrefix.length} characters; at most ` +
        `${MAX_JOB_NAME_PREFIX} leave room for Scheduler's execution id in the 63-character job name`,
    );
  }
  const inputs: ProcessingInput[] = [];
  // The trailing slash keeps endpoint "a" from also matching the capture of endpoint "a-2".
  // Read from S3 (--capture-access s3), every instance lists the whole capture and reads its share of the files
  // (the monitor deals them: monitor/state/input-distribution.ts).
  if (opts.captureAccess === 'mount') {
    inputs.push(s3Input('endpoint_input', `${joinS3(spec.captureUri, spec.endpointName)}/`, `${CAPTURE_LOCAL_PATH}/${spec.endpointName}`, captureDistribution(spec)));
  }
  const baselineEnv: Record<string, string> = {};
  if (spec.constraintsUri) {
    inputs.push(s3Input('constraints', spec.constraintsUri, CONSTRAINTS_LOCAL_DIR));
    baselineEnv.baseline_constraints = `${CONSTRAINTS_LOCAL_DIR}/${basename(spec.constraintsUri)}`;
  }
  if (spec.statisticsUri) {
    inputs.push(s3Input('statistics', spec.statisticsUri, STATISTICS_LOCAL_DIR));
    baselineEnv.baseline_statistics = `${STATISTICS_LOCAL_DIR}/${basename(spec.statisticsUri)}`;
  }
  return {
    ProcessingJobName: `${opts.jobNamePrefix}-${EXECUTION_ID}`,
    ...(inputs.length > 0 ? { ProcessingInputs: inputs } : {}),
    ProcessingOutputConfig: {
      Outputs: [
        {
          OutputName: 'report',
          S3Output: {
            S3Uri: joinS3(spec.outputUri, spec.endpointName, opts.scheduleName, SCHEDULED_TIME),
            LocalPath: OUTPUT_LOCAL_PATH,
            S3UploadMode: 'EndOfJob',
          },
        },
      ],
    },
    ProcessingResources: {
      ClusterConfig: {
        InstanceCount: spec.instanceCount,
        InstanceType: spec.instanceType as ProcessingInstanceType,
        VolumeSizeInGB: spec.volumeSizeInGb,
      },
    },
    StoppingCondition: { MaxRuntimeInSeconds: spec.maxRuntimeSeconds },
    AppSpecification: {
      ImageUri: spec.imageUri,
      ...(spec.containerArguments.length > 0 ? { ContainerArguments: spec.containerArguments } : {}),
    },
    Environment: {
      // The contract's variables, which Model Monitor would have set.
      dataset_format: CAPTURE_DATASET_FORMAT,
      dataset_source: opts.captureAccess === 'mount' ? CAPTURE_LOCAL_PATH : spec.captureUri,
      output_path: OUTPUT_LOCAL_PATH,
      // Only Model Monitor picks up the CloudWatch metrics file; a plain job publishes with PutMetricData instead.
      publish_cloudwatch_metrics: 'Disabled',
      sagemaker_endpoint_name: spec.endpointName,
      sagemaker_monitoring_schedule_name: opts.scheduleName,
      ...baselineEnv,
      ...spec.environment,
      MPM_SCHEDULED_TIME: SCHEDULED_TIME,
      MPM_CLOUDWATCH_PUT_METRIC_DATA: spec.cloudwatchMetrics ? 'Enabled' : 'Disabled',
      ...spec.extraEnvironment,
    },
    RoleArn: spec.roleArn,
  };
}
