/**
 * @module The prediction store on S3 (fauxqs on loopback): an hour written and read back exactly, a writer that
 * crashes leaves no visible hour and no object, and a rerun of the hour replaces it (idempotent, never doubled).
 */
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../monitor/errors.ts';
import type { StoreRecord } from '../../monitor/store/prediction-part-writer.ts';
import { openStoredHour, type StoredRecord } from '../../monitor/store/prediction-store-reader.ts';
import { PredictionStoreWriter } from '../../monitor/store/prediction-store-writer.ts';
import { S3Storage } from '../../monitor/storage/s3.ts';
import { startS3Server, TEST_CREDENTIALS, TEST_REGION, type S3TestServer } from '../helpers/s3-server.ts';

const BUCKET = 'mpm-store';
const H = Date.UTC(2024, 4, 6, 21);
const HOUR = 3_600_000;
let server: S3TestServer;
let roots = 0;

beforeAll(async () => {
  server = await startS3Server();
  await server.createBucket(BUCKET);
});

afterAll(async () => {
  await server?.close();
});

function store(): S3Storage {
  roots++;
  return new S3Storage(`s3://${BUCKET}/stores/${roots}/predictions`, { s3EndpointUrl: server.endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS, partSize: 5 * 1024 * 1024 });
}

async function keys(prefix: string): Promise<string[]> {
  const out = await server.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

/** Seeded records of one hour: `requests` requests of 50 predictions, ids that look numeric. */
function records(requests: number, seed = 1): StoreRecord[] {
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: requests }, (_, r) => ({
    inferenceId: String(r).padStart(6, '0'),
    eventId: `ev-${seed}-${r}`,
    inferenceTime: H + Math.floor((r / requests) * HOUR),
    predictions: Array.from({ length: 50 }, (_, i) => ({ index: i, label: String((next() * 7) | 0), score: Math.fround(0.3 + 0.7 * next()) })),
  }));
}

const options = { endpoint: 'covertype-ep', window: { start: H, end: H + HOUR }, extraction: { problem_type: 'MulticlassClassification' as const, inference_attribute: null, probability_attribute: null } };

async function readBack(s: S3Storage): Promise<Array<Omit<StoredRecord, 'file' | 'row'>>> {
  const hour = await openStoredHour(s, { endpoint: 'covertype-ep', hour: H });
  expect(hour).toBeDefined();
  const out = [];
  for await (const { file: _f, row: _r, ...rest } of hour!.read()) out.push(rest);
  return out;
}

describe('prediction store on S3', () => {
  it('writes an hour (several row groups, streamed) and reads every record back exactly', async () => {
    const s = store();
    const input = records(400);
    const writer = PredictionStoreWriter.open(s, { ...options, rowGroupRows: 4096 });
    for (const r of input) writer.add(r);
    const [manifest] = await writer.finish();
    expect(manifest).toMatchObject({ records: 20_000, requests: 400 });
    expect(manifest!.parts[0]!.row_groups).toBe(5);
    expect(await readBack(s)).toEqual(input.map((r) => ({ ...r, predictions: r.predictions.map((p) => ({ ...p })) })));
    const prefix = `stores/${roots}/predictions/covertype-ep/AllTraffic/2024/05/06/21/`;
    expect(await keys(prefix)).toEqual([`${prefix}manifest.json`, `${prefix}${manifest!.parts[0]!.file}`]);
  });

  it('a writer that crashes mid-way leaves no visible hour, no object and no open upload', async () => {
    const s = store();
    const writer = PredictionStoreWriter.open(s, { ...options, rowGroupRows: 2048 });
    for (const r of records(300)) writer.add(r);
    await writer.drain(); // row groups are on their way to S3
    await writer.abort();
    expect(await openStoredHour(s, { endpoint: 'covertype-ep', hour: H })).toBeUndefined();
    expect(await keys(`stores/${roots}/`)).toEqual([]);
    const uploads = await server.client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: `stores/${roots}/` }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it('a rerun replaces the hour: the same records once, a smaller rerun only its own, replaced parts removed', async () => {
    const s = store();
    const first = PredictionStoreWriter.open(s, options);
    records(200, 1).forEach((r) => first.add(r));
    await first.finish();
    const again = PredictionStoreWriter.open(s, options);
    records(200, 1).forEach((r) => again.add(r));
    const [m2] = await again.finish();
    expect((await readBack(s)).length).toBe(200);
    const smaller = PredictionStoreWriter.open(s, options);
    const few = records(3, 9);
    few.forEach((r) => smaller.add(r));
    const [m3] = await smaller.finish();
    expect(m3!.parts[0]!.file).not.toBe(m2!.parts[0]!.file);
    expect(await readBack(s)).toEqual(few.map((r) => ({ ...r, predictions: r.predictions.map((p) => ({ ...p })) })));
    const prefix = `stores/${roots}/predictions/covertype-ep/AllTraffic/2024/05/06/21/`;
    expect(await keys(prefix)).toEqual([`${prefix}manifest.json`, `${prefix}${m3!.parts[0]!.file}`]);
  });

  it('a part missing from S3 is an input error naming its s3:// location', async () => {
    const s = store();
    const writer = PredictionStoreWriter.open(s, options);
    records(2).forEach((r) => writer.add(r));
    const [m] = await writer.finish();
    const part = `covertype-ep/AllTraffic/2024/05/06/21/${m!.parts[0]!.file}`;
    await s.remove(part);
    const hour = (await openStoredHour(s, { endpoint: 'covertype-ep', hour: H }))!;
    const reading = (async () => {
      for await (const _ of hour.read());
    })();
    await expect(reading).rejects.toBeInstanceOf(InputError);
    await expect(reading).rejects.toThrow(s.describe(part));
  });
});
