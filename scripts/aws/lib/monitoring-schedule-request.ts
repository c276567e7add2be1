/**
 * @module CreateMonitoringSchedule for our image: an inline MonitoringJobDefinition, as the blog post's Python SDK
 * `ModelMonitor(image_uri=...)` sends it. No MonitoringType is sent: SageMaker records an inline definition as
 * DataQuality, which only decides how the console files it. A ModelQuality type would need a named
 * CreateModelQualityJobDefinition, whose ground-truth merge expects one label per inference (see docs/aws.md).
 */
import type { CreateMonitoringScheduleRequest, ProcessingInstanceType } from '@aws-sdk/client-sagemaker';
import { CAPTURE_LOCAL_PATH, OUTPUT_LOCAL_PATH } from './container-paths.ts';
import { captureDistribution, type MonitoringJobSpec } from './monitoring-job.ts';

/** The request that creates the hourly schedule `scheduleName` running `spec`. */
export function buildCreateMonitoringSchedule(scheduleName: string, spec: MonitoringJobSpec): CreateMonitoringScheduleRequest {
  const baseline =
    spec.constraintsUri || spec.statisticsUri
      ? {
          BaselineConfig: {
            ...(spec.constraintsUri ? { ConstraintsResource: { S3Uri: spec.constraintsUri } } : {}),
            ...(spec.statisticsUri ? { StatisticsResource: { S3Uri: spec.statisticsUri } } : {}),
          },
        }
      : {};
  return {
    MonitoringScheduleName: scheduleName,
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: spec.scheduleExpression },
      MonitoringJobDefinition: {
        ...baseline,
        MonitoringInputs: [
          {
            EndpointInput: {
              EndpointName: spec.endpointName,
              LocalPath: CAPTURE_LOCAL_PATH,
              S3InputMode: 'File',
              // Several instances: each reads its shard of the capture files; all read the labels (MPM_STATE_URI set).
              S3DataDistributionType: captureDistribution(spec),
            },
          },
        ],
        MonitoringOutputConfig: {
          MonitoringOutputs: [{ S3Output: { S3Uri: spec.outputUri, LocalPath: OUTPUT_LOCAL_PATH, S3UploadMode: 'EndOfJob' } }],
        },
        MonitoringResources: {
          ClusterConfig: {
            InstanceCount: spec.instanceCount,
            InstanceType: spec.instanceType as ProcessingInstanceType,
            VolumeSizeInGB: spec.volumeSizeInGb,
          },
        },
        MonitoringAppSpecification: {
          ImageUri: spec.imageUri,
          ...(spec.containerArguments.length > 0 ? { ContainerArguments: spec.containerArguments } : {}),
        },
        StoppingCondition: { MaxRuntimeInSeconds: spec.maxRuntimeSeconds },
        // Model Monitor sets dataset_source, output_path, start_time, end_time, baseline_* and the endpoint and
        // schedule names itself; publish_cloudwatch_metrics is ours to set for a custom image.
        Environment: {
          ...spec.environment,
          publish_cloudwatch_metrics: spec.cloudwatchMetrics ? 'Enabled' : 'Disabled',
          ...spec.extraEnvironment,
        },
        RoleArn: spec.roleArn,
      },
    },
  };
}
