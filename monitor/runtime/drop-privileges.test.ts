import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { loadConfig } from '../config/load-config.ts';
import { SETTING_TABLE, settingsOf, type SettingEntry } from '../config/settings.ts';
import { inputLocations, leastPrivilegeRequest, writtenLocations } from './drop-privileges.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mpm-drop-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const JOB = path.join(dir, 'processingjobconfig.json');
writeFileSync(JOB, '{}');
const load = (flags: Record<string, string> = {}, env: Record<string, string> = {}) => loadConfig({ flags: { MPM_JOB_CONFIG_FILE: JOB, ...flags }, env });
const withVariable = (s: SettingEntry): s is Extract<SettingEntry, { env: string }> => 'env' in s;
const marked = (s: SettingEntry) => 'writes' in s && s.writes !== undefined;

describe('the written locations', () => {
  it('of the job are the settings marked `writes`, with their resolved values, in table order', () => {
    expect(writtenLocations(load().resolved)).toEqual([
      { variable: 'output_path', value: '/opt/ml/processing/output', kind: 'folder' },
      { variable: 'MPM_MESSAGE_FILE', value: '/opt/ml/output/message', kind: 'file' },
      { variable: 'CLOUDWATCH_METRICS_DIRECTORY', value: '/opt/ml/output/metrics/cloudwatch', kind: 'folder' },
    ]);
  });

  it('of suggest-baseline are its own marked settings only (its output and its message file, not the CloudWatch folder)', () => {
    expect(writtenLocations(load().resolved, 'suggest-baseline')).toEqual([
      { variable: 'output_path', value: '/opt/ml/processing/output', kind: 'folder' },
      { variable: 'MPM_MESSAGE_FILE', value: '/opt/ml/output/message', kind: 'file' },
    ]);
  });

  it('follow the marker alone: every marked setting with a value is listed, so a new one needs no edit here', () => {
    const resolved = Object.fromEntries(SETTING_TABLE.filter(withVariable).map((s) => [s.env, `/x/${s.env}`]));
    expect(writtenLocations(resolved).map((w) => w.variable)).toEqual(settingsOf('job').filter(withVariable).filter(marked).map((s) => s.env));
    expect(inputLocations(resolved)).toEqual(SETTING_TABLE.filter(withVariable).filter((s) => !marked(s)).map((s) => `/x/${s.env}`));
  });

  it('take a flag over the environment (the resolved value)', () => {
    const config = load({ output_path: '/opt/ml/processing/reports' }, { output_path: '/elsewhere' });
    expect(writtenLocations(config.resolved)[0]).toEqual({ variable: 'output_path', value: '/opt/ml/processing/reports', kind: 'folder' });
  });
});

describe('the input locations', () => {
  it('take a value without a slash only when it names something that exists (a relative input folder, not a name)', () => {
    const resolved = { dataset_source: 'capture', problem_type: 'Regression', sagemaker_endpoint_name: 'capture-ep', ground_truth_source: './labels' };
    expect(inputLocations(resolved, (p) => p === 'capture').sort()).toEqual(['./labels', 'capture']);
    expect(inputLocations(resolved, () => false)).toEqual(['./labels']);
  });
});

describe('the request', () => {
  it('names every other path-valued setting as an input, and never a URI, a name, JSON or a JSONPath', () => {
    const config = load({}, { ground_truth_s3_uri_path: 's3://bucket/labels', inference_attribute: '$.predictions[*].label', sagemaker_endpoint_name: 'ep' });
    const request = leastPrivilegeRequest(config, { MPM_IMAGE_USER: '10001:10001' });
    expect([...request.inputs].sort()).toEqual(['/opt/ml/config/resourceconfig.json', '/opt/ml/processing/baseline/constraints/constraints.json', '/opt/ml/processing/baseline/stats/statistics.json', '/opt/ml/processing/groundtruth', '/opt/ml/processing/input/endpoint', JOB].sort());
    expect(request).toMatchObject({ runAsRoot: false, imageUser: '10001:10001' });
    expect(leastPrivilegeRequest(config, {}).imageUser).toBeUndefined();
  });
});

describe('MPM_RUN_AS_ROOT', () => {
  it('is false by default, true or false in any case, and true for a bare --run-as-root', () => {
    expect(load().runAsRoot).toBe(false);
    expect(load({}, { MPM_RUN_AS_ROOT: ' TRUE ' }).runAsRoot).toBe(true);
    expect(load({}, { MPM_RUN_AS_ROOT: 'False' }).runAsRoot).toBe(false);
    expect(load({ MPM_RUN_AS_ROOT: '' }).runAsRoot).toBe(true);
    expect(load({ MPM_RUN_AS_ROOT: 'false' }, { MPM_RUN_AS_ROOT: 'true' }).runAsRoot).toBe(false);
  });

  it('names the variable, the value and what is expected otherwise (exit 2)', () => {
    expect(() => load({}, { MPM_RUN_AS_ROOT: 'yes' })).toThrow(ConfigError);
    expect(() => load({}, { MPM_RUN_AS_ROOT: 'yes' })).toThrow(/^config: MPM_RUN_AS_ROOT "yes" is not valid; expected true or false$/);
  });
});
