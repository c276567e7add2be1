/**
 * @module Network isolation read from processingjobconfig.json, and the check that refuses a run reaching S3 itself
 * under it: every s3:// location concerned is named; local locations and jobs without isolation pass.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { loadConfig } from './load-config.ts';
import { assertS3Reachable, networkIsolationOn } from './network-isolation.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mpm-isolation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const job = (networkConfig: unknown): string => file(`job-${Math.random().toString(36).slice(2)}.json`, JSON.stringify({ Environment: {}, NetworkConfig: networkConfig }));

describe('networkIsolationOn', () => {
  it('reads NetworkConfig.EnableNetworkIsolation (true or "true"); anything else, or no file, is off', () => {
    expect(networkIsolationOn(job({ EnableNetworkIsolation: true }))).toBe(true);
    expect(networkIsolationOn(job({ EnableNetworkIsolation: 'True' }))).toBe(true);
    expect(networkIsolationOn(job({ EnableNetworkIsolation: false }))).toBe(false);
    expect(networkIsolationOn(job(null))).toBe(false);
    expect(networkIsolationOn(job({ VpcConfig: {} }))).toBe(false);
    expect(networkIsolationOn(file('bad.json', '{"NetworkConfig": '))).toBe(false);
    expect(networkIsolationOn(file('null.json', 'null'))).toBe(false);
    expect(networkIsolationOn(path.join(dir, 'absent.json'))).toBe(false);
  });
});

describe('assertS3Reachable', () => {
  const base = { problem_type: 'BinaryClassification', dataset_source: '/data/capture', output_path: '/data/out', sagemaker_endpoint_name: 'ep' };
  const check = (env: Record<string, string>, isolated: boolean): void =>
    assertS3Reachable(loadConfig({ flags: { MPM_JOB_CONFIG_FILE: job({ EnableNetworkIsolation: isolated }) }, env: { ...base, ...env } }));

  it('refuses the store and ground truth on S3 under isolation, naming each', () => {
    let error: unknown;
    try {
      check({ MPM_PREDICTION_STORE: 's3://bkt/store', ground_truth_s3_uri_path: 's3://bkt/gt', MPM_EVALUATION_DELAY_HOURS: '24' }, true);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    const message = (error as Error).message;
    expect(message).toMatch(/^config: the processing job runs with network isolation \(NetworkConfig\.EnableNetworkIsolation in .*job-\w+\.json\), so the container cannot reach S3, /);
    expect(message).toContain('but this run reads or writes MPM_PREDICTION_STORE "s3://bkt/store", ground_truth_s3_uri_path "s3://bkt/gt" directly');
    expect(message).toContain("a delayed run reads the judged hour's ground truth and predictions from S3 itself");
  });

  it('passes local locations under isolation, and S3 locations without it', () => {
    expect(() => check({ MPM_PREDICTION_STORE: '/data/store', ground_truth_source: '/data/gt', MPM_EVALUATION_DELAY_HOURS: '24' }, true)).not.toThrow();
    expect(() => check({ MPM_PREDICTION_STORE: 's3://bkt/store', ground_truth_s3_uri_path: 's3://bkt/gt' }, false)).not.toThrow();
  });

  it('also names an s3:// capture, output or state location', () => {
    expect(() => check({ ground_truth_source: '/data/gt', dataset_source: 's3://bkt/capture', MPM_STATE_URI: 's3://bkt/state' }, true)).toThrow(
      /reads or writes dataset_source "s3:\/\/bkt\/capture", MPM_STATE_URI "s3:\/\/bkt\/state" directly \(SageMaker mounts only the job's inputs\); expected/,
    );
  });
});
