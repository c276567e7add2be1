/**
 * @module Copying a decoded row group out of WebAssembly memory (the C data interface) gives the same table as the
 * IPC round trip, for every column kind of a stored part with nulls, and declines what it does not read.
 */
import { Bool, Field, Int64, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { loadParquetWasm } from '../ingest/parquet.ts';
import { DictionaryUtf8Column, Float64Column, Float64ListColumn, Int64Column, Utf8Column } from './arrow-columns.ts';
import { FfiScratch, tableFromFfi } from './arrow-ffi.ts';
import { dictionaryUtf8, INFERENCE_TIME_TYPE, PROBABILITIES_TYPE } from './prediction-schema.ts';
import { SCHEMA_VERSION_KEY } from './store-version.ts';

/** A table with a dictionary, a plain string, an int64, a timestamp, a float64 and a list column, nulls in each. */
function sampleTable(rows: number): Table {
  const ids = new DictionaryUtf8Column(dictionaryUtf8(0));
  const text = new Utf8Column();
  const index = new Int64Column(new Int64());
  const time = new Int64Column(INFERENCE_TIME_TYPE);
  const score = new Float64Column();
  const vector = new Float64ListColumn(PROBABILITIES_TYPE);
  for (let i = 0; i < rows; i++) {
    ids.append(i % 7 === 3 ? null : `id-${Math.floor(i / 5)}-é`);
    text.append(i % 11 === 0 ? undefined : String(i % 4));
    index.append(i % 5);
    time.append(1_715_029_200_000 + i * 37);
    score.append(i % 13 === 0 ? undefined : i / 7);
    vector.append(i % 3 === 0 ? null : [i / 10, 1 - i / 10, -0]);
  }
  const columns = { inference_id: ids, label: text, payload_index: index, inference_time: time, score, probabilities: vector };
  const fields = Object.entries(columns).map(([name, c]) => new Field(name, c.finish().type, true));
  const schema = new Schema(fields, new Map([[SCHEMA_VERSION_KEY, '1']]));
  const data = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children: Object.values(columns).map((c) => c.finish()) });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

async function parquetOf(table: Table): Promise<Uint8Array> {
  const pw = await loadParquetWasm();
  return pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, 'stream')));
}

describe('tableFromFfi', () => {
  it('gives the table the IPC round trip gives, in fresh or reused buffers', async () => {
    const pw = await loadParquetWasm();
    const bytes = await parquetOf(sampleTable(2_500));
    // The scratch's buffers are reused from one table to the next (grown for the larger one).
    const scratch = new FfiScratch();
    for (const batchSize of [600, 2_500, 600]) {
      const options = { batchSize };
      const stream = pw.readParquet(bytes, options).intoFFI();
      const viaFfi = tableFromFfi(pw.wasmMemory().buffer, stream, batchSize === 2_500 ? undefined : scratch);
      stream.free();
      const viaIpc = tableFromIPC(pw.readParquet(bytes, options).intoIPCStream());
      expect(viaFfi).toBeDefined();
      expect(viaFfi!.schema.metadata.get(SCHEMA_VERSION_KEY)).toBe('1');
      expect(viaFfi!.batches.length).toBe(viaIpc.batches.length);
      expect(viaFfi!.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(viaIpc.schema.fields.map((f) => `${f.name}:${String(f.type)}`));
      expect(viaFfi!.toArray().map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))).toEqual(
        viaIpc.toArray().map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))),
      );
      expect(viaFfi!.getChild('inference_id')!.nullCount).toBe(viaIpc.getChild('inference_id')!.nullCount);
    }
  });

  it('declines a type it does not read (the caller takes the IPC path)', async () => {
    const pw = await loadParquetWasm();
    const flags = makeData({ type: new Bool(), length: 3, nullCount: 0, data: new Uint8Array([5]) });
    const fields = [new Field('flag', new Bool(), false)];
    const schema = new Schema(fields);
    const table = new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(fields), length: 3, nullCount: 0, children: [flags] }))]);
    const stream = pw.readParquet(await parquetOf(table)).intoFFI();
    try {
      expect(tableFromFfi(pw.wasmMemory().buffer, stream)).toBeUndefined();
    } finally {
      stream.free();
    }
  });
});
