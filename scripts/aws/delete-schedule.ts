/**
 * @module Deletes a Model Monitor schedule. With --wait it polls until the schedule is gone, after which the
 * endpoint can be deleted (SageMaker refuses while a schedule still monitors it).
 */
import { DeleteMonitoringScheduleCommand, DescribeMonitoringScheduleCommand } from '@aws-sdk/client-sagemaker';
import type { DescribeMonitoringScheduleCommandOutput } from '@aws-sdk/client-sagemaker';
import { apiCall } from './lib/api-call.ts';
import { defineScript, runIfEntry } from './lib/define-script.ts';
import { checkSageMakerName } from './lib/names.ts';
import { isNotFound } from './lib/not-found.ts';
import { pollUntil } from './lib/poll.ts';
import { SCHEDULE_NAME_OPTIONS, scheduleNameFrom } from './lib/schedule-name.ts';

/** Entry of delete-schedule: parses argv and returns the exit code (tests call it in-process). */
export const main = defineScript({
  name: 'delete-schedule',
  summary: 'Deletes a Model Monitor schedule (a schedule already gone is not an error). Reports stay in S3.',
  options: {
    ...SCHEDULE_NAME_OPTIONS,
    wait: { type: 'boolean', default: false, describe: 'Wait until the schedule is gone (needed before delete-endpoint)' },
    'wait-timeout': { type: 'number', default: 600, describe: 'Seconds --wait gives up after' },
  },
  async run(args, ctx) {
    const scheduleName = checkSageMakerName(scheduleNameFrom(args), 'schedule-name');
    const call = apiCall('sagemaker', new DeleteMonitoringScheduleCommand({ MonitoringScheduleName: scheduleName }));
    if (ctx.dryRun) {
      ctx.printPlan([call], args.wait ? { thenUntilNotFound: 'DescribeMonitoringSchedule {MonitoringScheduleName}' } : {});
      return;
    }
    const aws = await ctx.connect();
    try {
      await aws.send(call);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      ctx.log(`schedule ${scheduleName} not found, nothing to delete`);
      ctx.printJson({ monitoringScheduleName: scheduleName, result: 'not found' });
      return;
    }
    ctx.log(`deleting schedule ${scheduleName}`);
    if (args.wait) {
      const describe = apiCall('sagemaker', new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: scheduleName }));
      await pollUntil(
        async () => {
          try {
            const out = (await aws.send(describe)) as DescribeMonitoringScheduleCommandOutput;
            return { state: out.MonitoringScheduleStatus ?? 'unknown' };
          } catch (err) {
            if (isNotFound(err)) return { done: true };
            throw err;
          }
        },
        { what: `schedule ${scheduleName} deletion`, timeoutSeconds: args['wait-timeout'], intervalSeconds: 10 },
      );
      ctx.log(`schedule ${scheduleName} is gone`);
    }
    ctx.printJson({ monitoringScheduleName: scheduleName, result: args.wait ? 'deleted' : 'deleting' });
  },
});

runIfEntry(import.meta.url, main);
