/**
 * Issue 19: several instances for DATA_QUALITY, as for model quality. Three monitor processes with their own
 * resourceconfig.json profile their shard of the capture at the same time; the workers write their data-quality
 * states, the first host waits, merges the profiles and alone writes statistics.json, the violations, the CloudWatch
 * metrics and the message, equal to a one-instance run's (statistics.json byte for byte but the order of the items
 * inside the KLL sketches' levels); a roll-up of the hour from the stored state gives the same
 * statistics again; a host whose settings differ is refused, naming the setting.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slowdown } from '../helpers/run-monitor.ts';
import { hostArgs, runHostProcess, type HostProcess } from './host-process.ts';
import { unpack } from '../../monitor/state/state-file.ts';
import { WINDOW, windowInputs, writeCapture } from './multi-host-inputs.ts';

const HOSTS = ['algo-1', 'algo-2', 'algo-3'];
/** Capture outside the window, in every shard: one instance prunes these folders once, so must the merged hosts. */
const OUTSIDE = ['mh-ep/AllTraffic/2026/01/14/23/outside.jsonl', 'mh-ep/AllTraffic/2026/01/15/10/outside.jsonl'];

function writeOutside(folder: string): void {
  for (const key of OUTSIDE) {
    mkdirSync(path.dirname(path.join(folder, key)), { recursive: true });
    writeFileSync(path.join(folder, key), '{"not read": "its folder is pruned"}\n');
  }
}

/** The run report's capture counts, without the location (each host reads its own shard). */
function captureCounts(out: string): Record<string, unknown> {
  const { location: _, ...counts } = (JSON.parse(readFileSync(path.join(out, 'monitoring_report.json'), 'utf8')) as { capture: Record<string, unknown> }).capture;
  return counts;
}
let root: string;

/** Runs the monitor (or `mpm-monitor rollup` when `command` says so) for DATA_QUALITY as `host` of `hosts`. */
function runHost(name: string, o: { capture: string; out: string; host?: string; hosts?: string[]; runId: string; wait?: number; extra?: string[]; command?: string[]; baseline?: boolean; state?: string }): Promise<HostProcess> {
  const args = [
    ...(o.command ?? ['--start-time', WINDOW.start, '--end-time', WINDOW.end]),
    ...['--analysis-type', 'DATA_QUALITY', '--sagemaker-endpoint-name', 'mh-ep', '--dataset-source', o.capture, '--output-path', o.out],
    ...(o.baseline === false ? [] : ['--baseline-statistics', path.join(root, 'baseline', 'statistics.json')]),
    ...['--max-input-error-rate', '0.5', '--publish-cloudwatch-metrics', 'Enabled', '--state-uri', path.join(root, o.state ?? 'state'), '--run-id', o.runId, '--host-wait-seconds', String(o.wait ?? 120 * slowdown())],
    ...hostArgs(root, name, o.out, o),
    ...(o.extra ?? []),
  ];
  return runHostProcess(args);
}

type Sketched = { features: Array<{ numerical_statistics?: { distribution: { kll: { sketch: { data: number[][] } } } } }> };

/**
 * statistics.json without its clock, and with each level of each KLL sketch sorted: the items a level holds are in
 * the order the values came (merging the hosts in host order rather than the files in path order reorders them).
 * Everything else, the KLL buckets included (this window is too small for the sketch to compact), must be equal.
 */
function statistics(out: string): string {
  const text = readFileSync(path.join(out, 'statistics.json'), 'utf8');
  const json = JSON.parse(text) as Sketched & { dataset?: { evaluation_time?: string } };
  if (json.dataset?.evaluation_time) json.dataset.evaluation_time = '<clock>';
  for (const f of json.features) {
    const sketch = f.numerical_statistics?.distribution.kll.sketch;
    if (sketch) sketch.data = sketch.data.map((level) => [...level].sort((a, b) => a - b));
  }
  return JSON.stringify(json, null, 2);
}

function cloudwatch(out: string): string {
  return readFileSync(path.join(out, '..', 'cloudwatch', 'cloudwatch_metrics.jsonl'), 'utf8').replace(/"Timestamp":"[^"]*"/g, '"Timestamp":"<clock>"').replace(/"Timestamp": *\d+/g, '"Timestamp":0');
}

beforeAll(async () => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'mpm-multi-host-dq-')));
  // The baseline: a one-instance data-quality run over another window's capture (another seed: some drift).
  writeCapture(path.join(root, 'baseline-capture'), windowInputs(99).capture);
  const made = await runHost('baseline', { capture: path.join(root, 'baseline-capture'), out: path.join(root, 'baseline-run', 'output'), runId: 'baseline', baseline: false, state: 'state-baseline' });
  expect(made.code, made.stderr).toBe(0);
  mkdirSync(path.join(root, 'baseline'), { recursive: true });
  writeFileSync(path.join(root, 'baseline', 'statistics.json'), readFileSync(path.join(root, 'baseline-run', 'output', 'statistics.json')));
}, 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('several instances, data quality', () => {
  it('three processes at once over their shards: the leader writes the one-instance statistics, violations, metrics and message', async () => {
    const inputs = windowInputs();
    const base = path.join(root, 'concurrent');
    writeCapture(path.join(base, 'whole'), inputs.capture);
    writeOutside(path.join(base, 'whole'));
    const single = await runHost('single', { capture: path.join(base, 'whole'), out: path.join(base, 'single', 'output'), runId: 'dq-single', state: 'state-single' });
    expect(single.code, single.stderr).toBe(0);
    HOSTS.forEach((_, h) => writeCapture(path.join(base, `shard-${h}`), inputs.capture, (i) => i % 3 === h));
    HOSTS.forEach((_, h) => writeOutside(path.join(base, `shard-${h}`)));
    const runs = await Promise.all(HOSTS.map((host, h) => runHost(host, { capture: path.join(base, `shard-${h}`), out: path.join(base, host, 'output'), host, hosts: HOSTS, runId: 'dq-multi' })));
    runs.forEach((run) => expect(run.code, run.stderr).toBe(0));
    const one = path.join(base, 'single', 'output');
    const leader = path.join(base, 'algo-1', 'output');
    expect(statistics(leader)).toBe(statistics(one));
    expect(readFileSync(path.join(leader, 'constraint_violations.json'), 'utf8')).toBe(readFileSync(path.join(one, 'constraint_violations.json'), 'utf8'));
    expect(cloudwatch(leader)).toBe(cloudwatch(one));
    expect(readFileSync(path.join(base, 'algo-1', 'algo-1.message'), 'utf8')).toBe(readFileSync(path.join(base, 'single', 'single.message'), 'utf8'));
    const report = JSON.parse(readFileSync(path.join(leader, 'monitoring_report.json'), 'utf8')) as { capture: { files: number; requests: number } };
    expect(report.capture.files).toBe(9);
    // Every shard holds the two pruned folders: the merged count is their union, as one instance counts them.
    expect(captureCounts(one)).toMatchObject({ pruned_folders: 2 });
    expect(captureCounts(leader)).toEqual(captureCounts(one));
    for (const host of ['algo-2', 'algo-3']) {
      expect(readdirSync(path.join(base, host, 'output')), `${host} writes no report file`).toEqual([]);
      expect(readFileSync(path.join(base, host, `${host}.message`), 'utf8')).toMatch(new RegExp(`^Completed: worker ${host} of 3 hosts wrote its data-quality state .* algo-1 merges`));
    }
    const state = unpack(readFileSync(path.join(root, 'state/2026/01/15/08/dq-multi/run.mpmstate')));
    expect(state.header.analysis).toBe('data_quality');
    expect(Object.keys(state.states).sort()).toEqual(['capture', 'data_quality', 'input_errors']);
    expect(new Map(state.header.result_settings).get('analysis_type')).toBe('DATA_QUALITY');

    // A roll-up of the hour from the merged state: the same statistics again, reading no capture.
    const rolled = path.join(base, 'rollup', 'output');
    const rollup = await runHost('rollup', { capture: path.join(base, 'nothing'), out: rolled, runId: 'unused', command: ['rollup', '--from', WINDOW.start, '--to', WINDOW.end] });
    expect(rollup.code, rollup.stderr).toBe(0);
    expect(statistics(rolled)).toBe(statistics(one));
    const rolledReport = JSON.parse(readFileSync(path.join(rolled, 'rollup_report.json'), 'utf8')) as { hours: { job: string }[]; analysis_type: string; note: string };
    expect(rolledReport.analysis_type).toBe('DATA_QUALITY');
    expect(rolledReport.hours.map((h) => h.job).sort()).toEqual(['dq-multi']);
    expect(rolledReport.note).toMatch(/tuned for one hour/);
  });

  it('a host run with other settings is refused by the leader, naming the setting', async () => {
    const inputs = windowInputs();
    const base = path.join(root, 'mismatch');
    HOSTS.slice(0, 2).forEach((_, h) => writeCapture(path.join(base, `shard-${h}`), inputs.capture, (i) => i % 2 === h));
    const hosts = HOSTS.slice(0, 2);
    const worker = await runHost('x-algo-2', { capture: path.join(base, 'shard-1'), out: path.join(base, 'algo-2', 'output'), host: 'algo-2', hosts, runId: 'dq-mismatch', extra: ['--max-features', '7'] });
    expect(worker.code, worker.stderr).toBe(0);
    const leader = await runHost('x-algo-1', { capture: path.join(base, 'shard-0'), out: path.join(base, 'algo-1', 'output'), host: 'algo-1', hosts, runId: 'dq-mismatch' });
    expect(leader.code).toBe(3);
    expect(readFileSync(path.join(base, 'algo-1', 'x-algo-1.message'), 'utf8')).toMatch(/cannot be merged: states made with other settings hold other numbers: MPM_MAX_FEATURES "1000" against "7" \(their settings_fingerprint differs: /);
    expect(existsSync(path.join(base, 'algo-1', 'output', 'statistics.json'))).toBe(false);
  });
});
