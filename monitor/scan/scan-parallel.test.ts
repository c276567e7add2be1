/**
 * @module MPM_WORKERS > 1 gives the same files as one thread: the golden cases with several capture files run with two
 * workers against their expected outputs, and generated multi-file capture of each problem type (malformed lines,
 * labels missing and reused included) runs with one and two workers and must write identical statistics and reports.
 * Also MPM_CHECK_REQUEST_COUNT=Disabled, the other switch of the capture reader's speed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCase, normalizeRun, readExpected, runCase } from '../../test/monitor/golden-cases.ts';
import { runMonitor, type MonitorRun } from '../../test/helpers/run-monitor.ts';

const MULTI_FILE_CASES = ['capture-base64', 'capture-gzip', 'error-limit-capture-share', 'window'];

/** A report without what legitimately differs between two runs: timings, the settings' sources, the page's size. */
function comparable(file: string, text: string): unknown {
  const value = JSON.parse(text) as Record<string, unknown>;
  if (file === 'monitoring_report.json') {
    delete value.config_sources;
    delete value.timings_ms;
    delete value.report_html;
    delete value.evaluation_time;
  }
  if (file === 'statistics.json') delete (value.dataset as Record<string, unknown>).evaluation_time;
  return value;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mpm-workers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Problem = 'MulticlassClassification' | 'BinaryClassification' | 'Regression';

/** Writes 6 capture files of 15 requests each (3 to 5 records), a malformed line and a reused id among them, and labels. */
function writeCapture(root: string, problem: Problem, binaryNegative = 0): void {
  const hour = path.join(root, 'capture/ep/AllTraffic/2024/05/06/21');
  const gt = path.join(root, 'groundtruth/2024/05/06/21');
  mkdirSync(hour, { recursive: true });
  mkdirSync(gt, { recursive: true });
  let seed = 12345;
  const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const labels: string[] = [];
  let id = 0;
  for (let f = 0; f < 6; f++) {
    const lines: string[] = [];
    for (let r = 0; r < 15; r++) {
      const n = 3 + Math.floor(random() * 3);
      const inferenceId = f === 4 && r === 0 ? '3' : String(id++); // one id used twice: duplicate predictions
      const request = JSON.stringify(Array.from({ length: n }, (_, i) => ({ x: i, y: Math.round(random() * 100) })));
      const response = JSON.stringify(
        Array.from({ length: n }, (_, i) => {
          if (problem === 'Regression') return Math.round(random() * 1000) / 10;
          if (problem === 'BinaryClassification') return { payload_index: i, score: Math.round(random() * 1000) / 1000 };
          return { payload_index: i, label: Math.floor(random() * 4), score: 0.5 };
        }),
      );
      for (let i = 0; i < n; i++) {
        if (random() < 0.85) {
          const drawn = Math.floor(random() * (problem === 'BinaryClassification' ? 2 : 4));
          const label = problem === 'Regression' ? Math.round(random() * 1000) / 10 : problem === 'BinaryClassification' && drawn === 0 ? binaryNegative : drawn;
          labels.push(JSON.stringify({ InferenceId: inferenceId, payload_index: i, groundTruthLabel: label }));
        }
      }
      const line = JSON.stringify({
        captureData: {
          endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: request, encoding: 'JSON' },
          endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: response, encoding: 'JSON' },
        },
        eventMetadata: { eventId: `e-${f}-${r}`, inferenceId, inferenceTime: `2024-05-06T21:${String(f * 9 + Math.floor(r / 2)).padStart(2, '0')}:00Z` },
        eventVersion: '0',
      });
      lines.push(r === 7 && f % 2 === 0 ? line.slice(0, 80) : line);
    }
    writeFileSync(path.join(hour, `${String(f * 9).padStart(2, '0')}-00-000-file${f}.jsonl`), `${lines.join('\n')}\n`);
  }
  writeFileSync(path.join(gt, 'labels.jsonl'), `${labels.join('\n')}\n`);
}

function runGenerated(root: string, problem: Problem, workers: number, env: Record<string, string> = {}): Promise<MonitorRun> {
  return runMonitor({
    env: {
      problem_type: problem,
      dataset_source: path.join(root, 'capture'),
      ground_truth_source: path.join(root, 'groundtruth'),
      output_path: '{out}',
      start_time: '2024-05-06T21:00:00Z',
      end_time: '2024-05-06T22:00:00Z',
      MPM_MAX_INPUT_ERROR_RATE: '0.2',
      MPM_MIN_RECORDS_FOR_STD: '20',
      MPM_WORKERS: String(workers),
      ...env,
    },
    timeoutMs: 60_000,
  });
}

describe('MPM_WORKERS=2 (worker threads over capture files)', () => {
  for (const name of MULTI_FILE_CASES) {
    it(`${name}: writes the golden case's expected files`, async () => {
      const c = loadCase(name);
      const run = await runCase({ ...c, spec: { ...c.spec, env: { ...c.spec.env, MPM_WORKERS: '2' } } });
      expect(run.exitCode, run.stderr.slice(-2000)).toBe(c.spec.exit_code);
      const actual = normalizeRun(run);
      for (const [file, text] of readExpected(c)) {
        if (!file.endsWith('.json')) continue;
        expect(comparable(file, actual.get(file) ?? 'null'), file).toEqual(comparable(file, text));
      }
    });
  }

  for (const problem of ['MulticlassClassification', 'BinaryClassification', 'Regression'] as const) {
    it(`${problem}: one and two workers write identical statistics and reports over 6 files`, async () => {
      const root = path.join(tmp, problem);
      writeCapture(root, problem);
      const [one, two] = [await runGenerated(root, problem, 1), await runGenerated(root, problem, 2)];
      expect(one.exitCode, one.stderr.slice(-2000)).toBe(0);
      expect(two.exitCode, two.stderr.slice(-2000)).toBe(0);
      const a = normalizeRun(one);
      const b = normalizeRun(two);
      const report = JSON.parse(a.get('monitoring_report.json')!) as { capture: { files: number }; join: { joined: number; duplicate_predictions: number }; input_errors: { total: number } };
      expect(report.capture.files).toBe(6);
      expect(report.join.joined).toBeGreaterThan(100);
      expect(report.join.duplicate_predictions).toBeGreaterThan(0);
      expect(report.input_errors.total).toBe(3);
      for (const file of ['statistics.json', 'constraint_violations.json', 'monitoring_report.json']) {
        expect(comparable(file, b.get(file)!), file).toEqual(comparable(file, a.get(file)!));
      }
    });
  }
});

describe('the scan reads while the labels load on their own thread', () => {
  it('BinaryClassification with labels 1 and 2: the assumed negative class 0 is wrong, the capture is read again, by one thread or two, and the files agree', async () => {
    const root = path.join(tmp, 'binary-1-2');
    writeCapture(root, 'BinaryClassification', 2);
    // One thread or two workers read the capture while the labels load, assuming 0, then again with the labels known
    // (the workers a second time: the scan's first workers are stopped after the first read).
    const [one, two] = [await runGenerated(root, 'BinaryClassification', 1), await runGenerated(root, 'BinaryClassification', 2)];
    expect(one.exitCode, one.stderr.slice(-2000)).toBe(0);
    expect(two.exitCode, two.stderr.slice(-2000)).toBe(0);
    expect(one.stderr).toContain('reading the capture again');
    expect(two.stderr).toContain('reading the capture again');
    const a = normalizeRun(one);
    const b = normalizeRun(two);
    const statistics = JSON.parse(a.get('statistics.json')!) as { binary_classification_metrics: { confusion_matrix: Record<string, Record<string, number>> } };
    // The classes are 1 and the learnt 2: no prediction was read as the assumed 0.
    expect(Object.keys(statistics.binary_classification_metrics.confusion_matrix).sort()).toEqual(['1', '2']);
    for (const file of ['statistics.json', 'constraint_violations.json', 'monitoring_report.json']) {
      expect(comparable(file, b.get(file)!), file).toEqual(comparable(file, a.get(file)!));
    }
    // Two workers writing a prediction store (their sinks' label arrival waits too) read again as well; a run with
    // joined records reads the labels first (it needs them at the record). The same statistics and violations.
    const stored = await runGenerated(root, 'BinaryClassification', 2, { MPM_PREDICTION_STORE: path.join(root, 'store'), sagemaker_endpoint_name: 'ep' });
    const first = await runGenerated(root, 'BinaryClassification', 2, { MPM_JOINED_RECORDS_OUTPUT: 'Enabled' });
    for (const run of [stored, first]) expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    expect(stored.stderr).toContain('reading the capture again');
    expect(first.stderr).not.toContain('reading the capture again');
    for (const run of [stored, first]) {
      const c = normalizeRun(run);
      for (const file of ['statistics.json', 'constraint_violations.json']) expect(comparable(file, c.get(file)!), file).toEqual(comparable(file, a.get(file)!));
    }
  });
});

describe('MPM_CHECK_REQUEST_COUNT=Disabled (endpointInput never decoded)', () => {
  it('seed-count-mismatch: the short response is no longer caught, its 2 predictions join', async () => {
    const c = loadCase('seed-count-mismatch');
    const run = await runCase({ ...c, spec: { ...c.spec, env: { ...c.spec.env, MPM_CHECK_REQUEST_COUNT: 'Disabled' } } });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const report = run.outputs['monitoring_report.json'] as { join: { predictions: number; joined: number }; input_errors: { total: number } };
    expect(report.input_errors.total).toBe(0);
    expect(report.join.predictions).toBe(6);
    expect(report.join.joined).toBe(6);
  });
});
