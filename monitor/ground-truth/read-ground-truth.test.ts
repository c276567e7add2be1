/**
 * @module Ground-truth reading: every format into the label store, the order that makes the latest label win, the
 * time range pruning, and bad rows counted by reason.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { tempTrees } from '../../test/helpers/temp-trees.ts';
import { LocalStorage } from '../storage/local.ts';
import { InputErrorTally } from '../ingest/input-errors.ts';
import { hashKey } from '../join/key-hash.ts';
import { LabelCodec } from '../join/label-codec.ts';
import { readGroundTruth, type GroundTruthOptions } from './read-ground-truth.ts';

const require = createRequire(import.meta.url);
const trees = tempTrees('mpm-gt-');
afterEach(trees.removeAll);
const tree = trees.tree;

const OPTIONS: GroundTruthOptions = { format: 'auto', idField: 'InferenceId', indexField: 'payload_index', labelField: 'groundTruthLabel', range: {} };

async function read(root: string, options: Partial<GroundTruthOptions> = {}) {
  const codec = new LabelCodec('MulticlassClassification');
  const tally = new InputErrorTally(5);
  const { store, summary } = await readGroundTruth(new LocalStorage(root), { ...OPTIONS, ...options }, codec, tally);
  /** The label stored for (id, index), or undefined. */
  const label = (id: string, index: number): string | undefined => {
    const v = store.take(hashKey(id, index, { lo: 0, hi: 0 }));
    return Number.isNaN(v) ? undefined : codec.decode(v);
  };
  return { summary, tally, label };
}

const rows = (r: Array<[unknown, unknown, unknown]>): string =>
  JSON.stringify(r.map(([InferenceId, payload_index, groundTruthLabel]) => ({ InferenceId, payload_index, groundTruthLabel })));
const jsonl = (r: unknown[]): string => r.map((x) => JSON.stringify(x)).join('\n') + '\n';

const pw = await import('parquet-wasm/esm');
await pw.default({ module_or_path: readFileSync(require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm')) });

function parquet(columns: Parameters<typeof tableFromArrays>[0]): Uint8Array {
  return pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(tableFromArrays(columns), 'stream')));
}

describe('readGroundTruth formats', () => {
  it("reads the seed's JSON array and JSON Lines rows", async () => {
    const root = tree({
      'a.json': rows([['0', 0, 1], ['0', 1, 0]]),
      'b.jsonl': jsonl([{ InferenceId: 'x', payload_index: 0, groundTruthLabel: 'cat' }]),
    });
    const { label, summary } = await read(root);
    expect([label('0', 0), label('0', 1), label('x', 0)]).toEqual(['1', '0', 'cat']);
    expect(summary.rows_by_format).toEqual({ records: 3 });
  });

  it('reads SageMaker groundTruthData keyed by eventMetadata.eventId, one label or one per record', async () => {
    const root = tree({
      'sm.jsonl': jsonl([
        { groundTruthData: { data: '1', encoding: 'CSV' }, eventMetadata: { eventId: 'e1' }, eventVersion: '0' },
        { groundTruthData: { data: '2\n0', encoding: 'CSV' }, eventMetadata: { eventId: 'e2' }, eventVersion: '0' },
        { groundTruthData: { data: '[3, 4]', encoding: 'JSON' }, eventMetadata: { eventId: 'e3' }, eventVersion: '0' },
      ]),
    });
    const { label, summary } = await read(root);
    expect([label('e1', 0), label('e2', 0), label('e2', 1), label('e3', 0), label('e3', 1)]).toEqual(['1', '2', '0', '3', '4']);
    expect(summary.rows).toBe(5);
    expect(summary.rows_by_format).toEqual({ sagemaker: 3 });
  });

  it('reads CSV with a header, gzip-compressed too', async () => {
    const root = tree({
      'l.csv': 'InferenceId,payload_index,groundTruthLabel\nq,0,1\nq,1,2\n',
      'm.csv.gz': gzipSync('inference_id,label\nr,5\n'),
    });
    const { label } = await read(root);
    expect([label('q', 0), label('q', 1), label('r', 0)]).toEqual(['1', '2', '5']);
  });

  // mpm's choice (README "Keys"): unquoted CSV cells are trimmed, as hand-written CSV pads them; a quoted cell keeps
  // its spaces, so an id whose spaces matter can be written exactly.
  it('trims unquoted CSV cells and keeps the spaces of a quoted one', async () => {
    const root = tree({ 'l.csv': 'InferenceId, payload_index, groundTruthLabel\n abc , 0, 1\n"7 ",0,2\n' });
    const { label, tally } = await read(root);
    expect(tally.total()).toBe(0);
    expect([label('abc', 0), label('7 ', 0), label('7', 0)]).toEqual(['1', '2', undefined]);
  });

  // pandas writes numeric ids as int64 (the seed's notes: "pandas turns numeric-string ids into int64"); they used to
  // be rejected as "no inference id" because the column yields bigints.
  it('reads Parquet whose id, index and label columns are int64', async () => {
    const root = tree({
      'p.parquet': parquet({ InferenceId: BigInt64Array.from([42n, 42n, 9007199254740993n]), payload_index: BigInt64Array.from([0n, 1n, 0n]), groundTruthLabel: BigInt64Array.from([1n, 2n, 3n]) }),
    });
    const { label, tally, summary } = await read(root);
    expect(tally.total()).toBe(0);
    expect([label('42', 0), label('42', 1)]).toEqual(['1', '2']);
    // Beyond 2^53 the id keeps every digit.
    expect(label('9007199254740993', 0)).toBe('3');
    expect(summary.rows_by_format).toEqual({ parquet: 3 });
  });

  it('reads Parquet with string ids', async () => {
    const root = tree({ 'p.parquet': parquet({ InferenceId: ['007', '7'], payload_index: BigInt64Array.from([0n, 0n]), groundTruthLabel: ['a', 'b'] }) });
    const { label } = await read(root);
    expect([label('007', 0), label('7', 0)]).toEqual(['a', 'b']);
  });

  it('uses configured field names', async () => {
    const root = tree({
      'a.jsonl': jsonl([{ request_id: 'z', row: 1, actual_class: 4 }]),
      'b.csv': 'request_id,row,actual_class\nz,2,5\n',
    });
    const { label } = await read(root, { idField: 'request_id', indexField: 'row', labelField: 'actual_class' });
    expect([label('z', 1), label('z', 2)]).toEqual(['4', '5']);
  });

  it('finds the usual alternatives of the field names in JSON rows, as in CSV headers', async () => {
    // {"inferenceId", "label"} (camel case, as the capture's eventMetadata spells it) reads in JSON Lines, a JSON
    // array and CSV alike; a configured name present in the row wins over an alternative.
    const root = tree({
      'a.jsonl': jsonl([
        { inferenceId: 'a', payload_index: 0, label: 'x' },
        { inference_id: 'b', payloadIndex: 2, y_true: 'y' },
        { InferenceId: 'c', inferenceId: 'not this', payload_index: 0, groundTruthLabel: 'z', label: 'not this' },
      ]),
      'b.json': JSON.stringify([{ inferenceId: 'd', payload_index: 1, label: 'w' }]),
      'c.csv': 'inferenceId,payload_index,label\ne,0,v\n',
    });
    const { label, summary, tally } = await read(root);
    expect([label('a', 0), label('b', 2), label('c', 0), label('d', 1), label('e', 0)]).toEqual(['x', 'y', 'z', 'w', 'v']);
    expect(summary.labels).toBe(5);
    expect(tally.total()).toBe(0);
  });

  it('weighs the bytes after a CSV quote that never closes as unreadable (the parser reads to the end looking for it)', async () => {
    const good = Array.from({ length: 100 }, (_, i) => `r${i},0,${i % 3}`).join('\n');
    const after = Array.from({ length: 900 }, (_, i) => `s${i},0,${i % 3}`).join('\n');
    const head = `InferenceId,payload_index,groundTruthLabel\n${good}\n`;
    const text = `${head}"broken,0,1\n${after}\n`;
    const { summary, tally } = await read(tree({ 'a.csv': text }));
    expect(summary.labels).toBe(100);
    expect(tally.toJSON().gt_unreadable_file?.count).toBe(1);
    // Everything after the last good row is lost: the broken row and the 900 after it.
    expect(summary.unreadable_files?.bytes).toBe(Buffer.byteLength(text) - Buffer.byteLength(head));
  });

  it('takes payload_index 0 when a row has none', async () => {
    const { label } = await read(tree({ 'a.jsonl': jsonl([{ InferenceId: 'one', groundTruthLabel: 3 }]) }));
    expect(label('one', 0)).toBe('3');
  });
});

describe('readGroundTruth order and duplicates', () => {
  it('lets the latest partition win over path order, even when unpadded hour 10 sorts before 9 as text', async () => {
    const root = tree({
      '2024/5/6/9/a.json': rows([['k', 0, 1]]),
      '2024/5/6/10/a.json': rows([['k', 0, 2]]),
    });
    const { label, summary } = await read(root);
    expect(label('k', 0)).toBe('2');
    expect(summary.duplicate_labels).toBe(1);
    expect(summary.labels).toBe(1);
  });

  it('lets the later file of one partition win', async () => {
    const root = tree({
      '2024/05/06/09/01.json': rows([['k', 0, 1]]),
      '2024/05/06/09/02.json': rows([['k', 0, 3]]),
    });
    const { label } = await read(root);
    expect(label('k', 0)).toBe('3');
  });

  it('skips hour folders outside the range and counts them', async () => {
    const start = Date.UTC(2024, 4, 6, 1);
    const root = tree({
      '2024/5/6/1/a.json': rows([['k', 0, 1]]),
      '2024/5/6/10/a.json': rows([['k', 0, 5]]),
      '2024/5/6/0/a.json': rows([['early', 0, 5]]),
    });
    const { label, summary } = await read(root, { range: { start, end: start + 3_600_000 } });
    expect(label('k', 0)).toBe('1');
    expect(label('early', 0)).toBeUndefined();
    expect(summary.pruned_folders).toBe(2);
    expect(summary.files).toBe(1);
  });
});

describe('readGroundTruth bad input', () => {
  it('counts bad rows by reason, with file and line, and keeps the good ones', async () => {
    const root = tree({
      'a.jsonl': '{"InferenceId":"a","payload_index":0,"groundTruthLabel":1}\n{not json\n{"payload_index":0,"groundTruthLabel":1}\n{"InferenceId":"b","payload_index":-1,"groundTruthLabel":1}\n{"InferenceId":"c","payload_index":0,"groundTruthLabel":""}\n',
    });
    const { label, tally, summary } = await read(root);
    expect(label('a', 0)).toBe('1');
    expect(summary.rows).toBe(5);
    const json = tally.toJSON();
    expect(json.gt_invalid_json!.samples[0]!.line).toBe(2);
    expect(json.gt_missing_field!.samples[0]).toMatchObject({ line: 3, detail: 'no inference id' });
    expect(json.gt_invalid_payload_index!.samples[0]).toMatchObject({ line: 4, detail: 'payload_index -1' });
    expect(json.gt_invalid_label!.samples[0]).toMatchObject({ line: 5 });
  });

  it('counts a CSV without an id column once, naming the missing column', async () => {
    const { tally } = await read(tree({ 'a.csv': 'who,groundTruthLabel\nx,1\n' }));
    expect(tally.toJSON().gt_missing_field!.samples[0]!.detail).toBe('the header has no id column (InferenceId)');
  });

  it('counts an unreadable Parquet file', async () => {
    const { tally } = await read(tree({ 'a.parquet': 'not parquet' }));
    expect(tally.toJSON().gt_unreadable_file!.count).toBe(1);
  });
});
