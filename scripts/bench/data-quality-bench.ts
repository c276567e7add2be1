/**
 * @module The data-quality part of `npm run bench`: its own floor and its runs, apart from the model-quality part.
 * Data quality decodes every request in full, so its floor is read + line parse + full request parse
 * (scripts/bench/parse-floor.ts --decode full), not the count-only floor of model quality. The monitor runs as a
 * user would (the same entry point and rusage preload as the model-quality runs) with analysis_type=DATA_QUALITY and
 * no baseline (the profile of every record; checking against a baseline adds milliseconds), once per worker count.
 * A run whose statistics.json does not count every record of the generator, or lacks a feature, fails the bench.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_NAMES } from '../covertype/generate.ts';
import type { Manifest } from './generate-capture.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** CPU and memory of one process. */
export interface DataQualityTimed {
  wallSeconds: number;
  cpuSeconds: number;
  maxRssMb: number;
}

/** One data-quality monitor run. */
export interface DataQualityRun extends DataQualityTimed {
  workers: number;
  /** The capture stage (timings_ms.capture of monitoring_report.json). */
  captureSeconds: number;
  ok: boolean;
  problems: string[];
}

/** The data-quality figures of one capture size. */
export interface DataQualitySize {
  sizeMb: number;
  bytes: number;
  lines: number;
  records: number;
  floor: DataQualityTimed & { records: number };
  runs: DataQualityRun[];
  load: number[];
}

export interface DataQualityBenchOptions {
  manifest: Manifest;
  sizeMb: number;
  /** Scratch folder (outputs are written under it). */
  dir: string;
  workerCounts: number[];
  repeat: number;
  /** node arguments that start the monitor (the bench's runner: compiled entry point or tsx). */
  monitorCommand: string[];
  log: (text: string) => void;
}

function runProcess(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string; wallSeconds: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, wallSeconds: (performance.now() - t0) / 1000 }));
  });
}

const fastest = <T extends { cpuSeconds: number }>(runs: T[]): T => runs.reduce((a, b) => (b.cpuSeconds < a.cpuSeconds ? b : a));

async function runFloor(captureDir: string): Promise<DataQualityTimed & { records: number }> {
  const r = await runProcess(['--import', 'tsx', path.join(ROOT, 'scripts/bench/parse-floor.ts'), captureDir, '--decode', 'full'], process.env);
  if (r.code !== 0) throw new Error(`bench: the data-quality floor failed:\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as { records: number; cpuSeconds: number; maxRssMb: number };
  return { wallSeconds: r.wallSeconds, cpuSeconds: out.cpuSeconds, maxRssMb: out.maxRssMb, records: out.records };
}

/** What the generator wrote that statistics.json must show: every record, and every feature plus label and score. */
function checkOutputs(reportDir: string, manifest: Manifest): string[] {
  const stats = JSON.parse(readFileSync(path.join(reportDir, 'statistics.json'), 'utf8')) as { dataset: { item_count: number }; features: Array<{ name: string }> };
  const problems: string[] = [];
  if (stats.dataset.item_count !== manifest.predictions) problems.push(`item_count ${stats.dataset.item_count}, generator ${manifest.predictions} records`);
  const names = new Set(stats.features.map((f) => f.name));
  const missing = [...FEATURE_NAMES, 'label', 'score'].filter((n) => !names.has(n));
  if (missing.length > 0) problems.push(`features missing from statistics.json: ${missing.join(', ')}`);
  if (names.size !== FEATURE_NAMES.length + 2) problems.push(`${names.size} features, expected ${FEATURE_NAMES.length + 2}`);
  return problems;
}

async function runDataQuality(o: DataQualityBenchOptions, workers: number): Promise<DataQualityRun> {
  const out = path.join(o.dir, 'out-data-quality');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const jobConfig = path.join(out, 'processingjobconfig.json');
  writeFileSync(jobConfig, '{}');
  const rusageFile = path.join(out, 'rusage.json');
  const report = path.join(out, 'report');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    MPM_BENCH_RUSAGE_FILE: rusageFile,
    MPM_WORKERS: String(workers),
    MPM_LOG_LEVEL: 'warn',
    analysis_type: 'DATA_QUALITY',
    dataset_source: o.manifest.captureDir,
    output_path: report,
    sagemaker_endpoint_name: o.manifest.options.endpoint,
    start_time: o.manifest.startTime,
    end_time: o.manifest.endTime,
    MPM_JOB_CONFIG_FILE: jobConfig,
    MPM_MESSAGE_FILE: path.join(out, 'message'),
    CLOUDWATCH_METRICS_DIRECTORY: path.join(out, 'cloudwatch'),
    baseline_statistics: '',
    baseline_constraints: '',
  };
  const r = await runProcess(o.monitorCommand, env);
  const usage = existsSync(rusageFile) ? (JSON.parse(readFileSync(rusageFile, 'utf8')) as { userSeconds: number; systemSeconds: number; maxRssMb: number }) : undefined;
  const problems = r.code === 0 ? checkOutputs(report, o.manifest) : [`exit code ${r.code}: ${r.stderr.slice(-2000)}`];
  const reportFile = path.join(report, 'monitoring_report.json');
  const timings = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as { timings_ms?: Record<string, number> }).timings_ms ?? {} : {};
  return {
    workers,
    wallSeconds: r.wallSeconds,
    cpuSeconds: usage ? usage.userSeconds + usage.systemSeconds : NaN,
    maxRssMb: usage?.maxRssMb ?? NaN,
    captureSeconds: (timings.capture ?? NaN) / 1000,
    ok: problems.length === 0,
    problems,
  };
}

/** Measures the data-quality floor and runs of one size (the best of `repeat` by CPU time; a failed run wins). */
export async function benchDataQuality(o: DataQualityBenchOptions): Promise<DataQualitySize> {
  const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');
  const load = [loadavg()[0]!];
  const floors: Array<DataQualityTimed & { records: number }> = [];
  const runs = new Map<number, DataQualityRun[]>();
  for (let i = 0; i < o.repeat; i++) {
    floors.push(await runFloor(o.manifest.captureDir));
    o.log(`  data-quality floor (full request decode): ${fmt(floors.at(-1)!.wallSeconds)} s wall, ${fmt(floors.at(-1)!.cpuSeconds)} s CPU`);
    for (const workers of o.workerCounts) {
      const run = await runDataQuality(o, workers);
      (runs.get(workers) ?? runs.set(workers, []).get(workers)!).push(run);
      if (run.ok) o.log(`  data quality, ${workers} worker${workers > 1 ? 's' : ''}: ${fmt(run.wallSeconds)} s wall, ${fmt(run.cpuSeconds)} s CPU, ${fmt(run.maxRssMb, 0)} MB peak RSS`);
      else o.log(`  data quality, ${workers} worker${workers > 1 ? 's' : ''}: FAILED the correctness check (no speed reported):\n    ${run.problems.join('\n    ')}`);
    }
    load.push(loadavg()[0]!);
  }
  const floor = fastest(floors);
  if (floor.records !== o.manifest.predictions) throw new Error(`bench: the data-quality floor counted ${floor.records} records, generator ${o.manifest.predictions}`);
  return {
    sizeMb: o.sizeMb,
    bytes: o.manifest.bytes,
    lines: o.manifest.lines,
    records: o.manifest.predictions,
    floor,
    runs: o.workerCounts.map((w) => {
      const all = runs.get(w)!;
      return all.find((r) => !r.ok) ?? fastest(all);
    }),
    load,
  };
}

/** The data-quality table (markdown) and its notes. */
export function dataQualityReport(sizes: DataQualitySize[]): string {
  const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');
  const out: string[] = [];
  out.push('Data quality (analysis_type=DATA_QUALITY, no baseline) against its own floor: read + line parse + full request parse');
  out.push('| capture MB | lines | records | run | wall s | CPU s | MB/CPU-s | records/CPU-s | capture stage s | peak RSS MB | ratio to floor (CPU) | ratio to floor (wall) |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of sizes) {
    const size = s.bytes / 1e6;
    const f = s.floor;
    out.push(`| ${fmt(size, 0)} | ${s.lines} | ${s.records} | data-quality floor | ${fmt(f.wallSeconds, 2)} | ${fmt(f.cpuSeconds, 2)} | ${fmt(size / f.cpuSeconds, 0)} | ${fmt(s.records / f.cpuSeconds / 1e3, 0)} k | - | ${fmt(f.maxRssMb, 0)} | 1 | 1 |`);
    for (const r of s.runs) {
      const name = `data quality, ${r.workers} worker${r.workers > 1 ? 's' : ''}`;
      if (!r.ok) {
        out.push(`| ${fmt(size, 0)} | ${s.lines} | ${s.records} | ${name} | FAILED: ${r.problems.join('; ').replace(/\|/g, '/').slice(0, 200)} | | | | | | | |`);
        continue;
      }
      out.push(
        `| ${fmt(size, 0)} | ${s.lines} | ${s.records} | ${name} | ${fmt(r.wallSeconds, 2)} | ${fmt(r.cpuSeconds, 2)} | ${fmt(size / r.cpuSeconds, 0)} | ${fmt(s.records / r.cpuSeconds / 1e3, 0)} k | ` +
          `${fmt(r.captureSeconds, 2)} | ${fmt(r.maxRssMb, 0)} | ${fmt(f.cpuSeconds / r.cpuSeconds, 2)} | ${fmt(f.wallSeconds / r.wallSeconds, 2)} |`,
      );
    }
    out.push(`  ${fmt(size, 0)} MB: load ${s.load.map((l) => fmt(l, 2)).join(' -> ')}; target: CPU ratio >= 0.6 with 1 worker`);
  }
  return out.join('\n');
}
