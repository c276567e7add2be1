/**
 * @module The flag sets the golden and loopback tests share: one realistic invocation per script (and a few
 * variants), with fixed names, times and paths so that the output is deterministic.
 */
import { main as createSchedule } from '../../scripts/aws/create-schedule.ts';
import { main as createSchedulerJob } from '../../scripts/aws/create-scheduler-job.ts';
import { main as deleteEndpoint } from '../../scripts/aws/delete-endpoint.ts';
import { main as deleteSchedule } from '../../scripts/aws/delete-schedule.ts';
import { main as deleteSchedulerJob } from '../../scripts/aws/delete-scheduler-job.ts';
import { main as deployEndpoint } from '../../scripts/aws/deploy-endpoint.ts';
import { main as describeSchedule } from '../../scripts/aws/describe-schedule.ts';
import { main as describeSchedulerJob } from '../../scripts/aws/describe-scheduler-job.ts';
import { main as invokeEndpoint } from '../../scripts/aws/invoke-endpoint.ts';
import type { ScriptMain } from '../../scripts/aws/lib/define-script.ts';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const ENDPOINT = 'mpm-covertype';
export const PREFIX = 's3://my-bucket/mpm';
export const SERVING_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/mpm-serving:1.0`;
export const MONITOR_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/mpm-monitor:1.0`;
export const SAGEMAKER_ROLE = `arn:aws:iam::${ACCOUNT}:role/mpm-sagemaker`;
export const SCHEDULER_ROLE = `arn:aws:iam::${ACCOUNT}:role/mpm-scheduler`;
export const RECORDS_CSV = 'test/fixtures/aws-dry-run/records.csv';
export const NOW = '2024-05-02T13:20:00Z';

export interface ScriptCase {
  /** Golden file name without .json. */
  name: string;
  main: ScriptMain;
  argv: string[];
}

const monitoringArgs = ['--endpoint-name', ENDPOINT, '--image-uri', MONITOR_IMAGE, '--role-arn', SAGEMAKER_ROLE, '--s3-prefix', PREFIX];

export const CASES: ScriptCase[] = [
  {
    name: 'deploy-endpoint',
    main: deployEndpoint,
    argv: ['--endpoint-name', ENDPOINT, '--image-uri', SERVING_IMAGE, '--role-arn', SAGEMAKER_ROLE,
      '--model-data-url', `${PREFIX}/model/model.tar.gz`, '--s3-prefix', PREFIX, '--region', REGION],
  },
  {
    name: 'invoke-endpoint',
    main: invokeEndpoint,
    argv: ['--endpoint-name', ENDPOINT, '--data-file', RECORDS_CSV, '--records-per-request', '2', '--requests', '3',
      '--s3-prefix', PREFIX, '--now', NOW, '--region', REGION],
  },
  {
    name: 'invoke-endpoint-local-ground-truth',
    main: invokeEndpoint,
    argv: ['--endpoint-name', ENDPOINT, '--data-file', RECORDS_CSV, '--records-per-request', '5',
      '--ground-truth-uri', 'ground-truth/mpm-covertype', '--run-id', 'demo', '--now', NOW, '--region', REGION],
  },
  { name: 'delete-endpoint', main: deleteEndpoint, argv: ['--endpoint-name', ENDPOINT, '--region', REGION] },
  {
    name: 'create-schedule',
    main: createSchedule,
    argv: [...monitoringArgs, '--statistics-uri', `${PREFIX}/baseline/statistics.json`, '--create-violation-tests', '--region', REGION],
  },
  {
    name: 'create-schedule-binary-no-baseline',
    main: createSchedule,
    argv: [...monitoringArgs, '--schedule-name', 'churn-quality', '--problem-type', 'BinaryClassification',
      '--inference-attribute', '$.label', '--probability-attribute', '$.score', '--probability-threshold', '0.5',
      '--no-baseline', '--no-cloudwatch-metrics', '--env', 'MPM_LOG_LEVEL=debug', '--region', REGION],
  },
  {
    name: 'create-schedule-three-instances',
    main: createSchedule,
    argv: [...monitoringArgs, '--schedule-name', 'covertype-sharded', '--instance-count', '3', '--max-runtime', '2400', '--region', REGION],
  },
  {
    name: 'create-schedule-delayed-evaluation',
    main: createSchedule,
    argv: [...monitoringArgs, '--evaluation-delay-hours', '24', '--region', REGION],
  },
  { name: 'describe-schedule', main: describeSchedule, argv: ['--endpoint-name', ENDPOINT, '--executions', '5', '--region', REGION] },
  { name: 'delete-schedule', main: deleteSchedule, argv: ['--endpoint-name', ENDPOINT, '--wait', '--region', REGION] },
  {
    name: 'create-scheduler-job',
    main: createSchedulerJob,
    argv: [...monitoringArgs, '--scheduler-role-arn', SCHEDULER_ROLE, '--create-violation-tests', '--now', NOW, '--region', REGION],
  },
  {
    name: 'create-scheduler-job-three-instances',
    main: createSchedulerJob,
    argv: [...monitoringArgs, '--scheduler-role-arn', SCHEDULER_ROLE, '--instance-count', '3', '--state-uri', 's3://other-bucket/mpm-state', '--now', NOW, '--region', REGION],
  },
  {
    name: 'create-scheduler-job-s3-capture-china',
    main: createSchedulerJob,
    argv: [...monitoringArgs, '--scheduler-role-arn', SCHEDULER_ROLE, '--capture-access', 's3', '--group-name', 'mpm',
      '--job-name-prefix', 'mpm-q', '--now', NOW, '--region', 'cn-north-1'],
  },
  {
    name: 'create-scheduler-job-delayed-evaluation',
    main: createSchedulerJob,
    argv: [...monitoringArgs, '--scheduler-role-arn', SCHEDULER_ROLE, '--capture-access', 's3', '--evaluation-delay-hours', '6',
      '--prediction-store-uri', 's3://store-bucket/predictions/', '--now', NOW, '--region', REGION],
  },
  {
    name: 'create-scheduler-job-store-only',
    main: createSchedulerJob,
    argv: [...monitoringArgs, '--scheduler-role-arn', SCHEDULER_ROLE, '--prediction-store-uri', 's3://store-bucket/predictions', '--now', NOW, '--region', REGION],
  },
  { name: 'describe-scheduler-job', main: describeSchedulerJob, argv: ['--endpoint-name', ENDPOINT, '--region', REGION] },
  { name: 'delete-scheduler-job', main: deleteSchedulerJob, argv: ['--endpoint-name', ENDPOINT, '--now', NOW, '--region', REGION] },
];

/** The case of a given name. */
export function scriptCase(name: string): ScriptCase {
  const found = CASES.find((c) => c.name === name);
  if (!found) throw new Error(`no case ${name}`);
  return found;
}
