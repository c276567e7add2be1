/**
 * @module Serving benchmark (not a test): requests/s and p50/p99 latency of POST /invocations for 1, 5, 50 and 500-record
 * payloads under autocannon on loopback, with the server's memory before and after, with capture off, on, or both
 * (alternating, best of --repeat, with the on/off ratio); then rows/s of the TypeScript evaluator against xgboost's own
 * predictor (Debian's python3-xgboost, when installed) on the same rows.
 *
 *   npx tsx scripts/bench-serving.ts [--duration 10] [--connections 8] [--sizes 1,5,50,500] [--rows 100000] [--soak 3]
 *                                    [--capture off|on|both] [--repeat 1] [--skip-evaluator]
 *
 * Every load phase is bounded by --duration seconds. With capture on, the lines on disk after the server's SIGTERM must
 * cover the 2xx answers autocannon counted, plus at most one request per connection and phase (those in flight when a
 * phase ends are answered and captured but not counted by autocannon); else the run fails: the benchmark checks that
 * capture loses nothing under load. The figures go into docs/serving.md and docs/benchmarks.md by hand, with the machine and its load.
 */

import { spawn, spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadModel } from '../serving/model/load-model.ts';
import { predictRows } from '../serving/model/predict.ts';
import { FEATURE_NAMES, generateCovertype } from './covertype/generate.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MODEL_DIR = `${ROOT}demo/model`;
const PYTHON = '/usr/bin/python3';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    sizes: { type: 'string', default: '1,5,50,500' },
    rows: { type: 'string', default: '100000' },
    capture: { type: 'string', default: 'off' },
    repeat: { type: 'string', default: '1' },
    soak: { type: 'string', default: '3' },
    'skip-evaluator': { type: 'boolean', default: false },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const sizes = args.sizes.split(',').map(Number);
const evaluatorRows = Number(args.rows);
const soakRounds = Number(args.soak);
const repeat = Number(args.repeat);
const CAPTURE_MODES = { off: [false], on: [true], both: [false, true] } as const;
if (!(args.capture in CAPTURE_MODES)) throw new Error(`--capture must be off, on or both, not ${JSON.stringify(args.capture)}`);
const captureModes = CAPTURE_MODES[args.capture as keyof typeof CAPTURE_MODES];
if (![duration, connections, evaluatorRows, soakRounds, repeat].every((n) => Number.isFinite(n) && n >= 0) || sizes.some((n) => !(n > 0))) {
  throw new Error('--duration, --connections, --rows, --soak, --repeat must be numbers >= 0 and --sizes positive numbers');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function rssMiB(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** CPU seconds (user + system, all threads) the process has used so far, from /proc/{pid}/stat. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at its closing parenthesis; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function payload(size: number, seed: number): string {
  const { rows } = generateCovertype({ n: size, seed });
  return JSON.stringify(rows.map((r) => Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, r[i]]))));
}

async function load(url: string, body: string, seconds: number) {
  return autocannon({
    url: `${url}/invocations`,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-amzn-sagemaker-inference-id': 'bench' },
    body,
    connections,
    duration: seconds,
  });
}

/** Newlines in every file under dir (streamed). */
async function countLines(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  let lines = 0;
  for (const e of entries.filter((x) => x.isFile())) {
    for await (const chunk of createReadStream(join(e.parentPath, e.name)) as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    }
  }
  return lines;
}

interface SizeResult {
  readonly size: number;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  /** Server CPU milliseconds per answered request: less sensitive to other load on the machine than requests/s. */
  readonly cpuMsPerRequest: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly load: number;
}

interface ServerRun {
  readonly capture: boolean;
  readonly sizes: SizeResult[];
  readonly soak: string[];
  readonly soakFailures: number;
  readonly peakRss: number;
  /** With capture on: lines on disk after shutdown, 2xx answers counted, load phases run. */
  readonly captured?: { readonly lines: number; readonly answers: number; readonly phases: number };
}

async function benchServer(capture: boolean): Promise<ServerRun> {
  const port = await freePort();
  const captureDir = capture ? await mkdtemp(join(tmpdir(), 'mpm-bench-capture-')) : undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', 'serving/server.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      SM_MODEL_DIR: MODEL_DIR,
      SAGEMAKER_BIND_TO_PORT: String(port),
      MPM_BIND_HOST: '127.0.0.1',
      MPM_LOG_LEVEL: 'warn',
      ...(captureDir ? { MPM_CAPTURE_DIR: captureDir } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  let answers = 0;
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`${url}/ping`).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (i > 200) throw new Error('server did not become healthy in 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Warm-up: JIT and heap settle before anything is measured.
    answers += (await load(url, payload(50, 1), Math.min(3, duration)))['2xx'];
    const results: SizeResult[] = [];
    for (const size of sizes) {
      const body = payload(size, 1000 + size);
      const before = await rssMiB(child.pid!);
      const loadBefore = loadavg()[0]!;
      const cpuBefore = await cpuSeconds(child.pid!);
      const r = await load(url, body, duration);
      const cpu = (await cpuSeconds(child.pid!)) - cpuBefore;
      answers += r['2xx'];
      const after = await rssMiB(child.pid!);
      results.push({
        size,
        requestsPerSecond: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        failures: r.errors + r.timeouts + r.non2xx,
        cpuMsPerRequest: (cpu * 1000) / Math.max(1, r['2xx']),
        rssBefore: before.rss,
        rssAfter: after.rss,
        load: Math.max(loadBefore, loadavg()[0]!),
      });
      process.stderr.write(`  capture ${capture ? 'on' : 'off'}, ${size} records/request: ${r.requests.average.toFixed(0)} requests/s\n`);
    }
    // Memory check: the largest payload again, several times; RSS after each round should level off, not climb.
    const largest = Math.max(...sizes);
    const soak: string[] = [];
    let soakFailures = 0;
    for (let i = 0; i < soakRounds; i++) {
      const r = await load(url, payload(largest, 5000 + i), duration);
      answers += r['2xx'];
      soakFailures += r.errors + r.timeouts + r.non2xx;
      soak.push((await rssMiB(child.pid!)).rss.toFixed(0));
      process.stderr.write(`  soak round ${i + 1}: done\n`);
    }
    const end = await rssMiB(child.pid!);
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`server exited ${code} after SIGTERM`);
    const phases = 1 + sizes.length + soakRounds;
    const captured = captureDir ? { lines: await countLines(captureDir), answers, phases } : undefined;
    return { capture, sizes: results, soak, soakFailures, peakRss: end.hwm, ...(captured ? { captured } : {}) };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    if (captureDir) await rm(captureDir, { recursive: true, force: true });
  }
}

function serverTable(runs: ServerRun[]): string[] {
  const lines: string[] = [];
  const modes = [...new Set(runs.map((r) => r.capture))];
  const best = new Map<string, SizeResult>();
  const leastCpu = new Map<string, number>();
  for (const run of runs) {
    for (const s of run.sizes) {
      const key = `${run.capture}:${s.size}`;
      const seen = best.get(key);
      if (!seen || s.requestsPerSecond > seen.requestsPerSecond) best.set(key, s);
      leastCpu.set(key, Math.min(leastCpu.get(key) ?? Infinity, s.cpuMsPerRequest));
    }
  }
  lines.push(
    `Best of ${repeat} run${repeat === 1 ? '' : 's'} per capture mode${modes.length > 1 ? ' (runs alternate off, on)' : ''}: the row of the run with the most ` +
      'requests/s, except server CPU ms/request, the least of any run (CPU time of the server process, all threads, over the ' +
      'answered requests). load = 1-minute load average (the higher of before and after the phase).',
    '',
    '| capture | records/request | requests/s | records/s | p50 ms | p99 ms | errors + non-2xx | server CPU ms/request | server RSS before → after (MiB) | load |' +
      (modes.length > 1 ? ' on/off requests/s | on/off CPU ms/request |' : ''),
    '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|' + (modes.length > 1 ? '---:|---:|' : ''),
  );
  for (const capture of modes) {
    for (const size of sizes) {
      const s = best.get(`${capture}:${size}`)!;
      const off = best.get(`false:${size}`);
      const cpu = leastCpu.get(`${capture}:${size}`)!;
      const offCpu = leastCpu.get(`false:${size}`)!;
      const ratio =
        modes.length > 1
          ? ` ${capture && off ? (s.requestsPerSecond / off.requestsPerSecond).toFixed(2) : ''} | ${capture && off ? (cpu / offCpu).toFixed(2) : ''} |`
          : '';
      lines.push(
        `| ${capture ? 'on' : 'off'} | ${size} | ${s.requestsPerSecond.toFixed(0)} | ${(s.requestsPerSecond * size).toFixed(0)} | ${s.p50} | ${s.p99} | ${s.failures} | ${cpu.toFixed(3)} | ` +
          `${s.rssBefore.toFixed(0)} → ${s.rssAfter.toFixed(0)} | ${s.load.toFixed(1)} |${ratio}`,
      );
    }
  }
  lines.push('');
  const largest = Math.max(...sizes);
  for (const [i, run] of runs.entries()) {
    const c = run.captured;
    lines.push(
      `- run ${i + 1}, capture ${run.capture ? 'on' : 'off'}: requests/s ${run.sizes.map((s) => `${s.size}: ${s.requestsPerSecond.toFixed(0)}`).join(', ')}; ` +
        `RSS after ${run.soak.length} more ${duration} s rounds of ${largest}-record requests ${run.soak.join(' → ') || 'n/a'} MiB ` +
        `(errors + non-2xx ${run.soakFailures}), peak RSS (VmHWM) ${run.peakRss.toFixed(0)} MiB` +
        (c ? `; ${c.lines} lines captured for ${c.answers} answers` : '') +
        '.',
    );
  }
  return lines;
}

async function benchEvaluator(): Promise<string[]> {
  const { model } = await loadModel(MODEL_DIR);
  const { rows } = generateCovertype({ n: evaluatorRows, seed: 7, drift: 0.5 });
  const values = new Float32Array(rows.length * FEATURE_NAMES.length);
  rows.forEach((r, i) => values.set(r, i * FEATURE_NAMES.length));
  const matrix = { values, numRows: rows.length };
  predictRows(model, { values: values.subarray(0, 1000 * 54), numRows: 1000 }); // warm-up
  const times: number[] = [];
  let outputs: Float32Array = new Float32Array();
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    outputs = predictRows(model, matrix).outputs;
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const best = Math.min(...times);
  const lines = [
    '| predictor | threads | rows/s |',
    '|---|---:|---:|',
    `| mpm TypeScript evaluator (predictRows) | 1 | ${Math.round(rows.length / best).toLocaleString('en-US')} |`,
  ];

  const check = spawnSync(PYTHON, ['-c', 'import xgboost'], { encoding: 'utf8' });
  if (check.status !== 0) {
    lines.push('', `xgboost's predictor not measured: ${PYTHON} cannot import xgboost (apt-get install python3-xgboost).`);
    return lines;
  }
  const dir = await mkdtemp(join(tmpdir(), 'mpm-bench-'));
  try {
    await writeFile(join(dir, 'rows.f32'), Buffer.from(values.buffer));
    const script = `
import json, sys, time
import numpy as np, xgboost as xgb
x = np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, 54)
b = xgb.Booster(model_file=sys.argv[2])
out = {}
for threads in (1, 2):
    b.set_param({"nthread": threads})
    b.inplace_predict(x[:1000])
    times, times_inplace = [], []
    for _ in range(5):
        # A new DMatrix each time: predict() caches its result per DMatrix.
        dm = xgb.DMatrix(x, feature_names=b.feature_names, nthread=threads)
        t0 = time.perf_counter(); b.predict(dm); times.append(time.perf_counter() - t0)
        t0 = time.perf_counter(); b.inplace_predict(x); times_inplace.append(time.perf_counter() - t0)
    out[threads] = {"predict": len(x) / min(times), "inplace": len(x) / min(times_inplace)}
np.save(sys.argv[3], b.predict(xgb.DMatrix(x, feature_names=b.feature_names)))
print(json.dumps({"version": xgb.__version__, "rows_per_s": out}))
`;
    const result = spawnSync(PYTHON, ['-c', script, join(dir, 'rows.f32'), `${MODEL_DIR}/xgboost-model.json`, join(dir, 'pred.npy')], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`xgboost benchmark failed: ${result.stderr}`);
    const py = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    for (const threads of ['1', '2']) {
      lines.push(`| xgboost ${py.version} Booster.predict (DMatrix built beforehand) | ${threads} | ${Math.round(py.rows_per_s[threads].predict).toLocaleString('en-US')} |`);
      lines.push(`| xgboost ${py.version} Booster.inplace_predict (numpy) | ${threads} | ${Math.round(py.rows_per_s[threads].inplace).toLocaleString('en-US')} |`);
    }
    const npy = await readFile(join(dir, 'pred.npy'));
    const headerLength = npy.readUInt16LE(8);
    const theirs = new Float32Array(npy.buffer.slice(npy.byteOffset + 10 + headerLength, npy.byteOffset + npy.byteLength));
    let worst = 0;
    for (let i = 0; i < outputs.length; i++) worst = Math.max(worst, Math.abs(outputs[i]! - theirs[i]!));
    lines.push('', `Largest difference from xgboost on these ${rows.length.toLocaleString('en-US')} rows × 7 classes: ${worst}.`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return lines;
}

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, load average at start ${loadavg()[0]!.toFixed(1)}`;
console.log(`# mpm serving benchmark\n\n${machine}; demo model (7 classes, 350 trees, depth 5).\n`);
console.log(`## HTTP: POST /invocations, JSON records in and out, ${connections} connections, ${duration} s per size\n`);
const runs: ServerRun[] = [];
for (let i = 0; i < repeat; i++) for (const capture of captureModes) runs.push(await benchServer(capture));
console.log(serverTable(runs).join('\n'));
const lost = runs.filter(({ captured: c }) => c && (c.lines < c.answers || c.lines > c.answers + c.phases * connections));
if (lost.length > 0) {
  const what = lost.map(({ captured: c }) => `${c!.lines} lines for ${c!.answers} answers in ${c!.phases} phases`);
  console.error(`capture lost or duplicated lines: ${what.join('; ')}`);
  process.exitCode = 1;
}
if (!args['skip-evaluator']) {
  console.log(`\n## Evaluator: ${evaluatorRows.toLocaleString('en-US')} rows, best of 5\n`);
  console.log((await benchEvaluator()).join('\n'));
}
