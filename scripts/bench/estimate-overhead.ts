/**
 * @module What the label-free estimate (issue 18) adds to a model-quality run: the bench data (scripts/bench/
 * generate-capture.ts) judged by the monitor with MPM_ESTIMATE=Enabled and Disabled, alternating (on-off, off-on, ...)
 * so that a change of load hits both alike, with CPU seconds (rusage of the whole process), wall seconds and the
 * capture_and_join stage's time; medians and the ratio are printed with the load average before and after.
 *
 *   npx tsx scripts/bench/estimate-overhead.ts [--size-mb 100] [--repeat 5] [--workers 1] [--runner dist|tsx]
 *     [--dir /tmp/mpm-bench-estimate] [--keep]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS, generateCapture, type Manifest } from './generate-capture.ts';
import { buildDist } from './build-dist.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '100' },
    repeat: { type: 'string', default: '5' },
    workers: { type: 'string', default: '1' },
    runner: { type: 'string', default: 'dist' },
    dir: { type: 'string', default: '/tmp/mpm-bench-estimate' },
    keep: { type: 'boolean', default: false },
  },
});

interface Sample {
  cpu: number;
  wall: number;
  join: number;
}

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(', ');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function command(): string[] {
  const preload = ['--import', path.join(ROOT, 'scripts/bench/rusage-preload.mjs')];
  if (args.runner === 'tsx') return [...preload, '--import', 'tsx', path.join(ROOT, 'monitor/cli.ts')];
  buildDist(ROOT, '.bench/dist');
  return [...preload, path.join(ROOT, '.bench/dist/monitor/cli.js')];
}

/** One monitor run; checks its item count against the generator's and that the estimate is there (or not). */
async function run(argv: string[], manifest: Manifest, estimate: boolean): Promise<Sample> {
  const out = path.join(args.dir, 'out');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'job.json'), '{}');
  const rusage = path.join(out, 'rusage.json');
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    MPM_BENCH_RUSAGE_FILE: rusage,
    MPM_WORKERS: args.workers,
    MPM_ESTIMATE: estimate ? 'Enabled' : 'Disabled',
    MPM_LOG_LEVEL: 'warn',
    problem_type: 'MulticlassClassification',
    dataset_source: manifest.captureDir,
    ground_truth_source: manifest.groundTruthDir,
    output_path: path.join(out, 'report'),
    start_time: manifest.startTime,
    end_time: manifest.endTime,
    MPM_JOB_CONFIG_FILE: path.join(out, 'job.json'),
    MPM_MESSAGE_FILE: path.join(out, 'message'),
    CLOUDWATCH_METRICS_DIRECTORY: path.join(out, 'cloudwatch'),
  };
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wall = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`bench: the monitor exited ${code}`);
  const stats = JSON.parse(readFileSync(path.join(out, 'report/statistics.json'), 'utf8')) as { dataset: { item_count: number }; mpm_estimated_metrics?: { estimated_records?: number } };
  if (stats.dataset.item_count !== manifest.joined) throw new Error(`bench: item_count ${stats.dataset.item_count}, generator ${manifest.joined}`);
  if ((stats.mpm_estimated_metrics?.estimated_records !== undefined) !== estimate) throw new Error(`bench: estimate ${estimate ? 'missing' : 'present'} with MPM_ESTIMATE=${env.MPM_ESTIMATE}`);
  const usage = JSON.parse(readFileSync(rusage, 'utf8')) as { userSeconds: number; systemSeconds: number };
  const timings = (JSON.parse(readFileSync(path.join(out, 'report/monitoring_report.json'), 'utf8')) as { timings_ms: Record<string, number> }).timings_ms;
  return { cpu: usage.userSeconds + usage.systemSeconds, wall, join: (timings.capture_and_join ?? NaN) / 1000 };
}

async function main(): Promise<void> {
  const argv = command();
  const dataDir = path.join(args.dir, `data-${args['size-mb']}`);
  const manifestFile = path.join(dataDir, 'manifest.json');
  const manifest: Manifest = existsSync(manifestFile)
    ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest)
    : generateCapture({ ...DEFAULT_OPTIONS, out: dataDir, sizeMb: Number(args['size-mb']) });
  writeFileSync(manifestFile, JSON.stringify(manifest));
  console.log(`data: ${(manifest.bytes / 1e6).toFixed(0)} MB, ${manifest.predictions} predictions (multiclass, top score), ${manifest.joined} labelled; workers ${args.workers}; runner ${args.runner}`);
  console.log(`load average before: ${load()}`);
  const on: Sample[] = [];
  const off: Sample[] = [];
  await run(argv, manifest, true); // warm the page cache
  for (let r = 0; r < Number(args.repeat); r++) {
    for (const estimate of r % 2 === 0 ? [true, false] : [false, true]) {
      const sample = await run(argv, manifest, estimate);
      (estimate ? on : off).push(sample);
      console.log(`  ${estimate ? 'with   ' : 'without'} estimate: cpu ${sample.cpu.toFixed(2)} s, wall ${sample.wall.toFixed(2)} s, capture_and_join ${sample.join.toFixed(2)} s`);
    }
  }
  for (const key of ['cpu', 'wall', 'join'] as const) {
    const a = median(on.map((s) => s[key]));
    const b = median(off.map((s) => s[key]));
    console.log(`median ${key.padEnd(4)}: with ${a.toFixed(2)} s, without ${b.toFixed(2)} s, overhead ${(((a - b) / b) * 100).toFixed(1)}%`);
  }
  console.log(`load average after: ${load()}`);
  if (!args.keep) rmSync(dataDir, { recursive: true, force: true });
}

await main();
