/**
 * The real SDK v3 clients, driven by the scripts, send to a loopback server; each captured request is decoded back
 * into its operation's input and checked field by field: the protocol (AWS JSON 1.1 with X-Amz-Target for SageMaker,
 * REST for Runtime, Scheduler and S3), the SigV4 scope, the API's required members, and equality with what --dry-run
 * printed for the same flags.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FEATURE_NAMES } from '../../scripts/covertype/generate.ts';
import { main as invokeEndpoint } from '../../scripts/aws/invoke-endpoint.ts';
import { substituteContext } from '../../scripts/aws/lib/scheduler-context.ts';
import { ENDPOINT, NOW, RECORDS_CSV, REGION, scriptCase, type ScriptCase } from './cases.ts';
import { operationSchema, startLoopbackAws, type DecodedRequest, type FakeResponse, type LoopbackAws } from './helpers/loopback-aws.ts';
import { runScript, stubFakeCredentials } from './helpers/run-script.ts';
import { checkAgainstSchema, operationInput, requiredMembers } from './helpers/schema-check.ts';

let aws: LoopbackAws;

beforeAll(async () => {
  aws = await startLoopbackAws();
});
afterAll(async () => {
  await aws.close();
});
beforeEach(() => {
  aws.reset();
  stubFakeCredentials();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Runs a case for real against the loopback server; returns the run and the decoded requests. */
async function sendCase(c: ScriptCase, extra: string[] = []) {
  const run = await runScript(c.main, [...c.argv, ...extra, '--endpoint-url', aws.url]);
  return { run, requests: [...aws.requests] };
}

/** The inputs --dry-run prints for the same flags. */
async function dryRunInputs(c: ScriptCase, extra: string[] = []) {
  const run = await runScript(c.main, [...c.argv, ...extra, '--dry-run']);
  return (JSON.parse(run.stdout) as { requests: { service: string; operation: string; input: unknown }[] }).requests;
}

function expectFitsModel(request: DecodedRequest): void {
  const input = operationInput(operationSchema(request.service, request.operation));
  expect(checkAgainstSchema(input, request.input), `${request.operation}`).toEqual([]);
  for (const member of requiredMembers(input)) expect(request.input, `${request.operation}.${member}`).toHaveProperty(member);
}

function expectAwsJson(request: DecodedRequest, operation: string): void {
  expect(request.raw.method).toBe('POST');
  expect(request.raw.path).toBe('/');
  expect(request.raw.headers['x-amz-target']).toBe(`SageMaker.${operation}`);
  expect(request.raw.headers['content-type']).toBe('application/x-amz-json-1.1');
  expect(request.signing).toEqual({ service: 'sagemaker', region: REGION });
}

/** What the wire carried equals what --dry-run printed, request by request. */
async function expectSameAsDryRun(c: ScriptCase, requests: DecodedRequest[], extra: string[] = []): Promise<void> {
  const planned = await dryRunInputs(c, extra);
  expect(requests.slice(0, planned.length).map((r) => ({ service: r.service, operation: r.operation, input: r.input }))).toEqual(planned);
}

describe('deploy-endpoint', () => {
  const c = scriptCase('deploy-endpoint');

  it('sends CreateModel, CreateEndpointConfig (with data capture) and CreateEndpoint as AWS JSON 1.1', async () => {
    const { run, requests } = await sendCase(c);
    expect(run.stderr).toContain('created arn:aws:sagemaker:us-east-1:123456789012:endpoint/mpm-covertype');
    expect(run.code).toBe(0);
    expect(requests.map((r) => r.operation)).toEqual(['CreateModel', 'CreateEndpointConfig', 'CreateEndpoint']);
    requests.forEach((r) => {
      expectAwsJson(r, r.operation);
      expectFitsModel(r);
    });

    const [model, config, endpoint] = requests.map((r) => r.input as Record<string, any>);
    expect(model!.ModelName).toBe('mpm-covertype-model');
    expect(model!.ExecutionRoleArn).toBe('arn:aws:iam::123456789012:role/mpm-sagemaker');
    expect(model!.PrimaryContainer).toEqual({
      Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/mpm-serving:1.0',
      Mode: 'SingleModel',
      ModelDataUrl: 's3://my-bucket/mpm/model/model.tar.gz',
    });

    expect(config!.EndpointConfigName).toBe('mpm-covertype-config');
    expect(config!.ProductionVariants).toHaveLength(1);
    const variant = config!.ProductionVariants[0];
    expect(variant.VariantName).toBe('AllTraffic');
    expect(variant.ModelName).toBe('mpm-covertype-model');
    expect(variant.InstanceType).toBe('ml.m5.large');
    expect(variant.InitialInstanceCount).toBe(1);
    const capture = config!.DataCaptureConfig;
    expect(capture.EnableCapture).toBe(true);
    expect(capture.InitialSamplingPercentage).toBe(100);
    expect(capture.DestinationS3Uri).toBe('s3://my-bucket/mpm/data-capture');
    expect(capture.CaptureOptions).toEqual([{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }]);
    expect(capture.CaptureContentTypeHeader).toEqual({ CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] });

    expect(endpoint).toEqual({ EndpointName: 'mpm-covertype', EndpointConfigName: 'mpm-covertype-config' });
    await expectSameAsDryRun(c, requests);
    expect(JSON.parse(run.stdout)).toMatchObject({ endpointName: ENDPOINT, status: 'Creating' });
  });

  it('--wait polls DescribeEndpoint until InService', async () => {
    const { run, requests } = await sendCase(c, ['--wait']);
    expect(run.code).toBe(0);
    expect(requests.map((r) => r.operation)).toEqual(['CreateModel', 'CreateEndpointConfig', 'CreateEndpoint', 'DescribeEndpoint']);
    expect(requests[3]!.input).toEqual({ EndpointName: ENDPOINT });
    expect(JSON.parse(run.stdout).status).toBe('InService');
  });

  it('--wait fails with the endpoint\'s FailureReason', async () => {
    aws.respond('sagemaker', 'DescribeEndpoint', () => ({
      json: { EndpointName: ENDPOINT, EndpointArn: 'arn:x', EndpointStatus: 'Failed', FailureReason: 'The primary container did not pass the ping health check.', CreationTime: 1, LastModifiedTime: 1 },
    }));
    const { run } = await sendCase(c, ['--wait']);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('deploy-endpoint: endpoint mpm-covertype: Failed: The primary container did not pass the ping health check.');
  });

  it('stops at the first API error and names the operation and AWS\'s error', async () => {
    aws.respond('sagemaker', 'CreateEndpointConfig', () => ({
      status: 400,
      json: { __type: 'ValidationException', message: 'Cannot create already existing endpoint configuration "mpm-covertype-config".' },
    }));
    const { run, requests } = await sendCase(c);
    expect(run.code).toBe(4);
    expect(run.stderr).toBe(
      'deploy-endpoint: created arn:aws:sagemaker:us-east-1:123456789012:model/mpm-covertype-model\n' +
        'deploy-endpoint: CreateEndpointConfig (sagemaker) failed: ValidationException: Cannot create already existing endpoint configuration "mpm-covertype-config".\n',
    );
    expect(requests.map((r) => r.operation)).toEqual(['CreateModel', 'CreateEndpointConfig']);
  });
});

describe('invoke-endpoint', () => {
  const c = scriptCase('invoke-endpoint');

  it('sends each batch as a REST InvokeEndpoint with its InferenceId, then PUTs the ground truth to S3', async () => {
    const { run, requests } = await sendCase(c, ['--concurrency', '1']);
    expect(run.stderr).toContain('3 of 3 requests answered, 5 predictions');
    expect(run.code).toBe(0);
    expect(requests.map((r) => `${r.service}:${r.operation}`)).toEqual([
      'sagemaker-runtime:InvokeEndpoint',
      'sagemaker-runtime:InvokeEndpoint',
      'sagemaker-runtime:InvokeEndpoint',
      's3:PutObject',
    ]);
    requests.forEach(expectFitsModel);

    const invokes = requests.slice(0, 3);
    invokes.forEach((r, i) => {
      expect(r.raw.method).toBe('POST');
      expect(r.raw.path).toBe('/endpoints/mpm-covertype/invocations');
      expect(r.raw.headers['content-type']).toBe('application/json');
      expect(r.raw.headers.accept).toBe('application/json');
      expect(r.raw.headers['x-amzn-sagemaker-inference-id']).toBe(`20240502T132000Z-${i}`);
      // SageMaker Runtime signs as "sagemaker".
      expect(r.signing).toEqual({ service: 'sagemaker', region: REGION });
    });
    // 5 records in batches of 2: the label column stays out of the payload.
    expect(invokes.map((r) => JSON.parse(String(r.input.Body)))).toEqual([
      [{ Elevation: 2596, Aspect: 51, Slope: 3 }, { Elevation: 2590, Aspect: 56, Slope: 2 }],
      [{ Elevation: 2804, Aspect: 139, Slope: 9 }, { Elevation: 2785, Aspect: 155, Slope: 18 }],
      [{ Elevation: 3090, Aspect: 45, Slope: 6 }],
    ]);

    const put = requests[3]!;
    expect(put.raw.method).toBe('PUT');
    expect(put.signing).toEqual({ service: 's3', region: REGION });
    expect(put.input.Bucket).toBe('my-bucket');
    expect(put.input.Key).toBe('mpm/ground-truth/mpm-covertype/2024/05/02/13/20240502T132000Z.jsonl');
    expect(put.input.ContentType).toBe('application/x-ndjson');
    expect(String(put.input.Body).trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual([
      { InferenceId: '20240502T132000Z-0', payload_index: 0, groundTruthLabel: 4 },
      { InferenceId: '20240502T132000Z-0', payload_index: 1, groundTruthLabel: 4 },
      { InferenceId: '20240502T132000Z-1', payload_index: 0, groundTruthLabel: 1 },
      { InferenceId: '20240502T132000Z-1', payload_index: 1, groundTruthLabel: 1 },
      { InferenceId: '20240502T132000Z-2', payload_index: 0, groundTruthLabel: 0 },
    ]);
    await expectSameAsDryRun(c, requests);
    expect(JSON.parse(run.stdout)).toEqual({
      endpointName: ENDPOINT,
      runId: '20240502T132000Z',
      requests: 3,
      records: 5,
      // The fake answers label k % 2 for record k: 0/2 + 1/2 + 1/1 agree.
      agreement: 0.4,
      inferenceIds: ['20240502T132000Z-0', '20240502T132000Z-2'],
      groundTruth: 's3://my-bucket/mpm/ground-truth/mpm-covertype/2024/05/02/13/20240502T132000Z.jsonl',
    });
  });

  it('writes ground truth for a local folder, only for the requests that were answered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpm-gt-'));
    aws.respond('sagemaker-runtime', 'InvokeEndpoint', (r): FakeResponse =>
      r.input.InferenceId === 'gt-1'
        ? { status: 400, headers: { 'x-amzn-errortype': 'ModelError' }, json: { Message: 'Received server error (500) from primary' } }
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify((JSON.parse(String(r.input.Body)) as unknown[]).map((_, k) => ({ payload_index: k, label: 4, score: 0.8 }))) },
    );
    const run = await runScript(invokeEndpoint, [
      '--endpoint-name', ENDPOINT, '--data-file', RECORDS_CSV, '--records-per-request', '2', '--concurrency', '1',
      '--ground-truth-uri', dir, '--run-id', 'gt', '--now', NOW, '--region', REGION, '--endpoint-url', aws.url,
    ]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('InvokeEndpoint (sagemaker-runtime) failed: ModelError: Received server error (500) from primary');
    expect(aws.requests.map((r) => r.input.InferenceId)).toEqual(['gt-0', 'gt-1']);
    expect(readFileSync(join(dir, '2024/05/02/13/gt.jsonl'), 'utf8')).toBe(
      '{"InferenceId":"gt-0","payload_index":0,"groundTruthLabel":4}\n{"InferenceId":"gt-0","payload_index":1,"groundTruthLabel":4}\n',
    );
  });

  it('sends generated covertype records (54 named features) when no data file is given', async () => {
    const run = await runScript(invokeEndpoint, [
      '--endpoint-name', ENDPOINT, '--requests', '2', '--records-per-request', '3', '--seed', '7', '--no-ground-truth',
      '--now', NOW, '--region', REGION, '--endpoint-url', aws.url,
    ]);
    expect(run.code).toBe(0);
    expect(aws.requests.map((r) => r.operation)).toEqual(['InvokeEndpoint', 'InvokeEndpoint']);
    for (const r of aws.requests) {
      const records = JSON.parse(String(r.input.Body)) as Record<string, number>[];
      expect(records).toHaveLength(3);
      for (const record of records) expect(Object.keys(record)).toEqual([...FEATURE_NAMES]);
    }
    expect(JSON.parse(run.stdout).groundTruth).toBeNull();
  });
});

describe('delete-endpoint', () => {
  const c = scriptCase('delete-endpoint');

  it('deletes endpoint, endpoint config and model, skipping what is already gone', async () => {
    aws.respond('sagemaker', 'DeleteEndpoint', () => ({ status: 400, json: { __type: 'ValidationException', message: 'Could not find endpoint "mpm-covertype".' } }));
    const { run, requests } = await sendCase(c);
    expect(run.code).toBe(0);
    expect(requests.map((r) => r.operation)).toEqual(['DeleteEndpoint', 'DeleteEndpointConfig', 'DeleteModel']);
    requests.forEach((r) => {
      expectAwsJson(r, r.operation);
      expectFitsModel(r);
    });
    expect(requests.map((r) => r.input)).toEqual([
      { EndpointName: 'mpm-covertype' },
      { EndpointConfigName: 'mpm-covertype-config' },
      { ModelName: 'mpm-covertype-model' },
    ]);
    expect(JSON.parse(run.stdout)).toEqual({
      'Endpoint mpm-covertype': 'not found',
      'EndpointConfig mpm-covertype-config': 'deleted',
      'Model mpm-covertype-model': 'deleted',
    });
  });
});

describe('create-schedule', () => {
  it('sends CreateMonitoringSchedule with an inline job definition for our image', async () => {
    const c = scriptCase('create-schedule');
    const { run, requests } = await sendCase(c);
    expect(run.code).toBe(0);
    expect(requests).toHaveLength(1);
    const r = requests[0]!;
    expectAwsJson(r, 'CreateMonitoringSchedule');
    expectFitsModel(r);
    const input = r.input as Record<string, any>;
    expect(input.MonitoringScheduleName).toBe('mpm-covertype-mpm');
    const config = input.MonitoringScheduleConfig;
    expect(config.MonitoringType).toBeUndefined();
    expect(config.ScheduleConfig).toEqual({ ScheduleExpression: 'cron(0 * ? * * *)' });
    const job = config.MonitoringJobDefinition;
    expect(job.MonitoringAppSpecification).toEqual({
      ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/mpm-monitor:1.0',
      ContainerArguments: ['--create-violation-tests'],
    });
    expect(job.MonitoringInputs).toEqual([
      { EndpointInput: { EndpointName: ENDPOINT, LocalPath: '/opt/ml/processing/input/endpoint', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated' } },
    ]);
    expect(job.MonitoringOutputConfig).toEqual({
      MonitoringOutputs: [{ S3Output: { S3Uri: 's3://my-bucket/mpm/reports', LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' } }],
    });
    expect(job.MonitoringResources).toEqual({ ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } });
    expect(job.BaselineConfig).toEqual({
      ConstraintsResource: { S3Uri: 's3://my-bucket/mpm/baseline/constraints.json' },
      StatisticsResource: { S3Uri: 's3://my-bucket/mpm/baseline/statistics.json' },
    });
    expect(job.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600 });
    expect(job.RoleArn).toBe('arn:aws:iam::123456789012:role/mpm-sagemaker');
    expect(job.Environment).toEqual({
      analysis_type: 'MODEL_QUALITY',
      problem_type: 'MulticlassClassification',
      ground_truth_s3_uri_path: 's3://my-bucket/mpm/ground-truth/mpm-covertype',
      // Every run keeps its state for roll-ups (issue 19): {s3-prefix}/state/{endpoint} by default.
      MPM_STATE_URI: 's3://my-bucket/mpm/state/mpm-covertype',
      publish_cloudwatch_metrics: 'Enabled',
    });
    await expectSameAsDryRun(c, requests);
  });
});

describe('describe-schedule', () => {
  it('describes the schedule, lists its executions newest first and reads each job\'s exit message', async () => {
    const c = scriptCase('describe-schedule');
    const { run, requests } = await sendCase(c);
    expect(run.code).toBe(0);
    expect(requests.map((r) => r.operation)).toEqual(['DescribeMonitoringSchedule', 'ListMonitoringExecutions', 'DescribeProcessingJob']);
    requests.forEach((r) => {
      expectAwsJson(r, r.operation);
      expectFitsModel(r);
    });
    expect(requests[1]!.input).toEqual({ MonitoringScheduleName: 'mpm-covertype-mpm', SortBy: 'ScheduledTime', SortOrder: 'Descending', MaxResults: 5 });
    expect(requests[2]!.input).toEqual({ ProcessingJobName: 'model-monitoring-202405021200-0123456789abcdef01234567' });
    await expectSameAsDryRun(c, requests);
    const out = JSON.parse(run.stdout);
    expect(out.schedule).toEqual({
      name: 'mpm-covertype-mpm',
      status: 'Scheduled',
      expression: 'cron(0 * ? * * *)',
      endpoint: 'mpm-covertype',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/mpm-monitor:latest',
    });
    expect(out.executions).toEqual([
      {
        scheduledTime: '2024-05-02T12:00:00.000Z',
        status: 'CompletedWithViolations',
        processingJob: 'model-monitoring-202405021200-0123456789abcdef01234567',
        processingJobStatus: 'Completed',
        exitMessage: 'CompletedWithViolations: accuracy 0.61 is below the baseline threshold 0.8',
        report: 's3://my-bucket/mpm/reports/mpm-covertype/mpm-covertype-mpm/2024/05/02/12',
      },
    ]);
  });
});

describe('delete-schedule', () => {
  it('deletes, then with --wait polls until DescribeMonitoringSchedule says ResourceNotFound', async () => {
    aws.respond('sagemaker', 'DescribeMonitoringSchedule', () => ({
      status: 400,
      json: { __type: 'ResourceNotFound', message: 'Monitoring schedule mpm-covertype-mpm does not exist' },
    }));
    const c = scriptCase('delete-schedule');
    const { run, requests } = await sendCase(c);
    expect(run.code).toBe(0);
    expect(requests.map((r) => r.operation)).toEqual(['DeleteMonitoringSchedule', 'DescribeMonitoringSchedule']);
    requests.forEach((r) => expectAwsJson(r, r.operation));
    expect(requests[0]!.input).toEqual({ MonitoringScheduleName: 'mpm-covertype-mpm' });
    await expectSameAsDryRun(c, requests);
    expect(JSON.parse(run.stdout)).toEqual({ monitoringScheduleName: 'mpm-covertype-mpm', result: 'deleted' });
  });

  it('is not an error when the schedule is already gone', async () => {
    aws.respond('sagemaker', 'DeleteMonitoringSchedule', () => ({
      status: 400,
      json: { __type: 'ResourceNotFound', message: 'Monitoring schedule mpm-covertype-mpm does not exist' },
    }));
    const { run, requests } = await sendCase(scriptCase('delete-schedule'));
    expect(run.code).toBe(0);
    expect(requests.map((r) => r.operation)).toEqual(['DeleteMonitoringSchedule']);
    expect(JSON.parse(run.stdout).result).toBe('not found');
  });
});

describe('create-scheduler-job', () => {
  it('sends a REST CreateSchedule whose universal target input is a valid CreateProcessingJob request', async () => {
    const c = scriptCase('create-scheduler-job');
    const { run, requests } = await sendCase(c);
    expect(run.code).toBe(0);
    expect(requests).toHaveLength(1);
    const r = requests[0]!;
    expect(r.service).toBe('scheduler');
    expect(r.operation).toBe('CreateSchedule');
    expect(r.raw.method).toBe('POST');
    expect(r.raw.path).toBe('/schedules/mpm-covertype-mpm');
    expect(r.raw.headers['content-type']).toBe('application/json');
    expect(r.raw.headers['x-amz-target']).toBeUndefined();
    expect(r.signing).toEqual({ service: 'scheduler', region: REGION });
    expectFitsModel(r);
    const input = r.input as Record<string, any>;
    expect(input.Name).toBe('mpm-covertype-mpm');
    expect(input.GroupName).toBe('default');
    expect(input.ScheduleExpression).toBe('cron(0 * ? * * *)');
    expect(input.ScheduleExpressionTimezone).toBe('UTC');
    expect(input.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    expect(input.State).toBe('ENABLED');
    expect(input.ClientToken).toMatch(/^[0-9a-f]{64}$/);
    expect(input.Target.Arn).toBe('arn:aws:scheduler:::aws-sdk:sagemaker:createProcessingJob');
    expect(input.Target.RoleArn).toBe('arn:aws:iam::123456789012:role/mpm-scheduler');
    expect(input.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3300 });

    // What SageMaker receives at 14:00 UTC, once Scheduler has filled in its context attributes.
    const job = JSON.parse(substituteContext(input.Target.Input, { scheduledTime: '2024-05-02T14:00:00Z', executionId: 'd32c5kddcf5bb8c3' }));
    expect(checkAgainstSchema(operationInput(operationSchema('sagemaker', 'CreateProcessingJob')), job)).toEqual([]);
    expect(job.ProcessingJobName).toBe('mpm-covertype-mpm-d32c5kddcf5bb8c3');
    expect(job.AppSpecification).toEqual({
      ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/mpm-monitor:1.0',
      ContainerArguments: ['--create-violation-tests'],
    });
    expect(job.ProcessingInputs).toEqual([
      {
        InputName: 'endpoint_input',
        S3Input: { S3Uri: 's3://my-bucket/mpm/data-capture/mpm-covertype/', LocalPath: '/opt/ml/processing/input/endpoint/mpm-covertype', S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated' },
      },
      {
        InputName: 'constraints',
        S3Input: { S3Uri: 's3://my-bucket/mpm/baseline/constraints.json', LocalPath: '/opt/ml/processing/baseline/constraints', S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated' },
      },
    ]);
    expect(job.ProcessingOutputConfig).toEqual({
      Outputs: [
        {
          OutputName: 'report',
          S3Output: { S3Uri: 's3://my-bucket/mpm/reports/mpm-covertype/mpm-covertype-mpm/2024-05-02T14:00:00Z', LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' },
        },
      ],
    });
    expect(job.ProcessingResources).toEqual({ ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } });
    expect(job.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600 });
    expect(job.RoleArn).toBe('arn:aws:iam::123456789012:role/mpm-sagemaker');
    expect(job.Environment).toEqual({
      dataset_format: '{"sagemakerCaptureJson":{"captureIndexNames":["endpointInput","endpointOutput"]}}',
      dataset_source: '/opt/ml/processing/input/endpoint',
      output_path: '/opt/ml/processing/output',
      publish_cloudwatch_metrics: 'Disabled',
      sagemaker_endpoint_name: 'mpm-covertype',
      sagemaker_monitoring_schedule_name: 'mpm-covertype-mpm',
      baseline_constraints: '/opt/ml/processing/baseline/constraints/constraints.json',
      analysis_type: 'MODEL_QUALITY',
      problem_type: 'MulticlassClassification',
      ground_truth_s3_uri_path: 's3://my-bucket/mpm/ground-truth/mpm-covertype',
      MPM_STATE_URI: 's3://my-bucket/mpm/state/mpm-covertype',
      MPM_SCHEDULED_TIME: '2024-05-02T14:00:00Z',
      MPM_CLOUDWATCH_PUT_METRIC_DATA: 'Enabled',
    });
    await expectSameAsDryRun(c, requests);
  });

  it('with --capture-access s3 mounts no capture and points dataset_source at the capture prefix', async () => {
    const { run, requests } = await sendCase(scriptCase('create-scheduler-job'), ['--capture-access', 's3']);
    expect(run.code).toBe(0);
    const job = JSON.parse(String((requests[0]!.input.Target as { Input: string }).Input));
    expect(job.ProcessingInputs.map((i: { InputName: string }) => i.InputName)).toEqual(['constraints']);
    expect(job.Environment.dataset_source).toBe('s3://my-bucket/mpm/data-capture');
  });
});

describe('describe-scheduler-job', () => {
  it('gets the schedule (REST GET) and lists only the jobs it started', async () => {
    const c = scriptCase('describe-scheduler-job');
    const { run, requests } = await sendCase(c);
    expect(run.code).toBe(0);
    expect(requests.map((r) => `${r.service}:${r.operation}`)).toEqual([
      'scheduler:GetSchedule',
      'sagemaker:ListProcessingJobs',
      'sagemaker:DescribeProcessingJob',
    ]);
    requests.forEach(expectFitsModel);
    expect(requests[0]!.raw.method).toBe('GET');
    expect(requests[0]!.raw.path).toBe('/schedules/mpm-covertype-mpm');
    expect(requests[0]!.raw.query.get('groupName')).toBe('default');
    expect(requests[0]!.signing).toEqual({ service: 'scheduler', region: REGION });
    expect(requests[2]!.input).toEqual({ ProcessingJobName: 'mpm-covertype-mpm-d32c5kddcf5bb8c3' });
    await expectSameAsDryRun(c, requests);
    const out = JSON.parse(run.stdout);
    expect(out.schedule).toMatchObject({ name: 'mpm-covertype-mpm', state: 'ENABLED', target: 'arn:aws:scheduler:::aws-sdk:sagemaker:createProcessingJob' });
    expect(out.jobs.map((j: { processingJob: string }) => j.processingJob)).toEqual(['mpm-covertype-mpm-d32c5kddcf5bb8c3']);
  });
});

describe('delete-scheduler-job', () => {
  const c = scriptCase('delete-scheduler-job');

  it('sends a REST DeleteSchedule with group and client token in the query', async () => {
    const { run, requests } = await sendCase(c);
    expect(run.code).toBe(0);
    const r = requests[0]!;
    expect(r.raw.method).toBe('DELETE');
    expect(r.raw.path).toBe('/schedules/mpm-covertype-mpm');
    expect(r.raw.query.get('groupName')).toBe('default');
    expect(r.raw.query.get('clientToken')).toMatch(/^[0-9a-f]{64}$/);
    expectFitsModel(r);
    await expectSameAsDryRun(c, requests);
  });

  it('is not an error when the schedule is already gone', async () => {
    aws.respond('scheduler', 'DeleteSchedule', () => ({
      status: 404,
      json: { __type: 'ResourceNotFoundException', Message: 'Schedule mpm-covertype-mpm does not exist.' },
    }));
    const { run } = await sendCase(c);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('delete-scheduler-job: schedule default/mpm-covertype-mpm not found, nothing to delete\n');
  });
});
