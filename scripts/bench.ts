/**
 * @module The monitor's benchmark (not a test; `npm run bench`): throughput and memory against the parse floor, at
 * growing sizes, with the statistics checked against what the generator wrote.
 *
 * For each size: generates capture and ground truth (scripts/bench/generate-capture.ts), measures the parse floor in
 * its own Node process (scripts/bench/parse-floor.ts), runs the monitor as a user would (its compiled entry point,
 * node dist/monitor/cli.js, a whole process, with 1 and 2 worker threads), and times the seed's algorithm in pandas
 * where /usr/bin/python3 has it (scripts/bench/pandas_seed.py), runs the same job in DuckDB with 1 and 2 threads,
 * with and without the request count check (scripts/bench/duckdb-run.ts, the SQL in scripts/bench/duckdb-*.sql), and
 * measures the machine's raw read ceiling (scripts/bench/raw-read.ts: the same files read, nothing else). A run
 * (monitor or DuckDB) whose item count or confusion matrix differs from the generator's fails the benchmark (exit 1)
 * and prints no speed. Before each size it records how much of the capture is in the page cache (fincore).
 *
 *   npm run bench -- [--sizes 100,1000,4000 | --size-mb 1000] [--workers 1,2] [--repeat 1] [--records-per-request 50]
 *     [--malformed-share 0.001] [--label-coverage 0.9] [--seed 1] [--separators compact|python]
 *     [--memory-labels 10000000] [--pandas-max-mb 4000]
 *     [--dir /tmp/mpm-bench] [--runner dist|tsx] [--keep] [--no-pandas] [--count-check-off yes|no]
 *     [--duckdb-threads 1,2] [--no-duckdb] [--no-raw-read] [--store] [--no-data-quality]
 *
 * Each worker count also runs with MPM_CHECK_REQUEST_COUNT=Disabled (endpointInput never decoded) unless
 * --no-count-check-off. Generated data is deleted after each size unless --keep (it is reused when kept). --store adds
 * the prediction store's figures (scripts/bench/store-bench.ts): bytes per record, and the hour judged from the store
 * against from capture.
 *
 * Each size also runs data quality against its own floor (full request decode): scripts/bench/data-quality-bench.ts,
 * unless --no-data-quality.
 *
 * Figures go into docs/benchmarks.md by hand, with the machine and the load average printed here.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchDataQuality, dataQualityReport, type DataQualitySize } from './bench/data-quality-bench.ts';
import { DEFAULT_OPTIONS, generateCapture, type GenerateOptions, type Manifest } from './bench/generate-capture.ts';
import { runStoreBench, storeBenchLines, type StoreBenchResult } from './bench/store-bench.ts';
import { buildDist } from './bench/build-dist.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PYTHON = '/usr/bin/python3';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,4000' },
    'size-mb': { type: 'string' },
    workers: { type: 'string', default: '1,2' },
    repeat: { type: 'string', default: '1' },
    'records-per-request': { type: 'string', default: String(DEFAULT_OPTIONS.recordsPerRequest) },
    'malformed-share': { type: 'string', default: String(DEFAULT_OPTIONS.malformedShare) },
    'label-coverage': { type: 'string', default: String(DEFAULT_OPTIONS.labelCoverage) },
    seed: { type: 'string', default: String(DEFAULT_OPTIONS.seed) },
    separators: { type: 'string', default: 'compact' },
    'memory-labels': { type: 'string', default: '0' },
    'pandas-max-mb': { type: 'string', default: '4000' },
    dir: { type: 'string', default: '/tmp/mpm-bench' },
    runner: { type: 'string', default: 'dist' },
    keep: { type: 'boolean', default: false },
    'no-pandas': { type: 'boolean', default: false },
    'count-check-off': { type: 'string', default: 'yes' },
    'duckdb-threads': { type: 'string', default: '1,2' },
    'no-duckdb': { type: 'boolean', default: false },
    'no-raw-read': { type: 'boolean', default: false },
    store: { type: 'boolean', default: false },
    'no-data-quality': { type: 'boolean', default: false },
  },
});

const sizes = (args['size-mb'] ?? args.sizes).split(',').map(Number);
const workerCounts = args.workers.split(',').map(Number);
/** The monitor runs of each size: every worker count, with the request count check and (--count-check-off) without. */
const variants: Array<{ workers: number; check: boolean }> = [
  ...workerCounts.map((workers) => ({ workers, check: true })),
  ...(args['count-check-off'] !== 'no' ? workerCounts.map((workers) => ({ workers, check: false })) : []),
];
/** The DuckDB runs of each size: every thread count, with the count check and (--count-check-off) without. */
const duckdbVariants: Array<{ threads: number; check: boolean }> = args['no-duckdb']
  ? []
  : args['duckdb-threads'].split(',').map(Number).flatMap((threads) => [{ threads, check: true }, ...(args['count-check-off'] !== 'no' ? [{ threads, check: false }] : [])]);
const duckdbName = (v: { threads: number; check: boolean }): string => `DuckDB, ${v.threads} thread${v.threads > 1 ? 's' : ''}${v.check ? '' : ', count check off'}`;
const variantName = (v: { workers: number; check: boolean }): string => `monitor, ${v.workers} worker${v.workers > 1 ? 's' : ''}${v.check ? '' : ', count check off'}`;
const repeat = Number(args.repeat);
const dir = path.resolve(args.dir);
if (args.separators !== 'compact' && args.separators !== 'python') throw new Error(`bench: --separators ${args.separators}: expected compact or python`);
const genBase = {
  ...DEFAULT_OPTIONS,
  separators: args.separators as GenerateOptions['separators'],
  recordsPerRequest: Number(args['records-per-request']),
  malformedShare: Number(args['malformed-share']),
  labelCoverage: Number(args['label-coverage']),
  seed: Number(args.seed),
};

interface Timed {
  wallSeconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  /** The 1-minute load average when the run started, and the share of the capture in the page cache then. */
  load?: number;
  pageCache?: number | string;
}
interface MonitorRun extends Timed {
  workers: number;
  /** MPM_CHECK_REQUEST_COUNT: whether endpointInput is decoded. */
  checkRequestCount: boolean;
  exitCode: number | null;
  captureSeconds: number;
  groundTruthSeconds: number;
  /**
   * The run after the process has started and loaded its modules (timings_ms.total): what DuckDB's wall time is
   * compared with like for like, since that excludes Node's start-up too.
   */
  runSeconds: number;
  ok: boolean;
  problems: string[];
}
interface DuckdbRun extends Timed {
  /** The whole process's wall time (Node and tsx start-up included); wallSeconds is DuckDB's own work. */
  processWallSeconds: number;
  threads: number;
  checkRequestCount: boolean;
  version: string;
  ok: boolean;
  problems: string[];
}
interface SizeResult {
  sizeMb: number;
  manifest: Omit<Manifest, 'confusion'>;
  floor: Timed & { predictions: number };
  /** The same files read in 1 MB chunks, nothing else. */
  rawRead?: Timed;
  /** Share of the capture's bytes in the page cache before the size's runs (fincore), or why it is unknown. */
  pageCache: number | string;
  monitor: MonitorRun[];
  duckdb: DuckdbRun[];
  pandas?: Timed & { accuracy: number; joined: number };
  pandasSkipped?: string;
  /** --store: the prediction store's bytes per record and the hour judged from it (scripts/bench/store-bench.ts). */
  store?: StoreBenchResult;
  load: number[];
}

const mb = (bytes: number): number => bytes / 1e6;
const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Runs a command; resolves with stdout, exit code and the wall time. */
function runProcess(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string; wallSeconds: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, wallSeconds: (performance.now() - t0) / 1000 }));
  });
}

function best<T extends { wallSeconds: number }>(runs: T[]): T {
  return runs.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));
}

function freeMb(at: string): number {
  mkdirSync(at, { recursive: true });
  const s = statfsSync(at);
  return (s.bavail * s.bsize) / 1e6;
}

function monitorCommand(): string[] {
  const preload = ['--import', path.join(ROOT, 'scripts/bench/rusage-preload.mjs')];
  if (args.runner === 'tsx') return [...preload, '--import', 'tsx', path.join(ROOT, 'monitor/cli.ts')];
  return [...preload, path.join(ROOT, '.bench/dist/monitor/cli.js')];
}

function buildMonitor(): void {
  if (args.runner !== 'dist') return;
  log('building the monitor into .bench/dist (tsc -p tsconfig.build.json, then the bundle, as npm run build) ...');
  buildDist(ROOT, '.bench/dist');
}

async function runFloor(captureDir: string): Promise<Timed & { predictions: number }> {
  const r = await runProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench/parse-floor.ts'), captureDir]);
  if (r.code !== 0) throw new Error(`bench: the parse floor failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Timed & { predictions: number };
}

async function runRawRead(captureDir: string): Promise<Timed> {
  const r = await runProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench/raw-read.ts'), captureDir]);
  if (r.code !== 0) throw new Error(`bench: the raw read failed:\n${r.stderr}`);
  // Wall time as the process measured it: the read itself, without Node's start-up.
  return JSON.parse(r.stdout) as Timed;
}

/** The same canonical form of a confusion matrix for every comparison with the manifest. */
const canonConfusion = (m: Record<string, Record<string, number>> | undefined): string =>
  JSON.stringify(Object.keys(m ?? {}).sort().map((a) => [a, Object.keys(m![a]!).sort().map((p) => [p, m![a]![p]])]));

async function runDuckdb(manifest: Manifest, threads: number, check: boolean): Promise<DuckdbRun> {
  const r = await runProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench/duckdb-run.ts'), manifest.captureDir, manifest.groundTruthDir, '--threads', String(threads), '--count-check', check ? 'on' : 'off']);
  if (r.code !== 0) return { threads, checkRequestCount: check, version: '', wallSeconds: NaN, processWallSeconds: NaN, cpuSeconds: NaN, maxRssMb: NaN, ok: false, problems: [`exit code ${r.code}: ${r.stderr.slice(-2000)}`] };
  const out = JSON.parse(r.stdout) as { version: string; threads: number; wallSeconds: number; cpuSeconds: number; maxRssMb: number; joined: number; confusion: Record<string, Record<string, number>> };
  const problems: string[] = [];
  if (out.threads !== threads) problems.push(`DuckDB ran with ${out.threads} threads, not ${threads}`);
  if (out.joined !== manifest.joined) problems.push(`joined ${out.joined}, generator ${manifest.joined}`);
  if (canonConfusion(out.confusion) !== canonConfusion(manifest.confusion)) problems.push(`confusion matrix ${JSON.stringify(out.confusion)} differs from the generator's`);
  // Wall time of the DuckDB work alone (instance, query, result), without Node's and tsx's start-up: what the duckdb
  // command-line tool would take. The monitor's wall time includes its start-up, so the comparison favours DuckDB.
  return { threads, checkRequestCount: check, version: out.version, wallSeconds: out.wallSeconds, processWallSeconds: r.wallSeconds, cpuSeconds: out.cpuSeconds, maxRssMb: out.maxRssMb, ok: problems.length === 0, problems };
}

/** Share of the files' bytes resident in the page cache (util-linux fincore), or why it is unknown. */
function pageCacheShare(captureDir: string): number | string {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl')) files.push(p);
    }
  };
  walk(captureDir);
  const r = spawnSync('fincore', ['--bytes', '--noheadings', '--raw', '--output', 'RES,SIZE', ...files], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'unknown (fincore from util-linux is not available)';
  let resident = 0;
  let size = 0;
  for (const line of r.stdout.trim().split('\n')) {
    const [res, total] = line.trim().split(/\s+/).map(Number);
    resident += res ?? 0;
    size += total ?? 0;
  }
  return size === 0 ? 'unknown (no files)' : resident / size;
}

/** Compares the monitor's statistics with the generator's manifest; returns the differences. */
function checkStatistics(outDir: string, manifest: Manifest): string[] {
  const problems: string[] = [];
  const statsFile = path.join(outDir, 'statistics.json');
  if (!existsSync(statsFile)) return ['no statistics.json was written'];
  const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as { dataset: { item_count: number }; multiclass_classification_metrics?: { confusion_matrix?: unknown } };
  if (stats.dataset.item_count !== manifest.joined) problems.push(`item_count ${stats.dataset.item_count}, generator ${manifest.joined}`);
  const got = stats.multiclass_classification_metrics?.confusion_matrix as Record<string, Record<string, number>> | undefined;
  if (canonConfusion(got) !== canonConfusion(manifest.confusion)) problems.push(`confusion_matrix ${JSON.stringify(got)} differs from the generator's ${JSON.stringify(manifest.confusion)}`);
  const report = JSON.parse(readFileSync(path.join(outDir, 'monitoring_report.json'), 'utf8')) as { capture: { lines: number; predictions: number } };
  if (report.capture.lines !== manifest.lines) problems.push(`capture lines ${report.capture.lines}, generator ${manifest.lines}`);
  if (report.capture.predictions !== manifest.predictions) problems.push(`capture predictions ${report.capture.predictions}, generator ${manifest.predictions}`);
  return problems;
}

async function runMonitor(data: string, manifest: Manifest, workers: number, checkRequestCount = true): Promise<MonitorRun> {
  const out = path.join(dir, 'out');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const jobConfig = path.join(out, 'processingjobconfig.json');
  writeFileSync(jobConfig, '{}');
  const rusageFile = path.join(dir, 'rusage.json');
  rmSync(rusageFile, { force: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    MPM_BENCH_RUSAGE_FILE: rusageFile,
    MPM_WORKERS: String(workers),
    MPM_CHECK_REQUEST_COUNT: checkRequestCount ? 'Enabled' : 'Disabled',
    MPM_LOG_LEVEL: 'warn',
    problem_type: 'MulticlassClassification',
    dataset_source: manifest.captureDir,
    ground_truth_source: manifest.groundTruthDir,
    output_path: path.join(out, 'report'),
    sagemaker_endpoint_name: manifest.options.endpoint,
    start_time: manifest.startTime,
    end_time: manifest.endTime,
    MPM_JOB_CONFIG_FILE: jobConfig,
    MPM_MESSAGE_FILE: path.join(out, 'message'),
    CLOUDWATCH_METRICS_DIRECTORY: path.join(out, 'cloudwatch'),
    baseline_constraints: '',
  };
  const r = await runProcess(process.execPath, monitorCommand(), env);
  const usage = existsSync(rusageFile) ? (JSON.parse(readFileSync(rusageFile, 'utf8')) as { userSeconds: number; systemSeconds: number; maxRssMb: number }) : undefined;
  const problems = r.code === 0 ? checkStatistics(path.join(out, 'report'), manifest) : [`exit code ${r.code}: ${r.stderr.slice(-2000)}`];
  let timings: Record<string, number> = {};
  const reportFile = path.join(out, 'report', 'monitoring_report.json');
  if (existsSync(reportFile)) timings = (JSON.parse(readFileSync(reportFile, 'utf8')) as { timings_ms: Record<string, number> }).timings_ms;
  void data;
  return {
    workers,
    checkRequestCount,
    exitCode: r.code,
    wallSeconds: r.wallSeconds,
    cpuSeconds: usage ? usage.userSeconds + usage.systemSeconds : NaN,
    maxRssMb: usage?.maxRssMb ?? NaN,
    captureSeconds: (timings.capture_and_join ?? NaN) / 1000,
    groundTruthSeconds: (timings.ground_truth ?? NaN) / 1000,
    runSeconds: (timings.total ?? NaN) / 1000,
    ok: problems.length === 0,
    problems,
  };
}

function pandasAvailable(): string | undefined {
  if (args['no-pandas']) return 'skipped: --no-pandas';
  if (!existsSync(PYTHON)) return `skipped: ${PYTHON} is not installed`;
  const r = spawnSync(PYTHON, ['-c', 'import pandas'], { encoding: 'utf8' });
  if (r.status !== 0) return `skipped: ${PYTHON} has no pandas (apt-get install python3-pandas)`;
  return undefined;
}

async function runPandas(manifest: Manifest): Promise<Timed & { accuracy: number; joined: number }> {
  const r = await runProcess(PYTHON, [path.join(ROOT, 'scripts/bench/pandas_seed.py'), manifest.captureDir, manifest.groundTruthDir]);
  if (r.code !== 0) throw new Error(`bench: pandas failed:\n${r.stderr.slice(-3000)}`);
  const out = JSON.parse(r.stdout) as { cpuSeconds: number; maxRssMb: number; accuracy: number; joined: number };
  return { wallSeconds: r.wallSeconds, cpuSeconds: out.cpuSeconds, maxRssMb: out.maxRssMb, accuracy: out.accuracy, joined: out.joined };
}

function prepare(sizeMb: number, extraLabels = 0): Manifest {
  const suffix = genBase.separators === 'python' ? '-python' : '';
  const out = path.join(dir, extraLabels > 0 ? `data-${sizeMb}-labels-${extraLabels}${suffix}` : `data-${sizeMb}${suffix}`);
  const options: GenerateOptions = { ...genBase, out, sizeMb, extraLabels };
  const manifestFile = path.join(out, 'manifest.json');
  if (existsSync(manifestFile)) {
    const old = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    const { out: _, ...rest } = options;
    if (JSON.stringify(old.options) === JSON.stringify(rest)) {
      log(`reusing ${out}`);
      return old;
    }
  }
  log(`generating ${sizeMb} MB of capture into ${out} ...`);
  const m = generateCapture(options);
  log(`  ${m.files} files, ${m.lines} lines, ${m.predictions} predictions, ${m.joined} to join, ${m.labelsWritten} labels, in ${fmt(m.seconds)} s (${fmt(mb(m.bytes) / m.seconds, 0)} MB/s)`);
  return m;
}

/** Runs `run`, noting the 1-minute load average and the capture's page-cache share when it started. */
async function measured<T extends Timed>(manifest: Manifest, run: () => Promise<T>): Promise<T> {
  const load = loadavg()[0]!;
  const pageCache = pageCacheShare(manifest.captureDir);
  return { ...(await run()), load, pageCache };
}

/** ", load 1.23, page cache 99.7%" for a run's line. */
function conditions(run: Timed): string {
  const cache = typeof run.pageCache === 'number' ? `${fmt(run.pageCache * 100, 1)}%` : (run.pageCache ?? '?');
  return `load ${run.load === undefined ? '?' : fmt(run.load, 2)}, page cache ${cache}`;
}

const rows: SizeResult[] = [];
const dataQualityRows: DataQualitySize[] = [];
let failed = false;

async function main(): Promise<void> {
  const cpu = cpus()[0]?.model ?? 'unknown';
  log(`machine: ${cpu}, ${availableParallelism()} cores, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
  buildMonitor();
  const pandasSkip = pandasAvailable();
  for (const sizeMb of sizes) {
    const free = freeMb(dir);
    if (free < sizeMb * 1.15 + 200) {
      log(`size ${sizeMb} MB skipped: ${fmt(free, 0)} MB free in ${dir}, it needs about ${fmt(sizeMb * 1.15 + 200, 0)} MB`);
      continue;
    }
    const manifest = prepare(sizeMb);
    const pageCache = pageCacheShare(manifest.captureDir);
    log(`  page cache: ${typeof pageCache === 'number' ? `${fmt(pageCache * 100, 1)}% of the capture's bytes resident` : pageCache}`);
    const load: number[] = [loadavg()[0]!];
    const floors: Array<Timed & { predictions: number }> = [];
    const rawReads: Timed[] = [];
    const runs = new Map<string, MonitorRun[]>();
    const duckRuns = new Map<string, DuckdbRun[]>();
    for (let i = 0; i < repeat; i++) {
      // Each run records the load and the page-cache share it started with (runConditions).
      if (!args['no-raw-read']) {
        rawReads.push(await measured(manifest, () => runRawRead(manifest.captureDir)));
        log(`  raw read: ${fmt(rawReads.at(-1)!.wallSeconds, 2)} s wall, ${fmt(rawReads.at(-1)!.cpuSeconds, 2)} s CPU (${conditions(rawReads.at(-1)!)})`);
      }
      floors.push(await measured(manifest, () => runFloor(manifest.captureDir)));
      log(`  floor: ${fmt(floors.at(-1)!.wallSeconds, 2)} s wall, ${fmt(floors.at(-1)!.cpuSeconds, 2)} s CPU (${conditions(floors.at(-1)!)})`);
      for (const v of duckdbVariants) {
        const run = await measured(manifest, () => runDuckdb(manifest, v.threads, v.check));
        const key = duckdbName(v);
        (duckRuns.get(key) ?? duckRuns.set(key, []).get(key)!).push(run);
        if (run.ok) log(`  ${key} (${run.version}): ${fmt(run.wallSeconds, 2)} s wall, ${fmt(run.cpuSeconds, 2)} s CPU, ${fmt(run.maxRssMb, 0)} MB peak RSS (${conditions(run)})`);
        else log(`  ${key}: FAILED the correctness check (no speed reported):\n    ${run.problems.join('\n    ')}`);
      }
      for (const v of variants) {
        const run = await measured(manifest, () => runMonitor(dir, manifest, v.workers, v.check));
        const key = variantName(v);
        (runs.get(key) ?? runs.set(key, []).get(key)!).push(run);
        if (run.ok) log(`  ${key}: ${fmt(run.wallSeconds, 2)} s wall (${fmt(run.runSeconds, 2)} s after start-up), ${fmt(run.cpuSeconds, 2)} s CPU, capture stage ${fmt(run.captureSeconds, 2)} s, ground truth ${fmt(run.groundTruthSeconds, 2)} s, ${fmt(run.maxRssMb, 0)} MB peak RSS (${conditions(run)})`);
        else log(`  ${key}: FAILED the correctness check (no speed reported):\n    ${run.problems.join('\n    ')}`);
      }
      load.push(loadavg()[0]!);
    }
    const store = args.store ? await runStoreBench({ manifest, dir: path.join(dir, 'store-bench'), command: monitorCommand(), cwd: ROOT }) : undefined;
    if (store) log(storeBenchLines(sizeMb, store, best(floors))[0]!);
    if (!args['no-data-quality']) {
      const dq = await benchDataQuality({ manifest, sizeMb, dir, workerCounts, repeat, monitorCommand: monitorCommand(), log });
      dataQualityRows.push(dq);
      if (dq.runs.some((r) => !r.ok)) failed = true;
    }
    const result: SizeResult = {
      sizeMb,
      manifest: { ...manifest, confusion: undefined } as unknown as SizeResult['manifest'],
      floor: best(floors),
      ...(rawReads.length > 0 ? { rawRead: best(rawReads) } : {}),
      pageCache,
      monitor: variants.map((v) => {
        const all = runs.get(variantName(v))!;
        const bad = all.find((r) => !r.ok);
        return bad ?? best(all);
      }),
      duckdb: duckdbVariants.map((v) => {
        const all = duckRuns.get(duckdbName(v))!;
        return all.find((r) => !r.ok) ?? best(all);
      }),
      ...(store ? { store } : {}),
      load,
    };
    if (result.floor.predictions !== manifest.predictions) throw new Error(`bench: the parse floor counted ${result.floor.predictions} predictions, generator ${manifest.predictions}`);
    if (pandasSkip) result.pandasSkipped = pandasSkip;
    else if (sizeMb > Number(args['pandas-max-mb'])) result.pandasSkipped = `skipped: ${sizeMb} MB is above --pandas-max-mb ${args['pandas-max-mb']}`;
    else {
      log('  pandas ...');
      result.pandas = await runPandas(manifest);
      if (result.pandas.joined !== manifest.joined) throw new Error(`bench: pandas joined ${result.pandas.joined} records, generator ${manifest.joined}`);
      log(`  pandas: ${fmt(result.pandas.wallSeconds, 1)} s wall, ${fmt(result.pandas.maxRssMb, 0)} MB peak RSS`);
    }
    rows.push(result);
    if (result.monitor.some((r) => !r.ok) || result.duckdb.some((r) => !r.ok) || store?.ok === false) failed = true;
    if (!args.keep) rmSync(path.dirname(manifest.captureDir), { recursive: true, force: true });
  }

  const memoryLabels = Number(args['memory-labels']);
  let memory: { labels: number; baseRssMb: number; rssMb: number; bytesPerLabel: number } | undefined;
  if (memoryLabels > 0) {
    // The join state: the same small capture with and without memoryLabels extra ground-truth labels.
    const small = sizes[0]!;
    const base = prepare(small);
    const withLabels = prepare(small, memoryLabels);
    const a = await runMonitor(dir, base, 1);
    const b = await runMonitor(dir, withLabels, 1);
    if (!a.ok || !b.ok) {
      failed = true;
      log(`memory run FAILED the correctness check:\n    ${[...a.problems, ...b.problems].join('\n    ')}`);
    } else {
      memory = { labels: memoryLabels, baseRssMb: a.maxRssMb, rssMb: b.maxRssMb, bytesPerLabel: ((b.maxRssMb - a.maxRssMb) * 1024 * 1024) / memoryLabels };
    }
    if (!args.keep) for (const m of [base, withLabels]) rmSync(path.dirname(m.captureDir), { recursive: true, force: true });
  }

  printReport(memory);
  if (dataQualityRows.length > 0) process.stdout.write(`\n${dataQualityReport(dataQualityRows)}\n`);
  const resultsFile = path.join(ROOT, '.bench', `results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, JSON.stringify({ machine: { cpu, cores: availableParallelism(), node: process.version }, args, rows, memory, dataQuality: dataQualityRows }, null, 2));
  log(`results: ${resultsFile}`);
  if (failed) {
    log('bench: FAILED: a run\'s statistics differ from what the generator wrote (see above)');
    process.exitCode = 1;
  }
}

function printReport(memory: { labels: number; baseRssMb: number; rssMb: number; bytesPerLabel: number } | undefined): void {
  const out: string[] = [];
  out.push('| capture MB | lines | predictions | run | wall s | CPU s | MB/s | MB/CPU-s | predictions/s | capture stage s | capture stage MB/s | peak RSS MB | ratio to floor (wall) | ratio to floor (capture stage) | ratio to floor (CPU) | load, page cache |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const m = r.manifest;
    const size = mb(m.bytes);
    const f = r.floor;
    out.push(`| ${fmt(size, 0)} | ${m.lines} | ${m.predictions} | parse floor | ${fmt(f.wallSeconds, 2)} | ${fmt(f.cpuSeconds, 2)} | ${fmt(size / f.wallSeconds, 0)} | ${fmt(size / f.cpuSeconds, 0)} | ${fmt(m.predictions / f.wallSeconds / 1e6, 2)} M | - | - | ${fmt(f.maxRssMb, 0)} | 1 | 1 | 1 | ${conditions(f)} |`);
    if (r.rawRead) {
      const x = r.rawRead;
      out.push(`| ${fmt(size, 0)} | ${m.lines} | ${m.predictions} | raw read (ceiling) | ${fmt(x.wallSeconds, 2)} | ${fmt(x.cpuSeconds, 2)} | ${fmt(size / x.wallSeconds, 0)} | ${fmt(size / x.cpuSeconds, 0)} | - | - | - | ${fmt(x.maxRssMb, 0)} | ${fmt(f.wallSeconds / x.wallSeconds, 2)} | - | ${fmt(f.cpuSeconds / x.cpuSeconds, 2)} | ${conditions(x)} |`);
    }
    for (const run of r.duckdb) {
      const name = `${duckdbName({ threads: run.threads, check: run.checkRequestCount })}${run.version ? ` (${run.version})` : ''}`;
      if (!run.ok) {
        out.push(`| ${fmt(size, 0)} | ${m.lines} | ${m.predictions} | ${name} | FAILED: confusion matrix differs from the generator's | | | | | | | | | | |`);
        continue;
      }
      out.push(
        `| ${fmt(size, 0)} | ${m.lines} | ${m.predictions} | ${name} | ${fmt(run.wallSeconds, 2)} | ${fmt(run.cpuSeconds, 2)} | ${fmt(size / run.wallSeconds, 0)} | ${fmt(size / run.cpuSeconds, 0)} | ` +
          `${fmt(m.predictions / run.wallSeconds / 1e6, 2)} M | - | - | ${fmt(run.maxRssMb, 0)} | ${fmt(f.wallSeconds / run.wallSeconds, 2)} | - | ${fmt(f.cpuSeconds / run.cpuSeconds, 2)} | ${conditions(run)} |`,
      );
    }
    for (const run of r.monitor) {
      const name = variantName({ workers: run.workers, check: run.checkRequestCount });
      if (!run.ok) {
        out.push(`| ${fmt(size, 0)} | ${m.lines} | ${m.predictions} | ${name} | FAILED: statistics differ from the generator's | | | | | | | | | | |`);
        continue;
      }
      out.push(
        `| ${fmt(size, 0)} | ${m.lines} | ${m.predictions} | ${name} | ${fmt(run.wallSeconds, 2)} | ${fmt(run.cpuSeconds, 2)} | ${fmt(size / run.wallSeconds, 0)} | ${fmt(size / run.cpuSeconds, 0)} | ` +
          `${fmt(m.predictions / run.wallSeconds / 1e6, 2)} M | ${fmt(run.captureSeconds, 2)} | ${fmt(size / run.captureSeconds, 0)} | ${fmt(run.maxRssMb, 0)} | ${fmt(f.wallSeconds / run.wallSeconds, 2)} | ${fmt(f.wallSeconds / run.captureSeconds, 2)} | ${fmt(f.cpuSeconds / run.cpuSeconds, 2)} | ${conditions(run)} |`,
      );
    }
    if (r.pandas) {
      const p = r.pandas;
      const one = r.monitor.find((x) => x.workers === 1 && x.checkRequestCount && x.ok);
      out.push(
        `| ${fmt(size, 0)} | ${m.lines} | ${m.predictions} | pandas (seed's algorithm) | ${fmt(p.wallSeconds, 2)} | ${fmt(p.cpuSeconds, 2)} | ${fmt(size / p.wallSeconds, 0)} | ${fmt(size / p.cpuSeconds, 0)} | ` +
          `${fmt(m.predictions / p.wallSeconds / 1e6, 2)} M | - | - | ${fmt(p.maxRssMb, 0)} | ${fmt(f.wallSeconds / p.wallSeconds, 2)} | - | ${fmt(f.cpuSeconds / p.cpuSeconds, 2)} |` +
          (one ? ` monitor (1 worker) is ${fmt(p.wallSeconds / one.wallSeconds, 1)}x faster |` : ''),
      );
    } else out.push(`| ${fmt(size, 0)} | | | pandas | ${r.pandasSkipped} | | | | | | | | | | |`);
  }
  out.push('');
  out.push('Growth (monitor, 1 worker): seconds per GB and peak RSS by size');
  for (const r of rows) {
    const run = r.monitor.find((x) => x.workers === 1 && x.checkRequestCount);
    if (!run?.ok) continue;
    const gb = r.manifest.bytes / 1e9;
    out.push(`  ${fmt(mb(r.manifest.bytes), 0)} MB: ${fmt(run.wallSeconds / gb, 2)} s/GB wall, ${fmt(run.cpuSeconds / gb, 2)} CPU-s/GB, peak RSS ${fmt(run.maxRssMb, 0)} MB, ${r.manifest.joined} joined; load ${r.load.map((l) => fmt(l, 2)).join(' -> ')}`);
  }
  out.push('Two workers against one (wall time ratio):');
  for (const r of rows) {
    for (const check of [true, false]) {
      const a = r.monitor.find((x) => x.workers === 1 && x.checkRequestCount === check);
      const b = r.monitor.find((x) => x.workers === 2 && x.checkRequestCount === check);
      if (a?.ok && b?.ok) out.push(`  ${fmt(mb(r.manifest.bytes), 0)} MB${check ? '' : ', count check off'}: ${fmt(a.wallSeconds / b.wallSeconds, 2)}x (capture stage ${fmt(a.captureSeconds / b.captureSeconds, 2)}x)`);
    }
  }
  out.push('Page cache before each size, and the monitor against DuckDB (wall time ratio, DuckDB / monitor: above 1, the monitor is faster):');
  for (const r of rows) {
    out.push(`  ${fmt(mb(r.manifest.bytes), 0)} MB: page cache ${typeof r.pageCache === 'number' ? `${fmt(r.pageCache * 100, 1)}%` : r.pageCache}; load ${r.load.map((l) => fmt(l, 2)).join(' -> ')}`);
    for (const d of r.duckdb) {
      const m = r.monitor.find((x) => x.workers === d.threads && x.checkRequestCount === d.checkRequestCount);
      if (d.ok && m?.ok) {
        out.push(
          `    ${duckdbName({ threads: d.threads, check: d.checkRequestCount })} ${fmt(d.wallSeconds, 2)} s / monitor with ${d.threads} worker${d.threads > 1 ? 's' : ''} ${fmt(m.wallSeconds, 2)} s = ${fmt(d.wallSeconds / m.wallSeconds, 2)}` +
            `; after start-up on both sides (the monitor's timings_ms.total ${fmt(m.runSeconds, 2)} s) = ${fmt(d.wallSeconds / m.runSeconds, 2)}`,
        );
      }
    }
  }
  if (rows.some((r) => r.store)) out.push('Prediction store (--store; one worker; stage = capture_and_join, or judge_from_store for evaluate):');
  for (const r of rows) if (r.store) out.push(...storeBenchLines(mb(r.manifest.bytes), r.store, r.floor));
  if (memory) {
    out.push(`Join state: ${memory.labels} extra labels add ${fmt(memory.rssMb - memory.baseRssMb, 0)} MB of peak RSS (${fmt(memory.bytesPerLabel, 1)} bytes per label); peak RSS ${fmt(memory.rssMb, 0)} MB with them`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
