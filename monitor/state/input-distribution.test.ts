import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { dealFiles, dealListed, planCaptureDeal } from './input-distribution.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'mpm-inputs-'));
let n = 0;
function jobConfig(inputs: Array<{ name: string; localPath: string; distribution?: string }>): string {
  const file = path.join(dir, `job-${n++}.json`);
  const ProcessingInputs = inputs.map((i) => ({ InputName: i.name, S3Input: { LocalPath: i.localPath, S3Uri: 's3://b/k', ...(i.distribution ? { S3DataDistributionType: i.distribution } : {}) } }));
  writeFileSync(file, JSON.stringify({ ProcessingJobName: 'job', ProcessingInputs }));
  return file;
}
const DATA = '/opt/ml/processing/input_data';
const config = (job: string, datasetSource = DATA) => ({ datasetSource, groundTruth: { location: '/opt/ml/processing/groundtruth' }, paths: { jobConfigFile: job } }) as unknown as Parameters<typeof planCaptureDeal>[0];
const host = (current: string, count = 3) => ({ current_host: current, hosts: Array.from({ length: count }, (_, i) => `algo-${i + 1}`) });
const files = (paths: string[]) => paths.map((p) => ({ path: p }));

describe('planCaptureDeal', () => {
  it("deals Model Monitor's per-hour inputs mounted under dataset_source when they are FullyReplicated (the default)", () => {
    const job = jobConfig([
      { name: 'endpoint_input_1', localPath: `${DATA}/ep/AllTraffic/2026/01/15/08` },
      { name: 'endpoint_input_2', localPath: `${DATA}/ep/AllTraffic/2026/01/15/09`, distribution: 'ShardedByS3Key' },
      { name: 'constraints', localPath: '/opt/ml/processing/baseline/constraints' },
    ]);
    const deal = planCaptureDeal(config(job), host('algo-2'));
    expect(deal).toEqual({ index: 1, count: 3, replicated: ['ep/AllTraffic/2026/01/15/08'] });
    const listed = files(['ep/AllTraffic/2026/01/15/08/a.jsonl', 'ep/AllTraffic/2026/01/15/08/b.jsonl', 'ep/AllTraffic/2026/01/15/08/c.jsonl', 'ep/AllTraffic/2026/01/15/080/x.jsonl', 'ep/AllTraffic/2026/01/15/09/d.jsonl']);
    // The second of every three replicated files, and every file of the sharded input (its shard).
    expect(dealFiles(listed, deal!).map((f) => f.path)).toEqual(['ep/AllTraffic/2026/01/15/08/b.jsonl', 'ep/AllTraffic/2026/01/15/080/x.jsonl', 'ep/AllTraffic/2026/01/15/09/d.jsonl']);
  });

  it('every host together reads every replicated file exactly once', () => {
    const listed = files(Array.from({ length: 10 }, (_, i) => `ep/v/f${String(i).padStart(2, '0')}.jsonl`));
    const job = jobConfig([{ name: 'capture', localPath: DATA, distribution: 'FullyReplicated' }]);
    const read = ['algo-1', 'algo-2', 'algo-3', 'algo-4'].flatMap((h) => dealFiles(listed, planCaptureDeal(config(job), host(h, 4))!).map((f) => f.path));
    expect(read.sort()).toEqual(listed.map((f) => f.path));
  });

  it('deals a walked listing (tabular datasets) the same way, and passes it through without a deal', async () => {
    async function* walk() {
      for (const f of files(['a.csv', 'b.csv', 'c.csv', 'd.csv'])) yield f;
    }
    const collect = async (deal: Parameters<typeof dealListed>[1]) => {
      const out: string[] = [];
      for await (const f of dealListed(walk(), deal)) out.push(f.path);
      return out;
    };
    expect(await collect(undefined)).toEqual(['a.csv', 'b.csv', 'c.csv', 'd.csv']);
    expect(await collect({ index: 1, count: 2, replicated: [''] })).toEqual(['b.csv', 'd.csv']);
  });

  it('does not deal: one instance, sharded capture, no processingjobconfig.json (docker run gives each host its shard)', () => {
    const sharded = jobConfig([{ name: 'capture', localPath: DATA, distribution: 'ShardedByS3Key' }]);
    expect(planCaptureDeal(config(sharded), host('algo-1'))).toBeUndefined();
    expect(planCaptureDeal(config(jobConfig([{ name: 'capture', localPath: DATA }])), host('algo-1', 1))).toBeUndefined();
    expect(planCaptureDeal(config(path.join(dir, 'absent.json')), host('algo-1'))).toBeUndefined();
  });

  it("deals a capture every host of a processing job reads from S3 itself, and a mount that holds dataset_source", () => {
    expect(planCaptureDeal(config(jobConfig([]), 's3://bucket/capture'), host('algo-3'))).toEqual({ index: 2, count: 3, replicated: [''] });
    // Without a job (docker run, the CLI) each host may have been given an S3 prefix of its own.
    expect(planCaptureDeal(config(path.join(dir, 'absent.json'), 's3://bucket/capture'), host('algo-3'))).toBeUndefined();
    expect(planCaptureDeal(config(jobConfig([{ name: 'all', localPath: '/opt/ml/processing' }])), host('algo-1'))).toEqual({ index: 0, count: 3, replicated: [''] });
  });

  it('refuses ground truth sharded between the hosts, naming the input and what is expected', () => {
    const job = jobConfig([{ name: 'groundtruth_input_1', localPath: '/opt/ml/processing/groundtruth/2026/01/15/08', distribution: 'ShardedByS3Key' }]);
    expect(() => planCaptureDeal(config(job), host('algo-1'))).toThrow(ConfigError);
    expect(() => planCaptureDeal(config(job), host('algo-1'))).toThrow(/input "groundtruth_input_1" mounts ground truth \(\/opt\/ml\/processing\/groundtruth\/2026\/01\/15\/08\) with S3DataDistributionType ShardedByS3Key: each of the 3 hosts would read part of the labels; expected FullyReplicated/);
    expect(planCaptureDeal(config(job), host('algo-1', 1))).toBeUndefined();
  });
});
