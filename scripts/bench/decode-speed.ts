/**
 * @module Micro-benchmark of the capture-line decode: MB/s of today's JSON.parse-based decode (decodeCaptureLine on
 * the line's text) against the byte decode (decodeCaptureLineBytes: request located and scanned in place, in
 * WebAssembly or JavaScript), with the request count check on and off, and of the request scans alone, on bench
 * capture (scripts/bench/generate-capture.ts). Each variant's results are checked to be identical to today's first.
 *
 * The lines are read into memory first (no I/O is timed); variants run in turn, `--rounds` times, and the best and
 * median of each are printed with the CPU time and the load average, so a busy machine shows as such.
 *
 *   npx tsx scripts/bench/decode-speed.ts <capture folder> [--mb 100] [--rounds 7]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeCaptureLineBytes } from '../../monitor/ingest/decode-capture-bytes.ts';
import { decodeCaptureLine, type CaptureLineOptions } from '../../monitor/ingest/decode-capture-line.ts';
import { locateRequest } from '../../monitor/ingest/locate-request.ts';
import { scanJsonRequest, skipJsonString } from '../../monitor/ingest/request-scan.ts';
import { setRequestScanEngine, wasmScanJsonRequest, wasmSkipJsonString } from '../../monitor/ingest/request-scan-wasm.ts';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { mb: { type: 'string', default: '100' }, rounds: { type: 'string', default: '7' } },
});
const folder = positionals[0];
if (!folder) throw new Error('decode-speed: usage: decode-speed.ts <capture folder> [--mb 100] [--rounds 7]');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (name.endsWith('.jsonl')) out.push(p);
  }
  return out;
}

const lines: Buffer[] = [];
let bytes = 0;
for (const file of listFiles(folder)) {
  if (bytes >= Number(args.mb) * 1e6) break;
  const buf = readFileSync(file);
  let start = 0;
  for (let nl = buf.indexOf(10); nl !== -1; start = nl + 1, nl = buf.indexOf(10, start)) {
    lines.push(buf.subarray(start, nl));
    bytes += nl - start + 1;
  }
}

const options = (checkRequestCount: boolean): CaptureLineOptions => ({
  response: { problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0' },
  window: {},
  format: { kind: 'sagemakerCaptureJson', captureIndexNames: ['endpointInput', 'endpointOutput'] },
  checkRequestCount,
});
const on = options(true);
const off = options(false);
const warn = (): void => {};

/** One line's outcome, to check that every variant decodes as today's. */
function outcome(decode: () => { status: string; predictions?: unknown[] }): string {
  try {
    const d = decode();
    return `${d.status}:${d.predictions?.length ?? ''}`;
  } catch (error) {
    const e = error as { reason?: string; message: string };
    return `${e.reason}:${e.message}`;
  }
}

const starts = lines.map((l) => {
  const at = locateRequest(l, 'skip');
  return typeof at === 'object' ? at.start : -1;
});

interface Variant {
  name: string;
  run: (line: Buffer, i: number) => unknown;
  /** The whole-line decodes are checked against today's. */
  check?: { engine: 'wasm' | 'js'; checkRequestCount: boolean };
}
const variants: Variant[] = [
  { name: 'line decode, count check on: today (toString + JSON.parse line + request)', run: (l) => outcome(() => decodeCaptureLine(l.toString('utf8'), on, warn)) },
  { name: 'line decode, count check on: bytes, wasm scan', run: (l) => outcome(() => decodeCaptureLineBytes(l, on, warn)), check: { engine: 'wasm', checkRequestCount: true } },
  { name: 'line decode, count check on: bytes, JS scan', run: (l) => outcome(() => decodeCaptureLineBytes(l, on, warn)), check: { engine: 'js', checkRequestCount: true } },
  { name: 'line decode, count check off: today (toString + JSON.parse line)', run: (l) => outcome(() => decodeCaptureLine(l.toString('utf8'), off, warn)) },
  { name: 'line decode, count check off: bytes, wasm skip', run: (l) => outcome(() => decodeCaptureLineBytes(l, off, warn)), check: { engine: 'wasm', checkRequestCount: false } },
  { name: 'line decode, count check off: bytes, JS skip', run: (l) => outcome(() => decodeCaptureLineBytes(l, off, warn)), check: { engine: 'js', checkRequestCount: false } },
  {
    name: 'request only: today (JSON.parse line, JSON.parse request)',
    run: (l) => {
      try {
        return (JSON.parse(JSON.parse(l.toString('utf8')).captureData.endpointInput.data) as unknown[]).length;
      } catch {
        return -1;
      }
    },
  },
  { name: 'request only: wasm scan', run: (l, i) => starts[i]! >= 0 && wasmScanJsonRequest(l, starts[i]!, l.length).counts[0] },
  { name: 'request only: JS scan', run: (l, i) => starts[i]! >= 0 && scanJsonRequest(l, starts[i]!, l.length).counts[0] },
  { name: 'request string only: wasm skip', run: (l, i) => starts[i]! >= 0 && wasmSkipJsonString(l, starts[i]!, l.length) },
  { name: 'request string only: JS skip', run: (l, i) => starts[i]! >= 0 && skipJsonString(l, starts[i]!, l.length) },
  {
    name: 'floor: toString + JSON.parse line',
    run: (l) => {
      try {
        return JSON.parse(l.toString('utf8')) !== null;
      } catch {
        return false;
      }
    },
  },
];

// Correctness first: every whole-line variant decodes every line as today's path does.
for (const v of variants) {
  if (!v.check) continue;
  setRequestScanEngine(v.check.engine);
  const o = v.check.checkRequestCount ? on : off;
  for (let i = 0; i < lines.length; i++) {
    const want = outcome(() => decodeCaptureLine(lines[i]!.toString('utf8'), o, warn));
    const got = v.run(lines[i]!, i);
    if (got !== want) throw new Error(`decode-speed: ${v.name} decodes line ${i + 1} as ${String(got)}, today's path as ${want}`);
  }
}

const times = new Map<string, Array<{ wall: number; cpu: number }>>();
const load0 = loadavg()[0]!;
for (let r = 0; r < Number(args.rounds); r++) {
  for (const v of variants) {
    if (v.check) setRequestScanEngine(v.check.engine);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < lines.length; i++) v.run(lines[i]!, i);
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    (times.get(v.name) ?? times.set(v.name, []).get(v.name)!).push({ wall, cpu: (c.user + c.system) / 1e6 });
  }
}
setRequestScanEngine('wasm');

const mb = bytes / 1e6;
console.log(`${lines.length} lines, ${mb.toFixed(0)} MB of capture in memory, ${args.rounds} rounds; load average ${load0.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}`);
console.log('| variant | best MB/s (wall) | median MB/s (wall) | best MB/CPU-s |');
console.log('|---|---|---|---|');
for (const v of variants) {
  const t = times.get(v.name)!;
  const walls = t.map((x) => x.wall).sort((a, b) => a - b);
  const best = Math.min(...t.map((x) => x.cpu));
  console.log(`| ${v.name} | ${(mb / walls[0]!).toFixed(0)} | ${(mb / walls[walls.length >> 1]!).toFixed(0)} | ${(mb / best).toFixed(0)} |`);
}
