/**
 * @module Joined records out: the Parquet file a pandas/DuckDB/Athena user reads, for classification and regression,
 * across row groups, with its metadata; an empty window gives a file with the columns and no row.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readParquetTable } from '../ingest/parquet.ts';
import { LocalStorage } from '../storage/local.ts';
import { JOINED_RECORDS_FILE, JoinedRecordsWriter } from './joined-records-writer.ts';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});
async function output(): Promise<LocalStorage> {
  const root = await mkdtemp(path.join(tmpdir(), 'mpm-joined-'));
  roots.push(root);
  return new LocalStorage(root);
}
const T = Date.UTC(2024, 4, 6, 21, 10, 0, 250);

function rows(table: Awaited<ReturnType<typeof readParquetTable>>): Array<Record<string, unknown>> {
  return table.toArray().map((r) => {
    const o = r.toJSON() as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) if (typeof v === 'bigint') o[k] = Number(v);
    return o;
  });
}

describe('JoinedRecordsWriter', () => {
  it('writes classification records with keys, time, prediction, score and label', async () => {
    const out = await output();
    const w = await JoinedRecordsWriter.create(out, { problemType: 'BinaryClassification', rowGroupRows: 2, window: { start: '2024-05-06T21:00:00Z', end: '2024-05-06T22:00:00Z' }, endpoint: 'churn-ep' });
    w.add({ id: '007', idSource: 'inferenceId', eventId: 'e-1', inferenceTime: T }, { index: 0, label: '1', score: 0.75 }, '1');
    w.add({ id: '007', idSource: 'inferenceId', eventId: 'e-1', inferenceTime: T }, { index: 1, label: '0' }, '1');
    w.add({ id: 'e-2', idSource: 'eventId' }, { index: 4, label: '0', score: 0.25 }, '0');
    const result = await w.close();
    expect(result).toMatchObject({ path: JOINED_RECORDS_FILE, rows: 3, rowGroups: 2 });
    const table = await readParquetTable(await readFile(path.join(out.location, JOINED_RECORDS_FILE)));
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'inference_id:Utf8',
      'event_id:Utf8',
      'payload_index:Int64',
      'inference_time:Timestamp<MILLISECOND, UTC>',
      'predicted_label:Utf8',
      'score:Float64',
      'label:Utf8',
    ]);
    expect(rows(table)).toEqual([
      { inference_id: '007', event_id: 'e-1', payload_index: 0, inference_time: T, predicted_label: '1', score: 0.75, label: '1' },
      { inference_id: '007', event_id: 'e-1', payload_index: 1, inference_time: T, predicted_label: '0', score: null, label: '1' },
      { inference_id: null, event_id: 'e-2', payload_index: 4, inference_time: null, predicted_label: '0', score: 0.25, label: '0' },
    ]);
    expect(Object.fromEntries(table.schema.metadata)).toMatchObject({ 'mpm.joined_records.version': '1', 'mpm.problem_type': 'BinaryClassification', 'mpm.window.start': '2024-05-06T21:00:00Z', 'mpm.endpoint': 'churn-ep' });
  });

  it('writes regression records with predicted_value and a numeric label', async () => {
    const out = await output();
    const w = await JoinedRecordsWriter.create(out, { problemType: 'Regression' });
    w.add({ id: 'a', idSource: 'inferenceId', inferenceTime: T }, { index: 0, value: 3.5 }, 4.25);
    await w.close();
    const table = await readParquetTable(await readFile(path.join(out.location, JOINED_RECORDS_FILE)));
    expect(rows(table)).toEqual([{ inference_id: 'a', event_id: null, payload_index: 0, inference_time: T, predicted_value: 3.5, label: 4.25 }]);
  });

  it('an empty window gives the columns and no row; an aborted write gives no file', async () => {
    const out = await output();
    await (await JoinedRecordsWriter.create(out, { problemType: 'MulticlassClassification' })).close();
    const table = await readParquetTable(await readFile(path.join(out.location, JOINED_RECORDS_FILE)));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toContain('predicted_label');
    const other = await output();
    const w = await JoinedRecordsWriter.create(other, { problemType: 'MulticlassClassification' });
    w.add({ id: 'a', idSource: 'inferenceId' }, { index: 0, label: '2' }, '1');
    await w.abort();
    expect(await readdir(other.location)).toEqual([]);
  });
});
