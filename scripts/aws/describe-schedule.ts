/**
 * @module Shows a Model Monitor schedule and its latest executions: DescribeMonitoringSchedule,
 * ListMonitoringExecutions and, per execution, DescribeProcessingJob for the monitor's exit message and report.
 */
import {
  DescribeMonitoringScheduleCommand,
  type DescribeMonitoringScheduleCommandOutput,
  ListMonitoringExecutionsCommand,
  type ListMonitoringExecutionsCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { apiCall } from './lib/api-call.ts';
import { defineScript, runIfEntry } from './lib/define-script.ts';
import { UsageError } from './lib/errors.ts';
import { checkSageMakerName } from './lib/names.ts';
import { describeRun, jobNameOfArn } from './lib/processing-job-summary.ts';
import { SCHEDULE_NAME_OPTIONS, scheduleNameFrom } from './lib/schedule-name.ts';

/** Entry of describe-schedule: parses argv and returns the exit code (tests call it in-process). */
export const main = defineScript({
  name: 'describe-schedule',
  summary:
    'Shows a Model Monitor schedule and its latest executions, newest first, each with the monitor\'s exit message ' +
    '("Completed: ..." or "CompletedWithViolations: ...") and the S3 folder of its report.',
  options: {
    ...SCHEDULE_NAME_OPTIONS,
    executions: { type: 'number', default: 10, describe: 'How many executions to list (1-100)' },
    'job-details': { type: 'boolean', default: true, describe: 'Describe each execution\'s processing job (exit message, report)' },
  },
  async run(args, ctx) {
    const scheduleName = checkSageMakerName(scheduleNameFrom(args), 'schedule-name');
    const max = args.executions;
    if (!Number.isInteger(max) || max < 1 || max > 100) throw new UsageError(`--executions: ${max} is not a whole number from 1 to 100`);
    const calls = [
      apiCall('sagemaker', new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: scheduleName })),
      apiCall(
        'sagemaker',
        new ListMonitoringExecutionsCommand({
          MonitoringScheduleName: scheduleName,
          SortBy: 'ScheduledTime',
          SortOrder: 'Descending',
          MaxResults: max,
        }),
      ),
    ];
    if (ctx.dryRun) {
      ctx.printPlan(calls, args['job-details'] ? { thenForEachExecution: 'DescribeProcessingJob {ProcessingJobName}' } : {});
      return;
    }
    const aws = await ctx.connect();
    const schedule = (await aws.send(calls[0]!)) as DescribeMonitoringScheduleCommandOutput;
    const listed = (await aws.send(calls[1]!)) as ListMonitoringExecutionsCommandOutput;
    const executions = [];
    for (const execution of listed.MonitoringExecutionSummaries ?? []) {
      const jobName = execution.ProcessingJobArn ? jobNameOfArn(execution.ProcessingJobArn) : undefined;
      executions.push({
        scheduledTime: execution.ScheduledTime,
        status: execution.MonitoringExecutionStatus,
        ...(jobName ? { processingJob: jobName } : {}),
        ...(execution.FailureReason ? { failureReason: execution.FailureReason } : {}),
        ...(jobName && args['job-details'] ? await describeRun(aws, jobName) : {}),
      });
    }
    const definition = schedule.MonitoringScheduleConfig?.MonitoringJobDefinition;
    ctx.printJson({
      schedule: {
        name: schedule.MonitoringScheduleName,
        status: schedule.MonitoringScheduleStatus,
        expression: schedule.MonitoringScheduleConfig?.ScheduleConfig?.ScheduleExpression,
        endpoint: schedule.EndpointName,
        image: definition?.MonitoringAppSpecification?.ImageUri,
        ...(schedule.FailureReason ? { failureReason: schedule.FailureReason } : {}),
      },
      executions,
    });
  },
});

runIfEntry(import.meta.url, main);
