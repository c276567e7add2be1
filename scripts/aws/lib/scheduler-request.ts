/**
 * @module CreateSchedule (EventBridge Scheduler) with a universal target that calls SageMaker CreateProcessingJob,
 * and the partition-aware target ARN. The ClientToken is a hash of the request and the run's time (--now): stable
 * in dry-run output, yet different for a schedule re-created later, which a pure content hash would make Scheduler
 * treat as a replay of the first create.
 */
import { createHash } from 'node:crypto';
import type { CreateProcessingJobRequest } from '@aws-sdk/client-sagemaker';
import type { CreateScheduleInput } from '@aws-sdk/client-scheduler';

/** The Scheduler side of create-scheduler-job. */
export interface ScheduleOptions {
  name: string;
  /** Default "default". */
  groupName: string;
  /** e.g. cron(0 * ? * * *); evaluated in UTC. */
  scheduleExpression: string;
  /** Role EventBridge Scheduler assumes to call CreateProcessingJob (and pass the job's role). */
  schedulerRoleArn: string;
  /** Region of the schedule, for the partition of the target ARN (aws, aws-cn, aws-us-gov). */
  region: string | undefined;
  description: string;
  /** The run's time (--now), mixed into the ClientToken. */
  now: Date;
}

/** The partition of a region: aws-cn for cn-*, aws-us-gov for us-gov-*, else aws. */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Universal target ARN of SageMaker CreateProcessingJob. */
export function createProcessingJobTargetArn(region: string | undefined): string {
  return `arn:${partitionOf(region)}:scheduler:::aws-sdk:sagemaker:createProcessingJob`;
}

/** A ClientToken from the request content and the run's time: hex, 64 characters (Scheduler's maximum). */
export function clientToken(content: unknown, now: Date): string {
  return createHash('sha256').update(JSON.stringify(content)).update(now.toISOString()).digest('hex').slice(0, 64);
}

/** CreateSchedule: hourly in UTC, no flexible window, the processing job request as the universal target's Input. */
export function buildCreateSchedule(opts: ScheduleOptions, job: CreateProcessingJobRequest): CreateScheduleInput {
  const input: CreateScheduleInput = {
    Name: opts.name,
    GroupName: opts.groupName,
    ScheduleExpression: opts.scheduleExpression,
    ScheduleExpressionTimezone: 'UTC',
    // OFF: fire at the scheduled time itself, so that the scheduled time names the hour just finished.
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: {
      Arn: createProcessingJobTargetArn(opts.region),
      RoleArn: opts.schedulerRoleArn,
      Input: JSON.stringify(job),
      // A few retries within the hour; later ones would overlap the next run. A retry keeps the scheduled time
      // (same window) and gets a new execution id (new job name).
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3300 },
    },
    State: 'ENABLED',
    Description: opts.description,
  };
  return { ...input, ClientToken: clientToken(input, opts.now) };
}
