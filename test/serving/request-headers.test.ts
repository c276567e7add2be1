/**
 * The invocation's headers over a real socket (inject() does not read header bytes as Node's parser does): the
 * inference id as the caller's UTF-8, refused when empty, sent twice or not UTF-8; a compressed body refused with
 * 415; an empty Content-Type answered like a missing one; parser errors and a request that stops arriving answered in
 * the server's error shape; an unknown feature name of megabytes not echoed back whole; `Expect: 100-continue` told
 * 413 before any upload when the declared body is over the limit, and told to continue otherwise.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../serving/app.ts';
import { CaptureWriter } from '../../serving/capture/write-capture.ts';
import { loadModel } from '../../serving/model/load-model.ts';
import { DEMO_MODEL_DIR, readXGBoostCase, XGBOOST_FIXTURES } from './helpers/fixtures.ts';

let root: string;
let app: FastifyInstance;
let capture: CaptureWriter;
let port: number;

const demo = readXGBoostCase(`${XGBOOST_FIXTURES}/demo-covertype`, 'demo-covertype');
const body = JSON.stringify(demo.rows.slice(0, 2).map((r) => Object.fromEntries(demo.featureNames!.map((n, i) => [n, r[i]]))));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mpm-headers-'));
  capture = new CaptureWriter({ root, flushIntervalMs: 0 });
  app = buildApp({ model: { current: await loadModel(DEMO_MODEL_DIR) }, capture, requestTimeoutMs: 1000 });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  port = Number(new URL(url).port);
});
afterAll(async () => {
  await app.close();
  await capture.close();
  await rm(root, { recursive: true, force: true });
});

/** Sends a request with these header lines (each value's string written as latin1 bytes, as Node's client does). */
async function invoke(headers: Array<[string, string]>, payload: string | Buffer = body): Promise<{ status: number; json: { error: string; message: string } }> {
  const bytes = Buffer.from(payload);
  const head = ['POST /invocations HTTP/1.1', 'Host: localhost', 'Connection: close', `Content-Length: ${bytes.length}`, ...headers.map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  const answer = await raw(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), bytes]));
  return { status: Number(answer.slice(9, 12)), json: JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: string; message: string } };
}

/** Writes raw bytes on a socket and gives what came back when the server closed it. */
function raw(bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

const json: [string, string] = ['Content-Type', 'application/json'];
const asSent = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

async function capturedIds(): Promise<unknown[]> {
  await capture.flush();
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const lines = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('').trimEnd().split('\n').filter(Boolean);
  return lines.map((l) => (JSON.parse(l) as { eventMetadata: { inferenceId?: string } }).eventMetadata.inferenceId);
}

describe('invocation headers over a socket', () => {
  it('captures a non-ASCII inference id as the UTF-8 the caller sent', async () => {
    const r = await invoke([json, ['X-Amzn-SageMaker-Inference-Id', asSent('café-日本-1')]]);
    expect(r.status).toBe(200);
    expect(await capturedIds()).toContain('café-日本-1');
  });

  it('refuses an inference id that is empty, sent twice, or not UTF-8, and captures none of them', async () => {
    const before = (await capturedIds()).length;
    const empty = await invoke([json, ['X-Amzn-SageMaker-Inference-Id', '']]);
    const twice = await invoke([json, ['X-Amzn-SageMaker-Inference-Id', 'a'], ['x-amzn-sagemaker-inference-id', 'b']]);
    const latin1 = await invoke([json, ['X-Amzn-SageMaker-Inference-Id', 'caf\u00e9']]);
    expect([empty.status, twice.status, latin1.status]).toEqual([400, 400, 400]);
    expect(empty.json).toEqual({ error: 'BadRequestError', message: expect.stringMatching(/Inference-Id is empty/) });
    expect(twice.json.message).toMatch(/sent 2 times/);
    expect(latin1.json.message).toMatch(/is not valid UTF-8/);
    expect((await capturedIds()).length).toBe(before);
  });

  it("refuses an inference id InvokeEndpoint would refuse (over 64 characters, a tab), and takes 64 characters", async () => {
    const before = (await capturedIds()).length;
    const long = await invoke([json, ['X-Amzn-SageMaker-Inference-Id', 'x'.repeat(65)]]);
    const tab = await invoke([json, ['X-Amzn-SageMaker-Inference-Id', 'a\tb']]);
    expect([long.status, tab.status]).toEqual([400, 400]);
    expect(long.json.message).toMatch(/has 65 characters; expected at most 64/);
    expect(tab.json.message).toMatch(/holds a control character/);
    expect((await capturedIds()).length).toBe(before);
    const max = await invoke([json, ['X-Amzn-SageMaker-Inference-Id', asSent('é'.repeat(64))]]);
    expect(max.status).toBe(200);
    expect(await capturedIds()).toContain('é'.repeat(64));
  });

  it('refuses a compressed body with 415 and takes identity', async () => {
    const gzip = await invoke([json, ['Content-Encoding', 'gzip']]);
    expect(gzip.status).toBe(415);
    expect(gzip.json).toEqual({ error: 'UnsupportedMediaTypeError', message: expect.stringMatching(/Content-Encoding "gzip" is not supported/) });
    expect((await invoke([json, ['Content-Encoding', 'identity']])).status).toBe(200);
  });

  it('answers an empty Content-Type like a missing one', async () => {
    const r = await invoke([['Content-Type', '']]);
    expect(r.status).toBe(415);
    expect(r.json).toEqual({ error: 'UnsupportedMediaTypeError', message: expect.stringMatching(/^request has no Content-Type; supported types are: /) });
  });

  it('answers a Content-Type that is no media type with 415 quoting it, not as a missing one', async () => {
    for (const header of ['application/json, text/csv', 'json', 'application /json']) {
      const r = await invoke([['Content-Type', header]]);
      expect(r.status, header).toBe(415);
      expect(r.json.error, header).toBe('UnsupportedMediaTypeError');
      expect(r.json.message, header).toContain(`Content-Type ${JSON.stringify(header)} is not a media type (type/subtype); supported types are: `);
    }
  });

  it('does not echo an unknown feature name of megabytes back whole', async () => {
    const r = await invoke([json], JSON.stringify([{ ['k'.repeat(5_000_000)]: 1 }]));
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/unknown feature "kkk/);
    expect(r.json.message.length).toBeLessThan(3000);
  });

  it('answers malformed framing and a request that stops arriving in its error shape, and closes the connection', async () => {
    const bad = await raw('POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(bad.slice(bad.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'BadRequest', message: expect.stringMatching(/^the HTTP request is malformed/) });
    const started = Date.now();
    // Ten bytes of a hundred, then nothing: answered 408 once the 1 s limit (checked every second) has passed.
    const stalled = await raw(`POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[{"a":1},`);
    expect(stalled).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(stalled.slice(stalled.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'RequestTimeout', message: expect.stringMatching(/not received within 1 s/) });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('answers Expect: 100-continue with 413 before the upload when the declared body is over the limit', async () => {
    // No body is sent: an answer that waited for it (or said 100 first) would not come before the server's 1 s limit.
    const refused = await raw('POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 100000000\r\n\r\n');
    expect(refused).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(refused).not.toMatch(/100 Continue/);
    expect(JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'PayloadTooLargeError', message: expect.stringMatching(/larger than SageMaker's 6 MB limit/) });
  });

  it('answers Expect: 100-continue within the limit with 100, then takes the body', async () => {
    const bytes = Buffer.from(body);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => {
        // The body goes only once the server has said to continue.
        if (text === '' && d.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) socket.write(bytes);
        text += d;
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.write(`POST /invocations HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${bytes.length}\r\n\r\n`);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(JSON.parse(answer.slice(answer.lastIndexOf('\r\n\r\n') + 4))).toHaveLength(2);
  });
});
