/**
 * @module For accounts that cannot use Model Monitor: an EventBridge Scheduler schedule that starts the monitor
 * image as a SageMaker processing job every hour, with the same paths and variables Model Monitor would give it.
 */
import { CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { apiCall } from './lib/api-call.ts';
import { defineScript, runIfEntry } from './lib/define-script.ts';
import { MONITORING_JOB_OPTIONS, resolveMonitoringJob } from './lib/monitoring-job.ts';
import { checkRoleArn, checkSageMakerName, checkSchedulerName } from './lib/names.ts';
import { buildScheduledProcessingJob, type CaptureAccess } from './lib/processing-job-request.ts';
import { regionFromFlagsOrEnv } from './lib/aws-clients.ts';
import { buildCreateSchedule } from './lib/scheduler-request.ts';
import { NOW_OPTION, resolveNow } from './lib/clock.ts';

/** Entry of create-scheduler-job: parses argv and returns the exit code (tests call it in-process). */
export const main = defineScript({
  name: 'create-scheduler-job',
  summary:
    'Creates an EventBridge Scheduler schedule that runs the monitor image hourly as a SageMaker processing job ' +
    '(universal target sagemaker:createProcessingJob), for accounts without Model Monitor. Each job gets ' +
    'MPM_SCHEDULED_TIME (the time it was due) and analyses the previous full hour; its report goes to ' +
    '{output-uri}/{endpoint}/{schedule}/{scheduled time}/.',
  options: {
    'schedule-name': { type: 'string', describe: 'Schedule name (default {endpoint-name}-mpm); also the job name prefix' },
    'group-name': { type: 'string', default: 'default', describe: 'Schedule group' },
    'scheduler-role-arn': {
      type: 'string',
      demandOption: true,
      describe: 'Role EventBridge Scheduler assumes: sagemaker:CreateProcessingJob and iam:PassRole on --role-arn',
    },
    'job-name-prefix': { type: 'string', describe: 'Processing job name prefix, at most 40 characters (default: the schedule name)' },
    'capture-access': {
      type: 'string',
      choices: ['mount', 's3'] as const,
      default: 'mount',
      describe: 'mount: download the endpoint\'s whole capture before each job; s3: the monitor reads only the window from S3',
    },
    ...MONITORING_JOB_OPTIONS,
    ...NOW_OPTION,
  },
  examples: [
    [
      '$0 --endpoint-name mpm-covertype --image-uri <ecr>/mpm-monitor:latest --role-arn <sagemaker role> ' +
        '--scheduler-role-arn <scheduler role> --s3-prefix s3://my-bucket/mpm',
      'hourly processing job with the default S3 layout',
    ],
  ],
  async run(args, ctx) {
    const spec = resolveMonitoringJob(args);
    const scheduleName = checkSchedulerName(args['schedule-name'] ?? `${spec.endpointName}-mpm`, 'schedule-name');
    const jobNamePrefix = checkSageMakerName(args['job-name-prefix'] ?? scheduleName, 'job-name-prefix');
    const job = buildScheduledProcessingJob(spec, {
      scheduleName,
      jobNamePrefix,
      captureAccess: args['capture-access'] as CaptureAccess,
    });
    const schedulerRoleArn = checkRoleArn(args['scheduler-role-arn'], 'scheduler-role-arn');
    const groupName = checkSchedulerName(args['group-name'], 'group-name');
    const now = resolveNow(args.now);
    const build = (region: string | undefined) =>
      apiCall(
        'scheduler',
        new CreateScheduleCommand(
          buildCreateSchedule(
            {
              name: scheduleName,
              groupName,
              scheduleExpression: spec.scheduleExpression,
              schedulerRoleArn,
              region,
              description: `mpm model-quality monitor for endpoint ${spec.endpointName} (processing job per run)`,
              now,
            },
            job,
          ),
        ),
      );
    if (ctx.dryRun) {
      // Target.Input is a JSON string; the decoded copy is there for reading only.
      ctx.printPlan([build(regionFromFlagsOrEnv({ region: args.region }, ctx.io.env))], { decodedTargetInput: job });
      return;
    }
    const aws = await ctx.connect();
    const out = (await aws.send(build(aws.region))) as { ScheduleArn?: string };
    ctx.log(`created ${out.ScheduleArn}; the first job starts at the next scheduled time`);
    ctx.printJson({
      scheduleName,
      scheduleArn: out.ScheduleArn,
      processingJobNames: `${jobNamePrefix}-<execution id>`,
      reports: `${spec.outputUri}/${spec.endpointName}/${scheduleName}/<scheduled time>/`,
    });
  },
});

runIfEntry(import.meta.url, main);
