/**
 * Issue 19: several instances. Monitor processes with their own resourceconfig.json read their shard of the capture
 * (whole files, as ShardedByS3Key deals them) and all labels; the workers write their states, the first host waits,
 * merges and alone writes the report files and metrics, which equal a one-instance run over the same input byte for
 * byte apart from the clock and the timings. A host that never reports fails the leader in bounded time, naming it;
 * a host whose shard holds no file still reports.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slowdown } from '../helpers/run-monitor.ts';
import { hostArgs, runHostProcess, type HostProcess } from './host-process.ts';
import { hostOutputs } from './host-outputs.ts';
import { unpack } from '../../monitor/state/state-file.ts';
import { WINDOW, windowInputs, writeCapture, writeLabels } from './multi-host-inputs.ts';

const HOSTS = ['algo-1', 'algo-2', 'algo-3'];
let root: string;

/** Runs the monitor as `host` of `hosts` (no resourceconfig.json for a one-instance run). */
function runHost(name: string, o: { capture: string; out: string; host?: string; hosts?: string[]; wait?: number; runId?: string; extra?: string[]; jobConfig?: unknown }): Promise<HostProcess> {
  const args = [
    ...['--problem-type', 'BinaryClassification', '--start-time', WINDOW.start, '--end-time', WINDOW.end, '--sagemaker-endpoint-name', 'mh-ep'],
    ...['--dataset-source', o.capture, '--ground-truth-source', path.join(root, 'groundtruth'), '--output-path', o.out],
    ...['--baseline-constraints', path.join(root, 'constraints.json'), '--max-input-error-rate', '0.5', '--publish-cloudwatch-metrics', 'Enabled'],
    ...['--state-uri', path.join(root, 'state'), '--run-id', o.runId ?? 'mh-run', '--host-wait-seconds', String(o.wait ?? 120 * slowdown())],
    ...hostArgs(root, name, o.out, o),
    ...(o.extra ?? []),
  ];
  return runHostProcess(args);
}

const inputs = windowInputs();

beforeAll(() => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'mpm-multi-host-')));
  writeLabels(path.join(root, 'groundtruth'), inputs.labels);
  writeFileSync(path.join(root, 'constraints.json'), JSON.stringify({ accuracy: { threshold: 0.9 } }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('several instances', () => {
  it('three hosts, one after the other over the one local path each would have: the leader writes what one instance writes', async () => {
    const capture = path.join(root, 'exact', 'capture');
    const out = path.join(root, 'exact', 'output');
    writeCapture(capture, inputs.capture);
    const single = await runHost('single', { capture, out, runId: 'one-instance' });
    expect(single.code, single.stderr).toBe(0);
    const expected = hostOutputs(out, 'single');
    expect(expected.get('message')).toMatch(/^CompletedWithViolations: /);
    rmSync(path.dirname(out), { recursive: true, force: true });
    // Workers first (each with its shard at the path), then the leader: SageMaker mounts every shard at one path.
    for (const host of ['algo-2', 'algo-3', 'algo-1']) {
      rmSync(capture, { recursive: true, force: true });
      const index = HOSTS.indexOf(host);
      writeCapture(capture, inputs.capture, (i) => i % 3 === index);
      const run = await runHost(host, { capture, out: host === 'algo-1' ? out : path.join(root, 'exact', `${host}-output`), host, hosts: HOSTS, runId: 'one-instance' });
      expect(run.code, run.stderr).toBe(0);
    }
    const leader = hostOutputs(out, 'algo-1');
    expect([...leader.keys()]).toEqual([...expected.keys()]);
    for (const [file, text] of expected) expect(leader.get(file), file).toBe(text);
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
    for (const host of ['algo-2', 'algo-3']) {
      expect(readdirSync(path.join(root, 'exact', `${host}-output`)), `${host} writes no report file`).toEqual([]);
      expect(readFileSync(path.join(root, 'exact', `${host}.message`), 'utf8')).toMatch(new RegExp(`^Completed: worker ${host} of 3 hosts wrote its state .* algo-1 merges`));
    }
    // The merged counts: 9 files, every malformed line of every shard, the duplicate across shards.
    const report = JSON.parse(leader.get('monitoring_report.json')!) as { capture: { files: number }; join: { duplicate_predictions: number }; input_errors?: unknown };
    expect(report.capture.files).toBe(9);
    expect(report.join.duplicate_predictions, 'a reused inference id across shards').toBeGreaterThan(0);
  });

  it('three processes at once, each with its own shard folder: the leader waits and writes the one-instance statistics and violations', async () => {
    const base = path.join(root, 'concurrent');
    writeCapture(path.join(base, 'whole'), inputs.capture);
    const single = await runHost('c-single', { capture: path.join(base, 'whole'), out: path.join(base, 'single', 'output'), runId: 'c-single' });
    expect(single.code, single.stderr).toBe(0);
    HOSTS.forEach((_, h) => writeCapture(path.join(base, `shard-${h}`), inputs.capture, (i) => i % 3 === h));
    const runs = await Promise.all(HOSTS.map((host, h) => runHost(`c-${host}`, { capture: path.join(base, `shard-${h}`), out: path.join(base, host, 'output'), host, hosts: HOSTS, runId: 'c-multi' })));
    runs.forEach((run) => expect(run.code, run.stderr).toBe(0));
    const one = hostOutputs(path.join(base, 'single', 'output'), 'c-single');
    const merged = hostOutputs(path.join(base, 'algo-1', 'output'), 'c-algo-1');
    for (const file of ['statistics.json', 'constraint_violations.json', 'cloudwatch', 'message']) expect(merged.get(file), file).toBe(one.get(file));
    // The merged state of the run (for roll-ups) holds one host's worth of header and the whole window's counts.
    const state = unpack(readFileSync(path.join(root, 'state/2026/01/15/08/c-multi/run.mpmstate')));
    expect(state.header.job).toEqual({ name: 'c-multi', source: 'run_id' });
    expect(state.header.host.current_host).toBe('algo-1');
    expect(readdirSync(path.join(root, 'state/2026/01/15/08/c-multi/hosts')).sort()).toEqual(['algo-2.mpmstate', 'algo-3.mpmstate']);
  });

  it('a host that never reports: the leader fails in bounded time naming it, and writes no statistics', async () => {
    const base = path.join(root, 'missing');
    writeCapture(path.join(base, 'shard'), inputs.capture, (i) => i % 3 === 0);
    const run = await runHost('m-algo-1', { capture: path.join(base, 'shard'), out: path.join(base, 'output'), host: 'algo-1', hosts: HOSTS, runId: 'm-run', wait: 2 });
    expect(run.code).toBe(3);
    const message = readFileSync(path.join(base, 'm-algo-1.message'), 'utf8');
    expect(message).toMatch(/^Failed: input: 2 of 3 hosts wrote no state to .*m-run.hosts within 2 s \(MPM_HOST_WAIT_SECONDS\): algo-2, algo-3$/);
    expect(existsSync(path.join(base, 'output', 'statistics.json'))).toBe(false);
  });

  it('a delayed run (MPM_EVALUATION_DELAY_HOURS) on several hosts is refused before anything is read', async () => {
    const base = path.join(root, 'delayed');
    mkdirSync(path.join(base, 'nothing'), { recursive: true });
    const run = await runHost('d-algo-1', { capture: path.join(base, 'nothing'), out: path.join(base, 'output'), host: 'algo-1', hosts: HOSTS, runId: 'd-run', extra: ['--prediction-store', path.join(base, 'store'), '--evaluation-delay-hours', '2'] });
    expect(run.code, run.stderr).toBe(2);
    expect(readFileSync(path.join(base, 'd-algo-1.message'), 'utf8')).toMatch(/^Failed: config: MPM_EVALUATION_DELAY_HOURS 2 with 3 hosts in .*resourceconfig\.json is not supported/);
    expect(existsSync(path.join(base, 'store'))).toBe(false);
  });

  it('joined records on several hosts are refused before anything is read (each host has only its shard)', async () => {
    const base = path.join(root, 'joined');
    mkdirSync(path.join(base, 'nothing'), { recursive: true });
    const run = await runHost('j-algo-1', { capture: path.join(base, 'nothing'), out: path.join(base, 'output'), host: 'algo-1', hosts: HOSTS, runId: 'j-run', extra: ['--joined-records-output', 'Enabled'] });
    expect(run.code, run.stderr).toBe(2);
    expect(readFileSync(path.join(base, 'j-algo-1.message'), 'utf8')).toMatch(/^Failed: config: MPM_JOINED_RECORDS_OUTPUT Enabled with 3 hosts \(algo-1, algo-2, algo-3\) is not supported/);
    expect(existsSync(path.join(base, 'output', 'joined_records.parquet'))).toBe(false);
  });

  it('a host whose shard holds no file still reports an empty state, and the merge equals the one-instance run', async () => {
    const base = path.join(root, 'empty');
    mkdirSync(path.join(base, 'nothing'), { recursive: true });
    writeCapture(path.join(base, 'whole'), inputs.capture);
    const hosts = ['algo-1', 'algo-2'];
    const worker = await runHost('e-algo-2', { capture: path.join(base, 'nothing'), out: path.join(base, 'algo-2', 'output'), host: 'algo-2', hosts, runId: 'e-run' });
    expect(worker.code, worker.stderr).toBe(0);
    expect(readFileSync(path.join(base, 'algo-2', 'e-algo-2.message'), 'utf8')).toContain('0 capture files');
    const [leader, single] = [
      await runHost('e-algo-1', { capture: path.join(base, 'whole'), out: path.join(base, 'algo-1', 'output'), host: 'algo-1', hosts, runId: 'e-run' }),
      await runHost('e-single', { capture: path.join(base, 'whole'), out: path.join(base, 'single', 'output'), runId: 'e-single' }),
    ];
    expect(leader.code, leader.stderr).toBe(0);
    expect(single.code, single.stderr).toBe(0);
    const a = hostOutputs(path.join(base, 'algo-1', 'output'), 'e-algo-1');
    const b = hostOutputs(path.join(base, 'single', 'output'), 'e-single');
    for (const file of ['statistics.json', 'constraint_violations.json', 'cloudwatch', 'message']) expect(a.get(file), file).toBe(b.get(file));
  });

  it('capture given to every host whole (FullyReplicated): the hosts deal the files among themselves, and the leader writes the one-instance run', async () => {
    const base = path.join(root, 'replicated');
    const single = await runHost('r-single', { capture: writeWhole(path.join(base, 'single', 'capture')), out: path.join(base, 'single', 'output'), runId: 'r-single' });
    expect(single.code, single.stderr).toBe(0);
    // Each host has the whole capture at its own path; processingjobconfig.json says the input is FullyReplicated.
    const jobConfig = (capture: string) => ({ ProcessingJobName: 'replicated-job', ProcessingInputs: [{ InputName: 'endpoint_input_1', S3Input: { LocalPath: capture, S3DataDistributionType: 'FullyReplicated' } }] });
    const runs = [];
    for (const host of ['algo-2', 'algo-3', 'algo-1']) {
      const capture = writeWhole(path.join(base, host, 'capture'));
      runs.push(await runHost(`r-${host}`, { capture, out: path.join(base, host, 'output'), host, hosts: HOSTS, jobConfig: jobConfig(capture) }));
    }
    runs.forEach((run) => expect(run.code, run.stderr).toBe(0));
    const one = hostOutputs(path.join(base, 'single', 'output'), 'r-single');
    const merged = hostOutputs(path.join(base, 'algo-1', 'output'), 'r-algo-1');
    for (const file of ['statistics.json', 'constraint_violations.json', 'cloudwatch', 'message']) expect(merged.get(file), file).toBe(one.get(file));
    // Each worker read a third of the 9 files; the state folder is named after the processing job.
    for (const host of ['algo-2', 'algo-3']) expect(readFileSync(path.join(base, host, `r-${host}.message`), 'utf8')).toContain('3 capture files');
    expect(readdirSync(path.join(root, 'state/2026/01/15/08/replicated-job/hosts')).sort()).toEqual(['algo-2.mpmstate', 'algo-3.mpmstate']);
  });

  it('ground truth sharded between the hosts (ShardedByS3Key) is refused: every host needs every label', async () => {
    const base = path.join(root, 'sharded-labels');
    mkdirSync(path.join(base, 'nothing'), { recursive: true });
    const jobConfig = { ProcessingJobName: 'sharded-labels-job', ProcessingInputs: [{ InputName: 'groundtruth_input_1', S3Input: { LocalPath: path.join(root, 'groundtruth', '2026'), S3DataDistributionType: 'ShardedByS3Key' } }] };
    const run = await runHost('s-algo-2', { capture: path.join(base, 'nothing'), out: path.join(base, 'output'), host: 'algo-2', hosts: HOSTS, jobConfig });
    expect(run.code, run.stderr).toBe(2);
    expect(readFileSync(path.join(base, 's-algo-2.message'), 'utf8')).toMatch(/^Failed: config: .*processingjobconfig\.json input "groundtruth_input_1" mounts ground truth \(.*\) with S3DataDistributionType ShardedByS3Key: each of the 3 hosts would read part of the labels; expected FullyReplicated/);
  });
});

/** Writes the whole window's capture under `dir` and returns `dir`. */
function writeWhole(dir: string): string {
  writeCapture(dir, inputs.capture);
  return dir;
}
