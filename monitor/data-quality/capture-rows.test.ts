import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RecordProblem } from '../ingest/input-errors.ts';
import { CaptureRowBuilder, type CaptureRowOptions, type RowSink } from './capture-rows.ts';
import { parseCsvRecords } from '../ingest/csv-records.ts';
import { decodeDataQualityLine } from './decode-capture-rows.ts';
import { DatasetProfile } from './dataset-profile.ts';
import { PayloadDecoder } from './payload-records.ts';

class Collect implements RowSink {
  rows: Array<Array<[string, unknown]>> = [];
  problems: Record<string, number> = {};
  addRow(names: readonly string[], values: ArrayLike<unknown>, length = names.length): void {
    this.rows.push(Array.from({ length }, (_, i) => [names[i]!, values[i]]));
  }
  countProblem(reason: string, times = 1): void {
    this.problems[reason] = (this.problems[reason] ?? 0) + times;
  }
}

function payload(data: string, contentType: string, encoding = contentType.includes('csv') ? 'CSV' : 'JSON'): object {
  return { observedContentType: contentType, mode: 'INPUT', data, encoding };
}

function captureLine(input: object | undefined, output: object | undefined, time = '2024-05-01T10:00:00Z', extra: object = {}): string {
  return JSON.stringify({ captureData: { ...(input ? { endpointInput: input } : {}), ...(output ? { endpointOutput: output } : {}) }, eventMetadata: { eventId: 'e1', inferenceTime: time, ...extra }, eventVersion: '0' });
}

/** The rows of one capture line. */
function rowsOf(request: object | undefined, response: object | undefined, options: CaptureRowOptions = {}): Collect {
  const sink = new Collect();
  decodeDataQualityLine(captureLine(request, response), { window: {}, rows: new CaptureRowBuilder(options) }, new PayloadDecoder(), sink, () => {});
  return sink;
}

const json = (v: unknown): object => payload(JSON.stringify(v), 'application/json');

describe('data-quality rows from captured requests', () => {
  it('CSV request and response: one row per line, the prediction first (output_columns_position START)', () => {
    const out = rowsOf(payload('1,2,3\n4,5,6', 'text/csv'), payload('0.3\n0.7', 'text/csv'));
    expect(out.rows).toEqual([
      [['_c0', '0.3'], ['_c1', '1'], ['_c2', '2'], ['_c3', '3']],
      [['_c0', '0.7'], ['_c1', '4'], ['_c2', '5'], ['_c3', '6']],
    ]);
  });

  it('a one-line CSV response of one value per request record gives each record its value', () => {
    // SageMaker's XGBoost before 1.2 answers a CSV batch on one line; as the model-quality reader, by the count.
    const out = rowsOf(payload('1,2\n3,4\n5,6', 'text/csv'), payload('0.2,0.8,0.6\n', 'text/csv'));
    expect(out.rows.map((row) => row[0])).toEqual([
      ['_c0', '0.2'],
      ['_c0', '0.8'],
      ['_c0', '0.6'],
    ]);
    // A one-record request keeps the line as that record's columns.
    expect(rowsOf(payload('1,2', 'text/csv'), payload('1,0.8', 'text/csv')).rows).toEqual([[['_c0', '1'], ['_c1', '0.8'], ['_c2', '1'], ['_c3', '2']]]);
  });

  it('END puts the prediction after the features; only endpointInput captured means no prediction column', () => {
    const end = rowsOf(payload('1,2', 'text/csv'), payload('0.3', 'text/csv'), { outputColumnsPosition: 'END' });
    expect(end.rows).toEqual([[['_c0', '1'], ['_c1', '2'], ['_c2', '0.3']]]);
    const inputOnly = rowsOf(payload('1,2', 'text/csv'), undefined, { captureIndexNames: ['endpointInput'] });
    expect(inputOnly.rows).toEqual([[['_c0', '1'], ['_c1', '2']]]);
    const outputOnly = rowsOf(undefined, payload('0.3\n0.4', 'text/csv'), { captureIndexNames: ['endpointOutput'] });
    expect(outputOnly.rows).toEqual([[['_c0', '0.3']], [['_c0', '0.4']]]);
  });

  it("the seed's shape: JSON records and [{payload_index, label, score}] give the features plus label and score", () => {
    const out = rowsOf(
      json([{ age: 31, city: 'Oslo' }, { age: 45, city: 'Lima' }]),
      json([{ payload_index: 1, label: 'b', score: 0.6 }, { payload_index: 0, label: 'a', score: 0.9 }]),
      { outputColumnsPosition: 'END' },
    );
    expect(out.rows).toEqual([
      [['age', 31], ['city', 'Oslo'], ['label', 'a'], ['score', 0.9]],
      [['age', 45], ['city', 'Lima'], ['label', 'b'], ['score', 0.6]],
    ]);
  });

  it("the SDK's sample: {instances: [1.0, 2.0, 5.0]} with {predictions: [...]} is three one-value records", () => {
    const sample = readFileSync(new URL('../../test/fixtures/data-quality/sagemaker-sdk/captured-data.jsonl', import.meta.url), 'utf8').split('\n')[0]!;
    const sink = new Collect();
    const result = decodeDataQualityLine(sample, { window: {}, rows: new CaptureRowBuilder() }, new PayloadDecoder(), sink, () => {});
    expect(result).toMatchObject({ status: 'ok', rows: 3 });
    expect(sink.rows).toEqual([
      [['_c0', 3.5], ['_c1', 1]],
      [['_c0', 4], ['_c1', 2]],
      [['_c0', 5.5], ['_c1', 5]],
    ]);
  });

  it('settles a flat array by the response: one feature vector when the response has one prediction', () => {
    expect(rowsOf(json([1, 2, 3]), json([0.7])).rows).toEqual([[['_c0', 0.7], ['_c1', 1], ['_c2', 2], ['_c3', 3]]]);
    expect(rowsOf(json([1, 2, 3]), json([0.1, 0.2, 0.3])).rows.length).toBe(3);
    // Without a response: a top-level flat array is one record, inside "instances" one record per value.
    expect(rowsOf(json([1, 2, 3]), undefined, { captureIndexNames: ['endpointInput'] }).rows.length).toBe(1);
    expect(rowsOf(json({ instances: [1, 2, 3] }), undefined, { captureIndexNames: ['endpointInput'] }).rows.length).toBe(3);
  });

  it('reads arrays of arrays, columnar objects (orient=list and orient=dict) and JSON Lines', () => {
    const arrays = rowsOf(json([[1, 'a'], [2, 'b']]), json({ predictions: [0, 1] }));
    expect(arrays.rows[1]).toEqual([['_c0', 1], ['_c1', 2], ['_c2', 'b']]);
    const list = rowsOf(json({ x: [1, 2], y: ['p', 'q'] }), json([0, 1]), { outputColumnsPosition: 'END' });
    expect(list.rows).toEqual([
      [['x', 1], ['y', 'p'], ['prediction', 0]],
      [['x', 2], ['y', 'q'], ['prediction', 1]],
    ]);
    const dict = rowsOf(json({ x: { 0: 1, 1: 2 }, y: { 0: 'p', 1: 'q' } }), json([0, 1]), { outputColumnsPosition: 'END' });
    expect(dict.rows).toEqual(list.rows);
    // A one-record columnar object: the response has one prediction, so its arrays are fields of one record.
    const one = rowsOf(json({ input_ids: [5, 6], mask: [1, 1] }), json([0.5]), { outputColumnsPosition: 'END' });
    expect(one.rows).toEqual([[['input_ids.0', 5], ['input_ids.1', 6], ['mask.0', 1], ['mask.1', 1], ['prediction', 0.5]]]);
    const lines = rowsOf(payload('{"a":1}\n{"a":2}', 'application/jsonlines'), payload('{"label":"x"}\n{"label":"y"}', 'application/jsonlines'));
    expect(lines.rows).toEqual([
      [['label', 'x'], ['a', 1]],
      [['label', 'y'], ['a', 2]],
    ]);
  });

  it('flattens nested JSON with dotted names; a vector prediction beside named features is prediction.0, prediction.1', () => {
    const out = rowsOf(json([{ user: { age: 3, tags: ['x', 'y'] }, empty: {} }]), json([[0.2, 0.8]]), { outputColumnsPosition: 'END' });
    expect(out.rows).toEqual([[['user.age', 3], ['user.tags.0', 'x'], ['user.tags.1', 'y'], ['prediction.0', 0.2], ['prediction.1', 0.8]]]);
  });

  it('names positional columns from the baseline, then the setting, then _c{i}; counts rows of another width', () => {
    const options: CaptureRowOptions = { baselineNames: ['label', 'f1'], columnNames: ['l', 'g1', 'g2'] };
    const out = rowsOf(payload('1,2\n3,4,5', 'text/csv'), payload('0\n1', 'text/csv'), options);
    expect(out.rows).toEqual([
      [['label', '0'], ['f1', '1'], ['g2', '2']],
      [['label', '1'], ['f1', '3'], ['g2', '4'], ['_c3', '5']],
    ]);
    expect(out.problems).toEqual({ row_width_mismatch: 1 });
  });

  it('leaves out excluded features by name or position', () => {
    const out = rowsOf(payload('1,2,3', 'text/csv'), payload('0', 'text/csv'), { excludeFeatures: ['1', '_c3'] });
    expect(out.rows).toEqual([[['_c0', '0'], ['_c2', '2']]]);
    const named = rowsOf(json([{ a: 1, secret: 2 }]), undefined, { captureIndexNames: ['endpointInput'], excludeFeatures: ['secret'] });
    expect(named.rows).toEqual([[['a', 1]]]);
  });

  it('reads quoted CSV fields and treats empty cells as missing', () => {
    expect(parseCsvRecords('a,"b,c", ,"say ""hi"""\r\n\r\n"multi\nline",2')).toEqual([
      ['a', 'b,c', null, 'say "hi"'],
      ['multi\nline', '2'],
    ]);
    expect(parseCsvRecords(' 1 ,,3\n\n')).toEqual([['1', null, '3']]);
  });

  it('decodes base64 payloads and reads the rows into a profile', () => {
    const b64 = (s: string): object => ({ observedContentType: 'text/csv', mode: 'INPUT', data: Buffer.from(s).toString('base64'), encoding: 'BASE64' });
    const profile = new DatasetProfile();
    decodeDataQualityLine(captureLine(b64('1,x\n2,y'), b64('0.5\n0.25')), { window: {}, rows: new CaptureRowBuilder() }, new PayloadDecoder(), profile, () => {});
    const s = profile.summary();
    expect(s.itemCount).toBe(2);
    expect(s.features.map((f) => [f.name, f.deequType])).toEqual([['_c0', 'Fractional'], ['_c1', 'Integral'], ['_c2', 'String']]);
  });

  it('skips shadow traffic and records outside the window; a line adds all its rows or none', () => {
    const rows = new CaptureRowBuilder();
    const o = { window: { start: Date.parse('2024-05-01T10:00:00Z'), end: Date.parse('2024-05-01T11:00:00Z') }, rows };
    const sink = new Collect();
    const decoder = new PayloadDecoder();
    expect(decodeDataQualityLine(captureLine(payload('1', 'text/csv'), payload('0', 'text/csv'), '2024-05-01T11:00:00Z'), o, decoder, sink, () => {})).toEqual({ status: 'skipped', reason: 'outside_window' });
    expect(decodeDataQualityLine(captureLine(payload('1', 'text/csv'), payload('0', 'text/csv'), undefined, { invocationSource: 'ShadowExperiment' }), o, decoder, sink, () => {})).toEqual({ status: 'skipped', reason: 'shadow_traffic' });
    const problem = (line: string): string => {
      try {
        decodeDataQualityLine(line, o, decoder, sink, () => {});
        return 'none';
      } catch (error) {
        return (error as RecordProblem).reason;
      }
    };
    expect(problem(captureLine(payload('1\n2', 'text/csv'), payload('0', 'text/csv')))).toBe('count_mismatch');
    expect(problem(captureLine(undefined, payload('0', 'text/csv')))).toBe('missing_endpoint_input');
    expect(problem(captureLine(json([{ a: 1 }]), json([{ payload_index: 3, label: 1 }])))).toBe('invalid_payload_index');
    expect(problem(captureLine(payload('{oops', 'application/json'), payload('0', 'text/csv')))).toBe('undecodable_payload');
    expect(problem('{"captureData": 1}')).toBe('not_a_capture_record');
    expect(problem(captureLine(payload('1', 'text/csv'), payload('0', 'text/csv'), 'not a time'))).toBe('invalid_inference_time');
    expect(sink.rows).toEqual([]);
  });
});
