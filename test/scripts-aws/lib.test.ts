/**
 * The scripts' small pure pieces: S3 locations, the ground-truth layout, the clock, names, Scheduler's context
 * attributes, the error classification and the command line as typed.
 */
import { describe, expect, it } from 'vitest';
import { compactStamp, hourPath, resolveNow } from '../../scripts/aws/lib/clock.ts';
import { refusedArgv } from '../../scripts/aws/lib/define-script.ts';
import { main as invokeEndpoint } from '../../scripts/aws/invoke-endpoint.ts';
import { ApiCallError, UsageError } from '../../scripts/aws/lib/errors.ts';
import { formatGroundTruth, groundTruthLocation, groundTruthRows } from '../../scripts/aws/lib/ground-truth.ts';
import { parseKeyValues } from '../../scripts/aws/lib/key-values.ts';
import { checkSageMakerName, checkSchedulerName } from '../../scripts/aws/lib/names.ts';
import { isNotFound } from '../../scripts/aws/lib/not-found.ts';
import { defaultLocation, resolveLocation } from '../../scripts/aws/lib/s3-layout.ts';
import { joinS3, parseS3Uri } from '../../scripts/aws/lib/s3-uri.ts';
import { EXECUTION_ID, SCHEDULED_TIME, substituteContext } from '../../scripts/aws/lib/scheduler-context.ts';
import { createProcessingJobTargetArn, partitionOf } from '../../scripts/aws/lib/scheduler-request.ts';
import { runScript } from './helpers/run-script.ts';

describe('S3 locations', () => {
  it('parses bucket and key, and joins parts with single slashes', () => {
    expect(parseS3Uri('s3://my-bucket/a/b.json', '--x')).toEqual({ bucket: 'my-bucket', key: 'a/b.json' });
    expect(parseS3Uri('s3://my-bucket', '--x')).toEqual({ bucket: 'my-bucket', key: '' });
    expect(joinS3('s3://b1b/p/', '/x/', 'y')).toBe('s3://b1b/p/x/y');
  });

  it('throws for a URI that is not s3://bucket/...', () => {
    expect(() => parseS3Uri('https://my-bucket/x', '--output-uri')).toThrow(
      '--output-uri: "https://my-bucket/x" is not a valid s3:// URI; expected s3://bucket/prefix',
    );
  });

  it('derives every location from --s3-prefix, and an explicit flag wins', () => {
    expect(defaultLocation('capture', 's3://b1b/mpm', 'ep')).toBe('s3://b1b/mpm/data-capture');
    expect(defaultLocation('ground-truth', 's3://b1b/mpm', 'ep')).toBe('s3://b1b/mpm/ground-truth/ep');
    expect(defaultLocation('constraints', 's3://b1b/mpm', 'ep')).toBe('s3://b1b/mpm/baseline/constraints.json');
    expect(defaultLocation('reports', 's3://b1b/mpm/', 'ep')).toBe('s3://b1b/mpm/reports');
    expect(resolveLocation('reports', 's3://other/r/', 's3://b1b/mpm', 'ep')).toBe('s3://other/r');
  });

  it('throws naming both flags when neither is given', () => {
    expect(() => resolveLocation('ground-truth', undefined, undefined, 'ep')).toThrow(
      '--ground-truth-uri or --s3-prefix is required (the ground-truth location)',
    );
  });
});

describe('ground truth', () => {
  it('puts the file in the collection hour (UTC) and writes one seed row per record', () => {
    const at = new Date('2024-05-02T07:59:59+02:00');
    expect(groundTruthLocation('s3://b1b/gt/ep', at, 'run1')).toBe('s3://b1b/gt/ep/2024/05/02/05/run1.jsonl');
    expect(formatGroundTruth(groundTruthRows('run1-7', [3, 0]))).toBe(
      '{"InferenceId":"run1-7","payload_index":0,"groundTruthLabel":3}\n{"InferenceId":"run1-7","payload_index":1,"groundTruthLabel":0}\n',
    );
  });
});

describe('clock', () => {
  it('formats hour folders and compact stamps in UTC', () => {
    const t = new Date('2024-01-02T03:04:05.678Z');
    expect(hourPath(t)).toBe('2024/01/02/03');
    expect(compactStamp(t)).toBe('20240102T030405Z');
  });

  it('throws for a --now without a zone', () => {
    expect(() => resolveNow('2024-05-02 13:20')).toThrow(
      '--now: "2024-05-02 13:20" is not an ISO-8601 time with a zone; expected e.g. 2024-05-02T13:20:00Z',
    );
    expect(resolveNow('2024-05-02T13:20:00Z').toISOString()).toBe('2024-05-02T13:20:00.000Z');
  });
});

describe('names and flags', () => {
  it('throws for names the APIs would reject', () => {
    expect(() => checkSageMakerName('my_endpoint', 'endpoint-name')).toThrow(
      '--endpoint-name: "my_endpoint" is not a valid SageMaker name; expected 1-63 letters, digits and hyphens',
    );
    expect(() => checkSageMakerName('a'.repeat(64), 'endpoint-name')).toThrow(UsageError);
    expect(checkSchedulerName('mpm_schedule.1', 'schedule-name')).toBe('mpm_schedule.1');
    expect(() => checkSchedulerName('with space', 'schedule-name')).toThrow(UsageError);
  });

  it('parses KEY=VALUE entries, keeping "=" inside values', () => {
    expect(parseKeyValues(['A=1', 'B=x=y'], 'env')).toEqual({ A: '1', B: 'x=y' });
    expect(() => parseKeyValues(['=1'], 'env')).toThrow('--env: "=1" is not KEY=VALUE');
  });
});

describe('EventBridge Scheduler', () => {
  it('uses the partition of the region in the universal target ARN', () => {
    expect(partitionOf('eu-west-1')).toBe('aws');
    expect(partitionOf('cn-northwest-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(createProcessingJobTargetArn('us-east-1')).toBe('arn:aws:scheduler:::aws-sdk:sagemaker:createProcessingJob');
  });

  it('substitutes the context attributes as Scheduler does', () => {
    expect(substituteContext(`job-${EXECUTION_ID} at ${SCHEDULED_TIME}`, { scheduledTime: '2024-05-02T14:00:00Z', executionId: 'abc' })).toBe(
      'job-abc at 2024-05-02T14:00:00Z',
    );
  });
});

describe('isNotFound', () => {
  const apiError = (name: string, message: string) =>
    new ApiCallError('x', { cause: Object.assign(new Error(message), { name }) });

  it('recognises the not-found answers of SageMaker and Scheduler, and nothing else', () => {
    expect(isNotFound(apiError('ValidationException', 'Could not find endpoint "x".'))).toBe(true);
    expect(isNotFound(apiError('ResourceNotFound', 'Monitoring schedule x does not exist'))).toBe(true);
    expect(isNotFound(apiError('ResourceNotFoundException', 'Schedule x does not exist.'))).toBe(true);
    expect(isNotFound(apiError('ValidationException', 'Cannot delete endpoint: it has monitoring schedules'))).toBe(false);
    expect(isNotFound(apiError('AccessDeniedException', 'not authorized'))).toBe(false);
    expect(isNotFound(new Error('Could not find'))).toBe(false);
  });
});

describe('the command line as typed', () => {
  const options = { requests: { type: 'number' }, name: { type: 'string' }, wait: { type: 'boolean' }, env: { type: 'array', string: true } } as const;

  it('refuses a number flag that is not a decimal number, quoting it as typed', () => {
    expect(refusedArgv(options, ['--requests', 'abc'])).toBe('--requests: "abc" is not a number (expected decimal digits, e.g. 10)');
    expect(refusedArgv(options, ['--requests=0x10'])).toBe('--requests: "0x10" is not a number (expected decimal digits, e.g. 10)');
    expect(refusedArgv(options, ['--requests='])).toContain('"" is not a number');
    expect(refusedArgv(options, ['--requests', '12', '--requests=-1.5e2'])).toContain('given 2 times');
    expect(refusedArgv(options, ['--requests', ' 12 '])).toBeUndefined();
  });

  it('refuses a single-valued flag given twice with different values, not a repeatable one or the same value', () => {
    expect(refusedArgv(options, ['--name', 'a', '--name=b'])).toBe('--name is given 2 times with different values ("a", "b"); give it once');
    expect(refusedArgv(options, ['--wait', '--no-wait'])).toBe('--wait is given 2 times with different values ("true", "false"); give it once');
    expect(refusedArgv(options, ['--name', 'a', '--name', 'a'])).toBeUndefined();
    expect(refusedArgv(options, ['--env', 'A=1', '--env', 'B=2'])).toBeUndefined();
    expect(refusedArgv(options, ['--bogus', '1', '--bogus', '2'])).toBeUndefined(); // yargs' strict mode names it
  });

  it('a script reads a flag repeated with the same value once, and says what was refused with exit 2', async () => {
    const same = await runScript(invokeEndpoint, ['--endpoint-name', 'x', '--s3-prefix', 's3://my-bucket/p', '--requests', '3', '--requests=3', '--dry-run']);
    expect(same.code, same.stderr).toBe(0);
    const bad = await runScript(invokeEndpoint, ['--endpoint-name', 'x', '--s3-prefix', 's3://my-bucket/p', '--requests', 'many', '--dry-run']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invoke-endpoint: --requests: "many" is not a number');
  });
});
