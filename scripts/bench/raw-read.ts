/**
 * @module The machine's raw read ceiling for the benchmark: read the same capture files as the monitor, with its
 * local storage's reader (LocalStorage.readChunks: 1 MiB reads into one reused buffer), and nothing else (no line
 * split, no parse). Prints one JSON line with the bytes read, wall and CPU seconds and peak RSS.
 *
 *   npx tsx scripts/bench/raw-read.ts <capture folder>
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LocalStorage } from '../../monitor/storage/local.ts';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (name.endsWith('.jsonl')) out.push(p);
  }
  return out;
}

const dir = process.argv[2];
if (!dir) throw new Error('raw-read: usage: raw-read.ts <capture folder>');
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let bytes = 0;
const storage = new LocalStorage(dir);
for (const file of listFiles(dir)) {
  for await (const chunk of await storage.readChunks(path.relative(dir, file).split(path.sep).join('/'))) bytes += chunk.length;
}
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ bytes, wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
