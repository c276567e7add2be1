/**
 * @module Creates the Model Monitor schedule that runs the monitor image hourly on the endpoint's capture
 * (CreateMonitoringSchedule with an inline MonitoringJobDefinition: image, arguments, endpoint input, output,
 * baseline, environment with the ground-truth location, resources, stopping condition, role).
 */
import { CreateMonitoringScheduleCommand } from '@aws-sdk/client-sagemaker';
import { apiCall } from './lib/api-call.ts';
import { defineScript, runIfEntry } from './lib/define-script.ts';
import { MONITORING_JOB_OPTIONS, resolveMonitoringJob } from './lib/monitoring-job.ts';
import { buildCreateMonitoringSchedule } from './lib/monitoring-schedule-request.ts';
import { checkSageMakerName } from './lib/names.ts';

/** Entry of create-schedule: parses argv and returns the exit code (tests call it in-process). */
export const main = defineScript({
  name: 'create-schedule',
  summary:
    'Creates an hourly SageMaker Model Monitor schedule that runs the monitor image (bring your own container) on ' +
    'the endpoint\'s capture, with the ground-truth location in ground_truth_s3_uri_path. Each run analyses the ' +
    'previous full hour and writes its report to {output-uri}/{endpoint}/{schedule}/yyyy/mm/dd/hh/.',
  options: {
    'schedule-name': { type: 'string', describe: 'Monitoring schedule name (default {endpoint-name}-mpm)' },
    ...MONITORING_JOB_OPTIONS,
  },
  examples: [
    [
      '$0 --endpoint-name mpm-covertype --image-uri <account>.dkr.ecr.<region>.amazonaws.com/mpm-monitor:latest ' +
        '--role-arn arn:aws:iam::<account>:role/mpm-sagemaker --s3-prefix s3://my-bucket/mpm',
      'hourly schedule with the default S3 layout',
    ],
  ],
  async run(args, ctx) {
    const spec = resolveMonitoringJob(args);
    const scheduleName = checkSageMakerName(args['schedule-name'] ?? `${spec.endpointName}-mpm`, 'schedule-name');
    const call = apiCall('sagemaker', new CreateMonitoringScheduleCommand(buildCreateMonitoringSchedule(scheduleName, spec)));
    if (ctx.dryRun) {
      ctx.printPlan([call]);
      return;
    }
    const aws = await ctx.connect();
    const out = (await aws.send(call)) as { MonitoringScheduleArn?: string };
    ctx.log(`created ${out.MonitoringScheduleArn}; the first run starts at the next full hour`);
    ctx.printJson({
      monitoringScheduleName: scheduleName,
      monitoringScheduleArn: out.MonitoringScheduleArn,
      reports: `${spec.outputUri}/${spec.endpointName}/${scheduleName}/yyyy/mm/dd/hh/`,
    });
  },
});

runIfEntry(import.meta.url, main);
