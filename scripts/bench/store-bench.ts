/**
 * @module The prediction store in `npm run bench -- --store` (issue 17): on one size's bench data, the monitor run
 * three ways with one worker thread: from capture without the store, from capture writing the store (what storing
 * costs), and `mpm-monitor evaluate` judging the same hour from the store (what the store saves: no capture parse).
 * Reports bytes per stored record, the capture stage against the judgement from the store (target: at least 10x
 * faster) and the two whole runs with their ground-truth read (which the capture run overlaps with its scan and
 * evaluate does before it judges), beside the parse floor of the same size, and checks that the hour judged from the store has the same
 * statistics.json as the hour judged from capture.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Manifest } from './generate-capture.ts';

/** One monitor process: its stage of interest (wall seconds, from timings_ms) and the whole process's CPU. */
export interface StoreBenchRun {
  /** capture_and_join, or judge_from_store for the evaluate run. */
  stageSeconds: number;
  groundTruthSeconds: number;
  /**
   * The whole run after start-up (timings_ms.total): the ground truth included. The capture run reads the ground truth
   * on its own thread while it scans; evaluate reads it before it judges, so the stage ratio alone flatters the store.
   */
  runSeconds: number;
  wallSeconds: number;
  cpuSeconds: number;
  maxRssMb: number;
}

/** The three runs and what they show. */
export interface StoreBenchResult {
  predictions: number;
  storeBytes: number;
  bytesPerRecord: number;
  fromCapture: StoreBenchRun;
  fromCaptureWithStore: StoreBenchRun;
  fromStore: StoreBenchRun;
  /** fromCapture.stageSeconds / fromStore.stageSeconds. */
  speedup: number;
  /** fromCapture.runSeconds / fromStore.runSeconds (ground truth included on both sides). */
  runSpeedup: number;
  ok: boolean;
  problems: string[];
}

/** What the store bench needs from bench.ts. */
export interface StoreBenchInput {
  manifest: Manifest;
  /** Scratch folder (emptied). */
  dir: string;
  /** node argv that runs the monitor CLI with the rusage preload (bench.ts's monitorCommand()). */
  command: string[];
  cwd: string;
}

function run(input: StoreBenchInput, argv: string[], env: Record<string, string>, out: string): Promise<{ code: number | null; stderr: string; wallSeconds: number; usage?: { userSeconds: number; systemSeconds: number; maxRssMb: number } }> {
  const rusageFile = path.join(out, 'rusage.json');
  const { manifest } = input;
  const full: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    MPM_BENCH_RUSAGE_FILE: rusageFile,
    MPM_WORKERS: '1',
    MPM_LOG_LEVEL: 'warn',
    problem_type: 'MulticlassClassification',
    dataset_source: manifest.captureDir,
    ground_truth_source: manifest.groundTruthDir,
    sagemaker_endpoint_name: manifest.options.endpoint,
    MPM_JOB_CONFIG_FILE: path.join(out, 'processingjobconfig.json'),
    MPM_MESSAGE_FILE: path.join(out, 'message'),
    CLOUDWATCH_METRICS_DIRECTORY: path.join(out, 'cloudwatch'),
    baseline_constraints: '',
    ...env,
  };
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'processingjobconfig.json'), '{}');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...input.command, ...argv], { cwd: input.cwd, env: full, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    child.on('error', reject);
    child.on('close', (code) => {
      const usage = existsSync(rusageFile) ? (JSON.parse(readFileSync(rusageFile, 'utf8')) as { userSeconds: number; systemSeconds: number; maxRssMb: number }) : undefined;
      resolve({ code, stderr, wallSeconds: (performance.now() - t0) / 1000, ...(usage ? { usage } : {}) });
    });
  });
}

function readJson(file: string): Record<string, unknown> | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
}

/** statistics.json without its evaluation time: what two judgements of one hour must share. */
function statistics(folder: string): string | undefined {
  const s = readJson(path.join(folder, 'statistics.json')) as { dataset?: Record<string, unknown> } | undefined;
  if (s?.dataset) delete s.dataset.evaluation_time;
  return s === undefined ? undefined : JSON.stringify(s);
}

async function timedRun(input: StoreBenchInput, what: string, argv: string[], env: Record<string, string>, out: string, reportFolder: string, stage: string, problems: string[]): Promise<StoreBenchRun> {
  const r = await run(input, argv, env, out);
  if (r.code !== 0) problems.push(`${what}: exit code ${r.code}: ${r.stderr.slice(-1500)}`);
  const report = readJson(path.join(reportFolder, 'monitoring_report.json')) as { timings_ms?: Record<string, number> } | undefined;
  const timings = report?.timings_ms ?? {};
  return {
    stageSeconds: (timings[stage] ?? NaN) / 1000,
    groundTruthSeconds: (timings.ground_truth ?? NaN) / 1000,
    runSeconds: (timings.total ?? NaN) / 1000,
    wallSeconds: r.wallSeconds,
    cpuSeconds: r.usage ? r.usage.userSeconds + r.usage.systemSeconds : NaN,
    maxRssMb: r.usage?.maxRssMb ?? NaN,
  };
}

/** Runs the three monitor processes on `input.manifest`'s hour. */
export async function runStoreBench(input: StoreBenchInput): Promise<StoreBenchResult> {
  const { manifest, dir } = input;
  rmSync(dir, { recursive: true, force: true });
  const store = path.join(dir, 'store');
  const window = { start_time: manifest.startTime, end_time: manifest.endTime };
  const problems: string[] = [];
  const plain = path.join(dir, 'from-capture');
  const fromCapture = await timedRun(input, 'from capture', [], { ...window, output_path: path.join(plain, 'report') }, plain, path.join(plain, 'report'), 'capture_and_join', problems);
  const stored = path.join(dir, 'from-capture-with-store');
  const fromCaptureWithStore = await timedRun(input, 'from capture with the store', [], { ...window, output_path: path.join(stored, 'report'), MPM_PREDICTION_STORE: store }, stored, path.join(stored, 'report'), 'capture_and_join', problems);
  const judged = path.join(dir, 'from-store');
  const hour = new Date(manifest.startTime).toISOString();
  const hourFolder = path.join(judged, 'report', manifest.options.endpoint, 'evaluate', hour.slice(0, 4), hour.slice(5, 7), hour.slice(8, 10), hour.slice(11, 13));
  const fromStore = await timedRun(input, 'evaluate from the store', ['evaluate', '--from', manifest.startTime, '--to', manifest.endTime], { output_path: path.join(judged, 'report'), MPM_PREDICTION_STORE: store }, judged, hourFolder, 'judge_from_store', problems);
  const storeReport = (readJson(path.join(stored, 'report', 'monitoring_report.json')) as { prediction_store?: { records: number; bytes: number; bytes_per_record: number } } | undefined)?.prediction_store;
  if (storeReport === undefined) problems.push('the storing run reported no prediction_store');
  else if (storeReport.records !== manifest.predictions) problems.push(`the store holds ${storeReport.records} records, the generator wrote ${manifest.predictions} predictions`);
  const [a, b, c] = [statistics(path.join(plain, 'report')), statistics(path.join(stored, 'report')), statistics(hourFolder)];
  if (a === undefined || a !== b || a !== c) problems.push('statistics.json differs between the hour judged from capture, from capture with the store, and from the store');
  return {
    predictions: manifest.predictions,
    storeBytes: storeReport?.bytes ?? NaN,
    bytesPerRecord: storeReport?.bytes_per_record ?? NaN,
    fromCapture,
    fromCaptureWithStore,
    fromStore,
    speedup: fromCapture.stageSeconds / fromStore.stageSeconds,
    runSpeedup: fromCapture.runSeconds / fromStore.runSeconds,
    ok: problems.length === 0,
    problems,
  };
}

const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');

/** The store's lines of the bench report (Markdown), beside the parse floor of the same size. */
export function storeBenchLines(sizeMb: number, r: StoreBenchResult, floor: { wallSeconds: number; cpuSeconds: number }): string[] {
  if (!r.ok) return [`  ${fmt(sizeMb, 0)} MB: FAILED: ${r.problems.join('; ')}`];
  const row = (name: string, x: StoreBenchRun, stage: string): string =>
    `| ${fmt(sizeMb, 0)} | ${name} | ${stage} ${fmt(x.stageSeconds)} | ${fmt(x.groundTruthSeconds)} | ${fmt(x.runSeconds)} | ${fmt(x.wallSeconds)} | ${fmt(x.cpuSeconds)} | ${fmt(x.maxRssMb, 0)} |`;
  return [
    `  ${fmt(sizeMb, 0)} MB, ${r.predictions} predictions: ${fmt(r.bytesPerRecord)} bytes per stored record (${r.storeBytes} bytes); ` +
      `judging the hour from the store ${fmt(r.speedup, 1)}x faster than from capture (stage wall time; target >= 10x), ` +
      `${fmt(r.runSpeedup, 1)}x over the whole run with the ground truth (${fmt(r.fromCapture.runSeconds)} s against ${fmt(r.fromStore.runSeconds)} s); ` +
      `storing adds ${fmt(r.fromCaptureWithStore.stageSeconds - r.fromCapture.stageSeconds)} s to the capture stage and ${fmt(r.fromCaptureWithStore.cpuSeconds - r.fromCapture.cpuSeconds)} CPU s to the run; ` +
      `parse floor ${fmt(floor.wallSeconds)} s wall, ${fmt(floor.cpuSeconds)} CPU s`,
    '',
    '| capture MB | run (1 worker) | stage s | ground truth s | run s | process wall s | process CPU s | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|',
    row('from capture', r.fromCapture, 'capture_and_join'),
    row('from capture, writing the store', r.fromCaptureWithStore, 'capture_and_join'),
    row('evaluate, from the store', r.fromStore, 'judge_from_store'),
    `| ${fmt(sizeMb, 0)} | parse floor | ${fmt(floor.wallSeconds)} | - | - | - | ${fmt(floor.cpuSeconds)} | - |`,
    '',
  ];
}
