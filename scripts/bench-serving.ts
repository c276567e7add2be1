/**
 * @module Serving benchmark (not a test): requests/s and p50/p99 latency of POST /invocations for 1, 5, 50 and 500-record
 * payloads under autocannon on loopback, with the server's memory before and after; then rows/s of the TypeScript
 * evaluator against xgboost's own predictor (Debian's python3-xgboost, when installed) on the same rows.
 *
 *   npx tsx scripts/bench-serving.ts [--duration 10] [--connections 8] [--sizes 1,5,50,500] [--rows 100000] [--soak 3] [--capture]
 *
 * Every load phase is bounded by --duration seconds. The figures go into docs/serving.md by hand, with the machine.
 */

import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
    capture: { type: 'boolean', default: false },
    soak: { type: 'string', default: '3' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const sizes = args.sizes.split(',').map(Number);
const evaluatorRows = Number(args.rows);
const soakRounds = Number(args.soak);

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

async function benchServer(): Promise<string[]> {
  const port = await freePort();
  const captureDir = args.capture ? await mkdtemp(join(tmpdir(), 'mpm-bench-capture-')) : undefined;
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
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`${url}/ping`).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (i > 200) throw new Error('server did not become healthy in 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Warm-up: JIT and heap settle before anything is measured.
    await load(url, payload(50, 1), Math.min(3, duration));
    const lines = [
      '| records/request | requests/s | records/s | p50 ms | p99 ms | errors + non-2xx | server RSS before → after (MiB) |',
      '|---:|---:|---:|---:|---:|---:|---|',
    ];
    for (const size of sizes) {
      const body = payload(size, 1000 + size);
      const before = await rssMiB(child.pid!);
      const r = await load(url, body, duration);
      const after = await rssMiB(child.pid!);
      const failures = r.errors + r.timeouts + r.non2xx;
      lines.push(
        `| ${size} | ${r.requests.average.toFixed(0)} | ${(r.requests.average * size).toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${failures} | ${before.rss.toFixed(0)} → ${after.rss.toFixed(0)} |`,
      );
      process.stderr.write(`  ${size} records/request: done\n`);
    }
    // Memory check: the largest payload again, several times; RSS after each round should level off, not climb.
    const largest = Math.max(...sizes);
    const soak: string[] = [];
    let soakFailures = 0;
    for (let i = 0; i < soakRounds; i++) {
      const r = await load(url, payload(largest, 5000 + i), duration);
      soakFailures += r.errors + r.timeouts + r.non2xx;
      soak.push((await rssMiB(child.pid!)).rss.toFixed(0));
      process.stderr.write(`  soak round ${i + 1}: done\n`);
    }
    const end = await rssMiB(child.pid!);
    lines.push(
      '',
      `Capture ${captureDir ? 'on' : 'off'}. Server RSS after ${soakRounds} more ${duration} s rounds of ${largest}-record requests: ` +
        `${soak.join(' → ')} MiB (errors + non-2xx: ${soakFailures}); peak RSS (VmHWM) ${end.hwm.toFixed(0)} MiB.`,
    );
    return lines;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (captureDir) await rm(captureDir, { recursive: true, force: true });
  }
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
console.log((await benchServer()).join('\n'));
console.log(`\n## Evaluator: ${evaluatorRows.toLocaleString('en-US')} rows, best of 5\n`);
console.log((await benchEvaluator()).join('\n'));
