/**
 * @module Deletes the EventBridge Scheduler schedule create-scheduler-job made. Jobs already started run to their
 * end; reports stay in S3.
 */
import { DeleteScheduleCommand } from '@aws-sdk/client-scheduler';
import { apiCall } from './lib/api-call.ts';
import { NOW_OPTION, resolveNow } from './lib/clock.ts';
import { defineScript, runIfEntry } from './lib/define-script.ts';
import { checkSchedulerName } from './lib/names.ts';
import { isNotFound } from './lib/not-found.ts';
import { SCHEDULE_NAME_OPTIONS, scheduleNameFrom } from './lib/schedule-name.ts';
import { clientToken } from './lib/scheduler-request.ts';

/** Entry of delete-scheduler-job: parses argv and returns the exit code (tests call it in-process). */
export const main = defineScript({
  name: 'delete-scheduler-job',
  summary: 'Deletes an EventBridge Scheduler monitoring schedule (a schedule already gone is not an error).',
  options: {
    ...SCHEDULE_NAME_OPTIONS,
    'group-name': { type: 'string', default: 'default', describe: 'Schedule group' },
    ...NOW_OPTION,
  },
  async run(args, ctx) {
    const name = checkSchedulerName(scheduleNameFrom(args), 'schedule-name');
    const groupName = checkSchedulerName(args['group-name'], 'group-name');
    const input = { Name: name, GroupName: groupName };
    const call = apiCall(
      'scheduler',
      new DeleteScheduleCommand({ ...input, ClientToken: clientToken(input, resolveNow(args.now)) }),
    );
    if (ctx.dryRun) {
      ctx.printPlan([call]);
      return;
    }
    const aws = await ctx.connect();
    try {
      await aws.send(call);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      ctx.log(`schedule ${groupName}/${name} not found, nothing to delete`);
      ctx.printJson({ scheduleName: name, groupName, result: 'not found' });
      return;
    }
    ctx.log(`deleted schedule ${groupName}/${name}`);
    ctx.printJson({ scheduleName: name, groupName, result: 'deleted' });
  },
});

runIfEntry(import.meta.url, main);
