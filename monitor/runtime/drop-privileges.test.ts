import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { loadConfig } from '../config/load-config.ts';
import { SETTINGS, type SettingSpec } from '../config/settings.ts';
import { inputLocations, leastPrivilegeRequest, runAsRoot, writtenLocations } from './drop-privileges.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mpm-drop-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const JOB = path.join(dir, 'processingjobconfig.json');
writeFileSync(JOB, '{}');
const defaults = () => loadConfig({ flags: { MPM_JOB_CONFIG_FILE: JOB }, env: {} });

describe('the written locations', () => {
  it('are the settings marked `writes`, with their resolved values, in table order', () => {
    expect(writtenLocations(defaults().resolved)).toEqual([
      { variable: 'output_path', value: '/opt/ml/processing/output', kind: 'folder' },
      { variable: 'MPM_MESSAGE_FILE', value: '/opt/ml/output/message', kind: 'file' },
      { variable: 'CLOUDWATCH_METRICS_DIRECTORY', value: '/opt/ml/output/metrics/cloudwatch', kind: 'folder' },
    ]);
  });

  it('follow the marker alone: every marked setting with a value is listed, so a new one needs no edit here', () => {
    const resolved = Object.fromEntries(SETTINGS.map((s) => [s.env, `/x/${s.env}`]));
    const marked = (SETTINGS as readonly SettingSpec[]).filter((s) => s.writes !== undefined).map((s) => s.env);
    expect(writtenLocations(resolved).map((w) => w.variable)).toEqual(marked);
    expect(inputLocations(resolved)).toEqual((SETTINGS as readonly SettingSpec[]).filter((s) => s.writes === undefined).map((s) => `/x/${s.env}`));
  });

  it('take a flag over the environment (the resolved value)', () => {
    const config = loadConfig({ flags: { MPM_JOB_CONFIG_FILE: JOB, output_path: '/opt/ml/processing/reports' }, env: { output_path: '/elsewhere' } });
    expect(writtenLocations(config.resolved)[0]).toEqual({ variable: 'output_path', value: '/opt/ml/processing/reports', kind: 'folder' });
  });
});

describe('the input locations', () => {
  it('are every other path-valued setting, and never a URI, a name, JSON or a JSONPath', () => {
    const config = loadConfig({
      flags: { MPM_JOB_CONFIG_FILE: JOB },
      env: { ground_truth_s3_uri_path: 's3://bucket/labels', inference_attribute: '$.predictions[*].label', sagemaker_endpoint_name: 'ep', baseline_statistics: '' },
    });
    expect(leastPrivilegeRequest(config, { MPM_IMAGE_USER: '10001:10001' }).inputs).toEqual([
      '/opt/ml/processing/input/endpoint',
      '/opt/ml/processing/baseline/constraints/constraints.json',
      '/opt/ml/processing/groundtruth',
      JOB,
    ]);
  });
});

describe('MPM_RUN_AS_ROOT', () => {
  const withValue = (value: string | undefined) => ({ resolved: value === undefined ? {} : { MPM_RUN_AS_ROOT: value } });

  it('is false by default, true or false in any case, and true for a bare --run-as-root', () => {
    expect(runAsRoot(defaults())).toBe(false);
    expect(runAsRoot(withValue('true'))).toBe(true);
    expect(runAsRoot(withValue(' TRUE '))).toBe(true);
    expect(runAsRoot(withValue('False'))).toBe(false);
    expect(runAsRoot(withValue(''))).toBe(true);
    expect(runAsRoot(loadConfig({ flags: { MPM_JOB_CONFIG_FILE: JOB, MPM_RUN_AS_ROOT: '' }, env: {} }))).toBe(true);
  });

  it('names the variable, the value and what is expected otherwise (exit 2)', () => {
    expect(() => runAsRoot(withValue('yes'))).toThrow(new ConfigError('config: MPM_RUN_AS_ROOT "yes" is not valid; expected true or false'));
    expect(() => runAsRoot(withValue('yes'))).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});
