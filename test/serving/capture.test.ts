/**
 * Local data capture: the line format, the folder layout and file names, buffering, rotation, sampling and failures.
 */

import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../serving/app.ts';
import { formatCaptureLine } from '../../serving/capture/capture-line.ts';
import { CaptureWriter, type CaptureWriterOptions } from '../../serving/capture/write-capture.ts';
import { loadModel } from '../../serving/model/load-model.ts';
import { XGBOOST_FIXTURES } from './helpers/fixtures.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'mpm-capture-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file under root, relative, sorted. */
async function listFiles(dir = root): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name))).sort();
}

function writer(options: Partial<CaptureWriterOptions> & { times?: string[] } = {}): CaptureWriter {
  const times = (options.times ?? ['2026-03-01T08:15:30.042Z']).map((t) => new Date(t));
  let call = 0;
  let id = 0;
  return new CaptureWriter({
    root,
    flushIntervalMs: 0,
    clock: () => times[Math.min(call++, times.length - 1)]!,
    uuid: () => `uuid-${++id}`,
    ...options,
  });
}

const sample = (inferenceId?: string) => ({
  input: { contentType: 'application/json', body: Buffer.from('[{"a":1}]') },
  output: { contentType: 'application/json', body: '[{"payload_index":0,"label":1,"score":0.9}]' },
  inferenceId,
});

describe('formatCaptureLine', () => {
  const base = { eventId: 'e-1', inferenceTime: new Date('2026-03-01T08:15:30.999Z') };

  it('writes the service line: captureData, eventMetadata, eventVersion, in that key order', () => {
    const line = formatCaptureLine({ ...base, ...sample('42') });
    expect(line).toBe(
      '{"captureData":{"endpointInput":{"observedContentType":"application/json","mode":"INPUT","data":"[{\\"a\\":1}]","encoding":"JSON"},' +
        '"endpointOutput":{"observedContentType":"application/json","mode":"OUTPUT","data":"[{\\"payload_index\\":0,\\"label\\":1,\\"score\\":0.9}]","encoding":"JSON"}},' +
        '"eventMetadata":{"eventId":"e-1","inferenceId":"42","inferenceTime":"2026-03-01T08:15:30Z"},"eventVersion":"0"}',
    );
  });

  it('omits inferenceId when the caller sent none', () => {
    expect(JSON.parse(formatCaptureLine({ ...base, ...sample() })).eventMetadata).toEqual({ eventId: 'e-1', inferenceTime: '2026-03-01T08:15:30Z' });
  });

  it('keeps CSV as text, base64-encodes other types, and keeps the observed content type as sent', () => {
    const line = JSON.parse(
      formatCaptureLine({
        ...base,
        input: { contentType: 'text/csv; charset=utf-8', body: Buffer.from('1,2\n3,4\n') },
        output: { contentType: 'application/jsonlines', body: '{"score":1}\n' },
      }),
    );
    expect(line.captureData.endpointInput).toEqual({ observedContentType: 'text/csv; charset=utf-8', mode: 'INPUT', data: '1,2\n3,4\n', encoding: 'CSV' });
    expect(line.captureData.endpointOutput.encoding).toBe('BASE64');
    expect(Buffer.from(line.captureData.endpointOutput.data, 'base64').toString()).toBe('{"score":1}\n');
    const asJson = JSON.parse(
      formatCaptureLine({ ...base, ...sample(), output: { contentType: 'application/jsonlines', body: '{}' } }, { json: ['application/json', 'application/jsonlines'], csv: [] }),
    );
    expect(asJson.captureData.endpointOutput).toMatchObject({ data: '{}', encoding: 'JSON' });
  });
});

describe('CaptureWriter', () => {
  it('writes under {endpoint}/{variant}/yyyy/mm/dd/hh/ with {MM}-{SS}-{mmm}-{uuid}.jsonl names', async () => {
    const w = writer({ endpointName: 'ep', variantName: 'Blue' });
    w.record(sample('1'));
    await w.close();
    expect(await listFiles()).toEqual(['ep/Blue/2026/03/01/08/15-30-042-uuid-1.jsonl']);
    const lines = (await readFile(join(root, 'ep/Blue/2026/03/01/08/15-30-042-uuid-1.jsonl'), 'utf8')).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    expect(JSON.parse(lines[0]!).eventMetadata).toEqual({ eventId: 'uuid-2', inferenceId: '1', inferenceTime: '2026-03-01T08:15:30Z' });
  });

  it('buffers lines until flush, and flushes by itself past flushBytes', async () => {
    const w = writer({ flushBytes: 1000 });
    w.record(sample('1'));
    await new Promise((r) => setTimeout(r, 20));
    expect(await listFiles()).toEqual([]);
    for (let i = 0; i < 5; i++) w.record(sample(String(i)));
    await w.flush();
    const [file] = await listFiles();
    expect((await readFile(join(root, file!), 'utf8')).trimEnd().split('\n')).toHaveLength(6);
    await w.close();
  });

  it('flushes on a timer', async () => {
    const w = writer({ flushIntervalMs: 10 });
    w.record(sample('1'));
    await vi.waitFor(async () => expect(await listFiles()).toHaveLength(1), { timeout: 2000, interval: 10 });
    await w.close();
  });

  it('starts a new file when the hour changes, at rotateBytes, and at rotateAgeMs', async () => {
    const times = [
      '2026-03-01T08:59:59.000Z',
      '2026-03-01T09:00:00.000Z', // new hour
      '2026-03-01T09:00:01.000Z', // same file
      '2026-03-01T09:00:02.000Z', // past rotateBytes after two lines
      '2026-03-01T09:01:30.000Z', // past rotateAgeMs
    ];
    const lineBytes = formatCaptureLine({ ...sample('1'), eventId: 'uuid-0', inferenceTime: new Date(times[0]!) }).length + 1;
    const w = writer({ times, rotateBytes: 2 * lineBytes - 1, rotateAgeMs: 60_000 });
    for (let i = 0; i < times.length; i++) w.record(sample(String(i)));
    await w.close();
    const files = await listFiles();
    expect(files).toEqual([
      'local-endpoint/AllTraffic/2026/03/01/08/59-59-000-uuid-1.jsonl',
      'local-endpoint/AllTraffic/2026/03/01/09/00-00-000-uuid-3.jsonl',
      'local-endpoint/AllTraffic/2026/03/01/09/00-02-000-uuid-6.jsonl',
      'local-endpoint/AllTraffic/2026/03/01/09/01-30-000-uuid-8.jsonl',
    ]);
    const counts = await Promise.all(files.map(async (f) => (await readFile(join(root, f), 'utf8')).trimEnd().split('\n').length));
    expect(counts).toEqual([1, 2, 1, 1]);
  });

  it('captures the configured share of invocations', async () => {
    const draws = [0.1, 0.6, 0.49, 0.99];
    const w = writer({ samplingPercentage: 50, random: () => draws.shift()! });
    expect([1, 2, 3, 4].map((i) => w.record(sample(String(i))))).toEqual([true, false, true, false]);
    await w.close();
    expect(w.recordedLines).toBe(2);
  });

  it('reports failed appends and counts the lines lost', async () => {
    await writeFile(join(root, 'blocker'), 'a file where a folder should be');
    const errors: string[] = [];
    const w = new CaptureWriter({ root: join(root, 'blocker'), flushIntervalMs: 0, onError: (_e, file) => errors.push(file) });
    w.record(sample('1'));
    w.record(sample('2'));
    await w.close();
    expect(errors).toHaveLength(1);
    expect(w.droppedLines).toBe(2);
  });

  it('holds callers back while more than maxQueuedBytes wait for the disk, and lets them go once half is written', async () => {
    const w = writer({ maxQueuedBytes: 100, flushBytes: 10_000_000 });
    expect(w.whenWritable()).toBeUndefined();
    w.record(sample('1'));
    expect(w.queuedBytes).toBeGreaterThan(100);
    const wait = w.whenWritable();
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    expect(w.queuedBytes).toBe(0);
    expect(await listFiles()).toHaveLength(1);
    expect(w.whenWritable()).toBeUndefined();
    await w.close();
  });

  it('refuses records after close', async () => {
    const w = writer();
    await w.close();
    expect(() => w.record(sample('1'))).toThrow('capture: record() after close()');
  });
});

describe('capture through the app', () => {
  it('captures successful invocations with their inference id, and not failed ones', async () => {
    const c = `${XGBOOST_FIXTURES}/reg-squarederror`;
    const w = writer();
    const app = buildApp({ model: { current: await loadModel(`${c}/model.json`) }, capture: w });
    const rows = JSON.parse(await readFile(`${c}/input.json`, 'utf8')).rows.slice(0, 3);
    const ok = await app.inject({
      method: 'POST',
      url: '/invocations',
      payload: JSON.stringify(rows),
      headers: { 'content-type': 'application/json', 'x-amzn-sagemaker-inference-id': 'abc-7' },
    });
    const bad = await app.inject({ method: 'POST', url: '/invocations', payload: '[[1]]', headers: { 'content-type': 'application/json' } });
    expect([ok.statusCode, bad.statusCode]).toEqual([200, 400]);
    await app.close();
    await w.close();
    const [file] = await listFiles();
    const lines = (await readFile(join(root, file!), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0].eventMetadata.inferenceId).toBe('abc-7');
    expect(lines[0].captureData.endpointInput.data).toBe(JSON.stringify(rows));
    expect(lines[0].captureData.endpointOutput.data).toBe(ok.body);
  });
});
