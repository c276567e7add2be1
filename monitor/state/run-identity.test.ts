import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { readHosts, readRunIdentity } from './run-identity.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'mpm-identity-'));
const write = (name: string, json: unknown): string => {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(json));
  return file;
};
const jobConfig = write('processingjobconfig.json', { ProcessingJobName: 'mq-hourly-20260115-0905', Environment: {} });
const twoHosts = write('resourceconfig.json', { current_host: 'algo-2', hosts: ['algo-1', 'algo-2'] });
const absent = path.join(dir, 'absent.json');
const config = (files: { job: string; resources: string }, runId?: string) => ({
  paths: { jobConfigFile: files.job, resourceConfigFile: files.resources } as never,
  runId,
  window: { start: Date.UTC(2026, 0, 15, 8) } as never,
});

describe('readRunIdentity', () => {
  it("names the run after the processing job, even when MPM_RUN_ID is set (each execution of a schedule is its own job)", async () => {
    const identity = await readRunIdentity(config({ job: jobConfig, resources: twoHosts }, 'fixed-id'));
    expect(identity).toEqual({ job: { name: 'mq-hourly-20260115-0905', source: 'processing_job' }, host: { current_host: 'algo-2', hosts: ['algo-1', 'algo-2'] } });
  });

  it('uses MPM_RUN_ID without a processing job, else the window start (one instance only)', async () => {
    expect((await readRunIdentity(config({ job: absent, resources: twoHosts }, 'fixed-id'))).job).toEqual({ name: 'fixed-id', source: 'run_id' });
    expect((await readRunIdentity(config({ job: absent, resources: absent }))).job).toEqual({ name: 'run-20260115T080000Z', source: 'run_id' });
    await expect(readRunIdentity(config({ job: absent, resources: twoHosts }))).rejects.toThrow(ConfigError);
  });
});

describe('readHosts', () => {
  it('refuses a FIFO or a device named as MPM_RESOURCE_CONFIG_FILE at once, naming the variable (it waited for a writer forever)', async () => {
    const fifo = path.join(dir, 'resource-fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(readHosts(fifo)).rejects.toThrow(/^config: MPM_RESOURCE_CONFIG_FILE ".*resource-fifo" cannot be read \(.*not a regular file/);
    await expect(readHosts('/dev/zero')).rejects.toThrow(/MPM_RESOURCE_CONFIG_FILE "\/dev\/zero" cannot be read/);
  });

  it('names the variable when the file is not JSON', async () => {
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"hosts": [');
    await expect(readHosts(broken)).rejects.toThrow(/^config: MPM_RESOURCE_CONFIG_FILE ".*broken.json" is not valid JSON/);
  });
});
