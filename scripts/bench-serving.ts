/**
 * @module Serving benchmark (not a test): requests/s and p50/p99 latency of POST /invocations for 1, 5, 50 and 500-record
 * payloads under autocannon on loopback, with the server's memory before and after, with capture off, on, or both
 * (alternating, best of --repeat, with the on/off ratio); then rows/s of the TypeScript evaluator against xgboost's own
 * predictor (Debian's python3-xgboost, when installed) on the same rows.
 *
 *   npx tsx scripts/bench-serving.ts [--duration 10] [--connections 8] [--sizes 1,5,50,500] [--rows 100000] [--soak 3]
 *                                    [--capture off|on|both] [--repeat 1] [--skip-evaluator]
 *
 * With `--capture both`, two servers run side by side (capture off, capture on) and each size's phases alternate
 * between them, --repeat times each: the on/off ratio is then taken round by round, so a load that changes on a
 * shared machine hits both sides alike.
 *
 * Every load phase is bounded by --duration seconds. With capture on, the lines on disk after the server's SIGTERM must
 * cover the 2xx answers autocannon counted, plus at most one request per connection and phase (those in flight when a
 * phase ends are answered and captured but not counted by autocannon); else the run fails: the benchmark checks that
 * capture loses nothing under load. The figures go into docs/serving.md and docs/benchmarks.md by hand, with the
 * machine and its load.
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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
import { servingPayload } from './bench/serving-payload.ts';
import { SERVING_NODE_FLAGS } from '../serving/node-flags.ts';

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

/**
 * CPU seconds (user + system) the process has used so far, all threads, from /proc/{pid}/stat; with `mainThread`, its
 * main thread's alone (/proc/{pid}/task/{pid}/stat): the thread that answers requests, whose time bounds the requests/s
 * when the machine has a core for everything else (the load generator, the capture's escaping and writing threads).
 */
async function cpuSeconds(pid: number, mainThread = false): Promise<number> {
  const stat = await readFile(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at its closing parenthesis; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;


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
  /** The same, of the server's main thread alone. */
  readonly mainCpuMsPerRequest: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly load: number;
}

/** A spawned server and what was sent to it. */
interface BenchServer {
  readonly capture: boolean;
  readonly child: ChildProcess;
  readonly url: string;
  readonly captureDir: string | undefined;
  readonly exited: Promise<number | null>;
  answers: number;
  phases: number;
}

async function startBenchServer(capture: boolean): Promise<BenchServer> {
  const port = await freePort();
  const captureDir = capture ? await mkdtemp(join(tmpdir(), 'mpm-bench-capture-')) : undefined;
  const child = spawn(process.execPath, [...SERVING_NODE_FLAGS, '--import', 'tsx', 'serving/server.ts', 'serve'], {
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
  const server: BenchServer = { capture, child, url: `http://127.0.0.1:${port}`, captureDir, exited, answers: 0, phases: 0 };
  for (let i = 0; ; i++) {
    const ok = await fetch(`${server.url}/ping`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (i > 200 || child.exitCode !== null) throw new Error('server did not become healthy in 20 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return server;
}

/** One load phase of `seconds` against a server. */
async function phase(server: BenchServer, size: number, body: string, seconds: number): Promise<SizeResult> {
  const pid = server.child.pid!;
  const before = await rssMiB(pid);
  const loadBefore = loadavg()[0]!;
  const cpuBefore = await cpuSeconds(pid);
  const mainBefore = await cpuSeconds(pid, true);
  const r = await load(server.url, body, seconds);
  const cpu = (await cpuSeconds(pid)) - cpuBefore;
  const main = (await cpuSeconds(pid, true)) - mainBefore;
  server.answers += r['2xx'];
  server.phases++;
  const after = await rssMiB(pid);
  return {
    size,
    requestsPerSecond: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    failures: r.errors + r.timeouts + r.non2xx,
    cpuMsPerRequest: (cpu * 1000) / Math.max(1, r['2xx']),
    mainCpuMsPerRequest: (main * 1000) / Math.max(1, r['2xx']),
    rssBefore: before.rss,
    rssAfter: after.rss,
    load: Math.max(loadBefore, loadavg()[0]!),
  };
}

/** SIGTERM, exit 0 expected; with capture, the lines on disk against the answers counted. */
async function stopBenchServer(server: BenchServer): Promise<{ peakRss: number; captured?: { lines: number; answers: number; phases: number } }> {
  try {
    const { hwm } = await rssMiB(server.child.pid!);
    server.child.kill('SIGTERM');
    const code = await server.exited;
    if (code !== 0) throw new Error(`server exited ${code} after SIGTERM`);
    if (!server.captureDir) return { peakRss: hwm };
    return { peakRss: hwm, captured: { lines: await countLines(server.captureDir), answers: server.answers, phases: server.phases } };
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    if (server.captureDir) await rm(server.captureDir, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Both capture modes run at once (one server each, started together); for each size the phases alternate between
 * them (off, on, then on, off, ...), so a change in the machine's load hits both alike. Returns the table's lines.
 */
async function benchServers(): Promise<{ lines: string[]; lost: string[] }> {
  const servers = await Promise.all(captureModes.map((capture) => startBenchServer(capture)));
  const results = new Map<BenchServer, SizeResult[]>(servers.map((s) => [s, []]));
  const soak = new Map<BenchServer, string[]>(servers.map((s) => [s, []]));
  const stops: Awaited<ReturnType<typeof stopBenchServer>>[] = [];
  const name = (s: BenchServer) => `capture ${s.capture ? 'on' : 'off'}`;
  try {
    // Warm-up: JIT and heap settle before anything is measured.
    for (const s of servers) await phase(s, 50, servingPayload(50, 1), Math.min(3, duration));
    for (const size of sizes) {
      const body = servingPayload(size, 1000 + size);
      for (let r = 0; r < repeat; r++) {
        for (const s of r % 2 === 0 ? servers : [...servers].reverse()) {
          const result = await phase(s, size, body, duration);
          results.get(s)!.push(result);
          process.stderr.write(`  ${name(s)}, ${size} records/request, round ${r + 1}: ${result.requestsPerSecond.toFixed(0)} requests/s, load ${result.load.toFixed(1)}\n`);
        }
      }
    }
    // Memory check: the largest payload again, several times; RSS after each round should level off, not climb.
    const largest = Math.max(...sizes);
    for (let i = 0; i < soakRounds; i++) {
      for (const s of servers) {
        const r = await phase(s, largest, servingPayload(largest, 5000 + i), duration);
        soak.get(s)!.push(`${r.rssAfter.toFixed(0)}${r.failures ? ` (${r.failures} failed)` : ''}`);
      }
    }
  } finally {
    for (const s of servers) stops.push(await stopBenchServer(s));
  }

  const off = servers.find((s) => !s.capture);
  const both = servers.length > 1;
  const lines = [
    `${repeat} phase${repeat === 1 ? '' : 's'} of ${duration} s per size and capture mode${both ? ', alternating between a server with capture off and one with capture on, both running' : ''}. ` +
      'requests/s: best and median of the phases (p50/p99, failures and RSS from the best phase); server CPU ms/request: the least ' +
      '(CPU time of the server process, all threads, over the answered requests); main-thread CPU ms/request: the same for the ' +
      "server's main thread alone (the thread that answers; off/on of it is the requests/s ratio a machine with a core to spare would see)" +
      (both ? '; on/off: the median over rounds of (on / off) in the same round, and best on / best off' : '') +
      '; load: the highest 1-minute load average seen during those phases.',
    '',
    '| capture | records/request | requests/s best | requests/s median | records/s (best) | p50 ms | p99 ms | errors + non-2xx | server CPU ms/request | main-thread CPU ms/request | RSS before → after (MiB) | load |' +
      (both ? ' on/off requests/s, paired median | on/off best | on/off CPU ms/request | off/on main-thread CPU |' : ''),
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|' + (both ? '---:|---:|---:|---:|' : ''),
  ];
  for (const s of servers) {
    for (const size of sizes) {
      const rs = results.get(s)!.filter((r) => r.size === size);
      const best = rs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
      const cpu = Math.min(...rs.map((r) => r.cpuMsPerRequest));
      const mainCpu = Math.min(...rs.map((r) => r.mainCpuMsPerRequest));
      const failures = rs.reduce((n, r) => n + r.failures, 0);
      let ratios = '';
      if (both) {
        const offs = results.get(off!)!.filter((r) => r.size === size);
        const offBest = Math.max(...offs.map((r) => r.requestsPerSecond));
        const offCpu = Math.min(...offs.map((r) => r.cpuMsPerRequest));
        const offMainCpu = Math.min(...offs.map((r) => r.mainCpuMsPerRequest));
        ratios = s.capture
          ? ` ${median(rs.map((r, i) => r.requestsPerSecond / offs[i]!.requestsPerSecond)).toFixed(2)} | ${(best.requestsPerSecond / offBest).toFixed(2)} | ${(cpu / offCpu).toFixed(2)} | ${(offMainCpu / mainCpu).toFixed(2)} |`
          : ' | | | |';
      }
      lines.push(
        `| ${s.capture ? 'on' : 'off'} | ${size} | ${best.requestsPerSecond.toFixed(0)} | ${median(rs.map((r) => r.requestsPerSecond)).toFixed(0)} | ` +
          `${(best.requestsPerSecond * size).toFixed(0)} | ${best.p50} | ${best.p99} | ${failures} | ${cpu.toFixed(3)} | ${mainCpu.toFixed(3)} | ` +
          `${best.rssBefore.toFixed(0)} → ${best.rssAfter.toFixed(0)} | ${Math.max(...rs.map((r) => r.load)).toFixed(1)} |${ratios}`,
      );
    }
  }
  lines.push('');
  const lost: string[] = [];
  for (const [i, s] of servers.entries()) {
    const stop = stops[i]!;
    const c = stop.captured;
    lines.push(
      `- ${name(s)}: RSS after each of ${soakRounds} more ${duration} s rounds of ${Math.max(...sizes)}-record requests: ` +
        `${soak.get(s)!.join(' → ') || 'n/a'} MiB; peak RSS (VmHWM) ${stop.peakRss.toFixed(0)} MiB` +
        (c ? `; ${c.lines} lines captured for ${c.answers} answers counted in ${c.phases} phases` : '') +
        '.',
    );
    if (c && (c.lines < c.answers || c.lines > c.answers + c.phases * connections)) {
      lost.push(`${c.lines} lines for ${c.answers} answers in ${c.phases} phases`);
    }
  }
  return { lines, lost };
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
const { lines, lost } = await benchServers();
console.log(lines.join('\n'));
if (lost.length > 0) {
  console.error(`capture lost or duplicated lines: ${lost.join('; ')}`);
  process.exitCode = 1;
}
if (!args['skip-evaluator']) {
  console.log(`\n## Evaluator: ${evaluatorRows.toLocaleString('en-US')} rows, best of 5\n`);
  console.log((await benchEvaluator()).join('\n'));
}
