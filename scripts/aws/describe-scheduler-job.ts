/**
 * @module Shows an EventBridge Scheduler monitoring schedule (GetSchedule) and the processing jobs it started
 * (ListProcessingJobs by name prefix, then DescribeProcessingJob for exit message and report).
 */
import { ListProcessingJobsCommand, type ListProcessingJobsCommandOutput } from '@aws-sdk/client-sagemaker';
import { GetScheduleCommand, type GetScheduleCommandOutput } from '@aws-sdk/client-scheduler';
import { apiCall } from './lib/api-call.ts';
import { defineScript, runIfEntry } from './lib/define-script.ts';
import { UsageError } from './lib/errors.ts';
import { checkSageMakerName, checkSchedulerName } from './lib/names.ts';
import { describeRun } from './lib/processing-job-summary.ts';
import { SCHEDULE_NAME_OPTIONS, scheduleNameFrom } from './lib/schedule-name.ts';

/** Entry of describe-scheduler-job: parses argv and returns the exit code (tests call it in-process). */
export const main = defineScript({
  name: 'describe-scheduler-job',
  summary:
    'Shows an EventBridge Scheduler monitoring schedule and the latest processing jobs it started, newest first, ' +
    'each with the monitor\'s exit message and the S3 folder of its report.',
  options: {
    ...SCHEDULE_NAME_OPTIONS,
    'group-name': { type: 'string', default: 'default', describe: 'Schedule group' },
    'job-name-prefix': { type: 'string', describe: 'Processing job name prefix (default: the schedule name)' },
    jobs: { type: 'number', default: 10, describe: 'How many jobs to list (1-100)' },
    'job-details': { type: 'boolean', default: true, describe: 'Describe each job (exit message, report)' },
  },
  async run(args, ctx) {
    const scheduleName = checkSchedulerName(scheduleNameFrom(args), 'schedule-name');
    const groupName = checkSchedulerName(args['group-name'], 'group-name');
    const prefix = checkSageMakerName(args['job-name-prefix'] ?? scheduleName, 'job-name-prefix');
    const max = args.jobs;
    if (!Number.isInteger(max) || max < 1 || max > 100) throw new UsageError(`--jobs: ${max} is not a whole number from 1 to 100`);
    const calls = [
      apiCall('scheduler', new GetScheduleCommand({ Name: scheduleName, GroupName: groupName })),
      apiCall(
        'sagemaker',
        new ListProcessingJobsCommand({
          // NameContains matches anywhere in the name; the prefix check below keeps only this schedule's jobs.
          NameContains: `${prefix}-`,
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
          MaxResults: max,
        }),
      ),
    ];
    if (ctx.dryRun) {
      ctx.printPlan(calls, args['job-details'] ? { thenForEachJob: 'DescribeProcessingJob {ProcessingJobName}' } : {});
      return;
    }
    const aws = await ctx.connect();
    const schedule = (await aws.send(calls[0]!)) as GetScheduleCommandOutput;
    const listed = (await aws.send(calls[1]!)) as ListProcessingJobsCommandOutput;
    const jobs = [];
    for (const job of listed.ProcessingJobSummaries ?? []) {
      const name = job.ProcessingJobName ?? '';
      if (!name.toLowerCase().startsWith(`${prefix}-`.toLowerCase())) continue;
      jobs.push({
        processingJob: name,
        creationTime: job.CreationTime,
        status: job.ProcessingJobStatus,
        ...(args['job-details'] ? await describeRun(aws, name) : {}),
      });
    }
    ctx.printJson({
      schedule: {
        name: schedule.Name,
        group: schedule.GroupName,
        state: schedule.State,
        expression: schedule.ScheduleExpression,
        timezone: schedule.ScheduleExpressionTimezone,
        target: schedule.Target?.Arn,
      },
      jobs,
    });
  },
});

runIfEntry(import.meta.url, main);
