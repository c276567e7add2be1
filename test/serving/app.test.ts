/**
 * The HTTP app through fastify's inject(): every route, request content type, Accept type and error status, and the
 * end-to-end agreement of /invocations with xgboost's own predictions on the demo model.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, MAX_PAYLOAD_BYTES } from '../../serving/app.ts';
import { loadModel, type LoadedModel } from '../../serving/model/load-model.ts';
import { DEMO_MODEL_DIR, readXGBoostCase, XGBOOST_FIXTURES, type XGBoostCase } from './helpers/fixtures.ts';

const demoCase = readXGBoostCase(`${XGBOOST_FIXTURES}/demo-covertype`, 'demo-covertype');
const NAMES = demoCase.featureNames!;
const ROWS = demoCase.rows.slice(0, 50) as number[][];
const EXPECTED = demoCase.predictions.slice(0, 50) as number[][];
const records = (rows: number[][]) => rows.map((r) => Object.fromEntries(NAMES.map((n, i) => [n, r[i]])));

let demo: LoadedModel;
let app: FastifyInstance;

beforeAll(async () => {
  demo = await loadModel(DEMO_MODEL_DIR);
  app = buildApp({ model: { current: demo } });
});
afterAll(async () => {
  await app.close();
});

function invoke(payload: string | Buffer, headers: Record<string, string>, target = app) {
  return target.inject({ method: 'POST', url: '/invocations', payload, headers });
}

const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));

/** Checks seed-shaped results against xgboost's probabilities for the first `n` demo rows. */
function expectSeedResults(body: unknown[], n = ROWS.length): void {
  expect(body).toHaveLength(n);
  body.forEach((item, i) => {
    const { payload_index, label, score } = item as { payload_index: number; label: number; score: number };
    expect(payload_index).toBe(i);
    expect(label).toBe(argmax(EXPECTED[i]!));
    expect(Math.abs(score - Math.max(...EXPECTED[i]!))).toBeLessThanOrEqual(1e-6);
  });
}

describe('GET /ping', () => {
  it('answers 503 while the model loads and 200 once it is loaded', async () => {
    const slot: { current: LoadedModel | undefined } = { current: undefined };
    const loading = buildApp({ model: slot });
    const before = await loading.inject({ method: 'GET', url: '/ping' });
    expect(before.statusCode).toBe(503);
    const early = await invoke('[]', { 'content-type': 'application/json' }, loading);
    expect(early.statusCode).toBe(503);
    expect(early.json()).toEqual({ error: 'ModelNotReadyError', message: 'model is still loading; retry when GET /ping answers 200' });
    slot.current = demo;
    const after = await loading.inject({ method: 'GET', url: '/ping' });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual({ status: 'healthy' });
    await loading.close();
  });
});

describe('other routes', () => {
  it('answers GET /execution-parameters for batch transform', async () => {
    const res = await app.inject({ method: 'GET', url: '/execution-parameters' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ MaxConcurrentTransforms: 1, BatchStrategy: 'MULTI_RECORD', MaxPayloadInMB: 6 });
  });

  it('answers 404 with the list of routes', async () => {
    const res = await app.inject({ method: 'GET', url: '/invocations' });
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toBe('GET /invocations is not a route; routes are GET /ping, POST /invocations, GET /execution-parameters');
  });

  it('answers a URL that cannot be decoded in the error shape', async () => {
    const res = await app.inject({ method: 'POST', url: '/%' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'BadRequest', message: expect.stringContaining('/%') });
  });
});

describe('POST /invocations: request content types', () => {
  it("scores the seed's array of records like xgboost does", async () => {
    const res = await invoke(JSON.stringify(records(ROWS)), { 'content-type': 'application/json', accept: 'application/json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expectSeedResults(res.json());
  });

  it('accepts records with features in any order, and a charset parameter', async () => {
    const shuffled = records(ROWS).map((r) => Object.fromEntries(Object.entries(r).reverse()));
    const res = await invoke(JSON.stringify(shuffled), { 'content-type': 'application/json; charset=utf-8' });
    expectSeedResults(res.json());
  });

  it('accepts an array of arrays, a columnar object, {"instances"}, {"features"} elements and a single record', async () => {
    const byArrays = await invoke(JSON.stringify(ROWS), { 'content-type': 'application/json' });
    expectSeedResults(byArrays.json());
    const columns = Object.fromEntries(NAMES.map((n, i) => [n, ROWS.map((r) => r[i])]));
    expectSeedResults((await invoke(JSON.stringify(columns), { 'content-type': 'application/json' })).json());
    expectSeedResults((await invoke(JSON.stringify({ instances: records(ROWS) }), { 'content-type': 'application/json' })).json());
    expectSeedResults((await invoke(JSON.stringify({ instances: ROWS }), { 'content-type': 'application/json' })).json());
    const features = ROWS.map((r) => ({ features: r }));
    expectSeedResults((await invoke(JSON.stringify({ instances: features }), { 'content-type': 'application/json' })).json());
    const single = await invoke(JSON.stringify(records(ROWS)[0]), { 'content-type': 'application/json' });
    expectSeedResults(single.json(), 1);
  });

  it('reads text/csv: one record per line, CRLF and blank lines tolerated, an optional header giving the order', async () => {
    const csv = ROWS.map((r) => r.join(',')).join('\r\n') + '\r\n\r\n';
    expectSeedResults((await invoke(csv, { 'content-type': 'text/csv' })).json());
    const order = NAMES.map((_, i) => i).reverse();
    const withHeader = [order.map((i) => NAMES[i]).join(','), ...ROWS.map((r) => order.map((i) => r[i]).join(','))].join('\n');
    expectSeedResults((await invoke(withHeader, { 'content-type': 'text/csv; charset=utf-8' })).json());
  });

  // The number pattern tried every split of a digit run on a failing match: an 80 KB field blocked the server for 6.7 s
  // (and /ping, and shutdown), a 6 MB one for hours. With the old pattern this test ran into its timeout.
  it('refuses a 200 KB CSV field of digits and a letter at once, as not a number', async () => {
    const response = await invoke(`${'1'.repeat(200_000)}x`, { 'content-type': 'text/csv' });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/number|feature/);
  });

  it('reads text/csv quoted everywhere (a quote-all writer), and refuses a first line of words that name no feature as data', async () => {
    const quoted = ROWS.map((r) => r.map((v) => `"${v}"`).join(',')).join('\n');
    expectSeedResults((await invoke(quoted, { 'content-type': 'text/csv' })).json());
    // A single quoted record is data, not a header of unknown features.
    expectSeedResults((await invoke(ROWS[0]!.map((v) => `"${v}"`).join(','), { 'content-type': 'text/csv' })).json(), 1);
    const header = [NAMES.map((n) => `"${n}"`).join(','), quoted].join('\n');
    expectSeedResults((await invoke(header, { 'content-type': 'text/csv' })).json());
    const words = await invoke(NAMES.map((_, i) => `w${i}`).join(','), { 'content-type': 'text/csv' });
    expect(words.statusCode).toBe(400);
    expect(words.json().message).toMatch(/^record 0 \(line 1\): feature "[^"]+" \(column 1\) is not a number: "w0"/);
  });

  it('reads application/jsonlines: one record (object, array or {"features"}) per line', async () => {
    const lines = ROWS.map((r, i) => JSON.stringify(i % 3 === 0 ? records([r])[0] : i % 3 === 1 ? r : { features: r })).join('\n');
    expectSeedResults((await invoke(lines, { 'content-type': 'application/jsonlines' })).json());
    expectSeedResults((await invoke(lines, { 'content-type': 'application/x-jsonlines' })).json());
  });

  it('treats null, an empty CSV field and "nan" as missing values, as xgboost does with NaN', async () => {
    const c = readXGBoostCase(`${XGBOOST_FIXTURES}/missing-values`, 'missing-values');
    const model = await loadModel(c.modelPath('json'));
    const missingApp = buildApp({ model: { current: model } });
    const asRecords = c.rows.map((r) => Object.fromEntries(c.featureNames!.map((n, i) => [n, r[i]])));
    const byJson = (await invoke(JSON.stringify(asRecords), { 'content-type': 'application/json', accept: 'application/json; verbose=true' }, missingApp)).json();
    const csv = c.rows.map((r, k) => r.map((v) => (v === null ? (k % 2 ? '' : 'nan') : v)).join(',')).join('\n');
    const byCsv = (await invoke(csv, { 'content-type': 'text/csv', accept: 'application/json; verbose=true' }, missingApp)).json();
    expect(byCsv).toEqual(byJson);
    byJson.forEach((item: { probabilities: number[] }, i: number) => {
      item.probabilities.forEach((p, k) => expect(Math.abs(p - (c.predictions[i] as number[])[k]!)).toBeLessThanOrEqual(1e-6));
    });
    await missingApp.close();
  });
});

describe('POST /invocations: Accept types', () => {
  const body = JSON.stringify(records(ROWS.slice(0, 3)));
  const headers = (accept?: string) => ({ 'content-type': 'application/json', ...(accept ? { accept } : {}) });

  it('answers JSON without an Accept header and for */*', async () => {
    for (const accept of [undefined, '*/*', 'application/*']) {
      const res = await invoke(body, headers(accept));
      expect(res.headers['content-type']).toBe('application/json');
      expectSeedResults(res.json(), 3);
    }
  });

  it('answers text/csv with label,score per record', async () => {
    const res = await invoke(body, headers('text/csv'));
    expect(res.headers['content-type']).toBe('text/csv');
    const lines = res.body.trimEnd().split('\n').map((l) => l.split(',').map(Number));
    expect(lines).toHaveLength(3);
    lines.forEach(([label, score], i) => {
      expect(label).toBe(argmax(EXPECTED[i]!));
      expect(Math.abs(score! - Math.max(...EXPECTED[i]!))).toBeLessThanOrEqual(1e-6);
    });
  });

  it('answers application/jsonlines with one object per line', async () => {
    const res = await invoke(body, headers('application/jsonlines'));
    expect(res.headers['content-type']).toBe('application/jsonlines');
    expectSeedResults(res.body.trimEnd().split('\n').map((l) => JSON.parse(l)), 3);
  });

  it('adds the class probabilities when the Accept type says verbose=true', async () => {
    const res = await invoke(body, headers('application/json; verbose=true'));
    res.json().forEach((item: { probabilities: number[] }, i: number) => {
      expect(item.probabilities).toHaveLength(7);
      item.probabilities.forEach((p, k) => expect(Math.abs(p - EXPECTED[i]![k]!)).toBeLessThanOrEqual(1e-6));
    });
    const csv = await invoke(body, headers('text/csv; verbose=true'));
    expect(csv.body.split('\n')[0]!.split(',')).toHaveLength(9);
  });

  it('picks the supported type with the highest q', async () => {
    const res = await invoke(body, headers('application/xml, text/csv;q=0.5, application/jsonlines;q=0.9'));
    expect(res.headers['content-type']).toBe('application/jsonlines');
    const csv = await invoke(body, headers('application/json;q=0, text/*'));
    expect(csv.headers['content-type']).toBe('text/csv');
  });

  it('lets the most specific range decide a type (RFC 9110 12.5.1): q=0 on JSON refuses it even beside */*', async () => {
    const notJson = await invoke(body, headers('application/json;q=0, */*'));
    expect(notJson.statusCode).toBe(200);
    expect(notJson.headers['content-type']).toBe('text/csv');
    // A wildcard with a lower q than the exact type does not lower it; a tie goes to the range written first.
    expect((await invoke(body, headers('*/*;q=0.1, application/jsonlines'))).headers['content-type']).toBe('application/jsonlines');
    expect((await invoke(body, headers('text/csv, application/json'))).headers['content-type']).toBe('text/csv');
    expect((await invoke(body, headers('application/json;q=0, text/csv;q=0, application/jsonlines;q=0, */*'))).statusCode).toBe(406);
    // verbose=TRUE is read in any case.
    expect((await invoke(body, headers('application/json; verbose=TRUE'))).json()[0].probabilities).toHaveLength(7);
  });

  it('answers 406 when no Accept type is supported', async () => {
    const res = await invoke(body, headers('application/xml'));
    expect(res.statusCode).toBe(406);
    expect(res.json()).toEqual({
      error: 'NotAcceptableError',
      message: 'Accept "application/xml" names no supported type; supported types are: application/json, text/csv, application/jsonlines, application/jsonl, application/x-jsonlines',
    });
  });
});

describe('POST /invocations: response shapes per objective', () => {
  async function appFor(name: string): Promise<{ c: XGBoostCase; target: FastifyInstance }> {
    const c = readXGBoostCase(`${XGBOOST_FIXTURES}/${name}`, name);
    return { c, target: buildApp({ model: { current: await loadModel(c.modelPath('ubj')) } }) };
  }

  it('binary:logistic: label is P(1) > 0.5, score is P(1), verbose [P(0), P(1)]', async () => {
    const { c, target } = await appFor('binary-logistic');
    const res = await invoke(JSON.stringify(c.rows), { 'content-type': 'application/json', accept: 'application/json; verbose=true' }, target);
    res.json().forEach((item: { label: number; score: number; probabilities: number[] }, i: number) => {
      const p1 = c.predictions[i] as number;
      expect(item.label).toBe(p1 > 0.5 ? 1 : 0);
      expect(Math.abs(item.score - p1)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(item.probabilities[0]! - (1 - p1))).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(item.probabilities[1]! - p1)).toBeLessThanOrEqual(1e-6);
    });
    await target.close();
  });

  it('binary:logitraw: score is the raw margin, label its sign', async () => {
    const { c, target } = await appFor('binary-logitraw');
    const res = await invoke(JSON.stringify(c.rows), { 'content-type': 'application/json' }, target);
    res.json().forEach((item: { label: number; score: number }, i: number) => {
      expect(Math.abs(item.score - (c.predictions[i] as number))).toBeLessThanOrEqual(1e-6);
      expect(item.label).toBe(item.score > 0 ? 1 : 0);
    });
    await target.close();
  });

  it('binary:hinge: label is what xgboost predicts (0 or 1), score the margin', async () => {
    const { c, target } = await appFor('binary-hinge');
    const res = await invoke(JSON.stringify(c.rows), { 'content-type': 'application/json', accept: 'application/json; verbose=true' }, target);
    const items = res.json() as Array<{ label: number; score: number; probabilities?: number[] }>;
    expect(items.map((item) => item.label)).toEqual(c.predictions);
    items.forEach((item, i) => {
      expect(Math.abs(item.score - (c.margins[i] as number))).toBeLessThanOrEqual(1e-6);
      expect(item.probabilities).toBeUndefined();
    });
    expect(new Set(items.map((item) => item.label))).toEqual(new Set([0, 1]));
    await target.close();
  });

  it('multi:softmax: label is the class xgboost predicts', async () => {
    const { c, target } = await appFor('multi-softmax');
    const res = await invoke(JSON.stringify(c.rows), { 'content-type': 'application/json' }, target);
    expect(res.json().map((item: { label: number }) => item.label)).toEqual(c.predictions);
    await target.close();
  });

  it('regression: {payload_index, score} in JSON, the value alone in CSV', async () => {
    const { c, target } = await appFor('reg-squarederror');
    const res = await invoke(JSON.stringify(c.rows), { 'content-type': 'application/json' }, target);
    res.json().forEach((item: Record<string, number>, i: number) => {
      expect(Object.keys(item)).toEqual(['payload_index', 'score']);
      expect(Math.abs(item['score']! - (c.predictions[i] as number))).toBeLessThanOrEqual(1e-6);
    });
    const csv = await invoke(JSON.stringify(c.rows), { 'content-type': 'application/json', accept: 'text/csv' }, target);
    expect(csv.body.trimEnd().split('\n').map(Number)).toEqual(res.json().map((item: { score: number }) => item.score));
    await target.close();
  });

  it('a model without feature names takes records named f0..fN or arrays', async () => {
    const { c, target } = await appFor('no-feature-names');
    const named = c.rows.map((r) => Object.fromEntries(r.map((v, i) => [`f${i}`, v])));
    const a = await invoke(JSON.stringify(named), { 'content-type': 'application/json' }, target);
    const b = await invoke(JSON.stringify(c.rows), { 'content-type': 'application/json' }, target);
    expect(a.statusCode).toBe(200);
    expect(a.json()).toEqual(b.json());
    const bad = await invoke(JSON.stringify([{ x: 1 }]), { 'content-type': 'application/json' }, target);
    expect(bad.json().message).toBe('record 0: unknown feature "x"; the model has no feature names, so records name features f0 to f4');
    await target.close();
  });
});

describe('POST /invocations: errors', () => {
  const json = { 'content-type': 'application/json' };
  const record = records(ROWS.slice(0, 1))[0]!;

  async function expectError(payload: string | Buffer, headers: Record<string, string>, status: number, message: string) {
    const res = await invoke(payload, headers);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json().message).toBe(message);
  }

  it('answers 415 without a Content-Type or for an unsupported one', async () => {
    const res = await app.inject({ method: 'POST', url: '/invocations', payload: Buffer.from('[]') });
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toBe('UnsupportedMediaTypeError');
    await expectError('x', { 'content-type': 'application/x-npy' }, 415,
      'Content-Type "application/x-npy" is not supported; supported types are: application/json, text/csv, application/jsonlines, application/jsonl, application/x-jsonlines');
  });

  it("answers 413 above SageMaker's 6 MB limit", async () => {
    const res = await invoke(Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20), json);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: 'PayloadTooLargeError', message: "request body is larger than SageMaker's 6 MB limit (6291456 bytes)" });
    const atLimit = await invoke(Buffer.concat([Buffer.from(JSON.stringify([record])), Buffer.alloc(MAX_PAYLOAD_BYTES - JSON.stringify([record]).length, 0x20)]), json);
    expect(atLimit.statusCode).toBe(200);
  });

  it('answers 400 for an empty body or no records', async () => {
    await expectError('', json, 400, 'request body is empty; send one or more records');
    await expectError('[]', json, 400, 'application/json: the payload has no records');
    await expectError('\n\n', { 'content-type': 'text/csv' }, 400, 'text/csv: the payload has no records');
    await expectError('\n', { 'content-type': 'application/jsonlines' }, 400, 'application/jsonlines: the payload has no records');
  });

  it('answers 400 naming the record and the feature', async () => {
    const { Elevation: _dropped, ...missing } = record;
    await expectError(JSON.stringify([record, missing]), json, 400, 'record 1: missing feature "Elevation"; send null for a missing value');
    await expectError(JSON.stringify([{ ...record, Elevaton: 1 }]), json, 400,
      `record 0: unknown feature "Elevaton" (did you mean "Elevation"?); the model's 54 features are: ${NAMES.join(', ')}`);
    await expectError(JSON.stringify([record, { ...record, Slope: '12' }]), json, 400, 'record 1: feature "Slope" must be a number or null, got "12"');
    await expectError(JSON.stringify([ROWS[0]!.slice(1)]), json, 400, 'record 0: has 53 values, the model expects 54 features');
    await expectError(JSON.stringify({ instances: [record, 5] }), json, 400, 'instances[1]: expected an object or an array of values, got 5');
    await expectError(JSON.stringify('hello'), json, 400, 'application/json: expected an array of records or an object, got "hello"');
  });

  it('answers 400 for malformed JSON, CSV and JSON Lines', async () => {
    const res = await invoke('[{"a":', json);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/^application\/json: body is not valid JSON \(/);
    const csv = [ROWS[0]!.join(','), ROWS[1]!.map((v, i) => (i === 2 ? 'abc' : v)).join(',')].join('\n');
    await expectError(csv, { 'content-type': 'text/csv' }, 400, 'record 1 (line 2): feature "Slope" (column 3) is not a number: "abc"');
    await expectError(ROWS[0]!.slice(2).join(','), { 'content-type': 'text/csv' }, 400, 'record 0 (line 1): has 52 values, the model expects 54 features');
    const lines = await invoke(`${JSON.stringify(record)}\n{oops`, { 'content-type': 'application/jsonlines' });
    expect(lines.statusCode).toBe(400);
    // The text in parentheses is V8's and changes between Node versions.
    expect(lines.json().message).toMatch(/^record 1 \(line 2\): not valid JSON \(/);
    await expectError(Buffer.from([0x5b, 0xff, 0x5d]), json, 400, 'request body is not valid UTF-8 text');
  });

  it('answers 400 for a columnar object with unequal columns or a scalar column', async () => {
    await expectError(JSON.stringify({ Elevation: [1, 2], Aspect: [1] }), json, 400,
      'columnar object: column "Aspect" has 1 values, column "Elevation" has 2; every column needs one value per record');
    await expectError(JSON.stringify({ Elevation: [1, 2], Aspect: 'x' }), json, 400, 'columnar object: column "Aspect" must be an array of values, got "x"');
  });

  it('logs an unexpected failure and answers a plain 500', async () => {
    const broken = buildApp({
      model: {
        get current(): LoadedModel {
          throw new Error('disk on fire');
        },
      },
    });
    const res = await invoke('[]', json, broken);
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'InternalServerError', message: 'internal error; see the server log' });
    await broken.close();
  });
});
