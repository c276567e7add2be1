/**
 * @module The prediction store wired into the monitoring job, end to end through the real CLI and real storage (a
 * local folder, and S3 through fauxqs): a run stores its window (one worker or two: the same records), reports the
 * label arrival, a rerun replaces the hour, a delayed run judges the stored hour with the labels present now and
 * writes the same statistics.json as the undelayed run over the same capture and labels, and a missing stored hour
 * is an insufficient-data violation naming it.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMonitor, slowdown, type MonitorRun } from '../helpers/run-monitor.ts';
import { startS3Server, TEST_CREDENTIALS, TEST_REGION, type S3TestServer } from '../helpers/s3-server.ts';
import { LocalStorage } from '../../monitor/storage/local.ts';
import { openStoredHour } from '../../monitor/store/prediction-store-reader.ts';
import { readParquetTable } from '../../monitor/ingest/parquet.ts';
import { pino } from 'pino';
import { loadConfig } from '../../monitor/config/load-config.ts';
import { evaluateStoredWindow } from '../../monitor/pipeline/run-delayed.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mpm-store-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const H = Date.UTC(2024, 4, 6, 21);
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const folder = (ms: number): string => new Date(ms).toISOString().slice(0, 13).replace(/[-T]/g, '/');

/**
 * Capture of hours H and H+1 (3 files per hour, 12 requests of 2-4 binary predictions each, one malformed line), and
 * ground truth arriving late: most labels of an hour in the same hour's partition, some 1 and 2 hours later, 10%
 * never. Returns the number of predictions of hour H and how many of them have a label.
 */
function writeInputs(root: string): { predictions: number; labelled: number } {
  let seed = 7;
  const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const labels = new Map<number, string[]>();
  let predictions = 0;
  let labelled = 0;
  for (const hour of [H, H + HOUR]) {
    const dir = path.join(root, 'capture/ep/AllTraffic', folder(hour));
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 3; f++) {
      const lines: string[] = [];
      for (let r = 0; r < 12; r++) {
        const n = 2 + Math.floor(random() * 3);
        const id = `${hour === H ? 'a' : 'b'}${String(f * 12 + r).padStart(3, '0')}`;
        const response = Array.from({ length: n }, (_, i) => ({ payload_index: i, score: Math.round(random() * 1000) / 1000 }));
        const time = hour + (f * 20 + Math.floor(r * 1.5)) * 60_000;
        const line = JSON.stringify({
          captureData: { endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: JSON.stringify(response), encoding: 'JSON' } },
          eventMetadata: { eventId: `e-${id}`, inferenceId: id, inferenceTime: iso(time) },
          eventVersion: '0',
        });
        lines.push(r === 5 && f === 1 ? line.slice(0, 60) : line);
        if (r === 5 && f === 1) continue;
        for (let i = 0; i < n; i++) {
          if (hour === H) predictions++;
          const u = random();
          if (u < 0.1) continue;
          if (hour === H) labelled++;
          const lag = u < 0.7 ? 0 : u < 0.9 ? 1 : 2;
          const row = JSON.stringify({ InferenceId: id, payload_index: i, groundTruthLabel: random() < 0.5 + response[i]!.score / 3 ? 1 : 0 });
          const at = hour + lag * HOUR;
          labels.set(at, [...(labels.get(at) ?? []), row]);
        }
      }
      writeFileSync(path.join(dir, `${String(f * 20).padStart(2, '0')}-00-000-f${f}.jsonl`), `${lines.join('\n')}\n`);
    }
  }
  for (const [at, rows] of labels) {
    const dir = path.join(root, 'groundtruth', folder(at));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'labels.jsonl'), `${rows.join('\n')}\n`);
  }
  return { predictions, labelled };
}

const root = path.join(tmp, 'inputs');
let facts: { predictions: number; labelled: number };
beforeAll(() => {
  facts = writeInputs(root);
});

function run(store: string, window: number, env: Record<string, string> = {}, jobConfig?: Record<string, unknown>): Promise<MonitorRun> {
  return runMonitor({
    ...(jobConfig ? { jobConfig } : {}),
    env: {
      problem_type: 'BinaryClassification',
      dataset_source: path.join(root, 'capture'),
      ground_truth_source: path.join(root, 'groundtruth'),
      output_path: '{out}',
      start_time: iso(window),
      end_time: iso(window + HOUR),
      sagemaker_endpoint_name: 'ep',
      publish_cloudwatch_metrics: 'Enabled',
      MPM_MAX_INPUT_ERROR_RATE: '0.2',
      MPM_MIN_RECORDS_FOR_STD: '20',
      MPM_PREDICTION_STORE: store,
      ...env,
    },
    timeoutMs: 60_000 * slowdown(),
  });
}

type Report = {
  window: { start_time: string; end_time: string };
  capture: { requests: number; predictions: number; lines: number };
  join: { predictions: number; joined: number };
  input_errors: { total: number };
  prediction_store: { records: number; bytes: number; bytes_per_record: number; hours: Array<{ hour: string; records: number; parts: number }>; stored_window: { start_time: string }; input_errors: number };
  label_arrival: { predictions: number; labelled: number; lag_hours: Array<{ lag: number; labels: number }>; delay_for_share: Record<string, number | null> };
  evaluation?: { judged_window: { start_time: string }; stored_window: { start_time: string }; stored_hours: string[]; missing_hours: string[]; fresh_window_estimate?: { method: string } };
  violations: Array<{ metric_name: string; constraint_check_type: string; description: string }>;
};

/** statistics.json without the evaluation time (the clock). */
function statistics(r: MonitorRun): unknown {
  const s = structuredClone(r.outputs['statistics.json']) as { dataset: Record<string, unknown> };
  delete s.dataset.evaluation_time;
  return s;
}

const hourFolder = (store: string, hour: number): string => path.join(store, 'ep/AllTraffic', folder(hour));
const parquetFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.parquet'));

describe('MPM_PREDICTION_STORE in the monitoring job (local folder)', () => {
  const store = path.join(tmp, 'store');
  let undelayed: MonitorRun;

  it('stores the window, reports the label arrival, and reads back exactly what was read', async () => {
    undelayed = await run(store, H);
    expect(undelayed.exitCode, undelayed.stderr.slice(-3000)).toBe(0);
    const report = undelayed.outputs['monitoring_report.json'] as Report;
    expect(report.capture.predictions).toBe(facts.predictions);
    expect(report.prediction_store.records).toBe(facts.predictions);
    expect(report.prediction_store.hours).toEqual([{ hour: iso(H), variant: 'AllTraffic', requests: 35, records: facts.predictions, parts: 1, bytes: report.prediction_store.bytes }]);
    expect(report.prediction_store.input_errors).toBe(1);
    expect(report.label_arrival.predictions).toBe(facts.predictions);
    expect(report.label_arrival.labelled).toBe(facts.labelled);
    expect(report.join.joined).toBe(facts.labelled);
    const lags = report.label_arrival.lag_hours.map((l) => l.lag);
    expect(lags).toEqual([0, 1, 2]);
    expect(report.label_arrival.lag_hours.reduce((n, l) => n + l.labels, 0)).toBe(facts.labelled);
    const hour = (await openStoredHour(new LocalStorage(store), { endpoint: 'ep', hour: H }))!;
    expect(hour.records).toBe(facts.predictions);
    expect(hour.capture.lines).toBe(report.capture.lines);
    expect(Object.values(hour.capture.input_errors).reduce((n, e) => n + e.count, 0)).toBe(1);
    let ids = 0;
    for await (const r of hour.read()) ids += r.inferenceId!.startsWith('a') ? 1 : 0;
    expect(ids).toBe(35);
  });

  it('a rerun of the hour replaces it (one part, the new one), and two workers store the same records', async () => {
    const before = parquetFiles(hourFolder(store, H));
    const again = await run(store, H, { MPM_WORKERS: '2' });
    expect(again.exitCode, again.stderr.slice(-3000)).toBe(0);
    const after = parquetFiles(hourFolder(store, H));
    // One part per worker thread that read a file: two, or one when a thread started after every file was handed out.
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after.length).toBeLessThanOrEqual(2);
    expect(after.some((f) => before.includes(f))).toBe(false);
    const report = again.outputs['monitoring_report.json'] as Report;
    expect(report.prediction_store.records).toBe(facts.predictions);
    expect(report.label_arrival).toEqual((undelayed.outputs['monitoring_report.json'] as Report).label_arrival);
    expect(statistics(again)).toEqual(statistics(undelayed));
    const manifest = JSON.parse(readFileSync(path.join(hourFolder(store, H), 'manifest.json'), 'utf8')) as { parts: Array<{ file: string }> };
    expect(manifest.parts.map((p) => p.file).sort()).toEqual(after.sort());
  });

  it('a delayed run stores the fresh hour and judges the stored one: the same statistics.json as the undelayed run', async () => {
    const delayed = await run(store, H + HOUR, { MPM_EVALUATION_DELAY_HOURS: '1' });
    expect(delayed.exitCode, delayed.stderr.slice(-3000)).toBe(0);
    expect(statistics(delayed)).toEqual(statistics(undelayed));
    expect(delayed.outputs['constraint_violations.json']).toEqual(undelayed.outputs['constraint_violations.json']);
    const report = delayed.outputs['monitoring_report.json'] as Report;
    const first = undelayed.outputs['monitoring_report.json'] as Report;
    expect(report.window).toEqual(first.window);
    expect(report.join).toMatchObject({ predictions: first.join.predictions, joined: first.join.joined });
    expect(report.capture).toMatchObject({ requests: first.capture.requests, predictions: first.capture.predictions, lines: first.capture.lines });
    expect(report.input_errors.total).toBe(first.input_errors.total);
    expect(report.evaluation).toMatchObject({ judged_window: { start_time: iso(H) }, stored_window: { start_time: iso(H + HOUR) }, stored_hours: [iso(H)], missing_hours: [] });
    expect(report.evaluation!.fresh_window_estimate).toMatchObject({ method: 'CBPE' });
    expect(report.prediction_store.stored_window.start_time).toBe(iso(H + HOUR));
    expect(report.label_arrival).toEqual(first.label_arrival);
    // The CloudWatch points are stamped with the judged hour's end, as the undelayed run's.
    const stamps = new Set((delayed.cloudwatch as Array<{ Timestamp: number }>).map((m) => m.Timestamp));
    expect(stamps).toEqual(new Set((undelayed.cloudwatch as Array<{ Timestamp: number }>).map((m) => m.Timestamp)));
    expect(parquetFiles(hourFolder(store, H + HOUR)).length).toBe(1);
  });

  it('evaluate --from --to judges each stored hour into its own report folder; a missing hour says so; the metrics file holds every hour', async () => {
    const out = path.join(tmp, 'evaluate');
    const r = await runMonitor({
      args: ['evaluate', '--from', iso(H - HOUR), '--to', iso(H + HOUR)],
      // A schedule's settings carry a metric_time: evaluate stamps each hour with its own end all the same.
      env: { problem_type: 'BinaryClassification', ground_truth_source: path.join(root, 'groundtruth'), output_path: out, sagemaker_endpoint_name: 'ep', sagemaker_monitoring_schedule_name: 'sched', MPM_MIN_RECORDS_FOR_STD: '20', MPM_MAX_INPUT_ERROR_RATE: '0.2', MPM_PREDICTION_STORE: store, publish_cloudwatch_metrics: 'Enabled', metric_time: iso(H) },
      timeoutMs: 60_000 * slowdown(),
    });
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(0);
    expect(r.message).toBe('2 hours judged from the prediction store: 1 Completed, 1 CompletedWithViolations, 0 Failed');
    const read = (hour: number, file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(out, 'ep/sched', folder(hour), file), 'utf8')) as Record<string, unknown>;
    const stats = read(H, 'statistics.json') as { dataset: Record<string, unknown> };
    delete stats.dataset.evaluation_time;
    expect(stats).toEqual(statistics(undelayed));
    expect((read(H, 'monitoring_report.json') as Report).window).toMatchObject({ start_time: iso(H), end_time: iso(H + HOUR) });
    expect((read(H - HOUR, 'monitoring_report.json') as Report).evaluation!.missing_hours).toEqual([iso(H - HOUR)]);
    // One CloudWatch file for the call, with each hour's metrics stamped with that hour's end (each hour's run
    // replaced the file: only the last hour's were left).
    const metrics = r.cloudwatch as Array<{ MetricName: string; Timestamp: string }>;
    const linesOf = (hour: number): number => (read(hour, 'monitoring_report.json') as { publish: { file: { lines: number } } }).publish.file.lines;
    expect(metrics.filter((m) => m.Timestamp === iso(H)).length).toBe(linesOf(H - HOUR));
    expect(metrics.filter((m) => m.Timestamp === iso(H + HOUR)).length).toBe(linesOf(H));
    expect(metrics.length).toBe(linesOf(H - HOUR) + linesOf(H));
    expect(metrics.find((m) => m.MetricName === 'joined_records' && m.Timestamp === iso(H + HOUR))).toMatchObject({ Value: facts.labelled });
  });

  // Without it, a schedule judging matured hours left nothing for rollup: no state of any judged hour was written.
  it('with MPM_STATE_URI, a delayed run and evaluate write the judged hour\'s state, and rollup gives the undelayed statistics', async () => {
    const stateOf = (dir: string): string => path.join(dir, folder(H), `run-${iso(H).replace(/[-:]/g, '')}`, 'run.mpmstate');
    const delayedState = path.join(tmp, 'state-delayed');
    const delayed = await run(store, H + HOUR, { MPM_EVALUATION_DELAY_HOURS: '1', MPM_STATE_URI: delayedState });
    expect(delayed.exitCode, delayed.stderr.slice(-3000)).toBe(0);
    expect(readdirSync(path.dirname(stateOf(delayedState)))).toEqual(['run.mpmstate']);
    expect((delayed.outputs['monitoring_report.json'] as { outputs: { state: string } }).outputs.state).toBe(stateOf(delayedState));
    const evaluatedState = path.join(tmp, 'state-evaluated');
    const env = { problem_type: 'BinaryClassification', ground_truth_source: path.join(root, 'groundtruth'), sagemaker_endpoint_name: 'ep', MPM_MIN_RECORDS_FOR_STD: '20', MPM_MAX_INPUT_ERROR_RATE: '0.2', MPM_PREDICTION_STORE: store };
    const evaluated = await runMonitor({ args: ['evaluate', '--from', iso(H), '--to', iso(H + HOUR)], env: { ...env, output_path: path.join(tmp, 'evaluate-state'), MPM_STATE_URI: evaluatedState }, timeoutMs: 60_000 * slowdown() });
    expect(evaluated.exitCode, evaluated.stderr.slice(-3000)).toBe(0);
    expect(readdirSync(path.dirname(stateOf(evaluatedState)))).toEqual(['run.mpmstate']);
    const rollup = await runMonitor({ args: ['rollup', '--from', iso(H), '--to', iso(H + HOUR)], env: { ...env, output_path: '{out}', MPM_STATE_URI: delayedState }, timeoutMs: 60_000 * slowdown() });
    expect(rollup.exitCode, rollup.stderr.slice(-3000)).toBe(0);
    const metrics = (r: MonitorRun): unknown => (r.outputs['statistics.json'] as { binary_classification_metrics: unknown }).binary_classification_metrics;
    expect(metrics(rollup)).toEqual(metrics(undelayed));
  });

  it('evaluate gives the same report whether it reads an hour\'s labels on their own thread or on its own', async () => {
    const judge = async (labelsOnThread: boolean): Promise<Record<string, unknown>> => {
      const out = path.join(tmp, `evaluate-thread-${labelsOnThread}`);
      writeFileSync(path.join(tmp, 'none.json'), '{}');
      const env = { problem_type: 'BinaryClassification', ground_truth_source: path.join(root, 'groundtruth'), output_path: out, sagemaker_endpoint_name: 'ep', MPM_MIN_RECORDS_FOR_STD: '20', MPM_MAX_INPUT_ERROR_RATE: '0.2', MPM_PREDICTION_STORE: store, start_time: iso(H), end_time: iso(H + HOUR), MPM_JOB_CONFIG_FILE: path.join(tmp, 'none.json'), MPM_MESSAGE_FILE: path.join(out, 'message') };
      const outcome = await evaluateStoredWindow(loadConfig({ flags: {}, env }), { log: pino({ level: 'silent' }), now: () => new Date(0) }, labelsOnThread);
      expect(outcome.exitCode, outcome.message).toBe(0);
      const report = JSON.parse(JSON.stringify(outcome.report)) as Record<string, unknown>;
      expect(Object.keys(report.timings_ms as object)).toContain('ground_truth');
      // Its own time and where it wrote: the rest must be equal.
      for (const key of ['timings_ms', 'outputs', 'report_html']) delete report[key];
      return { report, statistics: JSON.parse(readFileSync(path.join(out, 'statistics.json'), 'utf8')) as unknown };
    };
    const [onThread, here] = [await judge(true), await judge(false)];
    expect((onThread.report as Report).join.joined).toBe(facts.labelled);
    expect(onThread).toEqual(here);
  });

  it('evaluate over a damaged hour fails, and its message says so first, with that hour and its reason', async () => {
    const damaged = path.join(tmp, 'store-damaged');
    cpSync(store, damaged, { recursive: true });
    writeFileSync(path.join(hourFolder(damaged, H), 'manifest.json'), '{"format": ');
    const r = await runMonitor({
      args: ['evaluate', '--from', iso(H - HOUR), '--to', iso(H + HOUR)],
      env: { problem_type: 'BinaryClassification', ground_truth_source: path.join(root, 'groundtruth'), output_path: path.join(tmp, 'evaluate-damaged'), sagemaker_endpoint_name: 'ep', MPM_MIN_RECORDS_FOR_STD: '20', MPM_MAX_INPUT_ERROR_RATE: '0.2', MPM_PREDICTION_STORE: damaged },
      timeoutMs: 60_000 * slowdown(),
    });
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(3);
    expect(r.message).toMatch(/^Failed: 2 hours judged from the prediction store: 0 Completed, 1 CompletedWithViolations, 1 Failed; the first, /);
    expect(r.message).toContain(`the first, ${iso(H)}: store: ${path.join(hourFolder(damaged, H), 'manifest.json')} is not a readable manifest`);
  });

  it('a binary problem whose negative class the labels teach (positive fraud, labels fraud/legit) is judged from the store as from capture', async () => {
    // The same labels spelt fraud (1) and legit (0): "legit" is not positive_label's conventional partner, so the
    // responses' scores read as legit only once the labels are known.
    const named = path.join(tmp, 'groundtruth-named');
    for (const entry of readdirSync(path.join(root, 'groundtruth'), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const to = path.join(named, path.relative(path.join(root, 'groundtruth'), entry.parentPath), entry.name);
      mkdirSync(path.dirname(to), { recursive: true });
      writeFileSync(to, readFileSync(path.join(entry.parentPath, entry.name), 'utf8').replace(/"groundTruthLabel":1/g, '"groundTruthLabel":"fraud"').replace(/"groundTruthLabel":0/g, '"groundTruthLabel":"legit"'));
    }
    const namedStore = path.join(tmp, 'store-named');
    const env = { ground_truth_source: named, positive_label: 'fraud' };
    const live = await run(namedStore, H, env);
    expect(live.exitCode, live.stderr.slice(-3000)).toBe(0);
    const out = path.join(tmp, 'evaluate-named');
    const judged = await runMonitor({
      args: ['evaluate', '--from', iso(H), '--to', iso(H + HOUR)],
      env: { problem_type: 'BinaryClassification', ...env, output_path: out, sagemaker_endpoint_name: 'ep', MPM_MIN_RECORDS_FOR_STD: '20', MPM_MAX_INPUT_ERROR_RATE: '0.2', MPM_PREDICTION_STORE: namedStore },
      timeoutMs: 60_000 * slowdown(),
    });
    expect(judged.exitCode, judged.stderr.slice(-3000)).toBe(0);
    const stats = JSON.parse(readFileSync(path.join(out, 'ep/evaluate', folder(H), 'statistics.json'), 'utf8')) as { dataset: Record<string, unknown>; binary_classification_metrics: { confusion_matrix: Record<string, unknown> } };
    delete stats.dataset.evaluation_time;
    expect(Object.keys(stats.binary_classification_metrics.confusion_matrix).sort()).toEqual(['fraud', 'legit']);
    expect(stats).toEqual(statistics(live));
    // A delayed run estimates the fresh hour before any label is read; its expected confusion matrix names the
    // negative class the judged hour's labels teach (legit), not the placeholder it was read with ("not fraud").
    const delayed = await run(namedStore, H + HOUR, { ...env, MPM_EVALUATION_DELAY_HOURS: '1' });
    expect(delayed.exitCode, delayed.stderr.slice(-3000)).toBe(0);
    const fresh = (delayed.outputs['monitoring_report.json'] as Report).evaluation!.fresh_window_estimate as unknown as { expected_confusion_matrix: Record<string, Record<string, number>> };
    expect(Object.keys(fresh.expected_confusion_matrix)).toEqual(['fraud', 'legit']);
    expect(Object.keys(fresh.expected_confusion_matrix['legit']!)).toEqual(['fraud', 'legit']);
  });

  it('labels 1 and "no" with positive label 1 (not the assumed 0): the storing run reads the capture again and judges as without the store', async () => {
    // The capture is read assuming 0 while the labels load; "no" changes the negative class and the scan restarts.
    // The restarted scan stores the hour once, like a run that read the labels first.
    const spelt = path.join(tmp, 'groundtruth-no');
    for (const entry of readdirSync(path.join(root, 'groundtruth'), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const to = path.join(spelt, path.relative(path.join(root, 'groundtruth'), entry.parentPath), entry.name);
      mkdirSync(path.dirname(to), { recursive: true });
      writeFileSync(to, readFileSync(path.join(entry.parentPath, entry.name), 'utf8').replace(/"groundTruthLabel":0/g, '"groundTruthLabel":"no"'));
    }
    const env = { ground_truth_source: spelt };
    for (const workers of ['1', '2']) {
      const spentStore = path.join(tmp, `store-no-${workers}`);
      const [stored, plain] = [await run(spentStore, H, { ...env, MPM_WORKERS: workers }), await run(spentStore, H, { ...env, MPM_WORKERS: workers, MPM_PREDICTION_STORE: '' })];
      expect(stored.exitCode, stored.stderr.slice(-3000)).toBe(0);
      expect(plain.exitCode, plain.stderr.slice(-3000)).toBe(0);
      expect(statistics(stored)).toEqual(statistics(plain));
      expect(stored.stderr).toContain('reading the capture again');
      const report = stored.outputs['monitoring_report.json'] as Report;
      expect(report.prediction_store.records).toBe(facts.predictions);
      expect(report.label_arrival.labelled).toBe(facts.labelled);
      expect(report.input_errors.total).toBe((plain.outputs['monitoring_report.json'] as Report).input_errors.total);
      // The first scan's parts are gone: the folder holds the parts its manifest lists, and nothing else.
      const manifest = JSON.parse(readFileSync(path.join(hourFolder(spentStore, H), 'manifest.json'), 'utf8')) as { parts: Array<{ file: string }>; records: number };
      expect(manifest.records).toBe(facts.predictions);
      expect(parquetFiles(hourFolder(spentStore, H)).sort(), `MPM_WORKERS=${workers}`).toEqual(manifest.parts.map((p) => p.file).sort());
    }
  });

  it('a prediction its settings reject (label "yes" beside a score) is stored as said: evaluate with other settings judges it as a fresh run with them', async () => {
    // Three requests of hour H answer their first record with a label the run's classes (1, 0) do not know.
    const capture = path.join(tmp, 'capture-yes');
    cpSync(path.join(root, 'capture'), capture, { recursive: true });
    const dir = path.join(capture, 'ep/AllTraffic', folder(H));
    for (const file of readdirSync(dir)) {
      const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
      for (const at of [2, 7]) if (lines[at]?.startsWith('{')) lines[at] = lines[at]!.replace('[{\\"payload_index\\":0,', '[{\\"payload_index\\":0,\\"label\\":\\"yes\\",');
      writeFileSync(path.join(dir, file), lines.join('\n'));
    }
    const yesStore = path.join(tmp, 'store-yes');
    const live = await run(yesStore, H, { dataset_source: capture });
    expect(live.exitCode, live.stderr.slice(-3000)).toBe(0);
    const report = live.outputs['monitoring_report.json'] as Report & { input_errors: { by_reason?: Record<string, { count: number }> } };
    const rejected = JSON.stringify(report.input_errors).match(/"prediction_not_binary":\{"count":(\d+)/)?.[1];
    expect(Number(rejected)).toBe(6);
    // Every record is in the store, the rejected ones too.
    expect(report.prediction_store.records).toBe(facts.predictions);
    const two = await run(path.join(tmp, 'store-yes-2'), H, { dataset_source: capture, MPM_WORKERS: '2' });
    expect((two.outputs['monitoring_report.json'] as Report).prediction_store.records).toBe(facts.predictions);
    expect(statistics(two)).toEqual(statistics(live));
    const evaluate = (out: string, env: Record<string, string> = {}): Promise<MonitorRun> =>
      runMonitor({
        args: ['evaluate', '--from', iso(H), '--to', iso(H + HOUR)],
        env: { problem_type: 'BinaryClassification', ground_truth_source: path.join(root, 'groundtruth'), output_path: out, sagemaker_endpoint_name: 'ep', MPM_MIN_RECORDS_FOR_STD: '20', MPM_MAX_INPUT_ERROR_RATE: '0.2', MPM_PREDICTION_STORE: yesStore, ...env },
        timeoutMs: 60_000 * slowdown(),
      });
    const judged = (out: string): { stats: unknown; report: Report } => {
      const stats = JSON.parse(readFileSync(path.join(out, 'ep/evaluate', folder(H), 'statistics.json'), 'utf8')) as { dataset: Record<string, unknown> };
      delete stats.dataset.evaluation_time;
      return { stats, report: JSON.parse(readFileSync(path.join(out, 'ep/evaluate', folder(H), 'monitoring_report.json'), 'utf8')) as Report };
    };
    // The same settings: the same verdict and the same input errors as the live run.
    const same = await evaluate(path.join(tmp, 'evaluate-yes'));
    expect(same.exitCode, same.stderr.slice(-3000)).toBe(0);
    const sameJudged = judged(path.join(tmp, 'evaluate-yes'));
    expect(sameJudged.stats).toEqual(statistics(live));
    expect(sameJudged.report.input_errors.total).toBe(report.input_errors.total);
    // The rejected requests are errors, not capture requests, in both reports (the store's counts held them).
    expect(sameJudged.report.capture).toMatchObject({ requests: report.capture.requests, predictions: report.capture.predictions });
    // A threshold makes the score decide: the stored hour now reads as a fresh run with that threshold reads the capture.
    const threshold = { probability_threshold_attribute: '0.5' };
    const [fresh, again] = [await run(yesStore, H, { dataset_source: capture, MPM_PREDICTION_STORE: '', ...threshold }), await evaluate(path.join(tmp, 'evaluate-yes-threshold'), threshold)];
    expect(fresh.exitCode, fresh.stderr.slice(-3000)).toBe(0);
    expect(again.exitCode, again.stderr.slice(-3000)).toBe(0);
    const freshReport = fresh.outputs['monitoring_report.json'] as Report;
    expect(freshReport.input_errors.total).toBe(report.input_errors.total - 6);
    const againJudged = judged(path.join(tmp, 'evaluate-yes-threshold'));
    expect(againJudged.stats).toEqual(statistics(fresh));
    expect(againJudged.report.input_errors.total).toBe(freshReport.input_errors.total);
    expect(againJudged.report.join.joined).toBe(freshReport.join.joined);
  });

  it('MPM_JOINED_RECORDS_OUTPUT=Enabled writes the judged window\'s joined records, from capture (two workers) and from the store', async () => {
    const live = path.join(tmp, 'joined-live');
    const delayed = path.join(tmp, 'joined-delayed');
    const a = await run(store, H, { MPM_JOINED_RECORDS_OUTPUT: 'Enabled', MPM_WORKERS: '2', output_path: live });
    const b = await run(store, H + HOUR, { MPM_JOINED_RECORDS_OUTPUT: 'Enabled', MPM_EVALUATION_DELAY_HOURS: '1', output_path: delayed });
    expect(a.exitCode, a.stderr.slice(-3000)).toBe(0);
    expect(b.exitCode, b.stderr.slice(-3000)).toBe(0);
    const rows = async (dir: string): Promise<Array<Record<string, unknown>>> =>
      (await readParquetTable(readFileSync(path.join(dir, 'joined_records.parquet')))).toArray().map((r) => {
        const o = r.toJSON() as Record<string, unknown>;
        for (const [k, v] of Object.entries(o)) if (typeof v === 'bigint') o[k] = Number(v);
        return o;
      });
    const [fromCapture, fromStore] = [await rows(live), await rows(delayed)];
    expect(fromCapture.length).toBe(facts.labelled);
    expect(fromStore).toEqual(fromCapture);
    expect(fromCapture[0]).toMatchObject({ inference_id: 'a000', event_id: 'e-a000', payload_index: 0 });
    expect(Object.keys(fromCapture[0]!)).toEqual(['inference_id', 'event_id', 'payload_index', 'inference_time', 'predicted_label', 'score', 'label']);
    const report = JSON.parse(readFileSync(path.join(delayed, 'monitoring_report.json'), 'utf8')) as { joined_records: { rows: number } };
    expect(report.joined_records.rows).toBe(facts.labelled);
  });

  it('MPM_DELAYED_METRIC_TIME=run stamps the metrics with the run\'s window instead', async () => {
    const [judged, now] = [await run(store, H + HOUR, { MPM_EVALUATION_DELAY_HOURS: '1' }), await run(store, H + HOUR, { MPM_EVALUATION_DELAY_HOURS: '1', MPM_DELAYED_METRIC_TIME: 'run' })];
    const stamp = (r: MonitorRun): unknown => (r.cloudwatch as Array<{ Timestamp: unknown }>)[0]!.Timestamp;
    expect(stamp(now)).not.toEqual(stamp(judged));
    expect(stamp(now)).toBe(iso(H + 2 * HOUR));
    expect(stamp(judged)).toBe(iso(H + HOUR));
    // Model Monitor passes metric_time = start_time to every execution: that stamp moves with the judged window (it
    // was kept, so the judged hour's points carried the fresh hour's start); another metric_time is kept.
    const service = await run(store, H + HOUR, { MPM_EVALUATION_DELAY_HOURS: '1', metric_time: iso(H + HOUR) });
    expect(service.exitCode, service.stderr.slice(-3000)).toBe(0);
    expect(stamp(service)).toBe(iso(H));
    expect(stamp(await run(store, H + HOUR, { MPM_EVALUATION_DELAY_HOURS: '1', metric_time: iso(H + 7 * HOUR) }))).toBe(iso(H + 7 * HOUR));
  });

  it('a run that fails after storing (its input errors above the limit) still reports what it stored', async () => {
    const failing = await run(path.join(tmp, 'store-failing'), H, { MPM_MAX_INPUT_ERROR_RATE: '0' });
    expect(failing.exitCode, failing.stderr.slice(-3000)).toBe(3);
    const report = failing.outputs['monitoring_report.json'] as Report;
    expect(report.prediction_store.records).toBe(facts.predictions);
    expect(report.prediction_store.input_errors).toBe(1);
  });

  it('a stored hour that is missing is an insufficient-data violation naming the hour', async () => {
    const delayed = await run(path.join(tmp, 'empty-store'), H + HOUR, { MPM_EVALUATION_DELAY_HOURS: '1' });
    expect(delayed.exitCode, delayed.stderr.slice(-3000)).toBe(0);
    const report = delayed.outputs['monitoring_report.json'] as Report;
    expect(report.evaluation!.missing_hours).toEqual([iso(H)]);
    const missing = report.violations.find((v) => v.metric_name === 'stored_hours')!;
    expect(missing.constraint_check_type).toBe('InsufficientDataCheck');
    expect(missing.description).toContain(`the hour ${iso(H)} of endpoint ep is not in the prediction store`);
    expect(report.violations.some((v) => v.metric_name === 'joined_records')).toBe(true);
  });

  it('refuses a window that is not whole hours, and a delay without a store, as configuration errors', async () => {
    const half = await runMonitor({ env: { problem_type: 'BinaryClassification', dataset_source: path.join(root, 'capture'), ground_truth_source: path.join(root, 'groundtruth'), output_path: '{out}', start_time: iso(H + 1_800_000), end_time: iso(H + HOUR), sagemaker_endpoint_name: 'ep', MPM_PREDICTION_STORE: store } });
    expect(half.exitCode).toBe(2);
    expect(half.message).toContain('not a whole UTC hour');
    const noStore = await run('', H, { MPM_EVALUATION_DELAY_HOURS: '2' });
    expect(noStore.exitCode).toBe(2);
    expect(noStore.message).toContain('MPM_PREDICTION_STORE is unset');
    // A store path that is a file is a configuration error, not a store holding no hour.
    const file = path.join(tmp, 'store-is-a-file');
    writeFileSync(file, 'not a store\n');
    const notAFolder = await run(file, H);
    expect(notAFolder.exitCode).toBe(2);
    expect(notAFolder.message).toBe(`Failed: config: MPM_PREDICTION_STORE ${JSON.stringify(file)} is a file, not a folder; expected the folder (or s3:// URI) holding the prediction store`);
    // evaluate names its own flags.
    const evaluate = (from: number, to: number): Promise<MonitorRun> =>
      runMonitor({ args: ['evaluate', '--from', iso(from), '--to', iso(to)], env: { problem_type: 'BinaryClassification', ground_truth_source: path.join(root, 'groundtruth'), output_path: '{out}', sagemaker_endpoint_name: 'ep', MPM_PREDICTION_STORE: store } });
    const [halfFrom, backwards] = [await evaluate(H + 1_800_000, H + HOUR), await evaluate(H + HOUR, H)];
    expect([halfFrom.exitCode, backwards.exitCode]).toEqual([2, 2]);
    expect(halfFrom.message).toBe(`Failed: config: --from "${iso(H + 1_800_000)}" is not a whole UTC hour; expected a whole hour, e.g. ${iso(H)} (the store keeps whole hours)`);
    expect(backwards.message).toBe(`Failed: config: --to "${iso(H)}" is not after --from "${iso(H + HOUR)}"; expected a range of at least one hour`);
    // Spans are counted before any list of hours is built: 1970 to 9999 ran out of memory (the job) or took 1.4 GB (evaluate).
    const [first, last] = [Date.parse('1970-01-01T00:00:00Z'), Date.parse('9999-12-31T00:00:00Z')];
    const hours = (last - first) / HOUR;
    const wide = await runMonitor({ env: { problem_type: 'BinaryClassification', dataset_source: path.join(root, 'capture'), ground_truth_source: path.join(root, 'groundtruth'), output_path: '{out}', start_time: iso(first), end_time: iso(last), sagemaker_endpoint_name: 'ep', MPM_PREDICTION_STORE: store } });
    expect(wide.exitCode).toBe(2);
    expect(wide.message).toBe(`Failed: config: the window from start_time "${iso(first)}" to end_time "${iso(last)}" is ${hours} hours; expected at most 8784 hours (a year and a day) with the prediction store, which keeps one folder per hour`);
    const evaluateWide = await evaluate(first, last);
    expect(evaluateWide.exitCode).toBe(2);
    expect(evaluateWide.message).toBe(`Failed: config: --to "${iso(last)}" is ${hours} hours after --from; expected at most 8784 hours per call`);
  });
});

describe('MPM_PREDICTION_STORE on S3 (fauxqs)', () => {
  let s3: S3TestServer;
  beforeAll(async () => {
    s3 = await startS3Server();
    await s3.createBucket('store-bucket');
  });
  afterAll(async () => s3?.close());

  it('stores an hour in S3 and a delayed run judges it from there', async () => {
    const aws = { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: TEST_REGION };
    const first = await run('s3://store-bucket/mpm/store', H, aws);
    expect(first.exitCode, first.stderr.slice(-3000)).toBe(0);
    const report = first.outputs['monitoring_report.json'] as Report & { prediction_store: { location: string } };
    expect(report.prediction_store.location).toBe('s3://store-bucket/mpm/store/ep');
    expect(report.prediction_store.records).toBe(facts.predictions);
    const delayed = await run('s3://store-bucket/mpm/store', H + HOUR, { ...aws, MPM_EVALUATION_DELAY_HOURS: '1' });
    expect(delayed.exitCode, delayed.stderr.slice(-3000)).toBe(0);
    expect(statistics(delayed)).toEqual(statistics(first));
    expect((delayed.outputs['monitoring_report.json'] as Report).evaluation!.stored_hours).toEqual([iso(H)]);
  });

  it('a job with network isolation fails before reading, naming the isolation and the S3 locations; isolation off runs', async () => {
    const aws = { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: TEST_REGION };
    const jobConfig = (isolated: boolean) => ({ ProcessingJobName: 'j', Environment: {}, NetworkConfig: { EnableInterContainerTrafficEncryption: false, EnableNetworkIsolation: isolated } });
    const isolated = await run('s3://store-bucket/isolated', H + HOUR, { ...aws, MPM_EVALUATION_DELAY_HOURS: '1' }, jobConfig(true));
    expect(isolated.exitCode).toBe(2);
    expect(isolated.message).toContain('the processing job runs with network isolation (NetworkConfig.EnableNetworkIsolation in');
    expect(isolated.message).toContain('MPM_PREDICTION_STORE "s3://store-bucket/isolated"');
    expect(isolated.message).toContain('a delayed run reads the judged hour\'s ground truth and predictions from S3 itself');
    // Nothing was read or stored: the store prefix is empty.
    const { S3Client, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: TEST_REGION, credentials: TEST_CREDENTIALS });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'store-bucket', Prefix: 'isolated/' }));
    client.destroy();
    expect(listed.KeyCount ?? 0).toBe(0);
    const open = await run('s3://store-bucket/isolated', H, aws, jobConfig(false));
    expect(open.exitCode, open.stderr.slice(-3000)).toBe(0);
  });
});
