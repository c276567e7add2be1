/**
 * Issue 19: history.parquet is read by the tools it is for. DuckDB (Athena and pandas read the same Parquet) reads
 * every row and column of the mixed fixture's table with the types docs/history.md states, value for value against
 * parquet-wasm's reading, and the query docs/history.md shows runs as written.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyMain } from '../../monitor/history/history-main.ts';
import { HISTORY_COLUMNS } from '../../monitor/history/history-table.ts';
import { parquetAsCsv } from './table-text.ts';

const MIXED = path.resolve('test/fixtures/history/mixed/reports');

async function query(sql: string): Promise<{ columns: string[]; types: string[]; rows: unknown[][] }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return { columns: reader.columnNames(), types: reader.columnTypes().map((t) => t.toString()), rows: reader.getRows() as unknown[][] };
  } finally {
    connection.closeSync();
  }
}

describe('DuckDB reads history.parquet', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mpm-history-duckdb-'));
    const code = await historyMain(['--source', MIXED, '--output-path', dir, '--log-level', 'silent'], { PATH: process.env.PATH }, { stdout: new PassThrough(), stderr: new PassThrough() });
    expect(code).toBe(0);
    file = path.join(dir, 'history.parquet');
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('every column with its documented type, every value as parquet-wasm reads it', async () => {
    const { columns, types, rows } = await query(`SELECT * FROM read_parquet('${file}')`);
    expect(columns).toEqual(HISTORY_COLUMNS.map(([name]) => name));
    const expectedType: Record<string, string> = { Utf8: 'VARCHAR', Float64: 'DOUBLE', Int64: 'BIGINT', Bool: 'BOOLEAN', 'Timestamp<MILLISECOND, UTC>': 'TIMESTAMP WITH TIME ZONE' };
    expect(types).toEqual(HISTORY_COLUMNS.map(([, type]) => expectedType[String(type)]));
    const reference = (await parquetAsCsv(await readFile(file))).rows;
    expect(rows).toHaveLength(reference.length);
    rows.forEach((row, i) => {
      columns.forEach((name, j) => {
        const mine = reference[i]![name];
        const theirs = row[j];
        if (types[j]!.startsWith('TIMESTAMP')) expect(theirs === null ? null : Number((theirs as { micros: bigint }).micros / 1000n), `${i} ${name}`).toBe(mine === null ? null : Number(mine));
        else expect(theirs, `${i} ${name}`).toEqual(mine);
      });
    });
  });

  it('runs the query docs/history.md shows', async () => {
    const { rows } = await query(
      `SELECT date_trunc('day', window_start) AS day, avg(value) AS accuracy, count(*) FILTER (WHERE status = 'violated') AS violated ` +
        `FROM '${file}' WHERE kind = 'metric' AND metric = 'accuracy' GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toHaveLength(1);
    // Churn's 3 built-in runs and fraud's 2 valued runs (the third had no label): one violated each.
    expect(Number(rows[0]![1])).toBeCloseTo((0.8125 + 0.7981 + 0.6912 + 0.9312 + 0.9016) / 5, 12);
    expect(Number(rows[0]![2])).toBe(2);
  });
});
