/**
 * @module Issue 14 at the depth of the decoders: values nested thousands deep, arrays too long to spread, payload
 * indexes past the records, a third binary label, and descriptions of bad values that stay short and never echo a
 * file's content.
 */
import { describe, expect, it } from 'vitest';
import { problemOf as thrown } from '../../test/helpers/record-problem.ts';
import { countRequestRecords } from './count-request.ts';
import { decodePayload } from './decode-payload.ts';
import { describeValue, MAX_DESCRIPTION_CHARS } from './describe-value.ts';
import { explodeResponse, negativeLabelFor, type ResponseOptions } from './explode-response.ts';
import { decodeGroundTruthData } from './ground-truth-data.ts';
import { jsonErrorDetail } from './json-error.ts';
import { compilePath, queryPath } from './json-path.ts';

/** The reason and detail of the RecordProblem a stage threw. */
const problemOf = (fn: () => unknown): { reason: string; detail?: string } => {
  const p = thrown(fn);
  return { reason: p.reason, detail: p.detail };
};
const deep = (depth: number, inner = '1'): unknown => JSON.parse(`${'['.repeat(depth)}${inner}${']'.repeat(depth)}`);
const binary: ResponseOptions = { problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0' };
const multi: ResponseOptions = { problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0' };
const explode = (value: unknown, o: ResponseOptions) => explodeResponse({ kind: 'json', text: typeof value === 'string' ? value : JSON.stringify(value) }, o);
const parseError = (text: string): unknown => {
  try {
    JSON.parse(text);
  } catch (error) {
    return error;
  }
  throw new Error('parsed');
};

describe('describeValue', () => {
  it('describes a value 20,000 levels deep in a few characters, without recursing into it', () => {
    expect(describeValue(deep(20_000))).toBe('[[[…]]]');
    expect(describeValue(JSON.parse(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`))).toBe('{"a":{"a":{…}}}');
  });

  it('writes what JSON would write for small values, and Infinity where JSON writes null', () => {
    expect(describeValue('x')).toBe('"x"');
    expect(describeValue({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}');
    expect(describeValue(Infinity)).toBe('Infinity');
    expect(describeValue(-0)).toBe('-0');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(JSON.parse('{"__proto__":1}'))).toBe('{"__proto__":1}');
  });

  it('cuts long strings, long arrays and wide objects', () => {
    expect(describeValue('y'.repeat(10_000_000)).length).toBe(MAX_DESCRIPTION_CHARS);
    expect(describeValue(Array.from({ length: 1_000_000 }, (_, i) => i))).toBe('[0,1,2,3,4,…]');
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    expect(describeValue(wide)).toBe('{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,…}');
  });
});

describe('jsonErrorDetail', () => {
  it("leaves out the text V8 quotes from the input (a file out of the tree was echoed into the message file)", () => {
    expect(jsonErrorDetail(parseError('root:x:0:0:root:/root:/bin/bash'))).toBe('Unexpected token: not valid JSON');
    expect(jsonErrorDetail(parseError('NaN'))).toBe('not valid JSON');
    expect(jsonErrorDetail(parseError('{"a":'))).toBe('Unexpected end of JSON input');
    expect(jsonErrorDetail(parseError('{"a":1} x'))).toBe('Unexpected non-whitespace character after JSON at position 8');
  });
});

describe('decoders on values nested deep or spread wide', () => {
  it('counts a request wrapped 20,000 times in {"instances": ...} without recursing', () => {
    const text = `${'{"instances":'.repeat(20_000)}[1,2]${'}'.repeat(20_000)}`;
    expect(countRequestRecords({ kind: 'json', text }).counts).toEqual([2, 1]);
  });

  it('names a deep payload_index and a deep encoding as the problem of their record', () => {
    const items = JSON.stringify([{ payload_index: 0, label: 1 }]).replace('"payload_index":0', `"payload_index":${'['.repeat(20_000)}0${']'.repeat(20_000)}`);
    expect(problemOf(() => explode(items, binary))).toEqual({ reason: 'invalid_payload_index', detail: 'payload_index [[[…]]] at position 0' });
    expect(problemOf(() => decodePayload({ data: '[1]', encoding: deep(20_000, '"JSON"') }, 'endpointOutput'))).toEqual({
      reason: 'undecodable_payload',
      detail: 'endpointOutput.encoding [[[…]]] is not JSON, CSV or BASE64',
    });
    expect(problemOf(() => decodePayload({ data: '[1]', encoding: 7 }, 'endpointInput'))).toEqual({ reason: 'undecodable_payload', detail: 'endpointInput.encoding 7 is not JSON, CSV or BASE64' });
  });

  it('keeps a deep ground-truth label as the value it is (an unusable label), never as text', () => {
    const labels = decodeGroundTruthData({ data: [deep(5_000)], encoding: 'JSON' });
    expect(labels).toBeInstanceOf(Map);
    expect(Array.isArray((labels as Map<number, unknown>).get(0))).toBe(true);
  });

  it('reads a probability vector of 300,000 classes and a wildcard path over 300,000 items (no spread of the array)', () => {
    const probabilities = Array.from({ length: 300_000 }, (_, i) => (i === 7 ? 0.5 : 0.5 / 299_999));
    expect(explode([{ label: 'x', probabilities }], multi)).toEqual([{ index: 0, label: 'x', score: 0.5, probabilities }]);
    const many = { predictions: Array.from({ length: 300_000 }, (_, i) => ({ label: i % 2 })) };
    expect(queryPath(many, compilePath('$.predictions[*].label', 'inference_attribute'))).toHaveLength(300_000);
  });
});

describe('payload indexes and binary classes (issue 14, item 11)', () => {
  it('rejects a payload_index past the records of its response, 1e20 included', () => {
    expect(problemOf(() => explode([{ payload_index: 0, label: 1 }, { payload_index: 5, label: 0 }], binary))).toEqual({
      reason: 'payload_index_out_of_range',
      detail: 'payload_index 5 in a response of 2 records (expected 0..1)',
    });
    expect(problemOf(() => explode('[{"payload_index":1e20,"label":1}]', binary))?.reason).toBe('payload_index_out_of_range');
    expect(explode([{ payload_index: 1, label: 1 }, { payload_index: 0, label: 0 }], binary).map((p) => p.index)).toEqual([1, 0]);
  });

  it('rejects a third predicted label once the binary classes are settled, and not before', () => {
    expect(explode([{ label: 2 }], binary)).toEqual([{ index: 0, label: '2' }]);
    expect(problemOf(() => explode([{ label: 2 }], { ...binary, binaryStrict: true }))).toEqual({
      reason: 'prediction_not_binary',
      detail: 'item 0 predicts "2", neither positive_label "1" nor the negative class "0"',
    });
    expect(explode([{ score: 0.2 }], { ...binary, binaryStrict: true })).toEqual([{ index: 0, label: '0', score: 0.2 }]);
  });

  it('says a regression prediction of 1e400 is not a finite number', () => {
    expect(problemOf(() => explode('[1e400]', { ...binary, problemType: 'Regression' }))).toEqual({
      reason: 'missing_prediction',
      detail: 'item 0 predicts Infinity, not a finite number (beyond double precision)',
    });
  });

  it('finds no negative label among Object\'s own properties', () => {
    expect(negativeLabelFor('__proto__')).toBe('not __proto__');
    expect(negativeLabelFor('constructor')).toBe('not constructor');
    expect(negativeLabelFor('0')).toBe('1');
  });
});
