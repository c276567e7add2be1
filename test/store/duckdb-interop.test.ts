/**
 * @module Other tools read what mpm writes: DuckDB (the engine the bench compares with; Athena and pandas read the
 * same Parquet) reads the golden stored hour's part (dictionary strings, byte-stream-split scores, int64 indexes,
 * UTC timestamps, lists) and a joined-records file, value for value.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../../monitor/storage/local.ts';
import { JoinedRecordsWriter } from '../../monitor/store/joined-records-writer.ts';

const PART = path.resolve(import.meta.dirname, '../fixtures/store/v1/predictions/churn-ep/AllTraffic/2024/05/06/21/part-w0-golden.parquet');
const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

async function query(sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRows() as unknown[][];
  } finally {
    connection.closeSync();
  }
}

describe('DuckDB reads mpm Parquet', () => {
  it('reads a stored part: every column, value for value', async () => {
    const rows = await query(
      `SELECT inference_id, event_id, payload_index, epoch_ms(inference_time), label, label_type, score, probabilities FROM read_parquet('${PART}')`,
    );
    const plain = rows.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v && typeof v === 'object' && 'items' in v ? (v as { items: unknown[] }).items : v)));
    const H = Date.UTC(2024, 4, 6, 21);
    expect(plain).toEqual([
      ['007', 'e-1', 0, H + 1234, '1', 'string', 0.75, null],
      ['007', 'e-1', 1, H + 1234, ' 0 ', 'string', 0.125, null],
      ['7', 'e-2', 0, H + 1234, '1', 'number', null, null],
      ['7', 'e-2', 1, H + 1234, '-0', 'number', null, null],
      ['7', 'e-2', 2, H + 1234, '0.5', 'number', null, null],
      [null, 'only-event-id', 3, H + 60_000, 'true', 'boolean', 1, null],
      [null, 'only-event-id', 2 ** 40 + 3, H + 60_000, 'false', 'boolean', null, null],
      ['vec', null, 0, H + 61_001, null, null, null, [0.2, 0.8]],
      ['vec', null, 1, H + 61_001, 'null', 'other', 0.4, [0.6, 0.4]],
      ['ünïcode ✓', '', 0, H + 3_599_999, 'Yes', 'string', 5e-324, null],
      ['ünïcode ✓', '', 1, H + 3_599_999, 'x'.repeat(40), 'string', -0, null],
    ]);
  });

  it('reads a joined-records file with its types', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-duck-'));
    roots.push(root);
    const w = await JoinedRecordsWriter.create(new LocalStorage(root), { problemType: 'BinaryClassification' });
    w.add({ id: '007', idSource: 'inferenceId', eventId: 'e-1', inferenceTime: Date.UTC(2024, 4, 6, 21, 5) }, { index: 2, label: '1', score: 0.875 }, '0');
    await w.close();
    const rows = await query(`SELECT typeof(inference_id), typeof(payload_index), typeof(inference_time), inference_id, payload_index, predicted_label, score, label FROM read_parquet('${path.join(root, 'joined_records.parquet')}')`);
    expect(rows.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)))).toEqual([['VARCHAR', 'BIGINT', 'TIMESTAMP WITH TIME ZONE', '007', 2, '1', 0.875, '0']]);
  });
});
