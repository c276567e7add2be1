/**
 * @module The serving capture's floor on this machine: what one captured request costs with nothing of the server
 * around it, on one thread, in CPU time. Two parts, measured apart:
 *
 * - encode: the capture line of a bench-serving request (the same covertype body of N records, and a response of N
 *   predictions) built by the server's own encoder (appendCaptureLine, bodies escaped inline) into a LineBuffer;
 * - write: those bytes written with writeSync in 256 KiB writes into new files of 16 MiB (the writer's rotation), none
 *   deleted until the end, as a server's capture folder grows; reported by slice of the bytes written so far, because
 *   the kernel's cost of taking fresh page-cache pages changes as the run goes (on a VM whose balloon reports free
 *   pages to the host, pages it has taken back are slow to touch again; the script prints whether the balloon does).
 *
 * The figures bound what capture can cost in the server (docs/benchmarks.md, "The capture's floor"): the on/off
 * ratio of scripts/bench-serving.ts cannot beat the one these costs give.
 *
 *   npx tsx scripts/bench/capture-floor.ts [--records 50] [--gb 4] [--slice-gb 0.5] [--dir /tmp/mpm-capture-floor]
 */
import { closeSync, openSync, readFileSync, readdirSync, rmSync, mkdirSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CAPTURE_CONTENT_TYPES } from '../../serving/capture/capture-line.ts';
import { appendCaptureLine } from '../../serving/capture/encode-capture-line.ts';
import { ChunkPool, LineBuffer } from '../../serving/capture/line-buffer.ts';
import { servingPayload } from './serving-payload.ts';

const { values } = parseArgs({
  options: { records: { type: 'string' }, gb: { type: 'string' }, 'slice-gb': { type: 'string' }, dir: { type: 'string' } },
});
const records = Number(values.records ?? 50);
const totalBytes = Number(values.gb ?? 4) * 2 ** 30;
const sliceBytes = Number(values['slice-gb'] ?? 0.5) * 2 ** 30;
const dir = values.dir ?? '/tmp/mpm-capture-floor';
for (const [name, v] of [['--records', records], ['--gb', totalBytes], ['--slice-gb', sliceBytes]] as const) {
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`capture-floor: ${name} must be a positive number`);
}

const FILE_BYTES = 16 * 2 ** 20;
const WRITE_BYTES = 256 * 1024;


/** Whether a virtio balloon with free page reporting (feature bit 5) is present: freed guest pages go back to the host. */
function balloonReporting(): string {
  try {
    for (const device of readdirSync('/sys/bus/virtio/devices')) {
      const base = `/sys/bus/virtio/devices/${device}`;
      if (readFileSync(`${base}/device`, 'utf8').trim() !== '0x0005') continue;
      return readFileSync(`${base}/features`, 'utf8')[5] === '1' ? 'virtio balloon with free page reporting' : 'virtio balloon, no free page reporting';
    }
    return 'no virtio balloon';
  } catch {
    return 'no virtio devices readable';
  }
}

// The body bench-serving sends for this size, and a response of as many predictions.
const input = Buffer.from(servingPayload(records, 1000 + records));
const output = Buffer.from(JSON.stringify(Array.from({ length: records }, (_, i) => ({ payload_index: i, label: String(1 + (i % 7)), score: 0.8125 }))));
const event = (i: number) => ({
  input: { contentType: 'application/json', body: input },
  output: { contentType: 'application/json', body: output },
  eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  inferenceId: `bench-${i}`,
  inferenceTime: new Date(Date.UTC(2026, 0, 15, 10, 0, 0)),
});

// Encode: lines built into pooled chunks, handed back at once (nothing written). Returns the bytes of a line.
const pool = new ChunkPool();
const out = new LineBuffer(pool);
function encodeLines(count: number): number {
  let lineBytes = 0;
  for (let i = 0; i < count; i++) {
    const before = out.length;
    appendCaptureLine(out, event(i), DEFAULT_CAPTURE_CONTENT_TYPES);
    lineBytes = out.length - before;
    if (out.length >= WRITE_BYTES) pool.give(out.take().chunks);
  }
  return lineBytes;
}
const encodeRounds = 5_000;
encodeLines(500); // warm-up
const encodeCpu = process.cpuUsage();
const lineBytes = encodeLines(encodeRounds);
const encode = process.cpuUsage(encodeCpu);

// Write: the bytes of whole lines, in 256 KiB writes, into new 16 MiB files.
const lines = Math.max(1, Math.floor(WRITE_BYTES / lineBytes));
const block = Buffer.alloc(lines * lineBytes, 'x');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const slices: { fromGb: number; toGb: number; user: number; system: number; requests: number; wallMs: number }[] = [];
let written = 0;
let fileNo = 0;
let fd = -1;
let inFile = FILE_BYTES;
try {
  while (written < totalBytes) {
    const sliceStart = written;
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    let requests = 0;
    while (written < totalBytes && written - sliceStart < sliceBytes) {
      if (inFile >= FILE_BYTES) {
        if (fd >= 0) closeSync(fd);
        fd = openSync(path.join(dir, `${String(fileNo++).padStart(6, '0')}.jsonl`), 'a');
        inFile = 0;
      }
      writeSync(fd, block);
      written += block.length;
      inFile += block.length;
      requests += lines;
    }
    const { user, system } = process.cpuUsage(cpu);
    slices.push({ fromGb: sliceStart / 2 ** 30, toGb: written / 2 ** 30, user, system, requests, wallMs: performance.now() - t0 });
  }
} finally {
  if (fd >= 0) closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
}

const us = (x: number) => x.toFixed(1);
console.log(`# capture floor: ${records} records a request, a line of ${lineBytes} bytes (request body ${input.length}, response ${output.length})`);
console.log(`Node ${process.version}, ${balloonReporting()}, load average ${loadavg()[0]!.toFixed(1)} at the end`);
console.log('');
console.log(`encode (appendCaptureLine, escaped inline; ${encodeRounds} lines): ${us((encode.user + encode.system) / encodeRounds)} us CPU a request`);
console.log('');
console.log('| written so far (GiB) | write CPU us a request (user + system) | wall us a request |');
console.log('|---|---:|---:|');
for (const s of slices) {
  console.log(`| ${s.fromGb.toFixed(1)}-${s.toGb.toFixed(1)} | ${us((s.user + s.system) / s.requests)} (${us(s.user / s.requests)} + ${us(s.system / s.requests)}) | ${us((s.wallMs * 1000) / s.requests)} |`);
}
