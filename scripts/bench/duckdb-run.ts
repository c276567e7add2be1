/**
 * @module Runs the benchmark's DuckDB SQL (scripts/bench/duckdb-confusion*.sql) on bench capture in its own Node
 * process, with a chosen number of DuckDB threads, and prints one JSON line: the confusion matrix (as the
 * generator's manifest writes it), the joined count, the DuckDB version, wall and CPU seconds and peak RSS.
 *
 *   npx tsx scripts/bench/duckdb-run.ts <capture folder> <ground-truth folder> [--threads 1] [--count-check on|off]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { threads: { type: 'string', default: '1' }, 'count-check': { type: 'string', default: 'on' } },
});
const [captureDir, groundTruthDir] = positionals;
if (!captureDir || !groundTruthDir) throw new Error('duckdb-run: usage: duckdb-run.ts <capture folder> <ground-truth folder> [--threads 1] [--count-check on|off]');

/** A SQL string literal. */
const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const instance = await DuckDBInstance.create(':memory:', { threads: args.threads });
const connection = await instance.connect();
await connection.run(`SET VARIABLE capture_glob = ${literal(path.join(captureDir, '**', '*.jsonl'))}`);
await connection.run(`SET VARIABLE ground_truth_glob = ${literal(path.join(groundTruthDir, '**', '*.jsonl'))}`);
const sql = readFileSync(path.join(HERE, args['count-check'] === 'off' ? 'duckdb-confusion-no-count-check.sql' : 'duckdb-confusion.sql'), 'utf8');
const rows = (await connection.runAndReadAll(sql)).getRows() as Array<[number, number, bigint]>;
const wallSeconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const version = String((await connection.runAndReadAll('SELECT version()')).getRows()[0]![0]);
const threads = String((await connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0]![0]);

// The matrix over every label seen among the joined records, actual or predicted, zero cells included.
const labels = [...new Set(rows.flatMap(([a, p]) => [a, p]))].sort((x, y) => x - y);
const confusion: Record<string, Record<string, number>> = {};
for (const a of labels) {
  confusion[String(a)] = {};
  for (const p of labels) confusion[String(a)]![String(p)] = 0;
}
let joined = 0;
for (const [a, p, n] of rows) {
  confusion[String(a)]![String(p)] = Number(n);
  joined += Number(n);
}
connection.closeSync();
instance.closeSync();
console.log(JSON.stringify({ version, threads: Number(threads), wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024, joined, confusion }));
