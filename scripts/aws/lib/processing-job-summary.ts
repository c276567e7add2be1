/**
 * @module What a person wants to see of one monitoring run: status, the monitor's exit message ("Completed: ..." or
 * "CompletedWithViolations: ...") and where the report went. Shared by both describe scripts.
 */
import { DescribeProcessingJobCommand, type DescribeProcessingJobCommandOutput } from '@aws-sdk/client-sagemaker';
import { apiCall } from './api-call.ts';
import type { AwsClients } from './aws-clients.ts';

/** One run as a person reads it. */
export interface RunDetails {
  processingJobStatus?: string;
  exitMessage?: string;
  failureReason?: string;
  report?: string;
}

/** The job name of a processing job ARN (arn:aws:sagemaker:<region>:<account>:processing-job/<name>). */
export function jobNameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** DescribeProcessingJob, reduced to the fields a person reads. */
export async function describeRun(aws: AwsClients, jobName: string): Promise<RunDetails> {
  const job = (await aws.send(
    apiCall('sagemaker', new DescribeProcessingJobCommand({ ProcessingJobName: jobName })),
  )) as DescribeProcessingJobCommandOutput;
  const report = job.ProcessingOutputConfig?.Outputs?.[0]?.S3Output?.S3Uri;
  return {
    processingJobStatus: job.ProcessingJobStatus,
    ...(job.ExitMessage ? { exitMessage: job.ExitMessage } : {}),
    ...(job.FailureReason ? { failureReason: job.FailureReason } : {}),
    ...(report ? { report } : {}),
  };
}
