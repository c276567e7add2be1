/**
 * Every script's --dry-run output is a golden file (test/fixtures/aws-dry-run/<case>.json), and every request in it
 * is checked against the API model of the real SDK client: no required member missing, no unknown member, right
 * JSON types. Regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { substituteContext } from '../../scripts/aws/lib/scheduler-context.ts';
import { CASES } from './cases.ts';
import { operationSchema, type ServiceId } from './helpers/loopback-aws.ts';
import { runScript } from './helpers/run-script.ts';
import { checkAgainstSchema, operationInput } from './helpers/schema-check.ts';

const GOLDEN_DIR = 'test/fixtures/aws-dry-run';

interface DryRunDocument {
  script: string;
  dryRun: true;
  region: string | null;
  requests: { service: ServiceId; operation: string; input: Record<string, unknown> }[];
}

describe('--dry-run golden files', () => {
  for (const c of CASES) {
    it(`${c.name}: prints the requests exactly as the golden file`, async () => {
      const run = await runScript(c.main, [...c.argv, '--dry-run']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const file = `${GOLDEN_DIR}/${c.name}.json`;
      if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, run.stdout);
      expect(run.stdout).toBe(readFileSync(file, 'utf8'));
    });

    it(`${c.name}: every request fits the SDK's API model`, async () => {
      const run = await runScript(c.main, [...c.argv, '--dry-run']);
      const doc = JSON.parse(run.stdout) as DryRunDocument;
      expect(doc.requests.length).toBeGreaterThan(0);
      for (const request of doc.requests) {
        const problems = checkAgainstSchema(operationInput(operationSchema(request.service, request.operation)), request.input);
        expect(problems, `${request.operation}`).toEqual([]);
      }
    });
  }

  it('is the same on every run (no clock or random ids leak in)', async () => {
    for (const c of CASES) {
      const [a, b] = await Promise.all([runScript(c.main, [...c.argv, '--dry-run']), runScript(c.main, [...c.argv, '--dry-run'])]);
      expect(a.stdout, c.name).toBe(b.stdout);
    }
  });

  it('create-scheduler-job: the target Input, once Scheduler fills it in, is a valid CreateProcessingJob request', async () => {
    for (const name of ['create-scheduler-job', 'create-scheduler-job-s3-capture-china', 'create-scheduler-job-delayed-evaluation']) {
      const c = CASES.find((x) => x.name === name)!;
      const doc = JSON.parse((await runScript(c.main, [...c.argv, '--dry-run'])).stdout) as DryRunDocument;
      const target = doc.requests[0]!.input.Target as { Input: string };
      const filled = JSON.parse(substituteContext(target.Input, { scheduledTime: '2024-05-02T14:00:00Z', executionId: 'd32c5kddcf5bb8c3' }));
      expect(checkAgainstSchema(operationInput(operationSchema('sagemaker', 'CreateProcessingJob')), filled)).toEqual([]);
      // SageMaker's job name pattern and length, with a real-looking execution id.
      expect(filled.ProcessingJobName).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
      expect(filled.Environment.MPM_SCHEDULED_TIME).toBe('2024-05-02T14:00:00Z');
      expect(filled.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri).toMatch(/\/2024-05-02T14:00:00Z$/);
      // Nothing but the two context attributes is left for Scheduler to replace.
      expect(target.Input.match(/<aws\.scheduler\.[a-z-]+>/g)?.sort()).toEqual([
        '<aws.scheduler.execution-id>',
        '<aws.scheduler.scheduled-time>',
        '<aws.scheduler.scheduled-time>',
      ]);
    }
  });
});
