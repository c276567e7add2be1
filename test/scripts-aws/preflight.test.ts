/**
 * Without --dry-run a missing region or missing credentials fails before any request, with a message that names
 * what is missing and how to set it; with --dry-run neither is needed. These run the scripts as a user would (a
 * child process with a clean environment), against a loopback server that must see no request at all.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CASES, scriptCase } from './cases.ts';
import { startLoopbackAws, type LoopbackAws } from './helpers/loopback-aws.ts';
import { runScript } from './helpers/run-script.ts';

let aws: LoopbackAws;
const home = mkdtempSync(join(tmpdir(), 'mpm-home-'));

beforeAll(async () => {
  aws = await startLoopbackAws();
});
afterAll(async () => {
  await aws.close();
});
beforeEach(() => aws.reset());

/** Runs `npx tsx scripts/aws/<script>.ts` (as node --import tsx) with only the given AWS variables set. */
function spawnScript(script: string, argv: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `scripts/aws/${script}.ts`, ...argv],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          // The SDK's chain would otherwise also ask the EC2 instance metadata service.
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_CONFIG_FILE: join(home, 'no-config'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
          NODE_NO_WARNINGS: '1',
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const deploy = scriptCase('deploy-endpoint');
const argvWithoutRegion = (argv: string[]) => argv.filter((a, i) => a !== '--region' && argv[i - 1] !== '--region');

describe('preflight', () => {
  it('fails with exit 3 and says how to set a region when none is given', async () => {
    const run = await spawnScript('deploy-endpoint', [...argvWithoutRegion(deploy.argv), '--endpoint-url', aws.url], {
      AWS_ACCESS_KEY_ID: 'AKIDLOOPBACKTEST',
      AWS_SECRET_ACCESS_KEY: 'loopback-secret',
    });
    expect(run.stderr).toBe(
      'deploy-endpoint: no AWS region: pass --region (e.g. --region us-east-1), or set AWS_REGION, or set "region" for the profile in ~/.aws/config\n',
    );
    expect(run.code).toBe(3);
    expect(aws.requests).toHaveLength(0);
  });

  it('fails with exit 3 and says how to set credentials when there are none', async () => {
    const run = await spawnScript('deploy-endpoint', [...argvWithoutRegion(deploy.argv), '--endpoint-url', aws.url], { AWS_REGION: 'eu-west-1' });
    expect(run.stderr).toMatch(/^deploy-endpoint: no AWS credentials \(the default chain: Could not load credentials from any providers\): set AWS_PROFILE \(or --profile\)/);
    expect(run.stderr).toContain('export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary keys)\n');
    expect(run.code).toBe(3);
    expect(aws.requests).toHaveLength(0);
  });

  it('names the profile when --profile has no credentials', async () => {
    const run = await spawnScript('delete-endpoint', ['--endpoint-name', 'x', '--profile', 'mpm-demo', '--region', 'us-east-1', '--endpoint-url', aws.url], {});
    expect(run.stderr).toMatch(/^delete-endpoint: no AWS credentials \(profile "mpm-demo": /);
    expect(run.code).toBe(3);
    expect(aws.requests).toHaveLength(0);
  });

  it('several instances reading the capture from S3: each lists it whole and reads its share (no capture input)', async () => {
    const argv = ['--endpoint-name', 'ep', '--image-uri', 'img', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--scheduler-role-arn', 'arn:aws:iam::123456789012:role/s', '--s3-prefix', 's3://my-bucket/p', '--capture-access', 's3', '--instance-count', '2', '--dry-run'];
    const run = await spawnScript('create-scheduler-job', argv, {});
    expect(run.code, run.stderr).toBe(0);
    const text = run.stdout;
    expect(text).toContain('"InstanceCount": 2');
    expect(text).not.toContain('endpoint_input');
    expect(text).toContain('"dataset_source": "s3://my-bucket/p/data-capture');
  });

  it('--dry-run needs neither region nor credentials', async () => {
    const run = await spawnScript('create-schedule', [...argvWithoutRegion(scriptCase('create-schedule').argv), '--dry-run'], {});
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ script: 'create-schedule', dryRun: true, region: null });
  });
});

describe('usage errors (exit 2, before any request)', () => {
  const cases: [string, string[], string][] = [
    ['deploy-endpoint', ['--endpoint-name', 'ep', '--image-uri', 'img'], 'deploy-endpoint: Missing required argument: role-arn\nRun with --help to see the flags.\n'],
    ['deploy-endpoint', ['--endpoint-name', 'ep', '--image-uri', 'img', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--colour', 'blue'], 'deploy-endpoint: Unknown argument: colour\nRun with --help to see the flags.\n'],
    ['deploy-endpoint', ['--endpoint-name', 'ep', '--image-uri', 'img', '--role-arn', 'arn:aws:iam::123456789012:role/r'], 'deploy-endpoint: --capture-uri or --s3-prefix is required (the capture location)\n'],
    ['deploy-endpoint', ['--endpoint-name', 'ep', '--image-uri', 'img', '--role-arn', 'role/r', '--s3-prefix', 's3://my-bucket/p'], 'deploy-endpoint: --role-arn: "role/r" is not an IAM role ARN; expected arn:aws:iam::<account>:role/<name>\n'],
    ['deploy-endpoint', ['--endpoint-name', 'ep', '--image-uri', 'img', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--s3-prefix', 's3://my-bucket/p', '--sampling-percentage', '150'], 'deploy-endpoint: --sampling-percentage: 150 is not an integer from 0 to 100\n'],
    ['create-schedule', ['--endpoint-name', 'ep', '--image-uri', 'img', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--s3-prefix', 's3://my-bucket/p', '--probability-threshold', '0.5'], 'create-schedule: --probability-threshold applies to BinaryClassification only; --problem-type is MulticlassClassification\n'],
    ['create-schedule', ['--endpoint-name', 'ep', '--image-uri', 'img', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--s3-prefix', 's3://my-bucket/p', '--cron', 'hourly'], 'create-schedule: --cron: "hourly" is not a schedule expression; expected e.g. "cron(0 * ? * * *)"\n'],
    ['create-scheduler-job', ['--endpoint-name', 'ep', '--image-uri', 'img', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--scheduler-role-arn', 'arn:aws:iam::123456789012:role/s', '--s3-prefix', 's3://my-bucket/p', '--job-name-prefix', 'a'.repeat(41)], `create-scheduler-job: --job-name-prefix: "${'a'.repeat(41)}" has 41 characters; at most 40 leave room for Scheduler's execution id in the 63-character job name\n`],
    ['invoke-endpoint', ['--endpoint-name', 'ep', '--s3-prefix', 's3://my-bucket/p', '--data-file', 'test/fixtures/aws-dry-run/records.csv', '--label-key', 'label'], 'invoke-endpoint: --data-file: record 1 of test/fixtures/aws-dry-run/records.csv has no "label"; set --label-key to the label\'s name\n'],
    ['create-schedule', ['--endpoint-name', 'ep', '--image-uri', 'img', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--capture-uri', 's3://my-bucket/c', '--ground-truth-uri', 's3://my-bucket/g', '--output-uri', 's3://my-bucket/o', '--no-baseline', '--instance-count', '2'], "create-schedule: --instance-count: 2 instances need a state location where the first merges the others' states; give --state-uri or --s3-prefix\n"],
    ['create-schedule', ['--endpoint-name', 'ep', '--image-uri', 'img', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--capture-uri', 's3://my-bucket/c', '--ground-truth-uri', 's3://my-bucket/g', '--output-uri', 's3://my-bucket/o', '--no-baseline', '--evaluation-delay-hours', '24'], 'create-schedule: --evaluation-delay-hours: 24 judges each hour from the prediction store; give --prediction-store-uri or --s3-prefix (the store then is {s3-prefix}/prediction-store)\n'],
    ['create-schedule', ['--endpoint-name', 'ep', '--image-uri', 'img', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--s3-prefix', 's3://my-bucket/p', '--evaluation-delay-hours', '1.5'], 'create-schedule: --evaluation-delay-hours: 1.5 is not a whole number of hours between 0 and 8784\n'],
    ['create-scheduler-job', ['--endpoint-name', 'ep', '--image-uri', 'img', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--scheduler-role-arn', 'arn:aws:iam::123456789012:role/s', '--s3-prefix', 's3://my-bucket/p', '--prediction-store-uri', '/tmp/store'], 'create-scheduler-job: --prediction-store-uri: "/tmp/store" is not a valid s3:// URI; expected s3://bucket/prefix (bucket: 3-63 lower-case letters, digits, dots, hyphens)\n'],
    ['describe-schedule', [], 'describe-schedule: --schedule-name or --endpoint-name is required\n'],
  ];
  for (const [script, argv, message] of cases) {
    it(`${script}: ${message.split('\n')[0]!.slice(script.length + 2)}`, async () => {
      const c = CASES.find((x) => x.name === script)!;
      const run = await runScript(c.main, [...argv, '--endpoint-url', aws.url, '--region', 'us-east-1']);
      expect(run.stderr).toBe(message);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(aws.requests).toHaveLength(0);
    });
  }
});

describe('--help', () => {
  const scripts = [...new Set(CASES.map((c) => c.main))];
  it('every script prints its usage, its flags and the common AWS flags', async () => {
    expect(scripts).toHaveLength(9);
    for (const c of CASES.filter((x, i) => CASES.findIndex((y) => y.main === x.main) === i)) {
      const run = await runScript(c.main, ['--help']);
      expect(run.code, c.name).toBe(0);
      expect(run.stdout, c.name).toMatch(/^npx tsx scripts\/aws\/[a-z-]+\.ts \[options\]\n/);
      for (const flag of ['--region', '--profile', '--endpoint-url', '--dry-run']) expect(run.stdout, c.name).toContain(flag);
    }
  });

  it('runs as `npx tsx scripts/aws/<name>.ts --help`', async () => {
    const run = await spawnScript('invoke-endpoint', ['--help'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('npx tsx scripts/aws/invoke-endpoint.ts [options]');
    expect(run.stdout).toContain('--records-per-request');
  });
});

describe('MPM_AWS_<FLAG> variables', () => {
  const deploy = scriptCase('deploy-endpoint');
  const env = {
    MPM_AWS_S3_PREFIX: 's3://env-bucket/p',
    MPM_AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/from-env',
    // Set for create-scheduler-job; deploy-endpoint has no such flag and must ignore it (not fail on it).
    MPM_AWS_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/mpm-scheduler',
    MPM_AWS_WAIT: 'false',
  };

  it('fill in flags the command line leaves out, and ignore other scripts\' flags', async () => {
    const run = await runScript(deploy.main, ['--endpoint-name', 'ep', '--image-uri', 'img', '--dry-run'], env);
    expect(run.stderr).toBe('');
    const requests = JSON.parse(run.stdout).requests;
    expect(requests[0].input.ExecutionRoleArn).toBe('arn:aws:iam::123456789012:role/from-env');
    expect(requests[1].input.DataCaptureConfig.DestinationS3Uri).toBe('s3://env-bucket/p/data-capture');
  });

  it('lose to the command line', async () => {
    const run = await runScript(deploy.main, ['--endpoint-name', 'ep', '--image-uri', 'img', '--role-arn', 'arn:aws:iam::123456789012:role/flag', '--dry-run'], env);
    expect(JSON.parse(run.stdout).requests[0].input.ExecutionRoleArn).toBe('arn:aws:iam::123456789012:role/flag');
  });
});
