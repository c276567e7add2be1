/**
 * Issue 19: several instances over S3 (fauxqs, started here). Three monitor processes with their own
 * resourceconfig.json read their shard of the capture (objects dealt whole, as ShardedByS3Key deals them) and all
 * labels from S3, write their states and their prediction-store parts to S3, and the first host merges: its report
 * files equal a one-instance run's byte for byte apart from the clock, the timings and the shard's location, and the
 * stored hour read back holds the records and capture facts the one-instance run stored. A host killed half-way
 * through its scan and a host whose state upload breaks leave no state; the leader fails in bounded time naming them;
 * their reruns merge once. A host whose shard holds no object still reports an empty state.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slowdown } from '../helpers/run-monitor.ts';
import { hostArgs, runHostProcess, type HostProcess } from './host-process.ts';
import { hostOutputs } from './host-outputs.ts';
import { startS3Server, TEST_CREDENTIALS, TEST_REGION, type S3TestServer } from '../helpers/s3-server.ts';
import { startFlakyProxy } from '../helpers/flaky-proxy.ts';
import { openStoredHour } from '../../monitor/store/prediction-store-reader.ts';
import type { HourCaptureFacts, HourManifest } from '../../monitor/store/hour-manifest.ts';
import { S3Storage } from '../../monitor/storage/s3.ts';
import { unpack } from '../../monitor/state/state-file.ts';
import { WINDOW, windowInputs } from './multi-host-inputs.ts';

const BUCKET = 'mpm-hosts';
const HOSTS = ['algo-1', 'algo-2', 'algo-3'];
const HOUR = Date.parse(WINDOW.start);
const HOUR_PREFIX = 'mh-ep/AllTraffic/2026/01/15/08';
let root: string;
let s3: S3TestServer;

// Objects outside the window, whose folders the scan prunes: hour 07 holds two, dealt to two hosts (summed over hosts
// the pruned folders would count it twice; one instance counts it once).
const OUTSIDE = ['mh-ep/AllTraffic/2026/01/14/23/23-00-00-000-a.jsonl', 'mh-ep/AllTraffic/2026/01/15/07/07-10-00-000-b.jsonl', 'mh-ep/AllTraffic/2026/01/15/07/07-40-00-000-c.jsonl', 'mh-ep/AllTraffic/2026/01/15/10/10-00-00-000-d.jsonl'];
const OUTSIDE_HOST = [1, 0, 2, 1];

interface HostOptions {
  capture: string;
  out: string;
  runId: string;
  store: string;
  host?: string;
  hosts?: string[];
  wait?: number;
  endpoint?: string;
  onStart?: (child: ChildProcess) => void;
}

/** Runs the monitor as `host` of `hosts` (no resourceconfig.json for a one-instance run), everything but its outputs in S3. */
function runHost(name: string, o: HostOptions): Promise<HostProcess> {
  const args = [
    ...['--problem-type', 'BinaryClassification', '--start-time', WINDOW.start, '--end-time', WINDOW.end, '--sagemaker-endpoint-name', 'mh-ep'],
    ...['--dataset-source', o.capture, '--ground-truth-source', `s3://${BUCKET}/groundtruth`, '--output-path', o.out, '--workers', '1'],
    ...['--baseline-constraints', path.join(root, 'constraints.json'), '--max-input-error-rate', '0.5', '--publish-cloudwatch-metrics', 'Enabled'],
    ...['--state-uri', `s3://${BUCKET}/state`, '--prediction-store', o.store, '--run-id', o.runId],
    ...['--host-wait-seconds', String(o.wait ?? 120 * slowdown()), '--s3-endpoint-url', o.endpoint ?? s3.endpoint],
    ...hostArgs(root, name, o.out, o),
  ];
  return runHostProcess(args, { AWS_REGION: TEST_REGION, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey }, o.onStart);
}

/**
 * The files a run wrote (output folder, CloudWatch file, message) with the clock, the timings and `locations` (a
 * shard's location, written as the whole capture's) scrubbed; the prediction-store section of monitoring_report.json
 * is returned apart (its run id, parts and bytes differ between one and several writers).
 */
function outputsOf(out: string, name: string, job: string, locations: Record<string, string> = {}): { files: Map<string, string>; store: unknown } {
  let store: unknown;
  const replace = { ...locations, [`${path.dirname(out)}/`]: '<run>/', [`/state/2026/01/15/08/${job}/`]: '/state/<hour>/<job>/' };
  const files = hostOutputs(out, name, {
    replace,
    edit: (file, text) => {
      if (file !== 'monitoring_report.json') return text;
      // The page's size varies with the length of the paths it shows.
      const report = JSON.parse(text) as { prediction_store?: unknown; report_html?: { bytes?: number } };
      store = report.prediction_store;
      delete report.prediction_store;
      delete report.report_html?.bytes;
      return JSON.stringify(report, null, 2);
    },
  });
  return { files, store };
}

async function keys(prefix: string): Promise<string[]> {
  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

async function getText(key: string): Promise<string> {
  return (await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
}

function storage(uri: string): S3Storage {
  return new S3Storage(uri, { s3EndpointUrl: s3.endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS });
}

/** The stored hour as a comparable value: its records sorted by inference id, and its capture facts. */
async function storedHour(uri: string): Promise<{ records: unknown[]; capture: unknown; requests: number; manifest: HourManifest }> {
  const hour = await openStoredHour(storage(uri), { endpoint: 'mh-ep', hour: HOUR });
  expect(hour, `${uri} holds the hour`).toBeDefined();
  const records = [];
  for await (const { file: _f, row: _r, ...record } of hour!.read()) records.push(record);
  // Records in a stable order (an event id is reused across two files: the time tells them apart).
  records.sort((a, b) => (a.eventId! < b.eventId! ? -1 : a.eventId! > b.eventId! ? 1 : a.inferenceTime - b.inferenceTime));
  return { records, capture: comparableFacts(hour!.capture), requests: hour!.requests, manifest: hour!.manifests[0]! };
}

/** Capture facts with shard locations written as the whole capture's. */
function comparableFacts(facts: HourCaptureFacts): HourCaptureFacts {
  let text = JSON.stringify(facts);
  for (const [from, to] of Object.entries(SHARD_AS_WHOLE)) text = text.split(from).join(to);
  return JSON.parse(text) as HourCaptureFacts;
}

const inputs = windowInputs();
const windowFiles = [...inputs.capture.keys()];
const shardOf = (key: string): number => {
  const outside = OUTSIDE.indexOf(key);
  return outside >= 0 ? OUTSIDE_HOST[outside]! : windowFiles.indexOf(key) % 3;
};

beforeAll(async () => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'mpm-multi-host-s3-')));
  writeFileSync(path.join(root, 'constraints.json'), JSON.stringify({ accuracy: { threshold: 0.9 } }));
  s3 = await startS3Server();
  await s3.createBucket(BUCKET);
  const put = (key: string, body: string) => s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  const objects = new Map([...inputs.capture, ...OUTSIDE.map((k) => [k, '{"not read": "its folder is pruned"}\n'] as const)]);
  for (const [key, text] of objects) {
    await put(`whole/${key}`, text);
    await put(`shards/${shardOf(key)}/${key}`, text);
  }
  await put('groundtruth/2026/01/15/08/labels.jsonl', inputs.labels);
}, 60_000);

afterAll(async () => {
  await s3?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Scrubs a host's shard location into the whole capture's. */
const SHARD_AS_WHOLE = Object.fromEntries([0, 1, 2].map((h) => [`s3://${BUCKET}/shards/${h}/`, `s3://${BUCKET}/whole/`]));

let single: ReturnType<typeof outputsOf>;
let singleStore: Awaited<ReturnType<typeof storedHour>>;

describe('several instances over S3', () => {
  it('one instance over the whole capture (the reference)', async () => {
    const run = await runHost('single', { capture: `s3://${BUCKET}/whole`, out: path.join(root, 'single', 'output'), runId: 'single', store: `s3://${BUCKET}/store-single` });
    expect(run.code, run.stderr).toBe(0);
    single = outputsOf(path.join(root, 'single', 'output'), 'single', 'single');
    expect(single.files.get('message')).toMatch(/^CompletedWithViolations: /);
    const report = JSON.parse(single.files.get('monitoring_report.json')!) as { capture: { files: number; pruned_folders: number } };
    expect(report.capture).toMatchObject({ files: 9, pruned_folders: 3 });
    singleStore = await storedHour(`s3://${BUCKET}/store-single`);
  });

  it('three hosts at once over their shards: the leader writes what one instance writes, the store holds the same hour', async () => {
    const runs = await Promise.all(
      HOSTS.map((host, h) => runHost(`t-${host}`, { capture: `s3://${BUCKET}/shards/${h}`, out: path.join(root, 'three', host, 'output'), host, hosts: HOSTS, runId: 'three', store: `s3://${BUCKET}/store-three` })),
    );
    runs.forEach((run) => expect(run.code, run.stderr).toBe(0));
    const leader = outputsOf(path.join(root, 'three', 'algo-1', 'output'), 't-algo-1', 'three', SHARD_AS_WHOLE);
    expect([...leader.files.keys()]).toEqual([...single.files.keys()]);
    for (const [file, text] of single.files) if (file !== 'message') expect(leader.files.get(file), file).toBe(text);
    expect(leader.files.get('message')).toBe(single.files.get('message'));
    for (const host of ['algo-2', 'algo-3']) {
      expect(readdirSync(path.join(root, 'three', host, 'output')), `${host} writes no report file`).toEqual([]);
      expect(readFileSync(path.join(root, 'three', host, `t-${host}.message`), 'utf8')).toMatch(new RegExp(`^Completed: worker ${host} of 3 hosts wrote its state .*s3://${BUCKET}/state/2026/01/15/08/three/hosts/${host}.mpmstate`));
    }
    // States in S3: the workers' parts and the merged run, nothing else.
    expect(await keys('state/2026/01/15/08/three/')).toEqual(['hosts/algo-2.mpmstate', 'hosts/algo-3.mpmstate', 'run.mpmstate'].map((k) => `state/2026/01/15/08/three/${k}`));
    // The stored hour: one part per host, listed by the leader's manifest; records and capture facts as one instance stored them.
    const three = await storedHour(`s3://${BUCKET}/store-three`);
    expect(three.manifest.parts.map((p) => p.writer).sort()).toEqual(['algo-1-w0', 'algo-2-w0', 'algo-3-w0']);
    expect(three.records).toEqual(singleStore.records);
    expect(three.capture).toEqual(singleStore.capture);
    expect(three.requests).toBe(singleStore.requests);
    expect(await keys(`store-three/${HOUR_PREFIX}/`)).toEqual([`store-three/${HOUR_PREFIX}/manifest.json`, ...three.manifest.parts.map((p) => `store-three/${HOUR_PREFIX}/${p.file}`)].sort());
    const { run_id: _a, hours: hoursThree, bytes: _b, bytes_per_record: _c, location: _d, ...restThree } = leader.store as Record<string, unknown>;
    const { run_id: _e, hours: hoursSingle, bytes: _f, bytes_per_record: _g, location: _h, ...restSingle } = single.store as Record<string, unknown>;
    expect(restThree).toEqual(restSingle);
    const counts = (hours: unknown) => (hours as { hour: string; records: number; requests: number }[]).map(({ hour, records, requests }) => ({ hour, records, requests }));
    expect(counts(hoursThree)).toEqual(counts(hoursSingle));
    // A worker's part: its shard's counts and pruned folders, its store parts, the label bits.
    const part = unpack(Buffer.from(await (await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'state/2026/01/15/08/three/hosts/algo-2.mpmstate' }))).Body!.transformToByteArray()));
    expect(part.header.host).toEqual({ current_host: 'algo-2', hosts: HOSTS });
    expect(Object.keys(part.states).sort()).toEqual(['capture', 'input_errors', 'labels_used', 'model_quality', 'prediction_store']);
    expect((part.states.capture!.meta as { pruned: string[] }).pruned).toEqual(['mh-ep/AllTraffic/2026/01/14', 'mh-ep/AllTraffic/2026/01/15/10']);
  });

  it('a host killed mid-scan and a host whose state upload breaks leave no state; the leader fails naming them; their reruns merge once', async () => {
    const job = 'crash';
    const store = `s3://${BUCKET}/store-crash`;
    const out = (host: string) => path.join(root, job, host, 'output');
    // algo-2 reads through a proxy that stalls its second capture object: it is killed there, half-way.
    const stalling = await startFlakyProxy(s3.endpoint);
    const captureGets = () => stalling.requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/${BUCKET}/shards/1/`) && r.path.endsWith('.jsonl'));
    stalling.fault = (r) => (r.path === captureGets()[1]?.path ? { stallAfter: 0 } : undefined);
    let killed = false;
    const crashed = await runHost(`c-algo-2-first`, {
      capture: `s3://${BUCKET}/shards/1`,
      out: out('algo-2'),
      host: 'algo-2',
      hosts: HOSTS,
      runId: job,
      store,
      endpoint: stalling.endpoint,
      onStart: (child) => {
        const timer = setInterval(() => {
          if (captureGets().length >= 2) {
            clearInterval(timer);
            killed = child.kill('SIGKILL');
          }
        }, 20);
        child.on('close', () => clearInterval(timer));
      },
    });
    await stalling.close();
    expect(killed, crashed.stderr).toBe(true);
    expect(crashed.code).toBe(null);
    // algo-3's state upload breaks on every attempt (the connection drops while the body is on its way).
    const breaking = await startFlakyProxy(s3.endpoint);
    breaking.breakUpload = (r) => r.path.endsWith('/hosts/algo-3.mpmstate');
    const failed = await runHost('c-algo-3-first', { capture: `s3://${BUCKET}/shards/2`, out: out('algo-3'), host: 'algo-3', hosts: HOSTS, runId: job, store, endpoint: breaking.endpoint });
    await breaking.close();
    expect(failed.code, failed.stderr).toBe(4);
    expect(readFileSync(path.join(root, job, 'algo-3', 'c-algo-3-first.message'), 'utf8')).toMatch(/^Failed: output: cannot write the state file s3:\/\/mpm-hosts\/state\/2026\/01\/15\/08\/crash\/hosts\/algo-3\.mpmstate/);
    expect(breaking.requests.filter((r) => r.path.endsWith('/hosts/algo-3.mpmstate')).length, 'the upload was tried').toBeGreaterThan(0);
    // Neither left a state (nor an open upload), and no hour is stored.
    expect(await keys(`state/2026/01/15/08/${job}/`)).toEqual([]);
    expect((await s3.client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'state/' }))).Uploads ?? []).toEqual([]);
    expect((await keys(`store-crash/`)).filter((k) => k.endsWith('manifest.json'))).toEqual([]);
    // The leader waits a bounded time and names both.
    const started = performance.now();
    const lonely = await runHost('c-algo-1-first', { capture: `s3://${BUCKET}/shards/0`, out: out('algo-1'), host: 'algo-1', hosts: HOSTS, runId: job, store, wait: 2 });
    expect(lonely.code).toBe(3);
    expect(performance.now() - started).toBeLessThan(60_000 * slowdown());
    expect(readFileSync(path.join(root, job, 'algo-1', 'c-algo-1-first.message'), 'utf8')).toMatch(
      /^Failed: input: 2 of 3 hosts wrote no state to s3:\/\/mpm-hosts\/state\/2026\/01\/15\/08\/crash\/hosts within 2 s \(MPM_HOST_WAIT_SECONDS\): algo-2, algo-3$/,
    );
    expect(existsSync(path.join(out('algo-1'), 'statistics.json'))).toBe(false);
    // Reruns of the whole job: every host once more; the leader's outputs and the stored hour are the one-instance run's.
    const reruns = await Promise.all(HOSTS.map((host, h) => runHost(`c-${host}`, { capture: `s3://${BUCKET}/shards/${h}`, out: out(host), host, hosts: HOSTS, runId: job, store })));
    reruns.forEach((run) => expect(run.code, run.stderr).toBe(0));
    const leader = outputsOf(out('algo-1'), 'c-algo-1', job, SHARD_AS_WHOLE);
    for (const file of ['statistics.json', 'constraint_violations.json', 'monitoring_report.json', 'cloudwatch', 'message']) expect(leader.files.get(file), file).toBe(single.files.get(file));
    const stored = await storedHour(store);
    expect(stored.records).toEqual(singleStore.records);
    expect(stored.manifest.parts).toHaveLength(3);
  });

  it('a host whose shard holds no object still reports an empty state, and the merge equals the one-instance run', async () => {
    const hosts = ['algo-1', 'algo-2'];
    const runs = await Promise.all([
      runHost('e-algo-1', { capture: `s3://${BUCKET}/whole`, out: path.join(root, 'empty', 'algo-1', 'output'), host: 'algo-1', hosts, runId: 'empty', store: `s3://${BUCKET}/store-empty` }),
      runHost('e-algo-2', { capture: `s3://${BUCKET}/shards/none`, out: path.join(root, 'empty', 'algo-2', 'output'), host: 'algo-2', hosts, runId: 'empty', store: `s3://${BUCKET}/store-empty` }),
    ]);
    runs.forEach((run) => expect(run.code, run.stderr).toBe(0));
    expect(readFileSync(path.join(root, 'empty', 'algo-2', 'e-algo-2.message'), 'utf8')).toContain('0 capture files');
    const leader = outputsOf(path.join(root, 'empty', 'algo-1', 'output'), 'e-algo-1', 'empty');
    for (const file of ['statistics.json', 'constraint_violations.json', 'monitoring_report.json', 'cloudwatch', 'message']) expect(leader.files.get(file), file).toBe(single.files.get(file));
    const stored = await storedHour(`s3://${BUCKET}/store-empty`);
    expect(stored.records).toEqual(singleStore.records);
    expect(stored.manifest.parts.map((p) => p.writer)).toEqual(['algo-1-w0']);
    expect(JSON.parse(await getText(`store-empty/${HOUR_PREFIX}/manifest.json`))).toMatchObject({ records: singleStore.manifest.records });
  });
});
