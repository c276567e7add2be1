/**
 * @module The count-only byte decode of capture lines against the JSON.parse-based decode (decodeCaptureLine) on
 * the same lines: same DecodedLine, same warnings, same problem reason and detail, for every payload encoding and
 * content type, key order, repeated or escaped keys, broken lines and broken requests, with the WebAssembly and the
 * JavaScript scans, the count check on and off; then on random lines (fast-check).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonLiteral, type LiteralEscape } from '../../test/helpers/json-literal.ts';
import { decodeCaptureLineBytes } from './decode-capture-bytes.ts';
import { decodeCaptureLine, type CaptureLineOptions, type LineWarning } from './decode-capture-line.ts';
import { setRequestScanEngine } from './request-scan-wasm.ts';
import type { ProblemType } from '../metrics/types.ts';

const CAPTURE: CaptureLineOptions['format'] = { kind: 'sagemakerCaptureJson', captureIndexNames: ['endpointInput', 'endpointOutput'] };
const options = (checkRequestCount: boolean, extra: Partial<CaptureLineOptions> = {}): CaptureLineOptions => ({
  response: { problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0' },
  window: { start: Date.UTC(2024, 4, 6, 22), end: Date.UTC(2024, 4, 6, 23) },
  format: CAPTURE,
  checkRequestCount,
  ...extra,
});

function outcome(decode: (warn: (w: LineWarning) => void) => unknown): unknown {
  const warnings: LineWarning[] = [];
  try {
    return { decoded: decode((w) => warnings.push(w)), warnings };
  } catch (error) {
    const e = error as { reason?: string; detail?: string; message: string };
    if (e.reason === undefined) throw error;
    return { reason: e.reason, detail: e.detail, warnings };
  }
}

/** The byte decode gives what the JSON.parse-based decode gives, with both scan engines and both count settings. */
function agree(line: string | Buffer, extra: Partial<CaptureLineOptions> = {}): void {
  const bytes = typeof line === 'string' ? Buffer.from(line) : line;
  for (const check of [true, false]) {
    const o = options(check, extra);
    const want = outcome((warn) => decodeCaptureLine(bytes.toString('utf8'), o, warn));
    for (const engine of ['wasm', 'js'] as const) {
      setRequestScanEngine(engine);
      expect({ engine, check, got: outcome((warn) => decodeCaptureLineBytes(bytes, o, warn)) }).toEqual({ engine, check, got: want });
    }
  }
}
afterAll(() => setRequestScanEngine('wasm'));

interface Parts {
  request?: string;
  requestLiteral?: string;
  encoding?: string;
  contentType?: string;
  response?: string;
  responseType?: string;
  meta?: Record<string, unknown>;
  /** The order of endpointInput's keys. */
  order?: Array<'observedContentType' | 'mode' | 'data' | 'encoding'>;
  escape?: LiteralEscape;
}

const TWO = JSON.stringify([
  { payload_index: 0, label: 1 },
  { payload_index: 1, label: 0 },
]);

/** A capture line as the service writes it, with the parts chosen. */
function line(p: Parts = {}): string {
  const input: Record<string, string | undefined> = {
    observedContentType: p.contentType === undefined ? JSON.stringify('application/json') : p.contentType === '' ? undefined : JSON.stringify(p.contentType),
    mode: JSON.stringify('INPUT'),
    data: p.requestLiteral ?? jsonLiteral(p.request ?? '[{"a":1},{"a":2}]', p.escape ?? 'plain'),
    encoding: JSON.stringify(p.encoding ?? 'JSON'),
  };
  const order = p.order ?? ['observedContentType', 'mode', 'data', 'encoding'];
  const inputText = `{${order
    .filter((k) => input[k] !== undefined)
    .map((k) => `"${k}":${input[k]}`)
    .join(',')}}`;
  const output = `{"observedContentType":${JSON.stringify(p.responseType ?? 'application/json')},"mode":"OUTPUT","data":${JSON.stringify(p.response ?? TWO)},"encoding":"JSON"}`;
  const meta = JSON.stringify({ eventId: 'e-1', inferenceId: 'id-1', inferenceTime: '2024-05-06T22:10:00Z', ...p.meta });
  return `{"captureData":{"endpointInput":${inputText},"endpointOutput":${output}},"eventMetadata":${meta},"eventVersion":"0"}`;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('decodeCaptureLineBytes against decodeCaptureLine', () => {
  it("decodes the seed's lines and today's count mismatches identically", () => {
    agree(line());
    agree(line({ request: '[{"a":1},{"a":2},{"a":3}]' }));
    agree(line({ request: '[{"a":1}]' }));
    agree(line({ request: '[]' }));
    agree(line({ request: '[1, 2]' }));
    agree(line({ request: '{"instances":[{"f":[1]},{"f":[2]}]}' }));
    agree(line({ request: '{"instances":[1,2,3]}' }));
    agree(line({ request: '{"f1":[1,2],"f2":[3,4]}' }));
    agree(line({ request: '{"f1":{"0":1,"1":2},"f2":{"0":3,"1":4}}' }));
    agree(line({ request: '{"inputs":{"f1":{"0":1,"1":2}}}' }));
    agree(line({ request: '[{"s":"],[{\\"x"},{"s":"\\u005d"}]' }));
  });

  for (const escape of ['unicode-structural', 'unicode-all', 'solidus'] as const) {
    it(`reads requests escaped another way at the line level (${escape})`, () => {
      agree(line({ request: '[{"a":"x/y"},{"a":[1,{"b":null}]}]', escape }));
      agree(line({ request: '{"instances":[[1],[2]]}', escape }));
      agree(line({ request: '1,2\n3,4\n', contentType: 'text/csv', encoding: 'CSV', escape }));
    });
  }

  it('reads CSV and JSON Lines requests by content type, then encoding, wherever observedContentType sits', () => {
    for (const order of [
      ['observedContentType', 'mode', 'data', 'encoding'],
      ['data', 'encoding', 'observedContentType', 'mode'],
    ] as Parts['order'][]) {
      agree(line({ request: '1,2\r\n3,4\r\n', contentType: 'text/csv', encoding: 'CSV', order }));
      agree(line({ request: '1,2\n3,4\n5,6', contentType: 'text/csv; charset=utf-8', encoding: 'CSV', order }));
      agree(line({ request: '{"a":1}\n{"a":2}\n', contentType: 'application/jsonlines', order }));
      agree(line({ request: '1,2\n3,4', contentType: '', encoding: 'CSV', order }));
      agree(line({ request: '1,2\n3,4', contentType: 'application/octet-stream', encoding: 'CSV', order }));
      agree(line({ request: '[{"a":1},{"a":2}]', contentType: 'text/csv', encoding: 'JSON', order }));
      agree(line({ request: '1,2\n3,4', contentType: 'application/json', encoding: 'CSV', order }));
      agree(line({ request: '[{"a":1},{"a":2}]', contentType: 'application/vnd.x+json', order }));
    }
  });

  it('counts a CSV request with quoted line breaks and commas as its records (RFC 4180), by bytes as by text', () => {
    const quoted = '"great product\nwould buy again",4.5\n"a, b",3\n';
    for (const escape of ['plain', 'unicode-structural', 'unicode-all'] as const) {
      agree(line({ request: quoted, contentType: 'text/csv', encoding: 'CSV', escape }));
      agree(line({ request: quoted.replace('\n"a, b",3\n', ''), contentType: 'text/csv', encoding: 'CSV', escape, response: '[{"label":1}]' }));
    }
    agree(line({ request: b64(quoted), contentType: 'text/csv', encoding: 'BASE64' }));
    // Two records: the response's two predictions are read, no count mismatch.
    const decoded = decodeCaptureLineBytes(Buffer.from(line({ request: quoted, contentType: 'text/csv', encoding: 'CSV' })), options(true), () => undefined);
    expect(decoded.status === 'ok' && decoded.predictions.length).toBe(2);
    // A stray quote at a field's start that never closes is text: the lines are the records.
    agree(line({ request: '"5 inch,1\n2,3\n', contentType: 'text/csv', encoding: 'CSV' }));
    const stray = decodeCaptureLineBytes(Buffer.from(line({ request: '"5 inch,1\n2,3\n', contentType: 'text/csv', encoding: 'CSV' })), options(true), () => undefined);
    expect(stray.status === 'ok' && stray.predictions.length).toBe(2);
  });

  it('decodes BASE64 requests first, and refuses bad base64 and unreadable content types as today', () => {
    agree(line({ request: b64('[{"a":1},{"a":2}]'), encoding: 'BASE64' }));
    agree(line({ request: b64('[{"a":1}]'), encoding: 'BASE64' }));
    agree(line({ request: b64('1,2\n3,4\n'), encoding: 'BASE64', contentType: 'text/csv' }));
    agree(line({ request: b64('{"a":1}\n{"a":2}'), encoding: 'BASE64', contentType: '' }));
    agree(line({ request: b64('[{"a":"\u0001"},{"a":"\\""}]'), encoding: 'BASE64' }));
    agree(line({ request: b64('[{"a":1},{"a":2]'), encoding: 'BASE64' }));
    agree(line({ request: '@@not base64@@', encoding: 'BASE64' }));
    agree(line({ request: b64('[1,2]'), encoding: 'BASE64', contentType: 'image/png' }));
    agree(line({ request: `${b64('[{"a":1},{"a":2}]')}\n`, encoding: 'BASE64', escape: 'solidus' }));
    agree(Buffer.from(line({ requestLiteral: JSON.stringify(Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x2c, 0x31, 0x5d]).toString('base64')), encoding: 'BASE64' })));
  });

  it('refuses a request or response that starts with a byte order mark with the same detail, naming it', () => {
    agree(line({ request: '\ufeff[{"a":1},{"a":2}]' }));
    agree(line({ request: b64('\ufeff[{"a":1},{"a":2}]'), encoding: 'BASE64' }));
    agree(line({ response: '\ufeff' + TWO }));
  });

  it('refuses requests that are not JSON with the same detail (undecodable_payload)', () => {
    for (const request of ['[{"a":1},{"a":2}', '[{"a":1},]', '["unterminated', '{"a" 1}', '', 'not json', '[1] [2]', '[\u0001]']) agree(line({ request }));
    agree(line({ request: '[1,2]', encoding: 'XML' }));
    // An encoding that is not a string: refused as decodePayload refuses it (null reads as JSON, as there).
    for (const encoding of ['5', 'true', '{}', '["JSON"]', 'null']) agree(line().replace('"encoding":"JSON"', `"encoding":${encoding}`));
  });

  it('refuses broken lines with the same invalid_json detail', () => {
    const good = line();
    for (const cut of [10, 60, 100, 120, good.length - 3, good.length - 1]) agree(good.slice(0, cut));
    agree(good.replace('\\"a\\":1', '\\x'));
    agree(good.replace('\\"a\\":1', '\\u12'));
    agree(good.replace('[{', '[\t{'));
    agree(`${good}x`);
    agree(`${good},`);
    agree(good.replace('"eventVersion":"0"', '"eventVersion":0,'));
    agree(good.replace('"endpointOutput"', '"endpointOutput" '));
    agree('');
    agree('[]');
    agree('"text"');
    agree('{"captureData":{"endpointInput":{"data":"[1]');
    agree('{"captureData":{"endpointInput":{"data":"[1]\\');
  });

  it('keeps the request JSON.parse would keep: repeated keys (the last wins), escaped keys, other places', () => {
    const g = line();
    // a second data, endpointInput or captureData replaces the first
    agree(g.replace('"encoding":"JSON"}', '"encoding":"JSON","data":"[1,2,3]"}'));
    agree(g.replace('"encoding":"JSON"}', '"encoding":"JSON","data":"[1,2"}'));
    agree(g.replace('"encoding":"JSON"}', '"encoding":"JSON","data":5}'));
    agree(g.replace('"data":"[{\\"a\\":1},{\\"a\\":2}]"', '"data":"[{\\"a\\""'));
    agree(g.replace('"data":"[{', '"data":"[1,2,3]","data":"[{'));
    agree(g.replace('"captureData":{', '"captureData":{"endpointInput":{"data":"[1,2,3]"},'));
    agree(g.replace(',"eventVersion"', ',"captureData":{"endpointOutput":{"data":"[1,2]"}},"eventVersion"'));
    agree(g.replace('{"captureData"', '{"captureData":{"endpointInput":{"data":"[[[["}},"captureData"'));
    // keys escaped at the line level
    agree(g.replace('"data":"[{', '"d\\u0061ta":"[{'));
    agree(g.replace('"endpointInput"', '"endpoint\\u0049nput"'));
    agree(g.replace('"captureData"', '"\\u0063aptureData"'));
    agree(g.replace('"observedContentType":"application/json"', '"observed\\u0043ontentType":"text/csv"'));
    // a data string elsewhere, a data that is not a string, no request at all
    agree(g.replace('"eventVersion":"0"', '"eventVersion":"0","other":{"endpointInput":{"data":"[1"}}'));
    agree(g.replace('"data":"[{\\"a\\":1},{\\"a\\":2}]"', '"data":null'));
    agree(g.replace('"data":"[{\\"a\\":1},{\\"a\\":2}]"', '"data":["[1]"]'));
    agree(g.replace(/"endpointInput":\{[^}]*\},/, ''));
    agree(g.replace('"captureData":{', '"captureData":[{').replace(',"eventMetadata"', '],"eventMetadata"'));
    // the placeholder's own text as a request is still read from the bytes
    agree(line({ request: '\u0000mpm:request\u0000' }));
  });

  it('reads invalid UTF-8 as U+FFFD in the request and in the rest of the line', () => {
    const g = Buffer.from(line({ request: '[{"a":"XX"},{"a":2}]' }));
    const at = g.indexOf('XX');
    agree(Buffer.concat([g.subarray(0, at), Buffer.from([0xff, 0xc3]), g.subarray(at + 2)]));
    const id = g.indexOf('id-1');
    agree(Buffer.concat([g.subarray(0, id), Buffer.from([0xe2, 0x82]), g.subarray(id + 2)]));
    const bracket = g.indexOf('[{');
    agree(Buffer.concat([g.subarray(0, bracket + 1), Buffer.from([0xff]), g.subarray(bracket + 1)]));
  });

  it('keeps the checks before the count: window, shadow traffic, ids, the response, merged labels', () => {
    agree(line({ meta: { inferenceTime: '2024-05-06T23:10:00Z' }, request: '[1' }));
    agree(line({ meta: { invocationSource: 'ShadowExperiment' } }));
    agree(line({ meta: { inferenceTime: 'never' } }));
    agree(line({ meta: { inferenceTime: undefined } }), { window: {} });
    agree(line({ meta: { inferenceId: undefined, eventId: undefined } }));
    agree(line({ response: '[{"payload_index":0,"label":1},{"payload_index":0,"label":1}]', request: '[1' }));
    agree(line({ response: 'not json', request: '[1' }));
    agree(line({ response: '1\n0\n', responseType: 'text/csv' }));
    const merged: Partial<CaptureLineOptions> = { format: { kind: 'sagemakerMergeJson', captureIndexNames: ['endpointInput', 'endpointOutput'] } };
    agree(line().replace(',"eventVersion"', ',"groundTruthData":{"data":"1","encoding":"CSV"},"eventVersion"'), merged);
    agree(line(), merged);
  });
});

/** Random requests of the shapes the monitor reads, with their content type and encoding. */
const request = fc.oneof(
  fc.array(fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), { minLength: 1, maxLength: 4 }).map((v) => ({ text: JSON.stringify(v), type: 'application/json', encoding: 'JSON' })),
  fc.array(fc.array(fc.integer(), { maxLength: 3 }), { minLength: 1, maxLength: 4 }).map((v) => ({ text: JSON.stringify({ instances: v }), type: 'application/json', encoding: 'JSON' })),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.array(fc.integer(), { minLength: 2, maxLength: 2 }), { minKeys: 1, maxKeys: 3 }).map((v) => ({ text: JSON.stringify(v), type: 'application/json', encoding: 'JSON' })),
  fc.array(fc.string(), { minLength: 1, maxLength: 4 }).map((v) => ({ text: v.join('\n'), type: 'text/csv', encoding: 'CSV' })),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 1, maxLength: 4 }).map((v) => ({ text: v.map((x) => JSON.stringify(x)).join('\n'), type: 'application/jsonlines', encoding: 'JSON' })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ text: JSON.stringify(v), type: 'application/json', encoding: 'BASE64' })),
);

describe('decodeCaptureLineBytes properties (fast-check)', () => {
  it('decodes random capture lines (random requests, escapes, key orders, response sizes) as decodeCaptureLine', () => {
    fc.assert(
      fc.property(
        request,
        fc.constantFrom<LiteralEscape>('plain', 'unicode-structural', 'unicode-all', 'solidus'),
        fc.shuffledSubarray(['observedContentType', 'mode', 'data', 'encoding'] as const, { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (r, escape, order, n) => {
          const response = JSON.stringify(Array.from({ length: n }, (_, i) => ({ payload_index: i, label: i % 2 })));
          const text = r.encoding === 'BASE64' ? b64(r.text) : r.text;
          agree(line({ request: text, contentType: r.type, encoding: r.encoding, escape, order: [...order], response }));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('gives the same problem for randomly damaged lines', () => {
    fc.assert(
      fc.property(
        request,
        fc.nat(),
        fc.constantFrom('cut', 'drop', 'insert'),
        fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', 'x', '\u0001', '\\u00'),
        (r, where, how, ch) => {
          const text = r.encoding === 'BASE64' ? b64(r.text) : r.text;
          const g = line({ request: text, contentType: r.type, encoding: r.encoding });
          const at = where % (g.length + 1);
          const damaged = how === 'cut' ? g.slice(0, at) : how === 'drop' ? g.slice(0, at) + g.slice(at + 1) : g.slice(0, at) + ch + g.slice(at);
          agree(damaged);
        },
      ),
      { numRuns: 600 },
    );
  });
});

describe('responses read from the bytes as flat records (flat-response.ts) against JSON.parse', () => {
  const RESPONSES = [
    '[{"payload_index": 0, "label": 4, "score": 0.5069352984428406}, {"payload_index": 1, "label": 1, "score": 0.12345678901234567}]',
    '[{"payload_index":1,"label":"b"},{"payload_index":0,"label":"a"}]',
    '[{"label":1},{"label":0}]',
    '[{"payloadIndex":1,"label":1},{"payloadIndex":0,"label":0}]',
    '[{"payload_index":null,"payloadIndex":1,"label":1},{"payload_index":0,"payloadIndex":9,"label":0}]',
    // a repeated key: the last one wins, wherever it is
    '[{"payload_index":5,"label":1,"payload_index":0},{"label":2,"payload_index":1,"label":0}]',
    // the first label and score keys of their lists, whatever the order in the record
    '[{"prediction":1,"label":0,"confidence":0.4,"score":0.9},{"class":1,"probability":0.2,"payload_index":1}]',
    '[{"predicted_value":3.5},{"value":2.5},{"output":1.5}]',
    '[{"label":null},{"label":true}]',
    '[{"label":false,"score":"0.75"},{"label":"1","score":"x"}]',
    '[{"label":"é ☃ 😀"},{"label":"ok"}]',
    '[{"label":1,"score":1e-05},{"label":0,"score":-0.0}]',
    '[{"label":1,"score":123456789012345678901234567890},{"label":0,"score":1.7976931348623157e308}]',
    '[{"payload_index":"1","label":1},{"payload_index":"0","label":0}]',
    '[{"payload_index":1.5,"label":1}]',
    '[{"payload_index":-1,"label":1}]',
    '[{"payload_index":0,"label":1},{"payload_index":0,"label":0}]',
    '[{"payload_index":2,"label":1},{"payload_index":0,"label":0}]',
    '[{"id":7,"other":"x"},{"id":8}]',
    '[{}, {}]',
    '[{"label":1},{"label":0},{"label":1}]',
    // not flat: read the JSON.parse way
    '[{"label":1,"probabilities":[0.1,0.9]},{"label":0,"probabilities":[0.8,0.2]}]',
    '[{"label":"a\\"b"},{"label":"c"}]',
    '[{"la\\u0062el":1},{"label":0}]',
    '[]',
    '[1, 0]',
    '[0.9, 0.1]',
    '{"predictions":[{"label":1},{"label":0}]}',
    '[{"label":1},]',
    '[{"label":01},{"label":0}]',
  ];

  it('reads every flat response as extract-response.ts reads the objects JSON.parse makes', () => {
    for (const response of RESPONSES) {
      agree(line({ response }));
      agree(line({ response }), { keepRaw: true });
      agree(line({ response }), { response: { problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0' } });
      agree(line({ response }), { response: { problemType: 'Regression', positiveLabel: '1', negativeLabel: '0' } });
      agree(line({ response, responseType: 'text/csv' }));
      agree(line({ response, responseType: '' }));
    }
  });

  it('reads the response JSON.parse keeps: before the request, repeated, or replaced by a later captureData', () => {
    const r = (labels: number[]): string => JSON.stringify(JSON.stringify(labels.map((label) => ({ label }))));
    const input = '{"observedContentType":"application/json","mode":"INPUT","data":"[{\\"a\\":1},{\\"a\\":2}]","encoding":"JSON"}';
    const output = (data: string): string => `{"observedContentType":"application/json","mode":"OUTPUT","data":${data},"encoding":"JSON"}`;
    const meta = '"eventMetadata":{"eventId":"e-1","inferenceId":"id-1","inferenceTime":"2024-05-06T22:10:00Z"}';
    for (const captureData of [
      `{"endpointOutput":${output(r([1, 0]))},"endpointInput":${input}}`,
      `{"endpointInput":${input},"endpointOutput":${output(r([1, 0]))},"endpointOutput":${output(r([0, 1]))}}`,
      `{"endpointInput":${input},"endpointOutput":{"data":${r([1, 1])},"data":${r([0, 0])}}}`,
      `{"endpointInput":${input},"endpointOutput":{"data":${r([1, 1])},"data":5}}`,
      `{"endpointInput":${input},"endpointOutput":${output(r([1, 0]))},"endpointOutput":7}`,
      `{"endpointInput":{"data":${r([1])}},"endpointOutput":${output(r([1, 0]))},"endpointInput":${input}}`,
      `{"endpointInput":${input},"endpointOutput":${output(r([1, 0, 1]))}}`,
    ]) {
      agree(`{"captureData":${captureData},${meta}}`);
      agree(`{"captureData":{"endpointInput":${input},"endpointOutput":${output(r([1, 1]))}},"captureData":${captureData},${meta}}`);
    }
  });

  const flatValue = fc.oneof(
    fc.integer({ min: -3, max: 5 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0.5069352984428406, 0.30000000000000004, 1e-7, -0, 1e21),
    fc.string({ maxLength: 4 }),
    fc.constantFrom('0', '1', '2.5', ' 3 ', 'é', true, false, null),
  );
  const flatKey = fc.constantFrom('payload_index', 'payloadIndex', 'label', 'predicted_label', 'prediction', 'class', 'value', 'score', 'probability', 'confidence', 'id', 'x');
  it('reads random flat responses (keys of every role in any order, repeated, values of every kind) as JSON.parse', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(flatKey, flatValue), { maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.constantFrom<ProblemType>('MulticlassClassification', 'BinaryClassification', 'Regression'),
        (records, indexed, problemType) => {
          const text = `[${records
            .map((members, i) => `{${[...(indexed ? [['payload_index', records.length - 1 - i] as const] : []), ...members].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`)
            .join(', ')}]`;
          const request = JSON.stringify(records.map(() => ({ a: 1 })));
          agree(line({ request, response: text }), { keepRaw: true, response: { problemType, positiveLabel: '1', negativeLabel: '0' } });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('decodeCaptureLineBytes never materialises the request', () => {
  it('builds no string holding the request, for JSON, CSV and JSON Lines requests, count check on or off', () => {
    const mark = 'REQUEST_MARK_1234';
    const lines = [
      line({ request: `[{"a":"${mark}"},{"a":2}]` }),
      line({ request: `{"instances":[{"a":"${mark}"},{"a":2}]}` }),
      line({ request: `${mark},1\n2,3\n`, contentType: 'text/csv', encoding: 'CSV' }),
      line({ request: `{"a":"${mark}"}\n{"a":2}`, contentType: 'application/jsonlines' }),
    ];
    const seen: string[] = [];
    const parse = JSON.parse;
    const toString = Buffer.prototype.toString;
    JSON.parse = ((text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
      seen.push(String(text));
      return parse(text, reviver);
    }) as typeof JSON.parse;
    Buffer.prototype.toString = function (this: Buffer, ...args: Parameters<Buffer['toString']>) {
      const s = toString.apply(this, args);
      seen.push(s);
      return s;
    } as Buffer['toString'];
    try {
      for (const engine of ['wasm', 'js'] as const) {
        setRequestScanEngine(engine);
        for (const l of lines) for (const check of [true, false]) expect(decodeCaptureLineBytes(Buffer.from(l), options(check), () => {}).status).toBe('ok');
      }
    } finally {
      JSON.parse = parse;
      Buffer.prototype.toString = toString;
      setRequestScanEngine('wasm');
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((s) => s.includes(mark))).toEqual([]);
  });
});
